"""Webhook receivers the registry must never call: SSRF refused on save and on send (issue 14, item 3)."""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agencies.models import WebhookDelivery, WebhookSubscription
from agencies.webhooks import webhook_delivery_attempt, webhook_subscription_save
from core.errors import ServiceError
from core.outbound import address_is_public, destination_check
from tests.factories import gsa_officer

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hook",  # loopback
        "https://[::1]/hook",
        "https://localhost/hook",
        "https://169.254.169.254/latest/meta-data/",  # cloud metadata (link-local)
        "https://10.0.0.5/hook",  # private
        "https://192.168.1.1/hook",
        "https://100.64.0.1/hook",  # CGNAT
        "https://224.0.0.1/hook",  # multicast
        "https://240.0.0.1/hook",  # reserved
        "https://0.0.0.0/hook",
        "https://[::ffff:127.0.0.1]/hook",  # loopback, IPv4-mapped
        "https://user:pw@8.8.8.8/hook",
    ],
)
def test_a_receiver_at_an_internal_address_is_refused_when_saved(url):
    subscription = WebhookSubscription(name="x", url=url, secret="s" * 32, event_types=["offering.removed"])

    with pytest.raises(ServiceError) as refused:
        webhook_subscription_save(actor=gsa_officer(), subscription=subscription)

    assert refused.value.field == "url"
    assert not WebhookSubscription.objects.exists()


def test_plain_http_is_refused_outside_debug(settings):
    settings.WEBHOOK_REQUIRE_HTTPS = True
    subscription = WebhookSubscription(name="x", url="http://8.8.8.8/h", secret="s" * 32, event_types=[])

    with pytest.raises(ServiceError, match="https"):
        webhook_subscription_save(actor=gsa_officer(), subscription=subscription)


def test_a_public_https_receiver_is_accepted_and_gets_a_generated_secret():
    subscription = WebhookSubscription(name="x", url="https://8.8.8.8/h", event_types=["offering.removed"])

    saved = webhook_subscription_save(actor=gsa_officer(), subscription=subscription)

    assert saved.pk and len(saved.secret) >= 32


def test_cgnat_and_metadata_are_not_public_but_a_listed_network_is(settings):
    settings.WEBHOOK_ALLOWED_NETWORKS = ["10.1.2.0/24"]

    assert not address_is_public("100.100.100.200")
    assert not address_is_public("169.254.169.254")
    assert address_is_public("10.1.2.3") and not address_is_public("10.1.3.3")


class _Receiver:
    def __init__(self):
        self.hits = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                receiver.hits.append((self.headers["Host"], self.rfile.read(int(self.headers["Content-Length"]))))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    receiver = _Receiver()
    yield receiver
    receiver.close()


def test_a_receiver_whose_name_now_resolves_inside_is_refused_at_send_time(receiver, settings):
    """DNS rebinding: the name passed the check when saved, and resolves to loopback when sending."""
    settings.WEBHOOK_REQUIRE_HTTPS = False
    url = f"http://localhost:{receiver.server.server_port}/hook"
    subscription = WebhookSubscription.objects.create(name="x", url=url, secret="s" * 32, event_types=[])
    delivery = WebhookDelivery.objects.create(subscription=subscription, event_type="agreement.expiring", payload={})

    result = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert receiver.hits == []
    assert result.response_code is None and result.last_error == "Refused: the receiver's address is not allowed."


def test_the_request_goes_to_the_address_checked_with_the_urls_host_name(receiver, settings):
    settings.WEBHOOK_REQUIRE_HTTPS = False
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    port = receiver.server.server_port
    destination = destination_check(f"http://localhost:{port}/hook?x=1")
    subscription = WebhookSubscription.objects.create(
        name="x", url=f"http://localhost:{port}/hook?x=1", secret="s" * 32, event_types=[]
    )
    delivery = WebhookDelivery.objects.create(subscription=subscription, event_type="agreement.expiring", payload={})

    result = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert destination.address in {"127.0.0.1", "::1"} and destination.target == "/hook?x=1"
    assert result.status == "succeeded"
    assert receiver.hits[0][0] == f"localhost:{port}" and json.loads(receiver.hits[0][1]) == {}


def test_a_connection_error_is_logged_without_the_system_error_text(settings):
    settings.WEBHOOK_REQUIRE_HTTPS = False
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    subscription = WebhookSubscription.objects.create(
        name="x", url=f"http://127.0.0.1:{closed_port}/", secret="s" * 32, event_types=[]
    )
    delivery = WebhookDelivery.objects.create(subscription=subscription, event_type="agreement.expiring", payload={})

    result = webhook_delivery_attempt(delivery_id=delivery.pk)

    assert result.last_error == "Could not connect to the receiver."
    assert "Errno" not in result.last_error and "refused" not in result.last_error.lower()
