"""Signals the catalog sends so that the apps above it can react without the catalog importing them.

`offering_status_changed` is sent inside the transaction that records an offering's status change.
Receivers do their part of the same change (agencies flags the onboardings and tells webhook
receivers; compliance queues the alerts after commit) and return the onboardings they flagged,
which the service gathers so that its caller can list the agencies affected.
"""

from django.dispatch import Signal

# Sent with: actor (User or None), change (OfferingStatusChange).
offering_status_changed = Signal()
