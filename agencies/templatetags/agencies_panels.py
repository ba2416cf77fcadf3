"""Agency panels that catalog pages pull in (the catalog never imports agencies)."""

from __future__ import annotations

from django import template

from agencies.selectors import onboarding_list, onboardings_flagged_by_offering_status

register = template.Library()


@register.inclusion_tag("agencies/includes/offering_onboardings.html", takes_context=True)
def offering_onboardings(context, offering) -> dict:
    """The onboardings of an offering that the signed-in user may see (agency officers: their agency's)."""
    user = context["request"].user
    return {"user": user, "offering": offering, "onboardings": onboarding_list(user=user).filter(offering=offering)}


@register.inclusion_tag("agencies/includes/offering_status_preview.html")
def offering_status_preview(offering, to_status: str) -> dict:
    """Before a status change is confirmed: the agencies whose onboardings it would flag for offboarding."""
    affected = onboardings_flagged_by_offering_status(offering_id=offering.pk, to_status=to_status)
    return {"offering": offering, "to_status": to_status, "affected": list(affected.order_by("agency__name"))}
