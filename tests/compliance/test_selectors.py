from django.test import TestCase

from compliance.models import Report
from compliance.selectors import report_list
from tests.factories import AgencyFactory, agency_officer, auditor


class ReportListTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.own, cls.other = AgencyFactory(), AgencyFactory()
        for agency in (cls.own, cls.other, None):
            Report.objects.create(agency=agency, framework="all", attested_by="x", attested_role="y")

    def test_an_agency_officer_sees_only_their_agencys_reports(self):
        reports = report_list(user=agency_officer(self.own))

        self.assertEqual([r.agency for r in reports], [self.own])

    def test_an_auditor_sees_every_report_including_the_government_wide_one(self):
        self.assertEqual(report_list(user=auditor()).count(), 3)
