"""Alerts: each kind fires once at the right time, to the right people, by e-mail and in the portal."""

import datetime as dt
import io
import threading

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.template import engines
from django.test import override_settings
from freezegun import freeze_time

from agencies.models import Onboarding
from catalog.models import Offering
from catalog.services import offering_change_status
from compliance.alerts import (
    alert_preference_list,
    alert_preference_set,
    alerts_drift_detected,
    alerts_offering_status_changed,
    alerts_scan,
    alerts_verification_finished,
    notification_list,
    notification_mark_read,
    notification_unread_count,
    notifications_deliver_pending,
    notifications_mark_all_read,
)
from compliance.alerts.sources import ALERT_SOURCES, AlertCandidate, Audience, alert_source, expiry_threshold
from compliance.models import Alert, AlertKind, ManifestDrift, Notification, VerificationRun
from config.celery import app as celery_app
from core.errors import ServiceError
from core.models import AuditEvent
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    DeploymentFactory,
    ModelVersionFactory,
    OfferingFactory,
    OnboardingFactory,
    agency_officer,
    auditor,
    gsa_officer,
)

pytestmark = pytest.mark.django_db
# Load the template engine before any clock is frozen: its first use imports every tag library, and
# psycopg's C module warns ("datetime.date size changed") if it loads while freezegun replaces datetime.date.
engines.all()
EXPIRES = dt.date(2027, 3, 31)
# (days before expiry, thresholds alerted on so far): 91 is too early, 31 and 8 add nothing new.
SCHEDULE = [(91, []), (90, [90]), (31, [90]), (30, [90, 30]), (8, [90, 30]), (7, [90, 30, 7])]


@pytest.fixture
def people():
    agency, other = AgencyFactory(abbreviation="DOE"), AgencyFactory(abbreviation="DOJ")
    return {
        "agency": agency,
        "other": other,
        "officer": agency_officer(agency, email="officer@doe.example"),
        "other_officer": agency_officer(other, email="officer@doj.example"),
        "gsa": gsa_officer(email="gsa@gsa.example"),
        "auditor": auditor(email="auditor@oig.example"),
    }


def _active_onboarding(people, agency_key="agency", offering=None, **kwargs) -> Onboarding:
    """An active onboarding requested and approved by the fixture's people (no other users are created)."""
    requester = people["officer" if agency_key == "agency" else "other_officer"]
    return OnboardingFactory(
        agency=people[agency_key],
        offering=offering or OfferingFactory(),
        state="active",
        requested_by=requester,
        approved_by=people["gsa"],
        **kwargs,
    )


def _scan_on(day: dt.date, capture):
    with freeze_time(day), capture(execute=True):
        return alerts_scan()


def _recipients(alert: Alert) -> set[str]:
    return set(alert.notifications.values_list("recipient__username", flat=True))


@pytest.mark.parametrize(("days_left", "expected"), [(91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7)])
def test_the_threshold_is_the_smallest_one_reached(days_left, expected):
    assert expiry_threshold(days_left, [90, 30, 7]) == expected


def test_an_expired_date_reaches_no_threshold():
    assert expiry_threshold(-1, [90, 30, 7]) is None


def test_an_agreement_alert_fires_once_at_90_30_and_7_days(people, django_capture_on_commit_callbacks):
    agreement = AgreementFactory(expires_on=EXPIRES, title="OneGov agreement: Test")
    _active_onboarding(people, offering=agreement.offering)

    for days_before, thresholds in SCHEDULE:
        _scan_on(EXPIRES - dt.timedelta(days=days_before), django_capture_on_commit_callbacks)

        alerts = Alert.objects.filter(kind=AlertKind.AGREEMENT_EXPIRING).order_by("-threshold_days")
        assert [a.threshold_days for a in alerts] == thresholds, f"{days_before} days before"
        assert len(mail.outbox) == 2 * len(thresholds), f"{days_before} days before"

    last = alerts.last()
    assert _recipients(last) == {people["gsa"].username, people["officer"].username}
    assert last.title == "OneGov agreement: Test expires in 7 days (31 Mar 2027)"
    assert last.due_on == EXPIRES


def test_an_ato_alert_fires_once_at_90_30_and_7_days_to_the_agency_only(people, django_capture_on_commit_callbacks):
    onboarding = _active_onboarding(people, ato_expires_on=EXPIRES)

    for days_before, thresholds in SCHEDULE:
        _scan_on(EXPIRES - dt.timedelta(days=days_before), django_capture_on_commit_callbacks)

        alerts = Alert.objects.filter(kind=AlertKind.ATO_EXPIRING).order_by("-threshold_days")
        assert [a.threshold_days for a in alerts] == thresholds, f"{days_before} days before"
        assert [m.to for m in mail.outbox] == [["officer@doe.example"]] * len(thresholds)

    assert {a.object_id for a in alerts} == {str(onboarding.pk)}
    assert all(_recipients(a) == {people["officer"].username} for a in alerts)
    assert "Renew the ATO" in mail.outbox[-1].body


def test_the_ato_of_a_draft_or_offboarded_onboarding_raises_nothing(people, django_capture_on_commit_callbacks):
    OnboardingFactory(agency=people["agency"], state="draft", ato_expires_on=EXPIRES)

    result = _scan_on(EXPIRES - dt.timedelta(days=7), django_capture_on_commit_callbacks)

    assert result.total == 0 and mail.outbox == []


def test_a_second_scan_on_the_same_day_sends_nothing(people, django_capture_on_commit_callbacks):
    _active_onboarding(people, ato_expires_on=EXPIRES)
    day = EXPIRES - dt.timedelta(days=30)

    first = _scan_on(day, django_capture_on_commit_callbacks)
    second = _scan_on(day, django_capture_on_commit_callbacks)

    assert (first.total, second.total) == (1, 0)
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1


def test_an_agreement_extended_after_an_alert_is_alerted_again_for_the_new_date(
    people, django_capture_on_commit_callbacks
):
    agreement = AgreementFactory(expires_on=EXPIRES)
    _scan_on(EXPIRES - dt.timedelta(days=7), django_capture_on_commit_callbacks)
    agreement.expires_on = EXPIRES + dt.timedelta(days=30)
    agreement.save()

    result = _scan_on(EXPIRES - dt.timedelta(days=6), django_capture_on_commit_callbacks)

    assert result.raised == {AlertKind.AGREEMENT_EXPIRING: 1}
    assert Alert.objects.order_by("pk").last().threshold_days == 90


def test_a_user_who_turned_a_kind_off_gets_neither_mail_nor_notification(people, django_capture_on_commit_callbacks):
    alert_preference_set(user=people["gsa"], kind=AlertKind.AGREEMENT_EXPIRING, enabled=False)
    AgreementFactory(expires_on=EXPIRES)
    _active_onboarding(people, ato_expires_on=EXPIRES)
    agency_officer(people["agency"], email="second@doe.example")
    alert_preference_set(user=people["officer"], kind=AlertKind.ATO_EXPIRING, enabled=False)

    _scan_on(EXPIRES - dt.timedelta(days=30), django_capture_on_commit_callbacks)

    assert sorted(address for m in mail.outbox for address in m.to) == ["second@doe.example"]
    assert not notification_list(user=people["gsa"]).exists()
    assert not notification_list(user=people["officer"]).exists()


def test_auditors_hear_nothing_by_default_but_may_opt_in(people, django_capture_on_commit_callbacks):
    AgreementFactory(expires_on=EXPIRES)
    _scan_on(EXPIRES - dt.timedelta(days=90), django_capture_on_commit_callbacks)
    assert not notification_list(user=people["auditor"]).exists()

    alert_preference_set(user=people["auditor"], kind=AlertKind.AGREEMENT_EXPIRING, enabled=True)
    _scan_on(EXPIRES - dt.timedelta(days=30), django_capture_on_commit_callbacks)

    assert [n.alert.threshold_days for n in notification_list(user=people["auditor"])] == [30]
    assert "auditor@oig.example" in [address for m in mail.outbox for address in m.to]


def test_the_preference_list_shows_every_kind_with_its_default(people):
    alert_preference_set(user=people["officer"], kind=AlertKind.MODEL_DRIFT, enabled=False)

    officer_rows = {row.kind: row for row in alert_preference_list(user=people["officer"])}
    auditor_rows = {row.kind: row for row in alert_preference_list(user=people["auditor"])}

    assert set(officer_rows) == set(AlertKind.values)
    assert officer_rows[AlertKind.MODEL_DRIFT].enabled is False
    assert officer_rows[AlertKind.MODEL_DRIFT].is_default is False
    assert officer_rows[AlertKind.ATO_EXPIRING].enabled is True
    assert not any(row.enabled for row in auditor_rows.values())
    assert AuditEvent.objects.filter(action="alert_preference.set").count() == 1


def test_an_unknown_kind_is_refused(people):
    with pytest.raises(ServiceError, match="Unknown alert kind"):
        alert_preference_set(user=people["officer"], kind="weather", enabled=False)


def _finished_run(deployment, status, **counts) -> VerificationRun:
    return VerificationRun.objects.create(
        deployment=deployment,
        model_version=deployment.model_version,
        status=status,
        finished_at=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        license_ok=status == "passed",
        **counts,
    )


def test_a_failed_verification_alerts_its_agency_officers_once(people, django_capture_on_commit_callbacks):
    deployment = DeploymentFactory(agency=people["agency"], created_by=people["officer"], name="llama-prod")
    run = _finished_run(deployment, "failed", count_mismatch=2, count_missing=1)

    with django_capture_on_commit_callbacks(execute=True):
        first = alerts_verification_finished(run.pk)
        again = alerts_verification_finished(run.pk)

    assert (len(first), len(again)) == (1, 0)
    assert [m.to for m in mail.outbox] == [["officer@doe.example"]]
    assert "2 mismatched, 1 missing" in mail.outbox[0].body
    assert not notification_list(user=people["other_officer"]).exists()
    assert not notification_list(user=people["gsa"]).exists()


def test_a_passed_verification_raises_nothing(people, django_capture_on_commit_callbacks):
    run = _finished_run(DeploymentFactory(agency=people["agency"], created_by=people["officer"]), "passed")

    with django_capture_on_commit_callbacks(execute=True):
        assert alerts_verification_finished(run.pk) == []

    assert mail.outbox == []


def test_a_lost_verification_event_is_caught_by_the_next_scan(people, django_capture_on_commit_callbacks):
    _finished_run(
        DeploymentFactory(agency=people["agency"], created_by=people["officer"]),
        "error",
        error_message="Folder is missing.",
    )

    result = _scan_on(dt.date(2026, 11, 21), django_capture_on_commit_callbacks)

    assert result.raised == {AlertKind.VERIFICATION_FAILED: 1}
    assert "Folder is missing." in mail.outbox[0].body


def test_upstream_drift_alerts_gsa_and_the_agencies_deploying_the_model(people, django_capture_on_commit_callbacks):
    version = ModelVersionFactory(repo_id="meta-llama/Llama-3.1-8B", pinned_sha="a" * 40)
    DeploymentFactory(agency=people["agency"], created_by=people["officer"], model_version=version)
    drift = ManifestDrift.objects.create(
        model_version=version, kind=ManifestDrift.Kind.BRANCH_MOVED, pinned_commit="a" * 40, upstream_commit="b" * 40
    )

    with django_capture_on_commit_callbacks(execute=True):
        alerts = alerts_drift_detected(drift.pk)
        alerts_drift_detected(drift.pk)

    assert len(alerts) == 1
    assert _recipients(alerts[0]) == {people["gsa"].username, people["officer"].username}
    assert sorted(address for m in mail.outbox for address in m.to) == ["gsa@gsa.example", "officer@doe.example"]
    assert "bbbbbbbbbbbb" in alerts[0].message


@pytest.fixture
def eager_celery():
    """Run tasks in-process for the tests that follow an event through its task (the wiring, not the worker)."""
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = False


@override_settings(OFFBOARDING_PERIOD_DAYS=180)
def test_removing_an_offering_tells_each_agency_using_it_what_to_do_and_by_when(
    people, django_capture_on_commit_callbacks, eager_celery
):
    offering = OfferingFactory(name="Claude for Government", kind=Offering.Kind.SAAS)
    _active_onboarding(people, offering=offering)
    OnboardingFactory(agency=people["other"], offering=offering, state="requested")
    reason = "On 27 Feb 2026 the President ordered agencies to cease using Anthropic (6-month phase-out)."

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        offering_change_status(
            actor=people["gsa"],
            offering=offering,
            to_status="removed",
            reason=reason,
            effective_on=dt.date(2026, 2, 27),
        )

    assert len(callbacks) >= 1
    alert = Alert.objects.get(kind=AlertKind.OFFERING_WITHDRAWN)
    assert alert.due_on == dt.date(2026, 8, 26)
    assert _recipients(alert) == {people["officer"].username}
    assert [m.to for m in mail.outbox] == [["officer@doe.example"]]
    body = mail.outbox[0].body
    assert reason in body and "26 Aug 2026" in body and "180-day offboarding period" in body
    html = mail.outbox[0].alternatives[0]
    assert html.mimetype == "text/html" and "Claude for Government" in html.content


def test_the_offboarding_deadline_follows_the_setting(people, django_capture_on_commit_callbacks):
    offering = OfferingFactory()
    _active_onboarding(people, offering=offering)
    result = offering_change_status(actor=people["gsa"], offering=offering, to_status="suspended", reason="Finding.")

    with override_settings(OFFBOARDING_PERIOD_DAYS=30), django_capture_on_commit_callbacks(execute=True):
        alerts = alerts_offering_status_changed(result.change.pk)
        alerts_offering_status_changed(result.change.pk)

    assert len(alerts) == 1
    assert alerts[0].due_on == result.change.effective_on + dt.timedelta(days=30)
    assert "Unless GSA lifts the suspension" in alerts[0].action


def test_a_withdrawal_without_agencies_using_the_offering_enqueues_nothing(people, django_capture_on_commit_callbacks):
    offering = OfferingFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        offering_change_status(actor=people["gsa"], offering=offering, to_status="removed", reason="Ended.")

    assert callbacks == []


def test_the_notification_list_shows_only_the_users_own_and_marks_them_read(people, django_capture_on_commit_callbacks):
    _active_onboarding(people, ato_expires_on=EXPIRES)
    _active_onboarding(people, "other", ato_expires_on=EXPIRES)
    _scan_on(EXPIRES - dt.timedelta(days=7), django_capture_on_commit_callbacks)
    mine = notification_list(user=people["officer"]).get()
    theirs = notification_list(user=people["other_officer"]).get()

    with pytest.raises(ServiceError, match="not yours"):
        notification_mark_read(user=people["officer"], notification_id=theirs.pk)
    notification_mark_read(user=people["officer"], notification_id=mine.pk)

    assert mine.alert.agency == people["agency"]
    assert notification_unread_count(user=people["officer"]) == 0
    assert notification_unread_count(user=people["other_officer"]) == 1
    assert notifications_mark_all_read(user=people["other_officer"]) == 1
    assert notification_unread_count(user=people["other_officer"]) == 0


class BrokenBackend:
    """A mail server that is down."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_an_email_that_failed_is_sent_by_the_next_sweep_and_only_then(people, django_capture_on_commit_callbacks):
    _active_onboarding(people, ato_expires_on=EXPIRES)
    with override_settings(EMAIL_BACKEND="tests.compliance.test_alerts.BrokenBackend"):
        _scan_on(EXPIRES - dt.timedelta(days=7), django_capture_on_commit_callbacks)
    notification = Notification.objects.get()
    assert (notification.email_status, notification.email_error) == ("failed", "mail server down")

    with freeze_time(EXPIRES - dt.timedelta(days=6)):
        sent = notifications_deliver_pending()
        again = notifications_deliver_pending()

    assert (sent, again) == (1, 0)
    assert [m.to for m in mail.outbox] == [["officer@doe.example"]]
    assert notification_list(user=people["officer"]).get().email_status == "sent"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_scans_raise_and_send_each_alert_once():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serializes every writer, so nothing runs concurrently")
    agency = AgencyFactory()
    people = {"agency": agency, "officer": agency_officer(agency, email="officer@example.gov"), "gsa": gsa_officer()}
    for _ in range(5):
        _active_onboarding(people, ato_expires_on=EXPIRES)
    barrier, errors = threading.Barrier(4), []

    def scan():
        try:
            barrier.wait()
            alerts_scan(today=EXPIRES - dt.timedelta(days=30))
        except Exception as error:  # collected and asserted below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert Alert.objects.count() == 5
    assert Notification.objects.count() == 5
    assert len(mail.outbox) == 5


@pytest.mark.django_db(transaction=True)
def test_the_scan_command_reports_what_it_raised(people):
    """With real commits (no test transaction around it): each e-mail goes out as its alert commits."""
    _active_onboarding(people, ato_expires_on=EXPIRES)
    out = io.StringIO()

    call_command("alerts_scan", "--date", str(EXPIRES - dt.timedelta(days=30)), stdout=out)
    call_command("alerts_scan", "--date", str(EXPIRES - dt.timedelta(days=30)), stdout=out)

    assert out.getvalue().splitlines() == [
        "ato_expiring: 1 new alert(s)",
        "1 new alert(s) for 1 recipient(s); 0 earlier e-mail(s) sent by the sweep.",
        "0 new alert(s) for 0 recipient(s); 0 earlier e-mail(s) sent by the sweep.",
    ]
    assert len(mail.outbox) == 1


def test_the_scan_command_refuses_a_malformed_date():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("alerts_scan", "--date", "31/03/2027")


def test_a_failed_run_without_a_deployment_alerts_gsa(people, django_capture_on_commit_callbacks):
    run = VerificationRun.objects.create(
        model_version=ModelVersionFactory(), status="error", error_message="Hub unreachable."
    )

    with django_capture_on_commit_callbacks(execute=True):
        [alert] = alerts_verification_finished(run.pk)

    assert _recipients(alert) == {people["gsa"].username}
    assert alert.agency is None


def test_the_daily_scan_is_scheduled_in_celery_beat():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["alerts-daily-scan"]
    assert entry["task"] == "compliance.tasks.alerts_scan_task"
    assert entry["task"] in celery_app.tasks


@pytest.fixture
def omb_source(people):
    """A stand-in for the M-25-21 requirement source that issue 6 registers, removed after the test."""

    def open_requirements(today):
        due = dt.date(2027, 4, 3)
        threshold = expiry_threshold((due - today).days)
        if threshold:
            yield AlertCandidate(
                kind=AlertKind.OMB_DEADLINE,
                dedupe_key=f"omb_deadline:requirement=1:{due}:{threshold}d",
                title="M-25-21 AI strategy due",
                message="The agency's AI strategy is still open.",
                audience=Audience(agency_ids=frozenset({people["agency"].pk})),
                due_on=due,
                threshold_days=threshold,
                agency_id=people["agency"].pk,
            )

    alert_source(AlertKind.OMB_DEADLINE)(open_requirements)
    yield
    ALERT_SOURCES[AlertKind.OMB_DEADLINE].remove(open_requirements)


def test_a_source_registered_for_a_kind_is_run_by_the_daily_scan(
    people, omb_source, django_capture_on_commit_callbacks
):
    first = _scan_on(dt.date(2027, 3, 27), django_capture_on_commit_callbacks)
    again = _scan_on(dt.date(2027, 3, 28), django_capture_on_commit_callbacks)

    assert (first.raised, again.raised) == ({AlertKind.OMB_DEADLINE: 1}, {})
    assert [m.to for m in mail.outbox] == [["officer@doe.example"]]
