"""What portal.js adds, in Chromium at a desktop and a phone width: the error summary takes the focus, a
confirmation dialog stands before revoking a token, the copy button copies the key, and the report list
refreshes itself when a PDF is ready.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from agencies.models import ApiToken
from compliance.models import Report
from compliance.services import report_request
from tests.browser.conftest import axe_violations
from tests.browser.test_portal import sign_in
from tests.factories import AgencyFactory, agency_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [pytest.param(1280, 900, id="desktop"), pytest.param(390, 844, id="phone")]


@pytest.fixture
def officer(transactional_db):
    return agency_officer(AgencyFactory(name="Department of Energy", abbreviation="DOE"), username="doe-officer")


@pytest.mark.parametrize("width,height", WIDTHS)
def test_errors_take_the_focus_and_revoking_a_token_asks_first(page, live_server, officer, width, height):
    # `page` lets axe-core in (bypass_csp); the CSP of these pages is checked in test_portal.py.
    page.set_viewport_size({"width": width, "height": height})
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server, "doe-officer")

    # An empty use case form: every error at once, in a summary that has the focus, each linked to its field.
    page.goto(live_server.url + reverse("compliance:use-case-create"))
    page.get_by_role("button", name="Save use case").click()
    summary = page.locator("[data-error-summary]")
    summary.wait_for()
    assert page.evaluate("document.activeElement.hasAttribute('data-error-summary')")
    assert summary.get_by_role("link", name="Use case name: This field is required.").count() == 1
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "id_agency" or page.url.endswith("#id_agency")

    # A token: the key is copied by its button; revoking asks first, and Cancel leaves the token alone.
    page.goto(live_server.url + reverse("tokens:list"))
    page.get_by_label("Name").fill("procurement")
    page.get_by_role("button", name="Create token").click()
    key = page.locator("#api-key").input_value()
    page.get_by_role("button", name="Copy key").click()
    page.get_by_text("Copied").wait_for(state="attached")
    assert page.evaluate("navigator.clipboard.readText()") == key
    page.goto(live_server.url + reverse("tokens:list"))
    page.get_by_role("button", name="Revoke procurement").click()
    dialog = page.get_by_role("dialog", name="Revoke this token?")
    dialog.wait_for()
    assert "cannot be restored" in dialog.inner_text()
    assert axe_violations(page) == []
    dialog.get_by_role("button", name="Cancel").click()
    assert ApiToken.objects.get(name="procurement").revoked_at is None
    page.get_by_role("button", name="Revoke procurement").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    page.get_by_text("revoked", exact=True).wait_for()
    assert ApiToken.objects.get(name="procurement").revoked_at is not None
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_the_report_list_shows_the_pdf_once_it_is_ready(csp_page, live_server, officer):
    report = report_request(requested_by=officer, framework="all", agency=officer.agency)
    sign_in(csp_page, live_server, "doe-officer")
    csp_page.goto(live_server.url + reverse("compliance:report-list"))
    assert csp_page.get_by_role("link", name=f"Download report {report.number}").count() == 0

    Report.objects.filter(pk=report.pk).update(
        status=Report.Status.ISSUED, issued_at=timezone.now(), sha256="e" * 64, pdf="reports/r.pdf"
    )

    csp_page.get_by_role("link", name=f"Download report {report.number}").wait_for(timeout=15_000)
    assert csp_page.get_by_role("button", name=f"Copy the SHA-256 of report {report.number}").is_visible()
    assert csp_page.csp_violations == []
