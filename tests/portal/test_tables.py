"""The portal's tables: sorting, filters and their chips, pages, CSV export, bulk actions, change history."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from catalog.models import Agreement
from catalog.services import catalog_record_save
from compliance.models import Evidence, VerificationRun
from core.models import AuditEvent
from tests.factories import AgencyFactory
from tests.portal import test_compliance_pages

records = test_compliance_pages.records  # the fixture of the compliance pages' records

# Every list page, and the text that only agency A's rows carry there.
LISTS = {
    "agencies": ("agencies:agency-list", "Department of Alpha"),
    "onboardings": ("agencies:onboarding-list", "ALPHA"),
    "deployments": ("agencies:deployment-list", "alpha-prod"),
    "runs": ("compliance:run-list", "alpha-prod"),
    "evidence": ("compliance:evidence-list", "ALPHA"),
    "use cases": ("compliance:use-case-list", "ALPHA-1"),
    "reports": ("compliance:report-list", "ALPHA"),
    "audit": ("compliance:audit-list", "ALPHA"),
    "notifications": ("compliance:notification-list", "alpha-prod failed"),
}
CATALOG_LISTS = ["catalog:offering-list", "catalog:agreement-list", "catalog:vendor-list", "catalog:model-version-list"]


def _csv(response) -> list[dict]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


@pytest.mark.parametrize("name", LISTS)
def test_an_agency_officer_sees_only_the_own_agencys_rows_in_the_table_and_the_csv(world, records, as_user, name):
    url_name, marker_of_a = LISTS[name]

    own = _csv(as_user(world.officer_a).get(reverse(url_name), {"export": "csv"}))
    page = as_user(world.officer_b).get(reverse(url_name))
    others = _csv(as_user(world.officer_b).get(reverse(url_name), {"export": "csv"}))

    assert any(marker_of_a in " ".join(row.values()) for row in own)  # the marker does tell A's rows apart
    assert page.status_code == 200 and marker_of_a not in page.content.decode()
    assert all(marker_of_a not in " ".join(row.values()) for row in others)


@pytest.mark.parametrize("url_name", CATALOG_LISTS)
def test_visitors_see_only_approved_offerings_in_every_catalog_list_and_csv(world, client, url_name):
    page = client.get(reverse(url_name)).content.decode()
    exported = client.get(reverse(url_name), {"export": "csv"})

    assert "Secret Pending" not in page
    assert "Secret Pending" not in b"".join(exported.streaming_content).decode()


def test_a_column_sorts_both_ways_and_the_header_says_which(world, as_user):
    client = as_user(world.gsa)

    ascending = client.get(reverse("agencies:agency-list"), {"sort": "name"}).content.decode()
    descending = client.get(reverse("agencies:agency-list"), {"sort": "-name"}).content.decode()

    assert ascending.index("Department of Alpha") < ascending.index("Department of Beta")
    assert descending.index("Department of Beta") < descending.index("Department of Alpha")
    assert 'aria-sort="descending"' in descending


def test_the_csv_keeps_the_filters_and_sort_and_holds_every_row_not_one_page(world, as_user):
    for n in range(30):
        AgencyFactory(name=f"Zeta Agency {n:02d}", abbreviation=f"Z{n:02d}")
    client = as_user(world.gsa)

    rows = _csv(client.get(reverse("agencies:agency-list"), {"name": "zeta", "sort": "-name", "export": "csv"}))

    assert len(rows) == 30
    assert rows[0]["Agency"] == "Zeta Agency 29" and rows[-1]["Agency"] == "Zeta Agency 00"
    assert list(rows[0]) == ["Agency", "Abbreviation", "Chief AI Officer", "CFO Act"]


def test_an_active_filter_shows_a_chip_that_removes_it(world, as_user):
    client = as_user(world.gsa)

    text = client.get(reverse("agencies:deployment-list"), {"name": "alpha", "sort": "name"}).content.decode()

    assert "alpha-prod" in text and "beta-prod" not in text
    assert "Name contains: alpha" in text
    assert 'href="?sort=name"' in text  # the chip's link keeps the sort and drops the filter


def test_the_page_size_is_chosen_and_pages_are_numbered(world, as_user):
    for n in range(30):
        AgencyFactory(name=f"Zeta Agency {n:02d}", abbreviation=f"Z{n:02d}")
    client = as_user(world.gsa)

    ten = client.get(reverse("agencies:agency-list"), {"per_page": "10"}).content.decode()
    odd = client.get(reverse("agencies:agency-list"), {"per_page": "7"}).content.decode()

    assert "Page 1 of 4" in ten and 'aria-label="Page 4"' in ten
    assert "Page 1 of 2" in odd  # a size that is not offered falls back to 25


def test_the_evidence_review_asks_for_confirmation_then_reviews_each_row_with_an_audit_event(world, records, as_user):
    client = as_user(world.gsa)
    url = reverse("compliance:evidence-list")
    chosen = {"action": "review", "pk": [records.evidence_a.pk]}

    confirm = client.post(url, chosen)
    unchanged = Evidence.objects.get(pk=records.evidence_a.pk).reviewed_at
    done = client.post(url, {**chosen, "confirmed": "yes"})

    assert confirm.status_code == 200 and "Mark reviewed?" in confirm.content.decode() and unchanged is None
    assert done.status_code == 302 and Evidence.objects.get(pk=records.evidence_a.pk).reviewed_by == world.gsa
    assert AuditEvent.objects.filter(action="evidence.reviewed", object_id=str(records.evidence_a.pk)).count() == 1


def test_an_auditor_may_not_review_evidence_in_bulk(world, records, as_user):
    response = as_user(world.auditor).post(
        reverse("compliance:evidence-list"), {"action": "review", "pk": [records.evidence_a.pk], "confirmed": "yes"}
    )

    assert response.status_code == 403 and Evidence.objects.get(pk=records.evidence_a.pk).reviewed_at is None


def test_a_bulk_reverification_starts_one_run_per_own_deployment_and_ignores_another_agencys(world, as_user):
    client = as_user(world.officer_a)
    before = VerificationRun.objects.count()

    client.post(
        reverse("agencies:deployment-list"),
        {"action": "reverify", "pk": [world.deployment_a.pk, world.deployment_b.pk], "confirmed": "yes"},
    )

    new_runs = VerificationRun.objects.order_by("-pk")[: VerificationRun.objects.count() - before]
    assert [run.deployment_id for run in new_runs] == [world.deployment_a.pk]


def test_marking_notifications_read_in_bulk_touches_only_the_users_own(world, records, as_user):
    client = as_user(world.officer_a)
    chosen = [records.notification_a.pk, records.notification_b.pk]

    client.post(reverse("compliance:notification-list"), {"action": "mark-read", "pk": chosen, "confirmed": "yes"})

    records.notification_a.refresh_from_db()
    records.notification_b.refresh_from_db()
    assert records.notification_a.read_at is not None and records.notification_b.read_at is None


def test_the_history_shows_each_change_with_before_after_who_and_when(world, as_user):
    agreement = Agreement.objects.get(title="Llama OneGov deal")
    agreement.price_per_agency = "0.47"
    catalog_record_save(actor=world.gsa, instance=agreement)

    text = as_user(world.auditor).get(reverse("catalog:agreement-detail", args=[agreement.pk])).content.decode()

    history = text[text.index('id="history-heading"') :]
    assert "catalog.agreement.updated" in history and world.gsa.username in history
    assert "price_per_agency" in history and "1.00" in history and "0.47" in history


def test_another_agencys_object_and_its_history_are_not_found(world, as_user):
    client = as_user(world.officer_b)

    onboarding = client.get(reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk]))
    run = client.get(reverse("compliance:run-detail", args=[world.run_a.pk]))

    assert onboarding.status_code == 404 and run.status_code == 404


def test_audit_rows_link_to_their_object_and_name_what_changed(world, as_user):
    text = as_user(world.gsa).get(reverse("compliance:audit-list"), {"action": "onboarding."}).content.decode()

    assert reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk]) in text
    assert "state" in text
