"""The notification list and alert preferences in the portal: each user sees and changes only their own."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from compliance.alerts import AlertCandidate, Audience, alert_raise
from compliance.models import AlertKind, AlertPreference, AuditEvent, Notification


def _alert_for(agency, key="x", title="ALPHA: the ATO for Llama Open expires in 7 days"):
    return alert_raise(
        AlertCandidate(
            kind=AlertKind.ATO_EXPIRING,
            dedupe_key=f"test:{key}",
            title=title,
            message="The authorization to operate ends on 31 Mar 2027.",
            action="Renew the ATO before 31 Mar 2027.",
            audience=Audience(agency_ids=frozenset({agency.pk})),
            due_on=dt.date(2027, 3, 31),
            agency_id=agency.pk,
        )
    )


def test_an_officer_sees_their_own_notifications_with_what_to_do(world, as_user):
    _alert_for(world.agency_a)
    _alert_for(world.agency_b, key="b", title="BETA: something else")

    text = as_user(world.officer_a).get(reverse("compliance:notification-list")).content.decode()

    assert "ALPHA: the ATO for Llama Open expires in 7 days" in text
    assert "Renew the ATO before 31 Mar 2027." in text and "31 Mar 2027" in text
    assert "BETA: something else" not in text
    assert "1 unread" in text


def test_the_notification_list_needs_a_signed_in_user(world, client):
    response = client.get(reverse("compliance:notification-list"))

    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_a_user_marks_their_notification_read_but_not_another_users(world, as_user):
    _alert_for(world.agency_a)
    _alert_for(world.agency_b, key="b")
    mine = Notification.objects.get(recipient=world.officer_a)
    theirs = Notification.objects.get(recipient=world.officer_b)
    client = as_user(world.officer_a)

    refused = client.post(reverse("compliance:notification-read", args=[theirs.pk]))
    done = client.post(reverse("compliance:notification-read", args=[mine.pk]))

    assert refused.status_code == 404 and done.status_code == 302
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.is_read and not theirs.is_read


def test_mark_all_read_empties_the_unread_filter(world, as_user):
    _alert_for(world.agency_a)
    _alert_for(world.agency_a, key="2", title="ALPHA: second")
    client = as_user(world.officer_a)

    response = client.post(reverse("compliance:notification-read-all"), follow=True)
    unread = client.get(reverse("compliance:notification-list"), {"unread": "1"}).content.decode()

    assert "2 notifications marked read." in response.content.decode()
    assert "No notification unread." in unread


def test_marking_read_is_a_post_never_a_get(world, as_user):
    _alert_for(world.agency_a)
    notification = Notification.objects.get(recipient=world.officer_a)

    response = as_user(world.officer_a).get(reverse("compliance:notification-read", args=[notification.pk]))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert not notification.is_read


def test_unticking_a_kind_stops_it_and_an_auditor_may_opt_in(world, as_user):
    kept = [kind for kind in AlertKind.values if kind != AlertKind.ATO_EXPIRING]

    as_user(world.officer_a).post(reverse("compliance:alert-preferences"), {"kinds": kept})
    as_user(world.auditor).post(reverse("compliance:alert-preferences"), {"kinds": [AlertKind.ATO_EXPIRING]})
    _alert_for(world.agency_a)

    assert AlertPreference.objects.get(user=world.officer_a).kind == AlertKind.ATO_EXPIRING
    assert not Notification.objects.filter(recipient=world.officer_a).exists()
    assert Notification.objects.filter(recipient=world.auditor).exists()
    assert AuditEvent.objects.filter(action="alert_preference.set").count() == 2
    page = as_user(world.officer_a).get(reverse("compliance:notification-list")).content.decode()
    assert 'value="ato_expiring">' in page and 'value="model_drift" checked>' in page
