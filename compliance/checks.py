"""Automatic checks: requirements the registry can decide from its own data.

Each check is a plain function of preloaded facts (see `facts_load`) and one subject: the agency,
one high-impact use case or one onboarding. A requirement names its check in its data file
(`automatic_check`); the report says which check decided it. Loading the facts in a few bulk
queries keeps the government-wide report free of per-row queries.

A check tests what its requirement says, with the memo's dates: the minimum practices are due from
3 Apr 2026 for deployed high-impact use (OMB collects the `hi_*` answers for those only); a pilot is
exempt only with the CAIO's certification (M-25-21 §4(a)(i)(B)); M-25-22 binds contracts solicited
on or after 30 Sep 2025 and options exercised after it; M-26-04 binds LLM solicitations and orders
after 11 Dec 2025 and sunsets on 11 Dec 2027. A check that can refute but not confirm a requirement
(the CAIO's grade, but not the CAIO's authority) returns `DEFER`: the recorded evidence then decides.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from agencies.models import Agency, ChiefAIOfficer, Deployment, Onboarding, OpenSourceDetermination
from catalog.models import Agreement, Offering
from compliance.models import Evidence, EvidenceStatus, InventoryFiling, UseCase, VerificationRun

MEMO_M25_21_ISSUED = dt.date(2025, 4, 3)
MINIMUM_PRACTICES_DUE = dt.date(2026, 4, 3)
M25_22_EFFECTIVE = dt.date(2025, 9, 30)
M26_04_ISSUED = dt.date(2025, 12, 11)
M26_04_SUNSET = dt.date(2027, 12, 11)
CAIO_NOTICE_DAYS = 30
WAIVER_REPORT_DAYS = 30
# The 2025 inventory cycle's dates (OMB's 2025 guidance); later cycles fall a year apart.
INVENTORY_FIRST_CYCLE = 2025
INVENTORY_SUBMISSION = (12, 22)  # 22 Dec of the cycle year
INVENTORY_POSTING = (1, 28)  # 28 Jan of the next year
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
# M-25-21 §3(a)(i): the CAIO's minimum grade. CFO Act agencies: SES, ST (Scientific and Professional) or SL
# (Senior Leader), or equivalent; other agencies: GS-14 or above (the senior grades included).
SENIOR_GRADES = {"SES", "ST", "SL"}

MET, NOT_MET, PARTIAL, NA, NOT_YET_DUE = (
    EvidenceStatus.MET,
    EvidenceStatus.NOT_MET,
    EvidenceStatus.PARTIALLY_MET,
    EvidenceStatus.NOT_APPLICABLE,
    EvidenceStatus.NOT_YET_DUE,
)
# A check that can only refute returns DEFER when it finds nothing wrong: the evidence decides.
DEFER = ""


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
    caio_terms: list[ChiefAIOfficer] = field(default_factory=list)
    filings: dict[int, InventoryFiling] = field(default_factory=dict)
    waivers: list[Evidence] = field(default_factory=list)
    open_source: dict[int, OpenSourceDetermination] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return timezone.localdate(self.now)

    @property
    def high_impact_use_cases(self) -> list[UseCase]:
        return [use_case for use_case in self.use_cases if use_case.is_high_impact_in_use]

    def caio_on(self, day: dt.date) -> ChiefAIOfficer | None:
        return next((term for term in self.caio_terms if term.in_office_on(day)), None)

    @property
    def caio(self) -> ChiefAIOfficer | None:
        return next((term for term in self.caio_terms if term.ended_on is None), None)


def facts_load(agencies: Iterable[Agency], *, now: dt.datetime | None = None) -> dict[int, AgencyFacts]:
    """Load the use cases, open onboardings, active deployments, latest verification runs, CAIO history,
    inventory filings, waivers and open-source determinations of agencies (a fixed number of queries)."""
    now = now or timezone.now()
    facts = {agency.pk: AgencyFacts(agency=agency, now=now) for agency in agencies}
    ids = list(facts)
    for use_case in UseCase.objects.filter(agency_id__in=ids).order_by("use_case_id", "pk"):
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
    for term in ChiefAIOfficer.objects.filter(agency_id__in=ids).order_by("designated_on", "pk"):
        facts[term.agency_id].caio_terms.append(term)
    for filing in InventoryFiling.objects.filter(agency_id__in=ids):
        facts[filing.agency_id].filings[filing.cycle] = filing
    waivers = Evidence.objects.filter(agency_id__in=ids, status=EvidenceStatus.WAIVED).select_related(
        "requirement", "use_case", "waiver_caio"
    )
    for waiver in waivers.order_by("pk"):
        facts[waiver.agency_id].waivers.append(waiver)
    determinations = OpenSourceDetermination.objects.filter(agency_id__in=ids).order_by("determined_on", "pk")
    for determination in determinations:
        facts[determination.agency_id].open_source[determination.offering_id] = determination
    return facts


def _day(value: dt.date) -> str:
    return f"{value:%d %b %Y}"


# Agency-level checks: the Chief AI Officer (M-25-21 §3(a)(i)).


def caio_designated(facts: AgencyFacts, agency: Agency) -> CheckResult:
    caio = facts.caio
    if caio is None:
        vacated = facts.caio_terms[-1].ended_on if facts.caio_terms else None
        since = f" since {_day(vacated)}" if vacated else ""
        return CheckResult(NOT_MET, f"No Chief AI Officer is recorded in office{since}.")
    document = "designation document on file" if caio.designation_document else "no designation document on file"
    return CheckResult(MET, f"{caio.name}, {caio.title}, designated {_day(caio.designated_on)} ({document}).")


def _grade_ok(grade: str, cfo_act: bool) -> bool:
    normalized = grade.upper().replace(" ", "")
    if normalized in SENIOR_GRADES:
        return True
    if cfo_act or not normalized.startswith("GS-"):
        return False
    try:
        return int(normalized.removeprefix("GS-")) >= 14
    except ValueError:
        return False


def caio_grade(facts: AgencyFacts, agency: Agency) -> CheckResult:
    """Refutes from the recorded grade; the CAIO's authority and access to the Deputy Secretary need evidence."""
    caio = facts.caio
    if caio is None:
        return CheckResult(NOT_MET, "No Chief AI Officer is recorded in office.")
    if not caio.grade:
        return CheckResult(NOT_MET, f"The grade of {caio.name} is not recorded.")
    wanted = "SES, ST or SL (CFO Act agency)" if agency.is_cfo_act else "GS-14 or above"
    if not _grade_ok(caio.grade, agency.is_cfo_act):
        return CheckResult(NOT_MET, f"{caio.name} is {caio.grade}; M-25-21 requires {wanted}.")
    return CheckResult(DEFER, f"Grade {caio.grade} meets {wanted}.")


def caio_changes_notified(facts: AgencyFacts, agency: Agency) -> CheckResult:
    """Every designation and vacancy since M-25-21 was notified to OMB within 30 days."""
    changes = []
    for term in facts.caio_terms:
        if term.designated_on >= MEMO_M25_21_ISSUED:
            changes.append((f"designation of {term.name}", term.designated_on, term.omb_notified_on))
        successor = any(other.designated_on == term.ended_on for other in facts.caio_terms if other is not term)
        if term.ended_on and not successor and term.ended_on >= MEMO_M25_21_ISSUED:
            changes.append((f"vacancy after {term.name}", term.ended_on, term.vacancy_notified_on))
    if not changes:
        return CheckResult(NA, "No change of Chief AI Officer recorded since 3 Apr 2025.")
    late = []
    for what, day, notified in changes:
        due = day + dt.timedelta(days=CAIO_NOTICE_DAYS)
        if notified is None and facts.today <= due:
            continue
        if notified is None or notified > due:
            late.append(f"{what} on {_day(day)}: " + (f"notified {_day(notified)}" if notified else "not notified"))
    if late:
        return CheckResult(NOT_MET, "OMB not notified within 30 days: " + "; ".join(late) + ".")
    return CheckResult(MET, f"{len(changes)} change(s) notified to OMB within 30 days.")


# The use case inventory (M-25-21 §3(b)(v)).


def inventory_cycle_due(today: dt.date) -> int | None:
    """The latest inventory cycle whose public posting date has passed (None before the first one)."""
    cycle = today.year - 1 if (today.month, today.day) >= INVENTORY_POSTING else today.year - 2
    return cycle if cycle >= INVENTORY_FIRST_CYCLE else None


def _filing_result(filing: InventoryFiling | None, cycle: int) -> CheckResult:
    submit_by = dt.date(cycle, *INVENTORY_SUBMISSION)
    post_by = dt.date(cycle + 1, *INVENTORY_POSTING)
    if filing is None:
        return CheckResult(NOT_MET, f"No {cycle} inventory submission or public posting is recorded.")
    problems = []
    if filing.submitted_on is None:
        problems.append("no submission to OMB recorded")
    elif filing.submitted_on > submit_by:
        problems.append(f"submitted to OMB on {_day(filing.submitted_on)}, after {_day(submit_by)}")
    what = "no-AI-use notice" if filing.no_ai_use else "public inventory"
    if filing.posted_on is None:
        problems.append(f"no {what} posting recorded")
    elif filing.posted_on > post_by:
        problems.append(f"{what} posted on {_day(filing.posted_on)}, after {_day(post_by)}")
    if problems:
        return CheckResult(PARTIAL if len(problems) == 1 else NOT_MET, f"{cycle} cycle: " + "; ".join(problems) + ".")
    return CheckResult(
        MET,
        f"{cycle} cycle: submitted to OMB {_day(filing.submitted_on)}; {what} posted {_day(filing.posted_on)} "
        f"at {filing.public_url}.",
    )


def inventory_filed(facts: AgencyFacts, agency: Agency) -> CheckResult:
    """The latest due cycle was submitted to OMB and posted publicly on time (a no-AI notice counts)."""
    cycle = inventory_cycle_due(facts.today)
    if cycle is None:
        first = dt.date(INVENTORY_FIRST_CYCLE + 1, *INVENTORY_POSTING)
        return CheckResult(NOT_YET_DUE, f"The first inventory is due to be public by {_day(first)}.")
    return _filing_result(facts.filings.get(cycle), cycle)


# High-impact use and the minimum practices (M-25-21 §4(a)).


def _pilot_certified(use_case: UseCase) -> bool:
    return use_case.development_stage == UseCase.Stage.PILOT and use_case.pilot_certified_on is not None


def practices_state(facts: AgencyFacts, use_case: UseCase) -> CheckResult:
    """Where one high-impact use case stands on the seven practices as of today."""
    stage = use_case.development_stage
    if stage == UseCase.Stage.PRE_DEPLOYMENT:
        return CheckResult(NOT_YET_DUE, "Pre-deployment: the practices are due before it is deployed.")
    if facts.today < MINIMUM_PRACTICES_DUE:
        return CheckResult(NOT_YET_DUE, f"The minimum practices are due on {_day(MINIMUM_PRACTICES_DUE)}.")
    if _pilot_certified(use_case):
        return CheckResult(
            NA, f"Pilot certified by the CAIO on {_day(use_case.pilot_certified_on)} (M-25-21 §4(a)(i)(B))."
        )
    waived = _waived_practices(facts, use_case)
    statuses = {p: practice_status(use_case, p) for p in PRACTICE_FIELDS if p not in waived}
    # An inventory answer "CAIO Waived" counts only when there is a Chief AI Officer to have granted it.
    missing = [
        p for p, status in statuses.items() if status not in PRACTICE_DONE or (status == WAIVED and not facts.caio)
    ]
    if not missing:
        return CheckResult(MET, "All seven practices done or waived by the CAIO.")
    lead = "Pilot without a CAIO pilot certification; " if stage == UseCase.Stage.PILOT else ""
    in_progress = all(statuses[p] == PARTIAL for p in missing)
    what = "in progress" if in_progress else "not done"
    return CheckResult(
        PARTIAL if in_progress else NOT_MET, f"{lead}{len(missing)} of 7 practices {what}: {', '.join(missing)}."
    )


def minimum_practices_documented(facts: AgencyFacts, agency: Agency) -> CheckResult:
    """Every deployed (or uncertified pilot) high-impact use case documents, or validly waived, all seven practices."""
    results = [(use_case, practices_state(facts, use_case)) for use_case in facts.high_impact_use_cases]
    due = [(use_case, result) for use_case, result in results if result.status not in (NOT_YET_DUE, NA)]
    if not results:
        return CheckResult(NA, "No high-impact use cases in use.")
    if not due:
        if all(result.status == NA for _, result in results):
            return CheckResult(NA, "Only CAIO-certified pilots: exempt from the practices.")
        return CheckResult(NOT_YET_DUE, results[0][1].detail)
    lacking = [use_case for use_case, result in due if result.status == NOT_MET]
    in_progress = [use_case for use_case, result in due if result.status == PARTIAL]
    if not lacking and not in_progress:
        return CheckResult(MET, f"All {len(due)} high-impact use cases in use document the seven practices.")
    status = NOT_MET if len(lacking) == len(due) else PARTIAL
    parts = [
        f"{len(group)} of {len(due)} high-impact use cases {what} ({_ids(group)})"
        for group, what in ((lacking, "lack practices"), (in_progress, "have practices in progress"))
        if group
    ]
    return CheckResult(status, "; ".join(parts) + ".")


def non_compliant_high_impact_discontinued(facts: AgencyFacts, agency: Agency) -> CheckResult:
    """M-25-21 §4(a)(i): after 3 Apr 2026 a high-impact use case in use either complies or has been retired."""
    if facts.today < MINIMUM_PRACTICES_DUE:
        return CheckResult(NOT_YET_DUE, f"Applies from {_day(MINIMUM_PRACTICES_DUE)}.")
    in_use = [uc for uc in facts.high_impact_use_cases if uc.development_stage != UseCase.Stage.PRE_DEPLOYMENT]
    if not in_use:
        return CheckResult(NA, "No high-impact use case in use.")
    still_used = [uc for uc in in_use if practices_state(facts, uc).status not in (MET, NA)]
    if still_used:
        return CheckResult(
            NOT_MET,
            f"{len(still_used)} non-compliant high-impact use case(s) still in use, not retired: {_ids(still_used)}.",
        )
    return CheckResult(MET, f"All {len(in_use)} high-impact use cases in use comply or are certified pilots.")


def pilots_certified(facts: AgencyFacts, agency: Agency) -> CheckResult:
    """M-25-21 §4(a)(i)(B): a high-impact pilot relying on the exemption is certified by the CAIO."""
    pilots = [uc for uc in facts.high_impact_use_cases if uc.development_stage == UseCase.Stage.PILOT]
    if not pilots:
        return CheckResult(NA, "No high-impact pilots.")
    uncertified = [uc for uc in pilots if uc.pilot_certified_on is None]
    if uncertified:
        status = NOT_MET if len(uncertified) == len(pilots) else PARTIAL
        return CheckResult(
            status, f"{len(uncertified)} of {len(pilots)} pilots lack a CAIO certification: {_ids(uncertified)}."
        )
    return CheckResult(MET, f"All {len(pilots)} high-impact pilots are certified by the CAIO.")


def _ids(use_cases: list[UseCase]) -> str:
    return ", ".join(use_case.label for use_case in use_cases[:10]) + (" …" if len(use_cases) > 10 else "")


# Waivers (M-25-21 §4(a)(ii)-(iii)).


def waiver_problems(waiver: Evidence, facts: AgencyFacts) -> list[str]:
    """What makes a recorded waiver invalid: not the CAIO's own act, or re-certification more than a year apart."""
    problems = []
    granted = waiver.waiver_granted_on
    caio = waiver.waiver_caio
    if caio is None or caio.agency_id != facts.agency.pk or not caio.in_office_on(granted):
        problems.append("not granted by the agency's Chief AI Officer in office on the day")
    if waiver.waiver_recertify_by and waiver.waiver_recertify_by > _one_year_after(granted):
        problems.append("re-certification set more than a year after the grant")
    return problems


def _one_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 Feb
        return day.replace(year=day.year + 1, day=28)


def waivers_granted_by_caio(facts: AgencyFacts, agency: Agency) -> CheckResult:
    if not facts.waivers:
        return CheckResult(NA, "No waivers recorded.")
    invalid = [(w, waiver_problems(w, facts)) for w in facts.waivers]
    invalid = [(w, p) for w, p in invalid if p]
    lapsed = [w for w in facts.waivers if w.waiver_revoked_on is None and w.waiver_recertify_by < facts.today]
    parts = [f"{w.requirement.code} {w.use_case.label if w.use_case else ''}: {'; '.join(p)}" for w, p in invalid]
    parts += [f"{w.requirement.code}: re-certification was due {_day(w.waiver_recertify_by)}" for w in lapsed]
    if parts:
        return CheckResult(NOT_MET, "; ".join(parts) + ".")
    return CheckResult(MET, f"{len(facts.waivers)} waiver(s), each granted by the CAIO and re-certified within a year.")


def waiver_reports(waiver: Evidence) -> list[tuple[str, dt.date, dt.date | None]]:
    """(event, date, reported to OMB on) for a waiver's grant and, if any, its revocation."""
    reports = [("grant", waiver.waiver_granted_on, waiver.waiver_reported_to_omb_on)]
    if waiver.waiver_revoked_on:
        reports.append(("revocation", waiver.waiver_revoked_on, waiver.waiver_revocation_reported_on))
    return reports


def waivers_reported_to_omb(facts: AgencyFacts, agency: Agency) -> CheckResult:
    if not facts.waivers:
        return CheckResult(NA, "No waivers recorded.")
    late, pending = [], []
    for waiver in facts.waivers:
        for event, day, reported in waiver_reports(waiver):
            due = day + dt.timedelta(days=WAIVER_REPORT_DAYS)
            label = f"{waiver.requirement.code} {event} of {_day(day)}"
            if reported is None and facts.today <= due:
                pending.append(f"{label} (due {_day(due)})")
            elif reported is None or reported > due:
                late.append(label + (f" reported {_day(reported)}" if reported else " not reported"))
    if late:
        return CheckResult(NOT_MET, "Not reported to OMB within 30 days: " + "; ".join(late) + ".")
    if pending:
        return CheckResult(NOT_YET_DUE, "To report to OMB: " + "; ".join(pending) + ".")
    return CheckResult(MET, "Every waiver grant and revocation was reported to OMB within 30 days.")


# Registry control: GSA's catalog status.


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


def practices_missing(use_case: UseCase, *, waived: frozenset[str] = frozenset()) -> list[str]:
    """The practices (by key) not yet done: not answered, or answered "in progress", and not waived."""
    return [
        practice
        for practice in PRACTICE_FIELDS
        if practice not in waived and practice_status(use_case, practice) not in PRACTICE_DONE
    ]


def _waived_practices(facts: AgencyFacts, use_case: UseCase) -> frozenset[str]:
    """The practices of a use case under a current, valid CAIO waiver recorded in the registry."""
    waived = set()
    for waiver in facts.waivers:
        check = waiver.requirement.automatic_check
        if (
            waiver.use_case_id == use_case.pk
            and check.startswith("practice_")
            and waiver.waiver_revoked_on is None
            and waiver.waiver_recertify_by >= facts.today
            and not waiver_problems(waiver, facts)
        ):
            waived.add(check.removeprefix("practice_"))
    return frozenset(waived)


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
        state = practices_state(facts, use_case)
        if state.status in (NOT_YET_DUE, NA):
            return state
        status = practice_status(use_case, practice)
        if status != WAIVED:
            return CheckResult(status, PRACTICE_DETAIL[status].format(fields=fields))
        caio = facts.caio
        if caio is None:
            return CheckResult(NOT_MET, NO_CAIO_FOR_WAIVER.format(fields=fields))
        return CheckResult(WAIVED, CAIO_WAIVER.format(caio=caio.name, fields=fields))

    check.__name__ = f"practice_{practice}"
    return check


# Per onboarding: which memo binds the contract, by its dates.


def m25_22_applicability(onboarding: Onboarding) -> str | None:
    """Why M-25-22 does not bind this contract (solicited before 30 Sep 2025, no option after it), or None."""
    solicited, option = onboarding.solicitation_date, onboarding.option_exercise_date
    if solicited is None or solicited >= M25_22_EFFECTIVE:
        return None
    if option is not None and option > M25_22_EFFECTIVE:
        return None
    return (
        f"Solicited on {_day(solicited)}, before M-25-22 took effect on {_day(M25_22_EFFECTIVE)}; "
        "it applies from the next option exercised."
    )


def m26_04_applicability(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult | None:
    """Whether M-26-04 can bind this onboarding at all: the memo in force, an LLM, not exempt as open source."""
    if facts.today >= M26_04_SUNSET:
        return CheckResult(NA, f"M-26-04 sunset on {_day(M26_04_SUNSET)}.")
    if onboarding.offering.is_llm is False:
        return CheckResult(NA, "Not a large language model.")
    if onboarding.offering.is_llm is None:
        return CheckResult(NOT_MET, "Whether the offering is an LLM is not recorded.")
    determination = facts.open_source.get(onboarding.offering_id)
    if determination is not None and determination.is_open_source:
        return CheckResult(
            NA,
            f"The agency determined on {_day(determination.determined_on)} that its license is free and open source.",
        )
    return None


def _is_new_m26_contract(onboarding: Onboarding) -> bool | None:
    if onboarding.solicitation_date is None:
        return None
    return onboarding.solicitation_date > M26_04_ISSUED


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


def contract_no_training(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    why_not = m25_22_applicability(onboarding)
    if why_not:
        return CheckResult(NA, why_not)
    value = onboarding.no_training_on_agency_data
    if value is True:
        return CheckResult(MET, "Contract records no training on non-public agency data.")
    if value is False:
        return CheckResult(NOT_MET, "Contract does not prohibit training on non-public agency data.")
    return CheckResult(NOT_MET, "Not recorded: no training on non-public agency data.")


def contract_lock_in_protections(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    """M-25-22: all four protections the memo lists, each recorded as in the contract."""
    why_not = m25_22_applicability(onboarding)
    if why_not:
        return CheckResult(NA, why_not)
    protections = onboarding.lock_in_protections
    present = [label for label, value in protections.items() if value is True]
    absent = [label for label, value in protections.items() if value is False]
    unknown = [label for label, value in protections.items() if value is None]
    if len(present) == len(protections):
        return CheckResult(MET, "Contract provides all four: " + ", ".join(present) + ".")
    parts = [f"missing: {', '.join(absent)}"] if absent else []
    parts += [f"not recorded: {', '.join(unknown)}"] if unknown else []
    return CheckResult(PARTIAL if present else NOT_MET, f"{len(present)} of 4 protections; " + "; ".join(parts) + ".")


def ato_before_deployment(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    why_not = m25_22_applicability(onboarding)
    if why_not:
        return CheckResult(NA, why_not)
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


# Per onboarding: M-26-04.


def m26_llm_identified(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    if facts.today >= M26_04_SUNSET:
        return CheckResult(NA, f"M-26-04 sunset on {_day(M26_04_SUNSET)}.")
    if onboarding.offering.is_llm is None:
        return CheckResult(NOT_MET, "Whether the offering is an LLM is not recorded.")
    if not onboarding.offering.is_llm:
        return CheckResult(NA, "Not a large language model.")
    return CheckResult(MET, "Recorded as an LLM: the Unbiased AI Principles apply.")


def m26_clause_in_new_contract(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    gate = m26_04_applicability(facts, onboarding)
    if gate:
        return gate
    new = _is_new_m26_contract(onboarding)
    if new is None:
        return CheckResult(NOT_MET, "The solicitation or order date is not recorded.")
    if not new:
        return CheckResult(NA, f"Solicited on {_day(onboarding.solicitation_date)}: an existing contract (M26-03).")
    if onboarding.unbiased_ai_clause:
        return CheckResult(MET, f"Solicited {_day(onboarding.solicitation_date)}; the clause is in the contract.")
    return CheckResult(NOT_MET, f"Solicited {_day(onboarding.solicitation_date)} without the clause recorded.")


def m26_existing_contract_modified(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    gate = m26_04_applicability(facts, onboarding)
    if gate:
        return gate
    new = _is_new_m26_contract(onboarding)
    if new is None:
        return CheckResult(NOT_MET, "The solicitation or order date is not recorded.")
    if new:
        return CheckResult(NA, "A contract solicited after 11 Dec 2025 (M26-02).")
    if onboarding.unbiased_ai_clause:
        return CheckResult(MET, "The contract was modified to include the clause.")
    option = onboarding.option_exercise_date
    if option is None:
        return CheckResult(NOT_MET, "Not modified, and the next option-exercise date is not recorded.")
    if option > facts.today:
        return CheckResult(NOT_YET_DUE, f"Not modified yet: due before the option is exercised on {_day(option)}.")
    return CheckResult(NOT_MET, f"Not modified, and the option date {_day(option)} has passed.")


def m26_material(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    gate = m26_04_applicability(facts, onboarding)
    if gate:
        return gate
    if not onboarding.unbiased_ai_clause:
        return CheckResult(NOT_MET, "No Unbiased AI Principles clause recorded to designate as material.")
    if onboarding.unbiased_ai_material:
        return CheckResult(MET, "Compliance is designated material to eligibility and payment.")
    return CheckResult(NOT_MET, "The materiality designation is not recorded.")


def m26_vendor_resources(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    gate = m26_04_applicability(facts, onboarding)
    if gate:
        return gate
    resources = onboarding.vendor_resources
    missing = [label for label, url in resources.items() if not url]
    if not missing:
        return CheckResult(MET, "All four recorded: " + ", ".join(resources) + ".")
    status = NOT_MET if len(missing) == len(resources) else PARTIAL
    return CheckResult(status, f"Not recorded: {', '.join(missing)}.")


def m26_open_source_determined(facts: AgencyFacts, onboarding: Onboarding) -> CheckResult:
    if facts.today >= M26_04_SUNSET:
        return CheckResult(NA, f"M-26-04 sunset on {_day(M26_04_SUNSET)}.")
    if onboarding.offering.is_llm is not True:
        return CheckResult(NA if onboarding.offering.is_llm is False else NOT_MET, "Not recorded as an LLM.")
    if onboarding.offering.kind != Offering.Kind.OPEN_WEIGHT:
        return CheckResult(NA, "A proprietary service: no open-source license to determine.")
    determination = facts.open_source.get(onboarding.offering_id)
    if determination is None:
        return CheckResult(NOT_MET, "The agency's open-source license determination is not recorded.")
    verdict = "free and open source" if determination.is_open_source else "not free and open source"
    return CheckResult(MET, f"Determined {verdict} on {_day(determination.determined_on)}: {determination.reason}")


@dataclass(frozen=True)
class Check:
    name: str
    scope: str  # "agency", "use_case" or "onboarding"
    function: Callable[[AgencyFacts, object], CheckResult]
    label: str


AGENCY_CHECKS = [
    Check("caio_designated", "agency", caio_designated, "Chief AI Officer in office"),
    Check("caio_grade", "agency", caio_grade, "Chief AI Officer's grade"),
    Check("caio_changes_notified", "agency", caio_changes_notified, "CAIO changes notified to OMB in 30 days"),
    Check("inventory_filed", "agency", inventory_filed, "Inventory submitted to OMB and posted"),
    Check("minimum_practices_documented", "agency", minimum_practices_documented, "Seven practices documented"),
    Check(
        "non_compliant_high_impact_discontinued",
        "agency",
        non_compliant_high_impact_discontinued,
        "Non-compliant high-impact use discontinued",
    ),
    Check("pilots_certified", "agency", pilots_certified, "High-impact pilots certified by the CAIO"),
    Check("waivers_granted_by_caio", "agency", waivers_granted_by_caio, "Waivers granted and re-certified by the CAIO"),
    Check("waivers_reported_to_omb", "agency", waivers_reported_to_omb, "Waivers reported to OMB in 30 days"),
    Check("no_withdrawn_offering_in_use", "agency", no_withdrawn_offering_in_use, "No withdrawn offering in use"),
]
ONBOARDING_CHECKS = [
    Check("deployments_verified", "onboarding", deployments_verified, "Hosted copies verified in 30 days"),
    Check("contract_no_training", "onboarding", contract_no_training, "No training on agency data"),
    Check("contract_lock_in_protections", "onboarding", contract_lock_in_protections, "Four lock-in protections"),
    Check("ato_before_deployment", "onboarding", ato_before_deployment, "ATO recorded and current"),
    Check("agreement_current", "onboarding", agreement_current, "Agreement not expired"),
    Check("m26_llm_identified", "onboarding", m26_llm_identified, "LLM recorded"),
    Check("m26_clause_in_new_contract", "onboarding", m26_clause_in_new_contract, "Clause in new LLM contracts"),
    Check("m26_existing_contract_modified", "onboarding", m26_existing_contract_modified, "Existing contract modified"),
    Check("m26_material", "onboarding", m26_material, "Compliance designated material"),
    Check("m26_vendor_resources", "onboarding", m26_vendor_resources, "Vendor documentation recorded"),
    Check("m26_open_source_determined", "onboarding", m26_open_source_determined, "Open-source determination"),
]
CHECKS: dict[str, Check] = {
    check.name: check
    for check in [
        *AGENCY_CHECKS,
        *[
            Check(f"practice_{p}", "use_case", _practice_check(p), f"Practice documented: {p.replace('_', ' ')}")
            for p in PRACTICE_FIELDS
        ],
        *ONBOARDING_CHECKS,
    ]
}
