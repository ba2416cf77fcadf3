"""RFC 3161 timestamps: asking a timestamp authority (TSA) to sign the hash of some bytes, and checking a token.

Generic machinery (it imports no app): the audit checkpoints use it so that a checkpoint cannot be
backdated, and report signatures get their timestamps through pyHanko, which speaks the same protocol.
The client and the checks are pyHanko's (RequestsHTTPTimeStamper, validate_tst_signed_data): the token's
signature, its certificate chain up to the given trust roots, and the hash it covers.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

from asn1crypto import cms, pem, x509
from pyhanko.sign.timestamps.common_utils import TimestampRequestError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.generic_cms import validate_tst_signed_data
from pyhanko.sign.validation.status import TimestampSignatureStatus
from pyhanko_certvalidator import ValidationContext


class TimestampError(Exception):
    """The timestamp authority did not answer, or answered with something that is not a timestamp."""


@dataclass(frozen=True)
class TimestampCheck:
    valid: bool
    time: dt.datetime | None = None
    authority: str = ""
    problem: str = ""


def certificates_load(path: str | Path) -> list[x509.Certificate]:
    """Every certificate in a PEM (or DER) file."""
    data = Path(path).read_bytes()
    if not pem.detect(data):
        return [x509.Certificate.load(data)]
    return [x509.Certificate.load(der) for kind, _, der in pem.unarmor(data, multiple=True) if kind == "CERTIFICATE"]


def timestamp_request(*, data: bytes, url: str, timeout: int = 15) -> bytes:
    """A DER timestamp token over sha256(data) from the TSA at url."""
    stamper = RequestsHTTPTimeStamper(url, timeout=timeout)
    try:
        token = asyncio.run(stamper.async_timestamp(hashlib.sha256(data).digest(), "sha256"))
    except (TimestampRequestError, OSError, ValueError) as error:
        raise TimestampError(f"The timestamp authority {url} did not give a timestamp: {error}") from error
    return token.dump()


def timestamp_verify(*, token: bytes, data: bytes, trust_roots: list[x509.Certificate]) -> TimestampCheck:
    """Whether token is a valid timestamp of exactly these bytes by a TSA chaining to trust_roots."""
    try:
        signed_data = cms.ContentInfo.load(token)["content"]
        context = ValidationContext(trust_roots=trust_roots, allow_fetching=True, revocation_mode="soft-fail")
        kwargs = asyncio.run(
            validate_tst_signed_data(signed_data, context, lambda algorithm: hashlib.new(algorithm, data).digest())
        )
        status = TimestampSignatureStatus(**kwargs)
    except (SignatureValidationError, ValueError, KeyError, TypeError) as error:
        return TimestampCheck(valid=False, problem=f"not a readable timestamp token ({error})")
    authority = status.signing_cert.subject.human_friendly
    if not status.intact:
        return TimestampCheck(False, status.timestamp, authority, "the timestamp covers other data")
    if not (status.valid and status.trusted):
        return TimestampCheck(False, status.timestamp, authority, "the timestamp authority is not trusted")
    return TimestampCheck(True, status.timestamp, authority)
