"""The compliance records through the API: requirements, assessments, evidence and its documents,
use cases (import and OMB export), reports (request, scoping, PDF), attestation checks and AI-BOMs."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from compliance.models import Evidence, Report, UseCase
from core.models import AuditEvent
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db


def _evidence_body(world, **extra) -> dict:
    return {"requirement": world.a.evidence.requirement.code, "status": "partially_met", "notes": "Half done."} | extra


# Requirements and assessments.


def test_requirements_are_read_by_signed_in_users_only(world):
    anonymous = client_for("anonymous", world).get(reverse("api:requirement-list"))
    listed = client_for("officer_b", world).get(reverse("api:requirement-list"), {"framework": "m-25-21"})

    assert anonymous.status_code == 401
    assert listed.status_code == 200
    assert listed.json()["count"] > 0
    assert {row["framework"] for row in listed.json()["results"]} == {"m-25-21"}


def test_an_officer_reads_the_assessment_of_their_own_agency_only(world):
    url = reverse("api:agencycompliance-assessment", kwargs={"pk": world.a.agency.pk})

    own = client_for("officer_a", world).get(url)
    other = client_for("officer_b", world).get(url)
    unknown_framework = client_for("officer_a", world).get(url, {"framework": "m-99-99"})

    assert own.status_code == 200
    results = {row["requirement"]: row for row in own.json()["results"]}
    assert results[world.a.evidence.requirement.code]["status"] == "met"
    counted = [row for row in own.json()["results"] if row["counted"]]
    assert sum(own.json()["counts"].values()) == len(counted) < len(own.json()["results"])
    assert all(row["mandatory"] and row["kind"] == "memo" for row in counted)
    assert other.status_code == 404
    assert unknown_framework.status_code == 400
    assert unknown_framework.json()["error"]["details"] == {"framework": [unknown_framework.json()["error"]["message"]]}


# Evidence.


def test_an_officer_records_evidence_for_their_own_agency_and_it_is_audited(world):
    response = client_for("officer_a", world).post(
        reverse("api:evidence-list"), _evidence_body(world, reviewed_by=world.gsa.pk, agency=None), format="json"
    )

    assert response.status_code == 201
    evidence = Evidence.objects.get(pk=response.json()["id"])
    assert (evidence.agency, evidence.status, evidence.reviewed_by) == (world.a.agency, "partially_met", None)
    assert AuditEvent.objects.filter(action="evidence.recorded", object_id=str(evidence.pk)).exists()


def test_an_officer_may_not_record_evidence_for_another_agency(world):
    body = _evidence_body(world, agency=world.b.agency.pk)

    response = client_for("officer_a", world).post(reverse("api:evidence-list"), body, format="json")

    assert response.status_code == 403
    assert Evidence.objects.get(agency=world.b.agency).status == "met"


def test_a_waiver_without_its_details_is_refused_field_by_field(world):
    response = client_for("officer_a", world).post(
        reverse("api:evidence-list"), _evidence_body(world, status="waived"), format="json"
    )

    assert response.status_code == 400
    assert set(response.json()["error"]["details"]) == {
        "waiver_granted_on",
        "waiver_justification",
        "waiver_recertify_by",
    }


def test_gsa_reviews_evidence_and_agency_officers_may_not(world):
    url = reverse("api:evidence-review", kwargs={"pk": world.a.evidence.pk})

    refused = client_for("officer_a", world).post(url)
    reviewed = client_for("gsa", world).post(url)

    assert refused.status_code == 403
    assert reviewed.status_code == 200
    assert reviewed.json()["reviewed_by"] == "gsa"


def test_another_agency_s_evidence_is_invisible(world):
    listed = client_for("officer_b", world).get(reverse("api:evidence-list"))
    detail = client_for("officer_b", world).get(reverse("api:evidence-detail", kwargs={"pk": world.a.evidence.pk}))

    assert [row["id"] for row in listed.json()["results"]] == [world.b.evidence.pk]
    assert detail.status_code == 404


def test_a_document_is_uploaded_as_multipart_with_its_digest(world):
    content = b"%PDF-1.7 signed plan"
    upload = SimpleUploadedFile("plan.pdf", content, content_type="application/pdf")

    response = client_for("officer_a", world).post(
        reverse("api:evidence-documents", kwargs={"pk": world.a.evidence.pk}), {"file": upload}, format="multipart"
    )

    assert response.status_code == 201
    assert response.json()["sha256"] == hashlib.sha256(content).hexdigest()
    assert response.json()["original_name"] == "plan.pdf"
    assert world.a.evidence.documents.filter(sha256=hashlib.sha256(content).hexdigest()).count() == 1


def test_a_refused_document_answers_in_the_one_error_format(world):
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")

    response = client_for("officer_a", world).post(
        reverse("api:evidence-documents", kwargs={"pk": world.a.evidence.pk}), {"file": upload}, format="multipart"
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "file_type"
    assert list(response.json()["error"]["details"]) == ["file"]


def test_another_agency_s_evidence_takes_no_document(world):
    upload = SimpleUploadedFile("plan.pdf", b"%PDF-1.7", content_type="application/pdf")

    response = client_for("officer_b", world).post(
        reverse("api:evidence-documents", kwargs={"pk": world.a.evidence.pk}), {"file": upload}, format="multipart"
    )

    assert response.status_code == 404
    assert not world.a.evidence.documents.filter(original_name="plan.pdf").exists()


# Use cases.

HEADER = "agency,id,use_case_name,development_stage,is_high_impact,contact_email\r\n"


def _csv(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("inventory.csv", (HEADER + "".join(rows)).encode(), content_type="text/csv")


def test_an_officer_imports_their_agency_s_inventory(world):
    upload = _csv("DA,DA-1,Translation,Deployed,Not high-impact,\r\n", "DA,DA-2,Triage,Pilot,High-impact,\r\n")

    response = client_for("officer_a", world).post(reverse("api:usecase-import"), {"file": upload}, format="multipart")

    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ("kind", "created", "updated", "unchanged", "refused", "agencies")} == {
        "kind": "individual",
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "refused": 0,
        "agencies": ["DA"],
    }
    assert set(UseCase.objects.filter(agency=world.a.agency).values_list("use_case_id", flat=True)) >= {"DA-1", "DA-2"}


def test_a_row_that_cannot_be_stored_is_refused_with_its_line_and_the_others_import(world):
    upload = _csv("DA,DA-1,Translation,Deployed,Not high-impact,\r\n", "DB,DB-9,Triage,Someday,High-impact,x\r\n")

    response = client_for("officer_a", world).post(reverse("api:usecase-import"), {"file": upload}, format="multipart")

    assert response.status_code == 200
    body = response.json()
    assert (body["created"], body["refused"]) == (1, 1)
    refused = {(p["line"], p["field"]) for p in body["problems"] if p["refused"]}
    warned = {(p["line"], p["field"]) for p in body["problems"] if not p["refused"]}
    assert refused == {(3, "agency")}
    assert {(3, "development_stage"), (3, "contact_email")} <= warned
    assert UseCase.objects.filter(use_case_id="DA-1").exists()
    assert not UseCase.objects.filter(use_case_id="DB-9").exists()


def test_the_export_is_omb_s_csv_of_the_use_cases_one_may_see(world):
    response = client_for("officer_a", world).get(reverse("api:usecase-export"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeffagency,agency_name,id,use_case_name,")
    assert world.a.use_case.use_case_id in text
    assert world.b.use_case.use_case_id not in text


# Reports and attestations.


def test_an_officer_requests_a_report_and_polls_its_location(world, django_capture_on_commit_callbacks):
    client = client_for("officer_a", world)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("api:report-list"), {"framework": "all", "agency": world.a.agency.pk})
    polled = client.get(response["Location"])

    assert response.status_code == 202
    assert polled.status_code == 200
    assert polled.json()["status"] == "queued"
    assert polled.json()["pdf_url"] is None


def test_only_gsa_requests_the_government_wide_report(world):
    officer = client_for("officer_a", world).post(reverse("api:report-list"), {"framework": "all"}, format="json")
    unknown = client_for("gsa", world).post(reverse("api:report-list"), {"framework": "m-00-00"}, format="json")

    assert officer.status_code == 403
    assert unknown.status_code == 400
    assert list(unknown.json()["error"]["details"]) == ["framework"]


def test_reports_are_scoped_and_an_issued_pdf_downloads(world):
    listed = client_for("officer_b", world).get(reverse("api:report-list"))
    other = client_for("officer_b", world).get(reverse("api:report-pdf", kwargs={"pk": world.a.report.pk}))
    own = client_for("officer_a", world).get(reverse("api:report-pdf", kwargs={"pk": world.a.report.pk}))

    assert [row["id"] for row in listed.json()["results"]] == [world.b.report.pk]
    assert other.status_code == 404
    assert own.status_code == 200
    assert own["Content-Type"] == "application/pdf"
    assert hashlib.sha256(b"".join(own.streaming_content)).hexdigest() == world.a.report.sha256


def test_a_report_not_yet_issued_has_no_pdf(world):
    Report.objects.filter(pk=world.a.report.pk).update(status="running", sha256="", issued_at=None)

    response = client_for("officer_a", world).get(reverse("api:report-pdf", kwargs={"pk": world.a.report.pk}))

    assert response.status_code == 409
    assert response["Content-Type"] == "application/json"


def test_anyone_checks_an_attestation_by_digest_or_by_file(world):
    anonymous = APIClient()
    url = reverse("api:attestation-verify")
    pdf = world.a.report.pdf.open("rb").read()

    by_digest = anonymous.get(url, {"sha256": world.a.report.sha256.upper()})
    by_file = anonymous.post(url, {"pdf": SimpleUploadedFile("r.pdf", pdf)}, format="multipart")
    unknown = anonymous.get(url, {"sha256": "0" * 64})
    malformed = anonymous.get(url, {"sha256": "abc"})

    assert by_digest.status_code == 200 and by_digest.json()["issued"] is True
    assert by_digest.json()["report_id"] == world.a.report.number
    assert by_file.json()["issued"] is True
    assert unknown.json() == {"sha256": "0" * 64, "issued": False, "signature": None}
    assert malformed.status_code == 400
    assert list(malformed.json()["error"]["details"]) == ["sha256"]


# AI-BOMs.


def test_a_public_model_version_s_aibom_is_cyclonedx_1_6(world):
    response = APIClient().get(reverse("api:modelversionaibom-aibom", kwargs={"pk": world.model_version.pk}))

    assert response.status_code == 200
    assert (response.json()["bomFormat"], response.json()["specVersion"]) == ("CycloneDX", "1.6")
    assert response.json()["components"][0]["type"] == "machine-learning-model"


def test_a_pending_offering_s_aibom_is_not_public(world):
    hidden = world.pending_offering.model_versions.get()
    url = reverse("api:modelversionaibom-aibom", kwargs={"pk": hidden.pk})

    assert APIClient().get(url).status_code == 404
    assert client_for("auditor", world).get(url).status_code == 200


def test_an_agency_s_aibom_is_its_own_officers_and_gsa_s(world):
    url = reverse("api:agencycompliance-aibom", kwargs={"pk": world.a.agency.pk})

    own = client_for("officer_a", world).get(url)
    other = client_for("officer_b", world).get(url)
    anonymous = APIClient().get(url)

    assert own.status_code == 200
    assert own.json()["metadata"]["component"]["name"] == "DA AI deployments"
    assert (other.status_code, anonymous.status_code) == (404, 401)
