"""The portal's whole workflow in Chromium against a live server, with a real Celery worker and the real engine.

An agency officer requests an offering; a GSA officer reviews and approves it; the agency officer
activates it, registers a deployment of its model under MODEL_ROOTS and starts a verification. A real
worker (tests/browser/conftest.py: registry_worker) takes the task from the broker and the real
verification engine hashes the folder against the manifest served by the stand-in Hub; the run page
follows it by htmx polling until it finishes with its per-file results, and the dashboard shows it.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import Onboarding
from catalog.models import Offering
from compliance.models import Notification, VerificationRun
from tests.browser.conftest import screenshot
from tests.browser.test_portal import sign_in, sign_out
from tests.compliance.conftest import write_tree
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    ModelVersionFactory,
    OfferingFactory,
    agency_officer,
    gsa_officer,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
REPO = "meta-llama/Tiny-Llama"


@pytest.fixture
def published(hub, model_root, small_model, transactional_db):
    """The Hub publishes a small model; the agency's copy under MODEL_ROOTS has one byte changed in one shard."""
    hub.publish(REPO, small_model, license="llama3.1")
    copy = dict(small_model)
    shard = bytearray(copy["model-00002-of-00002.safetensors"])
    shard[100] ^= 0xFF
    copy["model-00002-of-00002.safetensors"] = bytes(shard)
    folder = write_tree(model_root / "DOE" / "tiny-llama", copy)
    agency = AgencyFactory(name="Department of Energy", abbreviation="DOE", caio_name="Dana Chief")
    offering = OfferingFactory(
        name="Llama Open", slug="llama-open", kind=Offering.Kind.OPEN_WEIGHT, description="Open-weight Llama models."
    )
    # A current agreement: an offering whose agreements have all ended cannot be requested.
    AgreementFactory(
        offering=offering,
        title="Meta Llama OneGov agreement",
        price_per_agency="0.00",
        expires_on=timezone.localdate() + dt.timedelta(days=365),
    )
    version = ModelVersionFactory(
        offering=offering, name="Tiny Llama", repo_id=REPO, revision="main", declared_license="llama3.1"
    )
    agency_officer(agency, username="doe-officer")
    gsa_officer(username="gsa-officer")
    return {"agency": agency, "offering": offering, "version": version, "folder": folder}


def _wait_until(condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def _step(page, action: str, reason: str, done: str) -> None:
    page.locator(f"#reason-{action}").fill(reason)
    page.get_by_role("button", name=action.capitalize(), exact=True).click()
    # Each step asks for confirmation first (portal.js's dialog), saying what will change.
    page.get_by_role("dialog").get_by_role("button", name=action.capitalize(), exact=True).click()
    page.get_by_text(f"The onboarding was {done}.").wait_for()


def test_request_approval_activation_deployment_and_a_real_verification_show_on_the_dashboard(
    page, live_server, published, registry_worker
):
    offering, agency = published["offering"], published["agency"]

    # 1. The agency officer requests the offering with the M-25-22 contract facts.
    sign_in(page, live_server, "doe-officer")
    page.goto(live_server.url + reverse("catalog:offering-detail", args=[offering.slug]))
    page.get_by_role("link", name="Request this offering").click()
    page.get_by_label("What the agency will use it for").fill("Summarize public comments.")
    page.get_by_label("Contract number").fill("47QTCA-25-0001")
    page.get_by_label("The contract forbids training on non-public agency data").select_option("true")
    page.get_by_label("The contract provides data and model portability").select_option("true")
    page.get_by_label("ATO granted on").fill("2026-01-15")
    page.get_by_role("button", name="Send the request").click()
    page.get_by_text("was sent to GSA for review").wait_for()
    screenshot(page, "e2e-1-onboarding-requested")
    onboarding = Onboarding.objects.get(offering=offering, agency=agency)
    sign_out(page)

    # 2. A GSA officer reviews and approves it.
    sign_in(page, live_server, "gsa-officer")
    page.goto(live_server.url + reverse("agencies:onboarding-detail", args=[onboarding.pk]))
    _step(page, "review", "Reviewing the contract facts.", "taken under review")
    _step(page, "approve", "Meets M-25-22.", "approved")
    screenshot(page, "e2e-2-onboarding-approved")
    history = page.locator(".usa-process-list").inner_text()
    assert "Summarize public comments." in page.content() and "Meets M-25-22." in history
    sign_out(page)

    # 3. The agency officer activates it and registers a deployment of the model under MODEL_ROOTS.
    sign_in(page, live_server, "doe-officer")
    page.goto(live_server.url + reverse("agencies:onboarding-detail", args=[onboarding.pk]))
    _step(page, "activate", "ATO granted; going live.", "activated")
    page.goto(live_server.url + reverse("agencies:deployment-create"))
    page.locator("#id_name").fill("doe-tiny-llama")
    page.locator("#id_model_version").select_option(str(published["version"].pk))
    page.locator("#id_onboarding").select_option(str(onboarding.pk))
    page.locator("#id_storage_path").fill(str(published["folder"]))
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Deployment DOE/doe-tiny-llama was saved.").wait_for()

    # 4. It starts a verification; the real worker runs the real engine; the page follows it to the end.
    page.get_by_role("button", name="Verify this deployment").click()
    page.get_by_text("This page updates by itself").wait_for()
    screenshot(page, "e2e-3-verification-queued")
    page.get_by_role("heading", name="Files").wait_for(timeout=90_000)  # htmx saw the end and reloaded the page
    run = VerificationRun.objects.get(deployment__name="doe-tiny-llama")
    assert run.status == VerificationRun.Status.FAILED, run.error_message
    assert run.attempts == 1 and run.license_ok and run.count_mismatch == 1
    assert run.count_ok == 4 and run.files_total == 5
    files = page.locator("table:not(.registry-history) tbody tr")  # the run's History section is a table too
    rows = {line.split("\t")[0]: line.split("\t")[1].lower() for line in files.all_inner_texts()}
    assert rows["model-00002-of-00002.safetensors"] == "mismatch" and rows["config.json"] == "ok" and len(rows) == 5
    assert page.locator("[hx-get]").count() == 0
    screenshot(page, "e2e-4-verification-finished")

    # 5. The dashboard shows the change: an active onboarding and the failed verification; the alert arrived.
    page.goto(live_server.url + reverse("home"))
    failures = page.locator("#failures-heading + ul").inner_text()
    assert f"Verification #{run.pk}" in failures and "Failed" in failures
    this_week = page.locator("#outcome-chart-heading ~ figure tbody tr").last.locator("td")
    assert [this_week.nth(i).text_content() for i in range(3)] == ["0", "1", "0"]  # passed, failed, error
    states = page.locator("#onboarding-chart-heading ~ figure tbody tr")
    assert states.filter(has=page.locator("th", has_text="Active")).locator("td").text_content() == "1"
    screenshot(page, "e2e-5-dashboard")
    # The worker also ran the alert task the finished run sent: the header counts it, beside GSA's approval.
    mine = Notification.objects.filter(recipient__username="doe-officer")
    _wait_until(lambda: mine.filter(alert__kind="verification_failed").exists())
    page.reload()
    assert page.locator("#unread-count").inner_text().startswith("2")
    page.get_by_role("link", name="Notifications").click()
    assert "doe-tiny-llama" in page.locator("#notifications").inner_text()
    assert "GSA approved DOE's request" in page.locator("#notifications").inner_text()
    screenshot(page, "e2e-6-notifications")
