"""An offering's status is a history that can return: removed, contested, reinstated; each change dated, sourced."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from agencies.models import Onboarding
from catalog.models import Offering, OfferingStatusChange
from catalog.services import offering_change_status
from core.errors import ServiceError
from core.models import AuditEvent
from tests.factories import AgencyFactory, OfferingFactory, OnboardingFactory, agency_officer, gsa_officer

pytestmark = pytest.mark.django_db

INJUNCTION = "https://docs.example.gov/cases/3-26-cv-01996/135"
RESCISSION = "https://docs.example.gov/cases/3-26-cv-01996/146"


def _active(offering, gsa):
    agency = AgencyFactory()
    return OnboardingFactory(
        agency=agency,
        offering=offering,
        state=Onboarding.State.ACTIVE,
        requested_by=agency_officer(agency),
        approved_by=gsa,
    )


def test_a_removed_offering_is_reinstated_with_its_source_and_the_flags_it_set_are_lifted():
    gsa = gsa_officer()
    offering = OfferingFactory()
    in_use = _active(offering, gsa)
    flagged_elsewhere = OnboardingFactory(
        state=Onboarding.State.ACTIVE,
        approved_by=gsa,
        offboarding_flagged_at=dt.datetime(2026, 1, 5, tzinfo=dt.UTC),
        offboarding_flag_reason="Flagged by its own agency's review.",
    )
    removal = offering_change_status(
        actor=gsa,
        offering=offering,
        to_status="removed",
        reason="Directive to cease use.",
        effective_on=dt.date(2026, 2, 27),
    )
    in_use.refresh_from_db()
    assert in_use.offboarding_flagged_at is not None and in_use.offboarding_flag_change == removal.change

    result = offering_change_status(
        actor=gsa,
        offering=offering,
        to_status="approved",
        reason="The removal notices were rescinded.",
        effective_on=dt.date(2026, 4, 6),
        source_url=RESCISSION,
    )

    in_use.refresh_from_db()
    flagged_elsewhere.refresh_from_db()
    assert result.offering.status == Offering.Status.APPROVED
    assert result.change.is_reinstatement and result.change.label == "Reinstated"
    assert (result.change.effective_on, result.change.source_url, result.change.changed_by) == (
        dt.date(2026, 4, 6),
        RESCISSION,
        gsa,
    )
    assert (in_use.offboarding_flagged_at, in_use.offboarding_flag_reason, in_use.offboarding_flag_change) == (
        None,
        "",
        None,
    )
    assert flagged_elsewhere.offboarding_flagged_at is not None
    assert AuditEvent.objects.filter(action="offering.reinstated", object_id=str(offering.pk)).exists()
    assert AuditEvent.objects.filter(action="onboarding.offboarding_flag_lifted", object_id=str(in_use.pk)).exists()


def test_a_removal_can_be_contested_and_the_flags_stay_until_reinstatement():
    gsa = gsa_officer()
    offering = OfferingFactory()
    in_use = _active(offering, gsa)
    offering_change_status(
        actor=gsa, offering=offering, to_status="removed", reason="Removed.", effective_on=dt.date(2026, 2, 27)
    )

    contested = offering_change_status(
        actor=gsa,
        offering=offering,
        to_status="contested",
        reason="Preliminary injunction against the directive.",
        effective_on=dt.date(2026, 3, 26),
        source_url=INJUNCTION,
        confidence="confirmed",
        note="Appealed.",
    )

    in_use.refresh_from_db()
    assert contested.offering.status == Offering.Status.CONTESTED
    assert in_use.offboarding_flagged_at is not None
    assert [c.to_status for c in offering.status_changes.all()] == ["removed", "contested"]
    assert offering.status_changes.last().note == "Appealed."


def test_a_reported_event_is_recorded_as_reported():
    offering = OfferingFactory(status=Offering.Status.REMOVED)

    change = offering_change_status(
        actor=gsa_officer(),
        offering=offering,
        to_status="contested",
        reason="Notices reportedly rescinded.",
        confidence="reported",
        note="One secondary summary of ECF 146.",
    ).change

    assert (change.confidence, change.get_confidence_display()) == ("reported", "Reported (one secondary source)")


def test_only_the_seed_records_a_change_without_its_day():
    offering = OfferingFactory(status=Offering.Status.PENDING)

    with pytest.raises(ServiceError, match="without its day"):
        offering_change_status(
            actor=gsa_officer(), offering=offering, to_status="approved", reason="r", date_unknown=True, note="n"
        )
    change = offering_change_status(
        actor=None, offering=offering, to_status="approved", reason="r", date_unknown=True, note="Early Apr 2025."
    ).change

    assert change.effective_on is None
    assert OfferingStatusChange.objects.get(pk=change.pk).note == "Early Apr 2025."


def test_the_api_contests_and_reinstates_with_the_event_date(client):
    gsa = gsa_officer()
    offering = OfferingFactory(status=Offering.Status.REMOVED)
    client.force_login(gsa)

    contested = client.post(
        reverse("api:offering-contest", args=[offering.pk]),
        {"reason": "Suit filed.", "effective_on": "2026-03-09", "confidence": "confirmed", "source_url": INJUNCTION},
        content_type="application/json",
    )
    reinstated = client.post(
        reverse("api:offering-approve", args=[offering.pk]),
        {"reason": "Rescinded.", "effective_on": "2026-04-06", "confidence": "reported", "note": "One summary."},
        content_type="application/json",
    )

    assert contested.status_code == 200 and contested.json()["change"]["to_status"] == "contested"
    body = reinstated.json()["change"]
    assert (body["effective_on"], body["confidence"], body["is_reinstatement"]) == ("2026-04-06", "reported", True)


def test_the_offering_page_shows_the_history_with_confidence_and_who_recorded_it(client):
    gsa = gsa_officer(username="gsa-recorder")
    offering = OfferingFactory(status=Offering.Status.REMOVED)
    offering_change_status(
        actor=gsa,
        offering=offering,
        to_status="approved",
        reason="Rescinded.",
        confidence="reported",
        source_url=RESCISSION,
    )

    page = client.get(reverse("catalog:offering-detail", args=[offering.slug])).content.decode()

    assert "Reinstated" in page and "Reported (one secondary source)" in page and "gsa-recorder" in page
