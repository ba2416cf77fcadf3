"""How agencies reacts to what the catalog announces (the catalog sends signals; it never imports agencies)."""

from __future__ import annotations


def offering_status_changed_flag(sender, *, actor, change, **kwargs) -> list:
    """A suspended or removed offering: flag its approved and active onboardings, and return them."""
    from agencies.services import onboardings_flag_for_offboarding

    return onboardings_flag_for_offboarding(actor=actor, change=change)
