"""Agencies serializers. Agency, state, approver and requester fields are read-only (no mass assignment)."""

from rest_framework import serializers

from agencies.models import Agency, ChiefAIOfficer, Deployment, Onboarding, OnboardingTransition
from catalog.models import ModelVersion, Offering
from core.api.fields import BlankableURLField


class AgencySerializer(serializers.ModelSerializer):
    """An agency with its current Chief AI Officer (the full history is at `/agencies/{id}/caio/`)."""

    caio_name = serializers.CharField(read_only=True, help_text="The CAIO in office, or empty.")
    caio_title = serializers.CharField(read_only=True)
    caio_email = serializers.CharField(read_only=True, help_text="An e-mail address, or empty.")
    caio_designated_on = serializers.DateField(read_only=True, allow_null=True)

    class Meta:
        model = Agency
        fields = [
            "id",
            "name",
            "abbreviation",
            "cgac_code",
            "parent",
            "is_cfo_act",
            "is_intelligence_community",
            "status",
            "closed_on",
            "aliases",
            "caio_name",
            "caio_title",
            "caio_email",
            "caio_designated_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OnboardingSerializer(serializers.ModelSerializer):
    agency_abbreviation = serializers.CharField(source="agency.abbreviation", read_only=True)
    offering_name = serializers.CharField(source="offering.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    approved_by = serializers.CharField(source="approved_by.username", read_only=True, default=None, allow_null=True)

    class Meta:
        model = Onboarding
        fields = [
            "id",
            "agency",
            "agency_abbreviation",
            "offering",
            "offering_name",
            "state",
            "purpose",
            "contract_number",
            "no_training_on_agency_data",
            "data_portability",
            "ato_granted_on",
            "ato_expires_on",
            "requested_by",
            "approved_by",
            "approved_at",
            "offboarding_flagged_at",
            "offboarding_flag_reason",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class OnboardingRequestSerializer(serializers.Serializer):
    """What an agency asks for. `agency` is for GSA officers; an agency officer's is always their own."""

    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False)
    offering = serializers.PrimaryKeyRelatedField(queryset=Offering.objects.all())
    purpose = serializers.CharField(max_length=5000)
    contract_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    no_training_on_agency_data = serializers.BooleanField(required=False, allow_null=True, default=None)
    data_portability = serializers.BooleanField(required=False, allow_null=True, default=None)
    ato_granted_on = serializers.DateField(required=False, allow_null=True)
    ato_expires_on = serializers.DateField(required=False, allow_null=True)
    submit = serializers.BooleanField(required=False, default=True)


class OnboardingFactsSerializer(serializers.Serializer):
    """The M-25-22 contract facts an agency records on its onboarding."""

    contract_number = serializers.CharField(max_length=100, required=False, allow_blank=True)
    no_training_on_agency_data = serializers.BooleanField(required=False, allow_null=True)
    data_portability = serializers.BooleanField(required=False, allow_null=True)
    ato_granted_on = serializers.DateField(required=False, allow_null=True)
    ato_expires_on = serializers.DateField(required=False, allow_null=True)
    # Issue 12: the other M-25-22 lock-in protections, the dates that decide which memo binds, and M-26-04.
    knowledge_transfer = serializers.BooleanField(required=False, allow_null=True)
    rights_to_code_and_models = serializers.BooleanField(required=False, allow_null=True)
    licensing_pricing_transparency = serializers.BooleanField(required=False, allow_null=True)
    solicitation_date = serializers.DateField(required=False, allow_null=True)
    option_exercise_date = serializers.DateField(required=False, allow_null=True)
    unbiased_ai_clause = serializers.BooleanField(required=False, allow_null=True)
    unbiased_ai_material = serializers.BooleanField(required=False, allow_null=True)
    vendor_aup_url = BlankableURLField(max_length=500, required=False)
    vendor_cards_url = BlankableURLField(max_length=500, required=False)
    vendor_end_user_resources_url = BlankableURLField(max_length=500, required=False)
    vendor_feedback_url = BlankableURLField(max_length=500, required=False)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class OnboardingTransitionSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", read_only=True)

    class Meta:
        model = OnboardingTransition
        fields = ["id", "onboarding", "action", "from_state", "to_state", "actor", "reason", "created_at"]
        read_only_fields = fields


class DeploymentSerializer(serializers.ModelSerializer):
    agency_abbreviation = serializers.CharField(source="agency.abbreviation", read_only=True)
    created_by = serializers.CharField(source="created_by.username", read_only=True)

    class Meta:
        model = Deployment
        fields = [
            "id",
            "agency",
            "agency_abbreviation",
            "model_version",
            "onboarding",
            "name",
            "storage_path",
            "environment",
            "is_active",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["agency", "created_by", "created_at", "updated_at"]
        # Uniqueness is checked by the model (full_clean in the service): DRF's generated
        # unique-together validator would make the read-only agency a required input.
        validators = []

    def get_fields(self):
        """Offer only the onboardings the caller may see, so another agency's ids look unknown."""
        from agencies.selectors import onboarding_list

        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "onboarding" in fields and not fields["onboarding"].read_only:
            fields["onboarding"].queryset = onboarding_list(user=request.user)
        if "model_version" in fields and not fields["model_version"].read_only:
            fields["model_version"].queryset = ModelVersion.objects.all()
        return fields


class DeploymentCreateSerializer(DeploymentSerializer):
    """On creation a GSA officer names the agency; an agency officer's deployment is always their agency's."""

    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False)


# Issue 12: the Chief AI Officer's history.


class ChiefAIOfficerSerializer(serializers.ModelSerializer):
    email = serializers.CharField(read_only=True, help_text="An e-mail address, or empty.")
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True, default=None, allow_null=True)
    has_designation_document = serializers.SerializerMethodField()

    class Meta:
        model = ChiefAIOfficer
        fields = [
            "id",
            "agency",
            "name",
            "title",
            "grade",
            "email",
            "designated_on",
            "ended_on",
            "omb_notified_on",
            "vacancy_notified_on",
            "has_designation_document",
            "designation_document_sha256",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields

    def get_has_designation_document(self, term) -> bool:
        return bool(term.designation_document)


class CaioDesignateSerializer(serializers.Serializer):
    """A new Chief AI Officer; the current one's term ends on `designated_on`."""

    name = serializers.CharField(max_length=200)
    title = serializers.CharField(max_length=200)
    grade = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    designated_on = serializers.DateField()
    omb_notified_on = serializers.DateField(required=False, allow_null=True, default=None)
    designation_document = serializers.FileField(required=False, allow_null=True, default=None)


class CaioVacateSerializer(serializers.Serializer):
    vacated_on = serializers.DateField()
    omb_notified_on = serializers.DateField(required=False, allow_null=True, default=None)
