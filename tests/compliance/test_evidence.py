import datetime as dt
import hashlib
import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from compliance.assessment import agency_assess
from compliance.evidence import Waiver, evidence_document_add, evidence_record, evidence_review
from compliance.models import Evidence, Requirement
from compliance.requirements import load_requirements
from core.errors import PermissionRefused, ServiceError
from core.models import AuditEvent
from tests.factories import AgencyFactory, agency_officer, auditor, gsa_officer, high_impact_use_case

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def status_of(agency, code):
    return next(r for r in agency_assess(agency=agency).results if r.requirement.code == code)


class EvidenceRecordTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory()
        cls.officer = agency_officer(cls.agency)
        cls.strategy = Requirement.objects.get(code="M21-11")

    def test_recorded_evidence_decides_a_manual_requirement_and_is_audited(self):
        evidence = evidence_record(
            actor=self.officer, requirement=self.strategy, agency=self.agency, status="met", notes="Policy v2 signed."
        )

        found = status_of(self.agency, "M21-11")
        self.assertEqual((found.status, found.automatic), ("met", False))
        self.assertEqual(found.detail, "Policy v2 signed.")
        self.assertTrue(AuditEvent.objects.filter(action="evidence.recorded", object_id=str(evidence.pk)).exists())

    def test_recording_again_replaces_the_evidence_and_clears_its_review(self):
        first = evidence_record(actor=self.officer, requirement=self.strategy, agency=self.agency, status="not_met")
        evidence_review(actor=gsa_officer(), evidence=first)

        second = evidence_record(actor=self.officer, requirement=self.strategy, agency=self.agency, status="met")

        self.assertEqual(first.pk, second.pk)
        self.assertEqual(Evidence.objects.count(), 1)
        self.assertIsNone(second.reviewed_by)

    def test_a_reviewer_and_date_are_recorded_by_a_gsa_officer(self):
        evidence = evidence_record(actor=self.officer, requirement=self.strategy, agency=self.agency, status="met")
        reviewer = gsa_officer()

        evidence = evidence_review(actor=reviewer, evidence=evidence)

        self.assertEqual(evidence.reviewed_by, reviewer)
        self.assertIsNotNone(evidence.reviewed_at)

    def test_an_auditor_reads_evidence_but_cannot_review_it(self):
        evidence = evidence_record(actor=self.officer, requirement=self.strategy, agency=self.agency, status="met")

        with self.assertRaises(PermissionRefused):
            evidence_review(actor=auditor(), evidence=evidence)
        evidence.refresh_from_db()
        self.assertIsNone(evidence.reviewed_by)

    def test_an_agency_officer_cannot_review(self):
        evidence = evidence_record(actor=self.officer, requirement=self.strategy, agency=self.agency, status="met")

        with self.assertRaises(PermissionRefused):
            evidence_review(actor=self.officer, evidence=evidence)

    def test_an_officer_of_another_agency_is_refused(self):
        with self.assertRaises(PermissionRefused):
            evidence_record(
                actor=agency_officer(AgencyFactory()), requirement=self.strategy, agency=self.agency, status="met"
            )

        self.assertFalse(Evidence.objects.exists())

    def test_a_per_use_case_requirement_needs_a_use_case(self):
        with self.assertRaises(ServiceError):
            evidence_record(
                actor=self.officer, requirement=Requirement.objects.get(code="M21-21"), agency=self.agency, status="met"
            )


class WaiverTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory()
        cls.officer = agency_officer(cls.agency)
        cls.use_case = high_impact_use_case(cls.agency, fail_safe="")
        cls.fail_safe = Requirement.objects.get(code="M21-25")

    def test_a_current_waiver_is_reported_as_waived_with_its_details(self):
        waiver = Waiver("Grace Hopper, CAIO", dt.date.today(), "A fail-safe would raise risk.", dt.date(2099, 1, 1))

        evidence_record(
            actor=self.officer,
            requirement=self.fail_safe,
            agency=self.agency,
            use_case=self.use_case,
            status="waived",
            waiver=waiver,
        )

        found = status_of(self.agency, "M21-25")
        self.assertEqual(found.status, "waived")
        self.assertIn("Grace Hopper", found.detail)

    def test_a_waiver_past_its_recertification_no_longer_counts(self):
        waiver = Waiver("Grace Hopper, CAIO", dt.date(2024, 1, 1), "Old.", dt.date(2025, 1, 1))
        evidence_record(
            actor=self.officer,
            requirement=self.fail_safe,
            agency=self.agency,
            use_case=self.use_case,
            status="waived",
            waiver=waiver,
        )

        self.assertEqual(status_of(self.agency, "M21-25").status, "not_met")

    def test_a_waiver_without_justification_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            evidence_record(
                actor=self.officer,
                requirement=self.fail_safe,
                agency=self.agency,
                use_case=self.use_case,
                status="waived",
                waiver=Waiver("Grace Hopper", dt.date.today(), "", dt.date(2099, 1, 1)),
            )

        self.assertIn("waiver_justification", caught.exception.message_dict)
        self.assertFalse(Evidence.objects.exists())


class EvidenceDocumentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_requirements()
        cls.agency = AgencyFactory()
        cls.officer = agency_officer(cls.agency)
        cls.evidence = evidence_record(
            actor=cls.officer, requirement=Requirement.objects.get(code="M21-11"), agency=cls.agency, status="met"
        )

    def test_a_pdf_is_stored_under_a_generated_name_with_its_sha256_and_size(self):
        upload = SimpleUploadedFile("../../etc/policy final.pdf", PDF_BYTES, content_type="application/pdf")

        document = evidence_document_add(actor=self.officer, evidence=self.evidence, upload=upload)

        self.assertEqual(document.sha256, hashlib.sha256(PDF_BYTES).hexdigest())
        self.assertEqual(document.size, len(PDF_BYTES))
        self.assertEqual(document.original_name, "policy final.pdf")
        self.assertRegex(Path(document.file.name).name, r"^[0-9a-f]{32}\.pdf$")
        with document.file.open("rb") as stored:
            self.assertEqual(stored.read(), PDF_BYTES)
        self.assertTrue(AuditEvent.objects.filter(action="evidence.document_added").exists())

    def test_a_csv_file_is_stored_as_text_csv(self):
        upload = SimpleUploadedFile("inventory.csv", b"agency,use case\nDOE,triage\n")

        document = evidence_document_add(actor=self.officer, evidence=self.evidence, upload=upload)

        self.assertEqual(document.content_type, "text/csv")

    def test_an_empty_file_is_rejected(self):
        with self.assertRaises(ServiceError) as caught:
            evidence_document_add(actor=self.officer, evidence=self.evidence, upload=SimpleUploadedFile("a.txt", b""))

        self.assertEqual((caught.exception.code, caught.exception.field), ("file_empty", "file"))

    def test_a_refused_extension_is_rejected(self):
        with self.assertRaises(ServiceError) as caught:
            evidence_document_add(
                actor=self.officer, evidence=self.evidence, upload=SimpleUploadedFile("run.exe", b"MZ")
            )

        self.assertEqual(caught.exception.code, "file_type")

    def test_content_that_does_not_match_its_extension_is_rejected(self):
        upload = SimpleUploadedFile("policy.pdf", b"<html><script>alert(1)</script></html>")

        with self.assertRaises(ServiceError) as caught:
            evidence_document_add(actor=self.officer, evidence=self.evidence, upload=upload)

        self.assertEqual(caught.exception.code, "file_content")

    @override_settings(EVIDENCE_UPLOAD_MAX_BYTES=1024)
    def test_a_file_over_the_size_limit_is_rejected_and_nothing_is_stored(self):
        upload = io.BytesIO(PDF_BYTES + b"0" * 2048)
        upload.name = "big.pdf"

        with self.assertRaises(ServiceError) as caught:
            evidence_document_add(actor=self.officer, evidence=self.evidence, upload=upload)

        self.assertEqual(caught.exception.code, "file_too_large")
        self.assertFalse(self.evidence.documents.exists())

    def test_an_officer_of_another_agency_cannot_upload(self):
        with self.assertRaises(PermissionRefused):
            evidence_document_add(
                actor=agency_officer(AgencyFactory()),
                evidence=self.evidence,
                upload=SimpleUploadedFile("a.pdf", PDF_BYTES),
            )
