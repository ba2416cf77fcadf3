"""Reads of the catalog: agreements with their lifecycle as of a day, and whether an offering can be requested."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from catalog.models import LIVE_LIFECYCLES, Agreement, Lifecycle, Offering

NO_LIVE_AGREEMENT = (
    "{offering} has no current OneGov agreement ({ended}): it cannot be requested until GSA records new terms."
)


def offering_public_list(*, include_withdrawn: bool = False) -> QuerySet[Offering]:
    """What visitors who are not signed in may see: approved offerings, and on request the withdrawn ones too.

    Withdrawn (suspended, removed, contested) offerings are shown with their status rather than hidden;
    offerings still pending GSA's decision are never public.
    """
    queryset = Offering.objects.select_related("vendor")
    if include_withdrawn:
        return queryset.exclude(status=Offering.Status.PENDING)
    return queryset.filter(status=Offering.Status.APPROVED)


def agreement_list(*, today: dt.date) -> QuerySet[Agreement]:
    """Every agreement with `offer_open_until` and `lifecycle_status` computed as of `today`."""
    return Agreement.objects.select_related("offering__vendor", "successor").with_lifecycle(today)


def agreements_needing_attention(*, today: dt.date) -> QuerySet[Agreement]:
    """Agreements expiring (within EXPIRING_WITHIN_DAYS), expired or terminated, not yet succeeded by new terms."""
    return (
        agreement_list(today=today)
        .exclude(lifecycle_status=Lifecycle.CURRENT)
        .filter(successor__isnull=True)
        .order_by("offer_open_until", "title")
    )


def _ended(agreement: Agreement, today: dt.date) -> str:
    if agreement.lifecycle_on(today) == Lifecycle.TERMINATED:
        return f"{agreement.title} was terminated on {agreement.terminated_on:%d %b %Y}: {agreement.termination_reason}"
    return f"{agreement.title} expired on {agreement.open_until:%d %b %Y}"


def offering_request_refusal(*, offering: Offering, today: dt.date) -> str | None:
    """Why an offering cannot be newly requested for lack of terms, or None.

    An offering with at least one agreement can be requested only while one of them is current or
    expiring; an offering with no agreement recorded is judged by its catalog status alone.
    """
    agreements = list(Agreement.objects.filter(offering=offering))
    if not agreements or any(a.lifecycle_on(today) in LIVE_LIFECYCLES for a in agreements):
        return None
    ended = "; ".join(_ended(a, today) for a in agreements)
    return NO_LIVE_AGREEMENT.format(offering=offering, ended=ended)
