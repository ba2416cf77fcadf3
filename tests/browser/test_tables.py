"""Every list in Chromium, on a desktop and on a phone: it sorts, filters (chip removal), pages, exports CSV,
fits the viewport and has no serious or critical axe-core violation. One seeded world per viewport."""

from __future__ import annotations

import csv

import pytest
from django.urls import reverse

from catalog.services import catalog_record_save
from compliance.alerts import AlertCandidate, Audience, alert_raise
from tests.browser import test_portal
from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_portal import _main_page_records, sign_in
from tests.factories import AgencyFactory, VendorFactory

registry = test_portal.registry  # the fixture of the main pages' records

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
# Each list, with a filter (query parameter, value) that keeps at least one row and shows a chip.
LISTS = [
    ("offerings", "catalog:offering-list", ("kind", "open_weight")),
    ("agreements", "catalog:agreement-list", ("q", "Llama")),
    ("vendors", "catalog:vendor-list", ("name", "Vendor")),
    ("model-versions", "catalog:model-version-list", ("declared_license", "llama3.1")),
    ("agencies", "agencies:agency-list", ("name", "Energy")),
    ("onboardings", "agencies:onboarding-list", ("state", "requested")),
    ("deployments", "agencies:deployment-list", ("name", "doe")),
    ("runs", "compliance:run-list", ("status", "running")),
    ("evidence", "compliance:evidence-list", ("status", "met")),
    ("use-cases", "compliance:use-case-list", ("development_stage", "Deployed")),
    ("reports", "compliance:report-list", ("status", "issued")),
    ("audit-events", "compliance:audit-list", ("action", "catalog")),
    ("notifications", "compliance:notification-list", ("unread", "true")),
]
# Pages that are not lists but carry a History table that must fit a phone too.
HISTORY_PAGES = [
    ("agreement", lambda r: reverse("catalog:agreement-detail", args=[r["agreement"].pk])),
    ("deployment", lambda r: reverse("agencies:deployment-detail", args=[r["deployment"].pk])),
]


def _rows(page) -> int:
    return page.locator("main table.usa-table tbody tr").count()


def _overflows(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def _walk_list(page, base: str, url_name: str, parameter: tuple[str, str]) -> list[str]:
    """Sort, filter and remove the chip, choose a page size (and go to page 2 when there is one), export."""
    problems = []
    page.goto(base + reverse(url_name))
    page.locator("main h1").wait_for()

    header = page.locator("main th a.registry-sort").first
    if header.is_visible():
        header.click()
    else:  # a stacked table (phone) hides its header row: the sort menu stands in for it
        page.select_option("#sort-by", index=2)
        page.get_by_role("button", name="Sort", exact=True).click()
    page.wait_for_load_state("load")
    if page.locator("main th[aria-sort]").count() != 1 or "sort=" not in page.url:
        problems.append("sorting did not mark the sorted column")

    name, value = parameter
    page.goto(f"{base}{reverse(url_name)}?{name}={value}")
    chip = page.locator(".registry-chips a.registry-chip")
    if chip.count() != 1 or _rows(page) == 0:
        problems.append(f"filter {name}={value} showed {chip.count()} chip(s) and {_rows(page)} row(s)")
    else:
        chip.click()
        page.wait_for_load_state("load")
        if page.locator(".registry-chips").count() or f"{name}=" in page.url:
            problems.append("removing the chip left the filter on")

    page.select_option("#per-page", "10")
    page.get_by_role("button", name="Show", exact=True).click()
    page.wait_for_load_state("load")
    if "per_page=10" not in page.url or _rows(page) > 10:
        problems.append("the page size was not applied")
    if page.locator("nav.usa-pagination").count():
        page.get_by_role("link", name="Page 2", exact=True).click()
        page.wait_for_load_state("load")
        if "page=2" not in page.url or "Page 2 of" not in page.locator("main caption").inner_text():
            problems.append("page 2 did not open")

    with page.expect_download() as download:
        page.locator("a.registry-export").click()
    with open(download.value.path(), encoding="utf-8") as exported:
        header = next(csv.reader(exported), [])
    if len(header) < 2:
        problems.append(f"the CSV export has no header: {header}")
    return problems


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_every_list_sorts_filters_pages_exports_fits_and_passes_axe(
    browser, live_server, registry, settings, tmp_path, viewport
):
    settings.MEDIA_ROOT = tmp_path / "media"
    _main_page_records(registry)
    for n in range(11):
        AgencyFactory(name=f"Zeta Agency {n:02d}", abbreviation=f"Z{n:02d}")
        VendorFactory(name=f"Vendor Zeta {n:02d}")
    alert_raise(
        AlertCandidate(
            kind="ato_expiring",
            dedupe_key="browser:gsa",
            title="An agreement expires soon",
            message="Renew it.",
            audience=Audience(gsa_officers=True),
        )
    )
    registry["agreement"] = registry["offering"].agreements.get()
    registry["agreement"].price_per_agency = "0.47"
    catalog_record_save(actor=registry["gsa"], instance=registry["agreement"])
    context = browser.new_context(viewport=VIEWPORTS[viewport], bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    sign_in(page, live_server, "gsa-officer")
    found = {}

    for name, url_name, parameter in LISTS:
        problems = _walk_list(page, live_server.url, url_name, parameter)
        page.goto(live_server.url + reverse(url_name))
        if _overflows(page):
            problems.append("the page is wider than the viewport")
        problems += [f"axe: {v['id']} {v['targets']}" for v in axe_violations(page)]
        screenshot(page, f"list-{name}-{viewport}")
        if problems:
            found[name] = problems
    for name, url_of in HISTORY_PAGES:
        page.goto(live_server.url + url_of(registry))
        if not page.locator("#history-heading").is_visible() or _overflows(page):
            found[name] = ["the History section is missing or the page is wider than the viewport"]
    context.close()

    assert found == {}
