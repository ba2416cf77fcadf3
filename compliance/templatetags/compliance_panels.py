"""Compliance panels that pages of the apps below compliance pull in (they never import compliance).

The agency page loads `agency_compliance_panel`, the offering page `latest_verification`; each
applies the signed-in user's scope itself.
"""

from __future__ import annotations

from django import template

from agencies.selectors import scope_to_agency
from compliance.services import agency_assess, use_case_list

register = template.Library()

USE_CASES_SHOWN = 10


@register.inclusion_tag("compliance/includes/agency_panel.html", takes_context=True)
def agency_compliance_panel(context, agency) -> dict:
    """The agency's first use cases and its requirements counted by status."""
    user = context["request"].user
    use_cases = use_case_list(user=user, agency=agency)
    assessment = agency_assess(agency=agency)
    counts = assessment.counts()
    labels = {result.status: result.status_label for result in assessment.results}
    return {
        "agency": agency,
        "use_cases": use_cases.order_by("use_case_id")[:USE_CASES_SHOWN],
        "use_case_count": use_cases.count(),
        "compliance_counts": [(status, labels[status], counts[status]) for status in sorted(counts)],
    }


@register.inclusion_tag("compliance/includes/latest_verification.html", takes_context=True)
def latest_verification(context, model_version) -> dict:
    """The latest verification run of a model version that the signed-in user may see."""
    user = context["request"].user
    runs = scope_to_agency(model_version.verification_runs.all(), user, field="deployment__agency")
    return {"run": runs.select_related("deployment__agency").first()}


@register.inclusion_tag("compliance/includes/deployment_verification.html")
def deployment_latest_verification(deployment) -> dict:
    """A deployment's latest verification run (the deployment's own rows: the list is already scoped to the user).

    One query a row; the deployment lists show a page at a time.
    """
    return {"run": deployment.verification_runs.order_by("-requested_at", "-pk").first()}


@register.inclusion_tag("compliance/includes/manifest_actions.html", takes_context=True)
def manifest_actions(context, model_version) -> dict:
    """ "Sync manifest" and "Import offline manifest" for a model version, shown to GSA officers."""
    return {
        "version": model_version,
        "show": context["request"].user.is_gsa_officer,
        "csrf_token": context["csrf_token"],
    }
