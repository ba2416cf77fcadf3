"""Checkpoints of the audit chain, anchored outside the database.

A database superuser can disable the append-only triggers and rewrite the whole tail of the
chain consistently (every hash recomputed), or delete the tail and move the head back. Only a
record held elsewhere catches that: every few minutes the head's sequence number and hash are
appended (and every AUDIT_CHECKPOINT_EVERY events), HMAC-signed with AUDIT_CHECKPOINT_KEY,
to a file under AUDIT_CHECKPOINT_DIR (ideally a separate, append-only or
WORM volume), and `verify_audit_log` checks the chain against every checkpoint in it.

Each line of `checkpoints.jsonl` is `{"seq": ..., "hash": ..., "at": ..., "mac": ...}`, where
`mac = HMAC-SHA256(AUDIT_CHECKPOINT_KEY, "seq:hash:at")`.

Whoever holds the key could still write a checkpoint with an earlier `at`. With TSA_URL set, each line
also carries `tst`, an RFC 3161 timestamp token of "seq:hash:at" from that authority (base64 DER), and
`verify_audit_log` checks every token: it covers exactly that line, it comes from a trusted authority
(TSA_TRUST_ROOTS), and its time is within CHECKPOINT_TIMESTAMP_TOLERANCE of `at`. Once one checkpoint
is timestamped, a later one without a token is a break too (a stripped token).
"""

from __future__ import annotations

import base64
import binascii
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
from core.timestamps import TimestampError, certificates_load, timestamp_request, timestamp_verify

CHECKPOINT_FILE = "checkpoints.jsonl"
# How far a checkpoint's own time may be from the time its timestamp authority signed.
CHECKPOINT_TIMESTAMP_TOLERANCE = dt.timedelta(minutes=10)
logger = logging.getLogger("core.audit")


class CheckpointError(Exception):
    """The checkpoint file is unreadable, or a line in it is malformed or not signed with our key."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    tst: str = ""  # base64 DER RFC 3161 token over message(), when TSA_URL was set

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
            checkpoint = Checkpoint(
                seq=int(data["seq"]), hash=str(data["hash"]), at=str(data["at"]), tst=str(data.get("tst", ""))
            )
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
    3. With TSA_URL, have the line's message timestamped (RFC 3161); an authority that does not
       answer leaves the head unanchored this time (CheckpointError), never anchored without a token.
    4. Append the signed line under an exclusive file lock and fsync it. An unchanged head
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
        checkpoint = _timestamped(Checkpoint(seq=head.seq, hash=head.hash, at=at))
        line = {"seq": checkpoint.seq, "hash": checkpoint.hash, "at": checkpoint.at, "mac": _sign(checkpoint)}
        if checkpoint.tst:
            line["tst"] = checkpoint.tst
        handle.write(json.dumps(line, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    return checkpoint


def _timestamped(checkpoint: Checkpoint) -> Checkpoint:
    if not settings.TSA_URL:
        return checkpoint
    try:
        token = timestamp_request(data=checkpoint.message(), url=settings.TSA_URL)
    except TimestampError as error:
        raise CheckpointError(str(error)) from error
    return Checkpoint(checkpoint.seq, checkpoint.hash, checkpoint.at, base64.b64encode(token).decode())


def checkpoint_timestamps_verify(checkpoints: list[Checkpoint]) -> ChainBreak | None:
    """The first checkpoint whose timestamp is missing (after a timestamped one), invalid or far from its time."""
    roots = certificates_load(settings.TSA_TRUST_ROOTS) if settings.TSA_TRUST_ROOTS else []
    seen_token = False
    for checkpoint in checkpoints:
        if not checkpoint.tst:
            if seen_token:
                return ChainBreak(checkpoint.seq, f"checkpoint #{checkpoint.seq} lost its timestamp")
            continue
        seen_token = True
        try:
            token = base64.b64decode(checkpoint.tst, validate=True)
        except (binascii.Error, ValueError):
            return ChainBreak(checkpoint.seq, f"checkpoint #{checkpoint.seq} has an unreadable timestamp")
        check = timestamp_verify(token=token, data=checkpoint.message(), trust_roots=roots)
        if not check.valid:
            return ChainBreak(
                checkpoint.seq, f"the timestamp of checkpoint #{checkpoint.seq} is invalid: {check.problem}"
            )
        written = dt.datetime.fromisoformat(checkpoint.at)
        if abs(check.time - written) > CHECKPOINT_TIMESTAMP_TOLERANCE:
            reason = f"checkpoint #{checkpoint.seq} says {checkpoint.at} but was timestamped {check.time.isoformat()}"
            return ChainBreak(checkpoint.seq, f"{reason} (backdated)")
    return None


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
    is a missing one: deleting the file must not make a rewritten chain read as intact; and so is a
    checkpoint whose timestamp fails (checkpoint_timestamps_verify). Only an explicit
    `require_checkpoints=False` (verify_audit_log --no-checkpoints) checks the chain alone.
    """
    path = checkpoint_path()
    if require_checkpoints and not path.is_file():
        missing = f"the checkpoint store {path} is missing (pass --no-checkpoints to check the chain only)"
        return audit_chain_verify() or ChainBreak(0, missing), 0
    try:
        checkpoints = audit_checkpoints_read(path) if require_checkpoints else []
    except (CheckpointError, OSError) as error:
        return ChainBreak(0, str(error)), 0
    broken = checkpoint_timestamps_verify(checkpoints)
    if broken:
        return broken, len(checkpoints)
    anchors = {c.seq: c.hash for c in checkpoints if c.seq > 0}
    return audit_chain_verify(checkpoints=anchors), len(checkpoints)
