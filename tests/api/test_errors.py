"""One error format for every failure, JSON 404/500 under /api/, and throttling that XFF cannot dodge."""

import uuid

import pytest
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from tests.api.conftest import client_for, token_client

pytestmark = pytest.mark.django_db


def _is_error(body: dict, code: str) -> bool:
    return (
        set(body) == {"error"}
        and set(body["error"]) == {"code", "message", "details"}
        and body["error"]["code"] == code
    )


def test_a_validation_error_names_the_fields(world):
    response = client_for("gsa", world).post(reverse("api:vendor-list"), {"website": "not a url"})

    assert response.status_code == 400
    body = response.json()
    assert _is_error(body, "invalid")
    assert set(body["error"]["details"]) == {"name", "website"}


def test_a_model_validation_error_from_a_service_is_a_400(world):
    body = {"offering": world.offering.pk, "name": "x", "repo_id": "a/b", "declared_license": "mit"}
    hosted = (
        client_for("gsa", world)
        .post(
            reverse("api:offering-list"),
            {"vendor": world.offering.vendor_id, "name": "Hosted", "slug": "hosted", "kind": "hosted_service"},
        )
        .json()
    )

    response = client_for("gsa", world).post(reverse("api:modelversion-list"), {**body, "offering": hosted["id"]})

    assert response.status_code == 400
    assert _is_error(response.json(), "invalid")
    assert "offering" in response.json()["error"]["details"]


def test_a_refused_transition_is_a_409_with_the_services_message(world):
    url = reverse("api:onboarding-approve", kwargs={"pk": world.a.onboarding.pk})

    response = client_for("gsa", world).post(url, {"reason": "Looks fine."})

    assert response.status_code == 409
    assert _is_error(response.json(), "transition_refused")
    assert "cannot be approved" in response.json()["error"]["message"]


def test_method_not_allowed_is_a_405_in_the_same_format(world):
    response = client_for("gsa", world).delete(reverse("api:vendor-detail", kwargs={"pk": world.offering.vendor_id}))

    assert response.status_code == 405
    assert _is_error(response.json(), "method_not_allowed")


def test_an_unknown_api_path_is_a_json_404(settings):
    settings.DEBUG = False

    response = Client().get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert _is_error(response.json(), "not_found")


def test_an_unexpected_error_under_api_is_a_json_500(world, monkeypatch):
    from catalog.api import views

    def explode(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(views.VendorViewSet, "get_queryset", explode)
    client = client_for("gsa", world)
    client.raise_request_exception = False

    response = client.get(reverse("api:vendor-list"))

    assert response.status_code == 500
    assert _is_error(response.json(), "server_error")
    assert "boom" not in response.content.decode()


def test_a_csv_request_that_fails_answers_json(world):
    response = client_for("anonymous", world).get(reverse("api:vendor-list"), {"format": "csv"})

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"
    assert _is_error(response.json(), "not_authenticated")


def test_rotating_x_forwarded_for_does_not_dodge_the_anonymous_limit(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "10/minute"}}
    client = APIClient()

    statuses = [
        client.get(reverse("api:offering-list"), HTTP_X_FORWARDED_FOR=f"10.0.{i // 250}.{i % 250}").status_code
        for i in range(30)
    ]

    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}


def test_each_token_has_its_own_bucket_and_a_429_says_when_to_retry(world, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"user": "3/minute"}}
    first, second = token_client(world.gsa), token_client(world.gsa)

    statuses = [first.get(reverse("api:vendor-list")).status_code for _ in range(4)]
    other = second.get(reverse("api:vendor-list"))
    limited = first.get(reverse("api:vendor-list"))

    assert statuses == [200, 200, 200, 429]
    assert other.status_code == 200
    assert _is_error(limited.json(), "throttled")
    assert int(limited["Retry-After"]) > 0
    assert limited.json()["error"]["details"]["retry_after"] > 0


def test_starting_verifications_has_its_own_tighter_limit(world, settings):
    rates = {"user": "1000/minute", "expensive": "2/minute"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    client = token_client(world.a.officer)

    statuses = [
        client.post(reverse("api:verificationrun-list"), {"deployment": world.a.deployment.pk}).status_code
        for _ in range(3)
    ]

    assert statuses == [202, 202, 429]
    assert client.get(reverse("api:verificationrun-list")).status_code == 200


def test_the_request_id_is_the_servers_and_the_clients_is_echoed_apart(world):
    supplied = str(uuid.uuid4())

    response = client_for("anonymous", world).get(reverse("api:vendor-list"), HTTP_X_REQUEST_ID=supplied)

    assert response["X-Request-ID"] != supplied
    assert uuid.UUID(response["X-Request-ID"])
    assert response["X-Client-Request-ID"] == supplied


def test_the_schema_and_its_viewers_are_served_without_a_cdn(world):
    client = Client()

    schema = client.get(reverse("api:schema"))
    swagger = client.get(reverse("api:docs")).content.decode()
    redoc = client.get(reverse("api:redoc")).content.decode()

    assert schema.status_code == 200 and b"openapi: 3" in schema.content
    assert "/static/drf_spectacular_sidecar/" in swagger and "/static/drf_spectacular_sidecar/" in redoc
    assert "cdn" not in swagger.lower() and "cdn" not in redoc.lower()
