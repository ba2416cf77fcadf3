"""Checkpoints of the audit chain, anchored outside the database.

A database superuser can disable the append-only triggers and rewrite the whole tail of the
chain consistently (every hash recomputed), or delete the tail and move the head back. Only a
record held elsewhere catches that: every few minutes the head's sequence number and hash are
appended (and every AUDIT_CHECKPOINT_EVERY events), HMAC-signed with AUDIT_CHECKPOINT_KEY,
to a file under AUDIT_CHECKPOINT_DIR (ideally a separate, append-only or
WORM volume), and `verify_audit_log` checks the chain against every checkpoint in it.

Each line of `checkpoints.jsonl` is `{"seq": ..., "hash": ..., "at": ..., "mac": ...}`, where
`mac = HMAC-SHA256(AUDIT_CHECKPOINT_KEY, "seq:hash:at")`.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import hmac
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from core.audit import GENESIS_HASH, ChainBreak, audit_chain_verify, chain_hash
from core.models import AuditChainHead, AuditEvent

CHECKPOINT_FILE = "checkpoints.jsonl"
logger = logging.getLogger("core.audit")


class CheckpointError(Exception):
    """The checkpoint file is unreadable, or a line in it is malformed or not signed with our key."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str

    def message(self) -> bytes:
        return f"{self.seq}:{self.hash}:{self.at}".encode()


def _key() -> bytes:
    return settings.AUDIT_CHECKPOINT_KEY.encode()


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / CHECKPOINT_FILE


def _sign(checkpoint: Checkpoint) -> str:
    return hmac.new(_key(), checkpoint.message(), hashlib.sha256).hexdigest()


def audit_checkpoints_read(path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the file, oldest first; raise CheckpointError on a bad or forged line."""
    path = path or checkpoint_path()
    if not path.exists():
        return []
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise CheckpointError(f"{path}: unreadable ({type(error).__name__})") from None
    checkpoints = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            checkpoint = Checkpoint(seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]))
            mac = str(data["mac"])
        except (ValueError, KeyError, TypeError):
            raise CheckpointError(f"{path}, line {number}: not a checkpoint") from None
        if not hmac.compare_digest(mac, _sign(checkpoint)):
            raise CheckpointError(f"{path}, line {number}: the signature does not match (forged or wrong key)")
        checkpoints.append(checkpoint)
    return checkpoints


def _verify_since(last: Checkpoint | None, head: AuditChainHead) -> ChainBreak | None:
    """Check the events written since the last checkpoint link onto it, before anchoring the new head."""
    seq, prev_hash = (last.seq, last.hash) if last else (0, GENESIS_HASH)
    if head.seq < seq:
        return ChainBreak(head.seq + 1, f"the head is at #{head.seq}, behind checkpoint #{seq}")
    if last:
        anchored = AuditEvent.objects.filter(seq=last.seq).values_list("hash", flat=True).first()
        if anchored != last.hash:
            return ChainBreak(last.seq, f"event #{last.seq} differs from its checkpoint")
    for event in AuditEvent.objects.filter(seq__gt=seq, seq__lte=head.seq).order_by("seq").iterator(chunk_size=2000):
        if event.seq != seq + 1 or event.prev_hash != prev_hash or chain_hash(prev_hash, event) != event.hash:
            return ChainBreak(seq + 1, f"event #{seq + 1} does not continue the chain from checkpoint #{seq}")
        seq, prev_hash = event.seq, event.hash
    if prev_hash != head.hash:
        return ChainBreak(head.seq, f"the head's hash is not that of event #{head.seq}")
    return None


def audit_checkpoint_write(*, now: dt.datetime | None = None) -> Checkpoint | ChainBreak:
    """Anchor the current head of the chain outside the database.

    1. Read the committed head (its hash is that of an event already committed).
    2. Check that the events since the last checkpoint continue the chain from it, so a
       tampered chain is never anchored (the break is returned instead).
    3. Append the signed line under an exclusive file lock and fsync it. An unchanged head
       is not written twice.
    """
    head = AuditChainHead.objects.filter(id=1).first() or AuditChainHead(id=1)
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        existing = audit_checkpoints_read(path)
        last = existing[-1] if existing else None
        broken = _verify_since(last, head)
        if broken:
            return broken
        if last and last.seq == head.seq:
            return last
        at = (now or timezone.now()).astimezone(dt.UTC).isoformat(timespec="seconds")
        checkpoint = Checkpoint(seq=head.seq, hash=head.hash, at=at)
        line = {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at, "mac": _sign(checkpoint)}
        handle.write(json.dumps(line, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def audit_checkpoint_due(seq: int) -> None:
    """Called for each new event: when the chain has grown by AUDIT_CHECKPOINT_EVERY, anchor it after commit.

    Written in the committing process rather than by a task, so a broker outage cannot leave the
    tail unprotected; a failure to write is logged loudly and never fails the change itself.
    """
    if seq % settings.AUDIT_CHECKPOINT_EVERY:
        return

    def write() -> None:
        try:
            result = audit_checkpoint_write()
        except (OSError, CheckpointError) as error:
            logger.critical("Audit checkpoint at event #%s not written: %s", seq, error)
            return
        if isinstance(result, ChainBreak):
            logger.critical("Audit chain broken at event #%s, not anchored: %s", result.seq, result.reason)

    transaction.on_commit(write)


def audit_log_verify(*, require_checkpoints: bool = True) -> tuple[ChainBreak | None, int]:
    """Recompute the whole chain and compare it with every checkpoint; return (first break, checkpoints used).

    A checkpoint file that cannot be read or holds a forged line is itself a break (seq 0), and so
    is a missing one: deleting the file must not make a rewritten chain read as intact. Only an
    explicit `require_checkpoints=False` (verify_audit_log --no-checkpoints) checks the chain alone.
    """
    path = checkpoint_path()
    if require_checkpoints and not path.is_file():
        missing = f"the checkpoint store {path} is missing (pass --no-checkpoints to check the chain only)"
        return audit_chain_verify() or ChainBreak(0, missing), 0
    try:
        checkpoints = audit_checkpoints_read(path) if require_checkpoints else []
    except (CheckpointError, OSError) as error:
        return ChainBreak(0, str(error)), 0
    anchors = {c.seq: c.hash for c in checkpoints if c.seq > 0}
    return audit_chain_verify(checkpoints=anchors), len(checkpoints)
