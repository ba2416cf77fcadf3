"""The request id of an audit event is the server's; the client's is kept apart, untrusted (issue 14, item 11)."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.audit import canonical
from core.models import AuditEvent
from tests.factories import OnboardingFactory, gsa_officer

pytestmark = pytest.mark.django_db


def _approve(supplied: str):
    onboarding = OnboardingFactory(state="under_review")
    client = APIClient()
    client.force_login(gsa_officer())
    url = reverse("api:onboarding-approve", kwargs={"pk": onboarding.pk})
    return client.post(url, {"reason": "Fine."}, format="json", HTTP_X_REQUEST_ID=supplied)


def test_a_client_chosen_request_id_is_not_the_events_request_id():
    supplied = str(uuid.uuid4())

    response = _approve(supplied)

    event = AuditEvent.objects.get(action="onboarding.approve")
    assert response.status_code == 200, response.content
    assert event.request_id == response["X-Request-ID"] != supplied
    assert event.client_request_id == supplied


def test_two_requests_sending_the_same_id_get_different_server_ids():
    supplied = "replayed-id"

    _approve(supplied)
    _approve(supplied)

    events = AuditEvent.objects.filter(action="onboarding.approve")
    assert len({e.request_id for e in events}) == 2 and {e.client_request_id for e in events} == {supplied}


def test_an_unsafe_client_id_is_dropped_and_the_client_id_is_covered_by_the_hash():
    _approve("<script>" + "x" * 100)

    event = AuditEvent.objects.get(action="onboarding.approve")
    assert event.client_request_id == ""
    event.client_request_id = "forged"
    assert b"forged" in canonical(event)
