"""Tampering with the audit trail is found by the chain, by the checkpoints and by verify_audit_log.

On PostgreSQL the append-only triggers refuse the tampering, so these tests do what an attacker
with superuser rights would do: disable the triggers first (AUD-05).
"""

import json

import pytest
from django.core.management import call_command

from agencies.models import Onboarding
from catalog.services import offering_change_status
from core.audit import audit_chain_verify, audit_record, audited_bulk_update, chain_hash
from core.checkpoints import audit_checkpoint_write, audit_log_verify, checkpoint_path
from core.models import AuditChainHead, AuditEvent
from tests.core.tampering import tamper
from tests.factories import OfferingFactory, OnboardingFactory, gsa_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def checkpoint_dir(settings, tmp_path):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    return settings.AUDIT_CHECKPOINT_DIR


def _record(count: int) -> list[AuditEvent]:
    return [audit_record(actor=None, action="test.event", object_type="x", object_id=str(n)) for n in range(count)]


def _verify_command() -> tuple[int, str]:
    """Run verify_audit_log; return its exit code and what it printed."""
    from io import StringIO

    out, err = StringIO(), StringIO()
    try:
        call_command("verify_audit_log", stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def _rewrite_tail_from(seq: int) -> None:
    """Change event `seq` and recompute every later hash and the head: a consistent rewrite of the tail."""
    events = list(AuditEvent.objects.filter(seq__gte=seq).order_by("seq"))
    prev_hash = AuditEvent.objects.get(seq=seq - 1).hash
    statements = []
    for event in events:
        if event.seq == seq:
            event.object_id = "rewritten"
        event.prev_hash = prev_hash
        event.hash = chain_hash(prev_hash, event)
        prev_hash = event.hash
        statements.append(
            (
                "UPDATE compliance_auditevent SET object_id = %s, prev_hash = %s, hash = %s WHERE seq = %s",
                [event.object_id, event.prev_hash, event.hash, event.seq],
            )
        )
    statements.append(("UPDATE compliance_auditchainhead SET hash = %s WHERE id = 1", [prev_hash]))
    tamper(*statements)


def test_the_command_exits_0_on_an_intact_log():
    _record(3)
    audit_checkpoint_write()

    code, output = _verify_command()

    assert code == 0
    assert "intact: 3 events" in output and "1 checkpoint" in output


def test_an_edited_event_is_named_by_the_command():
    _record(4)
    tamper(("UPDATE compliance_auditevent SET action = 'forged' WHERE seq = 3", []))

    code, output = _verify_command()

    assert code == 1
    assert "BROKEN at event #3" in output and "altered" in output


def test_a_deleted_event_is_named_by_the_command():
    _record(4)
    tamper(("DELETE FROM compliance_auditevent WHERE seq = 2", []))

    code, output = _verify_command()

    assert code == 1
    assert "BROKEN at event #2" in output and "missing" in output


def test_two_swapped_events_are_found_as_a_reordering():
    _record(4)
    tamper(
        ("UPDATE compliance_auditevent SET seq = 1000 WHERE seq = 2", []),
        ("UPDATE compliance_auditevent SET seq = 2 WHERE seq = 3", []),
        ("UPDATE compliance_auditevent SET seq = 3 WHERE seq = 1000", []),
    )

    broken = audit_chain_verify()

    assert broken is not None and broken.seq == 2


def test_a_consistent_rewrite_of_the_tail_passes_the_chain_but_not_the_checkpoint():
    _record(5)
    audit_checkpoint_write()
    _rewrite_tail_from(3)

    chain_only = audit_chain_verify()
    code, output = _verify_command()

    assert chain_only is None
    assert code == 1
    assert "event #5 differs from its checkpoint" in output


def test_a_deleted_tail_is_caught_by_the_checkpoint():
    _record(5)
    audit_checkpoint_write()
    fourth = AuditEvent.objects.get(seq=3)
    tamper(
        ("DELETE FROM compliance_auditevent WHERE seq > 3", []),
        ("UPDATE compliance_auditchainhead SET seq = 3, hash = %s WHERE id = 1", [fourth.hash]),
    )

    broken, _ = audit_log_verify()

    assert audit_chain_verify() is None
    assert broken is not None and broken.seq == 4 and "checkpoint anchored #5" in broken.reason


def test_a_forged_checkpoint_line_is_reported(checkpoint_dir):
    events = _record(2)
    audit_checkpoint_write()
    with open(checkpoint_path(), "a") as handle:
        handle.write(
            json.dumps({"seq": 2, "hash": events[-1].hash, "at": "2026-01-01T00:00:00+00:00", "mac": "0" * 64})
        )

    code, output = _verify_command()

    assert code == 1
    assert "signature does not match" in output


def test_a_checkpoint_is_not_written_over_a_tampered_chain():
    _record(3)
    audit_checkpoint_write()
    _record(2)
    tamper(("UPDATE compliance_auditevent SET action = 'forged' WHERE seq = 4", []))

    result = audit_checkpoint_write()

    assert getattr(result, "seq", None) == 4 and "does not continue" in result.reason
    assert len(checkpoint_path().read_text().splitlines()) == 1


def test_checkpoints_append_one_signed_line_per_new_head():
    _record(2)
    audit_checkpoint_write()
    audit_checkpoint_write()
    _record(1)

    audit_checkpoint_write()

    lines = [json.loads(line) for line in checkpoint_path().read_text().splitlines()]
    assert [line["seq"] for line in lines] == [2, 3]
    assert lines[-1]["hash"] == AuditChainHead.objects.get().hash and len(lines[-1]["mac"]) == 64


def test_a_bulk_update_records_one_event_per_row_changed():
    officer = gsa_officer()
    offering = OfferingFactory()
    onboardings = [
        OnboardingFactory(offering=offering, state=Onboarding.State.ACTIVE, approved_by=officer) for _ in range(3)
    ]
    OnboardingFactory(offering=offering, state=Onboarding.State.DRAFT)

    changed = audited_bulk_update(
        actor=officer,
        queryset=Onboarding.objects.filter(offering=offering, state=Onboarding.State.ACTIVE),
        changes={"offboarding_flag_reason": "bulk"},
        action="onboarding.test_bulk",
    )

    events = AuditEvent.objects.filter(action="onboarding.test_bulk").order_by("seq")
    assert sorted(changed) == sorted(o.pk for o in onboardings)
    assert [e.object_id for e in events] == [str(pk) for pk in sorted(changed)]
    assert all(
        e.before["offboarding_flag_reason"] == "" and e.after["offboarding_flag_reason"] == "bulk" for e in events
    )
    assert audit_chain_verify() is None


def test_suspending_an_offering_audits_each_onboarding_it_flags():
    officer = gsa_officer()
    offering = OfferingFactory()
    onboardings = [
        OnboardingFactory(offering=offering, state=Onboarding.State.ACTIVE, approved_by=officer) for _ in range(2)
    ]

    result = offering_change_status(actor=officer, offering=offering, to_status="suspended", reason="Vendor breach")

    flagged_events = AuditEvent.objects.filter(action="onboarding.flagged_for_offboarding")
    assert {o.pk for o in result.flagged} == {o.pk for o in onboardings}
    assert all(o.offboarding_flagged_at is not None for o in result.flagged)
    assert sorted(e.object_id for e in flagged_events) == sorted(str(o.pk) for o in onboardings)


def test_the_daily_verification_task_logs_a_break(caplog):
    from core.tasks import audit_verify_task

    _record(3)
    audit_checkpoint_write()
    intact = audit_verify_task()
    tamper(("UPDATE compliance_auditevent SET action = 'forged' WHERE seq = 2", []))

    broken = audit_verify_task()

    assert intact == 0 and broken == 2
    assert "Audit log verification failed at event #2" in caplog.text


def test_a_deleted_checkpoint_file_is_a_failure_not_an_intact_log():
    _record(5)
    audit_checkpoint_write()
    _rewrite_tail_from(3)
    checkpoint_path().unlink()

    code, output = _verify_command()

    assert code == 1
    assert "checkpoint store" in output and "missing" in output


def test_checking_the_chain_alone_needs_saying_so():
    _record(3)
    from io import StringIO

    out = StringIO()
    call_command("verify_audit_log", "--no-checkpoints", stdout=out)

    assert "Checkpoints NOT checked" in out.getvalue() and "intact: 3 events" in out.getvalue()


def test_an_unreadable_checkpoint_store_is_a_failure(checkpoint_dir):
    _record(2)
    checkpoint_path().parent.mkdir(parents=True)
    checkpoint_path().write_bytes(b"\xff\xfe not text")

    code, output = _verify_command()

    assert code == 1 and "unreadable" in output


def test_the_checkpoint_key_is_its_own_setting_not_the_secret_key(settings):
    from django.conf import settings as live

    assert live.AUDIT_CHECKPOINT_KEY != live.SECRET_KEY
    assert live.SECRET_KEY not in live.AUDIT_CHECKPOINT_KEY


def test_a_checkpoint_is_written_when_the_chain_grows_by_the_configured_count(
    settings, django_capture_on_commit_callbacks
):
    settings.AUDIT_CHECKPOINT_EVERY = 4

    for _ in range(9):  # one event per transaction, as requests write them
        with django_capture_on_commit_callbacks(execute=True):
            _record(1)

    lines = [json.loads(line) for line in checkpoint_path().read_text().splitlines()]
    assert [line["seq"] for line in lines] == [4, 8]


def test_events_deleted_after_the_last_automatic_checkpoint_are_bounded(settings, django_capture_on_commit_callbacks):
    settings.AUDIT_CHECKPOINT_EVERY = 4
    for _ in range(8):
        with django_capture_on_commit_callbacks(execute=True):
            _record(1)
    third = AuditEvent.objects.get(seq=3)
    tamper(
        ("DELETE FROM compliance_auditevent WHERE seq > 3", []),
        ("UPDATE compliance_auditchainhead SET seq = 3, hash = %s WHERE id = 1", [third.hash]),
    )

    code, output = _verify_command()

    assert code == 1 and "checkpoint anchored #8" in output
