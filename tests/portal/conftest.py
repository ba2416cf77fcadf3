"""A small registry seen by the five personas of the portal tests."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.utils import timezone

from agencies.models import Onboarding
from agencies.services import onboarding_request
from catalog.models import Offering
from compliance.models import VerificationFileResult, VerificationRun
from compliance.verification import verification_start
from tests.factories import (
    AgreementFactory,
    DeploymentFactory,
    ModelVersionFactory,
    OfferingFactory,
    personas,
)


@dataclass
class World:
    agency_a: object
    agency_b: object
    officer_a: object
    officer_b: object
    auditor: object
    gsa: object
    offering: Offering
    pending: Offering
    onboarding_a: Onboarding
    onboarding_b: Onboarding
    deployment_a: object
    deployment_b: object
    run_a: VerificationRun
    run_b: VerificationRun

    def persona(self, name: str):
        return None if name == "anonymous" else getattr(self, name)


def _finish(run: VerificationRun, status: str) -> VerificationRun:
    """Stand in for the verification engine (not merged yet): write the outcome a worker would write."""
    run.status = status
    run.started_at = run.finished_at = timezone.now()
    run.files_total = run.files_done = 2
    run.bytes_total = run.bytes_done = 20
    run.count_ok, run.count_mismatch = 1, 1
    run.license_expected = run.license_found = "llama3.1"
    run.license_ok = True
    run.save()
    VerificationFileResult.objects.create(run=run, path="config.json", status="ok", algorithm="git-sha1")
    VerificationFileResult.objects.create(
        run=run, path="model.safetensors", status="mismatch", algorithm="sha256", expected="a" * 64, actual="b" * 64
    )
    return run


@pytest.fixture
def world(db) -> World:
    people = personas()
    agency_a, agency_b, officer_a, officer_b = people.agency_a, people.agency_b, people.officer_a, people.officer_b
    offering = OfferingFactory(name="Llama Open", slug="llama-open", kind=Offering.Kind.OPEN_WEIGHT)
    AgreementFactory(
        offering=offering, title="Llama OneGov deal", expires_on=timezone.localdate() + dt.timedelta(days=30)
    )
    version = ModelVersionFactory(offering=offering, name="Llama 3.1 8B", repo_id="meta-llama/Llama-3.1-8B")
    pending = OfferingFactory(name="Secret Pending", slug="secret-pending", status=Offering.Status.PENDING)
    onboarding_a = onboarding_request(actor=officer_a, agency=agency_a, offering=offering, purpose="Alpha letters")
    onboarding_b = onboarding_request(actor=officer_b, agency=agency_b, offering=offering, purpose="Beta letters")
    deployment_a = DeploymentFactory(agency=agency_a, model_version=version, name="alpha-prod", created_by=officer_a)
    deployment_b = DeploymentFactory(agency=agency_b, model_version=version, name="beta-prod", created_by=officer_b)
    run_a = _finish(verification_start(deployment=deployment_a, requested_by=officer_a), VerificationRun.Status.FAILED)
    run_b = _finish(verification_start(deployment=deployment_b, requested_by=officer_b), VerificationRun.Status.FAILED)
    return World(
        agency_a=agency_a,
        agency_b=agency_b,
        officer_a=officer_a,
        officer_b=officer_b,
        auditor=people.auditor,
        gsa=people.gsa,
        offering=offering,
        pending=pending,
        onboarding_a=onboarding_a,
        onboarding_b=onboarding_b,
        deployment_a=deployment_a,
        deployment_b=deployment_b,
        run_a=run_a,
        run_b=run_b,
    )


@pytest.fixture
def as_user(client):
    """Sign the test client in as a persona (None stays anonymous) and return it."""

    def sign_in(user):
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
