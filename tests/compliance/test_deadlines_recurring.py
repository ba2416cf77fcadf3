"""Recurring deadlines roll forward: M-25-21's compliance plan every two years to 2036, the inventory every year,
and each waiver's re-certification every year. The report and the alerts show the next due date, not a past one."""

import datetime as dt

import pytest
from django.template import engines
from freezegun import freeze_time

from compliance.alerts import alerts_scan
from compliance.deadlines import add_months, next_occurrence
from compliance.models import Alert, AlertKind, Requirement
from compliance.reports import report_context
from compliance.requirements import load_requirements, requirement_deadlines
from compliance.services import Waiver, evidence_record
from tests.factories import AgencyFactory, agency_officer, chief_ai_officer, high_impact_use_case

pytestmark = pytest.mark.django_db
engines.all()


def test_add_months_keeps_the_day_or_the_months_last_day():
    assert add_months(dt.date(2025, 9, 30), 24) == dt.date(2027, 9, 30)
    assert add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)


def test_a_deadline_that_never_recurs_stays_where_it_is():
    assert next_occurrence(dt.date(2025, 6, 2), every_months=None, today=dt.date(2027, 3, 1)) == dt.date(2025, 6, 2)


def test_a_recurring_deadline_stops_at_its_last_occurrence():
    until = dt.date(2036, 12, 31)

    assert next_occurrence(dt.date(2025, 9, 30), every_months=24, until=until, today=dt.date(2037, 1, 1)) == dt.date(
        2035, 9, 30
    )


@freeze_time("2027-03-01")
def test_m21_10_3bii_the_compliance_plan_rolls_forward_every_two_years_with_the_clock_in_2027():
    load_requirements()
    plan = Requirement.objects.get(code="M21-10")

    assert plan.deadline == dt.date(2025, 9, 30)
    assert plan.next_due(dt.date.today()) == dt.date(2027, 9, 30)


@freeze_time("2027-03-01")
def test_m21_13_3bv_the_inventory_rolls_forward_every_year_with_the_clock_in_2027():
    load_requirements()
    inventory = Requirement.objects.get(code="M21-13")

    assert inventory.next_due(dt.date.today()) == dt.date(2028, 1, 28)
    assert inventory in requirement_deadlines(after=dt.date.today())


@freeze_time("2027-03-01")
def test_the_report_shows_the_next_due_dates_not_past_ones():
    load_requirements()
    agency = AgencyFactory()
    report = type("R", (), {"agency_id": agency.pk, "agency": agency, "framework": "m-25-21"})()

    context = report_context(report, now=dt.datetime(2027, 3, 1, 12, tzinfo=dt.UTC))

    due = {row.requirement.code: row.next_due for row in context["results"]}
    assert due["M21-10"] == dt.date(2027, 9, 30)
    assert due["M21-13"] == dt.date(2028, 1, 28)
    assert due["M21-01"] == dt.date(2025, 6, 2)


def test_m21_10_3bii_an_alert_comes_90_days_before_the_rolled_forward_plan_deadline(
    django_capture_on_commit_callbacks,
):
    load_requirements()
    agency = AgencyFactory(abbreviation="DOE")
    agency_officer(agency, email="officer@doe.example")

    with freeze_time("2027-07-02"), django_capture_on_commit_callbacks(execute=True):
        alerts_scan()

    alert = Alert.objects.get(kind=AlertKind.OMB_DEADLINE, dedupe_key__contains=":2027-09-30:90d")
    assert "M21-10" in alert.title
    assert "30 Sep 2027" in alert.title


def test_m21_18_4aii_a_waiver_needs_re_certification_every_year_and_lapses_without_it():
    load_requirements()
    agency = AgencyFactory()
    chief_ai_officer(agency, designated_on=dt.date(2025, 5, 1))
    use_case = high_impact_use_case(agency, fail_safe="")
    with freeze_time("2026-05-01"):
        evidence_record(
            actor=agency_officer(agency),
            requirement=Requirement.objects.get(code="M21-25"),
            agency=agency,
            use_case=use_case,
            status="waived",
            waiver=Waiver(
                "", dt.date(2026, 5, 1), "A fail-safe raises risk here.", dt.date(2027, 5, 1), dt.date(2026, 5, 10)
            ),
        )
    from compliance.assessment import agency_assess

    with freeze_time("2027-04-01"):
        before = next(r for r in agency_assess(agency=agency).results if r.requirement.code == "M21-25")
    with freeze_time("2027-05-02"):
        after = next(r for r in agency_assess(agency=agency).results if r.requirement.code == "M21-18")

    assert before.status == "waived"
    assert after.status == "not_met"
    assert "re-certification was due 01 May 2027" in after.detail
