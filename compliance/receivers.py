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


def fedramp_changes_alert(sender, *, change_ids, **kwargs) -> None:
    """After a FedRAMP sync commits: one alert (and its `fedramp.changed` webhook) per change of a linked product."""
    from compliance.alerts import alerts_fedramp_changed

    alerts_fedramp_changed(change_ids)


ONBOARDING_NEWS = {
    # action: (who hears, title, what to do)
    "submit": (
        "gsa",
        "{agency} requests {offering}",
        "Review the request on its page: take it under review, then approve or reject it.",
    ),
    "approve": (
        "agency",
        "GSA approved {agency}'s request for {offering}",
        "Record the contract facts, then activate the onboarding once the contract is in place.",
    ),
    "reject": (
        "agency",
        "GSA rejected {agency}'s request for {offering}",
        "Read the reason; request again once it is addressed.",
    ),
}


def onboarding_transition_alert(sender, *, instance, created, raw=False, **kwargs) -> None:
    """Tell GSA officers of a new onboarding request, and the agency's officers of GSA's decision.

    Raised in the transition's own transaction (alert_raise nests), so a transition that rolls back tells no one.
    """
    from compliance.alerts import AlertCandidate, Audience, alert_raise
    from compliance.models import AlertKind

    news = ONBOARDING_NEWS.get(instance.action)
    if not created or raw or news is None:
        return
    audience, title, action = news
    onboarding = instance.onboarding
    names = {"agency": onboarding.agency.abbreviation, "offering": onboarding.offering}
    alert_raise(
        AlertCandidate(
            kind=AlertKind.ONBOARDING,
            dedupe_key=f"onboarding:transition={instance.pk}",
            title=title.format(**names),
            message=f"Onboarding #{onboarding.pk}: {instance.get_from_state_display()} → "
            f"{instance.get_to_state_display()} by {instance.actor}. Reason: {instance.reason or 'none given'}",
            action=action,
            audience=Audience(gsa_officers=True)
            if audience == "gsa"
            else Audience(agency_ids=frozenset({onboarding.agency_id})),
            agency_id=onboarding.agency_id,
            obj=onboarding,
        )
    )
