"""An object's change history: its events under every label its model has had, and what each changed."""

from __future__ import annotations

import pytest

from core.audit import audit_record
from core.history import audit_changes, object_history, object_url
from core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_the_history_of_a_moved_model_includes_events_written_under_its_former_label():
    first = audit_record(actor=None, action="setup", object_type="core.auditevent", object_id="0")
    old = audit_record(actor=None, action="old.label", object_type="compliance.auditevent", object_id=str(first.pk))
    new = audit_record(actor=None, action="new.label", object_type="core.auditevent", object_id=str(first.pk))
    audit_record(actor=None, action="other.object", object_type="core.auditevent", object_id=str(first.pk + 100))

    history = list(object_history(AuditEvent.objects.get(pk=first.pk)))

    assert history == [new, old]


def test_the_changes_are_the_fields_whose_value_differs_and_every_field_of_a_creation():
    updated = audit_changes({"id": 1, "price": "1.00", "title": "Deal"}, {"id": 1, "price": "0.47", "title": "Deal"})
    created = audit_changes(None, {"id": 1, "title": "Deal", "updated_at": "2026-01-01"})

    assert [(c.field, c.before, c.after) for c in updated] == [("price", "1.00", "0.47")]
    assert [(c.field, c.before, c.after) for c in created] == [("title", None, "Deal")]


def test_an_object_url_is_found_under_a_former_label_and_unknown_types_have_none(db):
    assert object_url("agencies.deployment", "7") == "/deployments/7/"
    assert object_url("agencies.webhooksubscription", "7") is None
    assert object_url("agencies.deployment", "not-a-number") is None
