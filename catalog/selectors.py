"""Reads of the catalog, with its one visibility rule: visitors see approved offerings only.

Signed-in users (officers and auditors) see the whole catalog, whatever an offering's status;
anonymous visitors see approved offerings and the agreements and model versions under them.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from catalog.models import Agreement, ModelVersion, Offering


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
