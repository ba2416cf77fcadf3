"""The requirement catalog (loaded from versioned data files) and the evidence agencies record against it."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class RequirementCatalog(models.Model):
    """One loaded requirement file: a memo (M-25-21, M-25-22, ...) at one version, with the file's sha256."""

    memo = models.CharField(max_length=20, unique=True, help_text="e.g. M-25-21")
    slug = models.SlugField(max_length=40, unique=True, help_text="The report framework name, e.g. m-25-21.")
    title = models.CharField(max_length=300)
    issued_on = models.DateField()
    version = models.CharField(max_length=40)
    source_url = models.URLField(max_length=500, blank=True)
    file_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["issued_on", "memo"]

    def __str__(self) -> str:
        return f"{self.memo} ({self.version})"


class Requirement(models.Model):
    """One requirement of a memo: who it applies to, when it is due, what evidence proves it, which check decides it."""

    class AppliesTo(models.TextChoices):
        EVERY_AGENCY = "every_agency", "Every agency"
        CFO_ACT = "cfo_act", "CFO Act agencies"
        HIGH_IMPACT_USE_CASE = "high_impact_use_case", "Each high-impact use case"
        ONBOARDING = "onboarding", "Each contract (onboarding)"
        GSA = "gsa", "GSA"
        OMB = "omb", "OMB"

    class Kind(models.TextChoices):
        MEMO = "memo", "Memo requirement"
        REGISTRY_CONTROL = "registry_control", "Registry control"

    PER_SUBJECT = (AppliesTo.HIGH_IMPACT_USE_CASE, AppliesTo.ONBOARDING)

    catalog = models.ForeignKey(RequirementCatalog, on_delete=models.CASCADE, related_name="requirements")
    code = models.CharField(max_length=20, unique=True, help_text="e.g. M21-01")
    position = models.PositiveIntegerField(default=0)
    section = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    text = models.TextField()
    applies_to = models.CharField(max_length=30, choices=AppliesTo.choices)
    excludes = models.JSONField(default=list, blank=True, help_text="Agency abbreviations the requirement skips.")
    mandatory = models.BooleanField(default=True, help_text="False where the memo says 'should'.")
    deadline = models.DateField(null=True, blank=True)
    deadline_note = models.CharField(max_length=300, blank=True)
    recurrence = models.CharField(max_length=100, blank=True)
    evidence_expected = models.TextField(blank=True)
    automatic_check = models.CharField(max_length=60, blank=True)
    # Issue 12: memo text versus the registry's own controls, waivability and recurring deadlines.
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.MEMO)
    supports = models.CharField(
        max_length=20, blank=True, help_text="For a registry control: the memo requirement it supports, e.g. M22-12."
    )
    waivable = models.BooleanField(default=False, help_text="A CAIO may waive it (the seven minimum practices).")
    recurs_every_months = models.PositiveIntegerField(null=True, blank=True)
    recurs_until = models.DateField(null=True, blank=True)
    is_active = models.BooleanField(default=True, help_text="False once the requirement left its data file.")

    class Meta:
        ordering = ["catalog__issued_on", "catalog__memo", "position", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    applies_to__in=["every_agency", "cfo_act", "high_impact_use_case", "onboarding", "gsa", "omb"]
                ),
                name="compliance_requirement_applies_to_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def is_automatic(self) -> bool:
        return bool(self.automatic_check)

    @property
    def is_registry_control(self) -> bool:
        return self.kind == self.Kind.REGISTRY_CONTROL

    def next_due(self, today):
        """The deadline as of `today`: a recurring one rolls forward to its next occurrence (on or after today).

        A deadline that recurs until a year (M-25-21's compliance plan, every two years until 2036) stops
        rolling once the next occurrence would pass `recurs_until`; the last one is then shown, past.
        """
        from compliance.deadlines import next_occurrence

        if self.deadline is None:
            return None
        return next_occurrence(
            self.deadline, every_months=self.recurs_every_months, until=self.recurs_until, today=today
        )


class EvidenceStatus(models.TextChoices):
    MET = "met", "Met"
    PARTIALLY_MET = "partially_met", "Partially met"
    NOT_MET = "not_met", "Not met"
    NOT_APPLICABLE = "not_applicable", "Not applicable"
    WAIVED = "waived", "Waived"
    # An assessment result only (never recorded as evidence): the requirement is not due yet for the subject.
    NOT_YET_DUE = "not_yet_due", "Not yet due"


# What an agency may record as evidence (the assessment alone says "not yet due").
RECORDABLE_STATUSES = [(value, label) for value, label in EvidenceStatus.choices if value != "not_yet_due"]


class Evidence(models.Model):
    """What an agency shows for one requirement: for the agency, or for one use case or one onboarding.

    A waiver (status "waived") carries who granted it, when, why and when it must be re-certified;
    M-25-21 §4(a)(ii) requires annual re-certification.
    """

    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="evidence")
    agency = models.ForeignKey("agencies.Agency", on_delete=models.PROTECT, related_name="evidence")
    use_case = models.ForeignKey(
        "compliance.UseCase", null=True, blank=True, on_delete=models.CASCADE, related_name="evidence"
    )
    onboarding = models.ForeignKey(
        "agencies.Onboarding", null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    status = models.CharField(max_length=20, choices=RECORDABLE_STATUSES)
    notes = models.TextField(blank=True)
    # Issue 12: a waiver is the CAIO's own act (M-25-21 §4(a)(ii)), reported to OMB within 30 days (§4(a)(iii)).
    waiver_caio = models.ForeignKey(
        "agencies.ChiefAIOfficer", null=True, blank=True, on_delete=models.PROTECT, related_name="waivers"
    )
    waiver_reported_to_omb_on = models.DateField(null=True, blank=True)
    waiver_revoked_on = models.DateField(null=True, blank=True)
    waiver_revocation_reported_on = models.DateField(null=True, blank=True)
    waiver_granted_by = models.CharField(max_length=200, blank=True)
    waiver_granted_on = models.DateField(null=True, blank=True)
    waiver_justification = models.TextField(blank=True)
    waiver_recertify_by = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requirement", "agency", "pk"]
        verbose_name_plural = "evidence"
        constraints = [
            models.UniqueConstraint(
                fields=["requirement", "agency"],
                condition=Q(use_case__isnull=True, onboarding__isnull=True),
                name="compliance_evidence_unique_agency",
            ),
            models.UniqueConstraint(
                fields=["requirement", "use_case"],
                condition=Q(use_case__isnull=False),
                name="compliance_evidence_unique_use_case",
            ),
            models.UniqueConstraint(
                fields=["requirement", "onboarding"],
                condition=Q(onboarding__isnull=False),
                name="compliance_evidence_unique_onboarding",
            ),
            models.CheckConstraint(
                condition=Q(use_case__isnull=True) | Q(onboarding__isnull=True),
                name="compliance_evidence_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["met", "partially_met", "not_met", "not_applicable", "waived"]),
                name="compliance_evidence_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="waived")
                | (
                    ~Q(waiver_granted_by="")
                    & Q(waiver_granted_on__isnull=False)
                    & ~Q(waiver_justification="")
                    & Q(waiver_recertify_by__isnull=False)
                ),
                name="compliance_evidence_waiver_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.requirement.code} / {self.agency.abbreviation}: {self.get_status_display()}"

    def clean(self) -> None:
        if self.status == EvidenceStatus.WAIVED:
            missing = {
                "waiver_granted_by": "Say who granted the waiver.",
                "waiver_granted_on": "Give the date the waiver was granted.",
                "waiver_justification": "Give the waiver's justification.",
                "waiver_recertify_by": "Give the date the waiver must be re-certified.",
            }
            errors = {field: message for field, message in missing.items() if not getattr(self, field)}
            if errors:
                raise ValidationError(errors)
            if self.waiver_recertify_by <= self.waiver_granted_on:
                raise ValidationError({"waiver_recertify_by": "Re-certification is due after the grant."})
        if self.use_case_id and self.onboarding_id:
            raise ValidationError("Evidence is for a use case or for an onboarding, not both.")
        if self.use_case_id and self.use_case.agency_id != self.agency_id:
            raise ValidationError({"use_case": "The use case belongs to another agency."})
        if self.onboarding_id and self.onboarding.agency_id != self.agency_id:
            raise ValidationError({"onboarding": "The onboarding belongs to another agency."})

    @property
    def waiver_is_current(self) -> bool:
        from django.utils import timezone

        return bool(
            self.status == EvidenceStatus.WAIVED
            and self.waiver_revoked_on is None
            and self.waiver_recertify_by
            and self.waiver_recertify_by >= timezone.localdate()
        )


class EvidenceDocument(models.Model):
    """A file uploaded as evidence, stored under a generated name with its sha256 and size."""

    evidence = models.ForeignKey(Evidence, on_delete=models.CASCADE, related_name="documents")
    file = models.FileField(upload_to="evidence/%Y/%m/", max_length=300)
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(size__gte=0), name="compliance_evidencedocument_size_not_negative"),
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="compliance_evidencedocument_sha256_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.original_name
