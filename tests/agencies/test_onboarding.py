"""The onboarding state machine: every allowed and every refused transition, with its reason recorded."""

import datetime as dt
import itertools

import pytest

from agencies.models import Onboarding
from agencies.services import TRANSITIONS, onboarding_request, onboarding_transition
from catalog.models import Offering
from catalog.services import offering_change_status
from core.errors import ServiceError, TransitionRefused
from core.models import AuditEvent
from tests.factories import AgencyFactory, OfferingFactory, OnboardingFactory, agency_officer, auditor, gsa_officer

pytestmark = pytest.mark.django_db
State = Onboarding.State

ALLOWED = {(source, action) for action, t in TRANSITIONS.items() for source in t.sources}
EVERY_PAIR = list(itertools.product(State.values, TRANSITIONS))


def _onboarding_in(state: str) -> Onboarding:
    approver = gsa_officer() if state in {State.APPROVED, State.ACTIVE, State.SUSPENDED} else None
    return OnboardingFactory(state=state, approved_by=approver)


def test_the_table_covers_the_documented_workflow():
    assert {(t.action, t.target) for t in TRANSITIONS.values()} == {
        ("submit", State.REQUESTED),
        ("review", State.UNDER_REVIEW),
        ("approve", State.APPROVED),
        ("reject", State.REJECTED),
        ("activate", State.ACTIVE),
        ("suspend", State.SUSPENDED),
        ("offboard", State.OFFBOARDED),
        ("withdraw", State.WITHDRAWN),
    }


@pytest.mark.parametrize(("state", "action"), sorted(ALLOWED))
def test_an_allowed_transition_moves_the_state_and_records_who_when_why(state, action):
    onboarding = _onboarding_in(state)
    officer = gsa_officer()

    result = onboarding_transition(actor=officer, onboarding=onboarding, action=action, reason=f"Because {action}.")

    assert result.state == TRANSITIONS[action].target
    step = result.transitions.get()
    assert (step.from_state, step.to_state, step.actor, step.reason) == (
        state,
        result.state,
        officer,
        f"Because {action}.",
    )
    assert step.created_at is not None
    assert AuditEvent.objects.filter(action=f"onboarding.{action}", object_id=str(onboarding.pk)).count() == 1


@pytest.mark.parametrize(("state", "action"), sorted(p for p in EVERY_PAIR if p not in ALLOWED))
def test_a_refused_transition_says_why_and_changes_nothing(state, action):
    onboarding = _onboarding_in(state)

    with pytest.raises(TransitionRefused) as refusal:
        onboarding_transition(actor=gsa_officer(), onboarding=onboarding, action=action, reason="Trying.")

    assert f"An onboarding that is {State(state).label.lower()} cannot be" in refusal.value.message
    onboarding.refresh_from_db()
    assert onboarding.state == state
    assert not onboarding.transitions.exists()


@pytest.mark.parametrize("action", ["review", "approve", "reject", "suspend"])
def test_agency_officers_cannot_take_gsa_steps(action):
    state = next(iter(TRANSITIONS[action].sources))
    onboarding = _onboarding_in(state)

    with pytest.raises(TransitionRefused, match="Only GSA officers"):
        onboarding_transition(actor=agency_officer(onboarding.agency), onboarding=onboarding, action=action, reason="r")


def test_auditors_change_nothing():
    onboarding = _onboarding_in(State.REQUESTED)

    with pytest.raises(TransitionRefused, match="Only GSA officers"):
        onboarding_transition(actor=auditor(), onboarding=onboarding, action="review", reason="r")


def test_an_officer_of_another_agency_is_refused():
    onboarding = _onboarding_in(State.APPROVED)

    with pytest.raises(TransitionRefused, match="another agency") as refusal:
        onboarding_transition(
            actor=agency_officer(AgencyFactory()), onboarding=onboarding, action="activate", reason="r"
        )
    assert refusal.value.code == "not_found"


def test_a_transition_needs_a_reason():
    onboarding = _onboarding_in(State.REQUESTED)

    with pytest.raises(TransitionRefused, match="Give a reason"):
        onboarding_transition(actor=gsa_officer(), onboarding=onboarding, action="review", reason="   ")


def test_an_unknown_action_is_refused():
    with pytest.raises(TransitionRefused, match="Unknown action 'promote'"):
        onboarding_transition(
            actor=gsa_officer(), onboarding=_onboarding_in(State.REQUESTED), action="promote", reason="r"
        )


def test_approval_needs_the_m_25_22_contract_facts():
    onboarding = OnboardingFactory(state=State.UNDER_REVIEW, data_portability=None)

    with pytest.raises(TransitionRefused, match="data and model portability"):
        onboarding_transition(actor=gsa_officer(), onboarding=onboarding, action="approve", reason="ok")


def test_activation_needs_a_current_ato():
    missing = OnboardingFactory(
        state=State.APPROVED, approved_by=gsa_officer(), ato_granted_on=None, ato_expires_on=None
    )
    expired = OnboardingFactory(
        state=State.APPROVED,
        approved_by=gsa_officer(),
        ato_granted_on=dt.date(2020, 1, 1),
        ato_expires_on=dt.date(2021, 1, 1),
    )

    with pytest.raises(TransitionRefused, match="authorization to operate"):
        onboarding_transition(actor=gsa_officer(), onboarding=missing, action="activate", reason="go")
    with pytest.raises(TransitionRefused, match="expired on 01 Jan 2021"):
        onboarding_transition(actor=gsa_officer(), onboarding=expired, action="activate", reason="go")


def test_only_gsa_lifts_a_suspension():
    onboarding = _onboarding_in(State.SUSPENDED)

    with pytest.raises(TransitionRefused, match="lift a suspension"):
        onboarding_transition(
            actor=agency_officer(onboarding.agency), onboarding=onboarding, action="activate", reason="r"
        )


def test_a_withdrawn_offering_cannot_be_approved_or_activated():
    onboarding = OnboardingFactory(state=State.UNDER_REVIEW, offering=OfferingFactory(status=Offering.Status.SUSPENDED))

    with pytest.raises(TransitionRefused, match="is suspended"):
        onboarding_transition(actor=gsa_officer(), onboarding=onboarding, action="approve", reason="ok")


def test_an_agency_officer_requests_and_the_request_is_submitted():
    agency = AgencyFactory()
    officer = agency_officer(agency)

    onboarding = onboarding_request(
        actor=officer, agency=agency, offering=OfferingFactory(), purpose="Triage", no_training_on_agency_data=True
    )

    assert onboarding.state == State.REQUESTED
    assert onboarding.transitions.get().actor == officer


def test_a_request_for_another_agency_is_refused():
    agency = AgencyFactory()

    with pytest.raises(ServiceError, match="another agency"):
        onboarding_request(
            actor=agency_officer(AgencyFactory()), agency=agency, offering=OfferingFactory(), purpose="x"
        )


def test_a_second_open_request_for_the_same_offering_is_refused():
    onboarding = OnboardingFactory(state=State.REQUESTED)

    with pytest.raises(ServiceError, match="already has an open onboarding"):
        onboarding_request(actor=gsa_officer(), agency=onboarding.agency, offering=onboarding.offering, purpose="again")


def test_suspending_an_offering_flags_its_active_onboardings_for_offboarding():
    offering = OfferingFactory()
    active = OnboardingFactory(offering=offering, state=State.ACTIVE, approved_by=gsa_officer())
    requested = OnboardingFactory(offering=offering, state=State.REQUESTED)

    result = offering_change_status(
        actor=gsa_officer(), offering=offering, to_status="suspended", reason="Security finding."
    )

    assert [o.pk for o in result.flagged] == [active.pk]
    active.refresh_from_db()
    requested.refresh_from_db()
    assert active.offboarding_flagged_at is not None and "Security finding." in active.offboarding_flag_reason
    assert requested.offboarding_flagged_at is None
    assert result.change.reason == "Security finding." and result.offering.status == "suspended"


def test_a_pending_offering_cannot_be_contested():
    offering = OfferingFactory(status=Offering.Status.PENDING)

    with pytest.raises(TransitionRefused, match="pending cannot become contested"):
        offering_change_status(actor=gsa_officer(), offering=offering, to_status="contested", reason="suit")


def test_only_gsa_changes_an_offering_status():
    with pytest.raises(ServiceError, match="Only GSA officers"):
        offering_change_status(actor=auditor(), offering=OfferingFactory(), to_status="suspended", reason="r")
