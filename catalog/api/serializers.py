"""Catalog serializers. Fields are listed explicitly; status and hash fields are read-only."""

from rest_framework import serializers

from catalog.models import Agreement, Artifact, ModelVersion, Offering, OfferingStatusChange, Vendor
from core.api.fields import BlankableURLField


class VendorSerializer(serializers.ModelSerializer):
    website = BlankableURLField(required=False, allow_blank=True, max_length=200)

    class Meta:
        model = Vendor
        fields = ["id", "name", "website", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class OfferingSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    allowed_licenses = serializers.ListField(child=serializers.CharField(max_length=100), required=False)

    class Meta:
        model = Offering
        fields = [
            "id",
            "vendor",
            "vendor_name",
            "name",
            "slug",
            "kind",
            "description",
            "status",
            "status_changed_at",
            "status_reason",
            "fedramp_level",
            "allowed_licenses",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["status", "status_changed_at", "status_reason", "created_at", "updated_at"]


class OfferingStatusChangeSerializer(serializers.ModelSerializer):
    changed_by = serializers.CharField(source="changed_by.username", read_only=True, default=None, allow_null=True)
    source_url = serializers.CharField(read_only=True, help_text="A URL, or empty.")

    class Meta:
        model = OfferingStatusChange
        fields = [
            "id",
            "offering",
            "from_status",
            "to_status",
            "effective_on",
            "reason",
            "source_url",
            "changed_by",
            "recorded_at",
        ]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    class Meta:
        model = Agreement
        fields = [
            "id",
            "offering",
            "title",
            "price_per_agency",
            "price_unit",
            "currency",
            "announced_on",
            "effective_on",
            "expires_on",
            "dates_note",
            "conditions",
            "source_url",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class ModelVersionSerializer(serializers.ModelSerializer):
    class Meta:
        model = ModelVersion
        fields = [
            "id",
            "offering",
            "name",
            "repo_id",
            "revision",
            "pinned_sha",
            "declared_license",
            "parameter_count",
            "release_date",
            "last_synced_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["pinned_sha", "last_synced_at", "created_at", "updated_at"]


class ArtifactSerializer(serializers.ModelSerializer):
    class Meta:
        model = Artifact
        fields = ["id", "model_version", "path", "size", "is_lfs", "sha256", "git_sha1"]
        read_only_fields = fields


class FlaggedOnboardingSerializer(serializers.Serializer):
    """An onboarding flagged for offboarding by a status change (the agencies app flags them)."""

    id = serializers.IntegerField()
    state = serializers.CharField()
    agency = serializers.IntegerField(source="agency_id")
    agency_abbreviation = serializers.CharField(source="agency.abbreviation")


class FlaggedAgencySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    abbreviation = serializers.CharField()
    name = serializers.CharField()


class OfferingStatusInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    effective_on = serializers.DateField(required=False, allow_null=True)
    source_url = BlankableURLField(required=False, allow_blank=True, max_length=500)


class OfferingStatusResultSerializer(serializers.Serializer):
    offering = OfferingSerializer()
    change = OfferingStatusChangeSerializer()
    flagged_onboardings = FlaggedOnboardingSerializer(many=True)
    flagged_agencies = FlaggedAgencySerializer(many=True)
