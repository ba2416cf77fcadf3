"""Database constraints of agencies, users, onboardings and deployments."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from agencies.models import Agency, Onboarding, OnboardingTransition, Role, User
from tests.factories import AgencyFactory, DeploymentFactory, OfferingFactory, OnboardingFactory, gsa_officer

pytestmark = pytest.mark.django_db


def _refused(build):
    with pytest.raises(IntegrityError), transaction.atomic():
        build()


def test_an_agency_abbreviation_and_cgac_code_are_unique():
    agency = AgencyFactory(cgac_code="089")

    _refused(lambda: Agency.objects.create(name="Other", abbreviation=agency.abbreviation))
    _refused(lambda: Agency.objects.create(name="Other 2", abbreviation="OTH", cgac_code="089"))


def test_a_cgac_code_has_three_characters():
    _refused(lambda: Agency.objects.create(name="Bad", abbreviation="BAD", cgac_code="8"))


def test_an_agency_officer_must_belong_to_an_agency():
    _refused(lambda: User.objects.create(username="lost", role=Role.AGENCY_OFFICER))
    with pytest.raises(ValidationError, match="belong to an agency"):
        User(username="lost", role=Role.AGENCY_OFFICER).clean()


def test_a_user_role_must_be_known():
    _refused(lambda: User.objects.create(username="x", role="superhero"))


def test_an_agency_has_one_open_onboarding_per_offering():
    onboarding = OnboardingFactory()

    _refused(lambda: OnboardingFactory(agency=onboarding.agency, offering=onboarding.offering))


def test_a_closed_onboarding_does_not_block_a_new_request():
    first = OnboardingFactory(state=Onboarding.State.REJECTED)

    second = OnboardingFactory(agency=first.agency, offering=first.offering)

    assert second.pk != first.pk


def test_an_approved_onboarding_records_its_approver():
    _refused(lambda: OnboardingFactory(state=Onboarding.State.APPROVED, approved_by=None))
    assert OnboardingFactory(state=Onboarding.State.APPROVED, approved_by=gsa_officer()).pk


def test_an_ato_expires_after_it_was_granted():
    _refused(lambda: OnboardingFactory(ato_granted_on=dt.date(2025, 1, 2), ato_expires_on=dt.date(2025, 1, 1)))


def test_an_onboarding_state_must_be_known():
    _refused(lambda: OnboardingFactory(state="limbo"))


def test_a_transition_needs_a_reason_and_a_change_of_state():
    onboarding = OnboardingFactory()
    officer = onboarding.requested_by

    _refused(
        lambda: OnboardingTransition.objects.create(
            onboarding=onboarding, action="submit", from_state="draft", to_state="requested", actor=officer, reason=""
        )
    )
    _refused(
        lambda: OnboardingTransition.objects.create(
            onboarding=onboarding, action="x", from_state="draft", to_state="draft", actor=officer, reason="r"
        )
    )


def test_a_deployment_path_is_absolute_and_unique():
    deployment = DeploymentFactory()

    _refused(lambda: DeploymentFactory(storage_path="relative/path"))
    _refused(lambda: DeploymentFactory(storage_path=deployment.storage_path))


def test_a_deployment_refuses_dot_dot_and_another_agencys_onboarding():
    onboarding = OnboardingFactory()
    deployment = DeploymentFactory.build(
        agency=AgencyFactory(), onboarding=onboarding, storage_path="/srv/models/../etc", model_version=None
    )

    with pytest.raises(ValidationError) as error:
        deployment.clean()
    assert "storage_path" in error.value.message_dict


def test_a_deployment_onboarding_must_be_the_same_agency():
    onboarding = OnboardingFactory(offering=OfferingFactory())
    deployment = DeploymentFactory.build(agency=AgencyFactory(), onboarding=onboarding, storage_path="/srv/m/x")
    deployment.model_version = None

    with pytest.raises(ValidationError, match="another agency"):
        deployment.clean()


def test_an_agency_cannot_be_its_own_parent():
    agency = AgencyFactory()

    agency.parent_id = agency.pk
    _refused(lambda: agency.save())


def test_a_deployment_name_is_unique_per_agency():
    deployment = DeploymentFactory()

    _refused(lambda: DeploymentFactory(agency=deployment.agency, name=deployment.name))
