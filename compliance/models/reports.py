"""Compliance reports and the PDF attestations they produce."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Report(models.Model):
    """A compliance report for one agency (or government-wide when agency is empty) under one framework.

    The row is written (queued) before any task is sent; the task claims it (queued → running),
    renders the PDF and stores the file with its sha256, which is how an attestation is checked
    later. Issuing a report supersedes the earlier issued report for the same agency and framework.
    """

    class Framework(models.TextChoices):
        M_25_21 = "m-25-21", "M-25-21"
        M_25_22 = "m-25-22", "M-25-22"
        ALL = "all", "M-25-21 and M-25-22"

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        ISSUED = "issued", "Issued"
        FAILED = "failed", "Failed"

    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="reports"
    )
    framework = models.CharField(max_length=20, default=Framework.ALL)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0, help_text="How many times a worker claimed it.")
    issued_at = models.DateTimeField(null=True, blank=True)
    # Who attests is the signed-in user who asked, recorded by the registry (never typed): the user, and a
    # snapshot of their name, role and agency when they asked. Empty attester: the operator's command line.
    attester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attester_agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    attested_by = models.CharField(max_length=200, help_text="The attester's name when they asked.")
    attested_role = models.CharField(max_length=200, help_text="The attester's role (and agency) when they asked.")
    pdf = models.FileField(upload_to="reports/", max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    size = models.BigIntegerField(default=0)
    superseded_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="supersedes"
    )
    error_message = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["sha256"], condition=~Q(sha256=""), name="compliance_report_unique_sha256"),
            models.CheckConstraint(
                condition=Q(status__in=["queued", "running", "issued", "failed"]), name="compliance_report_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status="issued") | (Q(sha256__regex=r"^[0-9a-f]{64}$") & Q(issued_at__isnull=False)),
                name="compliance_report_issued_has_digest",
            ),
        ]

    def __str__(self) -> str:
        return f"Report {self.number} ({self.scope_label}, {self.framework})"

    @property
    def number(self) -> str:
        return f"R-{self.pk:06d}" if self.pk else "R-unsaved"

    @property
    def scope_label(self) -> str:
        return self.agency.name if self.agency_id else "Government-wide"
