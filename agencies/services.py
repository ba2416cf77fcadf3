"""Writes for agencies: users, onboarding requests and transitions, offering withdrawals, deployments."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from agencies.models import Agency, Deployment, Onboarding, OnboardingTransition, Role, User
from agencies.selectors import onboardings_flagged_by_offering_status
from agencies.storage import deployment_folder_check
from agencies.webhooks import webhook_event_emit
from catalog.models import Offering, OfferingStatusChange
from catalog.selectors import offering_request_refusal
from core.audit import audit_record, audited_bulk_update, audited_save, snapshot
from core.errors import PermissionRefused, ServiceError, TransitionRefused

State = Onboarding.State
AGENCY_ROLES = frozenset({Role.AGENCY_OFFICER, Role.GSA_OFFICER})
GSA_ONLY = frozenset({Role.GSA_OFFICER})

REASON_REQUIRED = "Give a reason for this step; it is kept in the onboarding's history."
OTHER_AGENCY = "This record belongs to another agency."
OFFERING_NOT_AVAILABLE = "{offering} is {status}: it cannot be requested or used."


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    verb: str


TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in (
        Transition("submit", frozenset({State.DRAFT}), State.REQUESTED, AGENCY_ROLES, "submitted"),
        Transition("review", frozenset({State.REQUESTED}), State.UNDER_REVIEW, GSA_ONLY, "taken under review"),
        Transition("approve", frozenset({State.UNDER_REVIEW}), State.APPROVED, GSA_ONLY, "approved"),
        Transition("reject", frozenset({State.REQUESTED, State.UNDER_REVIEW}), State.REJECTED, GSA_ONLY, "rejected"),
        Transition("activate", frozenset({State.APPROVED, State.SUSPENDED}), State.ACTIVE, AGENCY_ROLES, "activated"),
        Transition("suspend", frozenset({State.ACTIVE}), State.SUSPENDED, GSA_ONLY, "suspended"),
        Transition(
            "offboard",
            frozenset({State.APPROVED, State.ACTIVE, State.SUSPENDED}),
            State.OFFBOARDED,
            AGENCY_ROLES,
            "offboarded",
        ),
        # The agency takes back a request GSA has not decided yet.
        Transition(
            "withdraw",
            frozenset({State.DRAFT, State.REQUESTED, State.UNDER_REVIEW}),
            State.WITHDRAWN,
            AGENCY_ROLES,
            "withdrawn",
        ),
    )
}


def require_agency_access(actor: User, agency_id: int) -> None:
    if actor.is_gsa_officer:
        return
    if not actor.is_agency_officer:
        raise PermissionRefused("Only GSA officers and the agency's own officers may do this.")
    if actor.agency_id != agency_id:
        raise PermissionRefused(OTHER_AGENCY, code="not_found")


def user_create(
    *, username: str, password: str, role: str, agency: Agency | None = None, email: str = "", actor=None
) -> User:
    """Create a user with a role (and an agency for agency officers), validating the password."""
    from django.contrib.auth.password_validation import validate_password

    if role not in Role.values:
        raise ServiceError(f"Unknown role {role!r}; choose one of {', '.join(Role.values)}.", field="role")
    if role == Role.AGENCY_OFFICER and agency is None:
        raise ServiceError("An agency officer needs an agency.", field="agency")
    user = User(username=username, email=email, role=role, agency=agency if role == Role.AGENCY_OFFICER else None)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    with transaction.atomic():
        user.save()
        audit_record(actor=actor, action="user.created", obj=user, after=snapshot(user, exclude=("password",)))
    return user


def user_admin_save(*, actor: User, user: User) -> User:
    """Save a user edited in the admin site, recording the change (the password only as a fingerprint)."""
    with transaction.atomic():
        current = User.objects.select_for_update().filter(pk=user.pk).first() if user.pk else None
        before = snapshot(current)
        user.save()
        verb = "user.updated" if before else "user.created"
        audit_record(actor=actor, action=verb, obj=user, before=before, after=snapshot(user))
    return user


def onboarding_request(
    *,
    actor: User,
    agency: Agency,
    offering: Offering,
    purpose: str,
    contract_number: str = "",
    no_training_on_agency_data: bool | None = None,
    data_portability: bool | None = None,
    ato_granted_on: dt.date | None = None,
    ato_expires_on: dt.date | None = None,
    submit: bool = True,
) -> Onboarding:
    """Record an agency's request for an offering, submitted for GSA review unless kept as a draft."""
    require_agency_access(actor, agency.pk)
    if offering.status != Offering.Status.APPROVED:
        raise ServiceError(
            OFFERING_NOT_AVAILABLE.format(offering=offering, status=offering.get_status_display().lower()),
            field="offering",
        )
    no_terms = offering_request_refusal(offering=offering, today=timezone.localdate())
    if no_terms:
        raise ServiceError(no_terms, field="offering", code="no_current_agreement")
    if not purpose.strip():
        raise ServiceError("Say what the agency will use the offering for.", field="purpose")
    onboarding = Onboarding(
        agency=agency,
        offering=offering,
        purpose=purpose.strip(),
        contract_number=contract_number,
        no_training_on_agency_data=no_training_on_agency_data,
        data_portability=data_portability,
        ato_granted_on=ato_granted_on,
        ato_expires_on=ato_expires_on,
        requested_by=actor,
    )
    onboarding.full_clean(validate_constraints=False)
    with transaction.atomic():
        if (
            Onboarding.objects.filter(agency=agency, offering=offering)
            .exclude(state__in=Onboarding.CLOSED_STATES)
            .exists()
        ):
            raise ServiceError(f"{agency.abbreviation} already has an open onboarding to {offering}.", code="conflict")
        onboarding.save()
        audit_record(actor=actor, action="onboarding.created", obj=onboarding, after=snapshot(onboarding))
        if submit:
            onboarding = _apply_transition(
                onboarding, TRANSITIONS["submit"], actor=actor, reason="Requested by the agency."
            )
    return onboarding


# Issue 12: the other M-25-22 lock-in protections, and the dates and M-26-04 facts of the contract.
CONTRACT_FACTS_M26_04 = {
    "knowledge_transfer",
    "rights_to_code_and_models",
    "licensing_pricing_transparency",
    "solicitation_date",
    "option_exercise_date",
    "unbiased_ai_clause",
    "unbiased_ai_material",
    "vendor_aup_url",
    "vendor_cards_url",
    "vendor_end_user_resources_url",
    "vendor_feedback_url",
}


# The M-25-22 terms GSA approved: changing one after approval sends the onboarding back to review.
REVIEWED_CONTRACT_FACTS = ("contract_number", "no_training_on_agency_data", "data_portability")
REOPENED_STATES = (State.APPROVED, State.ACTIVE, State.SUSPENDED)


def onboarding_contract_facts_update(*, actor: User, onboarding: Onboarding, **facts) -> Onboarding:
    """Record the M-25-22 and M-26-04 contract facts of an onboarding (agency officers of its agency, or GSA).

    Changing a reviewed term (contract number, no training, portability) of an approved, active
    or suspended onboarding sends it back to GSA review, recorded as a `reopen` step of its
    history, and flags its deployments: GSA approved the terms, not whatever they become later.
    """
    require_agency_access(actor, onboarding.agency_id)
    allowed = {"contract_number", "no_training_on_agency_data", "data_portability", "ato_granted_on", "ato_expires_on"}
    allowed |= CONTRACT_FACTS_M26_04
    unknown = set(facts) - allowed
    if unknown:
        raise ServiceError(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        locked = Onboarding.objects.select_for_update().select_related("offering", "agency").get(pk=onboarding.pk)
        if locked.state in Onboarding.CLOSED_STATES:
            raise ServiceError(f"An onboarding that is {locked.get_state_display().lower()} cannot change.")
        before = snapshot(locked)
        changed = [name for name in REVIEWED_CONTRACT_FACTS if name in facts and facts[name] != getattr(locked, name)]
        for name, value in facts.items():
            setattr(locked, name, value)
        locked.full_clean(validate_constraints=False)
        locked.save()
        audit_record(
            actor=actor, action="onboarding.contract_facts_updated", obj=locked, before=before, after=snapshot(locked)
        )
        if changed and locked.state in REOPENED_STATES:
            _reopen_for_review(locked, actor=actor, changed=changed)
    return locked


def _reopen_for_review(onboarding: Onboarding, *, actor: User, changed: list[str]) -> None:
    before, from_state = snapshot(onboarding), onboarding.state
    labels = ", ".join(Onboarding._meta.get_field(name).name.replace("_", " ") for name in changed)
    reason = f"Contract facts changed after approval ({labels}): back to GSA review."
    onboarding.state, onboarding.approved_by, onboarding.approved_at = State.UNDER_REVIEW, None, None
    onboarding.save()
    OnboardingTransition.objects.create(
        onboarding=onboarding,
        action="reopen",
        from_state=from_state,
        to_state=State.UNDER_REVIEW,
        actor=actor,
        reason=reason,
    )
    audit_record(actor=actor, action="onboarding.reopen", obj=onboarding, before=before, after=snapshot(onboarding))
    deployments_flag_for_onboarding(actor=actor, onboarding=onboarding, reason=reason)


def _refusal(onboarding: Onboarding, transition: Transition, actor: User, reason: str) -> str | None:
    """Why this transition may not happen now, or None when it may."""
    if actor.role not in transition.roles or not actor.is_active:
        who = "GSA officers" if transition.roles == GSA_ONLY else "GSA officers and the agency's officers"
        return f"Only {who} may {transition.action} an onboarding."
    if actor.is_agency_officer and actor.agency_id != onboarding.agency_id:
        return OTHER_AGENCY
    if onboarding.state not in transition.sources:
        allowed = " or ".join(sorted(State(s).label.lower() for s in transition.sources))
        return (
            f"An onboarding that is {onboarding.get_state_display().lower()} cannot be {transition.verb}; "
            f"it must be {allowed}."
        )
    if not reason.strip():
        return REASON_REQUIRED
    offering = onboarding.offering
    if transition.action in {"approve", "activate"} and offering.status != Offering.Status.APPROVED:
        return OFFERING_NOT_AVAILABLE.format(offering=offering, status=offering.get_status_display().lower())
    if transition.action == "approve" and onboarding.contract_facts_missing:
        return "Record the M-25-22 contract facts first: " + ", ".join(onboarding.contract_facts_missing) + "."
    if transition.action == "activate":
        if onboarding.state == State.SUSPENDED and not actor.is_gsa_officer:
            return "Only GSA officers may lift a suspension."
        today = timezone.localdate()
        if onboarding.ato_granted_on is None:
            return "Record the authorization to operate (ATO) first: M-25-22 requires it before deployment."
        if onboarding.ato_expires_on and onboarding.ato_expires_on < today:
            return f"The ATO expired on {onboarding.ato_expires_on:%d %b %Y}; record a current one first."
    return None


def _apply_transition(onboarding: Onboarding, transition: Transition, *, actor: User, reason: str) -> Onboarding:
    refusal = _refusal(onboarding, transition, actor, reason)
    if refusal:
        code = "not_found" if refusal == OTHER_AGENCY else None
        raise TransitionRefused(refusal, code=code)
    before = snapshot(onboarding)
    from_state = onboarding.state
    onboarding.state = transition.target
    if transition.action == "approve":
        onboarding.approved_by, onboarding.approved_at = actor, timezone.now()
    if transition.target in Onboarding.CLOSED_STATES:
        onboarding.offboarding_flagged_at = None
    onboarding.save()
    OnboardingTransition.objects.create(
        onboarding=onboarding,
        action=transition.action,
        from_state=from_state,
        to_state=transition.target,
        actor=actor,
        reason=reason.strip(),
    )
    audit_record(
        actor=actor, action=f"onboarding.{transition.action}", obj=onboarding, before=before, after=snapshot(onboarding)
    )
    if transition.target in (State.SUSPENDED, State.OFFBOARDED):
        note = f"The onboarding to {onboarding.offering} was {transition.verb}: {reason.strip()}"
        deployments_flag_for_onboarding(actor=actor, onboarding=onboarding, reason=note)
    if transition.action == "approve":
        webhook_event_emit(
            event_type="onboarding.approved",
            agency_id=onboarding.agency_id,
            payload={
                "onboarding": {
                    "id": onboarding.pk,
                    "agency_id": onboarding.agency_id,
                    "offering_id": onboarding.offering_id,
                },
                "approved_by": actor.username,
                "reason": reason.strip(),
            },
        )
    return onboarding


def onboarding_transition(*, actor: User, onboarding: Onboarding | int, action: str, reason: str) -> Onboarding:
    """Move an onboarding through its workflow, or say why that step is refused.

    1. Look the action up in TRANSITIONS (an unknown action is refused).
    2. Lock the row, so that two simultaneous approvals make exactly one transition.
    3. Check role, agency, current state, reason and the business rules on the locked row.
    4. Change the state, append the history row and the audit event in the same transaction.
    """
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionRefused(f"Unknown action {action!r}; choose one of {', '.join(TRANSITIONS)}.")
    pk = onboarding if isinstance(onboarding, int) else onboarding.pk
    with transaction.atomic():
        locked = Onboarding.objects.select_for_update().select_related("offering", "agency").get(pk=pk)
        return _apply_transition(locked, transition, actor=actor, reason=reason)


WITHDRAWN = (Offering.Status.SUSPENDED, Offering.Status.REMOVED)


def onboardings_flag_for_offboarding(*, actor: User | None, change: OfferingStatusChange) -> list[Onboarding]:
    """React to an offering's status change: flag onboardings on a withdrawal, lift the flags on a reinstatement.

    Called (through `catalog.signals.offering_status_changed`) inside the transaction that records
    the offering's status change, so the flags and the change commit or fail together.
    1. Suspended or removed: flag every approved or active onboarding, remembering which change set
       the flag, and tell webhook receivers (`offering.suspended` / `offering.removed`).
    2. Back to approved from a withdrawn or contested status (a reinstatement): lift exactly the flags
       that this offering's status changes set; a flag set for another reason stays.
    3. Contested: nothing changes for onboardings; flags already set stay until a reinstatement.
    """
    if change.is_reinstatement:
        _lift_offboarding_flags(actor, change)
        return []
    if change.to_status not in WITHDRAWN:
        return []
    offering = change.offering
    note = f"{offering} was {offering.get_status_display().lower()}: {change.reason}"
    flagged_ids = audited_bulk_update(
        actor=actor,
        queryset=onboardings_flagged_by_offering_status(offering_id=offering.pk, to_status=change.to_status),
        changes={
            "offboarding_flagged_at": timezone.now(),
            "offboarding_flag_reason": note,
            "offboarding_flag_change": change,
        },
        action="onboarding.flagged_for_offboarding",
    )
    flagged = list(Onboarding.objects.select_related("agency").filter(pk__in=flagged_ids))
    webhook_event_emit(
        event_type=f"offering.{change.to_status}",
        payload={
            "offering": {"id": offering.pk, "name": offering.name, "slug": offering.slug, "vendor": offering.vendor_id},
            "reason": change.reason,
            "effective_on": change.effective_on,
            "flagged_onboardings": [{"id": o.pk, "agency_id": o.agency_id} for o in flagged],
        },
    )
    return flagged


def _lift_offboarding_flags(actor: User | None, change: OfferingStatusChange) -> list[int]:
    return audited_bulk_update(
        actor=actor,
        queryset=Onboarding.objects.filter(
            offboarding_flag_change__offering_id=change.offering_id, offboarding_flagged_at__isnull=False
        ),
        changes={"offboarding_flagged_at": None, "offboarding_flag_reason": "", "offboarding_flag_change": None},
        action="onboarding.offboarding_flag_lifted",
    )


NO_ACTIVE_ONBOARDING = (
    "{agency} has no active onboarding to {offering}: a deployment needs one (approved by GSA and activated)."
)


def deployment_save(*, actor: User, deployment: Deployment) -> Deployment:
    """Register or edit an agency-hosted deployment of an open-weight model version.

    1. The actor must be GSA or an officer of the deployment's agency.
    2. The agency must have an ACTIVE onboarding of the offering that owns the model version; the
       deployment is linked to it.
    3. The folder is canonicalized and must lie inside the agency's own model root, without
       overlapping another deployment's folder (agencies.storage).
    """
    require_agency_access(actor, deployment.agency_id)
    offering = deployment.model_version.offering
    onboarding = Onboarding.objects.filter(
        agency_id=deployment.agency_id, offering=offering, state=State.ACTIVE
    ).first()
    if onboarding is None:
        message = NO_ACTIVE_ONBOARDING.format(agency=deployment.agency.abbreviation, offering=offering)
        raise ServiceError(message, code="no_active_onboarding", field="model_version")
    if deployment.onboarding_id not in (None, onboarding.pk):
        raise ServiceError("Link the deployment to its agency's active onboarding of the offering.", field="onboarding")
    deployment.onboarding = onboarding
    deployment.storage_path = deployment_folder_check(deployment=deployment)
    if deployment.created_by_id is None:
        deployment.created_by = actor
    if deployment.onboarding_flagged_at and deployment.onboarding.state == State.ACTIVE:
        deployment.onboarding_flagged_at, deployment.onboarding_flag_reason = None, ""
    return audited_save(actor=actor, instance=deployment)


def deployments_flag_for_onboarding(*, actor: User | None, onboarding: Onboarding, reason: str) -> list[int]:
    """Flag the agency's active deployments of the onboarding's offering: it is no longer active."""
    return audited_bulk_update(
        actor=actor,
        queryset=Deployment.objects.filter(
            agency_id=onboarding.agency_id, model_version__offering_id=onboarding.offering_id, is_active=True
        ),
        changes={"onboarding_flagged_at": timezone.now(), "onboarding_flag_reason": reason[:1000]},
        action="deployment.flagged_onboarding_inactive",
    )
