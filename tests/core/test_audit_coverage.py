"""Every write of a registry row through the services leaves an audit event (issue 14, item 8).

A collector listens to post_save and post_delete of every model while the main write paths of the
registry run (users, sign-in, catalog, onboardings and their workflow, deployments, webhooks, evidence,
use case import, reports, API tokens, the admin's user edits). Each row written must have an audit event
naming it, written in the same transaction (before the scenario's next step). A new service that
writes a row without auditing it fails here, unless its model is in the allowlist below, with a reason.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.db.models.signals import post_delete, post_save

from agencies.models import Deployment, WebhookSubscription
from agencies.services import (
    deployment_save,
    onboarding_contract_facts_update,
    onboarding_request,
    onboarding_transition,
    user_admin_save,
    user_create,
)
from agencies.signin import signin_failure_record
from agencies.tokens import api_token_create
from agencies.webhooks import webhook_secret_rotate, webhook_subscription_save
from catalog.models import Vendor
from catalog.services import catalog_record_save, offering_change_status
from compliance.evidence import evidence_record, evidence_review
from compliance.inventory import use_case_import
from compliance.models import Requirement
from compliance.reports import report_request
from compliance.requirements import load_requirements
from core.audit import object_type_labels
from core.models import AuditEvent
from tests.compliance.test_inventory import GOOD_ROW, csv_bytes
from tests.factories import AgencyFactory, ModelVersionFactory, agency_folder, gsa_officer

pytestmark = pytest.mark.django_db

# Rows written without an event of their own, and why that is right.
ALLOWLIST = {
    "core.auditevent": "the trail itself",
    "core.auditchainhead": "the trail's head, moved with every event",
    "core.jobdispatch": "the sweeper's bookkeeping of re-sent tasks, no registry fact",
    "agencies.signinthrottle": "a failure counter keyed by a hash; lockouts are audited (auth.locked_out)",
    "agencies.onboardingtransition": "the history row of a transition, written with the onboarding's own event",
    "agencies.webhookdelivery": "the delivery log of an event whose change is itself audited",
    "compliance.notification": "who was told about an alert (read flags); the alert is audited",
    "sessions.session": "Django's session store",
    "catalog.offeringstatuschange": "the status history row, written with the offering's own event",
}


class WriteCollector:
    def __init__(self):
        self.writes: list[tuple[str, str, int]] = []  # (label, pk, audit events before the write)

    def _saved(self, sender, instance, **kwargs):
        self.writes.append((sender._meta.label_lower, str(instance.pk), AuditEvent.objects.count()))

    def __enter__(self):
        for model in apps.get_models():
            post_save.connect(self._saved, sender=model, weak=False, dispatch_uid=f"coverage-save-{model}")
            post_delete.connect(self._saved, sender=model, weak=False, dispatch_uid=f"coverage-del-{model}")
        return self

    def __exit__(self, *exc):
        for model in apps.get_models():
            post_save.disconnect(sender=model, dispatch_uid=f"coverage-save-{model}")
            post_delete.disconnect(sender=model, dispatch_uid=f"coverage-del-{model}")


@pytest.fixture
def setup(tmp_path, settings):
    """What the scenario starts from, made by fixtures (not services): outside the collector."""
    settings.MODEL_ROOTS = [tmp_path / "models"]
    settings.WEBHOOK_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    load_requirements()
    version = ModelVersionFactory()
    doe = AgencyFactory(abbreviation="DOE", name="Department of Energy")
    folder = agency_folder(tmp_path / "models", doe, "llama")
    return gsa_officer(username="gsa-coverage"), doe, version, folder


def _scenario(gsa, doe, version, folder) -> None:
    officer = user_create(username="olga", password="a-long-password-2026!", role="agency_officer", agency=doe)
    user_admin_save(actor=gsa, user=officer)
    signin_failure_record(username="nobody", ip_address="10.0.0.1")
    catalog_record_save(actor=gsa, instance=Vendor(name="Acme AI"))
    onboarding = onboarding_request(
        actor=officer,
        agency=doe,
        offering=version.offering,
        purpose="Letters.",
        no_training_on_agency_data=True,
        data_portability=True,
        ato_granted_on=dt.date(2025, 10, 1),
        ato_expires_on=dt.date(2099, 10, 1),
    )
    onboarding_transition(actor=gsa, onboarding=onboarding, action="review", reason="Looking.")
    onboarding_transition(actor=gsa, onboarding=onboarding, action="approve", reason="Fine.")
    onboarding_transition(actor=officer, onboarding=onboarding, action="activate", reason="Go.")
    deployment = Deployment(agency=doe, model_version=version, name="llama", storage_path=str(folder))
    deployment_save(actor=officer, deployment=deployment)
    onboarding_contract_facts_update(actor=officer, onboarding=onboarding, data_portability=False)
    subscription = WebhookSubscription(name="ERP", url="https://127.0.0.1/h", event_types=["offering.removed"])
    webhook_subscription_save(actor=gsa, subscription=subscription)
    webhook_secret_rotate(actor=gsa, subscription=subscription)
    requirement = Requirement.objects.filter(applies_to="every_agency", automatic_check="").order_by("code").first()
    evidence = evidence_record(actor=officer, requirement=requirement, agency=doe, status="met", notes="Yes.")
    evidence_review(actor=gsa, evidence=evidence)
    use_case_import(actor=gsa, data=csv_bytes([GOOD_ROW]))
    report_request(requested_by=officer, agency=doe, framework="all", enqueue=False)
    api_token_create(actor=gsa, user=gsa, name="ERP read")
    offering_change_status(actor=gsa, offering=version.offering, to_status="suspended", reason="Review.")


def test_every_row_the_services_write_has_an_audit_event(setup):
    with WriteCollector() as collector:
        _scenario(*setup)

    unaudited = []
    for label, pk, events_before in collector.writes:
        if label in ALLOWLIST:
            continue
        audited = AuditEvent.objects.filter(
            object_type__in=object_type_labels(label), object_id=pk, seq__gt=events_before
        ).exists()
        if not audited:
            unaudited.append(f"{label} #{pk}")

    assert collector.writes, "the collector saw no writes: the scenario did not run"
    assert unaudited == []
