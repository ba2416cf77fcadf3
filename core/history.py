"""Change history of one object, and where each audited object lives in the portal.

Audit events name their object by `object_type` (the model's `app_label.model`) and `object_id`.
A model that moved between apps keeps its older events under its former label, so an object's
history reads every label `core.audit.object_type_labels` knows for it. Core imports no app: each
app tells `object_url_register` in its ready() how to reach its objects, and the audit log links
through it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import QuerySet

from core.audit import object_type_labels
from core.models import AuditEvent

HIDDEN_KEYS = frozenset({"id", "updated_at"})

_URLS: dict[str, Callable[[str], str | None]] = {}


def object_url_register(object_type: str, resolver: Callable[[str], str | None]) -> None:
    """Tell the audit log how to reach objects of one type: `resolver(object_id)` answers a URL or None."""
    _URLS[object_type.lower()] = resolver


def object_url(object_type: str, object_id: str) -> str | None:
    """The page of an audited object, or None when its type has no page or the id is not a number."""
    resolver = next((_URLS[label] for label in object_type_labels(object_type) if label in _URLS), None)
    if resolver is None or not str(object_id).isdigit():
        return None
    return resolver(str(object_id))


def object_history(obj: models.Model) -> QuerySet[AuditEvent]:
    """Every audit event of one object, newest first. The caller has already checked that the user may see it."""
    labels = object_type_labels(obj._meta.label_lower)
    return AuditEvent.objects.filter(object_type__in=labels, object_id=str(obj.pk)).order_by("-seq")


@dataclass(frozen=True)
class Change:
    field: str
    before: Any
    after: Any


def audit_changes(before: dict | None, after: dict | None) -> list[Change]:
    """The fields whose value differs between an event's before and after (all of them for a creation)."""
    before, after = before or {}, after or {}
    if not isinstance(before, dict) or not isinstance(after, dict):
        return []
    names = [name for name in {**before, **after} if name not in HIDDEN_KEYS]
    return [
        Change(field=name, before=before.get(name), after=after.get(name))
        for name in sorted(names)
        if before.get(name) != after.get(name)
    ]
