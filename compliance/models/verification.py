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
    error_message = models.TextField(blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the worker; a stale running run may be reclaimed."
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
    def failed_files(self):
        """The file results that made the run fail (everything but OK), by path."""
        return self.file_results.exclude(status=VerificationFileResult.Status.OK).order_by("path")

    @property
    def duration_seconds(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


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

    class Meta:
        ordering = ["run", "path"]
        constraints = [
            models.UniqueConstraint(fields=["run", "path"], name="compliance_verificationfileresult_unique_path"),
        ]

    def __str__(self) -> str:
        return f"{self.path}: {self.status}"


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
