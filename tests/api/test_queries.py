"""Every list endpoint runs the same number of SQL queries whatever the page size (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import FedRAMPProductChange, OfferingStatusChange
from compliance.models import ManifestDrift
from tests.api.conftest import _agency_records, client_for
from tests.api.test_routes import api_routes
from tests.factories import (
    AgreementFactory,
    ArtifactFactory,
    FedRAMPProductFactory,
    ModelVersionFactory,
    OfferingFactory,
)

pytestmark = pytest.mark.django_db
LISTS = [route.name for route in api_routes() if route.name.endswith("-list")]


@pytest.fixture
def busy_world(world):
    for label in ("C", "D", "E"):
        offering = OfferingFactory()
        version = ModelVersionFactory(offering=offering)
        AgreementFactory(offering=offering)
        ArtifactFactory(model_version=version)
        OfferingStatusChange.objects.create(
            offering=offering, to_status="approved", effective_on="2025-01-01", reason="r"
        )
        ManifestDrift.objects.create(model_version=version, kind="files_changed", pinned_commit="c" * 40)
        product = FedRAMPProductFactory()
        offering.fedramp_products.add(product)
        FedRAMPProductChange.objects.create(
            product=product,
            field="impact_level",
            from_value="20x Low",
            to_value="20x Moderate",
            changed_on="2026-06-01",
            source_url=product.source_url,
        )
        _agency_records(offering, version, label)
    return world


def _count(client, url: str, page_size: int) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, {"page_size": page_size, "limit": page_size})
    assert response.status_code == 200, (url, response.content)
    return len(queries), len(response.json()["results"])


@pytest.mark.parametrize("name", LISTS)
def test_the_query_count_does_not_grow_with_the_page_size(name, busy_world):
    client = client_for("gsa", busy_world)
    url = reverse(f"api:{name}")
    _count(client, url, 1)  # warm the session and content-type caches

    small, small_rows = _count(client, url, 1)
    large, large_rows = _count(client, url, 100)

    assert large_rows >= 3 > small_rows
    assert large == small


def test_an_agency_officer_list_has_a_constant_query_count_too(busy_world):
    client = client_for("officer_a", busy_world)
    url = reverse("api:auditevent-list")
    _count(client, url, 1)

    assert _count(client, url, 1)[0] == _count(client, url, 100)[0]
