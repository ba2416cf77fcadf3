"""API tokens: hashed at rest, shown once, expiring, revocable, scoped, only in the Authorization header."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import ApiToken
from agencies.tokens import api_token_create, api_token_revoke
from tests.factories import AgencyFactory, agency_officer, gsa_officer

pytestmark = pytest.mark.django_db
VENDORS = "/api/v1/vendors/"


def _client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def test_the_raw_key_is_not_stored_anywhere_in_the_token_table():
    user = gsa_officer()

    token, key = api_token_create(actor=user, user=user, name="contract writing", scope="write")

    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM agencies_apitoken")
        stored = " ".join(str(cell) for row in cursor.fetchall() for cell in row)
    secret = key.split(".", 1)[1]
    assert secret not in stored and key not in stored
    assert token.prefix in stored and len(token.key_hash) == 64


def test_a_token_authenticates_as_its_user():
    user = gsa_officer()
    _, key = api_token_create(actor=user, user=user, name="system")

    response = _client(key).get(VENDORS)

    assert response.status_code == 200
    assert ApiToken.objects.get(user=user).last_used_at is not None


def test_a_wrong_secret_with_a_right_prefix_is_refused():
    user = gsa_officer()
    token, key = api_token_create(actor=user, user=user, name="system")

    response = _client(f"{token.prefix}.not-the-secret").get(VENDORS)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["code"] == "authentication_failed"


def test_an_expired_token_is_refused():
    user = gsa_officer()
    token, key = api_token_create(actor=user, user=user, name="system", expires_days=1)
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert _client(key).get(VENDORS).status_code == 401


def test_revocation_takes_effect_at_once():
    user = gsa_officer()
    token, key = api_token_create(actor=user, user=user, name="system")
    client = _client(key)
    assert client.get(VENDORS).status_code == 200

    api_token_revoke(actor=user, token=token)

    assert client.get(VENDORS).status_code == 401


def test_a_token_in_the_query_string_is_ignored():
    user = gsa_officer()
    _, key = api_token_create(actor=user, user=user, name="system")

    response = APIClient().get(VENDORS, {"token": key, "auth_token": key, "key": key})

    assert response.status_code == 401


def test_a_read_scope_token_cannot_write():
    user = gsa_officer()
    _, key = api_token_create(actor=user, user=user, name="reader", scope="read")

    response = _client(key).post(VENDORS, {"name": "Nope"}, format="json")

    assert response.status_code == 403
    assert "only read" in response.json()["error"]["message"]


def test_a_write_scope_token_of_a_gsa_officer_can_write():
    user = gsa_officer()
    _, key = api_token_create(actor=user, user=user, name="writer", scope="write")

    response = _client(key).post(VENDORS, {"name": "Yes"}, format="json")

    assert response.status_code == 201


def test_the_command_prints_only_the_token_and_the_token_works():
    user = gsa_officer(username="procure")
    out = io.StringIO()

    call_command("create_api_token", "procure", "--scope", "write", "--expires-days", "7", stdout=out)

    key = out.getvalue().strip()
    assert "\n" not in key and key.count(".") == 1
    token = ApiToken.objects.get(user=user)
    assert token.scope == "write"
    assert dt.timedelta(days=6) < token.expires_at - timezone.now() <= dt.timedelta(days=7)
    assert _client(key).get(VENDORS).status_code == 200


def test_the_portal_shows_a_new_key_once_and_lists_it_by_prefix_only(client):
    user = agency_officer(AgencyFactory())
    client.force_login(user)

    created = client.post(reverse("tokens:list"), {"name": "ERP", "scope": "read", "expires_days": 30})
    listing = client.get(reverse("tokens:list"))

    token = ApiToken.objects.get(user=user)
    key = created.context["key"]
    assert key.startswith(token.prefix + ".")
    assert key in created.content.decode()
    assert key not in listing.content.decode() and token.prefix in listing.content.decode()


def test_the_portal_revokes_only_the_users_own_tokens(client):
    owner, other = gsa_officer(), agency_officer(AgencyFactory())
    token, _ = api_token_create(actor=owner, user=owner, name="owner's")
    client.force_login(other)

    foreign = client.post(reverse("tokens:revoke", kwargs={"pk": token.pk}))
    client.force_login(owner)
    own = client.post(reverse("tokens:revoke", kwargs={"pk": token.pk}))

    assert foreign.status_code == 404
    assert own.status_code == 302
    assert ApiToken.objects.get(pk=token.pk).revoked_at is not None


def test_the_token_pages_need_sign_in(client):
    response = client.get(reverse("tokens:list"))

    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_session_writes_without_a_csrf_token_are_refused():
    user = gsa_officer()
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(VENDORS, {"name": "Forged"}, format="json")

    assert response.status_code == 403
    assert "CSRF" in response.json()["error"]["message"]
