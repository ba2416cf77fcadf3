"""Assessing agencies against the requirement catalog: automatic checks first, recorded evidence otherwise.

For each requirement that applies to an agency, every subject (the agency itself, or each
high-impact use case, or each open onboarding) gets a status and its provenance:

1. a current CAIO waiver recorded as evidence wins, but only on the seven minimum practices (the only
   requirements M-25-21 §4(a)(ii) lets a CAIO waive);
2. otherwise the requirement's automatic check decides, and the result names the check; a check that
   can refute but not confirm (`DEFER`) leaves the decision to the evidence;
3. otherwise the recorded evidence's status, labelled reviewed by GSA or self-attested, or "not met"
   when nothing is recorded.

Subject statuses roll up into one status per requirement. The memo's requirements, its
recommendations (`mandatory: false`) and the registry's own controls are kept apart: only mandatory
memo requirements count toward an agency's roll-up.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from agencies.models import Agency
from compliance import provenance
from compliance.checks import CHECKS, DEFER, AgencyFacts, facts_load
from compliance.models import Evidence, EvidenceStatus, Requirement
from compliance.requirements import requirement_list

S = EvidenceStatus
NO_EVIDENCE = "No evidence recorded."
CLOSED = "The agency closed on {day:%d %b %Y}: not assessed."
IC_EXCLUDED = "Does not apply to elements of the Intelligence Community."


@dataclass
class SubjectResult:
    label: str
    status: str
    automatic: bool
    detail: str
    evidence: Evidence | None = None
    source: str = provenance.NONE
    check: str = ""

    @property
    def source_label(self) -> str:
        return provenance.provenance_label(self.source, check=self.check)


@dataclass
class RequirementResult:
    requirement: Requirement
    status: str
    automatic: bool
    detail: str
    subjects: list[SubjectResult] = field(default_factory=list)
    next_due: dt.date | None = None

    @property
    def status_label(self) -> str:
        return S(self.status).label

    @property
    def evidence(self) -> list[Evidence]:
        return [s.evidence for s in self.subjects if s.evidence is not None]

    @property
    def sources(self) -> list[str]:
        """The provenance labels of its subjects, each once, in a stable order."""
        labels = []
        for subject in self.subjects:
            if subject.source_label not in labels:
                labels.append(subject.source_label)
        return labels or [provenance.NOT_ASSESSED_LABEL]

    @property
    def counts_toward_roll_up(self) -> bool:
        return self.requirement.mandatory and not self.requirement.is_registry_control


@dataclass
class AgencyAssessment:
    agency: Agency
    facts: AgencyFacts
    results: list[RequirementResult]

    def counts(self) -> Counter:
        """Statuses of the mandatory memo requirements: recommendations and registry controls never turn it red."""
        return Counter(result.status for result in self.results if result.counts_toward_roll_up)

    @property
    def memo_results(self) -> list[RequirementResult]:
        return [r for r in self.results if not r.requirement.is_registry_control]

    @property
    def control_results(self) -> list[RequirementResult]:
        return [r for r in self.results if r.requirement.is_registry_control]


def not_applicable_reason(requirement: Requirement, agency: Agency, today: dt.date) -> str | None:
    """Why a requirement does not apply to an agency, or None when it does."""
    if not agency.is_active_on(today):
        return CLOSED.format(day=agency.closed_on)
    if requirement.applies_to == Requirement.AppliesTo.OMB:
        return "An OMB action."
    if agency.abbreviation in requirement.excludes or set(agency.aliases) & set(requirement.excludes):
        return f"Does not apply to {agency.abbreviation}."
    if "IC" in requirement.excludes and agency.is_intelligence_community:
        return IC_EXCLUDED
    scope = requirement.applies_to
    if scope == Requirement.AppliesTo.CFO_ACT and not agency.is_cfo_act:
        return "Applies to CFO Act agencies only."
    if scope == Requirement.AppliesTo.GSA and agency.abbreviation != "GSA":
        return "A GSA action."
    return None


def applies(requirement: Requirement, agency: Agency, today: dt.date | None = None) -> bool:
    return not_applicable_reason(requirement, agency, today or timezone.localdate()) is None


def _subjects(requirement: Requirement, facts: AgencyFacts) -> list[tuple[str, object, dict]]:
    """(label, subject, evidence lookup key) for each subject the requirement applies to."""
    if requirement.applies_to == Requirement.AppliesTo.HIGH_IMPACT_USE_CASE:
        return [(uc.label, uc, {"use_case": uc.pk}) for uc in facts.high_impact_use_cases]
    if requirement.applies_to == Requirement.AppliesTo.ONBOARDING:
        return [(str(o.offering), o, {"onboarding": o.pk}) for o in facts.onboardings]
    return [(facts.agency.abbreviation, facts.agency, {})]


def _evidence_result(label: str, evidence: Evidence | None, lead: str = "") -> SubjectResult:
    if evidence is None:
        return SubjectResult(label, S.NOT_MET, False, lead + NO_EVIDENCE)
    source = provenance.REVIEWED if evidence.reviewed_at else provenance.SELF_ATTESTED
    status = S.NOT_MET if evidence.status == S.WAIVED else evidence.status
    return SubjectResult(label, status, False, lead + evidence.notes, evidence, source)


def _subject_result(requirement, label, subject, evidence, facts) -> SubjectResult:
    if evidence is not None and requirement.waivable and evidence.waiver_is_current:
        detail = f"Waived by {evidence.waiver_granted_by} on {evidence.waiver_granted_on:%d %b %Y}"
        source = provenance.REVIEWED if evidence.reviewed_at else provenance.SELF_ATTESTED
        return SubjectResult(label, S.WAIVED, False, detail, evidence, source)
    if requirement.automatic_check:
        result = CHECKS[requirement.automatic_check].function(facts, subject)
        if result.status == DEFER:
            return _evidence_result(label, evidence, lead=f"{result.detail} ")
        return SubjectResult(
            label, result.status, True, result.detail, evidence, provenance.AUTOMATIC, requirement.automatic_check
        )
    return _evidence_result(label, evidence)


def roll_up(statuses: list[str]) -> str:
    relevant = [status for status in statuses if status not in (S.NOT_APPLICABLE, S.NOT_YET_DUE)]
    if not relevant:
        return S.NOT_YET_DUE if S.NOT_YET_DUE in statuses else S.NOT_APPLICABLE
    if all(status == S.WAIVED for status in relevant):
        return S.WAIVED
    if all(status in (S.MET, S.WAIVED) for status in relevant):
        return S.MET
    if all(status == S.NOT_MET for status in relevant):
        return S.NOT_MET
    return S.PARTIALLY_MET


def requirement_assess(requirement: Requirement, facts: AgencyFacts, evidence: dict) -> RequirementResult:
    result = _requirement_assess(requirement, facts, evidence)
    result.next_due = requirement.next_due(facts.today)
    return result


def _requirement_assess(requirement: Requirement, facts: AgencyFacts, evidence: dict) -> RequirementResult:
    why_not = not_applicable_reason(requirement, facts.agency, facts.today)
    if why_not:
        return RequirementResult(requirement, S.NOT_APPLICABLE, False, why_not)
    subjects = []
    for label, subject, key in _subjects(requirement, facts):
        found = evidence.get((requirement.pk, key.get("use_case"), key.get("onboarding")))
        subjects.append(_subject_result(requirement, label, subject, found, facts))
    if not subjects:
        none = "No high-impact use cases in use." if requirement.applies_to == "high_impact_use_case" else ""
        return RequirementResult(
            requirement, S.NOT_APPLICABLE, requirement.is_automatic, none or "No open onboardings."
        )
    status = roll_up([s.status for s in subjects])
    if len(subjects) == 1:
        detail = subjects[0].detail
    else:
        tally = Counter(s.status for s in subjects)
        detail = "; ".join(f"{S(k).label}: {v}" for k, v in sorted(tally.items())) + f" (of {len(subjects)})"
    return RequirementResult(requirement, status, any(s.automatic for s in subjects), detail, subjects)


def _evidence_index(agency_ids: list[int]) -> dict[int, dict]:
    index: dict[int, dict] = {agency_id: {} for agency_id in agency_ids}
    queryset = Evidence.objects.filter(agency_id__in=agency_ids).prefetch_related("documents")
    for item in queryset.select_related("reviewed_by", "recorded_by"):
        index[item.agency_id][(item.requirement_id, item.use_case_id, item.onboarding_id)] = item
    return index


def agencies_assess(
    agencies: list[Agency], *, frameworks: list[str] | None = None, now: dt.datetime | None = None
) -> list[AgencyAssessment]:
    """Assess several agencies with a fixed number of queries (the government-wide report uses this)."""
    now = now or timezone.now()
    requirements = list(requirement_list(frameworks=frameworks))
    facts = facts_load(agencies, now=now)
    evidence = _evidence_index([agency.pk for agency in agencies])
    return [
        AgencyAssessment(
            agency,
            facts[agency.pk],
            [requirement_assess(requirement, facts[agency.pk], evidence[agency.pk]) for requirement in requirements],
        )
        for agency in agencies
    ]


def agency_assess(
    *, agency: Agency, frameworks: list[str] | None = None, now: dt.datetime | None = None
) -> AgencyAssessment:
    """Assess one agency against the active requirements of the given frameworks (all when None)."""
    return agencies_assess([agency], frameworks=frameworks, now=now)[0]


def requirement_subjects(requirement: Requirement, facts: AgencyFacts) -> list[tuple[str, object, dict]]:
    """(label, subject, evidence key) of each subject a requirement is assessed for (the portal's evidence form)."""
    return _subjects(requirement, facts)
