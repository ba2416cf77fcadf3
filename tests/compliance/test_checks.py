import datetime as dt

from django.test import TestCase
from django.utils import timezone

from agencies.models import Onboarding
from catalog.models import Offering
from compliance.assessment import agency_assess
from compliance.models import UseCase, VerificationRun
from compliance.requirements import load_requirements
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    DeploymentFactory,
    ModelVersionFactory,
    OfferingFactory,
    OnboardingFactory,
    UseCaseFactory,
    gsa_officer,
    high_impact_use_case,
)


def result(agency, code):
    """The assessed result of one requirement for one agency."""
    assessment = agency_assess(agency=agency)
    return next(r for r in assessment.results if r.requirement.code == code)


def passed_run(deployment, *, days_ago=1, status=VerificationRun.Status.PASSED, license_ok=True):
    return VerificationRun.objects.create(
        deployment=deployment,
        model_version=deployment.model_version,
        status=status,
        finished_at=timezone.now() - dt.timedelta(days=days_ago),
        manifest_commit="c" * 40,
        files_total=4,
        license_ok=license_ok,
    )


def active_onboarding(agency, offering, **kwargs):
    return OnboardingFactory(
        agency=agency, offering=offering, state=Onboarding.State.ACTIVE, approved_by=gsa_officer(), **kwargs
    )


class AgencyChecksTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()

    def test_caio_designated_is_met_with_a_name_and_date(self):
        agency = AgencyFactory(caio_name="Ada Lovelace", caio_designated_on=dt.date(2025, 5, 1))

        found = result(agency, "M21-01")

        self.assertEqual((found.status, found.automatic), ("met", True))
        self.assertIn("Ada Lovelace", found.detail)

    def test_caio_designated_is_not_met_without_a_date(self):
        agency = AgencyFactory(caio_name="Ada Lovelace")

        self.assertEqual(result(agency, "M21-01").status, "not_met")

    def test_inventory_is_met_when_present_and_updated_within_a_year(self):
        agency = AgencyFactory()
        UseCaseFactory(agency=agency)

        self.assertEqual(result(agency, "M21-13").status, "met")

    def test_inventory_is_not_met_when_empty_or_stale(self):
        empty, stale = AgencyFactory(), AgencyFactory()
        use_case = UseCaseFactory(agency=stale)
        UseCase.objects.filter(pk=use_case.pk).update(updated_at=timezone.now() - dt.timedelta(days=400))

        self.assertEqual(result(empty, "M21-13").status, "not_met")
        self.assertIn("over a year ago", result(stale, "M21-13").detail)

    def test_inventory_does_not_apply_to_dod(self):
        agency = AgencyFactory(abbreviation="DOD")

        self.assertEqual(result(agency, "M21-13").status, "not_applicable")

    def test_minimum_practices_met_when_every_high_impact_use_case_documents_all_seven(self):
        agency = AgencyFactory()
        high_impact_use_case(agency)
        high_impact_use_case(agency, development_stage="Retired", documented=False)

        self.assertEqual(result(agency, "M21-15").status, "met")

    def test_minimum_practices_partially_met_names_the_use_case_lacking_them(self):
        agency = AgencyFactory()
        high_impact_use_case(agency)
        high_impact_use_case(agency, use_case_id="AG-LACKING", documented=False)

        found = result(agency, "M21-15")

        self.assertEqual(found.status, "partially_met")
        self.assertIn("AG-LACKING", found.detail)
        self.assertIn("03 Apr 2026", found.detail)

    def test_each_practice_is_decided_per_high_impact_use_case(self):
        agency = AgencyFactory()
        high_impact_use_case(agency, fail_safe="")

        self.assertEqual(result(agency, "M21-25").status, "not_met")
        self.assertEqual(result(agency, "M21-21").status, "met")

    def test_no_withdrawn_offering_in_use_fails_on_an_active_onboarding_of_a_suspended_offering(self):
        agency = AgencyFactory()
        offering = OfferingFactory(status=Offering.Status.SUSPENDED)
        active_onboarding(agency, offering)

        found = result(agency, "M21-16")

        self.assertEqual(found.status, "not_met")
        self.assertIn(str(offering), found.detail)

    def test_no_withdrawn_offering_in_use_passes_with_approved_offerings(self):
        agency = AgencyFactory()
        active_onboarding(agency, OfferingFactory())

        self.assertEqual(result(agency, "M21-16").status, "met")


class OnboardingChecksTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()

    def setUp(self):
        self.agency = AgencyFactory()
        self.offering = OfferingFactory()
        AgreementFactory(offering=self.offering, expires_on=dt.date(2099, 1, 1))

    def test_deployments_verified_is_met_by_a_recent_passed_run(self):
        active_onboarding(self.agency, self.offering)
        deployment = DeploymentFactory(agency=self.agency, model_version=ModelVersionFactory(offering=self.offering))
        passed_run(deployment, days_ago=3)

        self.assertEqual(result(self.agency, "M22-12").status, "met")

    def test_deployments_verified_is_not_met_by_an_old_run_or_a_later_failure(self):
        active_onboarding(self.agency, self.offering)
        old = DeploymentFactory(agency=self.agency, model_version=ModelVersionFactory(offering=self.offering))
        broken = DeploymentFactory(agency=self.agency, model_version=ModelVersionFactory(offering=self.offering))
        passed_run(old, days_ago=31)
        passed_run(broken, days_ago=5)
        passed_run(broken, days_ago=1, status=VerificationRun.Status.FAILED, license_ok=False)

        found = result(self.agency, "M22-12")

        self.assertEqual(found.status, "not_met")
        self.assertIn("2 of 2 deployments", found.detail)

    def test_deployments_verified_does_not_apply_to_hosted_services(self):
        hosted = OfferingFactory(kind=Offering.Kind.HOSTED)
        active_onboarding(self.agency, hosted)

        self.assertEqual(result(self.agency, "M22-12").status, "not_applicable")

    def test_contract_facts_met_when_recorded(self):
        active_onboarding(self.agency, self.offering)

        for code in ("M22-04", "M22-13", "M22-14"):
            self.assertEqual(result(self.agency, code).status, "met", code)

    def test_contract_facts_not_met_when_missing_or_refused(self):
        active_onboarding(
            self.agency, self.offering, no_training_on_agency_data=None, data_portability=False, ato_granted_on=None
        )

        self.assertIn("Not recorded", result(self.agency, "M22-04").detail)
        self.assertEqual(result(self.agency, "M22-13").status, "not_met")
        self.assertEqual(result(self.agency, "M22-14").detail, "No ATO recorded.")

    def test_agreement_current_fails_once_every_agreement_expired(self):
        expired = OfferingFactory()
        AgreementFactory(offering=expired, effective_on=dt.date(2024, 1, 1), expires_on=dt.date(2025, 1, 1))
        active_onboarding(self.agency, expired)

        found = result(self.agency, "M22-15")

        self.assertEqual(found.status, "not_met")
        self.assertIn("expired", found.detail)

    def test_agreement_current_fails_once_the_agreement_is_terminated(self):
        terminated = OfferingFactory()
        AgreementFactory(
            offering=terminated,
            expires_on=dt.date(2099, 1, 1),
            terminated_on=dt.date(2026, 2, 27),
            termination_reason="GSA terminated the agreement.",
            termination_source_url="https://www.gsa.gov/release",
        )
        active_onboarding(self.agency, terminated)

        found = result(self.agency, "M22-15")

        self.assertEqual(found.status, "not_met")
        self.assertIn("terminated on 27 Feb 2026", found.detail)

    def test_a_closed_offer_window_does_not_end_the_terms_an_agency_ordered_under(self):
        ordered = OfferingFactory()
        AgreementFactory(
            offering=ordered, price_per_agency=None, price_unit="", expires_on=None, offer_ends_on=dt.date(2025, 9, 30)
        )
        active_onboarding(self.agency, ordered)

        found = result(self.agency, "M22-15")

        self.assertEqual(found.status, "met")
        self.assertIn("offer window closed on 30 Sep 2025", found.detail)

    def test_agreement_current_passes_with_an_unexpired_agreement(self):
        active_onboarding(self.agency, self.offering)

        self.assertEqual(result(self.agency, "M22-15").status, "met")

    def test_a_mix_of_onboardings_rolls_up_to_partially_met(self):
        active_onboarding(self.agency, self.offering)
        active_onboarding(self.agency, OfferingFactory(), data_portability=False)

        self.assertEqual(result(self.agency, "M22-13").status, "partially_met")
