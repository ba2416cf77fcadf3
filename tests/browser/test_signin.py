"""Single sign-on end to end in Chromium: the registry, the real test OpenID provider, and back."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import IdentityLink
from core.models import AuditEvent
from tests.browser.conftest import screenshot
from tests.factories import AgencyFactory, agency_officer
from tests.oidc import PIV_CAC, WEAKER, configure, provider_start

pytestmark = pytest.mark.browser


@pytest.fixture
def sso(settings, live_server, tmp_path, transactional_db):
    provider = provider_start(tmp_path, site_url=live_server.url)
    configure(settings, provider, site_url=live_server.url)
    yield provider
    provider.stop()


def sign_in_at_idp(page, live_server, *, sub: str, email: str, acr: str) -> None:
    page.goto(live_server.url + reverse("login"))
    page.get_by_role("link", name="Sign in with Login.gov").click()
    page.wait_for_selector("#requested-acr")
    page.fill("#sub", sub)
    page.fill("#email", email)
    page.select_option("#acr", acr)
    page.click("#sign-in")


def test_an_officer_signs_in_with_login_gov_and_out_again(page, live_server, sso):
    officer = agency_officer(AgencyFactory(abbreviation="DOE"), email="grace@energy.gov", first_name="Grace")

    sign_in_at_idp(page, live_server, sub="uuid-grace", email="grace@energy.gov", acr=PIV_CAC)
    page.wait_for_url(live_server.url + "/")

    assert page.get_by_role("button", name="Sign out").is_visible()
    assert page.locator("#requested-acr").count() == 0
    screenshot(page, "signin-oidc-dashboard")
    assert IdentityLink.objects.get(user=officer).subject == "uuid-grace"
    assert AuditEvent.objects.filter(action="auth.signed_in").latest("seq").after["acr"] == PIV_CAC

    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(sso.issuer + "/session/end*")
    page.get_by_role("button", name="Yes, sign me out").click()
    page.wait_for_url(live_server.url + "/**")
    assert page.get_by_role("link", name="Sign in").first.is_visible()


def test_a_weaker_acr_is_refused_in_the_browser_with_the_reason(page, live_server, sso):
    agency_officer(AgencyFactory(abbreviation="DOE"), email="grace@energy.gov")

    sign_in_at_idp(page, live_server, sub="uuid-grace", email="grace@energy.gov", acr=WEAKER)
    page.wait_for_selector("#signin-error")

    assert "Sign in again with your PIV/CAC" in page.inner_text("#signin-error")
    assert page.get_by_role("link", name="Sign in with Login.gov").is_visible()
    screenshot(page, "signin-oidc-refused")
