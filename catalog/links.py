"""Where the audit log finds each catalog object (core.history's registry; core imports no app)."""

from __future__ import annotations

from django.urls import reverse

from core.history import object_url_register


def _offering_url(object_id: str) -> str | None:
    from catalog.models import Offering

    slug = Offering.objects.filter(pk=object_id).values_list("slug", flat=True).first()
    return reverse("catalog:offering-detail", args=[slug]) if slug else None


def register_object_urls() -> None:
    object_url_register("catalog.offering", _offering_url)
    object_url_register("catalog.vendor", lambda pk: reverse("catalog:vendor-detail", args=[pk]))
    object_url_register("catalog.agreement", lambda pk: reverse("catalog:agreement-detail", args=[pk]))
    object_url_register("catalog.modelversion", lambda pk: reverse("catalog:model-version-detail", args=[pk]))
