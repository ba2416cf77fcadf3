"""Reads of the catalog, with its one visibility rule: visitors see approved offerings only.

Signed-in users (officers and auditors) see the whole catalog, whatever an offering's status;
anonymous visitors see approved offerings and the agreements and model versions under them.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from catalog.models import Agreement, ModelVersion, Offering, Vendor


def _sees_whole_catalog(user) -> bool:
    return bool(user is not None and user.is_authenticated)


def offering_list(*, user) -> QuerySet[Offering]:
    queryset = Offering.objects.select_related("vendor")
    if not _sees_whole_catalog(user):
        queryset = queryset.filter(status=Offering.Status.APPROVED)
    return queryset


def offering_list_with_agreements(*, user) -> QuerySet[Offering]:
    """Offerings for the catalog page, each with its agreements, newest first."""
    return offering_list(user=user).prefetch_related(
        Prefetch("agreements", queryset=Agreement.objects.order_by("-announced_on"))
    )


def agreement_list(*, user) -> QuerySet[Agreement]:
    queryset = Agreement.objects.all()
    if not _sees_whole_catalog(user):
        queryset = queryset.filter(offering__status=Offering.Status.APPROVED)
    return queryset


def model_version_list(*, user) -> QuerySet[ModelVersion]:
    queryset = ModelVersion.objects.all()
    if not _sees_whole_catalog(user):
        queryset = queryset.filter(offering__status=Offering.Status.APPROVED)
    return queryset


def vendor_list(*, user) -> QuerySet[Vendor]:
    """Every vendor (vendors are public), with how many of its offerings the user may see."""
    counted = None if _sees_whole_catalog(user) else Q(offerings__status=Offering.Status.APPROVED)
    return Vendor.objects.annotate(offering_count=Count("offerings", filter=counted))
