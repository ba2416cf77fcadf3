import datetime as dt

from django.test import TestCase
from django.utils import timezone
from freezegun import freeze_time

from agencies.models import Onboarding
from catalog.models import Offering
from compliance.assessment import agency_assess
from compliance.models import InventoryFiling, Requirement, UseCase, VerificationRun
from compliance.requirements import load_requirements
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    DeploymentFactory,
    ModelVersionFactory,
    OfferingFactory,
    OnboardingFactory,
    UseCaseFactory,
    chief_ai_officer,
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


ALL_PROTECTIONS = {
    "knowledge_transfer": True,
    "data_portability": True,
    "rights_to_code_and_models": True,
    "licensing_pricing_transparency": True,
}


def inventory_filed(agency, cycle, **kwargs):
    values = {
        "submitted_on": dt.date(cycle, 12, 20),
        "posted_on": dt.date(cycle + 1, 1, 20),
        "public_url": "https://agency.gov/ai",
        "recorded_by": gsa_officer(),
    }
    return InventoryFiling.objects.create(agency=agency, cycle=cycle, **{**values, **kwargs})


def active_onboarding(agency, offering, **kwargs):
    return OnboardingFactory(
        agency=agency, offering=offering, state=Onboarding.State.ACTIVE, approved_by=gsa_officer(), **kwargs
    )


class AgencyChecksTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()

    def test_m21_01_3ai_caio_designated_is_met_from_the_recorded_caio(self):
        agency = AgencyFactory(caio_name="Ada Lovelace", caio_designated_on=dt.date(2025, 5, 1))

        found = result(agency, "M21-01")

        self.assertEqual((found.status, found.automatic), ("met", True))
        self.assertIn("Ada Lovelace", found.detail)

    def test_m21_01_3ai_caio_designated_is_not_met_once_the_post_is_vacant(self):
        agency = AgencyFactory()
        chief_ai_officer(agency, designated_on=dt.date(2025, 5, 1), ended_on=dt.date(2026, 2, 1))

        found = result(agency, "M21-01")

        self.assertEqual(found.status, "not_met")
        self.assertIn("since 01 Feb 2026", found.detail)

    def test_m21_13_3bv_inventory_is_met_by_a_recorded_submission_and_posting(self):
        agency = AgencyFactory()
        inventory_filed(agency, 2025)

        with freeze_time("2026-06-01"):
            found = result(agency, "M21-13")

        self.assertEqual(found.status, "met")
        self.assertIn("https://agency.gov/ai", found.detail)

    def test_m21_13_3bv_a_recently_edited_row_is_not_evidence_of_the_inventory(self):
        agency = AgencyFactory()
        UseCaseFactory(agency=agency)

        with freeze_time("2026-06-01"):
            found = result(agency, "M21-13")

        self.assertEqual(found.status, "not_met")
        self.assertIn("No 2025 inventory submission", found.detail)

    def test_m21_13_3bv_a_late_submission_is_only_partially_met(self):
        agency = AgencyFactory()
        inventory_filed(agency, 2025, submitted_on=dt.date(2026, 1, 5))

        with freeze_time("2026-06-01"):
            found = result(agency, "M21-13")

        self.assertEqual(found.status, "partially_met")
        self.assertIn("after 22 Dec 2025", found.detail)

    def test_m21_13_3bv_an_agency_without_ai_meets_it_with_its_notice(self):
        agency = AgencyFactory()
        inventory_filed(agency, 2025, no_ai_use=True)

        with freeze_time("2026-06-01"):
            found = result(agency, "M21-13")

        self.assertEqual(found.status, "met")
        self.assertIn("no-AI-use notice", found.detail)

    def test_m21_13_3bv_inventory_does_not_apply_to_dod_or_the_intelligence_community(self):
        dod, ic = AgencyFactory(abbreviation="DOD"), AgencyFactory(is_intelligence_community=True)

        self.assertEqual(result(dod, "M21-13").status, "not_applicable")
        self.assertEqual(result(ic, "M21-13").detail, "Does not apply to elements of the Intelligence Community.")

    def test_a_closed_agency_is_not_assessed(self):
        usaid = AgencyFactory(abbreviation="USAID", status="closed", closed_on=dt.date(2025, 7, 1))

        found = result(usaid, "M21-01")

        self.assertEqual(found.status, "not_applicable")
        self.assertIn("closed on 01 Jul 2025", found.detail)

    def test_m21_15_4ai_minimum_practices_met_when_every_deployed_high_impact_use_case_documents_all_seven(self):
        agency = AgencyFactory()
        high_impact_use_case(agency)
        high_impact_use_case(agency, development_stage="Retired", documented=False)

        self.assertEqual(result(agency, "M21-15").status, "met")

    def test_m21_15_4ai_minimum_practices_partially_met_names_the_use_case_lacking_them(self):
        agency = AgencyFactory()
        high_impact_use_case(agency)
        high_impact_use_case(agency, use_case_id="AG-LACKING", documented=False)

        found = result(agency, "M21-15")

        self.assertEqual(found.status, "partially_met")
        self.assertIn("AG-LACKING", found.detail)

    def test_m21_15_4ai_pre_deployment_use_cases_are_not_yet_due(self):
        agency = AgencyFactory()
        high_impact_use_case(agency, development_stage="Pre-deployment", documented=False)

        self.assertEqual(result(agency, "M21-15").status, "not_yet_due")
        self.assertEqual(result(agency, "M21-21").status, "not_yet_due")

    def test_m21_15_4ai_practices_are_not_yet_due_before_3_april_2026(self):
        agency = AgencyFactory()
        high_impact_use_case(agency, documented=False)

        with freeze_time("2026-03-01"):
            self.assertEqual(result(agency, "M21-15").status, "not_yet_due")

    def test_m21_17_4aib_a_certified_pilot_is_exempt_and_an_uncertified_one_is_not(self):
        agency = AgencyFactory(caio_name="Ada Lovelace")
        certified = high_impact_use_case(agency, development_stage="Pilot", documented=False, use_case_id="P-1")
        high_impact_use_case(agency, development_stage="Pilot", documented=False, use_case_id="P-2")
        UseCase.objects.filter(pk=certified.pk).update(pilot_certified_on=dt.date(2026, 1, 10))

        found = result(agency, "M21-17")
        practice = result(agency, "M21-21")

        self.assertEqual(found.status, "partially_met")
        self.assertIn("P-2", found.detail)
        self.assertEqual([s.status for s in practice.subjects], ["not_applicable", "not_met"])

    def test_m21_16_4ai_non_compliant_high_impact_use_still_deployed_is_not_met(self):
        agency = AgencyFactory()
        high_impact_use_case(agency, use_case_id="HI-NONCOMPLIANT", documented=False)

        found = result(agency, "M21-16")

        self.assertEqual((found.status, found.automatic), ("not_met", True))
        self.assertIn("HI-NONCOMPLIANT", found.detail)

    def test_m21_16_4ai_retiring_the_non_compliant_use_case_meets_it(self):
        agency = AgencyFactory()
        high_impact_use_case(agency)
        high_impact_use_case(agency, development_stage="Retired", documented=False)

        self.assertEqual(result(agency, "M21-16").status, "met")

    def test_m21_16_4ai_a_withdrawn_catalog_offering_is_a_registry_control_not_m21_16(self):
        agency = AgencyFactory()
        offering = OfferingFactory(status=Offering.Status.SUSPENDED)
        active_onboarding(agency, offering)

        memo = result(agency, "M21-16")
        control = result(agency, "RC-01")

        self.assertEqual(memo.status, "not_applicable")
        self.assertEqual(control.status, "not_met")
        self.assertEqual((control.requirement.kind, control.requirement.supports), ("registry_control", "M21-16"))
        self.assertNotIn("registry", control.requirement.supports)
        self.assertNotIn("registry", Requirement.objects.get(code="M21-16").text)

    def test_each_practice_is_decided_per_high_impact_use_case(self):
        agency = AgencyFactory()
        high_impact_use_case(agency, fail_safe="")

        self.assertEqual(result(agency, "M21-25").status, "not_met")
        self.assertEqual(result(agency, "M21-21").status, "met")

    def test_m21_02_3ai_caio_grade_below_the_minimum_is_not_met_and_a_sufficient_one_leaves_it_to_evidence(self):
        low = AgencyFactory(is_cfo_act=True, caio_name="Low Grade", caio_grade="GS-15")
        high = AgencyFactory(is_cfo_act=True, caio_name="Senior", caio_grade="SES")

        refuted, deferred = result(low, "M21-02"), result(high, "M21-02")

        self.assertEqual(refuted.status, "not_met")
        self.assertIn("GS-15", refuted.detail)
        self.assertEqual((deferred.status, deferred.automatic), ("not_met", False))
        self.assertIn("Grade SES meets", deferred.detail)
        self.assertIn("No evidence recorded", deferred.detail)

    def test_m21_03_3ai_a_caio_change_must_reach_omb_within_30_days(self):
        on_time, late = AgencyFactory(), AgencyFactory()
        chief_ai_officer(on_time, designated_on=dt.date(2025, 5, 1), omb_notified_on=dt.date(2025, 5, 20))
        chief_ai_officer(late, designated_on=dt.date(2025, 5, 1), omb_notified_on=dt.date(2025, 7, 1))

        self.assertEqual(result(on_time, "M21-03").status, "met")
        found = result(late, "M21-03")
        self.assertEqual(found.status, "not_met")
        self.assertIn("notified 01 Jul 2025", found.detail)

    def test_recommendations_never_turn_the_roll_up_red(self):
        agency = AgencyFactory()

        assessment = agency_assess(agency=agency)

        recommendations = [
            r for r in assessment.results if not r.requirement.mandatory and r.requirement.applies_to == "every_agency"
        ]
        self.assertEqual([r.requirement.code for r in recommendations], ["M21-12", "M21-29"])
        self.assertTrue(all(r.status == "not_met" for r in recommendations))
        counted = sum(assessment.counts().values())
        self.assertEqual(counted, len([r for r in assessment.results if r.counts_toward_roll_up]))
        self.assertLess(counted, len(assessment.results))


class OnboardingChecksTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()

    def setUp(self):
        self.agency = AgencyFactory()
        self.offering = OfferingFactory()
        AgreementFactory(offering=self.offering, expires_on=dt.date(2099, 1, 1))

    def test_rc_02_deployments_verified_is_met_by_a_recent_passed_run(self):
        active_onboarding(self.agency, self.offering)
        deployment = DeploymentFactory(agency=self.agency, model_version=ModelVersionFactory(offering=self.offering))
        passed_run(deployment, days_ago=3)

        self.assertEqual(result(self.agency, "RC-02").status, "met")

    def test_deployments_verified_is_not_met_by_an_old_run_or_a_later_failure(self):
        active_onboarding(self.agency, self.offering)
        old = DeploymentFactory(agency=self.agency, model_version=ModelVersionFactory(offering=self.offering))
        broken = DeploymentFactory(agency=self.agency, model_version=ModelVersionFactory(offering=self.offering))
        passed_run(old, days_ago=31)
        passed_run(broken, days_ago=5)
        passed_run(broken, days_ago=1, status=VerificationRun.Status.FAILED, license_ok=False)

        found = result(self.agency, "RC-02")

        self.assertEqual(found.status, "not_met")
        self.assertIn("2 of 2 deployments", found.detail)

    def test_deployments_verified_does_not_apply_to_hosted_services(self):
        hosted = OfferingFactory(kind=Offering.Kind.HOSTED)
        active_onboarding(self.agency, hosted)

        self.assertEqual(result(self.agency, "RC-02").status, "not_applicable")

    def test_m22_contract_facts_met_when_recorded(self):
        active_onboarding(self.agency, self.offering, **ALL_PROTECTIONS)

        for code in ("M22-04", "M22-13", "M22-14"):
            self.assertEqual(result(self.agency, code).status, "met", code)

    def test_contract_facts_not_met_when_missing_or_refused(self):
        active_onboarding(
            self.agency, self.offering, no_training_on_agency_data=None, data_portability=False, ato_granted_on=None
        )

        self.assertIn("Not recorded", result(self.agency, "M22-04").detail)
        self.assertIn("missing: data and model portability", result(self.agency, "M22-13").detail)
        self.assertEqual(result(self.agency, "M22-14").detail, "No ATO recorded.")

    def test_agreement_current_fails_once_every_agreement_expired(self):
        expired = OfferingFactory()
        AgreementFactory(offering=expired, effective_on=dt.date(2024, 1, 1), expires_on=dt.date(2025, 1, 1))
        active_onboarding(self.agency, expired)

        found = result(self.agency, "RC-03")

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

        found = result(self.agency, "RC-03")

        self.assertEqual(found.status, "not_met")
        self.assertIn("terminated on 27 Feb 2026", found.detail)

    def test_a_closed_offer_window_does_not_end_the_terms_an_agency_ordered_under(self):
        ordered = OfferingFactory()
        AgreementFactory(
            offering=ordered, price_per_agency=None, price_unit="", expires_on=None, offer_ends_on=dt.date(2025, 9, 30)
        )
        active_onboarding(self.agency, ordered)

        found = result(self.agency, "RC-03")

        self.assertEqual(found.status, "met")
        self.assertIn("offer window closed on 30 Sep 2025", found.detail)

    def test_agreement_current_passes_with_an_unexpired_agreement(self):
        active_onboarding(self.agency, self.offering)

        self.assertEqual(result(self.agency, "RC-03").status, "met")

    def test_a_mix_of_onboardings_rolls_up_to_partially_met(self):
        active_onboarding(self.agency, self.offering, **ALL_PROTECTIONS)
        active_onboarding(self.agency, OfferingFactory(), **{**ALL_PROTECTIONS, "data_portability": False})

        self.assertEqual(result(self.agency, "M22-13").status, "partially_met")

    def test_m22_13_lock_in_checks_all_four_protections_not_one_boolean(self):
        active_onboarding(self.agency, self.offering, data_portability=True)

        found = result(self.agency, "M22-13")

        self.assertEqual(found.status, "partially_met")
        self.assertIn("1 of 4 protections", found.detail)
        self.assertIn("knowledge transfer", found.detail)

    def test_m22_applies_to_solicitations_from_30_september_2025_and_later_options(self):
        before = OfferingFactory()
        active_onboarding(self.agency, before, solicitation_date=dt.date(2025, 6, 1), data_portability=False)
        option = OfferingFactory()
        active_onboarding(
            self.agency, option, solicitation_date=dt.date(2025, 6, 1), option_exercise_date=dt.date(2025, 10, 1)
        )

        subjects = {s.label: s for s in result(self.agency, "M22-13").subjects}

        self.assertEqual(subjects[str(before)].status, "not_applicable")
        self.assertIn("before M-25-22 took effect", subjects[str(before)].detail)
        self.assertEqual(subjects[str(option)].status, "partially_met")
