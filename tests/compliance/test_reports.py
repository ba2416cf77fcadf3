import datetime as dt
import hashlib
import io
import subprocess
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from agencies.models import Onboarding
from compliance.assessment import agency_assess
from compliance.evidence import evidence_record
from compliance.models import Report, Requirement, VerificationRun
from compliance.reports import report_generate, report_request
from compliance.requirements import load_requirements
from core.errors import PermissionRefused
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    DeploymentFactory,
    ModelVersionFactory,
    OfferingFactory,
    OnboardingFactory,
    UseCaseFactory,
    agency_officer,
    auditor,
    gsa_officer,
    high_impact_use_case,
)


def pdf_text(data: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        return subprocess.run(
            ["pdftotext", "-layout", handle.name, "-"], check=True, capture_output=True, text=True
        ).stdout


def build_agency():
    agency = AgencyFactory(
        name="Department of Energy",
        abbreviation="DOE",
        is_cfo_act=True,
        caio_name="Ada Lovelace",
        caio_designated_on=dt.date(2025, 5, 20),
    )
    officer = agency_officer(agency, first_name="Grace", last_name="Hopper")
    offering = OfferingFactory(name="Llama")
    AgreementFactory(offering=offering, expires_on=dt.date(2099, 1, 1))
    OnboardingFactory(agency=agency, offering=offering, state=Onboarding.State.ACTIVE, approved_by=gsa_officer())
    DeploymentFactory(agency=agency, name="llama-prod", model_version=ModelVersionFactory(offering=offering))
    reverified = DeploymentFactory(
        agency=agency, name="llama-eval", model_version=ModelVersionFactory(offering=offering)
    )
    VerificationRun.objects.create(
        deployment=reverified,
        model_version=reverified.model_version,
        status=VerificationRun.Status.PASSED,
        finished_at=timezone.now(),
        license_ok=True,
        count_ok=5,
        files_total=2,
        count_trusted=3,
    )
    UseCaseFactory(agency=agency, use_case_id="DOE-1", topic_area="Science")
    high_impact_use_case(agency, use_case_id="DOE-2", appeal_process="")
    evidence_record(
        actor=officer,
        requirement=Requirement.objects.get(code="M21-11"),
        agency=agency,
        status="partially_met",
        notes="Cyber policy updated; privacy pending.",
    )
    return agency, officer


class AgencyReportTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency, cls.officer = build_agency()
        with cls.captureOnCommitCallbacks(execute=False) as cls.callbacks:
            requested = report_request(requested_by=cls.officer, agency=cls.agency, framework="all")
        cls.report = report_generate(report_id=requested.pk)
        cls.pdf = cls.report.pdf.read()
        cls.text = pdf_text(cls.pdf)

    def test_the_task_is_sent_only_after_the_row_commits(self):
        self.assertEqual(len(self.callbacks), 1)

    def test_the_issued_report_stores_the_pdf_sha256_and_size(self):
        self.assertEqual(self.report.status, Report.Status.ISSUED)
        self.assertEqual(self.report.sha256, hashlib.sha256(self.pdf).hexdigest())
        self.assertEqual(self.report.size, len(self.pdf))

    def test_the_pdf_names_the_agency_its_id_and_the_verification_address(self):
        self.assertIn("Department of Energy", self.text)
        self.assertIn(self.report.number, self.text)
        self.assertIn("http://127.0.0.1:8000/attestations/verify/", self.text)

    def test_the_pdf_lists_each_requirement_with_its_status(self):
        lines = self.text.splitlines()

        for result in agency_assess(agency=self.agency).results:
            at = next(i for i, line in enumerate(lines) if line.strip().startswith(result.requirement.code + " "))
            # A row's cells wrap over several lines; its status sits on the row's first lines.
            self.assertIn(result.status_label, " ".join(lines[at - 1 : at + 2]), result.requirement.code)

    def test_the_pdf_shows_automatic_checks_evidence_and_deployments(self):
        self.assertIn("Ada Lovelace", self.text)
        self.assertRegex(
            self.text, r"Automatic check\s+\(caio_designated\)|Automatic check[^\n]*\n[^\n]*\(caio_designated\)"
        )
        self.assertIn("Cyber policy updated; privacy pending.", self.text)
        self.assertIn("llama-prod", self.text)
        self.assertIn("Never verified", self.text)

    def test_the_pdf_says_how_many_files_were_hashed_and_how_many_trusted_unchanged(self):
        row = " ".join(self.text.split())

        self.assertIn("2 hashed, 3 unchanged since an earlier hash", row)
        self.assertIn("DOE-2", self.text)

    def test_the_pdf_has_page_x_of_y_and_the_attestation_block(self):
        self.assertRegex(self.text, r"Page 2 of \d+")
        self.assertIn("Grace Hopper, Agency officer, DOE", self.text)

    def test_generating_again_leaves_the_issued_report_alone(self):
        again = report_generate(report_id=self.report.pk)

        self.assertEqual((again.sha256, again.issued_at), (self.report.sha256, self.report.issued_at))


class ReportRequestTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory()

    def test_an_officer_of_another_agency_is_refused(self):
        with self.assertRaises(PermissionRefused):
            report_request(requested_by=agency_officer(AgencyFactory()), agency=self.agency, framework="m-25-21")

    def test_only_gsa_requests_the_government_wide_report(self):
        with self.assertRaises(PermissionRefused):
            report_request(requested_by=agency_officer(self.agency), agency=None, framework="all")
        with self.assertRaises(PermissionRefused):
            report_request(requested_by=auditor(), agency=self.agency, framework="all")

        report = report_request(requested_by=gsa_officer(), agency=None, framework="m-25-22")

        self.assertEqual(report.status, Report.Status.QUEUED)


class GenerateReportCommandTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        build_agency()

    def test_the_command_writes_the_government_wide_m_25_22_report(self):
        out = Path(tempfile.mkdtemp()) / "gov.pdf"

        call_command("generate_report", "--framework", "m-25-22", "--out", str(out), stdout=io.StringIO())

        text = pdf_text(out.read_bytes())
        self.assertIn("Government-wide", text)
        self.assertIn("M22-14", text)
        self.assertNotIn("M21-01", text)
        self.assertIn("DOE", text)
        report = Report.objects.get()
        self.assertEqual(report.sha256, hashlib.sha256(out.read_bytes()).hexdigest())
