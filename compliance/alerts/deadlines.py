"""The M-25-21 / M-25-22 deadline alert source: a requirement due soon and still open for an agency.

Each day the scan asks the requirement catalog which dated requirements fall due within the
largest threshold (ALERT_EXPIRY_DAYS, 90 days by default), assesses every agency against the
catalog (`compliance.services.agencies_assess`, the same assessment the reports print) and
proposes one alert per agency and requirement whose status is still open: not met or only
partially met. Met, waived and not-applicable requirements raise nothing. Requirements for GSA
alone (M-25-22's acquisition guides and best-practice repository) go to GSA officers; OMB's own
actions (the CAIO Council) go to nobody.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.conf import settings

from agencies.models import Agency
from compliance.alerts.sources import AlertCandidate, Audience, alert_source, expiry_threshold, in_days
from compliance.checks import WAIVER_REPORT_DAYS, waiver_reports
from compliance.models import AlertKind, Evidence, EvidenceStatus, Requirement
from compliance.services import RequirementResult, agencies_assess, requirement_deadlines

OPEN_STATUSES = (EvidenceStatus.NOT_MET, EvidenceStatus.PARTIALLY_MET)
GSA = "GSA"
SUBJECTS = {
    Requirement.AppliesTo.HIGH_IMPACT_USE_CASE: " for each high-impact use case",
    Requirement.AppliesTo.ONBOARDING: " for each open onboarding (contract)",
}


def requirements_due(today: dt.date) -> list[tuple[Requirement, int]]:
    """Active requirements with a deadline that has reached a threshold today, with that threshold."""
    horizon = today + dt.timedelta(days=max(settings.ALERT_EXPIRY_DAYS))
    due = []
    for requirement in requirement_deadlines(after=today):
        deadline = requirement.next_due(today)
        if deadline > horizon:
            continue
        threshold = expiry_threshold((deadline - today).days)
        if threshold is not None and requirement.applies_to != Requirement.AppliesTo.OMB:
            due.append((requirement, threshold))
    return due


def deadline_candidate(agency: Agency, result: RequirementResult, threshold: int, today: dt.date) -> AlertCandidate:
    """The alert for one open requirement of one agency: what is due, by when, and what to record."""
    requirement, deadline = result.requirement, result.requirement.next_due(today)
    for_gsa = requirement.applies_to == Requirement.AppliesTo.GSA
    audience = Audience(gsa_officers=True) if for_gsa else Audience(agency_ids=frozenset({agency.pk}))
    note = f" ({requirement.deadline_note})" if requirement.deadline_note else ""
    evidence = requirement.evidence_expected.strip().rstrip(".")
    return AlertCandidate(
        kind=AlertKind.OMB_DEADLINE,
        dedupe_key=f"omb_deadline:requirement={requirement.pk}:agency={agency.pk}:{deadline}:{threshold}d",
        title=(
            f"{agency.abbreviation}: {requirement.catalog.memo} {requirement.code} {requirement.title} is due "
            f"{in_days((deadline - today).days)} ({deadline:%d %b %Y})"
        ),
        message=(
            f"{requirement.catalog.memo} {requirement.section} is due on {deadline:%d %b %Y}{note} and is "
            f"{result.status_label.lower()} for {agency.name}: {result.detail}"
        ),
        action=(
            f"Record the evidence{SUBJECTS.get(requirement.applies_to, '')} in the registry before "
            f"{deadline:%d %b %Y}: {evidence}. If the Chief AI Officer waived it, "
            "record the waiver instead."
        ),
        audience=audience,
        due_on=deadline,
        threshold_days=threshold,
        agency_id=agency.pk,
        obj=requirement,
    )


@alert_source(AlertKind.OMB_DEADLINE)
def omb_deadlines(today: dt.date) -> Iterator[AlertCandidate]:
    """Requirements due in 90, 30 or 7 days and still open for an agency: that agency's officers hear.

    1. Find the requirements whose deadline reached a threshold today (nothing else is queried if none).
    2. Assess every agency against the catalog as of today (a fixed number of queries).
    3. Yield one candidate per agency and due requirement whose status is not met or partially met.
    """
    due = {requirement.pk: threshold for requirement, threshold in requirements_due(today)}
    if not due:
        return
    agencies = list(Agency.objects.filter(status=Agency.Status.ACTIVE).order_by("abbreviation"))
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.UTC)
    for assessment in agencies_assess(agencies, now=now):
        for result in assessment.results:
            threshold = due.get(result.requirement.pk)
            if threshold is not None and result.status in OPEN_STATUSES:
                yield deadline_candidate(assessment.agency, result, threshold, today)


def _waiver_candidate(waiver: Evidence, what: str, due: dt.date, threshold: int, today: dt.date) -> AlertCandidate:
    agency, requirement = waiver.agency, waiver.requirement
    subject = f" for {waiver.use_case.label}" if waiver.use_case_id else ""
    return AlertCandidate(
        kind=AlertKind.OMB_DEADLINE,
        dedupe_key=f"omb_deadline:waiver={waiver.pk}:{what}:{due}:{threshold}d",
        title=f"{agency.abbreviation}: {requirement.code} waiver{subject}: {what} due {in_days((due - today).days)}",
        message=(
            f"The Chief AI Officer's waiver of {requirement.code} {requirement.title}{subject} needs its {what} "
            f"by {due:%d %b %Y} (M-25-21 §4(a)(ii)-(iii))."
        ),
        action=f"Record the {what} in the registry before {due:%d %b %Y}.",
        audience=Audience(agency_ids=frozenset({agency.pk})),
        due_on=due,
        threshold_days=threshold,
        agency_id=agency.pk,
        obj=waiver,
    )


@alert_source(AlertKind.OMB_DEADLINE)
def waiver_deadlines(today: dt.date) -> Iterator[AlertCandidate]:
    """Waivers whose report to OMB (30 days after a grant or revocation) or yearly re-certification falls due."""
    waivers = Evidence.objects.filter(status=EvidenceStatus.WAIVED, agency__status=Agency.Status.ACTIVE)
    for waiver in waivers.select_related("agency", "requirement", "use_case"):
        for event, day, reported in waiver_reports(waiver):
            due = day + dt.timedelta(days=WAIVER_REPORT_DAYS)
            threshold = expiry_threshold((due - today).days)
            if reported is None and threshold is not None and due >= today:
                yield _waiver_candidate(waiver, f"report of its {event} to OMB", due, threshold, today)
        due = waiver.waiver_recertify_by
        threshold = expiry_threshold((due - today).days) if due and due >= today else None
        if waiver.waiver_revoked_on is None and threshold is not None:
            yield _waiver_candidate(waiver, "re-certification", due, threshold, today)
