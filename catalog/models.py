"""What GSA has approved: vendors, offerings, OneGov agreements, open-weight model versions and their files."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

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
                condition=Q(status__in=["pending", "approved", "suspended", "removed"]),
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
        return self.status in {self.Status.SUSPENDED, self.Status.REMOVED}


class OfferingStatusChange(models.Model):
    """The history of an offering's status: every change with its date, reason and author."""

    offering = models.ForeignKey(Offering, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=20, choices=Offering.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Offering.Status.choices)
    effective_on = models.DateField()
    reason = models.TextField()
    source_url = models.URLField(blank=True, max_length=500)
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="catalog_offeringstatuschange_reason_required"),
        ]

    def __str__(self) -> str:
        return f"{self.offering}: {self.from_status or '-'} -> {self.to_status} on {self.effective_on}"


class Agreement(models.Model):
    """The OneGov terms GSA negotiated for an offering: price, dates, conditions and their public source.

    Where the public record gives a month or a duration rather than a day, `expires_on` holds the
    end of that period and `dates_note` says how it was derived; nothing is invented.
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
    announced_on = models.DateField(null=True, blank=True)
    effective_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    dates_note = models.TextField(blank=True)
    conditions = models.TextField(blank=True)
    source_url = models.URLField(max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

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
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.expires_on and self.effective_on and self.expires_on < self.effective_on:
            raise ValidationError({"expires_on": "The expiry date must not be before the effective date."})


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
