"""Signals the catalog sends, so that higher apps (alerts, webhooks) react without the catalog importing them."""

from django.dispatch import Signal

# Sent after commit by `fedramp_sync`, with `change_ids`: the FedRAMPProductChange rows it recorded
# for products linked to an offering. compliance raises the alerts (and their webhook) from it; the
# daily alert scan picks up any change whose signal was lost.
fedramp_changes_recorded = Signal()
