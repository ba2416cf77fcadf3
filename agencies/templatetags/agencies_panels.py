"""Agency panels that catalog pages pull in (the catalog never imports agencies)."""

from __future__ import annotations

from django import template

from agencies.selectors import onboarding_list

register = template.Library()


@register.inclusion_tag("agencies/includes/offering_onboardings.html", takes_context=True)
def offering_onboardings(context, offering) -> dict:
    """The onboardings of an offering that the signed-in user may see (agency officers: their agency's)."""
    user = context["request"].user
    return {"user": user, "offering": offering, "onboardings": onboarding_list(user=user).filter(offering=offering)}
