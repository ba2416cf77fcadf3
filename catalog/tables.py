"""One django-tables2 Table per catalog list (core.tables.RegistryTable: sortable, stacked on a phone)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from catalog.models import Agreement, ModelVersion, Offering, Vendor
from core.tables import RegistryTable, StatusColumn


def _price(agreement: Agreement | None) -> str:
    if agreement is None or agreement.price_per_agency is None:
        return ""
    return f"{agreement.currency} {agreement.price_per_agency} {agreement.price_unit}".strip()


class OfferingTable(RegistryTable):
    name = tables.Column(
        verbose_name="Offering", linkify=lambda record: reverse("catalog:offering-detail", args=[record.slug])
    )
    vendor = tables.Column(accessor="vendor__name", verbose_name="Vendor")
    kind = tables.Column()
    status = StatusColumn()
    fedramp_level = tables.Column(verbose_name="FedRAMP")
    price = tables.Column(verbose_name="Price per agency", accessor="pk", orderable=False)
    expires = tables.Column(verbose_name="Latest agreement expires", accessor="pk", orderable=False)

    class Meta(RegistryTable.Meta):
        model = Offering
        fields = ("name", "vendor", "kind", "status", "fedramp_level", "price", "expires")
        order_by = ("vendor", "name")

    @staticmethod
    def _agreement(record) -> Agreement | None:
        # The list's queryset prefetches the agreements newest first (offering_list_with_agreements).
        return next(iter(record.agreements.all()), None)

    def render_price(self, record):
        return _price(self._agreement(record)) or "—"

    def value_price(self, record):
        return _price(self._agreement(record))

    def render_expires(self, record):
        agreement = self._agreement(record)
        return agreement.expires_on if agreement and agreement.expires_on else "—"

    def value_expires(self, record):
        agreement = self._agreement(record)
        return agreement.expires_on.isoformat() if agreement and agreement.expires_on else ""


class AgreementTable(RegistryTable):
    title = tables.Column(linkify=lambda record: reverse("catalog:agreement-detail", args=[record.pk]))
    offering = tables.Column(
        accessor="offering__name",
        linkify=lambda record: reverse("catalog:offering-detail", args=[record.offering.slug]),
    )
    vendor = tables.Column(accessor="offering__vendor__name", verbose_name="Vendor")
    price_per_agency = tables.Column(verbose_name="Price per agency")
    announced_on = tables.DateColumn(format="Y-m-d", verbose_name="Announced")
    expires_on = tables.DateColumn(format="Y-m-d", verbose_name="Expires")
    source_url = tables.Column(verbose_name="Source", orderable=False)

    class Meta(RegistryTable.Meta):
        model = Agreement
        fields = ("title", "offering", "vendor", "price_per_agency", "announced_on", "expires_on", "source_url")
        order_by = ("vendor", "offering", "-announced_on")

    def render_price_per_agency(self, value, record):
        return _price(record)

    def render_source_url(self, value):
        return format_html(
            '<a class="usa-link" href="{}" rel="noreferrer">source<span class="usa-sr-only"> {}</span></a>',
            value,
            value,
        )

    def value_source_url(self, value):
        return value


class VendorTable(RegistryTable):
    name = tables.Column(
        verbose_name="Vendor", linkify=lambda record: reverse("catalog:vendor-detail", args=[record.pk])
    )
    website = tables.Column(orderable=False)
    offering_count = tables.Column(verbose_name="Offerings")

    class Meta(RegistryTable.Meta):
        model = Vendor
        fields = ("name", "website", "offering_count")
        order_by = ("name",)

    def render_website(self, value):
        return format_html('<a class="usa-link" href="{}" rel="noreferrer">{}</a>', value, value)


class ModelVersionTable(RegistryTable):
    name = tables.Column(
        verbose_name="Model", linkify=lambda record: reverse("catalog:model-version-detail", args=[record.pk])
    )
    offering = tables.Column(accessor="offering__name", verbose_name="Offering")
    repo_id = tables.Column(verbose_name="Hugging Face repo")
    revision = tables.Column()
    pinned_sha = tables.Column(verbose_name="Pinned commit")
    declared_license = tables.Column(verbose_name="License")
    last_synced_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Last synced")

    class Meta(RegistryTable.Meta):
        model = ModelVersion
        fields = ("name", "offering", "repo_id", "revision", "pinned_sha", "declared_license", "last_synced_at")
        order_by = ("offering", "name")

    def render_repo_id(self, value):
        return format_html("<code>{}</code>", value)

    def render_pinned_sha(self, value):
        return format_html("<code>{}</code>", value)
