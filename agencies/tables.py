"""One django-tables2 Table per agencies list (core.tables.RegistryTable: sortable, stacked on a phone)."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from agencies.models import Agency, Deployment, Onboarding
from core.tables import RegistryTable, SelectColumn, StatusColumn


class AgencyTable(RegistryTable):
    name = tables.Column(
        verbose_name="Agency", linkify=lambda record: reverse("agencies:agency-detail", args=[record.pk])
    )
    abbreviation = tables.Column()
    caio_name = tables.Column(verbose_name="Chief AI Officer", default="Not designated")
    is_cfo_act = tables.BooleanColumn(verbose_name="CFO Act", yesno="Yes,No")

    class Meta(RegistryTable.Meta):
        model = Agency
        fields = ("name", "abbreviation", "caio_name", "is_cfo_act")
        order_by = ("name",)


class OnboardingTable(RegistryTable):
    id = tables.Column(verbose_name="#", linkify=lambda record: reverse("agencies:onboarding-detail", args=[record.pk]))
    agency = tables.Column(accessor="agency__abbreviation", verbose_name="Agency")
    offering = tables.Column(accessor="offering__name", verbose_name="Offering")
    state = StatusColumn()
    requested_by = tables.Column(accessor="requested_by__username", verbose_name="Requested by")
    created_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="Requested")
    offboarding_flagged_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="Flagged for offboarding")

    class Meta(RegistryTable.Meta):
        model = Onboarding
        fields = ("id", "agency", "offering", "state", "requested_by", "created_at", "offboarding_flagged_at")
        order_by = ("-created_at",)

    def render_id(self, value):
        return f"#{value}"


class DeploymentTable(RegistryTable):
    select = SelectColumn()
    name = tables.Column(
        verbose_name="Deployment", linkify=lambda record: reverse("agencies:deployment-detail", args=[record.pk])
    )
    agency = tables.Column(accessor="agency__abbreviation", verbose_name="Agency")
    model_version = tables.Column(accessor="model_version__name", verbose_name="Model version")
    environment = tables.Column()
    is_active = tables.BooleanColumn(verbose_name="Active", yesno="Yes,No")
    storage_path = tables.Column(verbose_name="Folder")
    latest_verification = tables.Column(
        accessor="pk", verbose_name="Latest verification", orderable=False, exclude_from_export=True
    )

    class Meta(RegistryTable.Meta):
        model = Deployment
        fields = (
            "select",
            "name",
            "agency",
            "model_version",
            "environment",
            "is_active",
            "storage_path",
            "latest_verification",
        )
        order_by = ("agency", "name")

    def render_latest_verification(self, record):
        """The deployment's latest run (its runs are compliance's, reached by their relation: no import)."""
        run = record.verification_runs.order_by("-requested_at", "-pk").first()
        if run is None:
            return "Never verified"
        url = reverse("compliance:run-detail", args=[run.pk])
        return format_html(
            '<a class="usa-link" href="{}">{}</a> ({})', url, run.get_status_display(), run.requested_at.date()
        )
