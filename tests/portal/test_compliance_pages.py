"""The compliance pages (status, evidence, waivers, use case inventory, reports) and notifications, per persona.

Same rules as every portal page: agency officers only their own agency (another agency answers 404),
auditors read everything and change nothing (403), marking evidence reviewed included; GSA officers
everything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from compliance.alerts import AlertCandidate, Audience, alert_raise
from compliance.models import AlertPreference, Evidence, Notification, Report, Requirement, UseCase
from compliance.requirements import load_requirements
from compliance.services import evidence_document_add, evidence_record, report_request
from tests.portal.test_permissions import _assert_status, _expected

PERSONAS = ["anonymous", "officer_a", "officer_b", "auditor", "gsa"]
CSV_HEADER = "agency,id,use_case_name,development_stage,is_high_impact\r\n"


@dataclass
class Records:
    requirement: Requirement
    use_case_a: UseCase
    use_case_b: UseCase
    evidence_a: Evidence
    document_a: object
    report_a: Report
    report_b: Report
    notification_a: Notification
    notification_b: Notification


def _notify(kind: str, key: str, title: str, agency) -> None:
    alert_raise(
        AlertCandidate(
            kind=kind, dedupe_key=key, title=title, message="See the run.", audience=Audience(agency_ids={agency.pk})
        )
    )


@pytest.fixture
def records(world, settings, tmp_path) -> Records:
    settings.MEDIA_ROOT = tmp_path / "media"
    load_requirements()
    requirement = Requirement.objects.filter(applies_to="every_agency", automatic_check="", mandatory=True).first()
    use_case_a = UseCase.objects.create(
        agency=world.agency_a,
        use_case_id="ALPHA-1",
        use_case_name="Alpha letters triage",
        development_stage="Deployed",
        is_high_impact="Not High-impact",
    )
    use_case_b = UseCase.objects.create(
        agency=world.agency_b,
        use_case_id="BETA-1",
        use_case_name="Beta secret triage",
        development_stage="Pilot",
        is_high_impact="Not High-impact",
    )
    evidence_a = evidence_record(
        actor=world.officer_a, requirement=requirement, agency=world.agency_a, status="met", notes="Policy signed."
    )
    document_a = evidence_document_add(
        actor=world.officer_a, evidence=evidence_a, upload=SimpleUploadedFile("policy.txt", b"The policy.\n")
    )
    report_a = report_request(requested_by=world.officer_a, framework="all", agency=world.agency_a)
    report_a.pdf.save("a.pdf", ContentFile(b"%PDF-1.7 alpha report"), save=False)
    report_a.status, report_a.issued_at, report_a.sha256 = Report.Status.ISSUED, timezone.now(), "f" * 64
    report_a.save()
    report_b = report_request(requested_by=world.officer_b, framework="all", agency=world.agency_b)
    _notify("verification_failed", "test:a", "Verification of alpha-prod failed", world.agency_a)
    _notify("verification_failed", "test:b", "Verification of beta-prod failed", world.agency_b)
    return Records(
        requirement=requirement,
        use_case_a=use_case_a,
        use_case_b=use_case_b,
        evidence_a=evidence_a,
        document_a=document_a,
        report_a=report_a,
        report_b=report_b,
        notification_a=Notification.objects.get(recipient=world.officer_a),
        notification_b=Notification.objects.get(recipient=world.officer_b),
    )


READ_PAGES = {
    "compliance of A": (
        lambda w, r: reverse("compliance:agency-compliance", args=[w.agency_a.pk]),
        "login 200 404 200 200",
    ),
    "use cases": (lambda w, r: reverse("compliance:use-case-list"), "login 200 200 200 200"),
    "use case A": (lambda w, r: reverse("compliance:use-case-detail", args=[r.use_case_a.pk]), "login 200 404 200 200"),
    "use cases of A": (
        lambda w, r: reverse("compliance:use-case-list") + f"?agency={w.agency_a.pk}",
        "login 200 404 200 200",
    ),
    "export": (lambda w, r: reverse("compliance:use-case-export"), "login 200 200 200 200"),
    "reports": (lambda w, r: reverse("compliance:report-list"), "login 200 200 200 200"),
    "report A's PDF": (
        lambda w, r: reverse("compliance:report-download", args=[r.report_a.pk]),
        "login 200 404 200 200",
    ),
    "evidence document A": (
        lambda w, r: reverse("compliance:evidence-document", args=[r.document_a.pk]),
        "login 200 404 200 200",
    ),
    "notifications": (lambda w, r: reverse("compliance:notification-list"), "login 200 200 200 200"),
    "alert preferences": (lambda w, r: reverse("compliance:alert-preferences"), "login 200 200 200 200"),
    "attestation check": (lambda w, r: reverse("compliance:attestation-verify"), "200 200 200 200 200"),
    # Change forms.
    "evidence form of A": (
        lambda w, r: reverse("compliance:evidence-record", args=[w.agency_a.pk, r.requirement.code]),
        "login 200 404 403 200",
    ),
    "inventory import": (lambda w, r: reverse("compliance:use-case-import"), "login 200 200 403 200"),
    "report request": (lambda w, r: reverse("compliance:report-request"), "login 200 200 403 200"),
}

POSTS = {
    "record evidence for A": (
        lambda w, r: reverse("compliance:evidence-record", args=[w.agency_a.pk, r.requirement.code]),
        lambda w, r: {"subject": "agency", "status": "partially_met", "notes": "Draft.", "confirm": "on"},
        "login 302 404 403 302",
    ),
    "record evidence for A unconfirmed": (
        lambda w, r: reverse("compliance:evidence-record", args=[w.agency_a.pk, r.requirement.code]),
        lambda w, r: {"subject": "agency", "status": "met"},
        "login 400 404 403 400",
    ),
    "review evidence A": (
        lambda w, r: reverse("compliance:evidence-review", args=[r.evidence_a.pk]),
        lambda w, r: {},
        "login 403 404 403 302",
    ),
    "request A's report": (
        lambda w, r: reverse("compliance:report-request"),
        lambda w, r: {"agency": str(w.agency_a.pk), "framework": "all"},
        "login 302 400 403 302",  # another agency is not among officer B's choices
    ),
    "request the government-wide report": (
        lambda w, r: reverse("compliance:report-request"),
        lambda w, r: {"agency": "government", "framework": "all"},
        "login 400 400 403 302",
    ),
    "mark notification A read": (
        lambda w, r: reverse("compliance:notification-read", args=[r.notification_a.pk]),
        lambda w, r: {},
        "login 302 404 404 404",
    ),
    "mark all read": (
        lambda w, r: reverse("compliance:notifications-read-all"),
        lambda w, r: {},
        "login 302 302 302 302",
    ),
    "import a CSV": (
        lambda w, r: reverse("compliance:use-case-import"),
        lambda w, r: {
            "file": SimpleUploadedFile("i.csv", (CSV_HEADER + "ALPHA,A-9,New,Pilot,Not high-impact\r\n").encode())
        },
        # Imported with warnings (fields OMB requires of a pilot are empty): the page lists them (200).
        "login 200 400 403 200",
    ),
}


def _cases(table):
    return [
        pytest.param(name, persona, expected, id=f"{name}-{persona}")
        for name, spec in table.items()
        for persona, expected in _expected(spec[-1]).items()
    ]


@pytest.mark.parametrize(("page", "persona", "expected"), _cases(READ_PAGES))
def test_each_compliance_page_opens_only_for_the_roles_that_may_see_it(
    world, records, as_user, page, persona, expected
):
    response = as_user(world.persona(persona)).get(READ_PAGES[page][0](world, records))

    _assert_status(response, expected)


@pytest.mark.parametrize(("action", "persona", "expected"), _cases(POSTS))
def test_each_compliance_change_is_refused_to_the_roles_that_may_not_make_it(
    world, records, as_user, action, persona, expected
):
    url_of, data_of, _ = POSTS[action]

    response = as_user(world.persona(persona)).post(url_of(world, records), data_of(world, records))

    _assert_status(response, expected)


def test_the_compliance_page_lists_each_requirement_with_status_decider_due_date_and_evidence(world, records, as_user):
    text = (
        as_user(world.officer_a).get(reverse("compliance:agency-compliance", args=[world.agency_a.pk])).content.decode()
    )

    assert "M21-01" in text and "Automatic" in text and "Evidence" in text
    assert "Policy signed." in text and "policy.txt" in text and "Not reviewed." in text
    assert records.requirement.deadline is None or f"{records.requirement.deadline:%Y-%m-%d}" in text
    assert reverse("compliance:evidence-record", args=[world.agency_a.pk, records.requirement.code]) in text


def test_a_waiver_on_a_requirement_other_than_a_minimum_practice_is_refused_in_the_form(world, records, as_user):
    client = as_user(world.officer_a)
    url = reverse("compliance:evidence-record", args=[world.agency_a.pk, "M21-01"])

    response = client.post(
        url,
        {
            "subject": "agency",
            "status": "waived",
            "waiver_granted_by": "Dana Chief, CAIO",
            "waiver_granted_on": "2026-01-10",
            "waiver_justification": "Reorganisation under way.",
            "waiver_recertify_by": (timezone.localdate() + dt.timedelta(days=200)).isoformat(),
            "confirm": "on",
        },
    )

    assert response.status_code == 400
    assert "M21-01 cannot be waived" in response.content.decode()


def test_an_incomplete_waiver_is_refused_next_to_its_fields(world, records, as_user):
    url = reverse("compliance:evidence-record", args=[world.agency_a.pk, "M21-01"])

    response = as_user(world.officer_a).post(
        url, {"subject": "agency", "status": "waived", "waiver_granted_by": "Dana"}
    )

    assert response.status_code == 400
    text = response.content.decode()
    assert 'id="id_waiver_justification-error"' in text and 'id="id_waiver_granted_by-error"' not in text
    assert not Evidence.objects.filter(requirement__code="M21-01").exists()


def test_a_document_of_a_refused_type_is_shown_next_to_the_file_field_and_nothing_is_saved(world, records, as_user):
    url = reverse("compliance:evidence-record", args=[world.agency_a.pk, "M21-01"])
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00binary")

    response = as_user(world.officer_a).post(
        url, {"subject": "agency", "status": "met", "confirm": "on", "file": upload}
    )

    assert response.status_code == 400
    error = response.content.decode().split('id="id_file-error">')[1].split("<")[0]
    assert "&#x27;tool.exe&#x27; is not one" in error
    assert not Evidence.objects.filter(requirement__code="M21-01").exists()


def test_a_pdf_whose_content_is_not_a_pdf_is_refused_next_to_the_file_field(world, records, as_user):
    url = reverse("compliance:evidence-record", args=[world.agency_a.pk, "M21-01"])
    upload = SimpleUploadedFile("memo.pdf", b"just text")

    response = as_user(world.officer_a).post(
        url, {"subject": "agency", "status": "met", "confirm": "on", "file": upload}
    )

    assert response.status_code == 400
    assert "is not a .pdf file" in response.content.decode().split('id="id_file-error">')[1]


def test_a_gsa_officer_marks_evidence_reviewed_and_a_new_recording_clears_the_review(world, records, as_user):
    as_user(world.gsa).post(reverse("compliance:evidence-review", args=[records.evidence_a.pk]))
    records.evidence_a.refresh_from_db()
    assert records.evidence_a.reviewed_by == world.gsa

    as_user(world.officer_a).post(
        reverse("compliance:evidence-record", args=[world.agency_a.pk, records.requirement.code]),
        {"subject": "agency", "status": "met", "notes": "Updated.", "confirm": "on"},
    )

    records.evidence_a.refresh_from_db()
    assert records.evidence_a.reviewed_by is None and records.evidence_a.notes == "Updated."


def test_the_evidence_document_downloads_with_its_name(world, records, as_user):
    response = as_user(world.gsa).get(reverse("compliance:evidence-document", args=[records.document_a.pk]))

    assert b"".join(response.streaming_content) == b"The policy.\n"
    assert 'filename="policy.txt"' in response["Content-Disposition"]


def test_an_answer_outside_ombs_set_is_kept_and_listed_with_line_and_field(world, records, as_user):
    body = CSV_HEADER + "ALPHA,A-2,Good row,Pilot,Not high-impact\r\nALPHA,A-3,Bad stage,Someday,Not high-impact\r\n"

    response = as_user(world.officer_a).post(
        reverse("compliance:use-case-import"), {"file": SimpleUploadedFile("inv.csv", body.encode())}
    )

    assert response.status_code == 200
    table = response.content.decode().split('id="import-errors"')[1]
    assert '<th scope="row">3</th>' in table and "<code>development_stage</code>" in table
    assert "kept as written" in table
    assert UseCase.objects.get(use_case_id="A-3").development_stage == "Someday"


def test_a_valid_import_adds_the_use_cases_and_says_how_many(world, records, as_user):
    body = CSV_HEADER + "ALPHA,A-2,Good row,Pilot,Not high-impact\r\nALPHA,ALPHA-1,Renamed,Deployed,Not high-impact\r\n"

    response = as_user(world.officer_a).post(
        reverse("compliance:use-case-import"), {"file": SimpleUploadedFile("inv.csv", body.encode())}, follow=True
    )

    assert "1 added, 1 updated" in response.content.decode()
    assert UseCase.objects.get(use_case_id="ALPHA-1").use_case_name == "Renamed"


def test_an_agency_officer_cannot_import_another_agencys_use_cases(world, records, as_user):
    body = CSV_HEADER + "ALPHA,A-7,Sneaky,Pilot,Not high-impact\r\n"

    response = as_user(world.officer_b).post(
        reverse("compliance:use-case-import"), {"file": SimpleUploadedFile("inv.csv", body.encode())}
    )

    assert response.status_code == 400 and "own agency" in response.content.decode()
    assert not UseCase.objects.filter(use_case_id="A-7").exists()


def test_the_export_is_omb_csv_of_the_use_cases_the_user_may_see(world, records, as_user):
    response = as_user(world.officer_b).get(reverse("compliance:use-case-export"))

    text = response.content.decode("utf-8")
    assert response["Content-Type"].startswith("text/csv")
    assert text.startswith("\ufeffagency,agency_name,id,use_case_name")
    assert "BETA-1" in text and "ALPHA-1" not in text


def test_the_use_case_pages_show_the_inventory_fields(world, records, as_user):
    client = as_user(world.officer_a)

    listing = client.get(reverse("compliance:use-case-list")).content.decode()
    detail = client.get(reverse("compliance:use-case-detail", args=[records.use_case_a.pk])).content.decode()

    assert "Alpha letters triage" in listing and "Beta secret triage" not in listing
    assert "Alpha letters triage" in detail and "Deployed" in detail and "Not High-impact" in detail


def test_an_agency_officer_requests_the_own_agencys_report_and_sees_it_queued(world, records, as_user):
    client = as_user(world.officer_a)
    form = client.get(reverse("compliance:report-request")).content.decode()

    response = client.post(
        reverse("compliance:report-request"), {"agency": str(world.agency_a.pk), "framework": "m-25-21"}, follow=True
    )

    assert "Government-wide" not in form and "Department of Beta" not in form
    report = Report.objects.filter(agency=world.agency_a, framework="m-25-21").get()
    assert report.status == Report.Status.QUEUED and report.requested_by == world.officer_a
    assert f"Report #{report.pk} was queued" in response.content.decode()


def test_a_gsa_officer_requests_the_government_wide_report(world, records, as_user):
    as_user(world.gsa).post(reverse("compliance:report-request"), {"agency": "government", "framework": "all"})

    assert Report.objects.filter(agency__isnull=True, requested_by=world.gsa).count() == 1


def test_the_report_list_shows_status_and_a_download_link_only_for_issued_reports(world, records, as_user):
    text = as_user(world.gsa).get(reverse("compliance:report-list")).content.decode()

    assert reverse("compliance:report-download", args=[records.report_a.pk]) in text
    assert reverse("compliance:report-download", args=[records.report_b.pk]) not in text
    assert "Issued" in text and "Queued" in text


def test_an_issued_report_downloads_as_pdf_and_a_queued_one_is_not_found(world, records, as_user):
    client = as_user(world.gsa)

    issued = client.get(reverse("compliance:report-download", args=[records.report_a.pk]))
    queued = client.get(reverse("compliance:report-download", args=[records.report_b.pk]))

    assert issued["Content-Type"] == "application/pdf"
    assert b"".join(issued.streaming_content).startswith(b"%PDF-")
    assert queued.status_code == 404


def test_the_header_counts_unread_notifications_and_marking_read_lowers_it(world, records, as_user):
    client = as_user(world.officer_a)
    before = client.get(reverse("home")).content.decode()

    client.post(reverse("compliance:notification-read", args=[records.notification_a.pk]))

    after = client.get(reverse("compliance:notification-list")).content.decode()
    assert 'id="unread-count">1<' in before
    assert 'id="unread-count"' not in after and "Verification of alpha-prod failed" in after
    assert "Verification of beta-prod failed" not in after


def test_mark_all_read_marks_only_the_users_own_notifications(world, records, as_user):
    as_user(world.officer_a).post(reverse("compliance:notifications-read-all"))

    records.notification_a.refresh_from_db()
    records.notification_b.refresh_from_db()
    assert records.notification_a.read_at is not None and records.notification_b.read_at is None


def test_a_kind_turned_off_on_the_preferences_page_is_no_longer_notified(world, records, as_user):
    kinds = ["agreement_expiring", "ato_expiring", "model_drift", "offering_withdrawn", "omb_deadline"]

    as_user(world.officer_a).post(reverse("compliance:alert-preferences"), dict.fromkeys(kinds, "on"))
    _notify("verification_failed", "test:a2", "Another failure", world.agency_a)

    assert AlertPreference.objects.get(user=world.officer_a, kind="verification_failed").enabled is False
    assert not AlertPreference.objects.filter(user=world.officer_a, kind="model_drift").exists()
    assert not Notification.objects.filter(recipient=world.officer_a, alert__title="Another failure").exists()


def test_an_auditor_turns_a_kind_on(world, records, as_user):
    as_user(world.auditor).post(reverse("compliance:alert-preferences"), {"verification_failed": "on"})
    _notify("verification_failed", "test:a3", "A third failure", world.agency_a)

    assert Notification.objects.filter(recipient=world.auditor, alert__title="A third failure").exists()


def test_the_agency_page_shows_use_cases_and_the_compliance_summary(world, records, as_user):
    text = as_user(world.officer_a).get(reverse("agencies:agency-detail", args=[world.agency_a.pk])).content.decode()

    assert "Alpha letters triage" in text and "appear here once" not in text
    assert reverse("compliance:agency-compliance", args=[world.agency_a.pk]) in text
    assert "requirement" in text and "Not met" in text


def test_the_footer_links_the_public_attestation_check(world, client):
    text = client.get(reverse("catalog:offering-list")).content.decode()

    assert reverse("compliance:attestation-verify") in text


def test_the_dashboard_draws_compliance_by_agency_for_the_agencies_the_user_sees(world, records, as_user):
    officer = as_user(world.officer_b).get(reverse("home")).content.decode()

    table = officer.split('id="compliance-chart-heading"')[1]
    assert '<th scope="row">BETA</th>' in table and "ALPHA" not in table


def test_the_evidence_form_preselects_no_status(world, records, as_user):
    url = reverse("compliance:evidence-record", args=[world.agency_a.pk, "M21-01"])

    page = as_user(world.officer_a).get(url).content.decode()

    select = page.split('name="status"')[1].split("</select>")[0]
    assert select.count("selected") == 1 and 'value="" selected' in select


def test_an_untouched_evidence_form_records_nothing(world, records, as_user):
    url = reverse("compliance:evidence-record", args=[world.agency_a.pk, "M21-01"])

    response = as_user(world.officer_a).post(url, {"subject": "agency"})

    assert response.status_code == 400
    assert not Evidence.objects.filter(requirement__code="M21-01").exists()


def test_met_is_recorded_only_when_confirmed(world, records, as_user):
    url = reverse("compliance:evidence-record", args=[world.agency_a.pk, "M21-01"])

    refused = as_user(world.officer_a).post(url, {"subject": "agency", "status": "met"})
    assert refused.status_code == 400 and 'id="id_confirm-error"' in refused.content.decode()
    assert not Evidence.objects.filter(requirement__code="M21-01").exists()

    as_user(world.officer_a).post(url, {"subject": "agency", "status": "met", "confirm": "on"})
    assert Evidence.objects.get(requirement__code="M21-01").status == "met"
