"""Secrets never enter the audit trail: a snapshot keeps a fingerprint, never the value (issue 14, item 1)."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import User, WebhookSubscription
from agencies.webhooks import webhook_secret_rotate
from core.audit import audit_record, audit_secret_fields, snapshot
from core.models import AuditEvent
from tests.factories import AgencyFactory, agency_officer, auditor, gsa_officer

SENTINEL = "sentinel-secret-value-0123456789abcdef"
# Field names that look like secrets but are not: hashes of public content and the chain's own links.
NOT_SECRET = {
    ("core.auditevent", "hash"),
    ("core.auditevent", "prev_hash"),
    ("core.auditchainhead", "hash"),
}
LOOKS_SECRET = ("secret", "password", "token", "key_hash", "private")


def test_every_field_that_looks_secret_is_marked_secret():
    unmarked = [
        f"{model._meta.label_lower}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if any(word in field.name for word in LOOKS_SECRET)
        and (model._meta.label_lower, field.name) not in NOT_SECRET
        and field.name not in audit_secret_fields(model)
        and not field.is_relation
    ]

    assert unmarked == []


@pytest.mark.parametrize(
    "model",
    [m for m in apps.get_models() if audit_secret_fields(m)],
    ids=lambda m: m._meta.label_lower,
)
def test_no_secret_marked_field_reaches_an_event(model):
    instance = model()
    for name in audit_secret_fields(model):
        setattr(instance, name, SENTINEL)

    snap = snapshot(instance)

    assert SENTINEL not in str(snap)
    assert all(snap[name].startswith("[secret: set, fingerprint ") for name in audit_secret_fields(model))


def test_the_models_known_to_hold_secrets_are_marked():
    marked = {m._meta.label_lower: audit_secret_fields(m) for m in apps.get_models() if audit_secret_fields(m)}

    assert "secret" in marked["agencies.webhooksubscription"]
    assert "key_hash" in marked["agencies.apitoken"]
    assert "password" in marked["agencies.user"]


@pytest.mark.django_db
def test_an_event_given_a_secret_by_hand_keeps_only_its_fingerprint():
    event = audit_record(actor=None, action="test.secret", object_type="x", after={"secret": SENTINEL, "name": "n"})

    assert SENTINEL not in str(event.after) and event.after["name"] == "n"


@pytest.mark.django_db
def test_a_saved_webhook_secret_is_not_readable_through_the_audit_api_or_the_change_feed(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    agency = AgencyFactory()
    gsa = gsa_officer()
    api = APIClient()
    api.force_login(gsa)
    body = {
        "name": "ERP",
        "url": "https://127.0.0.1/hook",
        "secret": SENTINEL,
        "event_types": ["offering.removed"],
        "agency": agency.pk,
    }
    created = api.post(reverse("api:webhooksubscription-list"), body, format="json")

    readers = [auditor(), agency_officer(agency), gsa]
    seen = []
    for reader in readers:
        client = APIClient()
        client.force_login(reader)
        feed = reverse("api:change-list")
        for url in (reverse("api:auditevent-list"), feed, feed + "?format=csv"):
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            seen.append(body.decode())

    assert created.status_code == 201, created.content
    event = AuditEvent.objects.get(object_type="agencies.webhooksubscription")
    assert event.after["secret"].startswith("[secret: set, fingerprint ")
    assert all(SENTINEL not in page for page in seen)


@pytest.mark.django_db
def test_rotating_a_webhook_secret_records_that_it_changed_not_the_value():
    subscription = WebhookSubscription.objects.create(
        name="ERP", url="https://127.0.0.1/hook", secret=SENTINEL, event_types=["offering.removed"]
    )

    new_secret = webhook_secret_rotate(actor=gsa_officer(), subscription=subscription)

    event = AuditEvent.objects.get(action="webhooksubscription.secret_rotated")
    subscription.refresh_from_db()
    assert subscription.secret == new_secret != SENTINEL and len(new_secret) >= 32
    assert event.before["secret"] != event.after["secret"]
    assert new_secret not in str(event.after) and SENTINEL not in str(event.before)


@pytest.mark.django_db
def test_only_gsa_rotates_a_secret_through_the_api_and_sees_it_once():
    agency = AgencyFactory()
    subscription = WebhookSubscription.objects.create(
        name="ERP", url="https://127.0.0.1/hook", secret=SENTINEL, event_types=["offering.removed"], agency=agency
    )
    url = reverse("api:webhooksubscription-rotate", kwargs={"pk": subscription.pk})
    officer, gsa = APIClient(), APIClient()
    officer.force_login(agency_officer(agency))
    gsa.force_login(gsa_officer())

    refused = officer.post(url)
    rotated = gsa.post(url)

    subscription.refresh_from_db()
    assert refused.status_code == 403
    assert rotated.status_code == 200 and rotated.json()["secret"] == subscription.secret != SENTINEL


@pytest.mark.django_db
def test_a_password_change_never_writes_the_hash_into_an_event():
    user = User.objects.create_user(username="pat", password="first-password-123")
    before = snapshot(user)
    user.set_password("second-password-456")

    after = snapshot(user)

    assert "pbkdf2" not in str(before) + str(after) and "md5" not in str(before) + str(after)
    assert before["password"] != after["password"]
