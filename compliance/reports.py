"""Compliance reports: requesting one, rendering it to a PDF attestation, and checking an attestation later.

The report row is written (queued) before any task is sent; the task claims it, renders the PDF
outside any transaction, then stores the file with its sha256 and supersedes the earlier report of
the same agency and framework. Anyone can later give a PDF (or its sha256) to `attestation_verify`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from agencies.models import Agency, Role, User
from compliance import charts
from compliance.assessment import AgencyAssessment, agencies_assess
from compliance.checks import PRACTICE_FIELDS, practice_status, practices_missing
from compliance.models import EvidenceStatus, Report, RequirementCatalog
from compliance.signing import SignatureBlock, SignatureCheck, pdf_sign, pdf_signature_check
from compliance.tasks import report_generate_task
from core.audit import audit_record, audited_bulk_update, snapshot
from core.errors import PermissionRefused, ServiceError
from core.jobs import job_send_on_commit

TEMPLATE = "compliance/reports/report.html"
UNKNOWN_FRAMEWORK = "Unknown framework {framework!r}: use one of {choices}."
OWN_AGENCY_ONLY = "Agency officers may request reports for their own agency only."
GSA_ONLY_GOVERNMENT_WIDE = "Only GSA officers may request the government-wide report."
NOT_ALLOWED = "Only GSA officers and agency officers may issue attestations."
GAVE_UP = "Gave up after {attempts} attempt(s): the worker rendering it stopped before it finished."
STATUS_SEGMENTS = [(status.value, status.label) for status in EvidenceStatus]


class ReportRenderFailed(Exception):
    """Rendering failed; the report row is marked failed with the reason before this is raised."""


def framework_choices() -> list[str]:
    return [*RequirementCatalog.objects.order_by("issued_on", "slug").values_list("slug", flat=True), "all"]


def frameworks_of(framework: str) -> list[str] | None:
    """The catalog slugs a framework covers; None means every loaded catalog."""
    return None if framework == "all" else [framework]


def report_request(
    *,
    requested_by: User | None,
    framework: str,
    agency: Agency | None = None,
    enqueue: bool = True,
) -> Report:
    """Queue a report (per agency, or government-wide when agency is None); the task is sent after commit.

    The attester is the user who asks, with their role and agency recorded by the registry: an
    agency officer attests for their own agency only, and the government-wide report needs a GSA
    officer. requested_by None means the command line, which runs with the operator's own
    authority; enqueue=False leaves rendering to the caller (the command renders in its own process).
    """
    if framework not in framework_choices():
        raise ServiceError(UNKNOWN_FRAMEWORK.format(framework=framework, choices=", ".join(framework_choices())))
    if requested_by is not None:
        _check_may_request(requested_by, agency)
    with transaction.atomic():
        report = Report.objects.create(
            agency=agency,
            framework=framework,
            requested_by=requested_by,
            attester=requested_by,
            attester_agency=requested_by.agency if requested_by is not None else None,
            attested_by=_display_name(requested_by),
            attested_role=_role_label(requested_by),
        )
        audit_record(
            actor=requested_by, action="report.requested", obj=report, after=snapshot(report, exclude=("pdf",))
        )
        if enqueue:
            # Sent after commit; with the broker down the report stays queued for the sweeper.
            job_send_on_commit(report_generate_task, report.pk)
    return report


def _check_may_request(user: User, agency: Agency | None) -> None:
    if user.is_gsa_officer:
        return
    if not user.is_agency_officer:
        raise PermissionRefused(NOT_ALLOWED)
    if agency is None:
        raise PermissionRefused(GSA_ONLY_GOVERNMENT_WIDE)
    if agency.pk != user.agency_id:
        raise PermissionRefused(OWN_AGENCY_ONLY)


def _display_name(user: User | None) -> str:
    if user is None:
        return "Registry operator (command line)"
    return user.get_full_name() or user.username


def _role_label(user: User | None) -> str:
    if user is None:
        return "Operator"
    label = Role(user.role).label
    return f"{label}, {user.agency.abbreviation}" if user.agency_id else label


def _claim(report_id: int) -> bool:
    """queued → running; a run left 'running' longer than the time limit (a lost worker) is re-claimed.

    Each claim counts an attempt; a report whose worker died JOB_MAX_ATTEMPTS times ends failed
    instead of killing workers forever.
    """
    now = timezone.now()
    stale = now - dt.timedelta(seconds=settings.REPORT_SOFT_TIME_LIMIT + 60)
    claimable = Q(status=Report.Status.QUEUED) | Q(status=Report.Status.RUNNING, started_at__lt=stale)
    claimed = Report.objects.filter(claimable, pk=report_id, attempts__lt=settings.JOB_MAX_ATTEMPTS).update(
        status=Report.Status.RUNNING, started_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        message = GAVE_UP.format(attempts=settings.JOB_MAX_ATTEMPTS)
        with transaction.atomic():
            if Report.objects.filter(claimable, pk=report_id).update(
                status=Report.Status.FAILED, error_message=message
            ):
                report = Report.objects.get(pk=report_id)
                audit_record(actor=None, action="report.failed", obj=report, after={"error": message})
    return bool(claimed)


def render_pdf(template_name: str, context: dict) -> bytes:
    """The PDF of a report template. WeasyPrint (about a second to import) is imported here, when a report
    renders, so that web requests and commands that never render one do not pay for it."""
    from compliance import pdf

    return pdf.render_pdf(template_name, context)


def report_generate(*, report_id: int) -> Report:
    """Render a queued report and issue it. Safe to run twice: an issued or running report is left alone.

    1. Claim the row (conditional UPDATE; zero rows means another worker has it or it is done).
    2. Build the context, render the PDF and sign it (PAdES, with a timestamp when TSA_URL is set),
       outside any transaction.
    3. In one transaction: store the file under a generated name with its sha256, mark it issued,
       supersede earlier issued reports of the same agency and framework, and audit.
    """
    if not _claim(report_id):
        return Report.objects.get(pk=report_id)
    report = Report.objects.select_related("agency", "requested_by", "attester", "attester_agency").get(pk=report_id)
    issued_at = timezone.now()
    from weasyprint.urls import FatalURLFetchingError  # WeasyPrint loads when a report renders, not before

    try:
        pdf = render_pdf(TEMPLATE, report_context(report, now=issued_at))
        pdf = pdf_sign(pdf, block=signature_block(report))
    except (Exception, FatalURLFetchingError) as exc:  # the fetcher's refusal is a BaseException
        report_fail(report_id=report_id, message=f"{type(exc).__name__}: {exc}")
        raise ReportRenderFailed(f"{report.number} could not be rendered: {exc}") from exc
    return _issue(report, pdf, issued_at)


def signature_block(report: Report) -> SignatureBlock:
    """The attester of the visible signature block, as the registry recorded it on the report (never free text):
    the signed-in user who asked, with their role and agency then, or the operator's command line."""
    user = report.attester
    if user is None:
        return SignatureBlock(report.number, _display_name(None), "Operator", "")
    agency = report.attester_agency.name if report.attester_agency_id else ""
    return SignatureBlock(report.number, report.attested_by or _display_name(user), Role(user.role).label, agency)


def _issue(report: Report, pdf: bytes, issued_at: dt.datetime) -> Report:
    digest = hashlib.sha256(pdf).hexdigest()
    with transaction.atomic():
        report = Report.objects.select_for_update().get(pk=report.pk)
        if report.pdf:
            report.pdf.delete(save=False)
        scope = report.agency.abbreviation.lower() if report.agency_id else "government-wide"
        report.pdf.save(f"{report.number}-{scope}-{report.framework}.pdf", ContentFile(pdf), save=False)
        report.sha256, report.size, report.issued_at = digest, len(pdf), issued_at
        report.status, report.error_message = Report.Status.ISSUED, ""
        report.save()
        audited_bulk_update(
            actor=report.requested_by,
            queryset=Report.objects.filter(
                agency=report.agency,
                framework=report.framework,
                status=Report.Status.ISSUED,
                superseded_by__isnull=True,
            )
            .exclude(pk=report.pk)
            .filter(issued_at__lte=issued_at),
            changes={"superseded_by": report},
            action="report.superseded",
        )
        audit_record(
            actor=report.requested_by, action="report.issued", obj=report, after=snapshot(report, exclude=("pdf",))
        )
    return report


def report_fail(*, report_id: int, message: str) -> None:
    with transaction.atomic():
        updated = Report.objects.filter(pk=report_id, status=Report.Status.RUNNING).update(
            status=Report.Status.FAILED, error_message=message[:2000]
        )
        if updated:
            report = Report.objects.get(pk=report_id)
            audit_record(actor=None, action="report.failed", obj=report, after={"error": message[:500]})


def verification_address() -> str:
    return settings.SITE_URL.rstrip("/") + reverse("compliance:attestation-verify")


# The report's content.


def report_context(report: Report, *, now: dt.datetime) -> dict:
    """Everything the template shows, computed once (the template does no queries)."""
    frameworks = frameworks_of(report.framework)
    catalogs = list(
        RequirementCatalog.objects.filter(slug__in=frameworks) if frameworks else RequirementCatalog.objects.all()
    )
    agencies = (
        [report.agency]
        if report.agency_id
        else list(Agency.objects.filter(status=Agency.Status.ACTIVE).order_by("abbreviation"))
    )
    assessments = agencies_assess(agencies, frameworks=frameworks, now=now)
    context = {
        "report": report,
        "catalogs": catalogs,
        "issued_at": now,
        "verify_url": verification_address(),
        "government_wide": not report.agency_id,
        "deployments": _deployment_rows(assessments),
        "full_rehash_days": settings.VERIFY_FULL_REHASH_DAYS,
    }
    if report.agency_id:
        context.update(_agency_sections(assessments[0]))
    else:
        context.update(_government_sections(assessments))
    return context


def _deployment_rows(assessments: list[AgencyAssessment]) -> list[dict]:
    rows = []
    for assessment in assessments:
        facts = assessment.facts
        for deployment in sorted(facts.deployments, key=lambda d: d.name):
            run = facts.latest_runs.get(deployment.pk)
            rows.append(
                {
                    "agency": assessment.agency.abbreviation,
                    "name": deployment.name,
                    "repo": deployment.model_version.repo_id,
                    "commit": run.manifest_commit if run else "",
                    "files": _files_checked(run) if run else "",
                    "read": _files_read(run) if run else "",
                    "result": run.get_status_display() if run else "Never verified",
                    "result_key": run.status if run else "none",
                    "license_ok": run.license_ok if run else None,
                    "finished_at": run.finished_at if run else None,
                }
            )
    return rows


def _files_checked(run) -> int:
    return run.count_ok + run.count_mismatch + run.count_missing + run.count_unexpected


def _files_read(run) -> str:
    """How many files the run hashed, and how many it trusted unchanged since an earlier hash of them."""
    if run.status == "error":
        return ""
    if not run.count_trusted:
        return f"{run.files_hashed} hashed"
    return f"{run.files_hashed} hashed, {run.count_trusted} unchanged since an earlier hash"


# How the minimum-practices table shows each practice's status, as the inventory answers it.
PRACTICE_MARK = {
    EvidenceStatus.MET: "✓",
    EvidenceStatus.PARTIALLY_MET: "…",
    EvidenceStatus.WAIVED: "W",
    EvidenceStatus.NOT_APPLICABLE: "–",
    EvidenceStatus.NOT_MET: "✗",
}


def _inventory_summary(assessment: AgencyAssessment) -> dict:
    use_cases = assessment.facts.use_cases
    high_impact = assessment.facts.high_impact_use_cases
    return {
        "total": len(use_cases),
        "by_stage": Counter(use_case.development_stage for use_case in use_cases),
        "by_topic": Counter(use_case.topic_area or "Not given" for use_case in use_cases).most_common(),
        "high_impact": len(high_impact),
        "practices_complete": sum(1 for use_case in high_impact if not practices_missing(use_case)),
    }


def _agency_sections(assessment: AgencyAssessment) -> dict:
    counts = assessment.counts()
    inventory = _inventory_summary(assessment)
    by_memo: dict[str, Counter] = {}
    for result in assessment.results:
        by_memo.setdefault(result.requirement.catalog.memo, Counter())[result.status] += 1
    high_impact_rows = [
        {"use_case": uc, "marks": [PRACTICE_MARK[practice_status(uc, p)] for p in PRACTICE_FIELDS]}
        for uc in assessment.facts.high_impact_use_cases
    ]
    facts = assessment.facts
    m26_rows = [
        {"onboarding": onboarding, "determination": facts.open_source.get(onboarding.offering_id)}
        for onboarding in facts.onboardings
        if onboarding.offering.is_llm is not False
    ]
    return {
        "agency": assessment.agency,
        "results": assessment.results,
        "memo_results": assessment.memo_results,
        "control_results": assessment.control_results,
        "caio_terms": list(reversed(facts.caio_terms)),
        "m26_rows": m26_rows,
        "counts": [(label, counts.get(key, 0)) for key, label in STATUS_SEGMENTS],
        "inventory": inventory,
        "high_impact_rows": high_impact_rows,
        "practices": list(PRACTICE_FIELDS),
        "onboardings": assessment.facts.onboardings,
        **_agency_charts(counts, by_memo, inventory),
    }


def _status_values(counts) -> list[tuple[str, float]]:
    return [(label, counts.get(key, 0)) for key, label in STATUS_SEGMENTS]


def _agency_charts(counts, by_memo: dict[str, Counter], inventory: dict) -> dict[str, str]:
    """The agency report's charts as images with their figures as text alternatives (tagged PDF)."""
    memo_rows = [(memo, dict(tally)) for memo, tally in by_memo.items()]
    stages = [
        (stage, inventory["by_stage"].get(stage, 0)) for stage in ("Pre-deployment", "Pilot", "Deployed", "Retired")
    ]
    return {
        "chart_status": charts.as_image(
            charts.donut_chart(counts, segments=STATUS_SEGMENTS, title="Requirements by status"),
            alt=charts.describe_values("Requirements by status", _status_values(counts)),
        ),
        "chart_memos": charts.as_image(
            charts.stacked_bar_chart(memo_rows, segments=STATUS_SEGMENTS, title="Status by memo"),
            alt=charts.describe_rows("Status by memo", memo_rows, segments=STATUS_SEGMENTS),
        ),
        "chart_stages": charts.as_image(
            charts.bar_chart(stages, title="Use cases by stage"),
            alt=charts.describe_values("Use cases by stage", stages),
        ),
    }


def _government_charts(total: Counter, agency_rows: list[dict]) -> dict[str, str]:
    """The government-wide report's charts as images with their figures as text alternatives (tagged PDF)."""
    rows = [(row["agency"].abbreviation, dict(row["counts"])) for row in agency_rows[:60]]
    return {
        "chart_status": charts.as_image(
            charts.donut_chart(total, segments=STATUS_SEGMENTS, title="Agency requirements by status"),
            alt=charts.describe_values("Agency requirements by status", _status_values(total)),
        ),
        "chart_agencies": charts.as_image(
            charts.stacked_bar_chart(
                rows, segments=STATUS_SEGMENTS, title="Status by agency", bar_height=8 if len(agency_rows) > 30 else 14
            ),
            alt=charts.describe_rows("Status by agency", rows, segments=STATUS_SEGMENTS),
        ),
    }


@dataclass
class RequirementTally:
    requirement: object
    counts: Counter
    applicable: int
    automatic: bool


def _government_sections(assessments: list[AgencyAssessment]) -> dict:
    total = Counter()
    tallies: dict[int, RequirementTally] = {}
    agency_rows = []
    for assessment in assessments:
        counts = assessment.counts()
        total.update(counts)
        agency_rows.append({"agency": assessment.agency, "counts": counts, "inventory": _inventory_summary(assessment)})
        for result in assessment.memo_results:
            tally = tallies.setdefault(
                result.requirement.pk,
                RequirementTally(result.requirement, Counter(), 0, result.requirement.is_automatic),
            )
            tally.counts[result.status] += 1
            tally.applicable += result.status != EvidenceStatus.NOT_APPLICABLE
    return {
        "agency_rows": agency_rows,
        "tallies": list(tallies.values()),
        "counts": [(label, total.get(key, 0)) for key, label in STATUS_SEGMENTS],
        "use_case_total": sum(row["inventory"]["total"] for row in agency_rows),
        "high_impact_total": sum(row["inventory"]["high_impact"] for row in agency_rows),
        **_government_charts(total, agency_rows),
    }


# Checking an attestation.


@dataclass(frozen=True)
class AttestationCheck:
    """Whether we issued a PDF (by its sha256) and, when the file itself was given, what its signature says."""

    sha256: str
    report: Report | None
    signature: SignatureCheck | None = None

    @property
    def issued(self) -> bool:
        return self.report is not None

    @property
    def superseded_by(self) -> Report | None:
        return self.report.superseded_by if self.report else None

    def as_dict(self) -> dict:
        signature = {"signature": self.signature.as_dict() if self.signature else None}
        if self.report is None:
            return {"sha256": self.sha256, "issued": False, **signature}
        report, newer = self.report, self.superseded_by
        return {
            **signature,
            "sha256": self.sha256,
            "issued": True,
            "report_id": report.number,
            "scope": report.scope_label,
            "agency": report.agency.abbreviation if report.agency_id else None,
            "framework": report.framework,
            "issued_at": report.issued_at.isoformat(),
            "attested_by": report.attested_by,
            "attested_role": report.attested_role,
            "superseded": newer is not None,
            "superseded_by": (
                {"report_id": newer.number, "issued_at": newer.issued_at.isoformat()} if newer is not None else None
            ),
        }


def attestation_verify(*, sha256: str = "", content: bytes | None = None) -> AttestationCheck:
    """Whether a PDF (given as bytes or as its sha256) is an attestation we issued, and what replaced it.

    Given the bytes, the PDF's signature is validated too: an altered copy has another hash, and its
    signature says whether the signed bytes were changed or only something was appended.
    """
    signature = None
    if content is not None:
        sha256 = hashlib.sha256(content).hexdigest()
        signature = pdf_signature_check(content)
    sha256 = sha256.strip().lower()
    report = None
    if len(sha256) == 64 and all(c in "0123456789abcdef" for c in sha256):
        report = (
            Report.objects.select_related("agency", "superseded_by")
            .filter(status=Report.Status.ISSUED, sha256=sha256)
            .first()
        )
    return AttestationCheck(sha256=sha256, report=report, signature=signature)
