"""Audit checkpoints timestamped by an RFC 3161 authority (the test PKI's TSA), checked by verify_audit_log."""

from __future__ import annotations

import base64
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command

from core.audit import audit_record
from core.checkpoints import (
    Checkpoint,
    CheckpointError,
    _sign,
    audit_checkpoint_write,
    audit_checkpoints_read,
    audit_log_verify,
    checkpoint_path,
)
from core.timestamps import timestamp_request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def tsa(settings, tmp_path, test_pki):
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    settings.TSA_URL = test_pki.tsa_url
    settings.TSA_TRUST_ROOTS = str(test_pki.root_pem)
    return test_pki


def _events(count: int) -> None:
    for n in range(count):
        audit_record(actor=None, action="test.event", object_type="x", object_id=str(n))


def _lines() -> list[dict]:
    return [json.loads(line) for line in checkpoint_path().read_text().splitlines()]


def _write(lines: list[dict]) -> None:
    checkpoint_path().write_text("".join(json.dumps(line, sort_keys=True) + "\n" for line in lines))


def _forge(seq: int, hash_: str, at: str, tst: bytes | None) -> dict:
    """A line as someone holding the checkpoint key would write it."""
    checkpoint = Checkpoint(seq=seq, hash=hash_, at=at)
    line = {"seq": seq, "hash": hash_, "at": at, "mac": _sign(checkpoint)}
    if tst is not None:
        line["tst"] = base64.b64encode(tst).decode()
    return line


def test_each_checkpoint_carries_a_timestamp_that_verify_audit_log_checks():
    _events(3)
    audit_checkpoint_write()
    _events(2)
    audit_checkpoint_write()
    out = io.StringIO()

    call_command("verify_audit_log", stdout=out)

    assert all(checkpoint.tst for checkpoint in audit_checkpoints_read())
    assert "checked against 2 checkpoint(s), 2 of them with a valid RFC 3161 timestamp" in out.getvalue()


def test_a_backdated_checkpoint_with_a_fresh_timestamp_is_a_break():
    _events(3)
    checkpoint = audit_checkpoint_write()
    backdated_at = (dt.datetime.now(dt.UTC) - dt.timedelta(days=2)).isoformat(timespec="seconds")
    message = Checkpoint(checkpoint.seq, checkpoint.hash, backdated_at).message()
    _write([_forge(checkpoint.seq, checkpoint.hash, backdated_at, timestamp_request(data=message, url=tsa_url()))])

    broken, _ = audit_log_verify()

    assert broken is not None
    assert "backdated" in broken.reason


def test_a_line_whose_time_was_changed_no_longer_matches_its_timestamp():
    _events(3)
    audit_checkpoint_write()
    line = _lines()[0]
    earlier = (dt.datetime.fromisoformat(line["at"]) - dt.timedelta(hours=1)).isoformat(timespec="seconds")
    _write([_forge(line["seq"], line["hash"], earlier, base64.b64decode(line["tst"]))])

    broken, _ = audit_log_verify()

    assert broken is not None
    assert "covers other data" in broken.reason


def test_a_timestamp_from_an_untrusted_authority_is_a_break(settings, tsa):
    settings.TSA_URL = tsa.rogue_tsa_url
    _events(2)
    audit_checkpoint_write()

    broken, _ = audit_log_verify()

    assert broken is not None
    assert "not trusted" in broken.reason


def test_a_stripped_timestamp_is_a_break():
    _events(2)
    audit_checkpoint_write()
    _events(1)
    audit_checkpoint_write()
    first, second = _lines()
    del second["tst"]
    _write([first, second])

    broken, _ = audit_log_verify()

    assert broken is not None
    assert "lost its timestamp" in broken.reason


def test_an_unreachable_authority_leaves_the_head_unanchored(settings):
    settings.TSA_URL = "http://127.0.0.1:9/tsa"
    _events(2)

    with pytest.raises(CheckpointError, match="did not give a timestamp"):
        audit_checkpoint_write()

    assert not checkpoint_path().exists() or checkpoint_path().read_text() == ""


def tsa_url() -> str:
    from django.conf import settings

    return settings.TSA_URL


def test_the_checkpoint_task_logs_an_unreachable_authority_and_carries_on(settings, caplog):
    from core.tasks import audit_checkpoint_task

    settings.TSA_URL = "http://127.0.0.1:9/tsa"
    _events(1)

    assert audit_checkpoint_task() == -1
    assert "Audit checkpoint not written" in caplog.text
