"""PostgreSQL only: the append-only triggers, the chain under concurrent writers, and the approval race.

These use real threads, each with its own database connection, and transactional_db (a wrapping
test transaction would hide the locking that is being tested).
"""

import threading

import pytest
from django.db import DatabaseError, connection, connections, transaction

from agencies.models import Onboarding, OnboardingTransition
from agencies.services import onboarding_transition
from core.audit import audit_chain_verify, audit_record
from core.errors import TransitionRefused
from core.models import AuditChainHead, AuditEvent
from tests.factories import OnboardingFactory, gsa_officer

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="Triggers, row locks and concurrent writers need PostgreSQL."
)

WRITERS = 8
EVENTS_PER_WRITER = 40


def _in_threads(count: int, work) -> list:
    """Run work(index) in `count` threads released together by a barrier; return results or exceptions."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = work(index)
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE compliance_auditevent SET action = 'forged'",
        "DELETE FROM compliance_auditevent",
        "TRUNCATE compliance_auditevent CASCADE",
        "UPDATE compliance_auditchainhead SET seq = 0, hash = repeat('0', 64)",
        "DELETE FROM compliance_auditchainhead",
        "TRUNCATE compliance_auditchainhead",
    ],
)
def test_the_append_only_trigger_refuses(statement):
    audit_record(actor=None, action="test.event", object_type="x", object_id="1")
    audit_record(actor=None, action="test.event", object_type="x", object_id="2")

    with pytest.raises(DatabaseError, match="append-only|head"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("SET LOCAL registry.allow_audit_truncate = off")
        cursor.execute(statement)

    assert AuditEvent.objects.count() == 2 and AuditChainHead.objects.get().seq == 2


@pytest.mark.django_db
def test_the_head_refuses_to_jump_to_an_event_that_is_not_next():
    first = audit_record(actor=None, action="test.event", object_type="x", object_id="1")
    audit_record(actor=None, action="test.event", object_type="x", object_id="2")

    with pytest.raises(DatabaseError, match="head only advances"), transaction.atomic():
        AuditChainHead.objects.filter(id=1).update(seq=1, hash=first.hash)

    assert AuditChainHead.objects.get().seq == 2


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_never_fork_the_chain():
    def write(index: int) -> int:
        for n in range(EVENTS_PER_WRITER):
            audit_record(actor=None, action="test.concurrent", object_type="writer", object_id=f"{index}-{n}")
        return EVENTS_PER_WRITER

    results = _in_threads(WRITERS, write)

    events = list(AuditEvent.objects.order_by("seq"))
    assert results == [EVENTS_PER_WRITER] * WRITERS
    assert [e.seq for e in events] == list(range(1, WRITERS * EVENTS_PER_WRITER + 1))
    assert len({e.prev_hash for e in events}) == len(events)
    assert audit_chain_verify() is None
    head = AuditChainHead.objects.get()
    assert (head.seq, head.hash) == (events[-1].seq, events[-1].hash)


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_approvals_make_exactly_one_transition():
    officers = [gsa_officer(), gsa_officer()]
    onboardings = [OnboardingFactory(state=Onboarding.State.UNDER_REVIEW) for _ in range(5)]

    outcomes = []
    for onboarding in onboardings:
        outcomes.append(
            _in_threads(
                2,
                lambda i, pk=onboarding.pk: onboarding_transition(
                    actor=officers[i], onboarding=pk, action="approve", reason="Looks right."
                ),
            )
        )

    for onboarding, results in zip(onboardings, outcomes, strict=True):
        approved = [r for r in results if isinstance(r, Onboarding)]
        refused = [r for r in results if isinstance(r, TransitionRefused)]
        assert len(approved) == 1 and len(refused) == 1, results
        assert "cannot be approved" in refused[0].message
        assert OnboardingTransition.objects.filter(onboarding=onboarding, action="approve").count() == 1
        assert AuditEvent.objects.filter(action="onboarding.approve", object_id=str(onboarding.pk)).count() == 1
    assert audit_chain_verify() is None
