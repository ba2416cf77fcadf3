"""Where alerts come from: a registry of sources, each a function yielding candidate alerts.

A source takes the day of the scan and yields `AlertCandidate`s; it decides nothing about
delivery. The daily scan runs every registered source and raises each candidate once (the
candidate's `dedupe_key` is unique in the database). Events (a finished verification, a
drift, an offering withdrawn) build their candidates with the same functions, so an event
that is lost on the way is still alerted on by the next scan.

The M-25-21 / M-25-22 deadline source (`AlertKind.OMB_DEADLINE`) lives in
`compliance.alerts.deadlines`, beside the requirement assessment it reads; it registers itself
here with the same decorator and counts thresholds with `expiry_threshold`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.utils import timezone

from agencies.models import Deployment, Onboarding
from catalog.models import Agreement, FedRAMPProductChange, Lifecycle, Offering, OfferingStatusChange
from compliance.models import AlertKind, ManifestDrift, VerificationRun

# Events older than this are not re-alerted by the scan's safety net (the event itself was on time).
EVENT_LOOKBACK_DAYS = 7
IN_USE_STATES = (Onboarding.State.APPROVED, Onboarding.State.ACTIVE)


@dataclass(frozen=True)
class Audience:
    """Who should hear about an alert by default: GSA officers, and/or the officers of some agencies."""

    gsa_officers: bool = False
    agency_ids: frozenset[int] = frozenset()


@dataclass(frozen=True)
class AlertCandidate:
    """An alert that a source proposes; raised at most once per `dedupe_key`."""

    kind: str
    dedupe_key: str
    title: str
    message: str
    audience: Audience
    action: str = ""
    due_on: dt.date | None = None
    threshold_days: int | None = None
    agency_id: int | None = None
    obj: models.Model | None = None


AlertSource = Callable[[dt.date], Iterable[AlertCandidate]]
ALERT_SOURCES: dict[str, list[AlertSource]] = {}


def alert_source(kind: str) -> Callable[[AlertSource], AlertSource]:
    """Register a function as a source of one kind of alert for the daily scan."""

    def register(source: AlertSource) -> AlertSource:
        ALERT_SOURCES.setdefault(kind, []).append(source)
        return source

    return register


def expiry_threshold(days_left: int, thresholds: Iterable[int] | None = None) -> int | None:
    """The smallest threshold (in days) that `days_left` has reached, or None if none yet or already past.

    With thresholds 90, 30, 7: 91 days left gives None, 90..31 give 90, 30..8 give 30, 7..0 give 7.
    A scan that missed the exact day still alerts on the next one, and something first recorded
    20 days before it expires is alerted once at 30, not also at 90.
    """
    if days_left < 0:
        return None
    reached = [t for t in (thresholds or settings.ALERT_EXPIRY_DAYS) if days_left <= t]
    return min(reached) if reached else None


def in_days(days: int) -> str:
    return "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"


def _agencies_using(offering_id: int) -> frozenset[int]:
    return frozenset(
        Onboarding.objects.filter(offering_id=offering_id, state__in=IN_USE_STATES).values_list("agency_id", flat=True)
    )


@alert_source(AlertKind.AGREEMENT_EXPIRING)
def agreements_expiring(today: dt.date) -> Iterator[AlertCandidate]:
    """OneGov agreements whose offer window or term reaches a threshold: GSA and the agencies using the offering."""
    horizon = today + dt.timedelta(days=max(settings.ALERT_EXPIRY_DAYS))
    agreements = (
        Agreement.objects.select_related("offering__vendor")
        .with_lifecycle(today)
        .filter(offer_open_until__gte=today, offer_open_until__lte=horizon, terminated_on__isnull=True)
        .exclude(offering__status=Offering.Status.REMOVED)
    )
    for agreement in agreements:
        ends_on = agreement.offer_open_until
        days_left = (ends_on - today).days
        threshold = expiry_threshold(days_left)
        if threshold is None:
            continue
        window = ends_on == agreement.offer_ends_on
        what = "offer window closes" if window else "term ends"
        headline = f"{agreement.title}: the offer window closes" if window else f"{agreement.title} expires"
        yield AlertCandidate(
            kind=AlertKind.AGREEMENT_EXPIRING,
            dedupe_key=f"agreement_expiring:agreement={agreement.pk}:{ends_on}:{threshold}d",
            title=f"{headline} {in_days(days_left)} ({ends_on:%d %b %Y})",
            message=(
                f"The OneGov agreement for {agreement.offering}: the {what} on {ends_on:%d %b %Y}. "
                f"{agreement.dates_note}".strip()
            ),
            action=(
                "GSA: record the renewal (a successor agreement) or the end of the terms in the catalog. "
                "Agencies using the offering: plan for the price and terms after that date."
            ),
            audience=Audience(gsa_officers=True, agency_ids=_agencies_using(agreement.offering_id)),
            due_on=ends_on,
            threshold_days=threshold,
            obj=agreement,
        )


def _last_end(agreements: list[Agreement]) -> dt.date | None:
    ends = [a.terminated_on or a.offer_open_until for a in agreements if a.terminated_on or a.offer_open_until]
    return max(ends) if ends else None


@alert_source(AlertKind.AGREEMENT_ENDED)
def offerings_without_live_agreement(today: dt.date) -> Iterator[AlertCandidate]:
    """Agencies still using an offering whose OneGov agreements are all expired or terminated."""
    by_offering: dict[int, list[Agreement]] = {}
    for agreement in Agreement.objects.select_related("offering__vendor").with_lifecycle(today):
        by_offering.setdefault(agreement.offering_id, []).append(agreement)
    for agreements in by_offering.values():
        if any(a.lifecycle_status in (Lifecycle.CURRENT, Lifecycle.EXPIRING) for a in agreements):
            continue
        offering, ended = agreements[0].offering, _last_end(agreements)
        onboardings = Onboarding.objects.select_related("agency").filter(offering=offering, state__in=IN_USE_STATES)
        summary = "; ".join(f"{a.title}: {Lifecycle(a.lifecycle_status).label.lower()}" for a in agreements)
        for onboarding in onboardings:
            yield AlertCandidate(
                kind=AlertKind.AGREEMENT_ENDED,
                dedupe_key=f"agreement_ended:offering={offering.pk}:agency={onboarding.agency_id}:{ended}",
                title=f"{onboarding.agency.abbreviation}: no current OneGov agreement for {offering}",
                message=f"Every OneGov agreement recorded for {offering} has ended ({summary}).",
                action=(
                    f"Check the terms your agency is using {offering} under (your own order or contract), or plan "
                    "to offboard it. New requests for it are refused until GSA records new terms."
                ),
                audience=Audience(gsa_officers=False, agency_ids=frozenset({onboarding.agency_id})),
                agency_id=onboarding.agency_id,
                obj=onboarding,
            )


@alert_source(AlertKind.ATO_EXPIRING)
def atos_expiring(today: dt.date) -> Iterator[AlertCandidate]:
    """Authorizations to operate of approved or active onboardings reaching a threshold: the agency's officers."""
    horizon = today + dt.timedelta(days=max(settings.ALERT_EXPIRY_DAYS))
    onboardings = Onboarding.objects.select_related("agency", "offering__vendor").filter(
        state__in=IN_USE_STATES, ato_expires_on__gte=today, ato_expires_on__lte=horizon
    )
    for onboarding in onboardings:
        days_left = (onboarding.ato_expires_on - today).days
        threshold = expiry_threshold(days_left)
        if threshold is None:
            continue
        yield AlertCandidate(
            kind=AlertKind.ATO_EXPIRING,
            dedupe_key=f"ato_expiring:onboarding={onboarding.pk}:{onboarding.ato_expires_on}:{threshold}d",
            title=(
                f"{onboarding.agency.abbreviation}: the ATO for {onboarding.offering} expires "
                f"{in_days(days_left)} ({onboarding.ato_expires_on:%d %b %Y})"
            ),
            message=(
                f"The authorization to operate recorded for {onboarding.offering} at {onboarding.agency.name} "
                f"ends on {onboarding.ato_expires_on:%d %b %Y}."
            ),
            action=(
                f"Renew the ATO and record its new expiry date in the registry before "
                f"{onboarding.ato_expires_on:%d %b %Y}. An onboarding without a current ATO cannot be activated."
            ),
            audience=Audience(agency_ids=frozenset({onboarding.agency_id})),
            due_on=onboarding.ato_expires_on,
            threshold_days=threshold,
            agency_id=onboarding.agency_id,
            obj=onboarding,
        )


def verification_failed_candidate(run: VerificationRun) -> AlertCandidate | None:
    """The alert for a verification that ended failed or error (None for any other status)."""
    if run.status not in (VerificationRun.Status.FAILED, VerificationRun.Status.ERROR):
        return None
    deployment = run.deployment
    subject = str(deployment) if deployment else str(run.model_version or run.repo_id)
    if run.status == VerificationRun.Status.ERROR:
        message = f"Verification #{run.pk} of {subject} could not complete: {run.error_message or 'no detail'}."
        action = "Fix the cause (folder, permissions, Hub access) and run the verification again."
    else:
        message = (
            f"Verification #{run.pk} of {subject} found {run.count_mismatch} mismatched, {run.count_missing} "
            f"missing and {run.count_unexpected} unexpected file(s)"
            + ("; the license does not match." if run.license_ok is False else ".")
        )
        action = (
            "Do not serve the model until its files match: restore them from the pinned commit and "
            "verify again. Each file's result is on the verification's page."
        )
    audience = Audience(agency_ids=frozenset({deployment.agency_id})) if deployment else Audience(gsa_officers=True)
    return AlertCandidate(
        kind=AlertKind.VERIFICATION_FAILED,
        dedupe_key=f"verification_failed:run={run.pk}",
        title=f"Verification {run.get_status_display().lower()}: {subject}",
        message=message,
        action=action,
        audience=audience,
        agency_id=deployment.agency_id if deployment else None,
        obj=run,
    )


@alert_source(AlertKind.VERIFICATION_FAILED)
def recent_failed_verifications(today: dt.date) -> Iterator[AlertCandidate]:
    """Safety net for the event: failed runs of the last days that were not alerted on yet."""
    since = dt.datetime.combine(today - dt.timedelta(days=EVENT_LOOKBACK_DAYS), dt.time(), tzinfo=dt.UTC)
    runs = VerificationRun.objects.select_related("deployment__agency", "model_version").filter(
        status__in=[VerificationRun.Status.FAILED, VerificationRun.Status.ERROR], finished_at__gte=since
    )
    for run in runs:
        candidate = verification_failed_candidate(run)
        if candidate:
            yield candidate


DRIFT_ACTIONS = {
    ManifestDrift.Kind.BRANCH_MOVED: (
        "Deployments stay pinned to the verified commit. Review the new upstream commit before GSA adds it "
        "as a new model version."
    ),
    ManifestDrift.Kind.FILES_CHANGED: (
        "The files at the pinned commit no longer match the manifest: GSA must review the change; "
        "agencies should re-verify their deployments."
    ),
    ManifestDrift.Kind.LICENSE_CHANGED: (
        "Review the new license against the offering's allowed licenses before any new deployment."
    ),
}


def drift_candidate(drift: ManifestDrift) -> AlertCandidate:
    """The alert for one upstream change of a pinned model version: GSA and the agencies deploying it hear."""
    version = drift.model_version
    agency_ids = frozenset(
        Deployment.objects.filter(model_version=version, is_active=True).values_list("agency_id", flat=True)
    )
    upstream = f" to {drift.upstream_commit[:12]}" if drift.upstream_commit else ""
    return AlertCandidate(
        kind=AlertKind.MODEL_DRIFT,
        dedupe_key=f"model_drift:drift={drift.pk}",
        title=f"{drift.get_kind_display()}: {version.repo_id}",
        message=(
            f"{version.repo_id} (pinned at {drift.pinned_commit[:12]}, revision {version.revision}) changed "
            f"upstream{upstream}: {drift.get_kind_display().lower()}."
        ),
        action=DRIFT_ACTIONS.get(drift.kind, ""),
        audience=Audience(gsa_officers=True, agency_ids=agency_ids),
        obj=drift,
    )


@alert_source(AlertKind.MODEL_DRIFT)
def recent_drifts(today: dt.date) -> Iterator[AlertCandidate]:
    """Safety net for the event: drifts of the last days that were not alerted on yet."""
    since = dt.datetime.combine(today - dt.timedelta(days=EVENT_LOOKBACK_DAYS), dt.time(), tzinfo=dt.UTC)
    for drift in ManifestDrift.objects.select_related("model_version").filter(detected_at__gte=since):
        yield drift_candidate(drift)


def offboarding_deadline(change: OfferingStatusChange) -> dt.date:
    """The day by which agencies must have offboarded a withdrawn offering (OFFBOARDING_PERIOD_DAYS)."""
    happened = change.effective_on or timezone.localdate(change.recorded_at)
    return happened + dt.timedelta(days=settings.OFFBOARDING_PERIOD_DAYS)


def offering_withdrawn_candidates(change: OfferingStatusChange) -> list[AlertCandidate]:
    """One alert per agency still using an offering that GSA suspended or removed: what to do and by when."""
    if change.to_status not in (Offering.Status.SUSPENDED, Offering.Status.REMOVED):
        return []
    offering = change.offering
    deadline = offboarding_deadline(change)
    happened = deadline - dt.timedelta(days=settings.OFFBOARDING_PERIOD_DAYS)
    verb = Offering.Status(change.to_status).label.lower()
    onboardings = Onboarding.objects.select_related("agency").filter(offering=offering, state__in=IN_USE_STATES)
    if change.to_status == Offering.Status.SUSPENDED:
        action = (
            f"Stop new use of {offering} now. Unless GSA lifts the suspension, offboard it by {deadline:%d %b %Y} "
            f"(the registry's {settings.OFFBOARDING_PERIOD_DAYS}-day offboarding period)."
        )
    else:
        action = (
            f"Stop new use of {offering} now, move users and data to an approved offering and record the "
            f"offboarding in the registry by {deadline:%d %b %Y} (the registry's "
            f"{settings.OFFBOARDING_PERIOD_DAYS}-day offboarding period)."
        )
    return [
        AlertCandidate(
            kind=AlertKind.OFFERING_WITHDRAWN,
            dedupe_key=f"offering_withdrawn:change={change.pk}:agency={onboarding.agency_id}",
            title=f"{onboarding.agency.abbreviation}: {offering} was {verb}; offboard by {deadline:%d %b %Y}",
            message=f"GSA {verb} {offering} on {happened:%d %b %Y}: {change.reason}",
            action=action,
            audience=Audience(agency_ids=frozenset({onboarding.agency_id})),
            due_on=deadline,
            agency_id=onboarding.agency_id,
            obj=onboarding,
        )
        for onboarding in onboardings
    ]


@alert_source(AlertKind.OFFERING_WITHDRAWN)
def recent_withdrawals(today: dt.date) -> Iterator[AlertCandidate]:
    """Safety net for the event: withdrawals recorded in the last days that were not alerted on yet."""
    since = dt.datetime.combine(today - dt.timedelta(days=EVENT_LOOKBACK_DAYS), dt.time(), tzinfo=dt.UTC)
    changes = OfferingStatusChange.objects.select_related("offering__vendor").filter(
        to_status__in=[Offering.Status.SUSPENDED, Offering.Status.REMOVED], recorded_at__gte=since
    )
    for change in changes:
        yield from offering_withdrawn_candidates(change)


def fedramp_change_candidate(change: FedRAMPProductChange) -> AlertCandidate | None:
    """The alert for one change of a FedRAMP product linked to offerings: GSA and the agencies using them hear."""
    product = change.product
    offerings = list(product.offerings.all())
    if not offerings:
        return None
    agency_ids = frozenset().union(*(_agencies_using(offering.pk) for offering in offerings))
    names = ", ".join(str(offering) for offering in offerings)
    field = change.get_field_display().lower()
    return AlertCandidate(
        kind=AlertKind.FEDRAMP_CHANGED,
        dedupe_key=f"fedramp_changed:change={change.pk}",
        title=f"FedRAMP {field} of {product.cso} ({product.fedramp_id}): {change.from_value} → {change.to_value}",
        message=(
            f"FedRAMP's marketplace data changed the {field} of {product.csp} {product.cso} ({product.fedramp_id}) "
            f"from {change.from_value or 'none'} to {change.to_value or 'none'} on {change.changed_on:%d %b %Y}. "
            f"It covers {names}. Source: {change.source_url}"
        ),
        action=(
            "GSA: review whether the offering's catalog status and conditions still hold. Agencies: check that your "
            "ATO's reliance on this FedRAMP authorization still holds."
        ),
        audience=Audience(gsa_officers=True, agency_ids=agency_ids),
        obj=change,
    )


@alert_source(AlertKind.FEDRAMP_CHANGED)
def recent_fedramp_changes(today: dt.date) -> Iterator[AlertCandidate]:
    """Safety net for the event: FedRAMP changes of linked products recorded in the last days."""
    since = dt.datetime.combine(today - dt.timedelta(days=EVENT_LOOKBACK_DAYS), dt.time(), tzinfo=dt.UTC)
    changes = FedRAMPProductChange.objects.select_related("product").filter(
        recorded_at__gte=since, product__offerings__isnull=False
    )
    for change in changes.distinct():
        candidate = fedramp_change_candidate(change)
        if candidate:
            yield candidate
