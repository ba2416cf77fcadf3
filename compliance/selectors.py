"""Reads of compliance records, scoped to what a user may see (agency officers: their own agency)."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from agencies.models import User
from agencies.selectors import scope_to_agency
from compliance.models import Evidence, EvidenceDocument, Report


def evidence_list(*, user: User) -> QuerySet[Evidence]:
    queryset = Evidence.objects.select_related(
        "requirement", "requirement__catalog", "agency", "use_case", "onboarding", "recorded_by", "reviewed_by"
    ).prefetch_related(Prefetch("documents", queryset=EvidenceDocument.objects.select_related("uploaded_by")))
    return scope_to_agency(queryset, user)


def report_list(*, user: User) -> QuerySet[Report]:
    """Reports a user may see: every report for GSA officers and auditors, own agency's for agency officers."""
    queryset = Report.objects.select_related("agency", "requested_by", "superseded_by")
    return scope_to_agency(queryset, user)
