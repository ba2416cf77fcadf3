"""Compliance serializers: verification runs and results, drift, the audit trail, webhooks."""

from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers

from agencies.models import Agency, Deployment, WebhookDelivery, WebhookSubscription
from compliance.models import ManifestDrift, VerificationFileResult, VerificationRun
from core.models import AuditEvent


class SignatureSerializer(serializers.Serializer):
    """The publisher's model.sig, as verify_model --json reports it."""

    present = serializers.BooleanField(source="signature_present")
    verified = serializers.BooleanField(source="signature_verified", allow_null=True)
    signer = serializers.CharField(source="signature_signer", allow_null=True)
    detail = serializers.CharField(source="signature_detail")

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["signer"] = data["signer"] or None
        return data


class ScanExceptionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reason = serializers.CharField()
    granted_by = serializers.CharField(source="granted_by.username")
    granted_at = serializers.DateTimeField()


class VerificationRunSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", read_only=True, default=None, allow_null=True)
    progress_percent = serializers.IntegerField(read_only=True)
    is_finished = serializers.BooleanField(read_only=True)
    signature = SignatureSerializer(source="*", read_only=True)
    policy_exception = ScanExceptionSerializer(read_only=True, allow_null=True)
    registry_signed = serializers.SerializerMethodField()

    def get_registry_signed(self, run) -> bool:
        """Whether the registry signed what this run verified (export it with export_manifest --signature)."""
        return bool(run.registry_signature)

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
            "count_unsafe",
            "policy_ok",
            "policy_exception",
            "custom_code",
            "signature",
            "registry_signed",
            "count_trusted",
            "full_rehash",
            "error_message",
        ]
        read_only_fields = fields


class VerificationStartSerializer(serializers.Serializer):
    deployment = serializers.PrimaryKeyRelatedField(queryset=Deployment.objects.none())
    full = serializers.BooleanField(
        default=False,
        help_text="Read and hash every file, even those unchanged (same inode, size, mtime, ctime) since hashed.",
    )

    def get_fields(self):
        """Offer only the deployments the caller may see, so another agency's ids look unknown."""
        from agencies.selectors import deployment_list

        fields = super().get_fields()
        fields["deployment"].queryset = deployment_list(user=self.context["request"].user)
        return fields


class FileScanSerializer(serializers.Serializer):
    verdict = serializers.CharField(source="scan_verdict")
    detail = serializers.CharField(source="scan_detail", allow_null=True)

    def to_representation(self, instance):
        """A file that was not scanned (absent, refused) is not-applicable, as in verify_model --json."""
        return {"verdict": instance.scan_verdict or "not-applicable", "detail": instance.scan_detail or None}


class VerificationFileResultSerializer(serializers.ModelSerializer):
    format = serializers.SerializerMethodField()
    scan = FileScanSerializer(source="*", read_only=True)
    hub_scan = serializers.SerializerMethodField()

    class Meta:
        model = VerificationFileResult
        fields = [
            "id",
            "run",
            "path",
            "status",
            "algorithm",
            "expected",
            "actual",
            "size",
            "detail",
            "format",
            "scan",
            "policy",
            "hub_scan",
            "trusted_since",
        ]
        read_only_fields = fields

    def get_format(self, result) -> str | None:
        return result.format or None

    def get_hub_scan(self, result) -> dict | None:
        """The Hub's own scan of this path, recorded at manifest sync; None when the Hub did not say."""
        manifest = getattr(result.run.model_version, "hub_manifest", None) if result.run.model_version_id else None
        return ((manifest.file_security or {}) if manifest else {}).get(result.path)


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
