"""One FilterSet per compliance model, shared by the portal's lists and the API's."""

import django_filters as filters
from django import forms

from agencies.models import WebhookDelivery, WebhookSubscription
from compliance.models import (
    Alert,
    Evidence,
    EvidenceStatus,
    ManifestDrift,
    Notification,
    Report,
    Requirement,
    UseCase,
    VerificationFileResult,
    VerificationRun,
)
from core.api.filters import IdFilter, UtcDateTimeFilter
from core.audit import object_type_labels
from core.models import AuditEvent
from core.portal import FilterForm

DATE = {"type": "date"}


class VerificationRunFilterSet(filters.FilterSet):
    deployment = IdFilter(field_name="deployment_id")
    model_version = IdFilter(field_name="model_version_id")
    requested_after = UtcDateTimeFilter(field_name="requested_at", lookup_expr="gte")
    requested_before = UtcDateTimeFilter(field_name="requested_at", lookup_expr="lte")
    status = filters.ChoiceFilter(choices=VerificationRun.Status.choices, empty_label="Any status")
    trigger = filters.ChoiceFilter(choices=VerificationRun.Trigger.choices, empty_label="Any trigger")

    portal_fields = ("status", "trigger")

    class Meta:
        model = VerificationRun
        form = FilterForm
        fields = ["deployment", "model_version", "status", "trigger", "requested_after", "requested_before"]


class VerificationFileResultFilterSet(filters.FilterSet):
    run = IdFilter(field_name="run_id")

    class Meta:
        model = VerificationFileResult
        fields = ["run", "status", "scan_verdict"]  # not "format": ?format=csv asks for CSV


class ManifestDriftFilterSet(filters.FilterSet):
    model_version = IdFilter(field_name="model_version_id")

    class Meta:
        model = ManifestDrift
        fields = ["model_version", "kind"]


class AuditEventFilterSet(filters.FilterSet):
    """Filter the audit trail by who, what, which record and when. The portal shows `portal_fields`."""

    actor = filters.CharFilter(label="Actor (username)", field_name="actor_label", lookup_expr="icontains")
    actor_id = IdFilter(field_name="actor_id")
    action = filters.CharFilter(label="Action (e.g. onboarding.approve)", lookup_expr="istartswith")
    object_type = filters.CharFilter(label="Object type (e.g. agencies.onboarding)", method="filter_object_type")
    object_id = filters.CharFilter(label="Object id", lookup_expr="exact")
    seq_after = IdFilter(field_name="seq", lookup_expr="gt", min_value=0)
    agency_id = IdFilter(field_name="agency_id")
    since = filters.DateFilter(
        label="From", field_name="created_at", lookup_expr="date__gte", widget=forms.DateInput(DATE)
    )
    until = filters.DateFilter(
        label="To", field_name="created_at", lookup_expr="date__lte", widget=forms.DateInput(DATE)
    )
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lte")

    portal_fields = ("actor", "action", "object_type", "object_id", "since", "until")

    def filter_object_type(self, queryset, name, value):
        """Old and new labels of a model that moved between apps find the same events."""
        return queryset.filter(object_type__in=object_type_labels(value)) if value else queryset

    class Meta:
        model = AuditEvent
        form = FilterForm
        fields = [
            "actor",
            "actor_id",
            "action",
            "object_type",
            "object_id",
            "agency_id",
            "seq_after",
            "since",
            "until",
            "created_after",
            "created_before",
        ]


class WebhookSubscriptionFilterSet(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")

    class Meta:
        model = WebhookSubscription
        fields = ["agency", "is_active"]


class WebhookDeliveryFilterSet(filters.FilterSet):
    subscription = IdFilter(field_name="subscription_id")

    class Meta:
        model = WebhookDelivery
        fields = ["subscription", "status", "event_type"]


class RequirementFilterSet(filters.FilterSet):
    framework = filters.CharFilter(field_name="catalog__slug", label="Framework (catalog slug, e.g. m-25-21)")
    automatic = filters.BooleanFilter(method="filter_automatic", label="Decided by an automatic check")

    class Meta:
        model = Requirement
        fields = ["framework", "applies_to", "mandatory", "automatic"]

    def filter_automatic(self, queryset, name, value):
        return queryset.exclude(automatic_check="") if value else queryset.filter(automatic_check="")


class EvidenceFilterSet(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    requirement = filters.CharFilter(field_name="requirement__code", label="Requirement code (e.g. M21-01)")
    use_case = IdFilter(field_name="use_case_id")
    onboarding = IdFilter(field_name="onboarding_id")
    status = filters.ChoiceFilter(choices=EvidenceStatus.choices, empty_label="Any status")
    reviewed = filters.BooleanFilter(field_name="reviewed_at", lookup_expr="isnull", exclude=True)

    portal_fields = ("requirement", "status", "reviewed")

    class Meta:
        model = Evidence
        form = FilterForm
        fields = ["agency", "requirement", "use_case", "onboarding", "status", "reviewed"]


class UseCaseFilterSet(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    offering = IdFilter(field_name="offering_id")
    deployment = IdFilter(field_name="deployment_id")
    development_stage = filters.ChoiceFilter(
        label="Stage", choices=UseCase._meta.get_field("development_stage").choices, empty_label="Any stage"
    )
    is_high_impact = filters.ChoiceFilter(
        label="Impact", choices=UseCase._meta.get_field("is_high_impact").choices, empty_label="Any impact"
    )

    portal_fields = ("development_stage", "is_high_impact")

    class Meta:
        model = UseCase
        form = FilterForm
        fields = ["agency", "development_stage", "is_high_impact", "offering", "deployment"]


class ReportFilterSet(filters.FilterSet):
    agency = IdFilter(field_name="agency_id")
    government_wide = filters.BooleanFilter(field_name="agency", lookup_expr="isnull")
    framework = filters.CharFilter(label="Framework (e.g. m-25-21)")
    status = filters.ChoiceFilter(choices=Report.Status.choices, empty_label="Any status")

    portal_fields = ("framework", "status", "government_wide")

    class Meta:
        model = Report
        form = FilterForm
        fields = ["agency", "government_wide", "framework", "status"]


class NotificationFilterSet(filters.FilterSet):
    kind = filters.ChoiceFilter(
        field_name="alert__kind", choices=Alert._meta.get_field("kind").choices, empty_label="Any kind"
    )
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull")

    portal_fields = ("kind", "unread")

    class Meta:
        model = Notification
        form = FilterForm
        fields = ["kind", "unread"]
