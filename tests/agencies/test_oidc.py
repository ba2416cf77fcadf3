"""Single sign-on through a real OpenID provider (panva/oidc-provider on 127.0.0.1) with private_key_jwt and PKCE."""

from __future__ import annotations

import io
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.management import call_command
from django.urls import reverse

from agencies.models import IdentityLink
from agencies.oidc import SESSION_ACR
from core.models import AuditEvent
from tests.factories import AgencyFactory, agency_officer, gsa_officer
from tests.oidc import PIV_CAC, WEAKER, configure, idp_sign_in, provider_start

pytestmark = pytest.mark.django_db
SITE = "http://registry.test"


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    provider = provider_start(tmp_path_factory.mktemp("oidc"), site_url=SITE)
    yield provider
    provider.tamper(None)
    provider.stop()


@pytest.fixture
def sso(settings, provider):
    configure(settings, provider, site_url=SITE)
    provider.tamper(None)
    return provider


@pytest.fixture
def officer():
    return agency_officer(AgencyFactory(abbreviation="DOE"), email="grace@energy.gov", first_name="Grace")


def last_event(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


def test_an_officer_signs_in_with_piv_cac_and_is_linked_to_their_subject(client, sso, officer):
    response = idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", site_url=SITE)

    assert response.status_code == 302, response.content.decode()
    assert response["Location"] == "/"
    assert client.session["_auth_user_id"] == str(officer.pk)
    assert client.session[SESSION_ACR] == PIV_CAC
    link = IdentityLink.objects.get(user=officer)
    assert (link.issuer, link.subject) == (sso.issuer, "login-gov-uuid-1")
    event = last_event("auth.signed_in")
    assert event.after["acr"] == PIV_CAC
    assert event.after["method"] == "oidc"
    assert event.actor_id == officer.pk
    assert last_event("auth.identity_linked").after["subject"] == "login-gov-uuid-1"
    assert client.get("/").status_code == 200


def test_a_linked_user_signs_in_again_by_subject_even_with_a_new_email(client, sso, officer):
    idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", site_url=SITE)
    client.logout()

    response = idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace.hopper@energy.gov", site_url=SITE)

    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(officer.pk)


def test_an_unknown_user_is_refused_with_a_clear_message(client, sso, officer):
    response = idp_sign_in(client, sso, sub="login-gov-uuid-9", email="stranger@example.com", site_url=SITE)

    assert response.status_code == 403
    assert "no registry account has that e-mail address" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert not IdentityLink.objects.exists()
    assert last_event("auth.signin_refused").after["reason"] == "unknown_user"


def test_another_subject_with_the_same_email_cannot_take_the_account_over(client, sso, officer):
    idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", site_url=SITE)
    client.logout()

    response = idp_sign_in(client, sso, sub="login-gov-uuid-2", email="grace@energy.gov", site_url=SITE)

    assert response.status_code == 403
    assert "is linked to another Login.gov identity" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert list(IdentityLink.objects.values_list("subject", flat=True)) == ["login-gov-uuid-1"]
    assert last_event("auth.signin_refused").after["reason"] == "subject_mismatch"


def test_a_weaker_acr_than_piv_cac_is_refused(client, sso, officer):
    response = idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", acr=WEAKER, site_url=SITE)

    assert response.status_code == 403
    assert "Sign in again with your PIV/CAC" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert last_event("auth.signin_refused").after["acr"] == WEAKER


@pytest.mark.parametrize(
    ("claim", "expected"),
    [("aud", "aud"), ("nonce", "nonce"), ("exp", "expired")],
    ids=["wrong-audience", "bad-nonce", "expired"],
)
def test_an_id_token_failing_a_check_is_refused(client, sso, officer, claim, expected):
    sso.tamper(claim)

    response = idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", site_url=SITE)

    assert response.status_code == 403
    body = response.content.decode()
    assert "did not pass the registry&#x27;s checks" in body
    assert expected in body.lower()
    assert "_auth_user_id" not in client.session
    assert last_event("auth.signin_refused").after["reason"] == "id_token_invalid"


def test_a_replayed_callback_is_refused(client, sso, officer):
    start = idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", site_url=SITE)
    assert start.status_code == 302
    client.logout()

    response = client.get(reverse("agencies:oidc-callback"), {"code": "x", "state": "not-ours"})

    assert response.status_code == 403
    assert "_auth_user_id" not in client.session


def test_the_sign_in_page_offers_login_gov_only_when_configured(client, settings, sso):
    assert "Sign in with Login.gov" in client.get(reverse("login")).content.decode()

    settings.OIDC_ISSUER_URL = ""

    assert "Sign in with Login.gov" not in client.get(reverse("login")).content.decode()
    assert client.get(reverse("agencies:oidc-start")).status_code == 404


def test_without_password_signin_only_superusers_use_a_password(client, settings):
    settings.PASSWORD_SIGNIN = False
    officer = gsa_officer(username="gsa-pw")
    officer.set_password("a long enough password 1")
    officer.save()
    admin = gsa_officer(username="admin-pw", is_superuser=True, is_staff=True)
    admin.set_password("a long enough password 2")
    admin.save()

    refused = client.post(reverse("login"), {"username": "gsa-pw", "password": "a long enough password 1"})
    accepted = client.post(reverse("login"), {"username": "admin-pw", "password": "a long enough password 2"})

    assert refused.status_code == 200
    assert "did not match" in refused.content.decode()
    assert accepted.status_code == 302
    assert client.session["_auth_user_id"] == str(admin.pk)


def test_turning_passwords_off_ends_existing_password_sessions(client, settings):
    officer = gsa_officer(username="gsa-pw")
    client.force_login(officer, backend="agencies.signin.LockoutModelBackend")
    assert client.get("/").wsgi_request.user.is_authenticated

    settings.PASSWORD_SIGNIN = False

    assert not client.get("/").wsgi_request.user.is_authenticated


def test_single_sign_on_sessions_survive_passwords_being_off(client, settings, sso, officer):
    settings.PASSWORD_SIGNIN = False

    idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", site_url=SITE)

    assert client.get("/").wsgi_request.user == officer


def test_sign_out_ends_the_idp_session_too(client, sso, officer):
    idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", site_url=SITE)

    response = client.post(reverse("logout"))

    assert response.status_code == 302
    assert response["Location"].startswith(f"{sso.issuer}/session/end")
    assert "post_logout_redirect_uri=http%3A%2F%2Fregistry.test%2F" in response["Location"]
    assert "_auth_user_id" not in client.session


def test_password_sign_out_stays_on_the_registry(client, sso):
    client.force_login(gsa_officer())

    response = client.post(reverse("logout"))

    assert response["Location"] == "/"


def test_oidc_public_jwk_prints_the_key_the_provider_verified(sso):
    out = io.StringIO()

    call_command("oidc_public_jwk", stdout=out, stderr=io.StringIO())

    jwk = json.loads(out.getvalue())
    assert jwk["kty"] == "RSA" and jwk["alg"] == "RS256" and "d" not in jwk
    certificate = io.StringIO()
    call_command("oidc_public_jwk", "--certificate", stdout=certificate, stderr=io.StringIO())
    assert certificate.getvalue().startswith("-----BEGIN CERTIFICATE-----")


def test_the_provider_refuses_a_client_assertion_signed_with_another_key(client, settings, sso, officer, tmp_path):
    other = tmp_path / "other-key.pem"
    other.write_bytes(
        rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    settings.OIDC_PRIVATE_KEY_FILE = str(other)

    response = idp_sign_in(client, sso, sub="login-gov-uuid-1", email="grace@energy.gov", site_url=SITE)

    assert response.status_code == 403
    assert "invalid_client" in response.content.decode() or "client authentication failed" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert last_event("auth.signin_refused").after["reason"] == "idp_error"
