"""Where the audit log finds each agencies object (core.history's registry; core imports no app)."""

from __future__ import annotations

from django.urls import reverse

from core.history import object_url_register


def register_object_urls() -> None:
    object_url_register("agencies.agency", lambda pk: reverse("agencies:agency-detail", args=[pk]))
    object_url_register("agencies.onboarding", lambda pk: reverse("agencies:onboarding-detail", args=[pk]))
    object_url_register("agencies.deployment", lambda pk: reverse("agencies:deployment-detail", args=[pk]))
