"""Checksum and license verification of agency-hosted deployments.

The run row is the durable record of every verification: it is written before any task is
sent, and the task is sent only after that row commits, so a broker outage delays work but
loses none (a sweeper re-sends runs left queued).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Least
from django.utils import timezone

from agencies.models import Deployment
from agencies.services import require_agency_access
from agencies.storage import agency_model_roots, deployment_folder_check, storage_path_refusal
from agencies.webhooks import webhook_event_emit
from compliance.engine import (
    OK,
    REFUSED,
    FileOutcome,
    KnownDigest,
    Progress,
    compare,
    hash_all,
    license_check,
    scan_outcomes,
    trust_unchanged,
)
from compliance.hashing import FolderRefused, Identity, ModelFolder, Scan, confine, scan
from compliance.hub import HubClient, HubError, HubModel
from compliance.manifest import ManifestError, manifest_sync, stored_model
from compliance.models import DeploymentFileIdentity, VerificationFileResult, VerificationGroup, VerificationRun
from compliance.supply_chain import registry_sign_run, run_supply_chain_assess, run_supply_chain_store
from compliance.tasks import (
    alerts_verification_finished_task,
    verification_hash_group_task,
    verification_run_task,
)
from core.audit import audit_record, snapshot
from core.errors import ServiceError
from core.jobs import job_send_on_commit

logger = logging.getLogger(__name__)
Status = VerificationRun.Status
PROGRESS_WRITE_SECONDS = 1.0


def verification_start(
    *, deployment: Deployment, requested_by, trigger: str = VerificationRun.Trigger.MANUAL, full: bool = False
) -> VerificationRun:
    """Queue a checksum and license verification of one agency-hosted deployment.

    GSA officers and the deployment's own agency officers may ask; `requested_by=None` is the scheduler.
    With `full`, every file is read and hashed, even those unchanged since an earlier hash of them.
    """
    if requested_by is not None:
        require_agency_access(requested_by, deployment.agency_id)
    with transaction.atomic():
        run = VerificationRun.objects.create(
            deployment=deployment,
            model_version=deployment.model_version,
            requested_by=requested_by if getattr(requested_by, "pk", None) else None,
            trigger=trigger,
            storage_path=deployment.storage_path,
            repo_id=deployment.model_version.repo_id,
            full_rehash=full,
        )
        audit_record(
            actor=requested_by,
            action="verification.requested",
            obj=run,
            agency_id=deployment.agency_id,
            after=snapshot(run),
        )
        job_send_on_commit(verification_run_task, run.pk)
    return run


def verification_claim(*, run_id: int) -> VerificationRun | None:
    """Move a queued run (or a running one whose worker went silent) to running; None if someone else has it.

    The claim is one conditional UPDATE whose row count is checked, so two deliveries of the same
    task never both run. A run that used up its attempts ends in error instead of looping.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.VERIFY_STALE_SECONDS)
    claimable = Q(status=Status.QUEUED) | Q(status=Status.RUNNING, heartbeat_at__lt=stale)
    claimed = VerificationRun.objects.filter(claimable, pk=run_id, attempts__lt=settings.VERIFY_MAX_ATTEMPTS).update(
        status=Status.RUNNING, started_at=now, heartbeat_at=now, attempts=F("attempts") + 1, finished_at=None
    )
    if claimed == 1:
        return VerificationRun.objects.select_related("model_version__offering", "deployment").get(pk=run_id)
    with transaction.atomic():
        exhausted = (
            VerificationRun.objects.select_for_update(of=("self",))
            .select_related("deployment")
            .filter(claimable, pk=run_id, attempts__gte=settings.VERIFY_MAX_ATTEMPTS)
            .first()
        )
        if exhausted is not None:
            exhausted.status, exhausted.finished_at = Status.ERROR, now
            exhausted.error_message = "Gave up after repeated attempts."
            exhausted.save(update_fields=["status", "finished_at", "error_message"])
            _audit_finished(exhausted)
            logger.warning("Verification run %s gave up after %s attempts", run_id, settings.VERIFY_MAX_ATTEMPTS)
    return None


def verification_execute(
    *, run_id: int, client: HubClient | None = None, fan_out: bool | None = None, workers: int | None = None
) -> VerificationRun | None:
    """Claim a queued run and verify its deployment's files and license against the pinned manifest.

    1. Claim the run (conditional update); a finished or already claimed run is left alone.
    2. Make sure the model version has a manifest (first sync asks the Hub, outside any transaction).
    3. Check the license, confine and list the folder, decide what needs no hashing.
    4. Hash here in parallel threads, or, for a large model with a real broker, fan the hashing out
       to one task per group of files; the last group to finish finalizes the run.
    """
    run = verification_claim(run_id=run_id)
    if run is None:
        return None
    try:
        model = _manifest_for(run, client)
        verdict = license_check(
            model.license,
            declared=run.model_version.declared_license,
            allowed=run.model_version.offering.allowed_licenses,
        )
        folder = _agency_folder(run, repo_id=model.repo_id, commit=model.commit)
        listing = scan(folder)
    except (HubError, ManifestError, FolderRefused, OSError) as error:
        return _finish_with_error(run, str(error))
    outcomes, to_hash = compare(listing, model.files)
    trusted, to_hash = _trust_unchanged(run, folder, listing, to_hash)
    # Files trusted as unchanged are not read for their digest, but their headers are scanned all the same.
    outcomes = scan_outcomes(folder, listing, outcomes + trusted)
    bytes_total = sum(e.size for e in to_hash)
    VerificationRun.objects.filter(pk=run.pk).update(
        manifest_commit=model.commit,
        license_expected=verdict.expected[:100],
        license_found=verdict.found[:100],
        license_ok=verdict.ok is True,
        files_total=len(to_hash),
        files_done=0,
        bytes_total=bytes_total,
        bytes_done=0,
    )
    if fan_out is None:
        fan_out = _broker_is_shared() and bytes_total >= settings.VERIFY_FANOUT_MIN_BYTES and len(to_hash) > 1
    if fan_out:
        _fan_out(run, outcomes, to_hash)
        return VerificationRun.objects.get(pk=run.pk)
    writer = ProgressWriter(run.pk)
    try:
        outcomes += scan_outcomes(
            folder, listing, hash_all(folder, listing, to_hash, workers=workers, on_tick=writer.tick)
        )
    except SoftTimeLimitExceeded:
        return _finish_with_error(run, "The verification exceeded its time limit.")
    _save_outcomes(run, outcomes)
    return verification_finalize(run_id=run.pk)


def _trust_unchanged(run: VerificationRun, folder: ModelFolder, listing: Scan, to_hash: list) -> tuple[list, list]:
    """Files of the deployment unchanged since a recent hash that matched: reported ok without reading them.

    Nothing is trusted for a full re-hash, for a run without a deployment, or with VERIFY_FULL_REHASH_DAYS=0.
    """
    if run.full_rehash or not run.deployment_id or settings.VERIFY_FULL_REHASH_DAYS == 0:
        return [], to_hash
    known = {
        row.path: KnownDigest(
            digest=row.digest,
            algorithm=row.algorithm,
            identity=Identity(_unsigned64(row.dev), _unsigned64(row.ino), row.size, row.mtime_ns, row.ctime_ns),
            hashed_at=row.hashed_at,
        )
        for row in DeploymentFileIdentity.objects.filter(deployment_id=run.deployment_id)
    }
    not_before = timezone.now() - dt.timedelta(days=settings.VERIFY_FULL_REHASH_DAYS)
    return trust_unchanged(folder, listing, to_hash, known, not_before=not_before)


def _unsigned64(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _remember_identities(run: VerificationRun, outcomes: list[FileOutcome]) -> None:
    """Keep, per deployment and path, the digest of each file hashed ok in this run with its identity then."""
    if not run.deployment_id:
        return
    now = timezone.now()
    rows = [
        DeploymentFileIdentity(
            deployment_id=run.deployment_id,
            path=o.path[:1000],
            algorithm=o.algorithm,
            digest=o.actual,
            hashed_at=now,
            run_id=run.pk,
            **DeploymentFileIdentity.identity_fields(o.identity),
        )
        for o in outcomes
        if o.status == OK and o.identity is not None
    ]
    DeploymentFileIdentity.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["deployment", "path"],
        update_fields=["algorithm", "digest", "dev", "ino", "size", "mtime_ns", "ctime_ns", "hashed_at", "run"],
    )


def _agency_folder(run: VerificationRun, *, repo_id: str, commit: str) -> ModelFolder:
    """The run's folder, checked again now against its agency's model root and the other deployments' folders.

    Folders and links change on disk after a deployment is saved: a folder that now resolves
    elsewhere, or lies outside the agency's root, is refused with the same message as at saving.
    """
    deployment = Deployment.objects.select_related("agency").get(pk=run.deployment_id)
    try:
        checked = deployment_folder_check(deployment=deployment, raw=run.storage_path)
        if checked != os.path.normpath(run.storage_path):  # a component was swapped for a link since
            raise storage_path_refusal(deployment.agency)
    except ServiceError as error:
        raise FolderRefused(error.message) from None
    return confine(checked, repo_id=repo_id, commit=commit, roots=agency_model_roots(deployment.agency))


def _manifest_for(run: VerificationRun, client: HubClient | None) -> HubModel:
    model = stored_model(run.model_version)
    if model is None:
        manifest_sync(model_version=run.model_version, actor=None, client=client)
        run.model_version.refresh_from_db()
        model = stored_model(run.model_version)
    if model is None:
        raise ManifestError("The model version has no manifest.")
    return model


def _broker_is_shared() -> bool:
    """Fan-out only pays when other machines read the same queue: not with the embedded filesystem broker."""
    return not settings.CELERY_BROKER_URL.startswith(("filesystem://", "memory://"))


class ProgressWriter:
    """Writes a run's progress at most once a second, so a progress bar moves without flooding the database."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.last_write = 0.0
        self.bytes_written = self.files_written = 0

    def tick(self, progress: Progress) -> None:
        now = time.monotonic()
        finished = progress.files_done >= progress.files_total
        if now - self.last_write < PROGRESS_WRITE_SECONDS and not finished:
            return
        delta_bytes = progress.bytes_done - self.bytes_written
        delta_files = progress.files_done - self.files_written
        self.last_write = now
        self.bytes_written, self.files_written = progress.bytes_done, progress.files_done
        # Increments (not absolute values) so that parallel group tasks add up; capped by the totals so
        # that a redelivered group cannot push the bar past 100 %.
        VerificationRun.objects.filter(pk=self.run_id).update(
            bytes_done=Least(F("bytes_done") + delta_bytes, F("bytes_total")),
            files_done=Least(F("files_done") + delta_files, F("files_total")),
            heartbeat_at=timezone.now(),
        )


def _save_outcomes(run: VerificationRun, outcomes: list[FileOutcome]) -> None:
    """Per-file rows keyed on (run, path): a second delivery writes nothing twice; and the identities hashed ok."""
    with transaction.atomic():
        _save_results(run.pk, outcomes)
        _remember_identities(run, outcomes)


def _save_results(run_id: int, outcomes: list[FileOutcome]) -> None:
    VerificationFileResult.objects.bulk_create(
        [
            VerificationFileResult(
                run_id=run_id,
                path=o.path[:1000],
                status=o.status,
                algorithm=o.algorithm,
                expected=o.expected,
                actual=o.actual,
                size=o.size,
                detail=o.detail[:300],
                format=o.format,
                scan_verdict=o.scan,
                scan_detail=o.scan_detail[:1000],
                trusted_since=o.trusted_since,
            )
            for o in outcomes
        ],
        ignore_conflicts=True,
    )


def _fan_out(run: VerificationRun, outcomes: list[FileOutcome], to_hash) -> None:
    """Store what needs no hashing, split the rest into groups of about VERIFY_GROUP_BYTES, send a task each."""

    groups: list[list] = []
    sizes: list[int] = []
    for entry in sorted(to_hash, key=lambda e: e.size, reverse=True):
        if not groups or sizes[-1] + entry.size > settings.VERIFY_GROUP_BYTES:
            groups.append([])
            sizes.append(0)
        groups[-1].append(entry.path)
        sizes[-1] += entry.size
    with transaction.atomic():
        _save_outcomes(run, outcomes)
        VerificationGroup.objects.bulk_create(
            [VerificationGroup(run=run, index=i, paths=paths, bytes_total=sizes[i]) for i, paths in enumerate(groups)],
            ignore_conflicts=True,
        )
        indexes = list(range(len(groups)))
        for index in indexes:
            job_send_on_commit(verification_hash_group_task, run.pk, index)
    if not groups:
        verification_finalize(run_id=run.pk)


def verification_hash_group(*, run_id: int, index: int, workers: int | None = None) -> VerificationRun | None:
    """Hash one group of a fanned-out run on this worker, store its results, and finalize if it was the last.

    A group already done is skipped, so a redelivered message does nothing.
    """
    claimed = VerificationGroup.objects.filter(
        run_id=run_id, index=index, status__in=[VerificationGroup.Status.PENDING, VerificationGroup.Status.RUNNING]
    ).update(status=VerificationGroup.Status.RUNNING, attempts=F("attempts") + 1)
    run = VerificationRun.objects.select_related("model_version").filter(pk=run_id, status=Status.RUNNING).first()
    if not claimed or run is None:
        return None
    group = VerificationGroup.objects.get(run_id=run_id, index=index)
    model = stored_model(run.model_version)
    wanted = set(group.paths)
    entries = [f for f in (model.files if model else ()) if f.path in wanted]
    try:
        folder = _agency_folder(run, repo_id=run.repo_id, commit=run.manifest_commit)
        listing = scan(folder)
        missing = [e for e in entries if e.path not in listing.files]
        present = [e for e in entries if e.path in listing.files]
        outcomes = [FileOutcome(e.path, REFUSED, e.digest, "", e.algorithm, None, "vanished") for e in missing]
        hashed = hash_all(folder, listing, present, workers=workers, on_tick=ProgressWriter(run_id).tick)
        outcomes += scan_outcomes(folder, listing, hashed)
    except (FolderRefused, OSError) as error:
        return _finish_with_error(run, str(error))
    except SoftTimeLimitExceeded:
        return _finish_with_error(run, f"Group {index} exceeded its time limit.")
    with transaction.atomic():
        _save_outcomes(run, outcomes)
        VerificationGroup.objects.filter(pk=group.pk).update(
            status=VerificationGroup.Status.DONE, finished_at=timezone.now()
        )
    if VerificationGroup.objects.filter(run_id=run_id).exclude(status=VerificationGroup.Status.DONE).exists():
        return VerificationRun.objects.get(pk=run_id)
    return verification_finalize(run_id=run_id)


def verification_finalize(*, run_id: int) -> VerificationRun:
    """Count the per-file results and end the run passed or failed; only the first caller moves it.

    1. Outside any transaction: apply the scanning policy, report custom code and check a publisher's
       model.sig (compliance.supply_chain reads the folder's small files, never the weights again).
    2. In one transaction: count, store the supply-chain verdicts, end the run, write the audit event.
    3. After a pass, the registry signs what it verified (its own OMS signature).
    """
    chain = run_supply_chain_assess(run_id=run_id)
    counts = dict.fromkeys(VerificationFileResult.Status.values, 0)
    results = VerificationFileResult.objects.filter(run_id=run_id)
    for status in counts:
        counts[status] = results.filter(status=status).count()
    refused_expected = results.filter(status=REFUSED).exclude(expected="").count()
    mismatch = counts["mismatch"] + refused_expected
    unexpected = counts["unexpected"] + counts["refused"] - refused_expected
    read = results.filter(status__in=["ok", "mismatch"], trusted_since__isnull=True).exclude(actual="")
    hashed = read.aggregate(total=Sum("size"))["total"]
    trusted = results.filter(trusted_since__isnull=False).count()
    with transaction.atomic():
        run = VerificationRun.objects.select_for_update().get(pk=run_id)
        if run.status != Status.RUNNING:
            return run
        run_supply_chain_store(run=run, chain=chain)
        all_ok = mismatch == 0 and counts["missing"] == 0 and unexpected == 0 and run.license_ok is True
        all_ok = all_ok and run.policy_ok is not False and run.signature_verified is not False
        run.status = Status.PASSED if all_ok else Status.FAILED
        run.count_ok, run.count_mismatch = counts["ok"], mismatch
        run.count_missing, run.count_unexpected = counts["missing"], unexpected
        run.count_trusted = trusted
        run.bytes_done = min(hashed or 0, run.bytes_total)
        run.files_done = run.files_total
        run.finished_at = timezone.now()
        run.save()
        _audit_finished(run)
    if run.status == Status.PASSED and chain is not None:
        registry_sign_run(run=run, chain=chain)
    return run


def _finish_with_error(run: VerificationRun, message: str) -> VerificationRun:
    with transaction.atomic():
        run = VerificationRun.objects.select_for_update().get(pk=run.pk)
        if run.status != Status.RUNNING:
            return run
        run.status, run.error_message, run.finished_at = Status.ERROR, message[:2000], timezone.now()
        run.save(update_fields=["status", "error_message", "finished_at"])
        _audit_finished(run)
    return run


def _audit_finished(run: VerificationRun) -> None:
    """Inside the transaction that ends the run: the audit event and, for a failure, the alert task and webhook."""
    if run.status in (Status.FAILED, Status.ERROR):
        job_send_on_commit(alerts_verification_finished_task, run.pk)
        _emit_verification_failed(run)
    audit_record(
        actor=None,
        action=f"verification.{run.status}",
        obj=run,
        agency_id=run.deployment.agency_id if run.deployment_id else None,
        after={
            "status": run.status,
            "manifest_commit": run.manifest_commit,
            "license_ok": run.license_ok,
            "ok": run.count_ok,
            "mismatch": run.count_mismatch,
            "missing": run.count_missing,
            "unexpected": run.count_unexpected,
            "unsafe": run.count_unsafe,
            "policy_ok": run.policy_ok,
            "signature_verified": run.signature_verified,
            "trusted_unchanged": run.count_trusted,
            "full_rehash": run.full_rehash,
            "bytes_done": run.bytes_done,
            "error": run.error_message,
        },
    )


def _emit_verification_failed(run: VerificationRun) -> None:
    deployment = run.deployment if run.deployment_id else None
    webhook_event_emit(
        event_type="verification.failed",
        agency_id=deployment.agency_id if deployment else None,
        payload={
            "verification_run": {
                "id": run.pk,
                "status": run.status,
                "deployment_id": run.deployment_id,
                "deployment_name": deployment.name if deployment else "",
                "model_version_id": run.model_version_id,
                "repo_id": run.repo_id,
                "manifest_commit": run.manifest_commit,
                "license_ok": run.license_ok,
                "mismatch": run.count_mismatch,
                "missing": run.count_missing,
                "unexpected": run.count_unexpected,
                "error": run.error_message,
                "finished_at": run.finished_at,
            },
        },
    )
