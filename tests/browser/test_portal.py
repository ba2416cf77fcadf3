"""Every main page in Chromium: no serious or critical axe-core violation, no CSP violation, a screenshot each.

The end-to-end workflow (request, approval, activation, deployment, a real verification by a real
worker, the dashboard) is in test_end_to_end.py.
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from agencies.models import Onboarding
from catalog.models import Offering
from compliance.alerts import AlertCandidate, Audience, alert_raise
from compliance.models import Report, Requirement, UseCase, VerificationRun
from compliance.requirements import load_requirements
from compliance.services import evidence_document_add, evidence_record, report_request
from compliance.verification import verification_start
from tests.browser.conftest import axe_violations, screenshot
from tests.factories import (
    PASSWORD,
    AgencyFactory,
    AgreementFactory,
    DeploymentFactory,
    ModelVersionFactory,
    OfferingFactory,
    agency_officer,
    auditor,
    gsa_officer,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def registry(transactional_db):
    agency = AgencyFactory(name="Department of Energy", abbreviation="DOE", caio_name="Dana Chief")
    offering = OfferingFactory(
        name="Llama Open", slug="llama-open", kind=Offering.Kind.OPEN_WEIGHT, description="Open-weight Llama models."
    )
    AgreementFactory(offering=offering, title="Meta Llama OneGov agreement", price_per_agency="0.00")
    version = ModelVersionFactory(offering=offering, name="Llama 3.1 8B", repo_id="meta-llama/Llama-3.1-8B")
    officer = agency_officer(agency, username="doe-officer")
    deployment = DeploymentFactory(agency=agency, model_version=version, name="doe-prod", created_by=officer)
    return {
        "agency": agency,
        "offering": offering,
        "officer": officer,
        "gsa": gsa_officer(username="gsa-officer"),
        "auditor": auditor(username="auditor"),
        "deployment": deployment,
    }


def sign_in(page, live_server, username: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(live_server.url + "/")


def sign_out(page) -> None:
    page.get_by_role("button", name="Sign out").click()


def test_a_rejection_without_reason_shows_the_error_next_to_the_field(page, live_server, registry):
    onboarding = Onboarding.objects.create(
        agency=registry["agency"],
        offering=registry["offering"],
        purpose="Pilot.",
        state=Onboarding.State.REQUESTED,
        requested_by=registry["officer"],
    )
    sign_in(page, live_server, "gsa-officer")
    page.goto(live_server.url + reverse("agencies:onboarding-detail", args=[onboarding.pk]))

    page.locator("#reason-reject").fill(" ")
    page.get_by_role("button", name="Reject").click()
    page.get_by_role("dialog", name="Reject this onboarding?").get_by_role("button", name="Reject").click()
    page.locator("#reason-reject-error").wait_for()

    assert page.locator("#reason-reject-error").is_visible()
    assert page.locator("#reason-reject").get_attribute("aria-invalid") == "true"


MAIN_PAGES = [
    ("catalog", None, lambda r: reverse("catalog:offering-list")),
    ("offering", None, lambda r: reverse("catalog:offering-detail", args=[r["offering"].slug])),
    ("sign-in", None, lambda r: reverse("login")),
    ("dashboard", "gsa-officer", lambda r: reverse("home")),
    ("agencies", "gsa-officer", lambda r: reverse("agencies:agency-list")),
    ("agency", "doe-officer", lambda r: reverse("agencies:agency-detail", args=[r["agency"].pk])),
    ("onboardings", "gsa-officer", lambda r: reverse("agencies:onboarding-list")),
    ("onboarding-request", "doe-officer", lambda r: reverse("agencies:onboarding-request")),
    ("onboarding", "gsa-officer", lambda r: reverse("agencies:onboarding-detail", args=[r["onboarding"].pk])),
    ("deployments", "doe-officer", lambda r: reverse("agencies:deployment-list")),
    ("deployment", "doe-officer", lambda r: reverse("agencies:deployment-detail", args=[r["deployment"].pk])),
    ("deployment-form", "doe-officer", lambda r: reverse("agencies:deployment-create")),
    ("verification", "doe-officer", lambda r: reverse("compliance:run-detail", args=[r["run"].pk])),
    ("audit-log", "auditor", lambda r: reverse("compliance:audit-list")),
    ("offering-edit", "gsa-officer", lambda r: reverse("catalog:record-edit", args=["offerings", r["offering"].pk])),
    ("offering-status", "gsa-officer", lambda r: reverse("catalog:offering-status", args=[r["offering"].slug])),
    ("attestation-check", None, lambda r: reverse("compliance:attestation-verify")),
    ("compliance-status", "doe-officer", lambda r: reverse("compliance:agency-compliance", args=[r["agency"].pk])),
    (
        "evidence-form",
        "doe-officer",
        lambda r: reverse("compliance:evidence-record", args=[r["agency"].pk, r["requirement"].code]),
    ),
    ("use-cases", "doe-officer", lambda r: reverse("compliance:use-case-list")),
    ("use-case", "doe-officer", lambda r: reverse("compliance:use-case-detail", args=[r["use_case"].pk])),
    ("use-case-import", "doe-officer", lambda r: reverse("compliance:use-case-import")),
    ("use-case-form", "doe-officer", lambda r: reverse("compliance:use-case-create")),
    ("offboarding-queue", "doe-officer", lambda r: reverse("agencies:offboarding-queue")),
    ("api-tokens", "doe-officer", lambda r: reverse("tokens:list")),
    ("reports", "doe-officer", lambda r: reverse("compliance:report-list")),
    ("report-request", "doe-officer", lambda r: reverse("compliance:report-request")),
    ("notifications", "doe-officer", lambda r: reverse("compliance:notification-list")),
    ("alert-preferences", "doe-officer", lambda r: reverse("compliance:alert-preferences")),
    ("compliance-status-gsa", "gsa-officer", lambda r: reverse("compliance:agency-compliance", args=[r["agency"].pk])),
    (
        "manifest-import",
        "gsa-officer",
        lambda r: reverse("compliance:manifest-import", args=[r["deployment"].model_version.pk]),
    ),
    ("dashboard-auditor", "auditor", lambda r: reverse("home")),
]


def _main_page_records(registry) -> None:
    """The records the main pages show: an onboarding, a running verification, compliance records, a notification."""
    registry["onboarding"] = Onboarding.objects.create(
        agency=registry["agency"],
        offering=registry["offering"],
        purpose="Pilot.",
        state=Onboarding.State.REQUESTED,
        requested_by=registry["officer"],
    )
    registry["run"] = verification_start(deployment=registry["deployment"], requested_by=registry["officer"])
    VerificationRun.objects.filter(pk=registry["run"].pk).update(status="running", bytes_total=100, bytes_done=40)
    load_requirements()
    officer, agency = registry["officer"], registry["agency"]
    registry["requirement"] = Requirement.objects.filter(applies_to="every_agency", automatic_check="").first()
    evidence = evidence_record(
        actor=officer, requirement=registry["requirement"], agency=agency, status="met", notes="Signed policy."
    )
    evidence_document_add(actor=officer, evidence=evidence, upload=SimpleUploadedFile("policy.txt", b"Policy.\n"))
    registry["use_case"] = UseCase.objects.create(
        agency=agency,
        use_case_id="DOE-1",
        use_case_name="Summarize public comments",
        development_stage="Deployed",
        is_high_impact="Not High-impact",
    )
    report = report_request(requested_by=officer, framework="all", agency=agency)
    report.pdf.save("doe.pdf", ContentFile(b"%PDF-1.7 test"), save=False)
    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.ISSUED, issued_at=timezone.now(), sha256="e" * 64, pdf=report.pdf.name
    )
    report_request(requested_by=officer, framework="m-25-21", agency=agency)
    alert_raise(
        AlertCandidate(
            kind="ato_expiring",
            dedupe_key="browser:ato",
            title="The ATO of Llama Open expires in 30 days",
            message="Renew the ATO.",
            audience=Audience(agency_ids={agency.pk}),
        )
    )


def _visit_main_pages(page, live_server, registry, on_page) -> None:
    signed_in_as = "nobody"
    for name, username, url_of in MAIN_PAGES:
        if username != signed_in_as:
            page.context.clear_cookies()
            if username:
                sign_in(page, live_server, username)
            signed_in_as = username
        page.goto(live_server.url + url_of(registry))
        page.locator("main h1").wait_for()
        on_page(name)


def test_every_main_page_has_no_serious_or_critical_accessibility_violation(
    page, live_server, registry, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _main_page_records(registry)
    found = {}

    def check(name):
        screenshot(page, name)
        violations = axe_violations(page)
        if violations:
            found[name] = violations

    _visit_main_pages(page, live_server, registry, check)

    assert found == {}


def test_no_main_page_breaks_the_content_security_policy(csp_page, live_server, registry, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _main_page_records(registry)
    found = {}

    def check(name):
        csp_page.wait_for_load_state("load")
        if csp_page.csp_violations:
            found[name] = list(csp_page.csp_violations)
            csp_page.csp_violations.clear()

    _visit_main_pages(csp_page, live_server, registry, check)
    # htmx ran under the CSP and read its configuration from the meta tag, so it added no <style> element.
    assert csp_page.evaluate("htmx.config.includeIndicatorStyles") is False
    assert csp_page.evaluate("document.querySelectorAll('style').length") == 0

    assert found == {}


def test_an_inline_script_would_be_reported(csp_page, live_server):
    csp_page.goto(live_server.url + reverse("catalog:offering-list"))

    csp_page.evaluate("""() => { const s = document.createElement('style'); s.textContent = 'p{}';
        document.head.appendChild(s); }""")
    csp_page.wait_for_timeout(300)

    assert any("Content Security Policy" in text for text in csp_page.csp_violations)


def test_the_first_tab_reaches_the_skip_link_which_moves_focus_to_the_main_content(page, live_server, registry):
    page.goto(live_server.url + reverse("catalog:offering-list"))

    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    page.keyboard.press("Enter")

    assert focused == "Skip to main content"
    assert page.evaluate("document.activeElement.id") == "main-content"
