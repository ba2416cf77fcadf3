"""Checksum and license verification of agency-hosted deployments.

The run row is the durable record of every verification: it is written before any task is
sent, and the task is sent only after that row commits, so a broker outage delays work but
loses none (a sweeper re-sends runs left queued).
"""

from __future__ import annotations

from django.db import transaction

from agencies.models import Deployment
from compliance.audit import audit_record, snapshot
from compliance.models import VerificationRun


def verification_start(
    *, deployment: Deployment, requested_by, trigger: str = VerificationRun.Trigger.MANUAL
) -> VerificationRun:
    """Queue a checksum and license verification of one agency-hosted deployment."""
    from compliance.tasks import verification_run_task

    with transaction.atomic():
        run = VerificationRun.objects.create(
            deployment=deployment,
            model_version=deployment.model_version,
            requested_by=requested_by if getattr(requested_by, "pk", None) else None,
            trigger=trigger,
            storage_path=deployment.storage_path,
            repo_id=deployment.model_version.repo_id,
        )
        audit_record(
            actor=requested_by,
            action="verification.requested",
            obj=run,
            agency_id=deployment.agency_id,
            after=snapshot(run),
        )
        transaction.on_commit(lambda: verification_run_task.delay(run.pk))
    return run


def verification_execute(*, run_id: int) -> VerificationRun:
    """Claim a queued run and verify its files. Implemented by the verification engine (issue 3)."""
    raise NotImplementedError("The verification engine (issue 3) is not merged yet.")
