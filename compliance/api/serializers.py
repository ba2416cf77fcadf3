"""Compliance serializers: verification runs and results, drift, the audit trail, webhooks."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from agencies.models import Agency, Deployment, WebhookDelivery, WebhookSubscription
from compliance.models import ManifestDrift, VerificationFileResult, VerificationRun
from core.models import AuditEvent


class VerificationRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True, default=None, allow_null=True)
    progress_percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)

    class Meta:
        model = VerificationRun
        fields = [
            "id",
            "deployment",
            "model_version",
            "status",
            "is_finished",
            "progress_percent",
            "trigger",
            "requested_by",
            "requested_at",
            "started_at",
            "finished_at",
            "attempts",
            "storage_path",
            "repo_id",
            "manifest_commit",
            "files_total",
            "files_done",
            "bytes_total",
            "bytes_done",
            "license_expected",
            "license_found",
            "license_ok",
            "count_ok",
            "count_mismatch",
            "count_missing",
            "count_unexpected",
            "error_message",
        ]
        read_only_fields = fields


class VerificationStartSerializer(serializers.Serializer):
    deployment = serializers.PrimaryKeyRelatedField(queryset=Deployment.objects.none())

    def get_fields(self):
        """Offer only the deployments the caller may see, so another agency's ids look unknown."""
        from agencies.selectors import deployment_list

        fields = super().get_fields()
        fields["deployment"].queryset = deployment_list(user=self.context["request"].user)
        return fields


class VerificationFileResultSerializer(serializers.ModelSerializer):
    class Meta:
        model = VerificationFileResult
        fields = ["id", "run", "path", "status", "algorithm", "expected", "actual", "size", "detail"]
        read_only_fields = fields


class ManifestDriftSerializer(serializers.ModelSerializer):
    class Meta:
        model = ManifestDrift
        fields = ["id", "model_version", "kind", "pinned_commit", "upstream_commit", "details", "detected_at"]
        read_only_fields = fields


class AuditEventSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor_label", read_only=True)

    class Meta:
        model = AuditEvent
        fields = [
            "seq",
            "created_at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "agency_id",
            "before",
            "after",
            "request_id",
            "client_request_id",
            "prev_hash",
            "hash",
        ]
        read_only_fields = fields


@extend_schema_serializer(many=False)
class ChangeFeedSerializer(serializers.Serializer):
    cursor = serializers.IntegerField(help_text="Pass as `since` on the next call.")
    has_more = serializers.BooleanField()
    next = serializers.CharField(allow_null=True, help_text="The URL of the next batch when `has_more`.")
    results = AuditEventSerializer(many=True)


class WebhookSubscriptionSerializer(serializers.ModelSerializer):
    event_types = serializers.ListField(
        child=serializers.ChoiceField(choices=WebhookSubscription.EventType.choices), allow_empty=False
    )
    secret = serializers.CharField(
        write_only=True, min_length=16, max_length=128, required=False, help_text="Omit it to have one generated."
    )
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)

    class Meta:
        model = WebhookSubscription
        fields = ["id", "name", "url", "secret", "event_types", "agency", "is_active", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]

    def validate_url(self, value: str) -> str:
        if not value.lower().startswith(("https://", "http://")):
            raise serializers.ValidationError("Give an http or https URL.")
        return value


class WebhookSecretSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    secret = serializers.CharField(help_text="The new signing secret, shown only in this answer.")


class WebhookDeliverySerializer(serializers.ModelSerializer):
    class Meta:
        model = WebhookDelivery
        fields = [
            "id",
            "subscription",
            "event_id",
            "event_type",
            "agency_id",
            "payload",
            "status",
            "attempts",
            "response_code",
            "last_error",
            "next_attempt_at",
            "delivered_at",
            "created_at",
        ]
        read_only_fields = fields


class ManifestSyncAcceptedSerializer(serializers.Serializer):
    model_version = serializers.IntegerField()
    status = serializers.CharField()
    poll = serializers.CharField()
