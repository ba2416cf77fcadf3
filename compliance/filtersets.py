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


class VerificationRunFilterSet(filters.FilterSet):
    deployment = filters.NumberFilter(field_name="deployment_id")
    model_version = filters.NumberFilter(field_name="model_version_id")
    requested_after = filters.IsoDateTimeFilter(field_name="requested_at", lookup_expr="gte")
    requested_before = filters.IsoDateTimeFilter(field_name="requested_at", lookup_expr="lte")

    class Meta:
        model = VerificationRun
        fields = ["deployment", "model_version", "status", "trigger", "requested_after", "requested_before"]


class VerificationFileResultFilterSet(filters.FilterSet):
    run = filters.NumberFilter(field_name="run_id")

    class Meta:
        model = VerificationFileResult
        fields = ["run", "status"]


class ManifestDriftFilterSet(filters.FilterSet):
    model_version = filters.NumberFilter(field_name="model_version_id")

    class Meta:
        model = ManifestDrift
        fields = ["model_version", "kind"]


class AuditEventFilterSet(filters.FilterSet):
    seq_after = filters.NumberFilter(field_name="seq", lookup_expr="gt")
    created_after = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lte")
    actor = filters.NumberFilter(field_name="actor_id")

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
    agency = filters.NumberFilter(field_name="agency_id")

    class Meta:
        model = WebhookSubscription
        fields = ["agency", "is_active"]


class WebhookDeliveryFilterSet(filters.FilterSet):
    subscription = filters.NumberFilter(field_name="subscription_id")

    class Meta:
        model = WebhookDelivery
        fields = ["subscription", "status", "event_type"]
