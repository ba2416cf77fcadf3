"""One FilterSet per compliance model, shared by the portal's lists and the API's."""

import django_filters as filters
from django import forms

from compliance.models import (
    AuditEvent,
    ManifestDrift,
    VerificationFileResult,
    VerificationRun,
    WebhookDelivery,
    WebhookSubscription,
)
from config.api.filters import IdFilter, UtcDateTimeFilter
from config.portal import FilterForm

DATE = {"type": "date"}


class VerificationRunFilterSet(filters.FilterSet):
    deployment = IdFilter(field_name="deployment_id")
    model_version = IdFilter(field_name="model_version_id")
    requested_after = UtcDateTimeFilter(field_name="requested_at", lookup_expr="gte")
    requested_before = UtcDateTimeFilter(field_name="requested_at", lookup_expr="lte")

    class Meta:
        model = VerificationRun
        fields = ["deployment", "model_version", "status", "trigger", "requested_after", "requested_before"]


class VerificationFileResultFilterSet(filters.FilterSet):
    run = IdFilter(field_name="run_id")

    class Meta:
        model = VerificationFileResult
        fields = ["run", "status"]


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
    object_type = filters.CharFilter(label="Object type (e.g. agencies.onboarding)", lookup_expr="iexact")
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

    portal_fields = ("actor", "action", "object_type", "since", "until")

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
