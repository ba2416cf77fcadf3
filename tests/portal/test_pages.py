"""What the portal's pages show: dashboard, catalog search, verification runs, audit log, sign-in."""

from __future__ import annotations

import datetime as dt

from django.contrib.staticfiles import finders
from django.urls import reverse
from freezegun import freeze_time

from compliance.models import VerificationRun
from tests.factories import PASSWORD, AgencyFactory, OfferingFactory, VendorFactory


def test_the_dashboard_shows_counts_expiring_agreements_waiting_onboardings_failures_and_charts(world, as_user):
    text = as_user(world.officer_a).get(reverse("home")).content.decode()

    assert "Open onboardings" in text
    assert "Llama OneGov deal" in text
    assert reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk]) in text
    assert reverse("compliance:run-detail", args=[world.run_a.pk]) in text
    assert text.count("<svg") == 3 and "Onboardings by status" in text and "Compliance by agency" in text


def test_the_dashboard_of_an_agency_officer_leaves_out_other_agencies(world, as_user):
    text = as_user(world.officer_b).get(reverse("home")).content.decode()

    assert reverse("compliance:run-detail", args=[world.run_a.pk]) not in text
    assert reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk]) not in text
    assert reverse("agencies:onboarding-detail", args=[world.onboarding_b.pk]) in text


def test_the_catalog_searches_by_words_and_filters_by_kind(world, client):
    OfferingFactory(
        name="Gemini Enterprise", slug="gemini", kind="enterprise_saas", vendor=VendorFactory(name="Google")
    )

    found = client.get(reverse("catalog:offering-list"), {"q": "google gemini"}).content.decode()
    filtered = client.get(reverse("catalog:offering-list"), {"kind": "open_weight"}).content.decode()

    assert "Gemini Enterprise" in found and "Llama Open" not in found
    assert "Llama Open" in filtered and "Gemini Enterprise" not in filtered


def test_visitors_never_see_offerings_that_are_not_approved(world, client):
    text = client.get(reverse("catalog:offering-list"), {"status": "pending"}).content.decode()

    assert "Secret Pending" not in text and "Llama Open" in text


def test_lists_paginate(world, as_user):
    for n in range(30):
        AgencyFactory(name=f"Zeta Agency {n:02d}")

    first = as_user(world.gsa).get(reverse("agencies:agency-list")).content.decode()
    second = as_user(world.gsa).get(reverse("agencies:agency-list"), {"page": 2}).content.decode()

    assert "Page 1 of 2" in first and "Zeta Agency 29" not in first
    assert "Page 2 of 2" in second and "Zeta Agency 29" in second


def test_starting_a_verification_queues_a_run_and_opens_its_progress_page(world, as_user):
    client = as_user(world.officer_a)

    response = client.post(reverse("compliance:verification-start", args=[world.deployment_a.pk]), follow=True)

    run = VerificationRun.objects.filter(deployment=world.deployment_a).first()
    text = response.content.decode()
    assert run.status == VerificationRun.Status.QUEUED and run.requested_by == world.officer_a
    assert "hx-get" in text and "every 2s" in text and '<progress id="run-progress-bar"' in text
    assert 'http-equiv="refresh"' in text


def test_the_deployment_page_offers_a_full_hash_that_queues_a_run_reading_every_file(world, as_user):
    client = as_user(world.officer_a)
    page = client.get(reverse("agencies:deployment-detail", args=[world.deployment_a.pk])).content.decode()

    client.post(reverse("compliance:verification-start", args=[world.deployment_a.pk]), {"full": "1"})

    assert "Re-verify (full hash)" in page and 'name="full" value="1"' in page
    run = VerificationRun.objects.filter(deployment=world.deployment_a).first()
    assert run.status == VerificationRun.Status.QUEUED and run.full_rehash is True


def test_the_progress_fragment_asks_htmx_to_reload_the_page_when_the_run_ends(world, as_user):
    client = as_user(world.officer_a)
    url = reverse("compliance:run-detail", args=[world.run_a.pk])

    fragment = client.get(url, headers={"HX-Request": "true"})
    page = client.get(url).content.decode()

    assert fragment["HX-Refresh"] == "true" and "<html" not in fragment.content.decode()
    assert "model.safetensors" in page and "Mismatch" in page and "hx-get" not in page


def test_the_progress_fragment_of_a_running_run_keeps_polling(world, as_user):
    VerificationRun.objects.filter(pk=world.run_a.pk).update(status="running", bytes_done=5, bytes_total=20)

    fragment = as_user(world.officer_a).get(
        reverse("compliance:run-detail", args=[world.run_a.pk]), headers={"HX-Request": "true"}
    )

    assert "HX-Refresh" not in fragment and 'value="25"' in fragment.content.decode()


def test_the_audit_log_filters_by_action_and_scopes_agency_officers(world, as_user):
    url = reverse("compliance:audit-list")

    for_b = as_user(world.officer_b).get(url, {"action": "onboarding."}).content.decode()
    for_gsa = as_user(world.gsa).get(url, {"action": "verification."}).content.decode()

    assert "BETA" in for_b and "ALPHA" not in for_b
    assert "verification.requested" in for_gsa and "onboarding.submit" not in for_gsa


def test_the_audit_log_filters_by_date_range(world, as_user):
    text = as_user(world.gsa).get(reverse("compliance:audit-list"), {"until": "2000-01-01"}).content.decode()

    assert "0 events" in text


def test_an_officer_signs_in_with_the_uswds_form_and_signs_out(world, client):
    page = client.get(reverse("login")).content.decode()
    signed_in = client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    signed_out = client.post(reverse("logout"))

    assert 'class="usa-input' in page and "An official website of the United States government" in page
    assert signed_in.status_code == 302
    assert signed_out.status_code == 302
    assert client.get(reverse("agencies:agency-list")).status_code == 302


def test_a_wrong_password_is_refused_with_a_message(world, client):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})

    assert response.status_code == 200 and "did not match" in response.content.decode()


def test_the_uswds_and_htmx_files_come_from_the_npm_packages():
    for name in (
        "uswds/css/uswds.min.css",
        "uswds/js/uswds.min.js",
        "uswds/fonts/source-sans-pro/sourcesanspro-regular-webfont.woff2",
        "htmx/htmx.min.js",
    ):
        found = finders.find(name)
        assert found and "node_modules" in str(found), name


def test_the_base_page_has_the_banner_skip_link_and_landmarks(world, client):
    text = client.get(reverse("catalog:offering-list")).content.decode()

    assert 'href="#main-content"' in text and '<main id="main-content"' in text
    assert 'class="usa-banner"' in text and "<footer" in text and 'aria-label="Primary navigation"' in text
    assert "https://" not in text.split("<main")[0].replace("https://</strong>", "")


def test_an_idle_session_ends_after_the_timeout(world, client, settings):
    start = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with freeze_time(start):
        client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    with freeze_time(start + dt.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)):
        still_in = client.get(reverse("agencies:agency-list"))

    with freeze_time(start + dt.timedelta(seconds=2 * settings.SESSION_COOKIE_AGE)):
        response = client.get(reverse("agencies:agency-list"))

    assert still_in.status_code == 200
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
