"""The Chief AI Officer with its history (M-25-21 §3(a)(i)): service, portal form and API, audited."""

import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.caio import caio_designate, caio_vacate
from agencies.models import ChiefAIOfficer
from compliance.assessment import agency_assess
from compliance.requirements import load_requirements
from core.errors import PermissionRefused, ServiceError
from core.models import AuditEvent
from tests.factories import PASSWORD, AgencyFactory, agency_officer, auditor, gsa_officer

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def status(agency, code):
    return next(r for r in agency_assess(agency=agency).results if r.requirement.code == code)


class CaioServiceTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory(abbreviation="DOE", is_cfo_act=True)
        cls.other = AgencyFactory(abbreviation="DOJ")
        cls.officer = agency_officer(cls.agency)

    def designate(self, **kwargs):
        values = {
            "name": "Ada Lovelace",
            "title": "Chief AI Officer",
            "grade": "SES",
            "designated_on": dt.date(2025, 5, 1),
        }
        return caio_designate(actor=self.officer, agency=self.agency, **{**values, **kwargs})

    def test_m21_01_3ai_a_designation_with_its_document_makes_m21_01_met_and_is_audited(self):
        term = self.designate(document=SimpleUploadedFile("designation.pdf", PDF), omb_notified_on=dt.date(2025, 5, 9))

        self.assertEqual(len(term.designation_document_sha256), 64)
        self.assertEqual(status(self.agency, "M21-01").status, "met")
        self.assertEqual(status(self.agency, "M21-03").status, "met")
        self.assertTrue(AuditEvent.objects.filter(action="caio.designated", object_id=str(term.pk)).exists())

    def test_m21_03_3ai_a_successor_ends_the_current_term_and_history_is_kept(self):
        first = self.designate(omb_notified_on=dt.date(2025, 5, 9))

        second = self.designate(name="Grace Hopper", designated_on=dt.date(2026, 2, 1))

        first.refresh_from_db()
        self.assertEqual(first.ended_on, dt.date(2026, 2, 1))
        self.assertEqual(self.agency.current_caio, second)
        self.assertEqual(ChiefAIOfficer.objects.filter(agency=self.agency).count(), 2)
        self.assertIn("designation of Grace Hopper", status(self.agency, "M21-03").detail)

    def test_m21_01_3ai_a_vacancy_makes_m21_01_not_met(self):
        self.designate()

        caio_vacate(actor=self.officer, agency=self.agency, vacated_on=dt.date(2026, 3, 1))

        self.assertEqual(status(self.agency, "M21-01").status, "not_met")

    def test_another_agencys_officer_and_an_auditor_may_not_record_it(self):
        for actor in (agency_officer(self.other), auditor()):
            with self.subTest(actor=actor.role), self.assertRaises(PermissionRefused):
                caio_designate(actor=actor, agency=self.agency, name="X", title="Y", designated_on=dt.date(2025, 5, 1))

    def test_a_gsa_officer_may_record_it(self):
        term = caio_designate(
            actor=gsa_officer(), agency=self.agency, name="Ada", title="CAIO", designated_on=dt.date(2025, 5, 1)
        )

        self.assertEqual(term.agency, self.agency)

    def test_a_successor_cannot_predate_the_current_officer(self):
        self.designate(designated_on=dt.date(2025, 6, 1))

        with self.assertRaises(ServiceError):
            self.designate(name="Earlier", designated_on=dt.date(2025, 5, 1))


class CaioPortalAndApiTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.agency = AgencyFactory(abbreviation="DOE")
        cls.other = AgencyFactory(abbreviation="DOJ")
        cls.officer = agency_officer(cls.agency, username="doe-officer")
        cls.outsider = agency_officer(cls.other, username="doj-officer")

    def test_the_agencys_officer_records_a_caio_through_the_portal_form(self):
        self.client.login(username="doe-officer", password=PASSWORD)
        form = {"name": "Ada Lovelace", "title": "Chief AI Officer", "grade": "SES", "designated_on": "2025-05-01"}

        response = self.client.post(reverse("agencies:agency-caio", args=[self.agency.pk]), form)
        page = self.client.get(reverse("agencies:agency-detail", args=[self.agency.pk]))

        self.assertRedirects(response, reverse("agencies:agency-detail", args=[self.agency.pk]))
        self.assertContains(page, "Ada Lovelace")
        self.assertContains(page, "Record a new Chief AI Officer")

    def test_another_agencys_officer_cannot_open_the_form(self):
        self.client.login(username="doj-officer", password=PASSWORD)

        response = self.client.get(reverse("agencies:agency-caio", args=[self.agency.pk]))

        self.assertIn(response.status_code, (403, 404))

    def test_anonymous_users_are_sent_to_sign_in(self):
        response = self.client.get(reverse("agencies:agency-caio", args=[self.agency.pk]))

        self.assertEqual(response.status_code, 302)

    def test_the_api_records_and_lists_the_history(self):
        api = APIClient()
        api.force_authenticate(self.officer)
        url = f"/api/v1/agencies/{self.agency.pk}/caio/"

        created = api.post(url, {"name": "Ada", "title": "CAIO", "designated_on": "2025-05-01"}, format="json")
        history = api.get(url)

        self.assertEqual(created.status_code, 201, created.content)
        self.assertEqual([t["name"] for t in history.json()], ["Ada"])

    def test_the_api_refuses_another_agencys_officer(self):
        api = APIClient()
        api.force_authenticate(self.outsider)

        response = api.post(
            f"/api/v1/agencies/{self.agency.pk}/caio/", {"name": "X", "title": "Y", "designated_on": "2025-05-01"}
        )

        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(ChiefAIOfficer.objects.exists())
