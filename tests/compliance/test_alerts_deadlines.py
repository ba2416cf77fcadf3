"""The M-25-21 / M-25-22 deadline alerts: 90, 30 and 7 days before a requirement is due, while it is open."""

import datetime as dt
import json

import pytest
from django.core import mail
from django.template import engines
from freezegun import freeze_time

from compliance.alerts import alert_preference_set, alerts_scan, notification_list
from compliance.models import Alert, AlertKind, Requirement
from compliance.services import evidence_record, load_requirements
from tests.factories import AgencyFactory, agency_officer, gsa_officer, high_impact_use_case

pytestmark = pytest.mark.django_db
# Load the template engine before any clock is frozen (see test_alerts.py).
engines.all()
DUE = dt.date(2027, 3, 31)
# (days before the deadline, thresholds alerted on so far): 91 is too early, 31 and 8 add nothing new.
SCHEDULE = [(91, []), (90, [90]), (31, [90]), (30, [90, 30]), (8, [90, 30]), (7, [90, 30, 7])]
CATALOG = {
    "format": 1,
    "memo": "M-27-01",
    "slug": "m-27-01",
    "title": "A test memo",
    "issued_on": "2026-10-01",
    "version": "1",
    "requirements": [
        {
            "id": "T-01",
            "section": "§1 Policy",
            "title": "Publish an AI policy",
            "text": "Each agency publishes its AI policy.",
            "applies_to": "every_agency",
            "deadline": str(DUE),
            "evidence": "Link to the published policy.",
        },
        {
            "id": "T-02",
            "section": "§2 Guides",
            "title": "Publish acquisition guides",
            "text": "GSA publishes guides.",
            "applies_to": "gsa",
            "deadline": str(DUE),
            "evidence": "Guide publication.",
        },
        {
            "id": "T-03",
            "section": "§3 Council",
            "title": "Convene the council",
            "text": "OMB convenes a council.",
            "applies_to": "omb",
            "deadline": str(DUE),
            "evidence": "Charter.",
        },
        {
            "id": "T-04",
            "section": "§4 Practices",
            "title": "Test each high-impact use case",
            "text": "Each high-impact use case is tested.",
            "applies_to": "high_impact_use_case",
            "deadline": str(DUE),
            "evidence": "Test report.",
        },
    ],
}


@pytest.fixture
def people():
    doe, doj = AgencyFactory(abbreviation="DOE"), AgencyFactory(abbreviation="DOJ")
    gsa = AgencyFactory(abbreviation="GSA")
    return {
        "doe": doe,
        "doj": doj,
        "gsa_agency": gsa,
        "officer": agency_officer(doe, email="officer@doe.example"),
        "other_officer": agency_officer(doj, email="officer@doj.example"),
        "gsa": gsa_officer(email="gsa@gsa.example"),
    }


@pytest.fixture
def catalog(tmp_path):
    (tmp_path / "m-27-01.json").write_text(json.dumps(CATALOG))
    load_requirements(directory=tmp_path)
    return {requirement.code: requirement for requirement in Requirement.objects.all()}


def _scan_on(day: dt.date, capture):
    with freeze_time(day), capture(execute=True):
        return alerts_scan()


def _alerts(requirement: Requirement, agency=None):
    alerts = Alert.objects.filter(kind=AlertKind.OMB_DEADLINE, object_id=str(requirement.pk))
    return alerts.filter(agency=agency) if agency else alerts


def _recipients(alert: Alert) -> set[str]:
    return set(alert.notifications.values_list("recipient__username", flat=True))


def test_an_open_requirement_alerts_each_agencys_officers_once_at_90_30_and_7_days(
    people, catalog, django_capture_on_commit_callbacks
):
    for days_before, thresholds in SCHEDULE:
        _scan_on(DUE - dt.timedelta(days=days_before), django_capture_on_commit_callbacks)

        doe = _alerts(catalog["T-01"], people["doe"]).order_by("-threshold_days")
        assert [a.threshold_days for a in doe] == thresholds, f"{days_before} days before"

    last = doe.last()
    assert _recipients(last) == {people["officer"].username}
    assert _recipients(_alerts(catalog["T-01"], people["doj"]).last()) == {people["other_officer"].username}
    assert last.title == "DOE: M-27-01 T-01 Publish an AI policy is due in 7 days (31 Mar 2027)"
    assert last.due_on == DUE
    mine = [m for m in mail.outbox if m.subject.endswith(last.title)]
    assert [m.to for m in mine] == [["officer@doe.example"]]
    assert "not met for" in mine[0].body and "Link to the published policy." in mine[0].body
    assert notification_list(user=people["officer"]).filter(alert=last).exists()


def test_a_second_scan_on_the_same_day_sends_nothing(people, catalog, django_capture_on_commit_callbacks):
    first = _scan_on(DUE - dt.timedelta(days=30), django_capture_on_commit_callbacks)
    sent = len(mail.outbox)

    again = _scan_on(DUE - dt.timedelta(days=30), django_capture_on_commit_callbacks)

    assert first.raised[AlertKind.OMB_DEADLINE] > 0
    assert again.raised == {}
    assert len(mail.outbox) == sent


def test_a_met_or_not_applicable_requirement_raises_nothing(people, catalog, django_capture_on_commit_callbacks):
    _scan_on(DUE - dt.timedelta(days=90), django_capture_on_commit_callbacks)
    evidence_record(actor=people["officer"], requirement=catalog["T-01"], agency=people["doe"], status="met")
    evidence_record(
        actor=people["other_officer"], requirement=catalog["T-01"], agency=people["doj"], status="not_applicable"
    )
    # A waiver would be refused here: M-25-21 lets a CAIO waive only the minimum practices (test_evidence.py).
    evidence_record(actor=people["gsa"], requirement=catalog["T-02"], agency=people["gsa_agency"], status="met")

    for days_before in (30, 7):
        _scan_on(DUE - dt.timedelta(days=days_before), django_capture_on_commit_callbacks)

    assert [a.threshold_days for a in _alerts(catalog["T-01"], people["doe"])] == [90]
    assert [a.threshold_days for a in _alerts(catalog["T-01"], people["doj"])] == [90]
    assert [a.threshold_days for a in _alerts(catalog["T-02"])] == [90]


def test_a_gsa_only_requirement_reaches_gsa_officers_and_an_omb_action_nobody(
    people, catalog, django_capture_on_commit_callbacks
):
    _scan_on(DUE - dt.timedelta(days=7), django_capture_on_commit_callbacks)

    [alert] = _alerts(catalog["T-02"])
    assert _recipients(alert) == {people["gsa"].username}
    assert alert.agency == people["gsa_agency"]
    assert not _alerts(catalog["T-03"]).exists()
    assert not notification_list(user=people["gsa"]).exclude(alert=alert).exists()


def test_a_use_case_requirement_is_open_until_every_high_impact_use_case_meets_it(
    people, catalog, django_capture_on_commit_callbacks
):
    tested, untested = high_impact_use_case(people["doe"]), high_impact_use_case(people["doe"])
    evidence_record(
        actor=people["officer"], requirement=catalog["T-04"], agency=people["doe"], status="met", use_case=tested
    )

    _scan_on(DUE - dt.timedelta(days=30), django_capture_on_commit_callbacks)
    evidence_record(
        actor=people["officer"], requirement=catalog["T-04"], agency=people["doe"], status="met", use_case=untested
    )
    _scan_on(DUE - dt.timedelta(days=7), django_capture_on_commit_callbacks)

    [alert] = _alerts(catalog["T-04"])
    assert alert.agency == people["doe"] and alert.threshold_days == 30
    assert "partially met" in alert.message and "for each high-impact use case" in alert.action


def test_an_officer_who_turned_deadline_alerts_off_gets_neither_mail_nor_notification(
    people, catalog, django_capture_on_commit_callbacks
):
    alert_preference_set(user=people["officer"], kind=AlertKind.OMB_DEADLINE, enabled=False)

    _scan_on(DUE - dt.timedelta(days=7), django_capture_on_commit_callbacks)

    assert _alerts(catalog["T-01"], people["doe"]).get().notifications.count() == 0
    assert not notification_list(user=people["officer"]).exists()
    assert "officer@doe.example" not in {address for m in mail.outbox for address in m.to}
    assert "officer@doj.example" in {address for m in mail.outbox for address in m.to}


def test_the_shipped_m_25_22_gsa_guides_alert_gsa_30_days_before_they_are_due(
    people, django_capture_on_commit_callbacks
):
    load_requirements()
    guides = Requirement.objects.get(code="M22-05")

    _scan_on(guides.deadline - dt.timedelta(days=30), django_capture_on_commit_callbacks)

    [alert] = _alerts(guides)
    assert (alert.threshold_days, alert.due_on) == (30, dt.date(2025, 7, 12))
    assert _recipients(alert) == {people["gsa"].username}
    assert not _alerts(Requirement.objects.get(code="M21-28")).exists()
