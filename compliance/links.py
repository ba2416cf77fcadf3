"""What compliance adds to the shared portal kit: where its audited objects live, and bulk actions on lower lists."""

from __future__ import annotations

from django.urls import reverse

from core.history import object_url_register
from core.tables import BulkAction, bulk_action_register

REVERIFY = BulkAction(
    name="reverify",
    label="Re-verify",
    explanation="A new checksum and license verification is queued for each chosen deployment.",
    run=lambda user, deployment: _verification_start(user, deployment),
    allowed=lambda user: user.is_gsa_officer or user.is_agency_officer,
)


def _verification_start(user, deployment):
    from compliance.verification import verification_start

    return verification_start(deployment=deployment, requested_by=user)


def _evidence_url(object_id: str) -> str | None:
    from compliance.models import Evidence

    agency_id = Evidence.objects.filter(pk=object_id).values_list("agency_id", flat=True).first()
    return reverse("compliance:agency-compliance", args=[agency_id]) if agency_id else None


def register_object_urls() -> None:
    object_url_register("compliance.verificationrun", lambda pk: reverse("compliance:run-detail", args=[pk]))
    object_url_register("compliance.usecase", lambda pk: reverse("compliance:use-case-detail", args=[pk]))
    object_url_register("compliance.evidence", _evidence_url)
    object_url_register("compliance.report", lambda pk: reverse("compliance:report-list"))
    object_url_register("compliance.notification", lambda pk: reverse("compliance:notification-list"))


def register_bulk_actions() -> None:
    # The deployment list belongs to agencies, which cannot import compliance; the action is offered from here.
    bulk_action_register("agencies.deployment", REVERIFY)
