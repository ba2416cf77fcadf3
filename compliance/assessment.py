"""Assessing agencies against the requirement catalog: automatic checks first, recorded evidence otherwise.

For each requirement that applies to an agency, every subject (the agency itself, or each
high-impact use case, or each open onboarding) gets a status:

1. a current waiver recorded as evidence wins (it is the CAIO's decision, reported as "waived");
2. otherwise the requirement's automatic check decides, and the result is marked automatic;
3. otherwise the recorded evidence's status, or "not met" when nothing is recorded.

Subject statuses roll up into one status per requirement.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone

from agencies.models import Agency
from compliance.checks import CHECKS, AgencyFacts, facts_load
from compliance.models import Evidence, EvidenceStatus, Requirement
from compliance.requirements import requirement_list

S = EvidenceStatus
NO_EVIDENCE = "No evidence recorded."


@dataclass
class SubjectResult:
    label: str
    status: str
    automatic: bool
    detail: str
    evidence: Evidence | None = None


@dataclass
class RequirementResult:
    requirement: Requirement
    status: str
    automatic: bool
    detail: str
    subjects: list[SubjectResult] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return S(self.status).label

    @property
    def evidence(self) -> list[Evidence]:
        return [s.evidence for s in self.subjects if s.evidence is not None]

    @property
    def provenance(self) -> str:
        """Automatic check, evidence reviewed by GSA, or self-attested and not reviewed (compliance.evidence)."""
        from compliance.evidence import evidence_provenance

        automatic = self.automatic or (bool(self.subjects) and all(s.automatic for s in self.subjects))
        return evidence_provenance(automatic=automatic, evidence=self.evidence)


@dataclass
class AgencyAssessment:
    agency: Agency
    facts: AgencyFacts
    results: list[RequirementResult]

    def counts(self) -> Counter:
        return Counter(result.status for result in self.results)


def applies(requirement: Requirement, agency: Agency) -> bool:
    if agency.abbreviation in requirement.excludes:
        return False
    scope = requirement.applies_to
    if scope == Requirement.AppliesTo.CFO_ACT:
        return agency.is_cfo_act
    if scope == Requirement.AppliesTo.GSA:
        return agency.abbreviation == "GSA"
    return scope != Requirement.AppliesTo.OMB


def _subjects(requirement: Requirement, facts: AgencyFacts) -> list[tuple[str, object, dict]]:
    """(label, subject, evidence lookup key) for each subject the requirement applies to."""
    if requirement.applies_to == Requirement.AppliesTo.HIGH_IMPACT_USE_CASE:
        return [(uc.use_case_id, uc, {"use_case": uc.pk}) for uc in facts.high_impact_use_cases]
    if requirement.applies_to == Requirement.AppliesTo.ONBOARDING:
        return [(str(o.offering), o, {"onboarding": o.pk}) for o in facts.onboardings]
    return [(facts.agency.abbreviation, facts.agency, {})]


def _subject_result(requirement, label, subject, evidence, facts) -> SubjectResult:
    if evidence is not None and evidence.waiver_is_current:
        detail = f"Waived by {evidence.waiver_granted_by} on {evidence.waiver_granted_on:%d %b %Y}"
        return SubjectResult(label, S.WAIVED, False, detail, evidence)
    if requirement.automatic_check:
        result = CHECKS[requirement.automatic_check].function(facts, subject)
        return SubjectResult(label, result.status, True, result.detail, evidence)
    if evidence is not None:
        return SubjectResult(label, evidence.status, False, evidence.notes, evidence)
    return SubjectResult(label, S.NOT_MET, False, NO_EVIDENCE)


def roll_up(statuses: list[str]) -> str:
    relevant = [status for status in statuses if status != S.NOT_APPLICABLE]
    if not relevant:
        return S.NOT_APPLICABLE
    if all(status == S.WAIVED for status in relevant):
        return S.WAIVED
    if all(status in (S.MET, S.WAIVED) for status in relevant):
        return S.MET
    if all(status == S.NOT_MET for status in relevant):
        return S.NOT_MET
    return S.PARTIALLY_MET


def requirement_assess(requirement: Requirement, facts: AgencyFacts, evidence: dict) -> RequirementResult:
    agency = facts.agency
    if not applies(requirement, agency):
        why = "An OMB action." if requirement.applies_to == Requirement.AppliesTo.OMB else "Does not apply."
        return RequirementResult(requirement, S.NOT_APPLICABLE, False, why)
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
