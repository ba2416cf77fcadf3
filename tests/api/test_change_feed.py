"""The change feed: audit events after a cursor, in chain order, scoped to the caller's agency."""

import pytest
from django.urls import reverse

from core.audit import audit_record
from core.models import AuditEvent
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db
FEED = "/api/v1/changes/"


def test_the_feed_lists_every_change_after_the_cursor_in_order(world):
    client = client_for("auditor", world)
    for n in range(4):
        audit_record(actor=world.gsa, action="catalog.note", object_type="catalog.offering", object_id=str(n))
    last = AuditEvent.objects.order_by("-seq").first().seq

    first = client.get(FEED, {"since": 0, "limit": 3}).json()
    rest = client.get(FEED, {"since": first["cursor"], "limit": 500}).json()

    seqs = [e["seq"] for e in first["results"] + rest["results"]]
    assert seqs == list(range(1, last + 1))
    assert first["has_more"] is True and first["next"].endswith(f"?since={first['cursor']}&limit=3")
    assert rest["has_more"] is False and rest["next"] is None and rest["cursor"] == last


def test_a_client_that_keeps_its_cursor_sees_each_new_change_once(world):
    client = client_for("gsa", world)
    cursor = client.get(FEED, {"limit": 500}).json()["cursor"]

    client.post(reverse("api:vendor-list"), {"name": "New vendor"})
    client.patch(
        reverse("api:vendor-detail", kwargs={"pk": world.offering.vendor_id}), {"website": "https://x.example"}
    )
    batch = client.get(FEED, {"since": cursor}).json()
    again = client.get(FEED, {"since": batch["cursor"]}).json()

    assert [e["action"] for e in batch["results"]] == ["catalog.vendor.created", "catalog.vendor.updated"]
    assert again["results"] == [] and again["cursor"] == batch["cursor"]


def test_an_agency_officer_sees_only_their_agencys_changes(world):
    audit_record(actor=world.gsa, action="catalog.note", object_type="catalog.offering", object_id="1")

    events = client_for("officer_a", world).get(FEED, {"limit": 500}).json()["results"]

    assert events and {e["agency_id"] for e in events} == {world.a.agency.pk}
    assert world.b.event.seq not in {e["seq"] for e in events}


def test_the_feed_needs_sign_in_and_a_whole_number_cursor(world):
    assert client_for("anonymous", world).get(FEED).status_code == 401
    bad = client_for("gsa", world).get(FEED, {"since": "-1"})
    assert bad.status_code == 400 and "since" in bad.json()["error"]["details"]


def test_the_feed_exports_as_csv(world):
    response = client_for("auditor", world).get(FEED, {"format": "csv", "limit": 2})

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith('"seq","created_at","actor"') and len(lines) == 3
