"""M-26-04 (Unbiased AI Principles, 11 Dec 2025): the requirement file, the checks per LLM onboarding and the PDF."""

import datetime as dt
import io
import re
import subprocess
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from freezegun import freeze_time

from agencies.caio import open_source_determination_record
from agencies.models import Onboarding
from catalog.models import Offering
from compliance.assessment import agency_assess
from compliance.evidence import evidence_record, evidence_review
from compliance.models import Requirement
from compliance.requirements import load_requirements
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    OfferingFactory,
    OnboardingFactory,
    agency_officer,
    gsa_officer,
)

M26_CODES = [f"M26-0{n}" for n in range(1, 8)]


def pdf_words(data: bytes) -> str:
    """The PDF's text in reading order (pdftotext without -layout), whitespace collapsed."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        text = subprocess.run(["pdftotext", handle.name, "-"], check=True, capture_output=True, text=True).stdout
    return " ".join(text.split())


VENDOR_LINKS = {
    "vendor_aup_url": "https://vendor.example/aup",
    "vendor_cards_url": "https://vendor.example/model-card",
    "vendor_end_user_resources_url": "https://vendor.example/help",
    "vendor_feedback_url": "https://vendor.example/feedback",
}


def subject(agency, code):
    [found] = next(r for r in agency_assess(agency=agency).results if r.requirement.code == code).subjects
    return found


def llm_onboarding(agency, *, kind=Offering.Kind.HOSTED, **facts):
    offering = OfferingFactory(is_llm=True, kind=kind)
    AgreementFactory(offering=offering, expires_on=dt.date(2099, 1, 1))
    return OnboardingFactory(
        agency=agency, offering=offering, state=Onboarding.State.ACTIVE, approved_by=gsa_officer(), **facts
    )


class M2604ChecksTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()

    def setUp(self):
        self.agency = AgencyFactory()

    @freeze_time("2026-06-01")
    def test_m26_02_a_new_llm_order_after_11_december_2025_needs_the_clause(self):
        llm_onboarding(self.agency, solicitation_date=dt.date(2026, 1, 15), unbiased_ai_clause=False)

        found = subject(self.agency, "M26-02")

        self.assertEqual((found.status, found.check), ("not_met", "m26_clause_in_new_contract"))
        self.assertIn("without the clause", found.detail)

    @freeze_time("2026-06-01")
    def test_m26_02_the_clause_in_a_new_order_meets_it_and_m26_03_does_not_apply(self):
        llm_onboarding(self.agency, solicitation_date=dt.date(2026, 1, 15), unbiased_ai_clause=True)

        self.assertEqual(subject(self.agency, "M26-02").status, "met")
        self.assertEqual(subject(self.agency, "M26-03").status, "not_applicable")

    @freeze_time("2026-06-01")
    def test_m26_03_an_existing_contract_is_not_yet_due_before_its_option_and_not_met_after(self):
        llm_onboarding(self.agency, solicitation_date=dt.date(2025, 8, 1), option_exercise_date=dt.date(2026, 9, 1))
        later = AgencyFactory()
        llm_onboarding(later, solicitation_date=dt.date(2025, 8, 1), option_exercise_date=dt.date(2026, 3, 1))

        self.assertEqual(subject(self.agency, "M26-03").status, "not_yet_due")
        self.assertEqual(subject(self.agency, "M26-02").status, "not_applicable")
        self.assertIn("has passed", subject(later, "M26-03").detail)

    @freeze_time("2026-06-01")
    def test_m26_04_compliance_must_be_designated_material(self):
        llm_onboarding(self.agency, solicitation_date=dt.date(2026, 1, 15), unbiased_ai_clause=True)

        self.assertEqual(subject(self.agency, "M26-04").detail, "The materiality designation is not recorded.")

    @freeze_time("2026-06-01")
    def test_m26_05_the_four_vendor_items_are_all_recorded_or_it_is_partial(self):
        llm_onboarding(self.agency, **VENDOR_LINKS)
        partial = AgencyFactory()
        llm_onboarding(partial, vendor_aup_url="https://vendor.example/aup")

        self.assertEqual(subject(self.agency, "M26-05").status, "met")
        found = subject(partial, "M26-05")
        self.assertEqual(found.status, "partially_met")
        self.assertIn("feedback channel", found.detail)

    @freeze_time("2026-06-01")
    def test_m26_01_a_non_llm_offering_is_out_of_scope_and_an_unrecorded_one_is_not_met(self):
        platform = OfferingFactory(is_llm=False)
        OnboardingFactory(agency=self.agency, offering=platform, state="active", approved_by=gsa_officer())
        unknown = AgencyFactory()
        OnboardingFactory(agency=unknown, offering=OfferingFactory(), state="active", approved_by=gsa_officer())

        self.assertEqual(subject(self.agency, "M26-02").status, "not_applicable")
        self.assertEqual(subject(unknown, "M26-01").detail, "Whether the offering is an LLM is not recorded.")

    @freeze_time("2026-06-01")
    def test_m26_07_the_agencys_open_source_determination_is_recorded_with_its_reason(self):
        onboarding = llm_onboarding(self.agency, kind=Offering.Kind.OPEN_WEIGHT, solicitation_date=dt.date(2026, 2, 1))

        self.assertEqual(subject(self.agency, "M26-07").status, "not_met")
        open_source_determination_record(
            actor=agency_officer(self.agency),
            agency=self.agency,
            offering=onboarding.offering,
            is_open_source=True,
            reason="Counsel reads the Llama Community License as free for government use.",
            determined_on=dt.date(2026, 2, 10),
        )

        self.assertEqual(subject(self.agency, "M26-07").status, "met")
        self.assertIn("Counsel reads", subject(self.agency, "M26-07").detail)
        self.assertEqual(subject(self.agency, "M26-02").status, "not_applicable")

    @freeze_time("2027-12-12")
    def test_m26_04_sunsets_on_11_december_2027(self):
        llm_onboarding(self.agency, solicitation_date=dt.date(2026, 1, 15), unbiased_ai_clause=False)

        self.assertIn("sunset", subject(self.agency, "M26-02").detail)


class M2604ReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory(abbreviation="DOE", name="Department of Energy", caio_name="Ada Lovelace")
        llm_onboarding(cls.agency, solicitation_date=dt.date(2026, 1, 15), unbiased_ai_clause=True, **VENDOR_LINKS)
        officer = agency_officer(cls.agency)
        policy = Requirement.objects.get(code="M26-06")
        evidence_record(actor=officer, requirement=policy, agency=cls.agency, status="met", notes="Policy issued.")
        reviewed = Requirement.objects.get(code="M21-11")
        evidence = evidence_record(actor=officer, requirement=reviewed, agency=cls.agency, status="met")
        evidence_review(actor=gsa_officer(), evidence=evidence)

    def render(self, framework: str) -> str:
        out = Path(tempfile.mkdtemp()) / f"{framework}.pdf"
        call_command(
            "generate_report", "--agency", "DOE", "--framework", framework, "--out", str(out), stdout=io.StringIO()
        )
        return pdf_words(out.read_bytes())

    def test_generate_report_m_26_04_lists_m26_01_to_m26_07_for_an_agency(self):
        text = self.render("m-26-04")

        self.assertEqual(sorted(set(re.findall(r"M26-0\d", text))), M26_CODES)
        self.assertIn("Unbiased AI Principles", text)
        self.assertNotIn("M21-01", text)
        self.assertIn("Automatic check (m26_clause_in_new_contract)", text)
        self.assertIn("vendor.example/aup", text)

    def test_generate_report_all_covers_the_three_memos_and_labels_each_source(self):
        text = self.render("all")

        for code in ["M21-01", "M22-13", *M26_CODES, "RC-01"]:
            self.assertIn(code, text)
        # Table cells wrap in the PDF, so each row's source is checked on the assessment the report prints,
        # and the PDF is checked to carry each label.
        results = {r.requirement.code: r for r in agency_assess(agency=self.agency).results}
        self.assertEqual(results["M26-06"].sources, ["Self-attested, not reviewed"])
        self.assertEqual(results["M21-11"].sources, ["Evidence reviewed by GSA"])
        self.assertEqual(results["M21-01"].sources, ["Automatic check (caio_designated)"])
        for label in ("Self-attested, not", "Evidence reviewed by GSA", "Automatic check (caio_designated)"):
            self.assertIn(label, text)
        self.assertIn("No evidence recorded", text)
        self.assertIn("Registry controls", text)
        self.assertIn("RECOMMENDATION", text)
