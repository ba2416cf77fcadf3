"""Checksum and license verification of agency-hosted model files, and upstream drift of model versions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class VerificationRun(models.Model):
    """One verification of a deployment's files against its model version's manifest at the pinned commit.

    The row is the durable job: it is written (queued) before any task is sent, claimed with a
    conditional update (queued → running), and ends passed, failed or error. Progress (bytes and
    files done of the total) is stored as the hashing goes, for progress bars.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        PASSED = "passed", "Passed"
        FAILED = "failed", "Failed"
        ERROR = "error", "Error"

    class Trigger(models.TextChoices):
        MANUAL = "manual", "Requested by an officer"
        API = "api", "Requested through the API"
        SCHEDULED = "scheduled", "Scheduled re-verification"
        COMMAND = "command", "Command line"

    FINISHED = (Status.PASSED, Status.FAILED, Status.ERROR)

    deployment = models.ForeignKey(
        "agencies.Deployment", null=True, blank=True, on_delete=models.PROTECT, related_name="verification_runs"
    )
    model_version = models.ForeignKey(
        "catalog.ModelVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="verification_runs"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    trigger = models.CharField(max_length=10, choices=Trigger.choices, default=Trigger.MANUAL)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    storage_path = models.CharField(max_length=1000, blank=True)
    repo_id = models.CharField(max_length=200, blank=True)
    manifest_commit = models.CharField(max_length=40, blank=True)
    files_total = models.PositiveIntegerField(default=0)
    files_done = models.PositiveIntegerField(default=0)
    bytes_total = models.BigIntegerField(default=0)
    bytes_done = models.BigIntegerField(default=0)
    license_expected = models.CharField(max_length=100, blank=True)
    license_found = models.CharField(max_length=100, blank=True)
    license_ok = models.BooleanField(null=True)
    count_ok = models.PositiveIntegerField(default=0)
    count_mismatch = models.PositiveIntegerField(default=0)
    count_missing = models.PositiveIntegerField(default=0)
    count_unexpected = models.PositiveIntegerField(default=0)
    count_unsafe = models.PositiveIntegerField(default=0, help_text="Files our scan found unsafe.")
    policy_ok = models.BooleanField(
        null=True, help_text="No unsafe file and no pickle weights beside safetensors, or a GSA exception covers them."
    )
    policy_exception = models.ForeignKey(
        "compliance.ScanException", null=True, blank=True, on_delete=models.PROTECT, related_name="runs"
    )
    custom_code = models.JSONField(default=dict, blank=True, help_text="auto_map, Python files, chat templates.")
    signature_present = models.BooleanField(default=False)
    signature_verified = models.BooleanField(null=True, help_text="None: no signature, or nothing to check it with.")
    signature_signer = models.CharField(max_length=300, blank=True)
    signature_detail = models.CharField(max_length=1000, blank=True)
    registry_signature = models.TextField(blank=True, help_text="The registry's OMS signature of what it verified.")
    error_message = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker; a stale running run may be reclaimed."
    )
    full_rehash = models.BooleanField(
        default=False, help_text="Asked to read and hash every file, trusting no earlier hash of an unchanged file."
    )
    count_trusted = models.PositiveIntegerField(
        default=0, help_text="Files reported ok without reading them: unchanged since an earlier hash of them."
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "passed", "failed", "error"]),
                name="compliance_verificationrun_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(bytes_done__gte=0) & Q(bytes_done__lte=models.F("bytes_total")),
                name="compliance_verificationrun_progress_bounded",
            ),
            models.CheckConstraint(
                condition=~Q(status="passed")
                | Q(license_ok__isnull=False, license_ok=True, count_mismatch=0, count_missing=0, count_unexpected=0),
                name="compliance_verificationrun_passed_means_all_ok",
            ),
            models.CheckConstraint(
                condition=~Q(status="passed") | (~Q(policy_ok=False) & ~Q(signature_verified=False)),
                name="compliance_verificationrun_passed_means_policy_and_signature_ok",
            ),
        ]

    def __str__(self) -> str:
        return f"Verification #{self.pk} ({self.get_status_display()})"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def progress_percent(self) -> int:
        """How much of the bytes were hashed; a run that ended in an error before hashing anything is at 0."""
        if self.bytes_total <= 0:
            return 100 if self.status in (self.Status.PASSED, self.Status.FAILED) else 0
        return int(100 * self.bytes_done / self.bytes_total)

    @property
    def files_hashed(self) -> int:
        """Files this run read and hashed (the others were decided by size or absence, or trusted unchanged)."""
        return self.files_total

    @property
    def failed_files(self):
        """The file results that made the run fail (everything but OK), by path."""
        return self.file_results.exclude(status=VerificationFileResult.Status.OK).order_by("path")

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


class ScanVerdict(models.TextChoices):
    SAFE = "safe", "Safe"
    UNSAFE = "unsafe", "Unsafe"
    UNKNOWN = "unknown", "Unknown (could not be parsed)"
    NOT_APPLICABLE = "not-applicable", "Not applicable"


class VerificationFileResult(models.Model):
    """The outcome for one file of a verification run."""

    class Status(models.TextChoices):
        OK = "ok", "OK"
        MISMATCH = "mismatch", "Mismatch"
        MISSING = "missing", "Missing"
        UNEXPECTED = "unexpected", "Unexpected"
        REFUSED = "refused", "Refused (not a regular file inside the root)"

    run = models.ForeignKey(VerificationRun, on_delete=models.CASCADE, related_name="file_results")
    path = models.CharField(max_length=1000)
    status = models.CharField(max_length=10, choices=Status.choices)
    algorithm = models.CharField(max_length=10, blank=True)
    expected = models.CharField(max_length=64, blank=True)
    actual = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=300, blank=True)
    format = models.CharField(max_length=20, blank=True, help_text="Decided from the content (compliance.scanning).")
    scan_verdict = models.CharField(max_length=15, choices=ScanVerdict.choices, blank=True)
    scan_detail = models.CharField(max_length=1000, blank=True)
    policy = models.CharField(max_length=300, blank=True, help_text="Why the default policy refuses this file.")
    trusted_since = models.DateTimeField(
        null=True, blank=True, help_text="Not read in this run: its identity is unchanged since it was hashed then."
    )

    class Meta:
        ordering = ["run", "path"]
        constraints = [
            models.UniqueConstraint(fields=["run", "path"], name="compliance_verificationfileresult_unique_path"),
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.status}"

    @property
    def status_label(self) -> str:
        """`ok (unchanged since 2026-11-30 14:02 UTC)` for a file trusted from its identity, else the status."""
        if self.trusted_since is None:
            return self.status
        return f"{self.status} (unchanged since {self.trusted_since:%Y-%m-%d %H:%M} UTC)"


def _signed64(value: int) -> int:
    """st_dev and st_ino are unsigned 64-bit; stored as the signed 64-bit integer with the same bits."""
    return value - (1 << 64) if value >= (1 << 63) else value


class DeploymentFileIdentity(models.Model):
    """The digest of one of a deployment's files and the file's identity when it was hashed.

    A later verification trusts the digest, without reading the file, while the file's device,
    inode, size, mtime and ctime (nanoseconds) are unchanged and the hash is younger than
    VERIFY_FULL_REHASH_DAYS. Only digests that matched the manifest are kept.
    """

    deployment = models.ForeignKey("agencies.Deployment", on_delete=models.CASCADE, related_name="file_identities")
    path = models.CharField(max_length=1000)
    algorithm = models.CharField(max_length=10)
    digest = models.CharField(max_length=64)
    dev = models.BigIntegerField()
    ino = models.BigIntegerField()
    size = models.BigIntegerField()
    mtime_ns = models.BigIntegerField()
    ctime_ns = models.BigIntegerField()
    hashed_at = models.DateTimeField()
    run = models.ForeignKey(
        VerificationRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", help_text="It hashed it."
    )

    class Meta:
        ordering = ["deployment", "path"]
        constraints = [
            models.UniqueConstraint(
                fields=["deployment", "path"], name="compliance_deploymentfileidentity_unique_path"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deployment_id}:{self.path}"

    @staticmethod
    def identity_fields(identity) -> dict[str, int]:
        """The columns of a hashing.Identity."""
        return {
            "dev": _signed64(identity.dev),
            "ino": _signed64(identity.ino),
            "size": identity.size,
            "mtime_ns": identity.mtime_ns,
            "ctime_ns": identity.ctime_ns,
        }


class ManifestDrift(models.Model):
    """A change upstream of a pinned model version, found by a manifest sync."""

    class Kind(models.TextChoices):
        BRANCH_MOVED = "branch_moved", "Branch moved upstream"
        FILES_CHANGED = "files_changed", "Files changed"
        LICENSE_CHANGED = "license_changed", "License changed"

    model_version = models.ForeignKey("catalog.ModelVersion", on_delete=models.CASCADE, related_name="drifts")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    pinned_commit = models.CharField(max_length=40)
    upstream_commit = models.CharField(max_length=40, blank=True)
    details = models.JSONField(default=dict, blank=True)
    detected_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-detected_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "kind", "pinned_commit", "upstream_commit"],
                name="compliance_manifestdrift_unique_observation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_version}: {self.get_kind_display()}"
