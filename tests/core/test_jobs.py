"""No lost work: the sweeper that re-sends stale jobs, and publishing with the broker down.

Sent messages are observed through Celery's before_task_publish signal: they really are published,
to kombu's in-memory broker so that no stray message is left in a shared Redis for a later worker.
"""

import datetime as dt
import json
import time

import pytest
from celery import current_app
from celery.signals import before_task_publish
from django.utils import timezone

from compliance.models import Report, VerificationRun
from compliance.reports import report_request
from compliance.requirements import load_requirements
from compliance.tasks import report_generate_task, verification_run_task
from core.audit import audit_chain_verify, audit_record
from core.checkpoints import checkpoint_path
from core.jobs import SWEPT_JOBS, SweptJob, job_send, job_send_on_commit, sweep_stale_jobs
from core.models import AuditChainHead, AuditEvent, JobDispatch
from core.tasks import audit_checkpoint_task
from core.tasks import sweep_stale_jobs as sweep_stale_jobs_task
from tests.harness import needs_real_services, publisher

VERIFY = "compliance.tasks.verification_run_task"
MEMORY = publisher("memory://")


@pytest.fixture
def sent():
    """The (task name, args) of every message published during the test."""
    messages = []

    def record(sender=None, body=None, headers=None, **kwargs):
        messages.append((headers["task"], list(body[0])))

    before_task_publish.connect(record, weak=False)
    yield messages
    before_task_publish.disconnect(record)


def _run(status: str = VerificationRun.Status.QUEUED, *, age: dt.timedelta, attempts: int = 0) -> VerificationRun:
    run = VerificationRun.objects.create(status=status, attempts=attempts)
    then = timezone.now() - age
    VerificationRun.objects.filter(pk=run.pk).update(requested_at=then, started_at=then, heartbeat_at=then)
    return run


LATER = dt.timedelta(minutes=10)


@pytest.mark.django_db
def test_a_run_left_queued_is_sent_again(sent):
    stale = _run(age=LATER)
    fresh = _run(age=dt.timedelta(seconds=5))

    results = sweep_stale_jobs(app=MEMORY)

    assert results["verification"].resent == [stale.pk]
    assert sent == [(VERIFY, [stale.pk])]
    assert fresh.pk not in results["verification"].resent


@pytest.mark.django_db
def test_a_run_is_not_sent_again_until_the_threshold_has_passed_once_more(sent):
    stale = _run(age=LATER)
    sweep_stale_jobs(app=MEMORY)

    sweep_stale_jobs(app=MEMORY)
    later = sweep_stale_jobs(now=timezone.now() + LATER, app=MEMORY)

    assert later["verification"].resent == [stale.pk]
    assert sent == [(VERIFY, [stale.pk]), (VERIFY, [stale.pk])]
    assert JobDispatch.objects.get(kind="verification", object_id=stale.pk).sends == 2


@pytest.mark.django_db
def test_a_run_stuck_running_goes_back_to_the_queue_and_is_sent(sent, settings):
    stuck = _run(
        VerificationRun.Status.RUNNING, age=dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120), attempts=1
    )

    results = sweep_stale_jobs(app=MEMORY)

    stuck.refresh_from_db()
    assert stuck.status == VerificationRun.Status.QUEUED
    assert results["verification"].requeued == [stuck.pk] and (VERIFY, [stuck.pk]) in sent
    event = AuditEvent.objects.get(action="verification.requeued_by_sweeper")
    assert event.before["status"] == "running" and event.after["status"] == "queued" and event.actor_label == "sweeper"
    assert audit_chain_verify() is None


@pytest.mark.django_db
def test_a_run_stuck_running_with_its_attempts_used_up_ends_in_error(sent, settings):
    age = dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    stuck = _run(VerificationRun.Status.RUNNING, age=age, attempts=settings.VERIFY_MAX_ATTEMPTS)

    sweep_stale_jobs(app=MEMORY)

    stuck.refresh_from_db()
    assert stuck.status == VerificationRun.Status.ERROR and stuck.finished_at is not None
    assert "Stopped after 3 attempt(s)" in stuck.error_message
    assert sent == []
    assert AuditEvent.objects.filter(action="verification.abandoned_by_sweeper", object_id=str(stuck.pk)).exists()


@pytest.mark.django_db
def test_a_run_whose_worker_still_beats_and_finished_runs_are_left_alone(sent):
    running = _run(VerificationRun.Status.RUNNING, age=dt.timedelta(hours=2), attempts=1)
    VerificationRun.objects.filter(pk=running.pk).update(heartbeat_at=timezone.now() - dt.timedelta(minutes=1))
    finished = _run(VerificationRun.Status.FAILED, age=dt.timedelta(days=3))

    sweep_stale_jobs(app=MEMORY)

    assert VerificationRun.objects.get(pk=running.pk).status == "running"
    assert VerificationRun.objects.get(pk=finished.pk).status == "failed"
    assert sent == []


@pytest.mark.django_db
def test_other_job_kinds_register_with_the_sweeper(sent, monkeypatch):
    job = SweptJob(
        kind="example",
        model="compliance.VerificationRun",
        task=audit_checkpoint_task,
        queued_since_field="requested_at",
        started_field="started_at",
        queued_threshold=dt.timedelta(minutes=1),
    )
    monkeypatch.setitem(SWEPT_JOBS, "example", job)
    stale = _run(age=dt.timedelta(minutes=2))

    results = sweep_stale_jobs(app=MEMORY)

    assert results["example"].resent == [stale.pk]
    assert ("core.tasks.audit_checkpoint_task", [stale.pk]) in sent


@pytest.fixture
def purge_default_queue():
    """Remove what a test published through the configured broker (the beat task uses the current app)."""
    yield
    with current_app.connection_for_write() as connection:
        connection.default_channel.queue_purge("celery")


@pytest.mark.django_db
def test_the_beat_task_runs_the_sweep(sent, purge_default_queue):
    stale = _run(age=LATER)

    summary = sweep_stale_jobs_task()

    assert summary["verification"] == {"resent": 1, "requeued": 0, "abandoned": 0}
    assert sent == [(VERIFY, [stale.pk])]


@pytest.mark.django_db
def test_with_the_broker_unreachable_a_job_stays_queued_without_an_error(django_capture_on_commit_callbacks, caplog):
    unreachable = publisher("redis://127.0.0.1:1/0")

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run = VerificationRun.objects.create()
        job_send_on_commit(verification_run_task, run.pk, app=unreachable)
    elapsed = time.monotonic() - started

    assert len(callbacks) == 1 and elapsed < 3
    assert f"Could not send {VERIFY}({run.pk},)" in caplog.text
    assert VerificationRun.objects.get(pk=run.pk).status == VerificationRun.Status.QUEUED


# Report jobs (compliance.reports) are the second kind the sweeper looks after.

REPORT = "compliance.tasks.report_generate_task"


def _report(status: str = Report.Status.QUEUED, *, age: dt.timedelta, attempts: int = 0) -> Report:
    report = Report.objects.create(
        framework="all", attested_by="Registry operator", attested_role="Operator", status=status, attempts=attempts
    )
    then = timezone.now() - age
    Report.objects.filter(pk=report.pk).update(requested_at=then, started_at=then)
    return report


@pytest.mark.django_db
def test_a_report_left_queued_is_sent_again_and_the_sent_task_issues_it(sent):
    load_requirements()
    stale = _report(age=LATER)
    fresh = _report(age=dt.timedelta(seconds=5))

    results = sweep_stale_jobs(app=MEMORY)
    report_generate_task.apply(args=[stale.pk])

    assert results["report"].resent == [stale.pk] and (REPORT, [stale.pk]) in sent
    assert (REPORT, [fresh.pk]) not in sent
    stale.refresh_from_db()
    assert stale.status == Report.Status.ISSUED and stale.attempts == 1 and len(stale.sha256) == 64


@pytest.mark.django_db
def test_a_report_whose_worker_died_goes_back_to_the_queue_and_is_sent(sent, settings):
    stuck = _report(Report.Status.RUNNING, age=dt.timedelta(seconds=settings.REPORT_SOFT_TIME_LIMIT + 120), attempts=1)

    results = sweep_stale_jobs(app=MEMORY)

    stuck.refresh_from_db()
    assert stuck.status == Report.Status.QUEUED
    assert results["report"].requeued == [stuck.pk] and (REPORT, [stuck.pk]) in sent
    assert AuditEvent.objects.filter(action="report.requeued_by_sweeper", object_id=str(stuck.pk)).exists()


@pytest.mark.django_db
def test_a_report_still_within_its_time_limit_is_left_running(sent, settings):
    running = _report(Report.Status.RUNNING, age=dt.timedelta(seconds=settings.REPORT_SOFT_TIME_LIMIT), attempts=1)

    sweep_stale_jobs(app=MEMORY)

    assert Report.objects.get(pk=running.pk).status == Report.Status.RUNNING
    assert sent == []


@pytest.mark.django_db
def test_a_report_whose_worker_died_on_every_attempt_ends_failed(sent, settings):
    age = dt.timedelta(seconds=settings.REPORT_SOFT_TIME_LIMIT + 120)
    stuck = _report(Report.Status.RUNNING, age=age, attempts=settings.JOB_MAX_ATTEMPTS)

    sweep_stale_jobs(app=MEMORY)

    stuck.refresh_from_db()
    assert stuck.status == Report.Status.FAILED and "Stopped after 3 attempt(s)" in stuck.error_message
    assert sent == []
    assert AuditEvent.objects.filter(action="report.abandoned_by_sweeper", object_id=str(stuck.pk)).exists()


@pytest.mark.django_db
def test_a_report_claimed_as_often_as_allowed_is_not_rendered_again_but_failed(settings):
    report = _report(age=LATER, attempts=settings.JOB_MAX_ATTEMPTS)

    report_generate_task.apply(args=[report.pk])

    report.refresh_from_db()
    assert report.status == Report.Status.FAILED and report.sha256 == ""
    assert "Gave up after 3 attempt(s)" in report.error_message
    assert AuditEvent.objects.filter(action="report.failed", object_id=str(report.pk)).count() == 1


@pytest.mark.django_db
def test_with_the_broker_unreachable_a_requested_report_stays_queued_without_an_error(
    django_capture_on_commit_callbacks, monkeypatch, caplog
):
    # The task's own apply_async publishes through a broker that does not answer (a real kombu failure).
    unreachable = publisher("redis://127.0.0.1:1/0")
    monkeypatch.setattr(
        report_generate_task,
        "apply_async",
        lambda args=None, **options: unreachable.send_task(report_generate_task.name, args=args, **options),
    )

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        report = report_request(requested_by=None, framework="all")

    assert len(callbacks) == 1
    assert f"Could not send {REPORT}({report.pk},)" in caplog.text
    assert Report.objects.get(pk=report.pk).status == Report.Status.QUEUED


# Real Redis and a real worker (PostgreSQL + Redis runs only).


def _wait(condition, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _anchored_seqs() -> list[int]:
    path = checkpoint_path()
    return [json.loads(line)["seq"] for line in path.read_text().splitlines()] if path.exists() else []


@needs_real_services
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_a_task_sent_through_redis(celery_worker, redis_server):
    for n in range(3):
        audit_record(actor=None, action="test.event", object_type="x", object_id=str(n))

    publisher(redis_server.url).send_task(audit_checkpoint_task.name)

    assert _wait(lambda: _anchored_seqs() == [3]), celery_worker.log.read_text()[-2000:]
    assert AuditChainHead.objects.get().seq == 3


@needs_real_services
@pytest.mark.django_db(transaction=True)
def test_with_redis_down_sending_fails_fast_and_works_again_after_a_restart(celery_worker, redis_server):
    audit_record(actor=None, action="test.event", object_type="x", object_id="1")
    app = publisher(redis_server.url)
    redis_server.stop()

    started = time.monotonic()
    sent_while_down = job_send(audit_checkpoint_task, app=app)
    elapsed = time.monotonic() - started
    redis_server.start()
    sent_after_restart = job_send(audit_checkpoint_task, app=publisher(redis_server.url))

    assert sent_while_down is False and elapsed < 5
    assert sent_after_restart is True
    assert _wait(lambda: _anchored_seqs() == [1], timeout=60), celery_worker.log.read_text()[-2000:]


@needs_real_services
@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_is_replaced_and_the_next_one_takes_the_queue(celery_worker, redis_server):
    audit_record(actor=None, action="test.event", object_type="x", object_id="1")
    celery_worker.stop(kill=True)
    publisher(redis_server.url).send_task(audit_checkpoint_task.name)
    assert redis_server.queue_length() == 1

    celery_worker.start()

    assert _wait(lambda: _anchored_seqs() == [1]), celery_worker.log.read_text()[-2000:]


def _long_chain(length: int) -> None:
    """Write `length` linked events at once (bulk insert; the head moved with its trigger disabled)."""
    from django.utils import timezone as tz

    from core.audit import GENESIS_HASH, chain_hash
    from tests.core.tampering import tamper

    prev_hash, now, events = GENESIS_HASH, tz.now(), []
    for seq in range(1, length + 1):
        event = AuditEvent(
            seq=seq, created_at=now, actor_label="system", action="test.bulk", object_type="x", object_id=str(seq)
        )
        event.prev_hash = prev_hash
        event.hash = prev_hash = chain_hash(prev_hash, event)
        events.append(event)
    AuditEvent.objects.bulk_create(events, batch_size=5000)
    AuditChainHead.objects.get_or_create(id=1)
    tamper(("UPDATE compliance_auditchainhead SET seq = %s, hash = %s WHERE id = 1", [length, prev_hash]))


@needs_real_services
@pytest.mark.django_db(transaction=True)
def test_a_task_whose_worker_is_killed_midway_is_redelivered_and_completes_once(celery_worker, redis_server):
    _long_chain(60_000)
    log_size = len(celery_worker.log.read_bytes())

    publisher(redis_server.url).send_task(audit_checkpoint_task.name)
    assert _wait(lambda: b"audit_checkpoint_task" in celery_worker.log.read_bytes()[log_size:])
    time.sleep(0.5)
    celery_worker.kill_child()

    assert _wait(lambda: _anchored_seqs() == [60_000], timeout=120), celery_worker.log.read_text()[-3000:]
    log = celery_worker.log.read_text()
    assert "signal 9" in log and "WorkerLostError" in log
