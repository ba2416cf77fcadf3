"""Model supply-chain records: GSA's exceptions to the scanning policy, and who may sign a model version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ScanException(models.Model):
    """A GSA officer's exception to the scanning policy for one model version at one commit, with the reason.

    It lets verification pass although the files include an unsafe file or pickle weights beside
    safetensors. Files at a commit never change, so the exception names the commit: a new pin needs
    a new exception. Revoking keeps the row (history is appended, not rewritten).
    """

    model_version = models.ForeignKey("catalog.ModelVersion", on_delete=models.PROTECT, related_name="scan_exceptions")
    commit = models.CharField(max_length=40)
    reason = models.TextField()
    granted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-granted_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["model_version", "commit"],
                condition=Q(revoked_at__isnull=True),
                name="compliance_scanexception_one_active_per_commit",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="compliance_scanexception_reason_required"),
            models.CheckConstraint(
                condition=Q(commit__regex=r"^[0-9a-f]{40}$"), name="compliance_scanexception_commit_hex"
            ),
        ]

    def __str__(self) -> str:
        return f"Scan exception for {self.model_version} @{self.commit[:12]}"


class SignatureTrust(models.Model):
    """How a model version's publisher signature (model.sig) is verified: a key, a certificate chain or an identity."""

    class Method(models.TextChoices):
        KEY = "key", "Public key"
        CERTIFICATE = "certificate", "Certificate chain"
        SIGSTORE = "sigstore", "Sigstore identity (needs network)"

    model_version = models.OneToOneField(
        "catalog.ModelVersion", on_delete=models.CASCADE, related_name="signature_trust"
    )
    method = models.CharField(max_length=12, choices=Method.choices)
    public_key = models.TextField(blank=True, help_text="PEM, for the key method.")
    certificate_chain = models.TextField(blank=True, help_text="PEM certificates, for the certificate method.")
    identity = models.CharField(max_length=300, blank=True)
    oidc_issuer = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(Q(method="key") & ~Q(public_key=""))
                | (Q(method="certificate") & ~Q(certificate_chain=""))
                | (Q(method="sigstore") & ~Q(identity="") & ~Q(oidc_issuer="")),
                name="compliance_signaturetrust_material_for_method",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.model_version}: {self.get_method_display()}"
