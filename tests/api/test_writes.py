"""Writes through the API: services are called, agencies are forced, protected fields cannot be set."""

import pytest
from django.urls import reverse

from agencies.models import Deployment, Onboarding
from catalog.models import ModelVersion, Offering, Vendor
from compliance.models import VerificationRun
from core.models import AuditEvent
from tests.api.conftest import client_for, token_client
from tests.factories import OfferingFactory, agency_folder, make_active


@pytest.fixture
def deployable(world, tmp_path, settings):
    """Agency A may deploy: its onboarding is active and its model root holds its deployment's folder."""
    root = tmp_path / "models"
    settings.MODEL_ROOTS = [root]
    make_active(world.a.onboarding)
    Deployment.objects.filter(pk=world.a.deployment.pk).update(
        storage_path=str(agency_folder(root, world.a.agency, "llama-a"))
    )
    return root


pytestmark = pytest.mark.django_db


def test_a_gsa_officer_creates_a_vendor_and_an_audit_event_records_it(world):
    client = client_for("gsa", world)

    response = client.post(reverse("api:vendor-list"), {"name": "Acme AI", "website": "https://acme.example"})

    assert response.status_code == 201
    vendor = Vendor.objects.get(name="Acme AI")
    assert AuditEvent.objects.filter(action="catalog.vendor.created", object_id=str(vendor.pk)).exists()


def test_a_new_offering_is_pending_whatever_status_is_sent(world):
    client = client_for("gsa", world)
    body = {"vendor": world.offering.vendor_id, "name": "Sneaky", "slug": "sneaky", "kind": "hosted_service"}

    response = client.post(reverse("api:offering-list"), {**body, "status": "approved", "status_reason": "x"})

    assert response.status_code == 201
    offering = Offering.objects.get(slug="sneaky")
    assert (offering.status, offering.status_reason) == (Offering.Status.PENDING, "")


def test_patching_status_or_hash_fields_changes_nothing(world):
    client = client_for("gsa", world)

    client.patch(reverse("api:offering-detail", kwargs={"pk": world.pending_offering.pk}), {"status": "approved"})
    client.patch(
        reverse("api:modelversion-detail", kwargs={"pk": world.model_version.pk}),
        {"pinned_sha": "b" * 40, "name": "Renamed"},
    )

    assert Offering.objects.get(pk=world.pending_offering.pk).status == Offering.Status.PENDING
    version = ModelVersion.objects.get(pk=world.model_version.pk)
    assert (version.pinned_sha, version.name) == ("", "Renamed")


def test_an_agency_officer_cannot_create_a_deployment_for_another_agency(world):
    client = client_for("officer_a", world)
    body = {
        "agency": world.b.agency.pk,
        "model_version": world.model_version.pk,
        "name": "smuggled",
        "storage_path": "/srv/models/smuggled",
    }

    response = client.post(reverse("api:deployment-list"), body)

    assert response.status_code == 403
    assert not Deployment.objects.filter(name="smuggled").exists()


def test_an_agency_officers_deployment_belongs_to_their_agency(world, deployable):
    client = client_for("officer_a", world)
    folder = agency_folder(deployable, world.a.agency, "mine")
    body = {"model_version": world.model_version.pk, "name": "mine", "storage_path": f"{folder}/"}

    response = client.post(reverse("api:deployment-list"), body)

    assert response.status_code == 201, response.json()
    deployment = Deployment.objects.get(name="mine")
    assert (deployment.agency, deployment.created_by) == (world.a.agency, world.a.officer)
    assert deployment.storage_path == str(folder) and deployment.onboarding == world.a.onboarding


def test_a_deployment_in_another_agencys_folder_is_refused_without_saying_whose(world, deployable):
    client = client_for("officer_a", world)
    theirs = agency_folder(deployable, world.b.agency, "llama-b")
    body = {"model_version": world.model_version.pk, "name": "borrowed", "storage_path": str(theirs)}
    missing = {**body, "name": "missing", "storage_path": f"{deployable}/DA/nothing-here"}

    refused = client.post(reverse("api:deployment-list"), body)
    absent = client.post(reverse("api:deployment-list"), missing)

    assert refused.status_code == absent.status_code == 400
    assert refused.json()["error"] == absent.json()["error"]
    assert not Deployment.objects.filter(name__in=["borrowed", "missing"]).exists()


def test_a_deployment_without_an_active_onboarding_is_refused(world, tmp_path, settings):
    settings.MODEL_ROOTS = [tmp_path / "models"]
    folder = agency_folder(tmp_path / "models", world.a.agency, "early")
    body = {"model_version": world.model_version.pk, "name": "early", "storage_path": str(folder)}

    response = client_for("officer_a", world).post(reverse("api:deployment-list"), body)

    assert response.status_code == 400 and "no active onboarding" in response.content.decode()
    assert not Deployment.objects.filter(name="early").exists()


def test_a_deployment_cannot_be_moved_to_another_agency(world, deployable):
    client = client_for("officer_a", world)
    url = reverse("api:deployment-detail", kwargs={"pk": world.a.deployment.pk})

    response = client.patch(url, {"agency": world.b.agency.pk, "created_by": world.b.officer.pk})

    assert response.status_code == 200
    deployment = Deployment.objects.get(pk=world.a.deployment.pk)
    assert (deployment.agency_id, deployment.created_by_id) == (world.a.agency.pk, world.a.officer.pk)


def test_an_agency_officer_cannot_attach_another_agencys_onboarding(world, deployable):
    client = client_for("officer_a", world)
    url = reverse("api:deployment-detail", kwargs={"pk": world.a.deployment.pk})

    response = client.patch(url, {"onboarding": world.b.onboarding.pk})

    assert response.status_code == 400
    assert Deployment.objects.get(pk=world.a.deployment.pk).onboarding_id is None


def test_an_agency_officer_requests_an_onboarding_for_their_own_agency_only(world):
    client = client_for("officer_a", world)
    offering = OfferingFactory()
    body = {"offering": offering.pk, "purpose": "Drafting.", "state": "approved", "approved_by": world.gsa.pk}

    to_b = client.post(reverse("api:onboarding-list"), {**body, "agency": world.b.agency.pk})
    own = client.post(reverse("api:onboarding-list"), body)

    assert to_b.status_code == 403
    assert own.status_code == 201
    onboarding = Onboarding.objects.get(pk=own.json()["id"])
    assert (onboarding.agency, onboarding.state, onboarding.approved_by) == (world.a.agency, "requested", None)


def test_the_onboarding_workflow_runs_through_the_api_with_reasons(world):
    gsa, officer = client_for("gsa", world), client_for("officer_a", world)
    pk = world.a.onboarding.pk

    def step(client, action, reason="Because."):
        return client.post(reverse(f"api:onboarding-{action}", kwargs={"pk": pk}), {"reason": reason})

    assert step(officer, "approve").status_code == 403
    assert step(gsa, "review", reason="").status_code == 400
    assert step(gsa, "review").json()["state"] == "under_review"
    assert step(gsa, "activate").status_code == 409
    approved = step(gsa, "approve")
    assert approved.json()["state"] == "approved"
    assert approved.json()["approved_by"] == "gsa"
    assert step(officer, "activate").json()["state"] == "active"
    refused = step(officer, "activate")
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "transition_refused"
    assert list(Onboarding.objects.get(pk=pk).transitions.values_list("action", flat=True)) == [
        "submit",
        "review",
        "approve",
        "activate",
    ]


def test_suspending_an_offering_lists_the_flagged_onboardings_and_agencies(world):
    for records in (world.a, world.b):
        Onboarding.objects.filter(pk=records.onboarding.pk).update(state="active", approved_by=world.gsa)
    client = client_for("gsa", world)

    response = client.post(
        reverse("api:offering-suspend", kwargs={"pk": world.offering.pk}), {"reason": "Vendor breach."}
    )

    assert response.status_code == 200
    body = response.json()
    assert body["offering"]["status"] == "suspended"
    assert body["change"]["reason"] == "Vendor breach."
    assert {o["id"] for o in body["flagged_onboardings"]} == {world.a.onboarding.pk, world.b.onboarding.pk}
    assert [a["abbreviation"] for a in body["flagged_agencies"]] == ["DA", "DB"]


def test_an_auditor_cannot_suspend_an_offering(world):
    response = client_for("auditor", world).post(
        reverse("api:offering-suspend", kwargs={"pk": world.offering.pk}), {"reason": "No."}
    )

    assert response.status_code == 403
    assert Offering.objects.get(pk=world.offering.pk).status == Offering.Status.APPROVED


def test_starting_a_verification_answers_202_with_the_run_to_poll(world, django_capture_on_commit_callbacks):
    client = token_client(world.a.officer)

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("api:verificationrun-list"), {"deployment": world.a.deployment.pk})

    assert response.status_code == 202
    run = VerificationRun.objects.get(pk=response.json()["id"])
    assert response["Location"] == reverse("api:verificationrun-detail", kwargs={"pk": run.pk})
    assert (run.trigger, run.status, run.deployment) == ("api", "queued", world.a.deployment)
    assert len(callbacks) == 1
    polled = client.get(response["Location"]).json()
    assert (polled["status"], polled["progress_percent"]) == ("queued", 0)


def test_a_full_hash_can_be_asked_through_the_api(world):
    client = token_client(world.a.officer)

    full = client.post(reverse("api:verificationrun-list"), {"deployment": world.a.deployment.pk, "full": True})
    default = client.post(reverse("api:verificationrun-list"), {"deployment": world.a.deployment.pk})

    assert full.status_code == default.status_code == 202
    assert (full.json()["full_rehash"], default.json()["full_rehash"]) == (True, False)
    assert VerificationRun.objects.get(pk=full.json()["id"]).full_rehash is True


def test_another_agencys_deployment_cannot_be_verified(world):
    response = client_for("officer_a", world).post(
        reverse("api:verificationrun-list"), {"deployment": world.b.deployment.pk}
    )

    assert response.status_code == 400
    assert not VerificationRun.objects.filter(deployment=world.b.deployment, trigger="api").exists()


def test_a_manifest_sync_is_sent_after_commit(world, django_capture_on_commit_callbacks, monkeypatch):
    from compliance.tasks import manifest_sync_task as task

    sent = []
    monkeypatch.setattr(task, "apply_async", lambda args: sent.append((task.name, args)))
    client = client_for("gsa", world)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(reverse("api:modelversionmanifest-sync", kwargs={"pk": world.model_version.pk}))
    assert sent == []
    for callback in callbacks:
        callback()

    assert response.status_code == 202
    assert response["Location"] == reverse("api:modelversion-detail", kwargs={"pk": world.model_version.pk})
    assert sent == [("compliance.tasks.manifest_sync_task", [world.model_version.pk])]
