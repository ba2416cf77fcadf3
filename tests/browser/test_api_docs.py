"""The API documentation pages render their operations in Chromium under the site's real CSP.

The tests listen for CSP violations (console messages and securitypolicyviolation events, see
csp_page) and wait for operations to appear, which only happens once the scripts ran and the
schema loaded; an HTML check alone passed while the pages were blank.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_swagger_ui_shows_the_operations_without_a_csp_violation(csp_page, live_server, width, height):
    csp_page.set_viewport_size({"width": width, "height": height})

    csp_page.goto(live_server.url + reverse("api:docs"))

    operation = csp_page.locator(".opblock-summary-path", has_text="/api/v1/offerings/").first
    operation.wait_for(timeout=90_000)
    assert csp_page.locator(".opblock").count() > 20
    assert csp_page.csp_violations == []


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_redoc_shows_the_operations_without_a_csp_violation(csp_page, live_server, width, height):
    csp_page.set_viewport_size({"width": width, "height": height})

    csp_page.goto(live_server.url + reverse("api:redoc"))

    csp_page.locator("[data-section-id*='/operation/']").first.wait_for(state="attached", timeout=90_000)
    assert csp_page.get_by_text("Something went wrong").count() == 0
    assert csp_page.locator("[data-section-id*='/operation/']").count() > 20
    assert "/api/v1/offerings/" in csp_page.content()
    assert csp_page.csp_violations == []
