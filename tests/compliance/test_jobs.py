"""Sending tasks: a broker outage is logged and leaves the job row for the sweepers, never fails the caller."""

import time

import pytest
from celery import Celery

from compliance.jobs import send_task_now, send_task_on_commit


@pytest.fixture
def unreachable_app():
    app = Celery("unreachable", broker="redis://127.0.0.1:9/0", set_as_current=False)
    app.conf.broker_connection_timeout = 0.5
    yield app
    app.close()


def test_a_send_to_an_unreachable_broker_returns_false_quickly(unreachable_app, caplog):
    @unreachable_app.task(name="tests.noop")
    def task():
        return None

    started = time.monotonic()
    sent = send_task_now(task)

    assert sent is False
    assert time.monotonic() - started < 10
    assert "Broker unavailable: tests.noop" in caplog.text


@pytest.mark.django_db
def test_nothing_is_sent_before_the_transaction_commits(django_capture_on_commit_callbacks):
    sent = []

    class Recorder:
        name = "tests.recorder"

        def apply_async(self, args, **kwargs):
            sent.append(args)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_task_on_commit(Recorder(), 7)
        assert sent == []

    assert len(callbacks) == 1
    assert sent == [(7,)]
