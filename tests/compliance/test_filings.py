"""Facts M-25-21 checks rest on: the yearly inventory filing (§3(b)(v)) and CAIO pilot certifications (§4(a)(i)(B))."""

import datetime as dt

from django.test import TestCase
from freezegun import freeze_time

from compliance.assessment import agency_assess
from compliance.filings import inventory_filing_record, use_case_pilot_certify
from compliance.requirements import load_requirements
from core.errors import PermissionRefused, ServiceError
from core.models import AuditEvent
from tests.factories import AgencyFactory, agency_officer, chief_ai_officer, high_impact_use_case


def status(agency, code):
    return next(r for r in agency_assess(agency=agency).results if r.requirement.code == code)


class InventoryFilingTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory()
        cls.officer = agency_officer(cls.agency)

    @freeze_time("2027-03-01")
    def test_m21_13_3bv_the_2026_cycle_is_due_in_2027_and_met_once_recorded(self):
        self.assertIn("No 2026 inventory", status(self.agency, "M21-13").detail)

        inventory_filing_record(
            actor=self.officer,
            agency=self.agency,
            cycle=2026,
            submitted_on=dt.date(2026, 12, 18),
            submission_reference="collect.omb.gov receipt 4411",
            posted_on=dt.date(2027, 1, 20),
            public_url="https://agency.example/ai",
        )

        self.assertEqual(status(self.agency, "M21-13").status, "met")
        self.assertTrue(AuditEvent.objects.filter(action="inventory.filing_recorded").exists())

    def test_a_posting_needs_its_address(self):
        with self.assertRaises(ServiceError):
            inventory_filing_record(
                actor=self.officer, agency=self.agency, cycle=2025, submitted_on=None, posted_on=dt.date(2026, 1, 2)
            )

    def test_another_agencys_officer_may_not_record_it(self):
        with self.assertRaises(PermissionRefused):
            inventory_filing_record(
                actor=agency_officer(AgencyFactory()), agency=self.agency, cycle=2025, submitted_on=None
            )


class PilotCertificationTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory()
        cls.officer = agency_officer(cls.agency)

    def test_m21_17_4aib_the_caio_in_office_certifies_a_pilot(self):
        caio = chief_ai_officer(self.agency, designated_on=dt.date(2025, 5, 1))
        pilot = high_impact_use_case(self.agency, development_stage="Pilot", documented=False)

        certified = use_case_pilot_certify(actor=self.officer, use_case=pilot, certified_on=dt.date(2026, 1, 5))

        self.assertEqual(certified.pilot_certified_by, caio)
        self.assertEqual(status(self.agency, "M21-17").status, "met")

    def test_m21_17_4aib_no_certification_without_a_caio_or_for_a_deployed_use_case(self):
        pilot = high_impact_use_case(self.agency, development_stage="Pilot")
        deployed = high_impact_use_case(self.agency)

        with self.assertRaises(ServiceError):
            use_case_pilot_certify(actor=self.officer, use_case=pilot, certified_on=dt.date(2026, 1, 5))
        with self.assertRaises(ServiceError):
            use_case_pilot_certify(actor=self.officer, use_case=deployed, certified_on=dt.date(2026, 1, 5))
