"""What GSA has approved: vendors, offerings, OneGov agreements, open-weight model versions and their files."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.utils import timezone

SHA1_HEX = RegexValidator(r"^[0-9a-f]{40}$", "Must be 40 lowercase hexadecimal characters.")
SHA256_HEX = RegexValidator(r"^[0-9a-f]{64}$", "Must be 64 lowercase hexadecimal characters.")
REPO_ID = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}$",
    "Must be a Hugging Face repo id such as meta-llama/Llama-3.1-8B.",
)


class Vendor(models.Model):
    """A company that offers AI products to the government through OneGov."""

    name = models.CharField(max_length=200, unique=True)
    website = models.URLField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Offering(models.Model):
    """One AI product of a vendor in the OneGov catalog, with its approval status.

    The status is changed only through `catalog.services.offering_change_status`, which
    records every change (date and reason) in OfferingStatusChange.
    """

    class Kind(models.TextChoices):
        OPEN_WEIGHT = "open_weight", "Open-weight model"
        HOSTED = "hosted_service", "Hosted service"
        SAAS = "enterprise_saas", "Enterprise SaaS"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"
        REMOVED = "removed", "Removed"
        CONTESTED = "contested", "Contested (under litigation)"

    class FedRAMP(models.TextChoices):
        NOT_RECORDED = "not_recorded", "Not recorded"
        NOT_APPLICABLE = "not_applicable", "Not applicable (agency-hosted)"
        LI_SAAS = "li_saas", "Low impact SaaS (Tailored)"
        LOW = "low", "Low"
        MODERATE = "moderate", "Moderate"
        HIGH = "high", "High"

    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="offerings")
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=200, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    description = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.TextField(blank=True)
    fedramp_level = models.CharField(max_length=20, choices=FedRAMP.choices, default=FedRAMP.NOT_RECORDED)
    fedramp_ids = models.JSONField(
        default=list,
        blank=True,
        help_text=(
            "FedRAMP marketplace ids (e.g. FR2533155773) of the products that authorize this offering, including "
            "the platform that hosts it. `sync_fedramp` links the products it loads."
        ),
    )
    fedramp_products = models.ManyToManyField("FedRAMPProduct", blank=True, related_name="offerings")
    allowed_licenses = models.JSONField(
        default=list,
        blank=True,
        help_text="Hugging Face license ids that verification accepts for this offering's model versions.",
    )
    # Issue 12 (M-26-04): whether the offering is or embeds a large language model; None = not recorded.
    is_llm = models.BooleanField("Large language model", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["vendor__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="catalog_offering_unique_vendor_name"),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "approved", "suspended", "removed", "contested"]),
                name="catalog_offering_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["open_weight", "hosted_service", "enterprise_saas"]),
                name="catalog_offering_kind_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor.name} {self.name}"

    @property
    def is_withdrawn(self) -> bool:
        return self.status in {self.Status.SUSPENDED, self.Status.REMOVED, self.Status.CONTESTED}


class Confidence(models.TextChoices):
    """How sure the registry is of a recorded public fact (policy.md section 8)."""

    CONFIRMED = "confirmed", "Confirmed (a primary source or two independent reports)"
    REPORTED = "reported", "Reported (one secondary source)"
    UNCONFIRMED = "unconfirmed", "Unconfirmed"


class OfferingStatusChange(models.Model):
    """The history of an offering's status: every change with its date, reason, source and author.

    `effective_on` is the day the event happened (the day GSA acted or a court ruled), not the day
    it was recorded (`recorded_at`); it is empty when no source gives the day, and the note says what
    is known. A change back to approved from a withdrawn status is a reinstatement.
    """

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Offering.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Offering.Status.choices)
    effective_on = models.DateField(
        null=True, blank=True, help_text="The day it happened; empty when no source gives the day (see the note)."
    )
    reason = models.TextField()
    source_url = models.URLField(blank=True, max_length=500)
    confidence = models.CharField(max_length=20, choices=Confidence.choices, default=Confidence.CONFIRMED)
    note = models.TextField(blank=True, help_text="What the sources say and how sure they are.")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="catalog_offeringstatuschange_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.offering}: {self.from_status or '-'} -> {self.to_status} on {self.effective_on}"

    @property
    def is_reinstatement(self) -> bool:
        withdrawn = {Offering.Status.SUSPENDED, Offering.Status.REMOVED, Offering.Status.CONTESTED}
        return self.to_status == Offering.Status.APPROVED and self.from_status in withdrawn

    @property
    def label(self) -> str:
        return "Reinstated" if self.is_reinstatement else Offering.Status(self.to_status).label


class Lifecycle(models.TextChoices):
    """Where an agreement stands as of a day: computed from its dates, never stored."""

    CURRENT = "current", "Current"
    EXPIRING = "expiring", "Expiring"
    EXPIRED = "expired", "Expired"
    TERMINATED = "terminated", "Terminated"


# An agreement whose offer window or term ends within this many days is "expiring".
EXPIRING_WITHIN_DAYS = 90
LIVE_LIFECYCLES = (Lifecycle.CURRENT, Lifecycle.EXPIRING)


class AgreementQuerySet(models.QuerySet):
    def with_lifecycle(self, today: dt.date) -> AgreementQuerySet:
        """Annotate `offer_open_until` (the earlier of the offer window's end and the end of term)
        and `lifecycle_status` (current, expiring, expired or terminated on `today`)."""
        open_until = models.Case(
            models.When(offer_ends_on__isnull=True, then=F("expires_on")),
            models.When(expires_on__isnull=True, then=F("offer_ends_on")),
            models.When(offer_ends_on__lt=F("expires_on"), then=F("offer_ends_on")),
            default=F("expires_on"),
            output_field=models.DateField(),
        )
        lifecycle = models.Case(
            models.When(terminated_on__lte=today, then=Value(Lifecycle.TERMINATED.value)),
            models.When(offer_open_until__lt=today, then=Value(Lifecycle.EXPIRED.value)),
            models.When(
                offer_open_until__lte=today + dt.timedelta(days=EXPIRING_WITHIN_DAYS),
                then=Value(Lifecycle.EXPIRING.value),
            ),
            default=Value(Lifecycle.CURRENT.value),
            output_field=models.CharField(),
        )
        return self.annotate(offer_open_until=open_until).annotate(lifecycle_status=lifecycle)

    def live(self, today: dt.date) -> AgreementQuerySet:
        """Agreements an agency can still take up on `today`: current or expiring."""
        return self.with_lifecycle(today).filter(lifecycle_status__in=LIVE_LIFECYCLES)


class Agreement(models.Model):
    """The OneGov terms GSA negotiated for an offering: terms, dates, contract vehicle and their public source.

    Three periods are kept apart: the offer window (`offer_ends_on`, the day by which an agency must
    opt in or order), the term (`effective_on` to `expires_on`) and a termination (`terminated_on`,
    with its reason and source), which is separate from the offering's catalog status. Whether the
    agreement is current, expiring, expired or terminated is computed as of a day (`lifecycle_on`,
    `AgreementQuerySet.with_lifecycle`). An unknown date is empty, and `dates_note` says what the
    sources give instead (a month, a duration); nothing is invented. `price_per_agency` is filled only
    when the source gives one price; other terms (discounts, credits) are words in `terms`.
    """

    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="agreements")
    title = models.CharField(max_length=200)
    price_per_agency = models.DecimalField(
        max_digits=12, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    price_unit = models.CharField(
        max_length=200, blank=True, help_text="What the price buys, e.g. 'per agency for one year'."
    )
    currency = models.CharField(max_length=3, default="USD", validators=[RegexValidator(r"^[A-Z]{3}$")])
    terms = models.TextField(
        blank=True, help_text="The terms in words when the source gives no single price (discounts, credits)."
    )
    announced_on = models.DateField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True, help_text="First day of the term.")
    expires_on = models.DateField(null=True, blank=True, verbose_name="end of term")
    offer_ends_on = models.DateField(
        null=True, blank=True, help_text="Last day an agency may opt in or order under these terms (offer window)."
    )
    end_unknown = models.BooleanField(
        default=False, help_text="The terms are temporary, but no source confirms when they end."
    )
    dates_note = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    source_url = models.URLField(max_length=500)
    contract_vehicle = models.CharField(max_length=200, blank=True, help_text="e.g. GSA Multiple Award Schedule.")
    mas_contract_number = models.CharField(max_length=50, blank=True, verbose_name="MAS contract number")
    contract_vehicle_source_url = models.URLField(
        max_length=500, blank=True, help_text="Where the contract vehicle is stated, when not in the main source."
    )
    reseller = models.CharField(max_length=200, blank=True, help_text="e.g. Carahsoft, when the deal is a reseller's.")
    terminated_on = models.DateField(null=True, blank=True)
    termination_reason = models.TextField(blank=True)
    termination_source_url = models.URLField(max_length=500, blank=True)
    successor = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predecessor",
        help_text="The agreement GSA recorded with new terms after this one.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["offering__vendor__name", "offering__name", "-announced_on"]
        constraints = [
            models.UniqueConstraint(fields=["offering", "title"], name="catalog_agreement_unique_offering_title"),
            models.CheckConstraint(
                condition=Q(price_per_agency__isnull=True) | Q(price_per_agency__gte=0),
                name="catalog_agreement_price_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(expires_on__isnull=True)
                | Q(effective_on__isnull=True)
                | Q(expires_on__gte=models.F("effective_on")),
                name="catalog_agreement_expiry_after_effective",
            ),
            models.CheckConstraint(condition=~Q(source_url=""), name="catalog_agreement_source_required"),
            models.CheckConstraint(
                condition=Q(terminated_on__isnull=True) | (~Q(termination_reason="") & ~Q(termination_source_url="")),
                name="catalog_agreement_termination_sourced",
            ),
            models.CheckConstraint(condition=~Q(successor=F("pk")), name="catalog_agreement_not_own_successor"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors = {}
        if self.expires_on and self.effective_on and self.expires_on < self.effective_on:
            errors["expires_on"] = "The end of term must not be before the effective date."
        if self.terminated_on and not (self.termination_reason.strip() and self.termination_source_url):
            errors["termination_reason"] = "A termination needs its reason and its public source."
        if self.price_per_agency is None and self.price_unit:
            errors["price_unit"] = "Without a price, write the terms in 'terms', not a price unit."
        if self.successor_id and self.successor_id == self.pk:
            errors["successor"] = "An agreement cannot succeed itself."
        if errors:
            raise ValidationError(errors)

    @property
    def open_until(self) -> dt.date | None:
        """The last day the agreement can be taken up: the earlier of the offer window's end and the end of term."""
        ends = [day for day in (self.offer_ends_on, self.expires_on) if day is not None]
        return min(ends) if ends else None

    def lifecycle_on(self, today: dt.date) -> Lifecycle:
        if self.terminated_on and self.terminated_on <= today:
            return Lifecycle.TERMINATED
        until = self.open_until
        if until is not None and until < today:
            return Lifecycle.EXPIRED
        if until is not None and until <= today + dt.timedelta(days=EXPIRING_WITHIN_DAYS):
            return Lifecycle.EXPIRING
        return Lifecycle.CURRENT

    @property
    def lifecycle(self) -> Lifecycle:
        """Current, expiring, expired or terminated as of today (the server's local date)."""
        return self.lifecycle_on(timezone.localdate())


class ParameterBasis(models.TextChoices):
    """How exact a model version's parameter count is."""

    NOMINAL = "nominal", "Nominal (from the model's name, e.g. '8B')"
    PUBLISHED = "published", "Published by the model's authors"
    SAFETENSORS = "safetensors", "Exact (the Hub's safetensors metadata)"


class ModelVersion(models.Model):
    """An open-weight model of an offering, as published on the Hugging Face Hub.

    `revision` is what GSA asked for (a branch, tag or commit); `pinned_sha` is the commit it
    resolved to on the first manifest sync. Verification always uses the pinned commit.
    """

    offering = models.ForeignKey(Offering, on_delete=models.PROTECT, related_name="model_versions")
    name = models.CharField(max_length=200)
    repo_id = models.CharField(max_length=200, validators=[REPO_ID])
    revision = models.CharField(max_length=200, default="main")
    pinned_sha = models.CharField(max_length=40, blank=True, validators=[SHA1_HEX])
    declared_license = models.CharField(max_length=100)
    parameter_count = models.BigIntegerField(null=True, blank=True, validators=[MinValueValidator(1)])
    parameter_count_basis = models.CharField(
        max_length=20, choices=ParameterBasis.choices, blank=True, help_text="Where the parameter count comes from."
    )
    parameter_count_note = models.CharField(max_length=300, blank=True)
    release_date = models.DateField(null=True, blank=True)
    last_synced_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["offering__name", "repo_id"]
        constraints = [
            models.UniqueConstraint(fields=["repo_id", "revision"], name="catalog_modelversion_unique_repo_revision"),
            models.CheckConstraint(
                condition=Q(pinned_sha="") | Q(pinned_sha__regex=r"^[0-9a-f]{40}$"),
                name="catalog_modelversion_pinned_sha_hex",
            ),
            models.CheckConstraint(condition=~Q(declared_license=""), name="catalog_modelversion_license_required"),
        ]

    def __str__(self) -> str:
        return f"{self.repo_id}@{self.pinned_sha[:12] or self.revision}"

    def clean(self) -> None:
        if self.offering_id and self.offering.kind != Offering.Kind.OPEN_WEIGHT:
            raise ValidationError({"offering": "Model versions belong to open-weight offerings only."})


class Artifact(models.Model):
    """One file that a model version is expected to contain at its pinned commit.

    LFS files (weights) are checked by the sha256 of their content; other files by their
    git blob sha1, which is all the Hub publishes for them.
    """

    model_version = models.ForeignKey(ModelVersion, on_delete=models.CASCADE, related_name="artifacts")
    path = models.CharField(max_length=1000)
    size = models.BigIntegerField(validators=[MinValueValidator(0)])
    sha256 = models.CharField(max_length=64, blank=True, validators=[SHA256_HEX])
    git_sha1 = models.CharField(max_length=40, blank=True, validators=[SHA1_HEX])
    is_lfs = models.BooleanField(default=False)

    class Meta:
        # By the unique (model_version, path) index, not the model version's own ordering (a join and a sort).
        ordering = ["model_version_id", "path"]
        constraints = [
            models.UniqueConstraint(fields=["model_version", "path"], name="catalog_artifact_unique_path"),
            models.CheckConstraint(condition=Q(size__gte=0), name="catalog_artifact_size_not_negative"),
            models.CheckConstraint(
                condition=(Q(is_lfs=True) & Q(sha256__regex=r"^[0-9a-f]{64}$"))
                | (Q(is_lfs=False) & Q(git_sha1__regex=r"^[0-9a-f]{40}$")),
                name="catalog_artifact_has_checksum",
            ),
        ]

    def __str__(self) -> str:
        return self.path

    @property
    def algorithm(self) -> str:
        return "sha256" if self.is_lfs else "git-sha1"

    @property
    def expected_digest(self) -> str:
        return self.sha256 if self.is_lfs else self.git_sha1


class FedRAMPProduct(models.Model):
    """One cloud service offering in FedRAMP's marketplace data, as FedRAMP publishes it daily.

    Loaded by `sync_fedramp` from `fedramp-products.json` (FedRAMP/marketplace-fedramp-gov-data);
    the values are FedRAMP's own words (e.g. status "FedRAMP Authorized", impact level "20x Low").
    """

    fedramp_id = models.CharField(max_length=40, unique=True, help_text="FedRAMP's id, e.g. FR2533155773.")
    csp = models.CharField(max_length=300, verbose_name="cloud service provider")
    cso = models.CharField(max_length=500, verbose_name="cloud service offering")
    auth_type = models.CharField(max_length=20, blank=True, help_text="Rev5 or 20x.")
    impact_level = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=60, blank=True, help_text="FedRAMP's public status.")
    status_updated_on = models.DateField(null=True, blank=True)
    auth_date = models.DateField(null=True, blank=True)
    annual_assessment = models.CharField(
        max_length=40, blank=True, help_text="A day (YYYY-MM-DD), or FedRAMP's text where it gives no day."
    )
    uei = models.CharField(max_length=20, blank=True, verbose_name="UEI")
    reuse = models.PositiveIntegerField(default=0, help_text="Agency reuses of the authorization.")
    source_url = models.CharField(max_length=500, help_text="Where the last sync read it (URL or file).")
    synced_at = models.DateTimeField()

    class Meta:
        ordering = ["csp", "cso"]
        verbose_name = "FedRAMP product"

    def __str__(self) -> str:
        return f"{self.csp} {self.cso} ({self.fedramp_id})"

    @property
    def marketplace_url(self) -> str:
        return f"https://marketplace.fedramp.gov/products/{self.fedramp_id}"


class FedRAMPProductChange(models.Model):
    """A change of a FedRAMP product's status or impact level, seen by a sync: the history is appended.

    `changed_on` is the day FedRAMP gives for the change (its status date) when it gives one,
    else the day the sync saw it; `recorded_at` is when the registry recorded it.
    """

    class Field(models.TextChoices):
        STATUS = "status", "Status"
        IMPACT_LEVEL = "impact_level", "Impact level"

    product = models.ForeignKey(FedRAMPProduct, on_delete=models.CASCADE, related_name="changes")
    field = models.CharField(max_length=20, choices=Field.choices)
    from_value = models.CharField(max_length=60, blank=True)
    to_value = models.CharField(max_length=60, blank=True)
    changed_on = models.DateField()
    source_url = models.CharField(max_length=500)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_on", "-recorded_at", "pk"]
        verbose_name = "FedRAMP product change"
        constraints = [
            models.CheckConstraint(
                condition=Q(field__in=["status", "impact_level"]), name="catalog_fedrampproductchange_field_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.fedramp_id}: {self.get_field_display()} {self.from_value} -> {self.to_value}"
