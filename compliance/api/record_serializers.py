"""Serializers of the compliance records (issue 6): requirements, assessments, evidence, use cases,
reports and attestation checks. Output serializers are read-only; input serializers carry only what
the caller may choose (never the agency of an agency officer, a status set by a task, or a hash)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from agencies.models import Agency, Onboarding
from compliance.models import Evidence, EvidenceDocument, EvidenceStatus, Report, Requirement, UseCase
from compliance.models.requirements import RECORDABLE_STATUSES
from compliance.validators import csv_upload_size_check

SHA256_PATTERN = r"^[0-9a-fA-F]{64}$"


class RequirementSerializer(serializers.ModelSerializer):
    memo = serializers.CharField(source="catalog.memo", read_only=True)
    framework = serializers.CharField(source="catalog.slug", read_only=True)
    is_automatic = serializers.BooleanField(read_only=True)

    class Meta:
        model = Requirement
        fields = [
            "id",
            "code",
            "memo",
            "framework",
            "section",
            "title",
            "text",
            "applies_to",
            "excludes",
            "mandatory",
            "deadline",
            "deadline_note",
            "recurrence",
            "evidence_expected",
            "automatic_check",
            "is_automatic",
        ]
        read_only_fields = fields


class EvidenceDocumentSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = EvidenceDocument
        fields = ["id", "evidence", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    requirement = serializers.CharField(source="requirement.code", read_only=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, default=None, allow_null=True)
    documents = EvidenceDocumentSerializer(many=True, read_only=True)

    class Meta:
        model = Evidence
        fields = [
            "id",
            "requirement",
            "agency",
            "use_case",
            "onboarding",
            "status",
            "notes",
            "waiver_granted_by",
            "waiver_granted_on",
            "waiver_justification",
            "waiver_recertify_by",
            "recorded_by",
            "recorded_at",
            "reviewed_by",
            "reviewed_at",
            "documents",
        ]
        read_only_fields = fields


class EvidenceRecordSerializer(serializers.Serializer):
    """Record (create or replace) evidence. Agency officers record for their own agency (leave `agency` out).

    A waiver is recorded as the Chief AI Officer's (the one in office on `waiver_granted_on`), and only for the
    seven minimum practices.
    """

    requirement = serializers.SlugRelatedField(slug_field="code", queryset=Requirement.objects.filter(is_active=True))
    agency = serializers.PrimaryKeyRelatedField(queryset=Agency.objects.all(), required=False, allow_null=True)
    status = serializers.ChoiceField(choices=RECORDABLE_STATUSES)
    notes = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    use_case = serializers.PrimaryKeyRelatedField(queryset=UseCase.objects.none(), required=False, allow_null=True)
    onboarding = serializers.PrimaryKeyRelatedField(queryset=Onboarding.objects.none(), required=False, allow_null=True)
    waiver_granted_by = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    waiver_granted_on = serializers.DateField(required=False, allow_null=True, default=None)
    waiver_justification = serializers.CharField(required=False, allow_blank=True, default="", max_length=20000)
    waiver_recertify_by = serializers.DateField(required=False, allow_null=True, default=None)

    def get_fields(self):
        """Offer only the use cases and onboardings the caller may see: another agency's ids look unknown."""
        from agencies.selectors import onboarding_list
        from compliance.services import use_case_list

        fields = super().get_fields()
        user = self.context["request"].user
        fields["use_case"].queryset = use_case_list(user=user)
        fields["onboarding"].queryset = onboarding_list(user=user)
        return fields

    def validate(self, data):
        if data["status"] == EvidenceStatus.WAIVED:
            waiver = ("waiver_granted_on", "waiver_justification", "waiver_recertify_by")
            missing = {name: ["Required for a waiver."] for name in waiver if not data.get(name)}
            if missing:
                raise serializers.ValidationError(missing)
        return data


class EvidenceDocumentUploadSerializer(serializers.Serializer):
    file = serializers.FileField(allow_empty_file=True)


class UseCaseSerializer(serializers.ModelSerializer):
    agency_abbreviation = serializers.CharField(source="agency.abbreviation", read_only=True)
    offering = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    deployment = serializers.SlugRelatedField(slug_field="name", read_only=True, allow_null=True)

    class Meta:
        # Output only (imports go through use_case_import). Not marked read-only, so that blank answers
        # keep `allow_blank` and the schema's enums admit "" (an unanswered OMB question).
        model = UseCase
        fields = ["id", "agency", "agency_abbreviation", *[f.name for f in UseCase._meta.concrete_fields[2:]]]


class UseCaseImportSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text="OMB's inventory CSV (UTF-8, with or without a BOM).", validators=[csv_upload_size_check]
    )


class ImportProblemSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    field = serializers.CharField()
    value = serializers.CharField()
    message = serializers.CharField()
    refused = serializers.BooleanField(help_text="True: the row was not stored. False: stored as written, a warning.")


class ImportResultSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["individual", "cots"])
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    with_warnings = serializers.IntegerField()
    refused = serializers.IntegerField()
    agencies = serializers.ListField(child=serializers.CharField())
    problems = ImportProblemSerializer(many=True)


class ReportSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    scope = serializers.CharField(source="scope_label", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True, default=None, allow_null=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = Report
        fields = [
            "id",
            "number",
            "agency",
            "scope",
            "framework",
            "status",
            "requested_by",
            "requested_at",
            "started_at",
            "issued_at",
            "attester",
            "attester_agency",
            "attested_by",
            "attested_role",
            "sha256",
            "size",
            "superseded_by",
            "error_message",
            "pdf_url",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_pdf_url(self, report: Report) -> str | None:
        if report.status != Report.Status.ISSUED:
            return None
        return reverse("api:report-pdf", kwargs={"pk": report.pk})


ATTESTER_NOT_TYPED = "The attester is you, the signed-in user, with your role and agency: it cannot be typed."


class ReportRequestSerializer(serializers.Serializer):
    framework = serializers.CharField(max_length=20, help_text="A catalog slug (e.g. m-25-21) or `all`.")
    agency = serializers.PrimaryKeyRelatedField(
        queryset=Agency.objects.all(),
        required=False,
        allow_null=True,
        help_text="Leave out for the government-wide report (GSA officers only).",
    )

    def validate(self, data):
        typed = sorted({"attested_by", "attested_role"} & set(self.initial_data))
        if typed:
            raise serializers.ValidationError(dict.fromkeys(typed, [ATTESTER_NOT_TYPED]))
        return data

    def validate_framework(self, value: str) -> str:
        from compliance.services import framework_choices

        choices = framework_choices()
        if value not in choices:
            raise serializers.ValidationError(f"Use one of: {', '.join(choices)}.")
        return value


class AttestationQuerySerializer(serializers.Serializer):
    sha256 = serializers.RegexField(SHA256_PATTERN, help_text="The SHA-256 of the PDF, 64 hexadecimal characters.")


class AttestationUploadSerializer(serializers.Serializer):
    pdf = serializers.FileField(required=False, help_text="The report PDF.")
    sha256 = serializers.RegexField(SHA256_PATTERN, required=False, help_text="Or its SHA-256.")

    def validate(self, data):
        if not data.get("pdf") and not data.get("sha256"):
            raise serializers.ValidationError({"pdf": ["Upload the PDF or give its SHA-256."]})
        return data


class SupersedingReportSerializer(serializers.Serializer):
    report_id = serializers.CharField()
    issued_at = serializers.DateTimeField()


class AttestationCheckSerializer(serializers.Serializer):
    """What `attestation_verify` found: whether we issued the PDF, for whom, and what replaced it."""

    sha256 = serializers.CharField()
    issued = serializers.BooleanField()
    report_id = serializers.CharField(required=False)
    scope = serializers.CharField(required=False)
    agency = serializers.CharField(required=False, allow_null=True)
    framework = serializers.CharField(required=False)
    issued_at = serializers.DateTimeField(required=False)
    attested_by = serializers.CharField(required=False)
    attested_role = serializers.CharField(required=False)
    superseded = serializers.BooleanField(required=False)
    superseded_by = SupersedingReportSerializer(required=False, allow_null=True)


class SubjectResultSerializer(serializers.Serializer):
    label = serializers.CharField()
    status = serializers.ChoiceField(choices=EvidenceStatus.choices)
    automatic = serializers.BooleanField()
    detail = serializers.CharField(allow_blank=True)
    evidence = serializers.IntegerField(source="evidence.pk", allow_null=True, help_text="The evidence id, if any.")


class RequirementResultSerializer(serializers.Serializer):
    requirement = serializers.CharField(source="requirement.code")
    title = serializers.CharField(source="requirement.title")
    framework = serializers.CharField(source="requirement.catalog.slug")
    status = serializers.ChoiceField(choices=EvidenceStatus.choices)
    automatic = serializers.BooleanField()
    detail = serializers.CharField(allow_blank=True)
    kind = serializers.CharField(source="requirement.kind", help_text="memo, or registry_control")
    supports = serializers.CharField(source="requirement.supports", help_text="For a registry control: its memo item.")
    mandatory = serializers.BooleanField(source="requirement.mandatory", help_text="False: a recommendation.")
    counted = serializers.BooleanField(source="counts_toward_roll_up", help_text="Counted in the agency's counts.")
    sources = serializers.ListField(child=serializers.CharField(), help_text="Where the status comes from.")
    next_due = serializers.DateField(allow_null=True, help_text="The next due date (recurring deadlines roll forward).")
    subjects = SubjectResultSerializer(many=True)


class AssessmentSerializer(serializers.Serializer):
    agency = serializers.IntegerField(source="agency.pk")
    abbreviation = serializers.CharField(source="agency.abbreviation")
    counts = serializers.SerializerMethodField()
    results = RequirementResultSerializer(many=True)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField()))
    def get_counts(self, assessment) -> dict:
        counts = assessment.counts()
        return {status: counts.get(status, 0) for status in EvidenceStatus.values}
