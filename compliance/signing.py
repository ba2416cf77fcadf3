"""PAdES signatures of report PDFs (pyHanko): signing with the registry's key, and checking a signed PDF.

An auditor trusts a PDF because their reader shows a valid signature, by whom and when, not because a
web page knows its hash. So every report PDF is signed before its sha256 is taken:

- the key is the PKCS#12 file REPORT_SIGNING_P12 (password REPORT_SIGNING_P12_PASSWORD); with DEBUG on
  and no key configured, a development key is created under var/signing/ and the signature block says
  "development signature" (compliance.signing_keys);
- with TSA_URL set, an RFC 3161 timestamp from that authority is added (PAdES B-T), and the certificates
  and revocation answers needed to check the signature later are embedded (B-LT) when the chain can be
  validated (revocation fetched from the chain's own CRL and OCSP addresses);
- a visible block on the cover page names the registry, the attesting user (name, role, agency: the
  user who requested the report, from their account), the time and the report id.

`pdf_signature_check` validates the first signature of a PDF with pyHanko's validator against the
registry's trust roots (REPORT_SIGNING_TRUST_ROOTS, or the self-signed certificates that came with the
signing key) and says who signed, when, whether the timestamp is valid and whether the document was
changed after signing.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
from dataclasses import dataclass

from asn1crypto import x509
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.general import SigningError
from pyhanko.sign.timestamps.requests_client import RequestsHTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.errors import SignatureValidationError
from pyhanko.sign.validation.status import PdfSignatureStatus, SignatureCoverageLevel
from pyhanko.stamp import TextStampStyle
from pyhanko_certvalidator import ValidationContext

from compliance.signing_keys import development_p12_ensure, is_development_subject
from core.timestamps import certificates_load

FIELD_NAME = "RegistrySignature"
# The block sits in the lower part of the cover page (US letter, 612 x 792 pt; the cover's text ends well
# above it): left, bottom, right, top in points.
SIGNATURE_BOX = (40, 70, 572, 205)
TIMESTAMP_TIMEOUT_SECONDS = 15
NOT_CONFIGURED = "REPORT_SIGNING_P12 is not set: report PDFs cannot be signed (required when DEBUG is off)."


# pyHanko's AdES sub-indications, as a reader would say them.
TRUST_PROBLEMS = {
    "OUT_OF_BOUNDS_NO_POE": "it had expired (or was not yet valid) when the signature was made",
    "OUT_OF_BOUNDS_NOT_REVOKED": "it had expired (or was not yet valid) when the signature was made",
    "EXPIRED": "it has expired",
    "NO_CERTIFICATE_CHAIN_FOUND": "it does not chain to the registry's trusted root",
    "REVOKED_NO_POE": "it was revoked",
    "REVOKED_CA_NO_POE": "its issuing CA was revoked",
    "TRY_LATER": "its revocation status could not be obtained",
    "": "untrusted",
}


class ReportSigningError(Exception):
    """The PDF could not be signed (key unreadable, timestamp authority unreachable, certificate refused)."""


@dataclass(frozen=True)
class SignatureBlock:
    """What the visible signature block says, besides the signer and the time pyHanko fills in."""

    report_id: str
    attester_name: str
    attester_role: str
    attester_agency: str


@dataclass(frozen=True)
class SigningKey:
    signer: signers.SimpleSigner
    trust_roots: tuple[x509.Certificate, ...]
    development: bool


def _self_signed(certificates) -> list[x509.Certificate]:
    return [cert for cert in certificates if cert.self_signed]


@functools.lru_cache(maxsize=4)
def _load_key(p12_path: str, password: str, trust_roots_path: str) -> SigningKey:
    try:
        signer = signers.SimpleSigner.load_pkcs12(p12_path, passphrase=password.encode() if password else None)
    except (OSError, ValueError) as error:
        raise ReportSigningError(f"Cannot read the signing key {p12_path}: {error}") from error
    if signer is None:
        raise ReportSigningError(f"Cannot read the signing key {p12_path} (wrong password or not PKCS#12).")
    chain = [signer.signing_cert, *signer.cert_registry]
    roots = certificates_load(trust_roots_path) if trust_roots_path else _self_signed(chain)
    organizations = signer.signing_cert.subject.native.get("organization_name", "")
    if isinstance(organizations, str):
        organizations = [organizations]
    return SigningKey(signer=signer, trust_roots=tuple(roots), development=is_development_subject(organizations))


def signing_key() -> SigningKey:
    """The registry's signing key: REPORT_SIGNING_P12, or (DEBUG only) the development key under var/."""
    p12_path, password = settings.REPORT_SIGNING_P12, settings.REPORT_SIGNING_P12_PASSWORD
    if not p12_path:
        if not settings.DEBUG:
            raise ImproperlyConfigured(NOT_CONFIGURED)
        p12_path, password = str(development_p12_ensure(settings.VAR_DIR)), ""
    return _load_key(str(p12_path), password or "", str(settings.REPORT_SIGNING_TRUST_ROOTS or ""))


def _tsa_trust_roots() -> list[x509.Certificate]:
    return certificates_load(settings.TSA_TRUST_ROOTS) if settings.TSA_TRUST_ROOTS else []


def validation_context(key: SigningKey | None = None, *, for_timestamps: bool = False) -> ValidationContext:
    """Trust the registry's roots (and, for timestamps, the TSA's); fetch revocation information online."""
    key = key or signing_key()
    roots = list(key.trust_roots) + (_tsa_trust_roots() if for_timestamps else [])
    return ValidationContext(trust_roots=roots, allow_fetching=True, revocation_mode="soft-fail")


def _latin1(text: str) -> str:
    # The stamp's built-in font covers Latin-1; anything else would print as nothing, so say it plainly.
    return text.encode("latin-1", "replace").decode("latin-1").replace("%", "%%")


def _stamp_text(block: SignatureBlock, key: SigningKey) -> str:
    lines = [
        "DEVELOPMENT SIGNATURE - not an attestation" if key.development else "Digitally signed",
        f"by the OneGov AI Registry ({_latin1(settings.SITE_URL)})",
        f"Attested by: {_latin1(block.attester_name)}",
        f"Role: {_latin1(block.attester_role)}",
        f"Agency: {_latin1(block.attester_agency or 'none (registry-wide role)')}",
        f"Report: {_latin1(block.report_id)}",
        "Signed: %(ts)s",
        "Certificate: %(signer)s",
    ]
    return "\n".join(lines)


def pdf_sign(pdf: bytes, *, block: SignatureBlock, embed_validation_info: bool = True) -> bytes:
    """Sign a PDF with the registry's key (PAdES B-B, B-T with TSA_URL, B-LT when the chain allows).

    1. Load the key and, with TSA_URL, a timestamp client.
    2. Validate the signing certificate's chain now and embed what validated it (B-LT); revocation
       information that cannot be fetched is left out (soft-fail), but a revoked or expired signing
       certificate is refused (ReportSigningError). embed_validation_info=False skips this step.
    """
    key = signing_key()
    timestamper = None
    if settings.TSA_URL:
        timestamper = RequestsHTTPTimeStamper(settings.TSA_URL, timeout=TIMESTAMP_TIMEOUT_SECONDS)
    try:
        return _sign(pdf, block, key, timestamper, embed_validation_info)
    except SigningError as error:
        raise ReportSigningError(f"The report could not be signed: {error}") from error
    except OSError as error:  # the timestamp authority did not answer
        raise ReportSigningError(f"The timestamp authority {settings.TSA_URL} did not answer: {error}") from error


def _sign(pdf: bytes, block: SignatureBlock, key: SigningKey, timestamper, embed_validation_info: bool) -> bytes:
    metadata = signers.PdfSignatureMetadata(
        field_name=FIELD_NAME,
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"Attestation {block.report_id}",
        location=settings.SITE_URL,
        embed_validation_info=embed_validation_info,
        validation_context=validation_context(key, for_timestamps=True) if embed_validation_info else None,
    )
    pdf_signer = signers.PdfSigner(
        metadata,
        key.signer,
        timestamper=timestamper,
        stamp_style=TextStampStyle(stamp_text=_stamp_text(block, key), border_width=1),
        new_field_spec=fields.SigFieldSpec(sig_field_name=FIELD_NAME, on_page=0, box=SIGNATURE_BOX),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    output = pdf_signer.sign_pdf(writer)
    return output.getvalue()


# Checking a signed PDF.


@dataclass(frozen=True)
class SignatureCheck:
    """What pyHanko's validator says of the registry signature of one PDF."""

    signed: bool
    intact: bool = False
    valid: bool = False
    trusted: bool = False
    revoked: bool = False
    problem: str = ""
    signer: str = ""
    signed_at: dt.datetime | None = None
    timestamped: bool = False
    timestamp_valid: bool = False
    timestamp_at: dt.datetime | None = None
    timestamp_authority: str = ""
    modified_after_signing: bool = False
    development: bool = False

    @property
    def ok(self) -> bool:
        """Intact, made by a trusted certificate, and nothing but validation data added afterwards."""
        timestamp_ok = self.timestamp_valid or not self.timestamped
        return self.intact and self.valid and self.trusted and timestamp_ok and not self.modified_after_signing

    def as_dict(self) -> dict:
        if not self.signed:
            return {"signed": False}
        return {
            "signed": True,
            "valid": self.ok,
            "intact": self.intact,
            "trusted": self.trusted,
            "revoked": self.revoked,
            "problem": self.problem,
            "signer": self.signer,
            "development_signature": self.development,
            "signed_at": self.signed_at.isoformat() if self.signed_at else None,
            "timestamp": {
                "present": self.timestamped,
                "valid": self.timestamp_valid,
                "time": self.timestamp_at.isoformat() if self.timestamp_at else None,
                "authority": self.timestamp_authority,
            },
            "modified_after_signing": self.modified_after_signing,
        }


def pdf_signature_check(content: bytes) -> SignatureCheck:
    """Validate the registry signature of a PDF; an unreadable or unsigned file is reported as unsigned."""
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        signatures = reader.embedded_signatures
    except Exception:  # noqa: BLE001 - a file that is not a PDF is simply not a signed report
        return SignatureCheck(signed=False)
    ours = [sig for sig in signatures if sig.field_name == FIELD_NAME] or signatures
    if not ours:
        return SignatureCheck(signed=False)
    key = signing_key()
    try:
        status = validate_pdf_signature(
            ours[0],
            signer_validation_context=validation_context(key),
            ts_validation_context=validation_context(key, for_timestamps=True),
        )
    except (SignatureValidationError, ValueError) as error:
        return SignatureCheck(signed=True, problem=f"The signature cannot be validated: {error}")
    return _check_from_status(status)


def _check_from_status(status: PdfSignatureStatus) -> SignatureCheck:
    subject = status.signing_cert.subject.native
    organizations = subject.get("organization_name", "")
    timestamp = status.timestamp_validity
    problem = ""
    if not status.intact:
        problem = "The signed bytes were altered."
    elif status.revoked:
        problem = "The signing certificate was revoked."
    elif not status.trusted:
        indication = status.trust_problem_indic.name if status.trust_problem_indic else ""
        problem = "The signing certificate is not trusted: " + TRUST_PROBLEMS.get(indication, indication.lower()) + "."
    elif timestamp is not None and not (timestamp.intact and timestamp.valid and timestamp.trusted):
        problem = "The timestamp is not valid (altered, or not from a trusted timestamp authority)."
    modified = not _only_validation_data_added(status)
    if modified and not problem:
        problem = "The document was modified after it was signed."
    return SignatureCheck(
        signed=True,
        intact=status.intact,
        valid=status.valid,
        trusted=status.trusted,
        revoked=status.revoked,
        problem=problem,
        signer=status.signing_cert.subject.human_friendly,
        signed_at=timestamp.timestamp if timestamp is not None else status.signer_reported_dt,
        timestamped=timestamp is not None,
        timestamp_valid=bool(timestamp and timestamp.intact and timestamp.valid and timestamp.trusted),
        timestamp_at=timestamp.timestamp if timestamp is not None else None,
        timestamp_authority=timestamp.signing_cert.subject.human_friendly if timestamp is not None else "",
        modified_after_signing=modified,
        development=is_development_subject([organizations] if isinstance(organizations, str) else organizations),
    )


def _only_validation_data_added(status: PdfSignatureStatus) -> bool:
    """The signature covers the whole file, or what came after is only validation data (DSS, timestamps)."""
    if status.coverage == SignatureCoverageLevel.ENTIRE_FILE:
        return True
    if status.coverage != SignatureCoverageLevel.ENTIRE_REVISION:
        return False
    return status.modification_level in (ModificationLevel.NONE, ModificationLevel.LTA_UPDATES)
