"""Celery tasks of the registry's machinery: the job sweeper and the audit chain's checkpoints."""

import logging

from celery import shared_task

audit_logger = logging.getLogger("core.audit")


@shared_task(name="core.tasks.sweep_stale_jobs", acks_late=True, ignore_result=True)
def sweep_stale_jobs() -> dict[str, dict[str, int]]:
    """Requeue or abandon jobs stuck running, and re-send jobs left queued (core.jobs)."""
    from core.jobs import sweep_stale_jobs as sweep

    return {
        kind: {"resent": len(r.resent), "requeued": len(r.requeued), "abandoned": len(r.abandoned)}
        for kind, r in sweep().items()
    }


@shared_task(name="core.tasks.audit_checkpoint_task", acks_late=True, ignore_result=True)
def audit_checkpoint_task() -> int:
    """Anchor the audit chain's head outside the database (core.checkpoints); log loudly if it is broken."""
    from core.audit import ChainBreak
    from core.checkpoints import audit_checkpoint_write

    result = audit_checkpoint_write()
    if isinstance(result, ChainBreak):
        audit_logger.critical("Audit chain broken at event #%s, not anchored: %s", result.seq, result.reason)
        return -1
    return result.seq


@shared_task(name="core.tasks.audit_verify_task", acks_late=True, ignore_result=True)
def audit_verify_task() -> int:
    """Recompute the whole chain against the checkpoints (as verify_audit_log does) and log loudly on a break.

    Returns the sequence number of the first broken event, or 0 when the log is intact.
    """
    from core.checkpoints import audit_log_verify

    broken, _ = audit_log_verify()
    if broken is None:
        return 0
    audit_logger.critical("Audit log verification failed at event #%s: %s", broken.seq, broken.reason)
    return broken.seq or -1
