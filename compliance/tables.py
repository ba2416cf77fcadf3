"""One django-tables2 Table per compliance list (core.tables.RegistryTable: sortable, stacked on a phone)."""

from __future__ import annotations

import django_tables2 as tables
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from compliance.models import Evidence, Notification, Report, UseCase, VerificationRun
from core.history import audit_changes, object_url
from core.models import AuditEvent
from core.tables import RegistryTable, SelectColumn, StatusColumn


class VerificationRunTable(RegistryTable):
    id = tables.Column(verbose_name="Run", linkify=lambda record: reverse("compliance:run-detail", args=[record.pk]))
    deployment = tables.Column(
        accessor="deployment__name",
        verbose_name="Deployment",
        linkify=lambda record: reverse("agencies:deployment-detail", args=[record.deployment_id]),
    )
    agency = tables.Column(accessor="deployment__agency__abbreviation", verbose_name="Agency")
    model_version = tables.Column(accessor="model_version__name", verbose_name="Model version")
    status = StatusColumn()
    trigger = tables.Column()
    requested_by = tables.Column(accessor="requested_by__username", verbose_name="Requested by", default="scheduler")
    requested_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Requested")
    finished_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Finished")

    class Meta(RegistryTable.Meta):
        model = VerificationRun
        fields = (
            "id",
            "deployment",
            "agency",
            "model_version",
            "status",
            "trigger",
            "requested_by",
            "requested_at",
            "finished_at",
        )
        order_by = ("-requested_at",)

    def render_id(self, value):
        return f"#{value}"


def _subject(record: Evidence) -> str:
    if record.use_case_id:
        return f"Use case {record.use_case.use_case_id}"
    if record.onboarding_id:
        return f"Onboarding #{record.onboarding_id} ({record.onboarding.offering})"
    return "The agency"


class EvidenceTable(RegistryTable):
    select = SelectColumn()
    requirement = tables.Column(
        accessor="requirement__code",
        verbose_name="Requirement",
        linkify=lambda record: reverse("compliance:agency-compliance", args=[record.agency_id]),
    )
    title = tables.Column(accessor="requirement__title", verbose_name="Title")
    agency = tables.Column(accessor="agency__abbreviation", verbose_name="Agency")
    subject = tables.Column(accessor="pk", verbose_name="Subject", orderable=False)
    status = StatusColumn()
    recorded_by = tables.Column(accessor="recorded_by__username", verbose_name="Recorded by")
    recorded_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="Recorded")
    reviewed_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="Reviewed", default="Not reviewed")

    class Meta(RegistryTable.Meta):
        model = Evidence
        fields = (
            "select",
            "requirement",
            "title",
            "agency",
            "subject",
            "status",
            "recorded_by",
            "recorded_at",
            "reviewed_at",
        )
        order_by = ("agency", "requirement")

    def render_subject(self, record):
        return _subject(record)

    def value_subject(self, record):
        return _subject(record)


class UseCaseTable(RegistryTable):
    use_case_id = tables.Column(
        verbose_name="Id", linkify=lambda record: reverse("compliance:use-case-detail", args=[record.pk])
    )
    use_case_name = tables.Column(verbose_name="Name")
    agency = tables.Column(accessor="agency__abbreviation", verbose_name="Agency")
    development_stage = tables.Column(verbose_name="Stage")
    is_high_impact = tables.Column(verbose_name="Impact")
    offering = tables.Column(accessor="offering__name", verbose_name="Runs on")
    updated_at = tables.DateTimeColumn(format="Y-m-d", verbose_name="Updated")

    class Meta(RegistryTable.Meta):
        model = UseCase
        fields = (
            "use_case_id",
            "use_case_name",
            "agency",
            "development_stage",
            "is_high_impact",
            "offering",
            "updated_at",
        )
        order_by = ("agency", "use_case_id")


class ReportTable(RegistryTable):
    id = tables.Column(verbose_name="Report")
    agency = tables.Column(accessor="agency__abbreviation", verbose_name="For", default="Government-wide")
    framework = tables.Column()
    status = StatusColumn()
    requested_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Requested")
    requested_by = tables.Column(
        accessor="requested_by__username", verbose_name="Requested by", default="the command line"
    )
    issued_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Issued")
    pdf = tables.Column(verbose_name="PDF", accessor="pk", orderable=False, exclude_from_export=True)
    sha256 = tables.Column(verbose_name="SHA-256", orderable=False)

    class Meta(RegistryTable.Meta):
        model = Report
        fields = ("id", "agency", "framework", "status", "requested_at", "requested_by", "issued_at", "pdf", "sha256")
        order_by = ("-requested_at",)
        attrs = {**RegistryTable.Meta.attrs, "id": "reports"}

    def render_id(self, record):
        return record.number

    def value_id(self, record):
        return record.number

    def render_status(self, value, record):
        tag = StatusColumn().render(value=value, record=record, bound_column=self.columns["status"])
        notes = []
        if record.superseded_by_id:
            notes.append(f"superseded by {record.superseded_by.number}")
        if record.error_message:
            notes.append(record.error_message)
        return format_html(
            "{}{}", tag, format_html_join("", '<br><span class="usa-hint">{}</span>', ((n,) for n in notes))
        )

    def render_pdf(self, record):
        if record.status != Report.Status.ISSUED or not record.pdf:
            return "—"
        url = reverse("compliance:report-download", args=[record.pk])
        return format_html(
            '<a class="usa-link" href="{}">Download<span class="usa-sr-only"> report {}</span></a>', url, record.number
        )

    def render_sha256(self, value, record):
        """The digest in full, with a copy button (shown by the portal's script)."""
        return format_html(
            '<code class="registry-hash font-mono-3xs" id="sha256-{}">{}</code> <button type="button" '
            'class="usa-button usa-button--unstyled" data-copy="sha256-{}" hidden>Copy<span class="usa-sr-only">'
            " the SHA-256 of report {}</span></button>",
            record.pk,
            value,
            record.pk,
            record.number,
        )


class AuditEventTable(RegistryTable):
    seq = tables.Column(verbose_name="#")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i:s", verbose_name="When")
    actor_label = tables.Column(verbose_name="Actor", default="system")
    action = tables.Column()
    object = tables.Column(accessor="object_repr", verbose_name="Object", order_by=("object_type", "object_id"))
    changes = tables.Column(accessor="pk", verbose_name="Changed", orderable=False)

    class Meta(RegistryTable.Meta):
        model = AuditEvent
        fields = ("seq", "created_at", "actor_label", "action", "object", "changes")
        order_by = ("-seq",)

    def render_action(self, value):
        return format_html("<code>{}</code>", value)

    def _object_text(self, record) -> str:
        return f"{record.object_type} {record.object_id}: {record.object_repr}".strip()

    def render_object(self, record):
        url = object_url(record.object_type, record.object_id)
        if url is None:
            return self._object_text(record)
        return format_html('<a class="usa-link" href="{}">{}</a>', url, self._object_text(record))

    def value_object(self, record):
        return self._object_text(record)

    def render_changes(self, record):
        return ", ".join(change.field for change in audit_changes(record.before, record.after)) or "—"

    def value_changes(self, record):
        return ", ".join(change.field for change in audit_changes(record.before, record.after))


class NotificationTable(RegistryTable):
    select = SelectColumn()
    title = tables.Column(accessor="alert__title", verbose_name="Notification")
    kind = tables.Column(accessor="alert__kind", verbose_name="Kind")
    agency = tables.Column(accessor="alert__agency__abbreviation", verbose_name="Agency")
    due_on = tables.DateColumn(accessor="alert__due_on", format="Y-m-d", verbose_name="Due")
    created_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Received")
    read_at = tables.DateTimeColumn(format="Y-m-d H:i", verbose_name="Read", default="Unread")
    mark = tables.Column(accessor="pk", verbose_name="Action", orderable=False, exclude_from_export=True)

    class Meta(RegistryTable.Meta):
        model = Notification
        fields = ("select", "title", "kind", "agency", "due_on", "created_at", "read_at", "mark")
        order_by = ("-created_at",)
        attrs = {**RegistryTable.Meta.attrs, "id": "notifications"}

    def render_title(self, record):
        alert = record.alert
        unread = format_html('<span class="usa-tag">Unread</span> ') if record.read_at is None else ""
        action = format_html("<br><strong>What to do:</strong> {}", alert.action) if alert.action else ""
        url = alert.object_url
        title = format_html('<a class="usa-link" href="{}">{}</a>', url, alert.title) if url else alert.title
        return format_html("{}<strong>{}</strong><br>{}{}", unread, title, alert.message, action)

    def value_title(self, record):
        return record.alert.title

    def render_mark(self, record):
        if record.read_at is not None:
            return "—"
        return format_html(
            '<form method="post" action="{}"><input type="hidden" name="csrfmiddlewaretoken" value="{}">'
            '<button class="usa-button usa-button--unstyled" type="submit">Mark read'
            '<span class="usa-sr-only">: {}</span></button></form>',
            reverse("compliance:notification-read", args=[record.pk]),
            get_token(self.request),
            record.alert.title,
        )
