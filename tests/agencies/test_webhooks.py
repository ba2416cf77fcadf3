"""Webhooks against a real HTTP receiver on 127.0.0.1: signed deliveries, retries with backoff, the log."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import WebhookDelivery, WebhookSubscription
from agencies.services import onboarding_transition
from agencies.webhooks import (
    DELIVERY_HEADER,
    SIGNATURE_HEADER,
    webhook_backoff_seconds,
    webhook_delivery_attempt,
    webhook_event_emit,
    webhook_signature,
    webhook_signature_valid,
)
from catalog.services import offering_change_status
from tests.factories import AgencyFactory, OnboardingFactory, gsa_officer

SECRET = "receiver-shared-secret-0123456789"


@pytest.fixture(autouse=True)
def _local_receivers_allowed(settings):
    """These receivers run on 127.0.0.1 over plain HTTP: an operator's allowed internal network.

    tests/agencies/test_webhook_destinations.py checks what happens without this allowance.
    """
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    settings.WEBHOOK_REQUIRE_HTTPS = False


class Receiver:
    """A webhook receiver that checks signatures as a real one would, answering a scripted list of codes."""

    def __init__(self, codes: list[int]):
        self.codes, self.received = list(codes), []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                valid = webhook_signature_valid(SECRET, self.headers.get(SIGNATURE_HEADER, ""), body)
                receiver.received.append({"headers": dict(self.headers), "body": json.loads(body), "valid": valid})
                code = receiver.codes.pop(0) if receiver.codes else 200
                self.send_response(code if valid else 401)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/registry"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver_factory():
    receivers = []

    def make(codes=()):
        receiver = Receiver(list(codes))
        receivers.append(receiver)
        return receiver

    yield make
    for receiver in receivers:
        receiver.close()


def _subscribe(url: str, types: list[str], agency=None) -> WebhookSubscription:
    return WebhookSubscription.objects.create(name="ERP", url=url, secret=SECRET, event_types=types, agency=agency)


def test_a_signature_is_checked_over_the_exact_body_and_time():
    body = b'{"a": 1}'
    header = webhook_signature(SECRET, int(timezone.now().timestamp()), body)

    assert webhook_signature_valid(SECRET, header, body)
    assert not webhook_signature_valid(SECRET, header, body + b" ")
    assert not webhook_signature_valid("another-secret", header, body)
    assert not webhook_signature_valid(SECRET, webhook_signature(SECRET, 1_000_000, body), body)


def test_the_backoff_doubles_up_to_its_cap(settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS, settings.WEBHOOK_RETRY_MAX_SECONDS = 30, 200

    assert [webhook_backoff_seconds(n) for n in range(1, 6)] == [30, 60, 120, 200, 200]


@pytest.mark.django_db
def test_an_event_goes_to_the_subscriptions_that_want_it(django_capture_on_commit_callbacks):
    agency, other = AgencyFactory(), AgencyFactory()
    everything = _subscribe("http://127.0.0.1:9/a", ["onboarding.approved"])
    own = _subscribe("http://127.0.0.1:9/b", ["onboarding.approved"], agency=agency)
    _subscribe("http://127.0.0.1:9/c", ["onboarding.approved"], agency=other)
    _subscribe("http://127.0.0.1:9/d", ["offering.removed"])

    with django_capture_on_commit_callbacks() as callbacks:
        deliveries = webhook_event_emit(event_type="onboarding.approved", payload={"x": 1}, agency_id=agency.pk)

    assert {d.subscription for d in deliveries} == {everything, own}
    assert len(callbacks) == 2
    assert len({d.event_id for d in deliveries}) == 1


@pytest.mark.django_db
def test_approving_an_onboarding_queues_a_delivery_in_the_same_transaction():
    onboarding = OnboardingFactory(state="under_review")
    _subscribe("http://127.0.0.1:9/hook", ["onboarding.approved"])

    onboarding_transition(actor=gsa_officer(), onboarding=onboarding, action="approve", reason="Fine.")

    delivery = WebhookDelivery.objects.get()
    assert (delivery.event_type, delivery.agency_id, delivery.status) == (
        "onboarding.approved",
        onboarding.agency_id,
        "pending",
    )
    assert delivery.payload["data"]["onboarding"]["id"] == onboarding.pk


@pytest.mark.django_db
def test_a_refused_change_sends_nothing():
    onboarding = OnboardingFactory(state="requested")
    _subscribe("http://127.0.0.1:9/hook", ["onboarding.approved"])

    with pytest.raises(Exception, match="cannot be approved"):
        onboarding_transition(actor=gsa_officer(), onboarding=onboarding, action="approve", reason="Fine.")

    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_a_failing_receiver_is_retried_and_every_attempt_is_logged(receiver_factory, settings):
    settings.WEBHOOK_RETRY_BASE_SECONDS = 30
    receiver = receiver_factory([503])
    offering = OnboardingFactory(state="active", approved_by=gsa_officer()).offering
    _subscribe(receiver.url, ["offering.suspended"])
    offering_change_status(actor=gsa_officer(), offering=offering, to_status="suspended", reason="Breach.")
    delivery = WebhookDelivery.objects.get()

    first = webhook_delivery_attempt(delivery_id=delivery.pk)
    second = webhook_delivery_attempt(delivery_id=delivery.pk)
    third = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert (first.status, first.attempts, first.response_code) == ("retrying", 1, 503)
    assert dt.timedelta(seconds=25) < first.next_attempt_at - timezone.now() <= dt.timedelta(seconds=30)
    assert (second.status, second.attempts, second.response_code) == ("succeeded", 2, 200)
    assert second.delivered_at is not None and third is None
    assert len(receiver.received) == 2 and all(r["valid"] for r in receiver.received)
    assert receiver.received[0]["headers"][DELIVERY_HEADER] == receiver.received[1]["headers"][DELIVERY_HEADER]
    body = receiver.received[1]["body"]
    assert body["type"] == "offering.suspended" and body["data"]["reason"] == "Breach."


@pytest.mark.django_db
def test_a_delivery_gives_up_after_its_last_attempt(receiver_factory, settings):
    settings.WEBHOOK_MAX_ATTEMPTS = 2
    receiver = receiver_factory([500, 500, 500])
    subscription = _subscribe(receiver.url, ["agreement.expiring"])
    delivery = WebhookDelivery.objects.create(subscription=subscription, event_type="agreement.expiring", payload={})

    webhook_delivery_attempt(delivery_id=delivery.pk)
    last = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert (last.status, last.attempts, last.next_attempt_at) == ("failed", 2, None)
    assert webhook_delivery_attempt(delivery_id=delivery.pk) is None
    assert len(receiver.received) == 2


@pytest.mark.django_db
def test_an_unreachable_receiver_is_logged_with_its_error(settings):
    subscription = _subscribe("http://127.0.0.1:9/closed-port", ["agreement.expiring"])
    delivery = WebhookDelivery.objects.create(subscription=subscription, event_type="agreement.expiring", payload={})

    result = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert (result.status, result.response_code) == ("retrying", None)
    assert result.last_error == "Could not connect to the receiver."


@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_delivers_and_retries_after_a_failing_receiver(receiver_factory, settings):
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    settings.WEBHOOK_RETRY_BASE_SECONDS = 1
    receiver = receiver_factory([500])
    onboarding = OnboardingFactory(state="under_review")
    _subscribe(receiver.url, ["onboarding.approved"])

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        onboarding_transition(actor=gsa_officer(), onboarding=onboarding, action="approve", reason="Fine.")
        deadline = timezone.now() + dt.timedelta(seconds=30)
        while timezone.now() < deadline and WebhookDelivery.objects.get().status != "succeeded":
            threading.Event().wait(0.2)

    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.response_code) == ("succeeded", 2, 200)
    assert [r["valid"] for r in receiver.received] == [True, True]


@pytest.mark.django_db
def test_gsa_officers_keep_subscriptions_and_the_secret_is_never_shown(client):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_login(gsa_officer())
    body = {"name": "ERP", "url": "https://127.0.0.1/hook", "secret": SECRET, "event_types": ["offering.removed"]}

    created = api.post(reverse("api:webhooksubscription-list"), body, format="json")
    listed = api.get(reverse("api:webhooksubscription-list"))

    assert created.status_code == 201
    assert "secret" not in created.json() and SECRET not in listed.content.decode()
    assert WebhookSubscription.objects.get().secret == SECRET


@pytest.mark.django_db
def test_the_sweeper_finds_deliveries_whose_task_was_lost():
    subscription = _subscribe("http://127.0.0.1:9/hook", ["agreement.expiring"])
    long_ago = timezone.now() - dt.timedelta(minutes=10)
    lost = WebhookDelivery.objects.create(subscription=subscription, event_type="agreement.expiring", payload={})
    WebhookDelivery.objects.filter(pk=lost.pk).update(created_at=long_ago)
    fresh = WebhookDelivery.objects.create(subscription=subscription, event_type="agreement.expiring", payload={})
    done = WebhookDelivery.objects.create(
        subscription=subscription, event_type="agreement.expiring", payload={}, status="succeeded"
    )
    WebhookDelivery.objects.filter(pk=done.pk).update(created_at=long_ago)

    from agencies.webhooks import webhook_deliveries_due

    assert webhook_deliveries_due() == [lost.pk]
    assert fresh.pk not in webhook_deliveries_due()


# Events wired after phase 1: verification.failed and agreement.expiring; and the sweep of lost deliveries.


def _running_run(agency):
    from compliance.models import VerificationRun
    from tests.factories import DeploymentFactory

    deployment = DeploymentFactory(agency=agency)
    return VerificationRun.objects.create(
        deployment=deployment,
        model_version=deployment.model_version,
        status=VerificationRun.Status.RUNNING,
        repo_id="test-org/model",
        license_ok=False,
    )


@pytest.mark.django_db
def test_a_failed_verification_is_sent_signed_to_the_agency_s_receiver(
    receiver_factory, django_capture_on_commit_callbacks
):
    from compliance.verification import verification_finalize

    receiver = receiver_factory()
    agency, other = AgencyFactory(), AgencyFactory()
    _subscribe(receiver.url, ["verification.failed"], agency=agency)
    _subscribe(receiver.url, ["verification.failed"], agency=other)
    run = _running_run(agency)

    with django_capture_on_commit_callbacks():
        finished = verification_finalize(run_id=run.pk)
    delivery = WebhookDelivery.objects.get()
    webhook_delivery_attempt(delivery_id=delivery.pk)

    assert finished.status == "failed"
    assert (delivery.event_type, delivery.agency_id) == ("verification.failed", agency.pk)
    [received] = receiver.received
    assert received["valid"] is True
    assert received["body"]["type"] == "verification.failed"
    assert received["body"]["data"]["verification_run"]["id"] == run.pk
    assert received["body"]["data"]["verification_run"]["status"] == "failed"


@pytest.mark.django_db
def test_a_passed_verification_sends_nothing(django_capture_on_commit_callbacks):
    from compliance.verification import verification_finalize

    agency = AgencyFactory()
    _subscribe("http://127.0.0.1:9/hook", ["verification.failed"])
    run = _running_run(agency)
    run.license_ok = True
    run.save()

    with django_capture_on_commit_callbacks():
        finished = verification_finalize(run_id=run.pk)

    assert finished.status == "passed"
    assert not WebhookDelivery.objects.exists()


@pytest.mark.django_db
def test_an_expiring_agreement_is_sent_once_per_threshold(receiver_factory, django_capture_on_commit_callbacks):
    from compliance.alerts import alerts_scan
    from tests.factories import AgreementFactory

    receiver = receiver_factory()
    _subscribe(receiver.url, ["agreement.expiring"])
    today = timezone.localdate()
    agreement = AgreementFactory(expires_on=today + dt.timedelta(days=20))

    with django_capture_on_commit_callbacks():
        alerts_scan(today=today)
        alerts_scan(today=today)
        alerts_scan(today=today + dt.timedelta(days=1))
    after_two_scans = WebhookDelivery.objects.count()
    with django_capture_on_commit_callbacks():
        alerts_scan(today=today + dt.timedelta(days=14))  # 6 days left: the 7-day threshold
    for delivery in WebhookDelivery.objects.order_by("pk"):
        webhook_delivery_attempt(delivery_id=delivery.pk)

    assert after_two_scans == 1
    assert [r["body"]["data"]["threshold_days"] for r in receiver.received] == [30, 7]
    assert all(r["valid"] for r in receiver.received)
    assert receiver.received[0]["body"]["data"]["agreement"]["id"] == agreement.pk


@pytest.fixture
def sent():
    from celery.signals import before_task_publish

    messages = []

    def record(sender=None, body=None, headers=None, **kwargs):
        messages.append((headers["task"], list(body[0])))

    before_task_publish.connect(record, weak=False)
    yield messages
    before_task_publish.disconnect(record)


@pytest.mark.django_db
def test_the_sweep_resends_a_lost_delivery_once_per_threshold(sent, settings):
    from agencies.webhooks import webhook_sweep
    from core.models import JobDispatch
    from tests.harness import publisher

    memory = publisher("memory://")
    subscription = _subscribe("http://127.0.0.1:9/hook", ["agreement.expiring"])
    lost = WebhookDelivery.objects.create(subscription=subscription, event_type="agreement.expiring", payload={})
    WebhookDelivery.objects.filter(pk=lost.pk).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    later = timezone.now() + dt.timedelta(seconds=settings.JOB_QUEUED_RESEND_SECONDS + 1)

    first = webhook_sweep(app=memory)
    second = webhook_sweep(app=memory)
    third = webhook_sweep(now=later, app=memory)

    assert (first, second, third) == ([lost.pk], [], [lost.pk])
    assert sent == [("agencies.tasks.webhook_deliver_task", [lost.pk])] * 2
    assert JobDispatch.objects.get(kind="webhook_delivery", object_id=lost.pk).sends == 2


def test_the_webhook_sweep_is_in_the_beat_schedule():
    from django.conf import settings

    from agencies.tasks import webhook_sweep_task

    schedule = settings.CELERY_BEAT_SCHEDULE["webhook-sweep"]

    assert schedule["task"] == webhook_sweep_task.name
    assert schedule["schedule"] <= 600


@pytest.mark.django_db
def test_a_run_that_used_up_its_attempts_ends_in_error_and_is_sent(django_capture_on_commit_callbacks, settings):
    from compliance.verification import verification_claim
    from core.models import AuditEvent

    agency = AgencyFactory()
    _subscribe("http://127.0.0.1:9/hook", ["verification.failed"])
    run = _running_run(agency)
    type(run).objects.filter(pk=run.pk).update(status="queued", attempts=settings.VERIFY_MAX_ATTEMPTS)

    with django_capture_on_commit_callbacks():
        claimed = verification_claim(run_id=run.pk)

    run.refresh_from_db()
    assert claimed is None and run.status == "error"
    assert WebhookDelivery.objects.get().payload["data"]["verification_run"]["status"] == "error"
    assert AuditEvent.objects.filter(action="verification.error", object_id=str(run.pk)).exists()
