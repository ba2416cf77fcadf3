"""Agency officers see only their own agency's rows: in lists, searches, counts, filters, CSV and details."""

import csv
import io

import pytest
from django.urls import reverse

from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

SCOPED_LISTS = [
    "agency-list",
    "onboarding-list",
    "onboardingtransition-list",
    "deployment-list",
    "verificationrun-list",
    "verificationfileresult-list",
    "auditevent-list",
    "webhooksubscription-list",
    "webhookdelivery-list",
]


def _csv_rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("name", SCOPED_LISTS)
def test_an_agency_officer_lists_and_counts_only_their_agencys_rows(name, world):
    client = client_for("officer_a", world)

    page = client.get(reverse(f"api:{name}")).json()
    everyone = client_for("auditor", world).get(reverse(f"api:{name}")).json()

    assert page["count"] == len(page["results"]) >= 1
    assert everyone["count"] > page["count"]
    serialized = str(page["results"])
    assert "Department of B" not in serialized and "officer-b" not in serialized and "llama-b" not in serialized


@pytest.mark.parametrize("name", SCOPED_LISTS)
def test_the_csv_export_keeps_the_agency_scope(name, world):
    client = client_for("officer_a", world)

    response = client.get(reverse(f"api:{name}"), {"format": "csv"})
    rows = _csv_rows(response)
    total = len(_csv_rows(client_for("gsa", world).get(reverse(f"api:{name}"), {"format": "csv"})))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 1 <= len(rows) < total
    assert "officer-b" not in str(rows) and "llama-b" not in str(rows)


def test_searching_and_filtering_for_another_agencys_rows_finds_nothing(world):
    client = client_for("officer_a", world)

    by_search = client.get(reverse("api:deployment-list"), {"search": "llama-b"}).json()
    by_filter = client.get(reverse("api:deployment-list"), {"agency": world.b.agency.pk}).json()
    by_run_filter = client.get(reverse("api:verificationfileresult-list"), {"run": world.b.run.pk}).json()
    own = client.get(reverse("api:deployment-list"), {"search": "llama-a"}).json()

    assert by_search["count"] == by_filter["count"] == by_run_filter["count"] == 0
    assert own["count"] == 1


@pytest.mark.parametrize(
    ("name", "attribute"),
    [
        ("agency-detail", "agency"),
        ("onboarding-detail", "onboarding"),
        ("deployment-detail", "deployment"),
        ("verificationrun-detail", "run"),
        ("verificationfileresult-detail", "file_result"),
        ("webhookdelivery-detail", "delivery"),
        ("onboardingtransition-detail", "transition"),
    ],
)
def test_another_agencys_record_is_a_404_as_if_it_did_not_exist(name, attribute, world):
    client = client_for("officer_a", world)

    other = client.get(reverse(f"api:{name}", kwargs={"pk": getattr(world.b, attribute).pk}))
    own = client.get(reverse(f"api:{name}", kwargs={"pk": getattr(world.a, attribute).pk}))

    assert other.status_code == 404
    assert other.json() == {"error": {"code": "not_found", "message": "Not found.", "details": {}}}
    assert own.status_code == 200


def test_another_agencys_audit_event_is_a_404(world):
    client = client_for("officer_a", world)

    response = client.get(reverse("api:auditevent-detail", kwargs={"seq": world.b.event.seq}))

    assert response.status_code == 404


def test_anonymous_visitors_see_only_the_approved_catalog(world):
    client = client_for("anonymous", world)

    offerings = client.get(reverse("api:offering-list")).json()
    agreements = client.get(reverse("api:agreement-list")).json()
    versions = client.get(reverse("api:modelversion-list")).json()
    pending = client.get(reverse("api:offering-detail", kwargs={"pk": world.pending_offering.pk}))

    assert [o["slug"] for o in offerings["results"]] == ["llama"]
    assert {a["offering"] for a in agreements["results"]} == {world.offering.pk}
    assert {v["offering"] for v in versions["results"]} == {world.offering.pk}
    assert pending.status_code == 404
    assert client.get(reverse("api:vendor-list")).status_code == 401


def test_signed_in_users_see_the_whole_catalog(world):
    response = client_for("officer_b", world).get(reverse("api:offering-list"))

    assert {o["slug"] for o in response.json()["results"]} == {"llama", "secret-pending"}
