"""Recording and checking the audit trail.

`audit_record` is the one way every service writes an audit event. It must run inside the
caller's transaction, so that the change and its event commit or roll back together.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.forms.models import model_to_dict
from django.utils import timezone

from core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
current_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_request_id", default="")
# What the client sent as X-Request-ID: stored apart from the server's id, and never trusted.
current_client_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("current_client_request_id", default="")


def _json_default(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # an empty one has no url: hasattr(value, "url") would raise
        return value.name or ""
    return str(value)


# Field names that hold a secret on any model: their values never enter an audit event. A model marks
# other secret fields with a class attribute `audit_secret_fields = ("name", ...)`.
SECRET_FIELD_NAMES = frozenset({"password", "secret", "key_hash", "token_hash", "api_key", "private_key"})


def audit_secret_fields(model: type[models.Model]) -> frozenset[str]:
    """The fields of `model` whose values are secrets (by name or marked by the model itself)."""
    names = {f.name for f in model._meta.concrete_fields if f.name in SECRET_FIELD_NAMES}
    return frozenset(names | set(getattr(model, "audit_secret_fields", ())))


def secret_fingerprint(value: Any) -> str:
    """What an event records of a secret: that it is set, and a short keyed fingerprint (changes when it does).

    Keyed with AUDIT_CHECKPOINT_KEY, so a reader of the trail cannot test guesses of a secret against it.
    """
    if value in (None, ""):
        return "[secret: not set]"
    key = settings.AUDIT_CHECKPOINT_KEY.encode()
    digest = hmac.new(key, str(value).encode(), hashlib.sha256).hexdigest()[:12]
    return f"[secret: set, fingerprint {digest}]"


def _redact(data: dict | None, secret_names: frozenset[str]) -> dict | None:
    if not isinstance(data, dict):
        return data
    return {
        key: secret_fingerprint(value) if key in secret_names and not _is_fingerprint(value) else value
        for key, value in data.items()
    }


def _is_fingerprint(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("[secret: ")


# Labels under which a model's events were recorded before it moved to another app. Events are never
# rewritten (the chain is immutable), so readers ask for every label a model has had.
_FORMER_LABELS: dict[str, set[str]] = {}


def object_type_register_former(*, current: str, former: str) -> None:
    """Record that events of `current` (e.g. "core.auditevent") were once recorded as `former`."""
    _FORMER_LABELS.setdefault(current.lower(), set()).add(former.lower())
    _FORMER_LABELS.setdefault(former.lower(), set()).add(current.lower())


def object_type_labels(label: str) -> set[str]:
    """A label and every label the same model's events carry (old and new), lower-cased."""
    label = label.strip().lower()
    return {label} | _FORMER_LABELS.get(label, set())


def snapshot(obj: models.Model | None, *, exclude: tuple[str, ...] = ()) -> dict | None:
    """A JSON-ready copy of a row's concrete fields, for the before/after of an event.

    Secret fields (see `audit_secret_fields`) are replaced by their fingerprint.
    """
    if obj is None:
        return None
    data = model_to_dict(obj, fields=[f.name for f in obj._meta.concrete_fields if f.name not in exclude])
    data["id"] = obj.pk
    data = _redact(data, audit_secret_fields(obj._meta.model))
    return json.loads(json.dumps(data, default=_json_default, sort_keys=True))


def canonical(event: AuditEvent) -> bytes:
    """The bytes an event's hash covers: every field but the hash itself, in a fixed order."""
    body = {
        "seq": event.seq,
        "created_at": event.created_at.astimezone(dt.UTC).isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "object_repr": event.object_repr,
        "agency_id": event.agency_id,
        "before": event.before,
        "after": event.after,
        "request_id": event.request_id,
    }
    # Covered only when set, so events written before the field existed (and rows of the schema before it,
    # read through historical models in migrations) hash as they did.
    client_request_id = getattr(event, "client_request_id", "")
    if client_request_id:
        body["client_request_id"] = client_request_id
    return json.dumps(body, sort_keys=True, separators=(",", ":"), default=_json_default).encode()


def chain_hash(prev_hash: str, event: AuditEvent) -> str:
    return hashlib.sha256(prev_hash.encode() + canonical(event)).hexdigest()


def _agency_of(obj: models.Model | None) -> int | None:
    if obj is None:
        return None
    if obj._meta.label_lower == "agencies.agency":
        return obj.pk
    return getattr(obj, "agency_id", None)


def audit_record(
    *,
    actor: Any | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    before: dict | None = None,
    after: dict | None = None,
    agency_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction.

    1. Lock the chain head row (SELECT ... FOR UPDATE; SQLite serializes writers itself).
    2. Take the next sequence number and the previous hash under that lock.
    3. Write the event with its hash and move the head.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_obj = actor if getattr(actor, "pk", None) else None
    secret_names = SECRET_FIELD_NAMES | (audit_secret_fields(obj._meta.model) if obj is not None else frozenset())
    before, after = _redact(before, secret_names), _redact(after, secret_names)
    with transaction.atomic():
        head, _ = AuditChainHead.objects.select_for_update().get_or_create(id=1)
        event = AuditEvent(
            seq=head.seq + 1,
            created_at=timezone.now(),
            actor=actor_obj,
            actor_label=getattr(actor_obj, "username", "") or (str(actor) if actor else "system"),
            action=action,
            object_type=object_type,
            object_id=object_id,
            object_repr=str(obj)[:300] if obj is not None else "",
            agency_id=agency_id if agency_id is not None else _agency_of(obj),
            before=before,
            after=after,
            request_id=current_request_id.get(),
            client_request_id=current_client_request_id.get(),
            prev_hash=head.hash,
        )
        event.hash = chain_hash(head.hash, event)
        event.save(force_insert=True)
        head.seq, head.hash = event.seq, event.hash
        head.save(update_fields=["seq", "hash"])
    from core.checkpoints import audit_checkpoint_due  # checkpoints import this module

    audit_checkpoint_due(event.seq)
    return event


@dataclass(frozen=True)
class ChainBreak:
    seq: int
    reason: str


def audit_chain_verify(*, batch_size: int = 2000, checkpoints: Mapping[int, str] | None = None) -> ChainBreak | None:
    """Recompute the chain from genesis; return the first broken event, or None when intact.

    `checkpoints` maps sequence numbers to the head hashes anchored outside the database
    (see compliance.checkpoints). A consistent rewrite of the whole tail recomputes every
    hash, so only those anchors catch it; a deleted tail leaves the chain shorter than the
    latest anchor.
    """
    anchors = dict(checkpoints or {})
    expected_seq, prev_hash = 1, GENESIS_HASH
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        if event.seq != expected_seq:
            return ChainBreak(expected_seq, f"event #{expected_seq} is missing (found #{event.seq} next)")
        if event.prev_hash != prev_hash:
            return ChainBreak(event.seq, f"event #{event.seq} does not link to the event before it")
        if chain_hash(prev_hash, event) != event.hash:
            return ChainBreak(event.seq, f"event #{event.seq} was altered: its hash does not match its content")
        anchored = anchors.pop(event.seq, None)
        if anchored is not None and anchored != event.hash:
            return ChainBreak(event.seq, f"event #{event.seq} differs from its checkpoint outside the database")
        expected_seq, prev_hash = expected_seq + 1, event.hash
    last_seq = expected_seq - 1
    if anchors:
        beyond = max(anchors)
        return ChainBreak(last_seq + 1, f"the chain ends at #{last_seq} but a checkpoint anchored #{beyond}")
    head = AuditChainHead.objects.filter(id=1).first()
    if head and (head.seq != last_seq or head.hash != prev_hash):
        return ChainBreak(last_seq, f"the chain ends at #{last_seq} but the head says #{head.seq}")
    return None


def audited_save(*, actor: Any, instance: models.Model, action: str | None = None) -> models.Model:
    """Validate and save one row, recording its before and after in the audit trail.

    Used by the services that create and edit plain records (vendors, agreements, ...): the
    rules live in the model's clean() and constraints, the record of the change lives here.
    """
    instance.full_clean()
    model = type(instance)
    label = model._meta.label_lower
    with transaction.atomic():
        before = None
        if instance.pk is not None:
            current = model._default_manager.select_for_update().filter(pk=instance.pk).first()
            before = snapshot(current)
        instance.save()
        verb = action or f"{label}.{'updated' if before else 'created'}"
        audit_record(actor=actor, action=verb, obj=instance, before=before, after=snapshot(instance))
    return instance


def audited_bulk_update(*, actor: Any, queryset: models.QuerySet, changes: dict[str, Any], action: str) -> list[int]:
    """Change many rows with one UPDATE and record one audit event per row changed.

    `QuerySet.update()` sends no signals and calls no save(), so nothing would record it:
    services that change many rows go through here instead.

    1. Lock the matching rows in primary-key order (a fixed lock order avoids deadlocks).
    2. Snapshot them, apply `changes` with one UPDATE restricted to the locked keys.
    3. Re-read them and append an event with the before and after of each row.

    Returns the primary keys changed. A model with an `updated_at` auto_now field gets it set too,
    as save() would have done.
    """
    model = queryset.model
    fields = dict(changes)
    if any(getattr(f, "auto_now", False) and f.name == "updated_at" for f in model._meta.concrete_fields):
        fields.setdefault("updated_at", timezone.now())
    with transaction.atomic():
        rows = list(queryset.select_for_update().order_by("pk"))
        if not rows:
            return []
        befores = {row.pk: snapshot(row) for row in rows}
        model._default_manager.filter(pk__in=befores).update(**fields)
        for row in model._default_manager.filter(pk__in=befores).order_by("pk"):
            audit_record(actor=actor, action=action, obj=row, before=befores[row.pk], after=snapshot(row))
    return list(befores)
