"""What the Hub published for a model version at its pinned commit, and the fan-out of large verifications."""

from __future__ import annotations

from django.db import models
from django.db.models import Q


class HubManifest(models.Model):
    """The Hub's metadata for a model version at its pinned commit: license, gating and where it came from.

    The per-file checksums live in catalog.Artifact; this row keeps what verification needs besides
    them, so that a run (and an air-gapped enclave, after `import_manifest`) never has to ask the Hub.
    """

    class Source(models.TextChoices):
        HUB = "hub", "Fetched from the Hub"
        IMPORT = "import", "Imported from an offline manifest file"

    model_version = models.OneToOneField("catalog.ModelVersion", on_delete=models.CASCADE, related_name="hub_manifest")
    commit = models.CharField(max_length=40)
    license_ids = models.JSONField(default=list, blank=True, help_text="cardData.license (or the license: tag).")
    license_name = models.CharField(max_length=200, blank=True)
    license_link = models.CharField(max_length=500, blank=True)
    gated = models.CharField(max_length=10, blank=True, help_text="'auto', 'manual' or empty when not gated.")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.HUB)
    synced_at = models.DateTimeField()
    file_security = models.JSONField(
        null=True,
        blank=True,
        help_text="The Hub's own scan per path (securityFileStatus); null when the Hub did not say.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(commit__regex=r"^[0-9a-f]{40}$"), name="compliance_hubmanifest_commit_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_version} manifest @{self.commit[:12]}"


class VerificationGroup(models.Model):
    """One share of a large verification's hashing, run by its own task on any worker.

    The run is finalized by whichever group task finishes last: it sees no group left undone and
    moves the run out of `running` with a conditional update, so only one of them finalizes.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        RUNNING = "running", "Running"
        DONE = "done", "Done"

    run = models.ForeignKey("compliance.VerificationRun", on_delete=models.CASCADE, related_name="groups")
    index = models.PositiveIntegerField()
    paths = models.JSONField(default=list)
    bytes_total = models.BigIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run", "index"]
        constraints = [
            models.UniqueConstraint(fields=["run", "index"], name="compliance_verificationgroup_unique_index"),
        ]

    def __str__(self) -> str:
        return f"run {self.run_id} group {self.index} ({self.status})"
