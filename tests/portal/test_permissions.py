"""Every portal page for every persona: who reads it, who is sent to sign in, who gets 403 or 404.

The rules are the API's: agency officers never see another agency's records (404), auditors
read everything and change nothing (403), GSA officers do everything, visitors see only the
public catalog.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

PERSONAS = ["anonymous", "officer_a", "officer_b", "auditor", "gsa"]
LOGIN = "login"


def _expected(row: str) -> dict[str, object]:
    return dict(zip(PERSONAS, row.split(), strict=True))


# Each page: how to build its URL from the world, then the status per persona in PERSONAS order.
# "login" means a redirect to the sign-in page; "302" another redirect.
READ_PAGES = {
    "dashboard": (lambda w: reverse("home"), "302 200 200 200 200"),
    "catalog": (lambda w: reverse("catalog:offering-list"), "200 200 200 200 200"),
    "approved offering": (lambda w: reverse("catalog:offering-detail", args=[w.offering.slug]), "200 200 200 200 200"),
    "pending offering": (lambda w: reverse("catalog:offering-detail", args=[w.pending.slug]), "404 200 200 200 200"),
    "agencies": (lambda w: reverse("agencies:agency-list"), "login 200 200 200 200"),
    "agency A": (lambda w: reverse("agencies:agency-detail", args=[w.agency_a.pk]), "login 200 404 200 200"),
    "onboardings": (lambda w: reverse("agencies:onboarding-list"), "login 200 200 200 200"),
    "onboarding A": (
        lambda w: reverse("agencies:onboarding-detail", args=[w.onboarding_a.pk]),
        "login 200 404 200 200",
    ),
    "deployments": (lambda w: reverse("agencies:deployment-list"), "login 200 200 200 200"),
    "deployment A": (
        lambda w: reverse("agencies:deployment-detail", args=[w.deployment_a.pk]),
        "login 200 404 200 200",
    ),
    "verification A": (lambda w: reverse("compliance:run-detail", args=[w.run_a.pk]), "login 200 404 200 200"),
    "audit log": (lambda w: reverse("compliance:audit-list"), "login 200 200 200 200"),
    "notifications": (lambda w: reverse("compliance:notification-list"), "login 200 200 200 200"),
}

CHANGE_PAGES = {
    "request an offering": (lambda w: reverse("agencies:onboarding-request"), "login 200 200 403 200"),
    "contract facts A": (
        lambda w: reverse("agencies:onboarding-contract-facts", args=[w.onboarding_a.pk]),
        "login 200 404 403 200",
    ),
    "register a deployment": (lambda w: reverse("agencies:deployment-create"), "login 200 200 403 200"),
    "edit deployment A": (
        lambda w: reverse("agencies:deployment-edit", args=[w.deployment_a.pk]),
        "login 200 404 403 200",
    ),
    "suspend the offering, confirmed": (
        lambda w: reverse("catalog:offering-status", args=[w.offering.slug]),
        {"to_status": "suspended", "reason": "Security review.", "confidence": "confirmed", "confirmed": "true"},
        "login 403 403 403 200",
    ),
    "add a vendor": (lambda w: reverse("catalog:record-create", args=["vendors"]), "login 403 403 403 200"),
    "edit an offering": (
        lambda w: reverse("catalog:record-edit", args=["offerings", w.offering.pk]),
        "login 403 403 403 200",
    ),
    "add an agreement": (lambda w: reverse("catalog:record-create", args=["agreements"]), "login 403 403 403 200"),
    "add a model version": (
        lambda w: reverse("catalog:record-create", args=["model-versions"]),
        "login 403 403 403 200",
    ),
    "change offering status": (
        lambda w: reverse("catalog:offering-status", args=[w.offering.slug]),
        "login 403 403 403 200",
    ),
}

POSTS = {
    "verify deployment A": (
        lambda w: reverse("compliance:verification-start", args=[w.deployment_a.pk]),
        {},
        "login 302 404 403 302",
    ),
    "review onboarding A": (
        lambda w: reverse("agencies:onboarding-detail", args=[w.onboarding_a.pk]),
        {"action": "review", "reason": "Looking at it."},
        "login 400 404 403 302",
    ),
    "suspend the offering": (
        lambda w: reverse("catalog:offering-status", args=[w.offering.slug]),
        {"to_status": "suspended", "reason": "Security review.", "confidence": "confirmed"},
        "login 403 403 403 200",
    ),
    "add a vendor": (
        lambda w: reverse("catalog:record-create", args=["vendors"]),
        {"name": "New Vendor"},
        "login 403 403 403 302",
    ),
    "contract facts A": (
        lambda w: reverse("agencies:onboarding-contract-facts", args=[w.onboarding_a.pk]),
        {"contract_number": "GS-1", "no_training_on_agency_data": "true", "data_portability": "true"},
        "login 302 404 403 302",
    ),
}


def _cases(table):
    return [
        pytest.param(name, persona, expected, id=f"{name}-{persona}")
        for name, (_, row) in ((name, (spec[0], spec[-1])) for name, spec in table.items())
        for persona, expected in _expected(row).items()
    ]


def _assert_status(response, expected: str):
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == int(expected), response.content[:500]
        if expected == "302":
            assert not response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(("page", "persona", "expected"), _cases(READ_PAGES))
def test_each_page_opens_only_for_the_roles_that_may_read_it(world, as_user, page, persona, expected):
    url = READ_PAGES[page][0](world)

    response = as_user(world.persona(persona)).get(url)

    _assert_status(response, expected)


@pytest.mark.parametrize(("page", "persona", "expected"), _cases(CHANGE_PAGES))
def test_each_change_form_opens_only_for_the_roles_that_may_change(world, as_user, page, persona, expected):
    url = CHANGE_PAGES[page][0](world)

    response = as_user(world.persona(persona)).get(url)

    _assert_status(response, expected)


@pytest.mark.parametrize(("action", "persona", "expected"), _cases(POSTS))
def test_each_change_is_refused_to_the_roles_that_may_not_make_it(world, as_user, action, persona, expected):
    url_of, data, _ = POSTS[action]

    response = as_user(world.persona(persona)).post(url_of(world), data)

    _assert_status(response, expected)


def test_an_agency_officer_sees_only_the_own_agency_in_lists(world, as_user):
    client = as_user(world.officer_b)

    agencies = client.get(reverse("agencies:agency-list")).content.decode()
    onboardings = client.get(reverse("agencies:onboarding-list")).content.decode()
    deployments = client.get(reverse("agencies:deployment-list")).content.decode()

    assert "Department of Beta" in agencies and "Department of Alpha" not in agencies
    assert f"#{world.onboarding_b.pk}<" in onboardings and f"#{world.onboarding_a.pk}<" not in onboardings
    assert "beta-prod" in deployments and "alpha-prod" not in deployments


def test_the_offering_page_shows_an_agency_officer_only_the_own_onboarding_and_verification(world, as_user):
    page = as_user(world.officer_b).get(reverse("catalog:offering-detail", args=[world.offering.slug]))

    text = page.content.decode()
    assert "Department of Beta" in text and "Department of Alpha" not in text
    assert reverse("compliance:run-detail", args=[world.run_b.pk]) in text
    assert reverse("compliance:run-detail", args=[world.run_a.pk]) not in text


def test_a_visitor_sees_neither_onboardings_nor_verifications_on_the_public_offering_page(world, client):
    text = client.get(reverse("catalog:offering-detail", args=[world.offering.slug])).content.decode()

    assert "Llama OneGov deal" in text
    assert "Agencies onboarded" not in text and "Department of" not in text
    assert "Latest verification" not in text
