"""Who uses the registry: agencies, their officers, onboarding to offerings and agency-hosted deployments."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q

from catalog.models import ModelVersion, Offering


class Role(models.TextChoices):
    GSA_OFFICER = "gsa_officer", "GSA officer"
    AGENCY_OFFICER = "agency_officer", "Agency officer"
    AUDITOR = "auditor", "Auditor"


class Agency(models.Model):
    """A federal agency (department, independent agency or component).

    `abbreviation` is the key OMB's inventory files use (STATE, not DOS); `aliases` hold the other
    abbreviations and full-name spellings the agency appears under (OMB's COTS file keys agencies by
    inconsistently spelled names). A closed agency keeps its records but is not assessed. The Chief AI
    Officer is recorded with its history in `ChiefAIOfficer`.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        CLOSED = "closed", "Closed"

    name = models.CharField(max_length=200, unique=True)
    abbreviation = models.CharField(
        max_length=20, unique=True, validators=[RegexValidator(r"^[A-Z][A-Z0-9-]{1,19}$", "Use capitals, e.g. DOE.")]
    )
    cgac_code = models.CharField(
        max_length=3, null=True, blank=True, unique=True, validators=[RegexValidator(r"^[0-9A-Z]{3}$")]
    )
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="components")
    is_cfo_act = models.BooleanField(default=False, help_text="Listed in 31 U.S.C. § 901(b).")
    # Issue 12: who reports, under which names, and whether the agency still exists.
    is_intelligence_community = models.BooleanField(
        default=False, help_text="An element of the Intelligence Community (50 U.S.C. § 3003(4))."
    )
    aliases = models.JSONField(
        default=list, blank=True, help_text="Other abbreviations and name spellings, e.g. DOS, Department of State."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    closed_on = models.DateField(null=True, blank=True)
    status_source = models.CharField(max_length=300, blank=True, help_text="Where the status and date come from.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="agencies_agency_not_own_parent"),
            models.CheckConstraint(
                condition=Q(cgac_code__isnull=True) | Q(cgac_code__regex=r"^[0-9A-Z]{3}$"),
                name="agencies_agency_cgac_format",
            ),
            models.CheckConstraint(
                condition=Q(status="active", closed_on__isnull=True) | Q(status="closed", closed_on__isnull=False),
                name="agencies_agency_closed_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.abbreviation})"

    def clean(self) -> None:
        if (self.status == self.Status.CLOSED) != (self.closed_on is not None):
            raise ValidationError({"closed_on": "A closed agency has a closing date; an active one has none."})

    def is_active_on(self, day) -> bool:
        return self.status == self.Status.ACTIVE or (self.closed_on is not None and day < self.closed_on)

    @property
    def current_caio(self) -> ChiefAIOfficer | None:
        """The Chief AI Officer in office (the term without an end), read from prefetched terms when loaded."""
        terms = [term for term in self.caio_terms.all() if term.ended_on is None]
        return max(terms, key=lambda term: (term.designated_on, term.pk)) if terms else None

    @property
    def has_caio(self) -> bool:
        return self.current_caio is not None

    @property
    def caio_name(self) -> str:
        caio = self.current_caio
        return caio.name if caio else ""

    @property
    def caio_title(self) -> str:
        caio = self.current_caio
        return caio.title if caio else ""

    @property
    def caio_email(self) -> str:
        caio = self.current_caio
        return caio.email if caio else ""

    @property
    def caio_designated_on(self):
        caio = self.current_caio
        return caio.designated_on if caio else None


class User(AbstractUser):
    """A person who signs in: a GSA officer, an agency officer (member of one agency) or an auditor."""

    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AUDITOR)
    agency = models.ForeignKey(Agency, null=True, blank=True, on_delete=models.PROTECT, related_name="members")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="agency_officer") | Q(agency__isnull=False),
                name="agencies_user_agency_officer_has_agency",
            ),
            models.CheckConstraint(
                condition=Q(role__in=["gsa_officer", "agency_officer", "auditor"]), name="agencies_user_role_valid"
            ),
        ]

    def clean(self) -> None:
        super().clean()
        if self.role == Role.AGENCY_OFFICER and not self.agency_id:
            raise ValidationError({"agency": "An agency officer must belong to an agency."})

    @property
    def is_gsa_officer(self) -> bool:
        return self.is_active and self.role == Role.GSA_OFFICER

    @property
    def is_agency_officer(self) -> bool:
        return self.is_active and self.role == Role.AGENCY_OFFICER

    @property
    def is_auditor(self) -> bool:
        return self.is_active and self.role == Role.AUDITOR


class Onboarding(models.Model):
    """An agency's use of one offering, through a reviewed workflow.

    States: draft → requested → under review → approved → active ⇄ suspended → offboarded,
    or rejected. Transitions happen only in `agencies.services.onboarding_transition`, which
    locks the row, checks the rule and records who, when and why in OnboardingTransition.
    The M-25-22 contract facts are recorded with the request and checked before approval.
    """

    class State(models.TextChoices):
        DRAFT = "draft", "Draft"
        REQUESTED = "requested", "Requested"
        UNDER_REVIEW = "under_review", "Under review"
        APPROVED = "approved", "Approved"
        ACTIVE = "active", "Active"
        SUSPENDED = "suspended", "Suspended"
        OFFBOARDED = "offboarded", "Offboarded"
        REJECTED = "rejected", "Rejected"
        WITHDRAWN = "withdrawn", "Withdrawn"

    CLOSED_STATES = (State.OFFBOARDED, State.REJECTED, State.WITHDRAWN)
    # The usual path of an onboarding, shown as the step indicator on its page; a suspended onboarding is at its
    # last step, a closed one is off the path (its status says how it ended).
    PROGRESS = (State.DRAFT, State.REQUESTED, State.UNDER_REVIEW, State.APPROVED, State.ACTIVE)

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="onboardings")
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="onboardings")
    state = models.CharField(max_length=20, choices=State.choices, default=State.DRAFT)
    purpose = models.TextField(help_text="What the agency will use the offering for.")
    contract_number = models.CharField(max_length=100, blank=True)
    no_training_on_agency_data = models.BooleanField(
        null=True,
        blank=True,
        help_text=(
            "M-25-22: the contract prohibits using non-public agency inputs and outputs to train the vendor's models."
        ),
    )
    data_portability = models.BooleanField(
        null=True,
        blank=True,
        help_text="M-25-22: the contract provides for data and model portability (no vendor lock-in).",
    )
    ato_granted_on = models.DateField("ATO granted on", null=True, blank=True)
    ato_expires_on = models.DateField("ATO expires on", null=True, blank=True)
    # Issue 12: the other three M-25-22 lock-in protections (data_portability above is the fourth).
    knowledge_transfer = models.BooleanField(
        null=True, blank=True, help_text="M-25-22: the contract provides for knowledge transfer."
    )
    rights_to_code_and_models = models.BooleanField(
        null=True, blank=True, help_text="M-25-22: the agency has rights to code and models produced under it."
    )
    licensing_pricing_transparency = models.BooleanField(
        null=True, blank=True, help_text="M-25-22: licensing and pricing are transparent."
    )
    # Issue 12: the dates that decide whether M-25-22 and M-26-04 apply, and the M-26-04 contract facts.
    solicitation_date = models.DateField(
        null=True,
        blank=True,
        help_text="When the solicitation (or the order) under which the contract was awarded issued.",
    )
    option_exercise_date = models.DateField(
        null=True, blank=True, help_text="The next option that extends performance: M-26-04 terms must be in by then."
    )
    unbiased_ai_clause = models.BooleanField(
        "Unbiased AI Principles clause",
        null=True,
        blank=True,
        help_text="M-26-04: the contract requires the principles.",
    )
    unbiased_ai_material = models.BooleanField(
        null=True, blank=True, help_text="M-26-04: compliance is designated material to eligibility and payment."
    )
    vendor_aup_url = models.URLField("Vendor acceptable-use policy", max_length=500, blank=True)
    vendor_cards_url = models.URLField("Model, system or data cards", max_length=500, blank=True)
    vendor_end_user_resources_url = models.URLField("End-user resources", max_length=500, blank=True)
    vendor_feedback_url = models.URLField("Feedback channel", max_length=500, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    offboarding_flagged_at = models.DateTimeField(null=True, blank=True)
    offboarding_flag_reason = models.TextField(blank=True)
    offboarding_flag_change = models.ForeignKey(
        "catalog.OfferingStatusChange",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="flagged_onboardings",
        help_text="The offering's status change (suspension or removal) that set the flag; a reinstatement lifts it.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "offering"],
                condition=~Q(state__in=["offboarded", "rejected", "withdrawn"]),
                name="agencies_onboarding_one_open_per_offering",
            ),
            models.CheckConstraint(
                condition=Q(
                    state__in=[
                        "draft",
                        "requested",
                        "under_review",
                        "approved",
                        "active",
                        "suspended",
                        "offboarded",
                        "rejected",
                        "withdrawn",
                    ]
                ),
                name="agencies_onboarding_state_valid",
            ),
            models.CheckConstraint(
                condition=Q(ato_expires_on__isnull=True)
                | Q(ato_granted_on__isnull=True)
                | Q(ato_expires_on__gt=models.F("ato_granted_on")),
                name="agencies_onboarding_ato_expiry_after_grant",
            ),
            models.CheckConstraint(
                condition=~Q(state__in=["approved", "active", "suspended"]) | Q(approved_by__isnull=False),
                name="agencies_onboarding_approved_has_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.abbreviation} → {self.offering}"

    def clean(self) -> None:
        if self.ato_granted_on and self.ato_expires_on and self.ato_expires_on <= self.ato_granted_on:
            raise ValidationError({"ato_expires_on": "The ATO must expire after it was granted."})

    @property
    def lock_in_protections(self) -> dict[str, bool | None]:
        """The four M-25-22 vendor lock-in protections, by label: True, False or None (not recorded)."""
        return {
            "knowledge transfer": self.knowledge_transfer,
            "data and model portability": self.data_portability,
            "rights to code and models": self.rights_to_code_and_models,
            "transparent licensing and pricing": self.licensing_pricing_transparency,
        }

    @property
    def vendor_resources(self) -> dict[str, str]:
        """The four items M-26-04 asks of an LLM vendor, by label: the link, or "" when not recorded."""
        return {
            "acceptable-use policy": self.vendor_aup_url,
            "model, system or data cards": self.vendor_cards_url,
            "end-user resources": self.vendor_end_user_resources_url,
            "feedback channel": self.vendor_feedback_url,
        }

    @property
    def progress_steps(self) -> list[tuple[str, str]]:
        """(label, "complete" | "current" | "not-complete") along PROGRESS; empty for a closed onboarding."""
        state = self.State.ACTIVE if self.state == self.State.SUSPENDED else self.state
        if state not in self.PROGRESS:
            return []
        reached = self.PROGRESS.index(state)
        return [
            (step.label, "complete" if index < reached else "current" if index == reached else "not-complete")
            for index, step in enumerate(self.PROGRESS)
        ]

    @property
    def contract_facts_missing(self) -> list[str]:
        """The M-25-22 facts a GSA officer needs before approving, by field label."""
        missing = []
        if self.no_training_on_agency_data is None:
            missing.append("no training on non-public agency data")
        if self.data_portability is None:
            missing.append("data and model portability")
        return missing


class OnboardingTransition(models.Model):
    """One step of an onboarding's history: from which state to which, who did it, when and why."""

    onboarding = models.ForeignKey(Onboarding, on_delete=models.CASCADE, related_name="transitions")
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=20, choices=Onboarding.State.choices)
    to_state = models.CharField(max_length=20, choices=Onboarding.State.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="agencies_onboardingtransition_reason_required"),
            models.CheckConstraint(
                condition=~Q(from_state=models.F("to_state")), name="agencies_onboardingtransition_changes_state"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.onboarding}: {self.from_state} → {self.to_state}"


class Deployment(models.Model):
    """An agency-hosted copy of an open-weight model version: where its files live and in which environment."""

    class Environment(models.TextChoices):
        PRODUCTION = "production", "Production"
        STAGING = "staging", "Staging"
        DEVELOPMENT = "development", "Development"
        AIR_GAPPED = "air_gapped", "Air-gapped enclave"

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="deployments")
    model_version = models.ForeignKey(ModelVersion, on_delete=models.PROTECT, related_name="deployments")
    onboarding = models.ForeignKey(
        Onboarding, null=True, blank=True, on_delete=models.PROTECT, related_name="deployments"
    )
    name = models.CharField(max_length=200)
    storage_path = models.CharField(
        max_length=1000, help_text="Absolute folder inside the agency's model root, MODEL_ROOTS/<ABBREVIATION>/."
    )
    environment = models.CharField(max_length=20, choices=Environment.choices, default=Environment.PRODUCTION)
    is_active = models.BooleanField(default=True)
    onboarding_flagged_at = models.DateTimeField(
        null=True, blank=True, help_text="When its onboarding stopped being active (suspended, offboarded, reopened)."
    )
    onboarding_flag_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["agency__abbreviation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["agency", "name"], name="agencies_deployment_unique_name"),
            models.UniqueConstraint(fields=["storage_path"], name="agencies_deployment_unique_path"),
            models.CheckConstraint(condition=Q(storage_path__startswith="/"), name="agencies_deployment_path_absolute"),
        ]

    def __str__(self) -> str:
        return f"{self.agency.abbreviation}/{self.name}"

    def clean(self) -> None:
        path = PurePosixPath(self.storage_path or "")
        if not path.is_absolute() or ".." in path.parts:
            raise ValidationError({"storage_path": "Give an absolute folder without '..'."})
        if self.onboarding_id and self.onboarding.agency_id != self.agency_id:
            raise ValidationError({"onboarding": "The onboarding belongs to another agency."})
        if (
            self.onboarding_id
            and self.model_version_id
            and self.onboarding.offering_id != self.model_version.offering_id
        ):
            raise ValidationError({"onboarding": "The onboarding is for another offering."})


class ApiToken(models.Model):
    """A procurement system's key to the REST API, stored hashed.

    The key is `<prefix>.<secret>` and is shown once, at creation. Only the prefix (for lookup)
    and the SHA-256 of the whole key are kept, so a copy of the database does not hold usable
    keys. A token acts for its user, limited to reading when its scope is `read`; it stops
    working at `expires_at` or as soon as `revoked_at` is set.
    """

    class Scope(models.TextChoices):
        READ = "read", "Read only"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, help_text="Which system uses this token.")
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(scope__in=["read", "write"]), name="agencies_apitoken_scope_valid"),
            models.CheckConstraint(condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="agencies_apitoken_hash_hex"),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.WRITE


class IdentityLink(models.Model):
    """A user's identity at an OpenID provider (issuer and subject), linked on their first single sign-on.

    The link is made by the e-mail address the provider verified, to an account an administrator created;
    after that the subject alone identifies the user. One subject per user and issuer: another identity
    with the same e-mail address cannot take the account over.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="identity_links")
    issuer = models.CharField(max_length=300)
    subject = models.CharField(max_length=255)
    email = models.EmailField(help_text="The verified e-mail address the link was made by.")
    linked_at = models.DateTimeField(auto_now_add=True)
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="agencies_identitylink_unique_subject"),
            models.UniqueConstraint(fields=["user", "issuer"], name="agencies_identitylink_one_subject_per_issuer"),
        ]

    def __str__(self) -> str:
        return f"{self.user} at {self.issuer}"


# Issue 12: the Chief AI Officer with its history, and the agency's M-26-04 open-source determination.


class ChiefAIOfficer(models.Model):
    """One term of an agency's Chief AI Officer (M-25-21 §3(a)(i)): who, which title and grade, from when to when.

    History is appended: a new designation ends the current term instead of overwriting it, and a
    vacancy is a term that ends without a successor. `omb_notified_on` records the notice to OMB that
    M-25-21 requires within 30 days of a change; the designation document is kept with its sha256.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="caio_terms")
    name = models.CharField(max_length=200)
    title = models.CharField(max_length=200)
    grade = models.CharField(
        max_length=40, blank=True, help_text="e.g. SES, ST, SL or GS-15: M-25-21 sets a minimum by agency type."
    )
    email = models.EmailField(blank=True)
    designated_on = models.DateField()
    ended_on = models.DateField(null=True, blank=True)
    omb_notified_on = models.DateField("OMB notified on", null=True, blank=True)
    vacancy_notified_on = models.DateField("OMB notified of the vacancy on", null=True, blank=True)
    designation_document = models.FileField(upload_to="caio/%Y/", max_length=300, blank=True)
    designation_document_sha256 = models.CharField(max_length=64, blank=True)
    # Empty only for a term carried over from the single CAIO fields the agency had before this history.
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__abbreviation", "-designated_on", "-pk"]
        verbose_name = "Chief AI Officer"
        constraints = [
            models.UniqueConstraint(
                fields=["agency"], condition=Q(ended_on__isnull=True), name="agencies_caio_one_current_per_agency"
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("designated_on")),
                name="agencies_caio_ends_after_designation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.agency.abbreviation} CAIO {self.name}"

    def clean(self) -> None:
        if self.ended_on and self.ended_on < self.designated_on:
            raise ValidationError({"ended_on": "A term ends on or after its designation."})

    def in_office_on(self, day) -> bool:
        return self.designated_on <= day and (self.ended_on is None or day < self.ended_on)


class OpenSourceDetermination(models.Model):
    """The agency's M-26-04 determination whether an LLM offering is under a free, open-source license.

    It is the agency's call (M-26-04 leaves Meta's Llama license unresolved), so it is kept per agency
    and offering rather than on the offering, and outlives any one onboarding: an agency that offboards
    and comes back has already decided. Each new determination is appended; the latest one counts.
    """

    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="open_source_determinations")
    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="open_source_determinations")
    is_open_source = models.BooleanField(help_text="The agency treats the license as free and open source.")
    reason = models.TextField()
    determined_on = models.DateField()
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["agency__abbreviation", "offering__name", "-determined_on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="agencies_opensourcedetermination_reason_required"),
        ]

    def __str__(self) -> str:
        verdict = "open source" if self.is_open_source else "not open source"
        return f"{self.agency.abbreviation}: {self.offering} is {verdict}"
