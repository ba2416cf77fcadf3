"""An agreement's lifecycle, computed as of today: current, expiring, expired or terminated, wherever it is shown."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time
from rest_framework.test import APIClient

from agencies.models import Onboarding
from agencies.services import ServiceError, onboarding_request
from catalog.models import Agreement, Lifecycle, Offering
from catalog.selectors import agreements_needing_attention
from compliance.alerts import alerts_scan
from compliance.models import Alert, AlertKind
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    OfferingFactory,
    OnboardingFactory,
    agency_officer,
    gsa_officer,
)

pytestmark = pytest.mark.django_db

END = dt.date(2026, 8, 6)


def _lifecycle_both_ways(agreement: Agreement, day: dt.date) -> tuple[str, str]:
    """The model property and the queryset annotation, which must agree."""
    with freeze_time(day):
        by_property = Agreement.objects.get(pk=agreement.pk).lifecycle
    by_query = Agreement.objects.with_lifecycle(day).get(pk=agreement.pk).lifecycle_status
    return by_property, by_query


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (dt.date(2026, 1, 1), Lifecycle.CURRENT),
        (dt.date(2026, 5, 7), Lifecycle.CURRENT),
        (dt.date(2026, 5, 8), Lifecycle.EXPIRING),
        (END, Lifecycle.EXPIRING),
        (END + dt.timedelta(days=1), Lifecycle.EXPIRED),
        (dt.date(2026, 12, 1), Lifecycle.EXPIRED),
    ],
)
def test_an_agreement_moves_from_current_to_expiring_to_expired(day, expected):
    agreement = AgreementFactory(expires_on=END)

    assert _lifecycle_both_ways(agreement, day) == (expected, expected)


def test_the_offer_window_closes_before_the_term_ends():
    agreement = AgreementFactory(
        price_per_agency=None, price_unit="", offer_ends_on=dt.date(2026, 9, 30), expires_on=None
    )

    assert agreement.open_until == dt.date(2026, 9, 30)
    assert _lifecycle_both_ways(agreement, dt.date(2026, 10, 1)) == (Lifecycle.EXPIRED, Lifecycle.EXPIRED)


def test_a_termination_wins_over_the_term():
    agreement = AgreementFactory(
        expires_on=dt.date(2026, 8, 12),
        terminated_on=dt.date(2026, 2, 27),
        termination_reason="GSA terminated it.",
        termination_source_url="https://www.gsa.gov/release",
    )

    assert _lifecycle_both_ways(agreement, dt.date(2026, 2, 26)) == (Lifecycle.CURRENT, Lifecycle.CURRENT)
    assert _lifecycle_both_ways(agreement, dt.date(2026, 2, 27)) == (Lifecycle.TERMINATED, Lifecycle.TERMINATED)


def test_an_agreement_with_no_known_end_stays_current_and_says_its_end_is_unknown():
    agreement = AgreementFactory(expires_on=None, end_unknown=True)

    body = APIClient().get(reverse("api:agreement-detail", args=[agreement.pk])).json()

    assert (body["lifecycle"], body["open_until"], body["end_unknown"]) == ("current", None, True)


@freeze_time("2026-12-01")
def test_a_request_for_an_offering_whose_agreements_all_ended_is_refused_with_the_reason():
    offering = OfferingFactory(name="ChatGPT Enterprise")
    AgreementFactory(offering=offering, title="OneGov $1 term", expires_on=END)
    AgreementFactory(
        offering=offering,
        title="Older terms",
        expires_on=None,
        terminated_on=dt.date(2026, 2, 1),
        termination_reason="Withdrawn by GSA.",
        termination_source_url="https://www.gsa.gov/x",
    )
    agency = AgencyFactory()

    with pytest.raises(ServiceError) as refusal:
        onboarding_request(actor=agency_officer(agency), agency=agency, offering=offering, purpose="Drafting.")

    assert refusal.value.code == "no_current_agreement"
    assert "OneGov $1 term expired on 06 Aug 2026" in refusal.value.message
    assert "Older terms was terminated on 01 Feb 2026: Withdrawn by GSA." in refusal.value.message
    assert not Onboarding.objects.exists()


@freeze_time("2026-12-01")
def test_new_terms_open_the_offering_again():
    offering = OfferingFactory()
    old = AgreementFactory(offering=offering, expires_on=END)
    new = AgreementFactory(offering=offering, announced_on=dt.date(2026, 11, 20), expires_on=dt.date(2027, 11, 20))
    Agreement.objects.filter(pk=old.pk).update(successor=new)
    agency = AgencyFactory()

    onboarding = onboarding_request(actor=agency_officer(agency), agency=agency, offering=offering, purpose="Drafting.")

    assert onboarding.state == Onboarding.State.REQUESTED
    assert list(agreements_needing_attention(today=dt.date(2026, 12, 1))) == []


def test_the_dashboard_lists_expired_agreements_with_expiring_ones(client):
    expired = AgreementFactory(title="Lapsed $1 term", expires_on=END)
    AgreementFactory(title="Expiring discount", expires_on=dt.date(2027, 1, 15))
    AgreementFactory(title="Long credits", expires_on=dt.date(2028, 12, 31))
    client.force_login(gsa_officer())

    with freeze_time("2026-12-01"):
        page = client.get(reverse("home")).content.decode()

    assert "Lapsed $1 term" in page and 'data-lifecycle="expired"' in page
    assert "Expiring discount" in page and 'data-lifecycle="expiring"' in page
    assert "Long credits" not in page
    assert expired.lifecycle_on(dt.date(2026, 12, 1)) == Lifecycle.EXPIRED


def test_agencies_still_using_an_offering_whose_agreements_ended_are_alerted_once(django_capture_on_commit_callbacks):
    offering = OfferingFactory()
    AgreementFactory(offering=offering, expires_on=END)
    agency, other = AgencyFactory(), AgencyFactory()
    officer, gsa = agency_officer(agency), gsa_officer()
    agency_officer(other)
    OnboardingFactory(agency=agency, offering=offering, state="active", requested_by=officer, approved_by=gsa)

    with freeze_time("2026-12-01"), django_capture_on_commit_callbacks(execute=True):
        first = alerts_scan()
        second = alerts_scan()

    alert = Alert.objects.get(kind=AlertKind.AGREEMENT_ENDED)
    assert first.raised[AlertKind.AGREEMENT_ENDED] == 1
    assert AlertKind.AGREEMENT_ENDED not in second.raised
    assert list(alert.notifications.values_list("recipient", flat=True)) == [officer.pk]
    assert "expired" in alert.message


def test_the_api_shows_each_agreements_lifecycle_and_filters_by_it():
    # The API is read on the real clock (DRF's throttle keeps a reference to time.time that freezegun breaks).
    today = timezone.localdate()
    AgreementFactory(title="Lapsed", announced_on=None, expires_on=today - dt.timedelta(days=1))
    AgreementFactory(title="Running", announced_on=None, expires_on=today + dt.timedelta(days=400))

    expired = APIClient().get(reverse("api:agreement-list"), {"lifecycle": "expired"}).json()

    assert [(row["title"], row["lifecycle"]) for row in expired["results"]] == [("Lapsed", "expired")]


def test_visitors_see_withdrawn_offerings_with_their_status_when_they_ask(client):
    OfferingFactory(name="Approved one")
    OfferingFactory(name="Removed one", status=Offering.Status.REMOVED)
    OfferingFactory(name="Pending one", status=Offering.Status.PENDING)

    default = client.get(reverse("catalog:offering-list")).content.decode()
    asked = client.get(reverse("catalog:offering-list"), {"include_withdrawn": "on"}).content.decode()
    api = APIClient().get(reverse("api:offering-list"), {"include_withdrawn": "true"}).json()

    assert "Approved one" in default and "Removed one" not in default
    assert "Removed one" in asked and "Removed" in asked and "Pending one" not in asked
    assert sorted((row["name"], row["status"]) for row in api["results"]) == [
        ("Approved one", "approved"),
        ("Removed one", "removed"),
    ]


def test_a_removed_offerings_page_is_public_and_shows_its_status(client):
    offering = OfferingFactory(name="Removed one", status=Offering.Status.REMOVED)

    page = client.get(reverse("catalog:offering-detail", args=[offering.slug]))

    assert page.status_code == 200
    assert "Removed" in page.content.decode()
    assert "Request this offering" not in page.content.decode()
