"""Reads scoped to what a user may see: GSA officers and auditors see everything, agency officers their own agency."""

from __future__ import annotations

from django.db.models import QuerySet

from agencies.models import Agency, Deployment, Onboarding, User


def sees_all_agencies(user: User) -> bool:
    return bool(user.is_authenticated and (user.is_gsa_officer or user.is_auditor))


def scope_to_agency(queryset: QuerySet, user: User, *, field: str = "agency") -> QuerySet:
    """Keep only the rows of the user's agency, unless the user may see every agency's rows."""
    if sees_all_agencies(user):
        return queryset
    if user.is_authenticated and user.is_agency_officer:
        return queryset.filter(**{f"{field}_id" if field != "pk" else "pk": user.agency_id})
    return queryset.none()


def agency_list(*, user: User) -> QuerySet[Agency]:
    return scope_to_agency(Agency.objects.select_related("parent"), user, field="pk")


def onboarding_list(*, user: User) -> QuerySet[Onboarding]:
    queryset = Onboarding.objects.select_related(
        "agency", "offering", "offering__vendor", "requested_by", "approved_by"
    )
    return scope_to_agency(queryset, user)


def onboardings_flagged_by_offering_status(*, offering_id: int, to_status: str) -> QuerySet[Onboarding]:
    """The onboardings a move of the offering to `to_status` would flag for offboarding (read-only preview).

    The same queryset `onboardings_flag_for_offboarding` changes, so the preview is what happens.
    """
    if to_status not in ("suspended", "removed"):
        return Onboarding.objects.none()
    return Onboarding.objects.select_related("agency").filter(
        offering_id=offering_id, state__in=[Onboarding.State.APPROVED, Onboarding.State.ACTIVE]
    )


def onboarding_offboarding_queue(*, user: User) -> QuerySet[Onboarding]:
    """Open onboardings the user may see that are flagged for offboarding, oldest flag first."""
    return (
        onboarding_list(user=user)
        .filter(offboarding_flagged_at__isnull=False)
        .exclude(state__in=Onboarding.CLOSED_STATES)
        .order_by("offboarding_flagged_at", "pk")
    )


def deployment_list(*, user: User) -> QuerySet[Deployment]:
    queryset = Deployment.objects.select_related(
        "agency", "model_version", "model_version__offering", "onboarding", "created_by"
    )
    return scope_to_agency(queryset, user)
