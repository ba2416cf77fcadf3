"""Celery tasks of the compliance app. Each takes primary keys and calls one service."""

from celery import shared_task


@shared_task(name="compliance.tasks.verification_run_task", acks_late=True, reject_on_worker_lost=True)
def verification_run_task(run_id: int) -> None:
    from compliance.verification import verification_execute

    verification_execute(run_id=run_id)


@shared_task(name="compliance.tasks.sweep_stale_jobs", acks_late=True, ignore_result=True)
def sweep_stale_jobs() -> dict[str, dict[str, int]]:
    """Requeue or abandon jobs stuck running, and re-send jobs left queued (compliance.reliability)."""
    from compliance.reliability import sweep_stale_jobs as sweep

    return {
        kind: {"resent": len(r.resent), "requeued": len(r.requeued), "abandoned": len(r.abandoned)}
        for kind, r in sweep().items()
    }


@shared_task(name="compliance.tasks.audit_checkpoint_task", acks_late=True, ignore_result=True)
def audit_checkpoint_task() -> int:
    """Anchor the audit chain's head outside the database (compliance.checkpoints); log loudly if it is broken."""
    import logging

    from compliance.audit import ChainBreak
    from compliance.checkpoints import audit_checkpoint_write

    result = audit_checkpoint_write()
    if isinstance(result, ChainBreak):
        logging.getLogger("compliance.audit").critical(
            "Audit chain broken at event #%s, not anchored: %s", result.seq, result.reason
        )
        return -1
    return result.seq


@shared_task(name="compliance.tasks.audit_verify_task", acks_late=True, ignore_result=True)
def audit_verify_task() -> int:
    """Recompute the whole chain against the checkpoints (as verify_audit_log does) and log loudly on a break.

    Returns the sequence number of the first broken event, or 0 when the log is intact.
    """
    import logging

    from compliance.checkpoints import audit_log_verify

    broken, _ = audit_log_verify()
    if broken is None:
        return 0
    logging.getLogger("compliance.audit").critical(
        "Audit log verification failed at event #%s: %s", broken.seq, broken.reason
    )
    return broken.seq or -1
