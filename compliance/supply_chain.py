"""Supply-chain services: GSA's scanning-policy exceptions, signature trust, and the publisher and registry signatures.

The scanner itself (compliance.scanning) and the signature format (compliance.signatures) touch
no database; this module holds the rules about who may change what, the audit events, and how a
verification's files become a policy verdict and a signature verdict.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, replace

from django.core.exceptions import ImproperlyConfigured
from django.db import transaction
from django.utils import timezone

from catalog.models import ModelVersion
from compliance.engine import FileOutcome
from compliance.hashing import FolderRefused, ModelFolder, Scan, confine, open_beneath, scan
from compliance.models import ScanException, VerificationFileResult, VerificationRun
from compliance.models import SignatureTrust as SignatureTrustRow
from compliance.scanning import code_report, read_small
from compliance.scanning.code import CodeReport
from compliance.scanning.policy import PolicyResult, policy_violations
from compliance.signatures import (
    NOT_PRESENT,
    SIGNATURE_PATH,
    SignatureResult,
    SignatureTrust,
    registry_sign,
    signature_check,
    signed_paths,
)
from core.audit import audit_record, snapshot
from core.errors import PermissionRefused, ServiceError

logger = logging.getLogger(__name__)

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
    digests: dict[str, str] | None = None

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
    digests: dict[str, str] | None = None,
) -> SupplyChainReport:
    """Apply the policy to scanned outcomes, report custom code, and check a publisher signature if there is one."""
    violations = policy_violations((o.path, o.format, o.scan, o.scan_detail) for o in outcomes if o.format)
    policy = PolicyResult(violations=violations, excepted=bool(violations) and exception is not None)
    local = list(listing.files)
    code = code_report(local, lambda path, limit: read_small(folder.root, listing.files[path].source, limit))
    signature = publisher_signature(folder=folder, listing=listing, outcomes=outcomes, trust=trust, digests=digests)
    annotated = [_annotate(o, policy, code, exception) for o in outcomes]
    excepted = exception if policy.excepted else None
    return SupplyChainReport(annotated, policy, signature, code, excepted, digests)


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
    *,
    folder: ModelFolder,
    listing: Scan,
    outcomes: list[FileOutcome],
    trust: SignatureTrust | None,
    digests: dict[str, str] | None = None,
) -> SignatureResult:
    """Check the repo's model.sig, reusing the SHA-256 digests hashing computed (only small files are read again)."""
    local = listing.files.get(SIGNATURE_PATH)
    if local is None:
        return NOT_PRESENT
    bundle = read_small(folder.root, local.source, MAX_SIGNATURE_BYTES + 1)
    if bundle is None or len(bundle) > MAX_SIGNATURE_BYTES:
        return SignatureResult(True, False, "", "model.sig cannot be read or is too large")
    digests = digests if digests is not None else folder_sha256(folder, listing, outcomes)
    return signature_check(bundle=bundle, trust=trust, digests=digests)


def folder_sha256(folder: ModelFolder, listing: Scan, outcomes: list[FileOutcome]) -> dict[str, str]:
    """path → SHA-256 of the files a signature covers: hashing's result for LFS files, a fresh read for the rest."""
    known = {o.path: o.actual for o in outcomes if o.algorithm == "sha256" and o.actual}
    digests = {}
    for path in signed_paths(listing.files):
        digests[path] = known.get(path) or _sha256_below(folder, listing.files[path].source)
    return digests


def _sha256_below(folder: ModelFolder, source: str) -> str:
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


# -- verification runs ----------------------------------------------------------------------------


def run_supply_chain_assess(*, run_id: int) -> SupplyChainReport | None:
    """The supply-chain verdicts of a running verification, from its stored per-file results and its folder.

    Runs outside any transaction (it reads the folder's small files). None when the run is not running.
    """
    run = VerificationRun.objects.select_related("model_version").filter(pk=run_id, status="running").first()
    if run is None:
        return None
    outcomes = [
        FileOutcome(
            r.path,
            r.status,
            r.expected,
            r.actual,
            r.algorithm,
            r.size,
            r.detail,
            r.format,
            r.scan_verdict,
            r.scan_detail,
        )
        for r in run.file_results.all()
    ]
    exception = scan_exception_active(model_version=run.model_version, commit=run.manifest_commit)
    try:
        folder = confine(run.storage_path, repo_id=run.repo_id, commit=run.manifest_commit)
        listing = scan(folder)
        digests = folder_sha256(folder, listing, outcomes)
    except (FolderRefused, OSError) as error:
        violations = policy_violations((o.path, o.format, o.scan, o.scan_detail) for o in outcomes if o.format)
        policy = PolicyResult(violations=violations, excepted=bool(violations) and exception is not None)
        unread = SignatureResult(False, None, "", f"the folder could not be read again to look for model.sig: {error}")
        return SupplyChainReport(outcomes, policy, unread, CodeReport(), exception if policy.excepted else None)
    trust = signature_trust_for(run.model_version)
    return supply_chain_assess(
        folder=folder, listing=listing, outcomes=outcomes, exception=exception, trust=trust, digests=digests
    )


def run_supply_chain_store(*, run: VerificationRun, chain: SupplyChainReport | None) -> None:
    """Inside the transaction that ends the run: its supply-chain fields and each refused file's reason."""
    if chain is None:
        return
    run.count_unsafe = chain.unsafe
    run.policy_ok = chain.policy.passed
    run.policy_exception = chain.exception
    run.custom_code = chain.code.as_json()
    run.signature_present = chain.signature.present
    run.signature_verified = chain.signature.verified
    run.signature_signer = chain.signature.signer[:300]
    run.signature_detail = chain.signature.detail[:1000]
    for outcome in chain.outcomes:
        reason = chain.policy.violations.get(outcome.path, "")
        VerificationFileResult.objects.filter(run=run, path=outcome.path).exclude(
            policy=reason, scan_detail=outcome.scan_detail[:1000]
        ).update(policy=reason[:300], scan_detail=outcome.scan_detail[:1000])


def registry_sign_run(*, run: VerificationRun, chain: SupplyChainReport) -> None:
    """Sign what a passed run verified with the registry's key, store the signature on the run; audited.

    Without a configured key (and outside DEBUG) the run stays unsigned and a warning is logged: a
    verification is not failed for the registry's own missing configuration.
    """
    if not chain.digests:
        return
    try:
        bundle = registry_sign(model_name=run.repo_id.rsplit("/", 1)[-1], digests=chain.digests)
    except (ImproperlyConfigured, OSError, ValueError) as error:
        logger.warning("Verification run %s passed but was not signed: %s", run.pk, error)
        return
    with transaction.atomic():
        VerificationRun.objects.filter(pk=run.pk).update(registry_signature=bundle)
        audit_record(
            actor=None,
            action="verification.signed",
            obj=run,
            after={
                "files": len(signed_paths(chain.digests)),
                "bundle_sha256": hashlib.sha256(bundle.encode()).hexdigest(),
            },
        )
    run.registry_signature = bundle
