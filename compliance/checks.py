"""Automatic checks: requirements the registry can decide from its own data.

Each check is a plain function of preloaded facts (see `facts_load`) and one subject: the agency,
one high-impact use case or one onboarding. A requirement names its check in its data file
(`automatic_check`); the report marks the result as automatic. Loading the facts in a few bulk
queries keeps the government-wide report free of per-row queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from agencies.models import Agency, Deployment, Onboarding
from catalog.models import Agreement, Offering
from compliance.models import EvidenceStatus, UseCase, VerificationRun

MINIMUM_PRACTICES_DUE = dt.date(2026, 4, 3)
# The OMB inventory column of each risk field, as the check details name them.
INVENTORY_COLUMN = {
    "pre_deployment_testing": "hi_testing_conducted",
    "impact_assessment": "hi_assessment_completed",
    "independent_review": "hi_independent_review",
    "ongoing_monitoring": "hi_ongoing_monitoring",
    "operator_training": "hi_training_established",
    "fail_safe": "hi_failsafe_presence",
    "appeal_process": "hi_appeal_process",
    "public_consultation": "hi_public_consultation",
}
VERIFICATION_MAX_AGE = dt.timedelta(days=30)
INVENTORY_MAX_AGE = dt.timedelta(days=365)

MET, NOT_MET, PARTIAL, NA = (
    EvidenceStatus.MET,
    EvidenceStatus.NOT_MET,
    EvidenceStatus.PARTIALLY_MET,
    EvidenceStatus.NOT_APPLICABLE,
)


@dataclass(frozen=True)
class CheckResult:
    status: str
    detail: str


@dataclass
class AgencyFacts:
    """What the checks read about one agency, loaded once."""

    agency: Agency
    now: dt.datetime
    use_cases: list[UseCase] = field(default_factory=list)
    onboardings: list[Onboarding] = field(default_factory=list)
    deployments: list[Deployment] = field(default_factory=list)
    latest_runs: dict[int, VerificationRun] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def high_impact_use_cases(self) -> list[UseCase]:
        return [use_case for use_case in self.use_cases if use_case.is_high_impact_in_use]


def facts_load(agencies: Iterable[Agency], *, now: dt.datetime | None = None) -> dict[int, AgencyFacts]:
    """Load the use cases, open onboardings, active deployments and latest verification runs of agencies."""
    now = now or timezone.now()
    facts = {agency.pk: AgencyFacts(agency=agency, now=now) for agency in agencies}
    ids = list(facts)
    for use_case in UseCase.objects.filter(agency_id__in=ids).order_by("use_case_id"):
        facts[use_case.agency_id].use_cases.append(use_case)
    onboardings = (
        Onboarding.objects.filter(agency_id__in=ids)
        .exclude(state__in=Onboarding.CLOSED_STATES)
        .select_related("offering", "offering__vendor")
        .prefetch_related(Prefetch("offering__agreements", queryset=Agreement.objects.order_by("-expires_on")))
        .order_by("offering__name", "pk")
    )
    for onboarding in onboardings:
        facts[onboarding.agency_id].onboardings.append(onboarding)
    deployments = Deployment.objects.filter(agency_id__in=ids, is_active=True).select_related(
        "agency", "model_version", "model_version__offering"
    )
    for deployment in deployments:
        facts[deployment.agency_id].deployments.append(deployment)
    runs = (
        VerificationRun.objects.filter(deployment__agency_id__in=ids, status__in=VerificationRun.FINISHED)
        .order_by("deployment_id", "-finished_at", "-pk")
        .only(
            "deployment_id",
            "status",
            "finished_at",
            "manifest_commit",
            "files_total",
            "license_ok",
            *("count_ok", "count_mismatch", "count_missing", "count_unexpected", "count_trusted", "full_rehash"),
        )
    )
    agency_of = {d.pk: d.agency_id for f in facts.values() for d in f.deployments}
    for run in runs:
        if run.deployment_id in agency_of:
            facts[agency_of[run.deployment_id]].latest_runs.setdefault(run.deployment_id, run)
    return facts


# Agency-level checks.


def caio_designated(facts: AgencyFacts, agency: Agency) -> CheckResult:
    if agency.has_caio:
        return CheckResult(MET, f"{agency.caio_name}, designated {agency.caio_designated_on:%d %b %Y}.")
    return CheckResult(NOT_MET, "No Chief AI Officer with a designation date is recorded.")


def use_case_inventory_current(facts: AgencyFacts, agency: Agency) -> CheckResult:
    if not facts.use_cases:
        return CheckResult(NOT_MET, "No use cases are recorded in the inventory.")
    last = max(use_case.updated_at for use_case in facts.use_cases)
    if facts.now - last > INVENTORY_MAX_AGE:
        return CheckResult(NOT_MET, f"The inventory was last updated on {last:%d %b %Y}, over a year ago.")
    return CheckResult(MET, f"{len(facts.use_cases)} use cases; last updated {last:%d %b %Y}.")


def minimum_practices_documented(facts: AgencyFacts, agency: Agency) -> CheckResult:
    """Met when every high-impact use case has done (or validly waived) all seven practices.

    A practice "in progress" makes the use case partially compliant; a CAIO waiver counts only when the
    agency has a designated Chief AI Officer to have granted it.
    """
    high_impact = facts.high_impact_use_cases
    if not high_impact:
        return CheckResult(NA, "No high-impact use cases in use.")
    done = PRACTICE_DONE if agency.has_caio else PRACTICE_DONE - {WAIVED}
    lacking, in_progress = [], []
    for use_case in high_impact:
        statuses = {practice_status(use_case, practice) for practice in PRACTICE_FIELDS}
        if statuses - done - {PARTIAL}:
            lacking.append(use_case)
        elif PARTIAL in statuses:
            in_progress.append(use_case)
    if not lacking and not in_progress:
        return CheckResult(MET, f"All {len(high_impact)} high-impact use cases document the seven practices.")
    status = NOT_MET if len(lacking) == len(high_impact) else PARTIAL
    parts = [
        f"{len(group)} of {len(high_impact)} high-impact use cases {what} ({_ids(group)})"
        for group, what in ((lacking, "lack practices"), (in_progress, "have practices in progress"))
        if group
    ]
    return CheckResult(status, "; ".join(parts) + f"; due {MINIMUM_PRACTICES_DUE:%d %b %Y}.")


def _ids(use_cases: list[UseCase]) -> str:
    return ", ".join(use_case.use_case_id for use_case in use_cases[:10]) + (" …" if len(use_cases) > 10 else "")


def no_withdrawn_offering_in_use(facts: AgencyFacts, agency: Agency) -> CheckResult:
    withdrawn = [
        onboarding
        for onboarding in facts.onboardings
        if onboarding.state == Onboarding.State.ACTIVE and onboarding.offering.is_withdrawn
    ]
    if withdrawn:
        names = ", ".join(f"{o.offering} ({o.offering.get_status_display().lower()})" for o in withdrawn)
        return CheckResult(NOT_MET, f"Active onboarding of a withdrawn offering: {names}.")
    return CheckResult(MET, "No active onboarding of a suspended or removed offering.")


# Per use case: the seven minimum practices and the inventory fields that document each.

PRACTICE_FIELDS: dict[str, tuple[str, ...]] = {
    "pre_deployment_testing": ("pre_deployment_testing",),
    "impact_assessment": ("impact_assessment", "independent_review"),
    "ongoing_monitoring": ("ongoing_monitoring",),
    "operator_training": ("operator_training",),
    "fail_safe": ("fail_safe",),
    "appeal_process": ("appeal_process",),
    "public_consultation": ("public_consultation",),
}
U = UseCase
WAIVED = EvidenceStatus.WAIVED
# What each OMB answer means for its practice. An answer not listed (or no answer) leaves it not met.
ANSWER_STATUS: dict[str, dict[str, str]] = {
    "pre_deployment_testing": {U.Practice.YES: MET, U.Practice.IN_PROGRESS: PARTIAL, U.Practice.CAIO_WAIVED: WAIVED},
    "impact_assessment": {U.Practice.YES: MET, U.Practice.IN_PROGRESS: PARTIAL, U.Practice.CAIO_WAIVED: WAIVED},
    "independent_review": {
        U.Review.INTERNAL: MET,
        U.Review.OVERSIGHT_BOARD: MET,
        U.Review.CAIO: MET,
        U.Review.IN_PROGRESS: PARTIAL,
        U.Review.CAIO_WAIVED: WAIVED,
    },
    "ongoing_monitoring": {
        U.Monitoring.ESTABLISHED: MET,
        U.Monitoring.IN_PROGRESS: PARTIAL,
        U.Monitoring.CAIO_WAIVED: WAIVED,
    },
    "operator_training": {
        U.Training.ESTABLISHED: MET,
        U.Training.IN_PROGRESS: PARTIAL,
        U.Training.CAIO_WAIVED: WAIVED,
    },
    "fail_safe": {
        U.FailSafe.YES: MET,
        U.FailSafe.NOT_APPLICABLE: NA,
        U.FailSafe.IN_PROGRESS: PARTIAL,
        U.FailSafe.CAIO_WAIVED: WAIVED,
    },
    "appeal_process": {
        U.Appeal.ESTABLISHED: MET,
        U.Appeal.NOT_APPLICABLE: NA,
        U.Appeal.PRECLUDED: NA,
        U.Appeal.IN_PROGRESS: PARTIAL,
        U.Appeal.CAIO_WAIVED: WAIVED,
    },
}
CONSULTATION_STEPS = {U.Consultation.USABILITY_TESTING, U.Consultation.FEEDBACK, U.Consultation.HEARINGS, "Other"}
# A practice counts as done when every field is met, not applicable or waived by the CAIO.
PRACTICE_DONE = {MET, NA, WAIVED}


def _consultation_status(use_case: UseCase) -> str:
    """Any consultation step taken is met; a CAIO waiver is waived; only "In-progress" is partially met."""
    answers = set(use_case.public_consultation_list)
    if U.Consultation.CAIO_WAIVED in answers:
        return WAIVED
    if answers & CONSULTATION_STEPS:
        return MET
    return PARTIAL if U.Consultation.IN_PROGRESS in answers else NOT_MET


def _field_status(use_case: UseCase, name: str) -> str:
    if name == "public_consultation":
        return _consultation_status(use_case)
    return ANSWER_STATUS[name].get(getattr(use_case, name), NOT_MET)


def _combined(statuses: list[str]) -> str:
    """One practice's status from its fields' statuses: the least advanced one decides."""
    for status in (NOT_MET, PARTIAL):
        if status in statuses:
            return status
    if all(status == WAIVED for status in statuses):
        return WAIVED
    return NA if all(status == NA for status in statuses) else MET


def practice_status(use_case: UseCase, practice: str) -> str:
    """The status of one minimum practice of a use case, as its inventory answers state it."""
    return _combined([_field_status(use_case, name) for name in PRACTICE_FIELDS[practice]])


def practices_missing(use_case: UseCase) -> list[str]:
    """The practices (by key) not yet done: not answered, or answered "in progress"."""
    return [practice for practice in PRACTICE_FIELDS if practice_status(use_case, practice) not in PRACTICE_DONE]


PRACTICE_DETAIL = {
    MET: "Documented in the inventory ({fields}).",
    PARTIAL: "In progress, as the inventory states ({fields}).",
    NA: "Not applicable, as the inventory states ({fields}).",
    NOT_MET: "Not documented in the inventory ({fields}).",
}
NO_CAIO_FOR_WAIVER = "The inventory reports a CAIO waiver ({fields}), but no Chief AI Officer is designated."
CAIO_WAIVER = "Waived by the Chief AI Officer ({caio}) and reported to OMB, as the inventory states ({fields})."


def _practice_check(practice: str) -> Callable[[AgencyFacts, UseCase], CheckResult]:
    fields = ", ".join(INVENTORY_COLUMN[name] for name in PRACTICE_FIELDS[practice])

    def check(facts: AgencyFacts, use_case: UseCase) -> CheckResult:
        status = practice_status(use_case, practice)
        if status != WAIVED:
            return CheckResult(status, PRACTICE_DETAIL[status].format(fields=fields))
        if not facts.agency.has_caio:
            return CheckResult(NOT_MET, NO_CAIO_FOR_WAIVER.format(fields=fields))
        return CheckResult(WAIVED, CAIO_WAIVER.format(caio=facts.agency.caio_name, fields=fields))

    check.__name__ = f"practice_{practice}"
    return check


# Per onboarding: the M-25-22 contract facts, verification of hosted copies and current terms.


def deployments_verified(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    if onboarding.offering.kind != Offering.Kind.OPEN_WEIGHT:
        return CheckResult(NA, "Not an open-weight offering: nothing is hosted by the agency.")
    hosted = [d for d in facts.deployments if d.model_version.offering_id == onboarding.offering_id]
    if not hosted:
        return CheckResult(NA, "No active agency-hosted deployment of this offering.")
    cutoff = facts.now - VERIFICATION_MAX_AGE
    stale = []
    for deployment in hosted:
        run = facts.latest_runs.get(deployment.pk)
        ok = run and run.status == VerificationRun.Status.PASSED and run.license_ok and run.finished_at >= cutoff
        if not ok:
            stale.append(deployment.name)
    if stale:
        return CheckResult(
            NOT_MET,
            f"{len(stale)} of {len(hosted)} deployments lack a passed verification in 30 days: "
            + ", ".join(stale[:10]),
        )
    return CheckResult(MET, f"All {len(hosted)} deployments passed checksum and license verification in 30 days.")


def _boolean_fact(attribute: str, label: str) -> Callable[[AgencyFacts, Onboarding], CheckResult]:
    def check(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
        value = getattr(onboarding, attribute)
        if value is True:
            return CheckResult(MET, f"Contract records {label}.")
        if value is False:
            return CheckResult(NOT_MET, f"Contract does not provide {label}.")
        return CheckResult(NOT_MET, f"Not recorded: {label}.")

    check.__name__ = f"contract_{attribute}"
    return check


def ato_before_deployment(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    if not onboarding.ato_granted_on:
        return CheckResult(NOT_MET, "No ATO recorded.")
    if onboarding.ato_expires_on and onboarding.ato_expires_on < facts.today:
        return CheckResult(NOT_MET, f"The ATO expired on {onboarding.ato_expires_on:%d %b %Y}.")
    return CheckResult(MET, f"ATO granted on {onboarding.ato_granted_on:%d %b %Y}.")


def agreement_current(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    """Whether the terms an onboarding relies on still run: its term, not the offer window, counts.

    An agency that ordered within an offer window keeps the terms after the window closes (Google
    Workspace, Microsoft), so only a terminated agreement or an ended term fails the check.
    """
    agreements = list(onboarding.offering.agreements.all())
    if not agreements:
        return CheckResult(NOT_MET, "No OneGov agreement is recorded for this offering.")
    running = [a for a in agreements if not _term_over(a, facts.today)]
    if running:
        agreement = running[0]
        until = f"until {agreement.expires_on:%d %b %Y}" if agreement.expires_on else "with no end of term recorded"
        window = (
            f"; its offer window closed on {agreement.offer_ends_on:%d %b %Y}"
            if agreement.offer_ends_on and agreement.offer_ends_on < facts.today
            else ""
        )
        return CheckResult(MET, f"{agreement.title} runs {until}{window}.")
    ended = "; ".join(
        f"{a.title} terminated on {a.terminated_on:%d %b %Y}"
        if a.terminated_on and a.terminated_on <= facts.today
        else f"{a.title} expired on {a.expires_on:%d %b %Y}"
        for a in agreements
    )
    return CheckResult(NOT_MET, f"No agreement runs any more ({ended}).")


def _term_over(agreement, today) -> bool:
    terminated = agreement.terminated_on is not None and agreement.terminated_on <= today
    return terminated or (agreement.expires_on is not None and agreement.expires_on < today)


@dataclass(frozen=True)
class Check:
    name: str
    scope: str  # "agency", "use_case" or "onboarding"
    function: Callable[[AgencyFacts, object], CheckResult]
    label: str


CHECKS: dict[str, Check] = {
    check.name: check
    for check in [
        Check("caio_designated", "agency", caio_designated, "Chief AI Officer designated"),
        Check("use_case_inventory_current", "agency", use_case_inventory_current, "Inventory present and current"),
        Check("minimum_practices_documented", "agency", minimum_practices_documented, "Seven practices documented"),
        Check("no_withdrawn_offering_in_use", "agency", no_withdrawn_offering_in_use, "No withdrawn offering in use"),
        *[
            Check(f"practice_{p}", "use_case", _practice_check(p), f"Practice documented: {p.replace('_', ' ')}")
            for p in PRACTICE_FIELDS
        ],
        Check("deployments_verified", "onboarding", deployments_verified, "Hosted copies verified in 30 days"),
        Check(
            "contract_no_training",
            "onboarding",
            _boolean_fact("no_training_on_agency_data", "no training on non-public agency data"),
            "No training on agency data",
        ),
        Check(
            "contract_portability",
            "onboarding",
            _boolean_fact("data_portability", "data and model portability"),
            "Data and model portability",
        ),
        Check("ato_before_deployment", "onboarding", ato_before_deployment, "ATO recorded and current"),
        Check("agreement_current", "onboarding", agreement_current, "Agreement not expired"),
    ]
}
