"""The dashboard every signed-in user lands on, scoped to what the user may see."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count
from django.shortcuts import redirect
from django.utils import timezone
from django.views.generic import TemplateView

from agencies.models import Onboarding
from agencies.selectors import agency_list, deployment_list, onboarding_list, scope_to_agency
from catalog.models import EXPIRING_WITHIN_DAYS, Offering
from catalog.selectors import agreements_needing_attention
from compliance.assessment import agencies_assess
from compliance.charts import bar_chart, stacked_bar_chart, stacked_column_chart
from compliance.models import EvidenceStatus, VerificationRun

CHART_WEEKS = 8
OUTCOME_SERIES = (
    (VerificationRun.Status.PASSED, "#00a91c"),
    (VerificationRun.Status.FAILED, "#b50909"),
    (VerificationRun.Status.ERROR, "#8b0a03"),
)
WAITING_STATES = (Onboarding.State.REQUESTED, Onboarding.State.UNDER_REVIEW)
COMPLIANCE_SEGMENTS = [(value, label) for value, label in EvidenceStatus.choices if value != "not_applicable"]


def verification_run_list(*, user):
    """Verification runs of the deployments the user may see (agency officers: their agency's)."""
    runs = VerificationRun.objects.select_related("deployment__agency", "model_version", "requested_by")
    return scope_to_agency(runs, user, field="deployment__agency")


def _outcomes_by_week(runs, today: dt.date) -> tuple[list[str], list[tuple[str, str, list[int]]]]:
    first = today - dt.timedelta(days=today.weekday() + 7 * (CHART_WEEKS - 1))
    weeks = [first + dt.timedelta(weeks=n) for n in range(CHART_WEEKS)]
    counts = {(week, status): 0 for week in weeks for status, _ in OUTCOME_SERIES}
    finished = runs.filter(status__in=VerificationRun.FINISHED, finished_at__date__gte=first)
    for status, finished_at in finished.values_list("status", "finished_at"):
        day = timezone.localtime(finished_at).date()
        counts[(day - dt.timedelta(days=day.weekday()), status)] += 1
    series = [
        (VerificationRun.Status(status).label, color, [counts[(week, status)] for week in weeks])
        for status, color in OUTCOME_SERIES
    ]
    return [f"{week:%d %b}" for week in weeks], series


def compliance_by_agency(*, user) -> list[tuple[str, dict[str, int]]]:
    """Per agency the user may see, how many applicable requirements are met, partially met, not met or waived."""
    rows = []
    for assessment in agencies_assess(list(agency_list(user=user).order_by("abbreviation"))):
        counts = assessment.counts()
        rows.append((assessment.agency.abbreviation, {key: counts.get(key, 0) for key, _ in COMPLIANCE_SEGMENTS}))
    return rows


class DashboardView(TemplateView):
    """Counts, agreements expiring soon, onboardings waiting for review, recent failures and three charts.

    The charts come from compliance.charts, the same functions that draw the PDF reports' charts.
    """

    template_name = "compliance/dashboard.html"

    def get(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect("catalog:offering-list")
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        user, today = self.request.user, timezone.localdate()
        onboardings, runs = onboarding_list(user=user), verification_run_list(user=user)
        by_state = dict(onboardings.order_by().values_list("state").annotate(n=Count("pk")))
        state_data = [(label, by_state.get(value, 0)) for value, label in Onboarding.State.choices]
        weeks, series = _outcomes_by_week(runs, today)
        compliance_rows = compliance_by_agency(user=user)
        return {
            **super().get_context_data(**kwargs),
            "counts": [
                ("Approved offerings", Offering.objects.filter(status=Offering.Status.APPROVED).count()),
                ("Agencies", agency_list(user=user).count()),
                ("Open onboardings", onboardings.exclude(state__in=Onboarding.CLOSED_STATES).count()),
                ("Deployments", deployment_list(user=user).filter(is_active=True).count()),
                ("Verification runs", runs.count()),
            ],
            "expiring": agreements_needing_attention(today=today),
            "expiry_window_days": EXPIRING_WITHIN_DAYS,
            "waiting": onboardings.filter(state__in=WAITING_STATES).order_by("created_at")[:10],
            "failures": runs.filter(status__in=[VerificationRun.Status.FAILED, VerificationRun.Status.ERROR])[:5],
            "onboarding_chart": bar_chart(state_data, title="Onboardings by status"),
            "state_data": state_data,
            "outcome_chart": stacked_column_chart(
                weeks, series, title=f"Verification outcomes over the last {CHART_WEEKS} weeks"
            ),
            "outcome_weeks": list(zip(weeks, *[values for _, _, values in series], strict=True)),
            "outcome_names": [name for name, _, _ in series],
            "compliance_chart": stacked_bar_chart(
                compliance_rows, segments=COMPLIANCE_SEGMENTS, title="Compliance by agency (requirements)"
            ),
            "compliance_rows": [
                (label, [values[key] for key, _ in COMPLIANCE_SEGMENTS]) for label, values in compliance_rows
            ],
            "compliance_names": [label for _, label in COMPLIANCE_SEGMENTS],
        }
