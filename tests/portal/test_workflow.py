"""The onboarding workflow, catalog management and deployments through the portal's forms."""

from __future__ import annotations

import pytest
from django.urls import reverse

from agencies.models import Deployment, Onboarding
from catalog.models import Offering, Vendor
from core.models import AuditEvent
from tests.factories import OfferingFactory, agency_folder, make_active

State = Onboarding.State


def _request(client, **overrides):
    data = {
        "offering": "",
        "purpose": "Draft replies to the public.",
        "contract_number": "GS-00F-0001",
        "no_training_on_agency_data": "true",
        "data_portability": "true",
        "ato_granted_on": "2026-01-01",
        "ato_expires_on": "2029-01-01",
    }
    data.update(overrides)
    return client.post(reverse("agencies:onboarding-request"), data)


def test_an_agency_officer_requests_an_offering_for_the_own_agency(world, as_user):
    other = OfferingFactory(name="Claude Gov", slug="claude-gov")
    client = as_user(world.officer_a)

    response = _request(client, offering=other.pk)

    onboarding = Onboarding.objects.get(offering=other)
    assert response.status_code == 302 and response["Location"] == reverse(
        "agencies:onboarding-detail", args=[onboarding.pk]
    )
    assert (onboarding.agency, onboarding.state, onboarding.contract_number) == (
        world.agency_a,
        State.REQUESTED,
        "GS-00F-0001",
    )
    page = client.get(response["Location"]).content.decode()
    assert "Requested by the agency." in page and "The request for" in page


def test_a_request_without_purpose_shows_the_error_next_to_the_field(world, as_user):
    other = OfferingFactory(slug="claude-gov")

    response = _request(as_user(world.officer_a), offering=other.pk, purpose="")

    text = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_purpose-error"' in text and "usa-form-group--error" in text
    assert not Onboarding.objects.filter(offering=other).exists()


def test_a_second_open_request_shows_the_service_refusal(world, as_user):
    response = _request(as_user(world.officer_a), offering=world.offering.pk)

    assert response.status_code == 400
    assert "ALPHA already has an open onboarding" in response.content.decode()


def test_an_ato_that_expires_before_it_was_granted_is_refused_at_its_field(world, as_user):
    other = OfferingFactory(slug="claude-gov")

    response = _request(as_user(world.officer_a), offering=other.pk, ato_expires_on="2025-01-01")

    assert response.status_code == 400
    assert 'id="id_ato_expires_on-error"' in response.content.decode()


def test_a_pending_offering_cannot_be_requested(world, as_user):
    response = _request(as_user(world.officer_a), offering=world.pending.pk)

    assert response.status_code == 400
    assert not Onboarding.objects.filter(offering=world.pending).exists()


def test_a_gsa_officer_reviews_and_approves_and_each_step_is_in_the_history(world, as_user):
    client = as_user(world.gsa)
    url = reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk])
    client.post(url, {"action": "review", "reason": "Checking the contract."})
    facts = reverse("agencies:onboarding-contract-facts", args=[world.onboarding_a.pk])
    client.post(facts, {"no_training_on_agency_data": "true", "data_portability": "true"})

    response = client.post(url, {"action": "approve", "reason": "Terms meet M-25-22."}, follow=True)

    world.onboarding_a.refresh_from_db()
    text = response.content.decode()
    assert world.onboarding_a.state == State.APPROVED and world.onboarding_a.approved_by == world.gsa
    assert "Checking the contract." in text and "Terms meet M-25-22." in text
    assert "The onboarding was approved." in text


def test_approval_without_the_contract_facts_shows_what_is_missing(world, as_user):
    client = as_user(world.gsa)
    url = reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk])
    client.post(url, {"action": "review", "reason": "Checking."})

    response = client.post(url, {"action": "approve", "reason": "Fine."})

    assert response.status_code == 400
    assert "Record the M-25-22 contract facts first" in response.content.decode()
    world.onboarding_a.refresh_from_db()
    assert world.onboarding_a.state == State.UNDER_REVIEW


def test_a_rejection_needs_a_reason(world, as_user):
    url = reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk])

    response = as_user(world.gsa).post(url, {"action": "reject", "reason": "   "})

    assert response.status_code == 400
    assert 'id="reason-reject-error"' in response.content.decode()
    world.onboarding_a.refresh_from_db()
    assert world.onboarding_a.state == State.REQUESTED


def test_an_agency_officer_is_offered_no_approval_and_is_refused_one(world, as_user):
    client = as_user(world.officer_a)
    url = reverse("agencies:onboarding-detail", args=[world.onboarding_a.pk])

    page = client.get(url).content.decode()
    response = client.post(url, {"action": "review", "reason": "Please."})

    assert 'value="review"' not in page
    assert response.status_code == 400
    assert "Only GSA officers may review an onboarding." in response.content.decode()


def test_suspending_an_offering_lists_the_agencies_affected(world, as_user):
    for onboarding in (world.onboarding_a, world.onboarding_b):
        Onboarding.objects.filter(pk=onboarding.pk).update(state=State.ACTIVE, approved_by=world.gsa)

    response = as_user(world.gsa).post(
        reverse("catalog:offering-status", args=[world.offering.slug]),
        {
            "to_status": "suspended",
            "reason": "Vulnerability under review.",
            "confidence": "confirmed",
            "confirmed": "true",
        },
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "Agencies affected" in text and "Department of Alpha" in text and "Department of Beta" in text
    world.offering.refresh_from_db()
    assert world.offering.status == Offering.Status.SUSPENDED
    assert Onboarding.objects.filter(offboarding_flagged_at__isnull=False).count() == 2


def test_a_status_change_needs_a_reason(world, as_user):
    response = as_user(world.gsa).post(
        reverse("catalog:offering-status", args=[world.offering.slug]), {"to_status": "removed", "reason": ""}
    )

    assert response.status_code == 400
    world.offering.refresh_from_db()
    assert world.offering.status == Offering.Status.APPROVED


def test_a_gsa_officer_adds_a_vendor_and_the_change_is_audited(world, as_user):
    response = as_user(world.gsa).post(
        reverse("catalog:record-create", args=["vendors"]), {"name": "Acme AI", "website": "https://acme.example"}
    )

    vendor = Vendor.objects.get(name="Acme AI")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(object_type="catalog.vendor", object_id=str(vendor.pk), actor=world.gsa).exists()


def test_an_agreement_that_expires_before_it_takes_effect_is_refused_at_its_field(world, as_user):
    response = as_user(world.gsa).post(
        reverse("catalog:record-create", args=["agreements"]),
        {
            "offering": world.offering.pk,
            "title": "Bad dates",
            "currency": "USD",
            "effective_on": "2026-01-01",
            "expires_on": "2025-01-01",
            "source_url": "https://gsa.gov/x",
        },
    )

    assert response.status_code == 400
    assert 'id="id_expires_on-error"' in response.content.decode()


def test_a_gsa_officer_edits_an_offering_without_touching_its_status(world, as_user):
    url = reverse("catalog:record-edit", args=["offerings", world.offering.pk])

    as_user(world.gsa).post(
        url,
        {
            "vendor": world.offering.vendor.pk,
            "name": "Llama Open",
            "slug": "llama-open",
            "kind": "open_weight",
            "description": "Updated words.",
            "fedramp_level": "not_applicable",
            "allowed_licenses": "llama3.1, apache-2.0",
            "status": "removed",
        },
    )

    world.offering.refresh_from_db()
    assert world.offering.description == "Updated words."
    assert world.offering.allowed_licenses == ["llama3.1", "apache-2.0"]
    assert world.offering.status == Offering.Status.APPROVED


@pytest.fixture
def beta_root(world, tmp_path, settings):
    """Agency B may deploy: its onboarding is active and its model root exists."""
    settings.MODEL_ROOTS = [tmp_path / "models"]
    make_active(world.onboarding_b)
    return tmp_path / "models"


def test_an_agency_officer_registers_a_deployment_for_the_own_agency(world, as_user, beta_root):
    folder = agency_folder(beta_root, world.agency_b, "beta-staging")
    response = as_user(world.officer_b).post(
        reverse("agencies:deployment-create"),
        {
            "name": "beta-staging",
            "model_version": world.deployment_a.model_version.pk,
            "storage_path": str(folder),
            "environment": "staging",
            "is_active": "on",
        },
    )

    deployment = Deployment.objects.get(name="beta-staging")
    assert response.status_code == 302
    assert deployment.agency == world.agency_b and deployment.created_by == world.officer_b


def test_a_deployment_path_with_dot_dot_is_refused_at_its_field(world, as_user, beta_root):
    response = as_user(world.officer_b).post(
        reverse("agencies:deployment-create"),
        {
            "name": "sneaky",
            "model_version": world.deployment_a.model_version.pk,
            "storage_path": "/srv/models/../etc",
            "environment": "staging",
        },
    )

    assert response.status_code == 400
    assert 'id="id_storage_path-error"' in response.content.decode()
    assert not Deployment.objects.filter(name="sneaky").exists()


def test_an_agency_officer_cannot_attach_another_agencys_onboarding(world, as_user, beta_root):
    response = as_user(world.officer_b).post(
        reverse("agencies:deployment-create"),
        {
            "name": "beta-x",
            "model_version": world.deployment_a.model_version.pk,
            "onboarding": world.onboarding_a.pk,
            "storage_path": "/srv/models/beta-x",
            "environment": "staging",
        },
    )

    assert response.status_code == 400
    assert not Deployment.objects.filter(name="beta-x").exists()


def test_the_offering_status_form_preselects_nothing(world, as_user):
    page = as_user(world.gsa).get(reverse("catalog:offering-status", args=[world.offering.slug])).content.decode()

    select = page.split('name="to_status"')[1].split("</select>")[0]
    assert select.count("selected") == 1 and 'value="" selected' in select


def test_a_status_form_submitted_untouched_changes_nothing(world, as_user):
    response = as_user(world.gsa).post(reverse("catalog:offering-status", args=[world.offering.slug]), {})

    assert response.status_code == 400
    world.offering.refresh_from_db()
    assert world.offering.status == Offering.Status.APPROVED


def test_removing_an_offering_first_shows_the_agencies_affected_and_changes_nothing(world, as_user):
    Onboarding.objects.filter(pk=world.onboarding_a.pk).update(state=State.ACTIVE, approved_by=world.gsa)
    url = reverse("catalog:offering-status", args=[world.offering.slug])

    preview = as_user(world.gsa).post(
        url, {"to_status": "removed", "reason": "Contract ended.", "confidence": "confirmed"}
    )

    text = preview.content.decode()
    assert preview.status_code == 200 and "What this will change" in text
    assert "Department of Alpha" in text and "Department of Beta" not in text
    assert 'name="confirmed" value="true"' in text
    world.offering.refresh_from_db()
    assert world.offering.status == Offering.Status.APPROVED
    assert not Onboarding.objects.filter(offboarding_flagged_at__isnull=False).exists()

    as_user(world.gsa).post(
        url, {"to_status": "removed", "reason": "Contract ended.", "confidence": "confirmed", "confirmed": "true"}
    )

    world.offering.refresh_from_db()
    assert world.offering.status == Offering.Status.REMOVED
    assert list(Onboarding.objects.filter(offboarding_flagged_at__isnull=False)) == [world.onboarding_a]
