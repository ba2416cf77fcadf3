"""How compliance reacts to what the apps below it announce (they send signals; they never import compliance)."""

from __future__ import annotations

from agencies.models import Onboarding
from catalog.models import Offering

IN_USE = (Onboarding.State.APPROVED, Onboarding.State.ACTIVE)


def offering_status_changed_alert(sender, *, actor, change, **kwargs) -> None:
    """After a suspension or removal commits, tell each agency still using the offering what to do, and by when.

    Nothing is queued when no agency uses the offering (agencies' receiver has flagged none).
    """
    from compliance.tasks import alerts_offering_status_changed_task
    from core.jobs import job_send_on_commit

    if change.to_status not in (Offering.Status.SUSPENDED, Offering.Status.REMOVED):
        return
    if Onboarding.objects.filter(offering_id=change.offering_id, state__in=IN_USE).exists():
        job_send_on_commit(alerts_offering_status_changed_task, change.pk)
