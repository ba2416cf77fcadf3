import datetime as dt
import hashlib
import io
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings

from compliance.assessment import agency_assess
from compliance.evidence import Waiver, evidence_document_add, evidence_record, evidence_review, waiver_revoke
from compliance.models import Evidence, Requirement
from compliance.requirements import load_requirements
from core.errors import PermissionRefused, ServiceError
from core.models import AuditEvent
from tests.factories import (
    AgencyFactory,
    agency_officer,
    auditor,
    chief_ai_officer,
    gsa_officer,
    high_impact_use_case,
)

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
        cls.caio = chief_ai_officer(cls.agency, name="Grace Hopper", designated_on=dt.date(2023, 6, 1))
        cls.officer = agency_officer(cls.agency)
        cls.use_case = high_impact_use_case(cls.agency, fail_safe="")
        cls.fail_safe = Requirement.objects.get(code="M21-25")

    def waive(self, requirement=None, **kwargs):
        values = {
            "granted_by": "",
            "granted_on": dt.date.today(),
            "justification": "A fail-safe would raise risk.",
            "recertify_by": dt.date.today() + dt.timedelta(days=300),
        }
        return evidence_record(
            actor=self.officer,
            requirement=requirement or self.fail_safe,
            agency=self.agency,
            use_case=self.use_case if requirement is None or requirement.applies_to != "every_agency" else None,
            status="waived",
            waiver=Waiver(**{**values, **kwargs}),
        )

    def test_m21_18_4aii_a_current_waiver_is_reported_as_waived_and_names_the_caio(self):
        evidence = self.waive()

        found = status_of(self.agency, "M21-25")
        self.assertEqual(found.status, "waived")
        self.assertIn("Grace Hopper", found.detail)
        self.assertEqual(evidence.waiver_caio, self.caio)

    def test_m21_18_4aii_a_waiver_past_its_recertification_no_longer_counts(self):
        self.waive(granted_on=dt.date(2024, 1, 1), recertify_by=dt.date(2025, 1, 1))

        self.assertEqual(status_of(self.agency, "M21-25").status, "not_met")

    def test_m21_18_4aii_a_waiver_without_justification_is_refused(self):
        with self.assertRaises(ValidationError) as caught:
            self.waive(justification="")

        self.assertIn("waiver_justification", caught.exception.message_dict)
        self.assertFalse(Evidence.objects.exists())

    def test_m21_18_4aii_a_waiver_on_a_requirement_other_than_a_minimum_practice_is_refused(self):
        with self.assertRaises(ServiceError) as caught:
            self.waive(requirement=Requirement.objects.get(code="M21-13"))

        self.assertEqual(caught.exception.code, "not_waivable")
        self.assertIn("only the seven minimum practices", caught.exception.message)
        self.assertFalse(Evidence.objects.exists())

    def test_m21_18_4aii_a_waiver_granted_by_someone_other_than_the_caio_is_refused(self):
        with self.assertRaises(ServiceError) as caught:
            self.waive(granted_by="Deputy CIO on behalf of the CAIO")

        self.assertEqual(caught.exception.code, "waiver_delegated")

    def test_m21_18_4aii_a_waiver_when_no_caio_was_in_office_is_refused(self):
        with self.assertRaises(ServiceError) as caught:
            self.waive(granted_on=dt.date(2023, 1, 1), recertify_by=dt.date(2023, 12, 1))

        self.assertEqual(caught.exception.code, "waiver_without_caio")

    def test_m21_18_4aii_recertification_more_than_a_year_out_is_refused(self):
        with self.assertRaises(ServiceError) as caught:
            self.waive(recertify_by=dt.date.today() + dt.timedelta(days=400))

        self.assertEqual(caught.exception.code, "waiver_recertify")

    def test_m21_19_4aiii_a_grant_not_reported_to_omb_in_30_days_is_not_met(self):
        self.waive(granted_on=dt.date.today() - dt.timedelta(days=45))

        found = status_of(self.agency, "M21-19")

        self.assertEqual(found.status, "not_met")
        self.assertIn("not reported", found.detail)

    def test_m21_19_4aiii_grant_and_revocation_reported_in_time_are_met(self):
        granted = dt.date.today() - dt.timedelta(days=60)
        evidence = self.waive(granted_on=granted, reported_to_omb_on=granted + dt.timedelta(days=10))
        waiver_revoke(
            actor=self.officer,
            evidence=evidence,
            revoked_on=dt.date.today() - dt.timedelta(days=5),
            reported_to_omb_on=dt.date.today(),
        )

        self.assertEqual(status_of(self.agency, "M21-19").status, "met")
        self.assertEqual(status_of(self.agency, "M21-25").status, "not_met")


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
