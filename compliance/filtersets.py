"""One FilterSet per compliance model, shared by the portal's lists and the API's."""

import django_filters as filters

from compliance.models import (
    AuditEvent,
    ManifestDrift,
    VerificationFileResult,
    VerificationRun,
    WebhookDelivery,
    WebhookSubscription,
)
from config.api.filters import IdFilter, UtcDateTimeFilter


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
    seq_after = IdFilter(field_name="seq", lookup_expr="gt", min_value=0)
    agency_id = IdFilter(field_name="agency_id")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lte")
    actor = IdFilter(field_name="actor_id")

    class Meta:
        model = AuditEvent
        fields = [
            "action",
            "object_type",
            "object_id",
            "agency_id",
            "actor",
            "seq_after",
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
