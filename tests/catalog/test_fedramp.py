"""sync_fedramp: FedRAMP's own marketplace data (the 30 May 2026 export), served over real HTTP on 127.0.0.1."""

from __future__ import annotations

import copy
import datetime as dt
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.test import APIClient

from agencies.models import Onboarding, WebhookDelivery, WebhookSubscription
from catalog.fedramp import FedRAMPClient, FedRAMPFormatError, FedRAMPUnavailable
from catalog.models import FedRAMPProduct, FedRAMPProductChange, Offering
from compliance.alerts import alerts_scan
from compliance.models import Alert, AlertKind
from tests.factories import AgencyFactory, OfferingFactory, OnboardingFactory, agency_officer, gsa_officer

pytestmark = pytest.mark.django_db

SNAPSHOT = Path(__file__).parent / "fixtures" / "fedramp-products-2026-05-30.json.gz"
GROK, GEMINI, CHATGPT = "FR2618542150", "FR2604952026", "FR2533155773"

# policy.md section 8d: the OneGov offerings and the FedRAMP products that authorize them.
ONEGOV_LINKS = {
    "openai-chatgpt-enterprise": ["FR2533155773"],
    "google-gemini-for-government": ["FR2604952026"],
    "perplexity-enterprise-pro": ["FR2604643715"],
    "xai-grok-for-government": ["FR2618542150"],
    "google-workspace": ["F1206081364"],
    "microsoft-365-copilot": ["F1603087869"],
    "aws-cloud-credits": ["F1603047866"],
    "oracle-licenses-and-cloud": ["FR1900048743"],
}


def _snapshot() -> dict:
    return json.loads(gzip.decompress(SNAPSHOT.read_bytes()))


def _changed_copy() -> dict:
    """Grok moves from In Process to Authorized on 15 Jun 2026; Gemini's impact level goes from 20x Low to Moderate."""
    data = copy.deepcopy(_snapshot())
    for product in data["products"]:
        if product["id"] == GROK:
            product.update(
                public_status="FedRAMP Authorized",
                status_updated_date="2026-06-15T04:00:00.000Z",
                auth_date="2026-06-15T04:00:00.000Z",
            )
        if product["id"] == GEMINI:
            product["impact_level"] = "20x Moderate"
    return data


class _Files(BaseHTTPRequestHandler):
    files: dict[str, tuple[int, bytes]] = {}

    def do_GET(self):  # noqa: N802 - the standard library's name
        status, body = self.files.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):  # noqa: A002 - quiet during tests
        pass


@pytest.fixture(scope="module")
def fedramp_server():
    """A real HTTP server on 127.0.0.1 serving the snapshot, a changed copy and some broken answers."""
    handler = type("Handler", (_Files,), {})
    handler.files = {
        "/fedramp-products.json": (200, json.dumps(_snapshot()).encode()),
        "/changed/fedramp-products.json": (200, json.dumps(_changed_copy()).encode()),
        "/broken/fedramp-products.json": (200, b'{"products": [{"id": "FR1", "cs'),
        "/wrong-shape.json": (200, b'{"data": []}'),
        "/bad-product.json": (200, json.dumps({"products": [{"id": "FR2", "csp": "", "cso": "x"}]}).encode()),
        "/bad-id.json": (200, json.dumps({"products": [{"id": "../etc", "csp": "x", "cso": "x"}]}).encode()),
        "/error.json": (500, b"upstream error"),
    }
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _sync(source: str) -> str:
    out = StringIO()
    call_command("sync_fedramp", "--source", source, stdout=out, stderr=StringIO())
    return out.getvalue()


def _linked(slug: str) -> list[str]:
    return sorted(Offering.objects.get(slug=slug).fedramp_products.values_list("fedramp_id", flat=True))


def test_the_client_reads_fedramps_fields(fedramp_server):
    document = FedRAMPClient().products(f"{fedramp_server}/fedramp-products.json")

    chatgpt = next(p for p in document.products if p.fedramp_id == CHATGPT)

    assert len(document.products) == 797
    assert (chatgpt.csp, chatgpt.cso) == ("OpenAI", "ChatGPT Enterprise and API Platform")
    assert (chatgpt.auth_type, chatgpt.impact_level, chatgpt.status) == ("20x", "20x Moderate", "FedRAMP Authorized")
    assert chatgpt.auth_date == dt.date(2026, 1, 9)


@pytest.mark.parametrize(
    ("path", "error"),
    [
        ("/error.json", FedRAMPUnavailable),
        ("/missing.json", FedRAMPUnavailable),
        ("/broken/fedramp-products.json", FedRAMPFormatError),
        ("/wrong-shape.json", FedRAMPFormatError),
        ("/bad-product.json", FedRAMPFormatError),
        ("/bad-id.json", FedRAMPFormatError),
    ],
)
def test_the_client_refuses_what_is_not_fedramps_document(fedramp_server, path, error):
    with pytest.raises(error):
        FedRAMPClient().products(fedramp_server + path)


def test_sync_links_the_onegov_offerings_of_policy_8d(fedramp_server):
    call_command("seed_onegov", stdout=StringIO())

    output = _sync(f"{fedramp_server}/fedramp-products.json")

    assert FedRAMPProduct.objects.count() == 797
    assert {slug: _linked(slug) for slug in ONEGOV_LINKS} == ONEGOV_LINKS
    assert _linked("anthropic-claude") == [] and _linked("meta-llama") == []
    assert "linked openai-chatgpt-enterprise to FR2533155773" in output
    grok = FedRAMPProduct.objects.get(fedramp_id=GROK)
    assert (grok.auth_type, grok.impact_level, grok.status) == ("Rev5", "High", "FedRAMP In Process")


def test_the_api_lists_an_offerings_fedramp_products(fedramp_server):
    offering = OfferingFactory(kind=Offering.Kind.SAAS, fedramp_ids=[CHATGPT])
    _sync(f"{fedramp_server}/fedramp-products.json")

    body = APIClient().get(reverse("api:offering-detail", args=[offering.pk])).json()

    assert body["fedramp"] == [
        {
            "id": CHATGPT,
            "csp": "OpenAI",
            "cso": "ChatGPT Enterprise and API Platform",
            "auth_type": "20x",
            "impact_level": "20x Moderate",
            "status": "FedRAMP Authorized",
            "auth_date": "2026-01-09",
            "annual_assessment": "2026-01-09",
        }
    ]


def test_a_changed_copy_records_both_changes_and_raises_one_alert_each_once(
    fedramp_server, django_capture_on_commit_callbacks
):
    grok = OfferingFactory(kind=Offering.Kind.HOSTED, fedramp_ids=[GROK])
    gemini = OfferingFactory(kind=Offering.Kind.SAAS, fedramp_ids=[GEMINI])
    agency = AgencyFactory()
    officer, gsa = agency_officer(agency), gsa_officer()
    OnboardingFactory(
        agency=agency, offering=grok, state=Onboarding.State.ACTIVE, requested_by=officer, approved_by=gsa
    )
    WebhookSubscription.objects.create(
        name="siem", url="https://siem.example/hook", secret="s", event_types=["fedramp.changed"]
    )
    _sync(f"{fedramp_server}/fedramp-products.json")

    with django_capture_on_commit_callbacks(execute=True):
        output = _sync(f"{fedramp_server}/changed/fedramp-products.json")

    changes = {c.product.fedramp_id: c for c in FedRAMPProductChange.objects.select_related("product")}
    alerts = Alert.objects.filter(kind=AlertKind.FEDRAMP_CHANGED)
    grok_alert = alerts.get(object_id=str(changes[GROK].pk))
    assert set(changes) == {GROK, GEMINI}
    assert (changes[GROK].field, changes[GROK].from_value, changes[GROK].to_value) == (
        "status",
        "FedRAMP In Process",
        "FedRAMP Authorized",
    )
    assert changes[GROK].changed_on == dt.date(2026, 6, 15)
    assert (changes[GEMINI].field, changes[GEMINI].to_value) == ("impact_level", "20x Moderate")
    assert alerts.count() == 2
    assert set(grok_alert.notifications.values_list("recipient", flat=True)) == {officer.pk, gsa.pk}
    assert WebhookDelivery.objects.filter(event_type="fedramp.changed").count() == 2
    assert "In Process -> FedRAMP Authorized" in output
    assert gemini.fedramp_products.get().impact_level == "20x Moderate"

    with django_capture_on_commit_callbacks(execute=True):
        _sync(f"{fedramp_server}/changed/fedramp-products.json")
    scan = alerts_scan()

    assert FedRAMPProductChange.objects.count() == 2
    assert alerts.count() == 2
    assert scan.raised.get(AlertKind.FEDRAMP_CHANGED, 0) == 0
    assert WebhookDelivery.objects.filter(event_type="fedramp.changed").count() == 2


def test_the_daily_scan_alerts_a_change_whose_signal_was_lost(fedramp_server):
    OfferingFactory(kind=Offering.Kind.HOSTED, fedramp_ids=[GROK])
    gsa_officer()
    _sync(f"{fedramp_server}/fedramp-products.json")
    _sync(f"{fedramp_server}/changed/fedramp-products.json")  # on-commit callbacks are not run: no signal

    scan = alerts_scan()

    assert scan.raised[AlertKind.FEDRAMP_CHANGED] == 1
    assert Alert.objects.get(kind=AlertKind.FEDRAMP_CHANGED).title.startswith("FedRAMP status of Grok for Government")


def test_changes_of_unlinked_products_are_recorded_without_alerts(fedramp_server, django_capture_on_commit_callbacks):
    _sync(f"{fedramp_server}/fedramp-products.json")

    with django_capture_on_commit_callbacks(execute=True):
        _sync(f"{fedramp_server}/changed/fedramp-products.json")

    assert FedRAMPProductChange.objects.count() == 2
    assert not Alert.objects.filter(kind=AlertKind.FEDRAMP_CHANGED).exists()


@pytest.mark.parametrize(
    "path",
    ["/error.json", "/broken/fedramp-products.json", "/wrong-shape.json", "/bad-product.json", "/missing.json"],
)
def test_a_bad_source_is_an_error_that_changes_nothing(fedramp_server, path):
    grok = OfferingFactory(kind=Offering.Kind.HOSTED, fedramp_ids=[GROK])
    _sync(f"{fedramp_server}/fedramp-products.json")
    before = list(FedRAMPProduct.objects.order_by("pk").values())

    with pytest.raises(CommandError, match="nothing was changed"):
        _sync(fedramp_server + path)

    assert list(FedRAMPProduct.objects.order_by("pk").values()) == before
    assert _linked(grok.slug) == [GROK]


def test_an_unreachable_source_is_an_error(fedramp_server):
    with pytest.raises(CommandError, match="Cannot reach"):
        _sync("http://127.0.0.1:9/fedramp-products.json")

    assert not FedRAMPProduct.objects.exists()


def test_it_reads_a_file_too(tmp_path):
    path = tmp_path / "fedramp-products.json"
    path.write_bytes(gzip.decompress(SNAPSHOT.read_bytes()))

    _sync(str(path))

    assert FedRAMPProduct.objects.count() == 797
