"""The signed-in user's notifications and alert preferences through the API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from compliance.models import Alert, AlertPreference, Notification
from tests.api.conftest import client_for, token_client

pytestmark = pytest.mark.django_db


def test_a_user_sees_only_their_own_notifications(world):
    mine = client_for("officer_a", world).get(reverse("api:notification-list"))
    theirs = client_for("officer_b", world).get(
        reverse("api:notification-detail", kwargs={"pk": world.a.notification.pk})
    )

    assert [row["id"] for row in mine.json()["results"]] == [world.a.notification.pk]
    assert mine.json()["results"][0]["title"] == "A alert"
    assert theirs.status_code == 404


def test_marking_a_notification_read_is_kept_and_another_user_s_is_not_found(world):
    url = reverse("api:notification-read", kwargs={"pk": world.a.notification.pk})

    refused = client_for("officer_b", world).post(url)
    marked = client_for("officer_a", world).post(url)
    unread = client_for("officer_a", world).get(reverse("api:notification-list"), {"unread": "true"})

    assert refused.status_code == 404
    assert marked.status_code == 200 and marked.json()["is_read"] is True
    assert unread.json()["count"] == 0


def test_mark_all_read_counts_only_the_caller_s_unread(world):
    alert = Alert.objects.create(kind="model_drift", dedupe_key="test:drift", title="Drift", message="m")
    Notification.objects.create(alert=alert, recipient=world.a.officer)

    first = client_for("officer_a", world).post(reverse("api:notification-read_all"))
    again = client_for("officer_a", world).post(reverse("api:notification-read_all"))

    assert (first.json(), again.json()) == ({"marked_read": 2}, {"marked_read": 0})
    assert Notification.objects.get(pk=world.b.notification.pk).read_at is None


def test_a_read_scope_token_may_not_mark_notifications_read(world):
    client = token_client(world.a.officer, scope="read")

    response = client.post(reverse("api:notification-read_all"))

    assert response.status_code == 403
    assert Notification.objects.get(pk=world.a.notification.pk).read_at is None


def test_preferences_list_every_kind_and_an_auditor_opts_in(world):
    client = client_for("auditor", world)
    url = reverse("api:alertpreference-detail", kwargs={"kind": "verification_failed"})

    before = client.get(reverse("api:alertpreference-list")).json()["results"]
    changed = client.put(url, {"enabled": True}, format="json")

    assert len(before) == 9 and not any(row["enabled"] for row in before)
    assert changed.status_code == 200
    assert changed.json() == {
        "kind": "verification_failed",
        "label": "Verification failed",
        "enabled": True,
        "is_default": False,
    }
    assert AlertPreference.objects.get(user=world.auditor, kind="verification_failed").enabled is True


def test_an_unknown_alert_kind_is_not_found(world):
    url = reverse("api:alertpreference-detail", kwargs={"kind": "no_such_kind"})

    response = client_for("officer_a", world).put(url, {"enabled": False}, format="json")

    assert response.status_code == 404
    assert not AlertPreference.objects.exists()
