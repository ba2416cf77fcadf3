"""The "History" section of an object page: its audit events with what changed, who and when."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.http import urlencode

from core.history import audit_changes, object_history

register = template.Library()
SHOWN = 50


@register.inclusion_tag("includes/history.html")
def history(obj) -> dict:
    """The newest SHOWN events of `obj`; the page that includes it has already scoped `obj` to the user."""
    events = list(object_history(obj)[: SHOWN + 1])
    rows = [(event, audit_changes(event.before, event.after)) for event in events[:SHOWN]]
    query = urlencode({"object_type": obj._meta.label_lower, "object_id": obj.pk})
    return {
        "rows": rows,
        "more": len(events) > SHOWN,
        "audit_url": f"{reverse('compliance:audit-list')}?{query}",
    }


@register.filter
def audit_value(value) -> str:
    """A before/after value as a person reads it: empty is shown as '—', lists and objects as text."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list):
        return ", ".join(str(item) for item in value) or "—"
    return str(value)
