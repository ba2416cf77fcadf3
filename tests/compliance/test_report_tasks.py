from unittest import mock

from django.test import TestCase

from compliance.models import Report
from compliance.pdf import RefusedFetch
from compliance.reports import ReportRenderFailed, report_request
from compliance.requirements import load_requirements
from compliance.tasks import report_generate_task
from core.models import AuditEvent
from tests.factories import AgencyFactory, agency_officer


class ReportGenerateTaskTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory()
        cls.officer = agency_officer(cls.agency)

    def test_the_task_issues_a_queued_report_and_a_second_run_changes_nothing(self):
        report = report_request(requested_by=self.officer, agency=self.agency, framework="m-25-22")

        report_generate_task.apply(args=[report.pk])
        report.refresh_from_db()
        first = (report.sha256, report.issued_at)
        report_generate_task.apply(args=[report.pk])
        report.refresh_from_db()

        self.assertEqual(report.status, Report.Status.ISSUED)
        self.assertEqual((report.sha256, report.issued_at), first)
        self.assertEqual(AuditEvent.objects.filter(action="report.issued").count(), 1)

    def test_a_refused_fetch_marks_the_report_failed(self):
        report = report_request(requested_by=self.officer, agency=self.agency, framework="m-25-22")

        with (
            mock.patch("compliance.reports.render_pdf", side_effect=RefusedFetch("http://127.0.0.1/x")),
            self.assertRaises(ReportRenderFailed),
        ):
            report_generate_task.apply(args=[report.pk], throw=True)

        report.refresh_from_db()
        self.assertEqual(report.status, Report.Status.FAILED)
        self.assertIn("RefusedFetch", report.error_message)
        self.assertEqual(report.sha256, "")
