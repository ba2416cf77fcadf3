"""No lost work: job rows are the source of truth, and a sweeper re-sends what the broker may have lost.

Every long job (a verification run, a report, a webhook delivery) is a row written before its
task is sent. Its task is sent after commit with `job_send_on_commit`, which never lets a broker
outage turn a request into an error: the row simply stays queued. `sweep_stale_jobs`, run by
Celery beat every minute, then

1. puts back to queued the rows left running past their time limit (a worker died), or ends
   them in error once their attempts are used up, and
2. re-sends the task of every row queued for longer than the threshold (its message was lost,
   or was never sent), at most once per threshold per row.

Tasks claim their row with a conditional update (queued → running), so a duplicate message is
harmless. Job kinds join with `register_swept_job(SweptJob(...))` from their app's ready().

Jobs are sent as task objects (never by a dotted name typed again at each call site), so a renamed
or moved task is a Python error at import time, not a message no worker understands.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from celery import Celery, Task
from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from core.audit import audited_bulk_update
from core.models import JobDispatch

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SweptJob:
    """How the sweeper finds and re-sends one kind of job row.

    The task is sent with the row's primary key as its only argument.
    """

    kind: str
    model: str  # "app_label.ModelName"
    task: Task
    queued_since_field: str
    started_field: str
    status_field: str = "status"
    queued: str = "queued"
    running: str = "running"
    failed: str = "error"
    attempts_field: str = "attempts"
    error_field: str = "error_message"
    max_attempts: int = 3
    queued_threshold: dt.timedelta = field(default_factory=lambda: dt.timedelta(minutes=5))
    running_limit: dt.timedelta = field(default_factory=lambda: dt.timedelta(hours=4))

    def model_class(self) -> type[models.Model]:
        return apps.get_model(self.model)


@dataclass
class SweepResult:
    resent: list[int] = field(default_factory=list)
    requeued: list[int] = field(default_factory=list)
    abandoned: list[int] = field(default_factory=list)
    send_failed: bool = False


SWEPT_JOBS: dict[str, SweptJob] = {}
# Another Celery app to publish every job through instead of the task's own (None: the task's own app).
# Fault tests point it at a broker of their own; production leaves it alone.
publisher_app: Celery | None = None
ABANDONED = "Stopped after {attempts} attempt(s): the worker running it stopped before it finished."


def register_swept_job(job: SweptJob) -> None:
    SWEPT_JOBS[job.kind] = job


def job_send(task: Task, *args: int, app: Celery | None = None) -> bool:
    """Send a job's task now; on a broker failure log it and return False (the sweeper will re-send).

    The task is sent through its own apply_async (which honours its options, and runs in-process
    when task_always_eager is on); `app` publishes through another Celery app instead (tests use
    one whose broker is down or in memory). The publish retry policy in settings bounds how long
    this can take with the broker down.
    """
    app = app or publisher_app
    try:
        if app is None:
            task.apply_async(args=list(args))
        else:
            app.send_task(task.name, args=list(args))
    except Exception:  # kombu raises several types (OperationalError, ConnectionError, timeouts).
        logger.warning("Could not send %s%s; the job row stays queued for the sweeper.", task.name, args, exc_info=True)
        return False
    return True


def job_send_on_commit(task: Task, *args: int, app: Celery | None = None) -> None:
    """Send a job's task once the current transaction commits, without failing the request if the broker is down."""
    transaction.on_commit(lambda: job_send(task, *args, app=app))


def _stuck_running(job: SweptJob, now: dt.datetime, actor) -> tuple[list[int], list[int]]:
    model = job.model_class()
    stuck = model._default_manager.filter(
        **{job.status_field: job.running, f"{job.started_field}__lt": now - job.running_limit}
    )
    exhausted = stuck.filter(**{f"{job.attempts_field}__gte": job.max_attempts})
    failure = {job.status_field: job.failed, job.error_field: ABANDONED.format(attempts=job.max_attempts)}
    if _has_field(model, "finished_at"):
        failure["finished_at"] = now
    abandoned = audited_bulk_update(
        actor=actor, queryset=exhausted, changes=failure, action=f"{job.kind}.abandoned_by_sweeper"
    )
    requeued = audited_bulk_update(
        actor=actor,
        queryset=stuck.filter(**{f"{job.attempts_field}__lt": job.max_attempts}),
        changes={job.status_field: job.queued},
        action=f"{job.kind}.requeued_by_sweeper",
    )
    return requeued, abandoned


def _has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.concrete_fields)


def _due_for_resend(job: SweptJob, now: dt.datetime, extra: list[int]) -> list[int]:
    model = job.model_class()
    stale = set(
        model._default_manager.filter(
            **{job.status_field: job.queued, f"{job.queued_since_field}__lt": now - job.queued_threshold}
        ).values_list("pk", flat=True)
    )
    recently_sent = set(
        JobDispatch.objects.filter(
            kind=job.kind, object_id__in=stale, last_sent_at__gte=now - job.queued_threshold
        ).values_list("object_id", flat=True)
    )
    return sorted((stale - recently_sent) | set(extra))


def _record_sent(job: SweptJob, pk: int, now: dt.datetime) -> None:
    job_resend_record(kind=job.kind, object_id=pk, now=now)


def job_resend_record(*, kind: str, object_id: int, now: dt.datetime) -> None:
    """Note that a sweeper re-sent the task of one job row now (sweepers of other shapes use this too)."""
    dispatch, created = JobDispatch.objects.get_or_create(
        kind=kind, object_id=object_id, defaults={"sends": 1, "last_sent_at": now}
    )
    if not created:
        JobDispatch.objects.filter(pk=dispatch.pk).update(sends=models.F("sends") + 1, last_sent_at=now)


def jobs_resent_since(*, kind: str, object_ids, since: dt.datetime) -> set[int]:
    """The rows of a kind whose task a sweeper re-sent at or after `since`."""
    return set(
        JobDispatch.objects.filter(kind=kind, object_id__in=object_ids, last_sent_at__gte=since).values_list(
            "object_id", flat=True
        )
    )


def sweep_job_kind(job: SweptJob, *, now: dt.datetime | None = None, app: Celery | None = None) -> SweepResult:
    """Requeue or abandon one kind's stuck rows, then re-send its stale queued rows (see the module docstring)."""
    now = now or timezone.now()
    result = SweepResult()
    with transaction.atomic():
        result.requeued, result.abandoned = _stuck_running(job, now, actor="sweeper")
    for pk in _due_for_resend(job, now, result.requeued):
        if not job_send(job.task, pk, app=app):
            result.send_failed = True
            break
        _record_sent(job, pk, now)
        result.resent.append(pk)
    return result


def sweep_stale_jobs(*, now: dt.datetime | None = None, app: Celery | None = None) -> dict[str, SweepResult]:
    """Sweep every registered job kind; one kind failing to send does not stop the others.

    `app` is the Celery app to publish with (the current one by default).
    """
    results = {}
    for kind, job in SWEPT_JOBS.items():
        results[kind] = sweep_job_kind(job, now=now, app=app)
        swept = results[kind]
        if swept.resent or swept.requeued or swept.abandoned:
            logger.info(
                "Swept %s: re-sent %s, requeued %s, abandoned %s",
                kind,
                swept.resent,
                swept.requeued,
                swept.abandoned,
            )
    return results
