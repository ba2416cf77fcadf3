"""Shared fixtures of the API tests: two agencies with one record of every kind each, and the personas."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.utils import timezone
from rest_framework.test import APIClient

from agencies.models import ApiToken, OnboardingTransition, User, WebhookDelivery, WebhookSubscription
from agencies.tokens import api_token_create
from catalog.models import Offering, OfferingStatusChange
from compliance.models import (
    Alert,
    Evidence,
    EvidenceDocument,
    ManifestDrift,
    Notification,
    Report,
    Requirement,
    VerificationFileResult,
    VerificationRun,
)
from compliance.requirements import load_requirements
from core.audit import audit_record
from tests.factories import (
    AgencyFactory,
    AgreementFactory,
    ArtifactFactory,
    DeploymentFactory,
    ModelVersionFactory,
    OfferingFactory,
    OnboardingFactory,
    UseCaseFactory,
    agency_officer,
    personas,
)

PERSONAS = ("anonymous", "officer_a", "officer_b", "auditor", "gsa", "read_token")


@pytest.fixture(autouse=True)
def _generous_rates(settings):
    """Rate limits high enough for tests that walk every route; the throttle tests lower them."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "100000/minute", "user": "100000/minute", "expensive": "100000/minute"},
    }
    cache.clear()
    yield
    cache.clear()


@dataclass
class AgencyRecords:
    agency: object
    officer: object
    onboarding: object
    deployment: object
    run: object
    file_result: object
    subscription: object
    delivery: object
    event: object
    transition: object
    evidence: object
    use_case: object
    report: object
    notification: object


def _agency_records(offering, model_version, label: str, *, agency=None, officer=None) -> AgencyRecords:
    """An agency's records of every kind; the agency and its officer are made unless given (the personas')."""
    if agency is None:
        agency = AgencyFactory(name=f"Department of {label}", abbreviation=f"D{label}")
        officer = agency_officer(agency, username=f"officer-{label.lower()}")
    onboarding = OnboardingFactory(agency=agency, offering=offering, requested_by=officer, state="requested")
    deployment = DeploymentFactory(
        agency=agency, model_version=model_version, created_by=officer, name=f"llama-{label.lower()}"
    )
    run = VerificationRun.objects.create(deployment=deployment, model_version=model_version, requested_by=officer)
    file_result = VerificationFileResult.objects.create(run=run, path="config.json", status="ok")
    subscription = WebhookSubscription.objects.create(
        name=f"{label} hook",
        url="http://127.0.0.1:9/hook",
        secret="s" * 32,
        event_types=["onboarding.approved"],
        agency=agency,
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription, event_type="onboarding.approved", agency_id=agency.pk, payload={"x": 1}
    )
    event = audit_record(actor=officer, action="test.marker", obj=onboarding, after={"label": label})
    transition = OnboardingTransition.objects.create(
        onboarding=onboarding, action="submit", from_state="draft", to_state="requested", actor=officer, reason="Go."
    )
    evidence, use_case, report, notification = _compliance_records(agency, officer, label)
    return AgencyRecords(
        agency,
        officer,
        onboarding,
        deployment,
        run,
        file_result,
        subscription,
        delivery,
        event,
        transition,
        evidence,
        use_case,
        report,
        notification,
    )


def _requirement() -> Requirement:
    """One agency-wide requirement without an automatic check (loaded once from the shipped catalog)."""
    if not Requirement.objects.exists():
        load_requirements()
    return Requirement.objects.filter(applies_to="every_agency", automatic_check="").order_by("code").first()


def _compliance_records(agency, officer, label: str):
    evidence = Evidence.objects.create(
        requirement=_requirement(), agency=agency, status="met", notes=f"{label} notes", recorded_by=officer
    )
    EvidenceDocument.objects.create(
        evidence=evidence,
        file=f"evidence/{label}.pdf",
        original_name=f"{label}.pdf",
        content_type="application/pdf",
        size=1,
        sha256="0" * 64,
        uploaded_by=officer,
    )
    use_case = UseCaseFactory(agency=agency, use_case_id=f"{label}-UC-1")
    pdf = f"%PDF-1.4 report of {label}".encode()
    report = Report(
        agency=agency,
        framework="all",
        status=Report.Status.ISSUED,
        issued_at=timezone.now(),
        attested_by=officer.username,
        attested_role="Agency officer",
        sha256=hashlib.sha256(pdf).hexdigest(),
        size=len(pdf),
    )
    report.pdf.save(f"report-{label}.pdf", ContentFile(pdf), save=False)
    report.save()
    alert = Alert.objects.create(
        kind="verification_failed", dedupe_key=f"test:{label}", title=f"{label} alert", message="m", agency=agency
    )
    notification = Notification.objects.create(alert=alert, recipient=officer)
    for user in User.objects.filter(role="gsa_officer"):
        Notification.objects.create(alert=alert, recipient=user)
    return evidence, use_case, report, notification


@dataclass
class World:
    offering: Offering
    pending_offering: Offering
    model_version: object
    agreement: object
    artifact: object
    status_change: object
    drift: object
    a: AgencyRecords
    b: AgencyRecords
    gsa: object
    auditor: object
    read_token_key: str


@pytest.fixture
def world(db) -> World:
    offering = OfferingFactory(name="Llama", slug="llama")
    pending = OfferingFactory(name="Secret pending", slug="secret-pending", status=Offering.Status.PENDING)
    model_version = ModelVersionFactory(offering=offering)
    agreement = AgreementFactory(offering=offering)
    AgreementFactory(offering=pending, title="Pending terms")
    ModelVersionFactory(offering=pending, repo_id="test-org/pending-model")
    artifact = ArtifactFactory(model_version=model_version)
    status_change = OfferingStatusChange.objects.create(
        offering=offering, to_status="approved", effective_on="2025-08-06", reason="Announced."
    )
    drift = ManifestDrift.objects.create(model_version=model_version, kind="branch_moved", pinned_commit="a" * 40)
    people = personas(
        a=("Department of A", "DA", "officer-a"),
        b=("Department of B", "DB", "officer-b"),
        gsa="gsa",
        auditor_name="auditor",
    )
    gsa = people.gsa
    _, read_key = api_token_create(actor=gsa, user=gsa, name="read only", scope=ApiToken.Scope.READ)
    return World(
        offering=offering,
        pending_offering=pending,
        model_version=model_version,
        agreement=agreement,
        artifact=artifact,
        status_change=status_change,
        drift=drift,
        a=_agency_records(offering, model_version, "A", agency=people.agency_a, officer=people.officer_a),
        b=_agency_records(offering, model_version, "B", agency=people.agency_b, officer=people.officer_b),
        gsa=gsa,
        auditor=people.auditor,
        read_token_key=read_key,
    )


def client_for(persona: str, world: World) -> APIClient:
    client = APIClient()
    if persona == "read_token":
        client.credentials(HTTP_AUTHORIZATION=f"Token {world.read_token_key}")
    elif persona != "anonymous":
        user = {"officer_a": world.a.officer, "officer_b": world.b.officer, "auditor": world.auditor, "gsa": world.gsa}
        client.force_login(user[persona])
    return client


def token_client(user, scope: str = ApiToken.Scope.WRITE) -> APIClient:
    _, key = api_token_create(actor=user, user=user, name="test system", scope=scope)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client
