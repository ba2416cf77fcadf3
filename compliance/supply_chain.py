"""Supply-chain services: GSA's scanning-policy exceptions, signature trust, and the publisher and registry signatures.

The scanner itself (compliance.scanning) and the signature format (compliance.signatures) touch
no database; this module holds the rules about who may change what, the audit events, and how a
verification's files become a policy verdict and a signature verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.db import transaction
from django.utils import timezone

from agencies.services import PermissionRefused, ServiceError
from catalog.models import ModelVersion
from compliance.audit import audit_record, snapshot
from compliance.engine import FileOutcome
from compliance.hashing import ModelFolder, Scan, open_beneath
from compliance.models import ScanException
from compliance.models import SignatureTrust as SignatureTrustRow
from compliance.scanning import code_report, read_small
from compliance.scanning.code import CodeReport
from compliance.scanning.policy import PolicyResult, policy_violations
from compliance.signatures import (
    NOT_PRESENT,
    SIGNATURE_PATH,
    SignatureResult,
    SignatureTrust,
    signature_check,
    signed_paths,
)

ONLY_GSA = "Only GSA officers may record or revoke an exception to the scanning policy."
ONLY_GSA_TRUST = "Only GSA officers may set who signs a model version."
MAX_SIGNATURE_BYTES = 10 * 1024 * 1024


def scan_exception_grant(*, model_version: ModelVersion, reason: str, granted_by) -> ScanException:
    """Record GSA's exception to the scanning policy for a model version at its pinned commit; audited."""
    if not getattr(granted_by, "is_gsa_officer", False):
        raise PermissionRefused(ONLY_GSA)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("An exception needs a reason.", code="invalid")
    if not model_version.pinned_sha:
        raise ServiceError("The model version is not pinned to a commit yet.", code="invalid")
    with transaction.atomic():
        if scan_exception_active(model_version=model_version, commit=model_version.pinned_sha):
            raise ServiceError("An exception is already recorded for this commit.", code="invalid")
        exception = ScanException.objects.create(
            model_version=model_version, commit=model_version.pinned_sha, reason=reason, granted_by=granted_by
        )
        audit_record(actor=granted_by, action="scan_exception.granted", obj=exception, after=snapshot(exception))
    return exception


def scan_exception_revoke(*, exception: ScanException, revoked_by) -> ScanException:
    if not getattr(revoked_by, "is_gsa_officer", False):
        raise PermissionRefused(ONLY_GSA)
    with transaction.atomic():
        exception = ScanException.objects.select_for_update().get(pk=exception.pk)
        if exception.revoked_at is not None:
            return exception
        before = snapshot(exception)
        exception.revoked_at, exception.revoked_by = timezone.now(), revoked_by
        exception.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(
            actor=revoked_by, action="scan_exception.revoked", obj=exception, before=before, after=snapshot(exception)
        )
    return exception


def scan_exception_active(*, model_version: ModelVersion | None, commit: str) -> ScanException | None:
    if model_version is None or not commit:
        return None
    return ScanException.objects.filter(model_version=model_version, commit=commit, revoked_at__isnull=True).first()


def signature_trust_set(*, model_version: ModelVersion, actor, **material) -> SignatureTrustRow:
    """Set how the publisher's model.sig of a model version is verified (GSA only); audited."""
    if not getattr(actor, "is_gsa_officer", False):
        raise PermissionRefused(ONLY_GSA_TRUST)
    with transaction.atomic():
        row = SignatureTrustRow.objects.filter(model_version=model_version).first()
        before = snapshot(row) if row else None
        row = row or SignatureTrustRow(model_version=model_version)
        for name in ("method", "public_key", "certificate_chain", "identity", "oidc_issuer"):
            setattr(row, name, material.get(name, "") or "")
        row.full_clean()
        row.save()
        audit_record(actor=actor, action="signature_trust.set", obj=row, before=before, after=snapshot(row))
    return row


def signature_trust_for(model_version: ModelVersion | None) -> SignatureTrust | None:
    row = SignatureTrustRow.objects.filter(model_version=model_version).first() if model_version else None
    if row is None:
        return None
    return SignatureTrust(row.method, row.public_key, row.certificate_chain, row.identity, row.oidc_issuer)


@dataclass
class SupplyChainReport:
    """What the scan, the policy and the publisher's signature say about one verified folder."""

    outcomes: list[FileOutcome]
    policy: PolicyResult
    signature: SignatureResult
    code: CodeReport
    exception: ScanException | None = None

    @property
    def unsafe(self) -> int:
        return sum(1 for o in self.outcomes if o.scan == "unsafe")


def supply_chain_assess(
    *,
    folder: ModelFolder,
    listing: Scan,
    outcomes: list[FileOutcome],
    exception: ScanException | None,
    trust: SignatureTrust | None,
) -> SupplyChainReport:
    """Apply the policy to scanned outcomes, report custom code, and check a publisher signature if there is one."""
    violations = policy_violations((o.path, o.format, o.scan, o.scan_detail) for o in outcomes if o.format)
    policy = PolicyResult(violations=violations, excepted=bool(violations) and exception is not None)
    local = list(listing.files)
    code = code_report(local, lambda path, limit: read_small(folder.root, listing.files[path].source, limit))
    signature = publisher_signature(folder=folder, listing=listing, outcomes=outcomes, trust=trust)
    annotated = [_annotate(o, policy, code, exception) for o in outcomes]
    return SupplyChainReport(annotated, policy, signature, code, exception if policy.excepted else None)


def _annotate(outcome: FileOutcome, policy: PolicyResult, code: CodeReport, exception) -> FileOutcome:
    """Say on the file itself why the policy refuses it, and what custom code or template it carries."""
    notes = []
    if outcome.path in policy.violations:
        note = f"refused by policy: {policy.violations[outcome.path]}"
        if policy.excepted:
            note += f" (excepted by GSA: {exception.reason})"
        notes.append(note)
    if outcome.path == "config.json" and code.auto_map:
        notes.append("auto_map names custom code (trust_remote_code): " + ", ".join(sorted(code.auto_map)))
    templates = [t for t in code.chat_templates if t["source"] == outcome.path]
    notes += [f"chat template {t['name']} ({t['length']} chars, sha256 {t['sha256'][:12]})" for t in templates]
    if not notes:
        return outcome
    detail = "; ".join([outcome.scan_detail, *notes] if outcome.scan_detail else notes)
    return replace(outcome, scan_detail=detail[:1000])


def publisher_signature(
    *, folder: ModelFolder, listing: Scan, outcomes: list[FileOutcome], trust: SignatureTrust | None
) -> SignatureResult:
    """Check the repo's model.sig, reusing the SHA-256 digests hashing computed (only small files are read again)."""
    local = listing.files.get(SIGNATURE_PATH)
    if local is None:
        return NOT_PRESENT
    bundle = read_small(folder.root, local.source, MAX_SIGNATURE_BYTES + 1)
    if bundle is None or len(bundle) > MAX_SIGNATURE_BYTES:
        return SignatureResult(True, False, "", "model.sig cannot be read or is too large")
    return signature_check(bundle=bundle, trust=trust, digests=folder_sha256(folder, listing, outcomes))


def folder_sha256(folder: ModelFolder, listing: Scan, outcomes: list[FileOutcome]) -> dict[str, str]:
    """path → SHA-256 of the files a signature covers: hashing's result for LFS files, a fresh read for the rest."""
    known = {o.path: o.actual for o in outcomes if o.algorithm == "sha256" and o.actual}
    digests = {}
    for path in signed_paths(listing.files):
        digests[path] = known.get(path) or _sha256_below(folder, listing.files[path].source)
    return digests


def _sha256_below(folder: ModelFolder, source: str) -> str:
    import hashlib
    import os

    fd = open_beneath(folder.root, source)
    try:
        os.set_blocking(fd, True)
        hasher = hashlib.sha256()
        with os.fdopen(fd, "rb", closefd=False) as stream:
            while chunk := stream.read(1024 * 1024):
                hasher.update(chunk)
        return hasher.hexdigest()
    finally:
        os.close(fd)
