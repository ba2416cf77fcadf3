"""The workflows issue 17 adds to the portal, through the test client: who may use them and what they do.

Pages: a run's file results as CSV, the inventory CSV template, the offboarding queue, the use case
form (create and edit), withdrawing an onboarding request.
"""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.models import Onboarding, OnboardingTransition
from agencies.services import onboarding_transition
from catalog.models import ModelVersion
from compliance.inventory import LINK_COLUMNS, OMB_COLUMNS
from compliance.manifest import SCHEMA_ID
from compliance.models import Notification, UseCase
from core.models import AuditEvent
from tests.factories import UseCaseFactory
from tests.portal.test_permissions import PERSONAS, _assert_status, _expected

PAGES = {
    "run A files": (lambda w: reverse("compliance:run-files-export", args=[w.run_a.pk]), "login 200 404 200 200"),
    "inventory template": (lambda w: reverse("compliance:use-case-template"), "login 200 200 200 200"),
    "offboarding queue": (lambda w: reverse("agencies:offboarding-queue"), "login 200 200 403 200"),
    "new use case": (lambda w: reverse("compliance:use-case-create"), "login 200 200 403 200"),
    "import a manifest": (
        lambda w: reverse("compliance:manifest-import", args=[w.version.pk]),
        "login 403 403 403 200",
    ),
    "edit use case A": (lambda w: reverse("compliance:use-case-edit", args=[w.use_case_a.pk]), "login 200 404 403 200"),
}


@pytest.fixture
def world(world):
    world.version = ModelVersion.objects.get(repo_id="meta-llama/Llama-3.1-8B")
    world.use_case_a = UseCaseFactory(agency=world.agency_a, use_case_id="DOE-1", use_case_name="Grid forecasting")
    return world


@pytest.mark.parametrize(
    ("page", "persona", "expected"),
    [
        pytest.param(page, persona, expected, id=f"{page}-{persona}")
        for page, (_, row) in PAGES.items()
        for persona, expected in _expected(row).items()
    ],
)
def test_each_new_page_opens_only_for_the_roles_that_may_use_it(world, as_user, page, persona, expected):
    response = as_user(world.persona(persona)).get(PAGES[page][0](world))

    _assert_status(response, expected)


def test_the_file_results_csv_lists_every_file_with_its_full_hashes(world, as_user):
    response = as_user(world.officer_a).get(reverse("compliance:run-files-export", args=[world.run_a.pk]))

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert response["Content-Type"].startswith("text/csv")
    assert [row["path"] for row in rows] == ["config.json", "model.safetensors"]
    assert rows[1]["status"] == "mismatch" and rows[1]["expected"] == "a" * 64 and rows[1]["actual"] == "b" * 64


def test_the_failed_run_page_names_the_file_what_to_do_and_the_full_hash(world, as_user):
    response = as_user(world.officer_a).get(reverse("compliance:run-detail", args=[world.run_a.pk]))

    page = response.content.decode()
    assert "1 file did not match" in page and "<code>model.safetensors</code>: mismatch" in page
    assert "What to do:" in page
    assert "a" * 64 in page


def test_an_error_run_does_not_say_100_percent_done(world, as_user):
    run = world.run_a
    run.status, run.bytes_total, run.bytes_done, run.error_message = "error", 0, 0, "The model folder is missing."
    run.save()

    page = as_user(world.officer_a).get(reverse("compliance:run-detail", args=[run.pk])).content.decode()

    assert "100% done" not in page and 'value="0"' in page
    assert "Stopped at 0%" in page and "The model folder is missing." in page


def test_the_template_has_the_columns_the_import_reads_and_the_page_explains_them(world, as_user):
    client = as_user(world.officer_a)

    template = b"".join(client.get(reverse("compliance:use-case-template")).streaming_content).decode()
    page = client.get(reverse("compliance:use-case-import")).content.decode()

    assert next(csv.reader(io.StringIO(template))) == OMB_COLUMNS + LINK_COLUMNS
    assert "<code>development_stage</code>" in page and "Pre-deployment" in page and "see the README" not in page


def test_an_officer_creates_a_use_case_with_omb_answers(world, as_user):
    data = {
        "agency": world.agency_a.pk,
        "use_case_id": "DOE-2",
        "use_case_name": "Letter triage",
        "development_stage": "Pilot",
        "is_high_impact": "Not High-impact",
    }

    response = as_user(world.officer_a).post(reverse("compliance:use-case-create"), data)

    use_case = UseCase.objects.get(agency=world.agency_a, use_case_id="DOE-2")
    assert response.status_code == 302 and response["Location"] == reverse(
        "compliance:use-case-detail", args=[use_case.pk]
    )
    assert use_case.development_stage == "Pilot"
    assert AuditEvent.objects.filter(action="compliance.usecase.created", object_id=str(use_case.pk)).exists()


def test_an_empty_use_case_form_lists_every_problem_in_the_error_summary(world, as_user):
    response = as_user(world.officer_a).post(reverse("compliance:use-case-create"), {})

    page = response.content.decode()
    assert response.status_code == 400
    assert "data-error-summary" in page and 'href="#id_use_case_name"' in page and 'href="#id_agency"' in page


def test_an_officer_may_not_create_a_use_case_for_another_agency(world, as_user):
    data = {
        "agency": world.agency_b.pk,
        "use_case_id": "B-1",
        "use_case_name": "Not mine",
        "development_stage": "Pilot",
        "is_high_impact": "Not High-impact",
    }

    response = as_user(world.officer_a).post(reverse("compliance:use-case-create"), data)

    assert response.status_code == 400
    assert not UseCase.objects.filter(use_case_id="B-1").exists()


def test_editing_records_the_before_and_after(world, as_user):
    use_case = world.use_case_a
    data = {
        "agency": world.agency_a.pk,
        "use_case_id": use_case.use_case_id,
        "use_case_name": "Grid forecasting v2",
        "development_stage": "Deployed",
        "is_high_impact": "Not High-impact",
    }

    as_user(world.officer_a).post(reverse("compliance:use-case-edit", args=[use_case.pk]), data)

    use_case.refresh_from_db()
    event = AuditEvent.objects.get(action="compliance.usecase.updated", object_id=str(use_case.pk))
    assert use_case.use_case_name == "Grid forecasting v2"
    assert event.before["use_case_name"] == "Grid forecasting" and event.after["use_case_name"] == "Grid forecasting v2"


def test_an_agency_withdraws_its_request_and_the_history_says_so(world, as_user):
    url = reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk])

    response = as_user(world.officer_a).post(url, {"action": "withdraw", "reason": "No longer needed."})

    world.onboarding_a.refresh_from_db()
    assert response.status_code == 302
    assert world.onboarding_a.state == Onboarding.State.WITHDRAWN
    assert OnboardingTransition.objects.filter(onboarding=world.onboarding_a, action="withdraw").exists()


@pytest.mark.parametrize("persona,status", [("officer_b", 404), ("auditor", 403)])
def test_no_one_else_withdraws_a_request(world, as_user, persona, status):
    url = reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk])

    response = as_user(world.persona(persona)).post(url, {"action": "withdraw", "reason": "Not mine."})

    world.onboarding_a.refresh_from_db()
    assert response.status_code == status
    assert world.onboarding_a.state == Onboarding.State.REQUESTED


def test_an_approved_onboarding_cannot_be_withdrawn(world, as_user):
    world.onboarding_a.state = Onboarding.State.APPROVED
    world.onboarding_a.approved_by, world.onboarding_a.approved_at = world.gsa, timezone.now()
    world.onboarding_a.save()

    response = as_user(world.officer_a).post(
        reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk]), {"action": "withdraw", "reason": "Late."}
    )

    world.onboarding_a.refresh_from_db()
    assert response.status_code == 400 and world.onboarding_a.state == Onboarding.State.APPROVED


def test_the_offboarding_queue_shows_flagged_onboardings_of_the_officers_agency_only(world, as_user):
    for onboarding in (world.onboarding_a, world.onboarding_b):
        onboarding.offboarding_flagged_at = timezone.now()
        onboarding.offboarding_flag_reason = "The offering was suspended."
        onboarding.save()

    page_a = as_user(world.officer_a).get(reverse("agencies:offboarding-queue")).content.decode()

    assert f"#{world.onboarding_a.pk}</a>" in page_a and f"#{world.onboarding_b.pk}</a>" not in page_a
    assert "The offering was suspended." in page_a


def test_the_onboarding_page_shows_where_the_request_is(world, as_user):
    page = as_user(world.officer_a).get(reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk]))

    html = page.content.decode()
    assert 'aria-current="step"' in html and "usa-step-indicator" in html
    assert "data-confirm=" in html


def test_dates_read_the_same_everywhere_with_iso_in_the_time_element(world, as_user):
    page = as_user(world.officer_a).get(reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk]))

    created = timezone.localtime(world.onboarding_a.created_at)
    assert f'<time datetime="{created.isoformat(timespec="seconds")}">{created:%-d %b %Y, %H:%M} UTC</time>' in (
        page.content.decode()
    )


@pytest.mark.parametrize("persona,status", [("anonymous", 302), ("officer_a", 403), ("auditor", 403), ("gsa", 302)])
def test_only_gsa_asks_for_a_manifest_sync(world, as_user, persona, status, django_capture_on_commit_callbacks):
    client = as_user(world.persona(persona))

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(reverse("compliance:manifest-sync", args=[world.version.pk]))

    requested = AuditEvent.objects.filter(action="model_version.sync_requested", object_id=str(world.version.pk))
    assert response.status_code == status
    assert requested.exists() == (persona == "gsa")


def test_an_offline_manifest_of_another_repo_is_refused_and_says_which_it_is(world, as_user):
    manifest = json.dumps({"schema": SCHEMA_ID, "repo_id": "other/model", "commit": "c" * 40, "files": []})
    upload = SimpleUploadedFile("m.json", manifest.encode(), content_type="application/json")

    response = as_user(world.gsa).post(reverse("compliance:manifest-import", args=[world.version.pk]), {"file": upload})

    assert response.status_code == 400
    assert "This is a manifest of other/model" in response.content.decode() and "data-error-summary" in (
        response.content.decode()
    )


def test_the_offering_page_offers_the_manifest_actions_to_gsa_only(world, as_user):
    url = reverse("catalog:offering-detail", args=[world.offering.slug])

    gsa_page = as_user(world.gsa).get(url).content.decode()
    officer_page = as_user(world.officer_a).get(url).content.decode()

    assert "Sync manifest" in gsa_page and "Import offline manifest" in gsa_page
    assert "Sync manifest" not in officer_page


def test_the_deployments_list_shows_each_latest_verification(world, as_user):
    page = as_user(world.officer_a).get(reverse("agencies:deployment-list")).content.decode()

    assert reverse("compliance:run-detail", args=[world.run_a.pk]) in page and "Latest verification" in page


def test_sign_in_shows_the_system_use_notice(client):
    page = client.get(reverse("login")).content.decode()

    assert "System use notice" in page and "consent to monitoring" in page


assert PERSONAS == ["anonymous", "officer_a", "officer_b", "auditor", "gsa"]


def test_gsa_is_told_of_a_request_and_the_notification_links_to_it(world, as_user):
    notification = Notification.objects.get(recipient=world.gsa, alert__object_id=str(world.onboarding_a.pk))

    page = as_user(world.gsa).get(reverse("compliance:notification-list")).content.decode()

    assert notification.alert.title == f"{world.agency_a.abbreviation} requests {world.offering}"
    assert (
        f'href="{reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk])}">{notification.alert.title}'
        in (page.replace("&#x27;", "'"))
    )
    assert not Notification.objects.filter(recipient=world.officer_b, alert__object_id=str(world.onboarding_a.pk))


def test_the_agency_is_told_of_gsas_decision(world):
    onboarding_transition(actor=world.gsa, onboarding=world.onboarding_a, action="review", reason="Looking.")
    onboarding_transition(actor=world.gsa, onboarding=world.onboarding_a, action="reject", reason="No budget line.")

    told = Notification.objects.filter(recipient=world.officer_a, alert__kind="onboarding")

    assert [n.alert.title for n in told] == [
        f"GSA rejected {world.agency_a.abbreviation}'s request for {world.offering}"
    ]
    assert "No budget line." in told[0].alert.message
    assert not Notification.objects.filter(recipient=world.officer_b, alert__kind="onboarding").exclude(
        alert__object_id=str(world.onboarding_b.pk)
    )


def test_every_page_carries_the_session_timeout_the_identifier_and_the_print_styles(world, as_user, settings):
    settings.SESSION_COOKIE_AGE = 600

    page = as_user(world.officer_a).get(reverse("agencies:onboarding-list")).content.decode()

    assert 'data-session-timeout="600"' in page and "signed out after 10 minutes of inactivity" in page
    assert 'class="usa-identifier"' in page and 'media="print"' in page
    assert reverse("tokens:list") in page
