"""The audit chain as the services write it."""

import pytest

from core.audit import audit_chain_verify, audit_record
from core.models import AuditChainHead, AuditEvent
from tests.core.tampering import tamper
from tests.factories import OfferingFactory, gsa_officer

pytestmark = pytest.mark.django_db


def test_events_link_into_a_chain_that_verifies():
    officer = gsa_officer()
    for n in range(3):
        audit_record(actor=officer, action="test.event", obj=OfferingFactory(), after={"n": n})

    events = list(AuditEvent.objects.order_by("seq"))

    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    assert AuditChainHead.objects.get().hash == events[-1].hash
    assert audit_chain_verify() is None


def test_an_edited_event_breaks_the_chain_at_that_event():
    for n in range(3):
        audit_record(actor=None, action="test.event", object_type="x", object_id=str(n))
    tamper(("UPDATE compliance_auditevent SET object_id = '99' WHERE seq = 2", []))

    broken = audit_chain_verify()

    assert broken is not None and broken.seq == 2 and "altered" in broken.reason


def test_a_deleted_event_is_found():
    for n in range(3):
        audit_record(actor=None, action="test.event", object_type="x", object_id=str(n))
    tamper(("DELETE FROM compliance_auditevent WHERE seq = 2", []))

    broken = audit_chain_verify()

    assert broken is not None and broken.seq == 2 and "missing" in broken.reason


@pytest.mark.django_db
def test_the_audit_filter_finds_a_moved_models_events_under_its_old_and_new_label():
    from compliance.filtersets import AuditEventFilterSet

    old = audit_record(
        actor=None, action="webhook.created", object_type="compliance.webhooksubscription", object_id="1"
    )
    new = audit_record(actor=None, action="webhook.changed", object_type="agencies.webhooksubscription", object_id="1")
    audit_record(actor=None, action="other", object_type="agencies.onboarding")

    by_new = AuditEventFilterSet({"object_type": "agencies.webhooksubscription"}, queryset=AuditEvent.objects.all()).qs
    by_old = AuditEventFilterSet(
        {"object_type": "Compliance.WebhookSubscription"}, queryset=AuditEvent.objects.all()
    ).qs

    assert list(by_new) == [old, new]
    assert list(by_old) == [old, new]
