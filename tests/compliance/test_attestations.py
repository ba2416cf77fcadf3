import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from compliance.reports import report_generate, report_request
from compliance.requirements import load_requirements
from tests.factories import AgencyFactory, agency_officer

VERIFY = reverse("compliance:attestation-verify")
VERIFY_JSON = reverse("compliance:attestation-verify-json")


class AttestationVerifyTests(TestCase):
    """Two reports for the same agency and framework: the first is superseded by the second."""

    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory(name="Department of Labor", abbreviation="DOL")
        officer = agency_officer(cls.agency)
        cls.first = report_generate(
            report_id=report_request(requested_by=officer, agency=cls.agency, framework="m-25-21").pk
        )
        cls.second = report_generate(
            report_id=report_request(requested_by=officer, agency=cls.agency, framework="m-25-21").pk
        )
        cls.first.refresh_from_db()
        cls.first_pdf = cls.first.pdf.read()
        cls.second_pdf = cls.second.pdf.read()

    def test_an_uploaded_current_report_is_recognised_without_signing_in(self):
        response = self.client.post(VERIFY, {"pdf": SimpleUploadedFile("r.pdf", self.second_pdf)})

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Issued by the registry")
        self.assertContains(response, self.second.number)
        self.assertContains(response, "Department of Labor")
        self.assertContains(response, "no later report replaces it")

    def test_an_earlier_report_is_reported_as_superseded(self):
        response = self.client.post(VERIFY, {"pdf": SimpleUploadedFile("r.pdf", self.first_pdf)})

        self.assertContains(response, f"Superseded by report {self.second.number}")

    def test_an_altered_pdf_is_not_recognised(self):
        altered = bytearray(self.second_pdf)
        altered[len(altered) // 2] ^= 0x01  # one bit flipped in the middle of the file
        altered = bytes(altered)

        response = self.client.post(VERIFY, {"pdf": SimpleUploadedFile("r.pdf", altered)})

        self.assertContains(response, "Not an attestation we issued")
        self.assertContains(response, hashlib.sha256(altered).hexdigest())

    def test_the_json_endpoint_answers_by_sha256(self):
        response = self.client.get(VERIFY_JSON, {"sha256": self.first.sha256.upper()})

        body = response.json()
        self.assertEqual(response.status_code, 200)
        self.assertTrue(body["issued"])
        self.assertEqual((body["report_id"], body["agency"], body["framework"]), (self.first.number, "DOL", "m-25-21"))
        self.assertTrue(body["superseded"])
        self.assertEqual(body["superseded_by"]["report_id"], self.second.number)

    def test_the_json_endpoint_takes_an_upload_without_a_csrf_token(self):
        client = self.client_class(enforce_csrf_checks=True)

        response = client.post(VERIFY_JSON, {"pdf": SimpleUploadedFile("r.pdf", self.second_pdf + b"\n")})

        self.assertEqual(response.status_code, 200)
        self.assertFalse(response.json()["issued"])

    def test_a_malformed_sha256_is_refused(self):
        response = self.client.get(VERIFY_JSON, {"sha256": "xyz"})

        self.assertEqual(response.status_code, 400)
        self.assertIn("sha256", response.json()["errors"])

    def test_asking_with_nothing_is_refused(self):
        response = self.client.post(VERIFY, {})

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, "Upload the PDF or give its SHA-256.", status_code=400)
