"""Catalog serializers. Fields are listed explicitly; status and hash fields are read-only."""

from rest_framework import serializers

from catalog.models import (
    Agreement,
    Artifact,
    Confidence,
    FedRAMPProduct,
    FedRAMPProductChange,
    Lifecycle,
    ModelVersion,
    Offering,
    OfferingStatusChange,
    Vendor,
)
from core.api.fields import BlankableURLField


class VendorSerializer(serializers.ModelSerializer):
    website = BlankableURLField(required=False, allow_blank=True, max_length=200)

    class Meta:
        model = Vendor
        fields = ["id", "name", "website", "created_at", "updated_at"]
        read_only_fields = ["created_at", "updated_at"]


class FedRAMPSummarySerializer(serializers.ModelSerializer):
    """A FedRAMP product as the offering representation lists it: FedRAMP's own values."""

    id = serializers.CharField(source="fedramp_id")

    class Meta:
        model = FedRAMPProduct
        fields = ["id", "csp", "cso", "auth_type", "impact_level", "status", "auth_date", "annual_assessment"]
        read_only_fields = fields


class OfferingSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    allowed_licenses = serializers.ListField(child=serializers.CharField(max_length=100), required=False)
    fedramp_ids = serializers.ListField(
        child=serializers.RegexField(r"^[A-Za-z0-9_-]{1,40}$", max_length=40),
        required=False,
        help_text="FedRAMP ids of the products that authorize this offering; the daily sync links them.",
    )
    fedramp = FedRAMPSummarySerializer(source="fedramp_products", many=True, read_only=True)

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
            "fedramp_ids",
            "fedramp",
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
            "confidence",
            "note",
            "is_reinstatement",
            "changed_by",
            "recorded_at",
        ]
        read_only_fields = fields


class AgreementSerializer(serializers.ModelSerializer):
    lifecycle = serializers.ChoiceField(
        choices=Lifecycle.choices, read_only=True, help_text="Current, expiring, expired or terminated, as of today."
    )
    open_until = serializers.DateField(
        read_only=True, allow_null=True, help_text="The earlier of the offer window's end and the end of term."
    )

    class Meta:
        model = Agreement
        fields = [
            "id",
            "offering",
            "title",
            "lifecycle",
            "open_until",
            "price_per_agency",
            "price_unit",
            "currency",
            "terms",
            "announced_on",
            "effective_on",
            "expires_on",
            "offer_ends_on",
            "end_unknown",
            "dates_note",
            "conditions",
            "source_url",
            "contract_vehicle",
            "mas_contract_number",
            "contract_vehicle_source_url",
            "reseller",
            "terminated_on",
            "termination_reason",
            "termination_source_url",
            "successor",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class FedRAMPProductSerializer(serializers.ModelSerializer):
    offerings = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = FedRAMPProduct
        fields = [
            "id",
            "fedramp_id",
            "csp",
            "cso",
            "auth_type",
            "impact_level",
            "status",
            "status_updated_on",
            "auth_date",
            "annual_assessment",
            "uei",
            "reuse",
            "offerings",
            "source_url",
            "synced_at",
        ]
        read_only_fields = fields


class FedRAMPProductChangeSerializer(serializers.ModelSerializer):
    fedramp_id = serializers.CharField(source="product.fedramp_id", read_only=True)

    class Meta:
        model = FedRAMPProductChange
        fields = ["id", "fedramp_id", "field", "from_value", "to_value", "changed_on", "source_url", "recorded_at"]
        read_only_fields = fields


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
    effective_on = serializers.DateField(
        required=False, allow_null=True, help_text="The day it happened (a ruling, GSA's notice); empty for today."
    )
    source_url = BlankableURLField(required=False, allow_blank=True, max_length=500)
    confidence = serializers.ChoiceField(choices=Confidence.choices, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=4000)


class OfferingStatusResultSerializer(serializers.Serializer):
    offering = OfferingSerializer()
    change = OfferingStatusChangeSerializer()
    flagged_onboardings = FlaggedOnboardingSerializer(many=True)
    flagged_agencies = FlaggedAgencySerializer(many=True)
