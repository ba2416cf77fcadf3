"""Reads of the catalog, with its one visibility rule, and agreements' lifecycle as of a day.

Signed-in users (officers and auditors) see the whole catalog, whatever an offering's status;
anonymous visitors see approved offerings and the agreements and model versions under them, and,
when they ask (`include_withdrawn`), the withdrawn offerings too, with their status rather than
hidden. Offerings still pending GSA's decision are never public.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import LIVE_LIFECYCLES, Agreement, Lifecycle, ModelVersion, Offering, Vendor

NO_LIVE_AGREEMENT = (
    "{offering} has no current OneGov agreement ({ended}): it cannot be requested until GSA records new terms."
)


def _sees_whole_catalog(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def _visible_statuses(include_withdrawn: bool) -> dict:
    if include_withdrawn:
        return {"status__in": [s for s in Offering.Status.values if s != Offering.Status.PENDING]}
    return {"status": Offering.Status.APPROVED}


def offering_list(*, user, include_withdrawn: bool = False) -> QuerySet[Offering]:
    queryset = Offering.objects.select_related("vendor")
    if not _sees_whole_catalog(user):
        queryset = queryset.filter(**_visible_statuses(include_withdrawn))
    return queryset


def offering_list_with_agreements(*, user, include_withdrawn: bool = False) -> QuerySet[Offering]:
    """Offerings for the catalog page, each with its agreements, newest first."""
    return offering_list(user=user, include_withdrawn=include_withdrawn).prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.order_by("-announced_on"))
    )


def agreement_list(*, user, include_withdrawn: bool = False) -> QuerySet[Agreement]:
    queryset = Agreement.objects.all()
    if not _sees_whole_catalog(user):
        queryset = queryset.filter(offering__in=offering_list(user=user, include_withdrawn=include_withdrawn))
    return queryset


def model_version_list(*, user) -> QuerySet[ModelVersion]:
    queryset = ModelVersion.objects.all()
    if not _sees_whole_catalog(user):
        queryset = queryset.filter(offering__status=Offering.Status.APPROVED)
    return queryset


def agreement_lifecycle_list(*, today: dt.date) -> QuerySet[Agreement]:
    """Every agreement with `offer_open_until` and `lifecycle_status` computed as of `today`."""
    return Agreement.objects.select_related("offering__vendor", "successor").with_lifecycle(today)


def agreements_needing_attention(*, today: dt.date) -> QuerySet[Agreement]:
    """Agreements expiring (within EXPIRING_WITHIN_DAYS), expired or terminated, not yet succeeded by new terms."""
    return (
        agreement_lifecycle_list(today=today)
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


def vendor_list(*, user) -> QuerySet[Vendor]:
    """Every vendor (vendors are public), with how many of its offerings the user may see."""
    counted = None if _sees_whole_catalog(user) else Q(offerings__status=Offering.Status.APPROVED)
    return Vendor.objects.annotate(offering_count=Count("offerings", filter=counted))
