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
        .only("deployment_id", "status", "finished_at", "manifest_commit", "files_total", "license_ok")
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
    high_impact = facts.high_impact_use_cases
    if not high_impact:
        return CheckResult(NA, "No high-impact use cases in use.")
    missing = [use_case for use_case in high_impact if practices_missing(use_case)]
    if not missing:
        return CheckResult(MET, f"All {len(high_impact)} high-impact use cases document the seven practices.")
    ids = ", ".join(use_case.use_case_id for use_case in missing[:10]) + (" …" if len(missing) > 10 else "")
    status = NOT_MET if len(missing) == len(high_impact) else PARTIAL
    return CheckResult(
        status,
        f"{len(missing)} of {len(high_impact)} high-impact use cases lack practices ({ids}); "
        f"due {MINIMUM_PRACTICES_DUE:%d %b %Y}.",
    )


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


# Per use case: the seven minimum practices and the inventory field that documents each.

PRACTICE_FIELDS: dict[str, tuple[str, ...]] = {
    "pre_deployment_testing": ("pre_deployment_testing",),
    "impact_assessment": ("impact_assessment", "independent_review"),
    "ongoing_monitoring": ("ongoing_monitoring",),
    "operator_training": ("operator_training",),
    "fail_safe": ("fail_safe",),
    "appeal_process": ("appeal_process",),
    "public_consultation": ("public_consultation",),
}


def _field_documented(use_case: UseCase, name: str) -> bool:
    value = (getattr(use_case, name) or "").strip()
    if name == "public_consultation":
        return bool(value) and value.lower() not in {"none", "no"}
    return value == UseCase.YesNo.YES


def practices_missing(use_case: UseCase) -> list[str]:
    """The practices (by key) whose inventory fields are not answered affirmatively."""
    return [
        practice
        for practice, names in PRACTICE_FIELDS.items()
        if not all(_field_documented(use_case, name) for name in names)
    ]


def _practice_check(practice: str) -> Callable[[AgencyFacts, UseCase], CheckResult]:
    names = PRACTICE_FIELDS[practice]

    def check(facts: AgencyFacts, use_case: UseCase) -> CheckResult:
        if all(_field_documented(use_case, name) for name in names):
            return CheckResult(MET, f"Documented in the inventory ({', '.join(names)}).")
        return CheckResult(NOT_MET, f"Not documented in the inventory ({', '.join(names)}).")

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
    agreements = list(onboarding.offering.agreements.all())
    if not agreements:
        return CheckResult(NOT_MET, "No OneGov agreement is recorded for this offering.")
    current = [a for a in agreements if a.expires_on is None or a.expires_on >= facts.today]
    if current:
        agreement = current[0]
        until = f"until {agreement.expires_on:%d %b %Y}" if agreement.expires_on else "with no end date"
        return CheckResult(MET, f"{agreement.title} runs {until}.")
    latest = max(a.expires_on for a in agreements)
    return CheckResult(NOT_MET, f"Every agreement has expired (latest on {latest:%d %b %Y}).")


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
