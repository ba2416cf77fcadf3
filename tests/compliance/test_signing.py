"""Signed PDF attestations: reports signed with the test PKI's key, timestamped by its TSA, checked by pyHanko."""

from __future__ import annotations

import io
import re
import zlib

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from compliance.reports import attestation_verify, report_generate, report_request
from compliance.requirements import load_requirements
from compliance.signing import ReportSigningError, SignatureBlock, pdf_sign, pdf_signature_check, signing_key
from tests.compliance.test_reports import build_agency

pytestmark = pytest.mark.django_db

BLOCK = SignatureBlock("R-000042", "Grace Hopper", "Agency officer", "Department of Energy")


@pytest.fixture
def pki_settings(settings, test_pki):
    """Sign with the test PKI's certificate, trust its root, timestamp with its TSA."""
    settings.REPORT_SIGNING_P12 = str(test_pki.signer_p12)
    settings.REPORT_SIGNING_P12_PASSWORD = test_pki.password
    settings.REPORT_SIGNING_TRUST_ROOTS = str(test_pki.root_pem)
    settings.TSA_URL = test_pki.tsa_url
    settings.TSA_TRUST_ROOTS = str(test_pki.root_pem)
    return settings


@pytest.fixture(scope="module")
def unsigned_pdf(django_db_setup, django_db_blocker) -> bytes:
    from compliance.pdf import html_to_pdf

    return html_to_pdf("<html><body><h1>AI compliance report</h1><p>Report R-000042</p></body></html>")


def signature_appearance(pdf: bytes) -> str:
    """The text drawn in the visible signature block (its appearance stream)."""
    reader = PdfFileReader(io.BytesIO(pdf))
    widget = reader.embedded_signatures[0].sig_field
    stream = widget["/AP"]["/N"]
    chunks = [stream.data]
    resources = stream.get("/Resources", generic.DictionaryObject())
    for xobject in resources.get("/XObject", generic.DictionaryObject()).values():
        chunks.append(xobject.get_object().data)
        for inner in xobject.get_object().get("/Resources", generic.DictionaryObject()).get("/XObject", {}).values():
            chunks.append(inner.get_object().data)
    text = b"".join(chunks).decode("latin-1")
    return re.sub(r"\\([0-7]{3}|[()\\])", lambda m: chr(int(m[1], 8)) if len(m[1]) == 3 else m[1], text)


def test_a_report_pdf_is_signed_timestamped_and_validates_against_the_test_root(pki_settings, test_pki):
    load_requirements()
    agency, officer = build_agency()
    report = report_generate(report_id=report_request(requested_by=officer, agency=agency, framework="all").pk)
    pdf = report.pdf.read()

    check = pdf_signature_check(pdf)

    assert check.ok, check.problem
    assert check.intact and check.trusted and not check.modified_after_signing
    assert "OneGov AI Registry report signing (test)" in check.signer
    assert check.timestamped and check.timestamp_valid
    assert "Test Timestamp Authority" in check.timestamp_authority
    assert not check.development
    # pyHanko's own validator, with nothing of ours in between, agrees.
    root = ValidationContext(trust_roots=[signing_key().trust_roots[0]], allow_fetching=True)
    status = validate_pdf_signature(PdfFileReader(io.BytesIO(pdf)).embedded_signatures[0], root)
    assert status.bottom_line
    # B-LT: the validation information is in the document security store.
    assert "/DSS" in PdfFileReader(io.BytesIO(pdf)).root
    appearance = signature_appearance(pdf)
    assert "Attested by: Grace Hopper" in appearance
    assert f"Report: {report.number}" in appearance
    assert "Department of Energy" in appearance


def test_the_public_check_confirms_a_signed_report_and_refuses_an_altered_copy(client, pki_settings):
    load_requirements()
    agency, officer = build_agency()
    report = report_generate(report_id=report_request(requested_by=officer, agency=agency, framework="all").pk)
    pdf = report.pdf.read()
    altered = pdf.replace(b"WeasyPrint", b"WeasyPrinT", 1)
    assert altered != pdf

    good = client.post(reverse("compliance:attestation-verify-json"), {"pdf": SimpleUploadedFile("r.pdf", pdf)})
    bad = client.post(reverse("compliance:attestation-verify-json"), {"pdf": SimpleUploadedFile("r.pdf", altered)})
    page = client.post(reverse("compliance:attestation-verify"), {"pdf": SimpleUploadedFile("r.pdf", altered)})

    assert good.json()["issued"] is True
    assert good.json()["signature"]["valid"] is True
    assert good.json()["signature"]["timestamp"]["valid"] is True
    assert good.json()["signature"]["modified_after_signing"] is False
    assert bad.json()["issued"] is False
    assert bad.json()["signature"]["valid"] is False
    assert bad.json()["signature"]["intact"] is False
    assert "The signed bytes were altered." in page.content.decode()


def test_a_change_appended_after_signing_is_reported(pki_settings, unsigned_pdf):
    signed = pdf_sign(unsigned_pdf, block=BLOCK)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    writer.root["/PageMode"] = generic.NameObject("/UseOutlines")
    writer.update_root()
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)

    check = pdf_signature_check(out.getvalue())

    assert check.intact
    assert check.modified_after_signing
    assert not check.ok
    assert check.problem == "The document was modified after it was signed."


def test_a_revoked_signing_certificate_is_reported(pki_settings, test_pki, unsigned_pdf):
    pki_settings.REPORT_SIGNING_P12 = str(test_pki.revoked_p12)
    # Signed as if before the revocation: the registry itself refuses to sign with it (next test).
    signed = pdf_sign(unsigned_pdf, block=BLOCK, embed_validation_info=False)

    check = pdf_signature_check(signed)

    assert check.intact
    assert check.revoked
    assert not check.ok
    assert check.problem == "The signing certificate was revoked."


def test_the_registry_refuses_to_sign_with_a_revoked_certificate(pki_settings, test_pki, unsigned_pdf):
    pki_settings.REPORT_SIGNING_P12 = str(test_pki.revoked_p12)

    with pytest.raises(ReportSigningError):
        pdf_sign(unsigned_pdf, block=BLOCK)


def test_an_expired_signing_certificate_is_reported(pki_settings, test_pki, unsigned_pdf):
    pki_settings.REPORT_SIGNING_P12 = str(test_pki.expired_p12)
    signed = pdf_sign(unsigned_pdf, block=BLOCK, embed_validation_info=False)

    check = pdf_signature_check(signed)

    assert check.intact
    assert not check.trusted
    assert not check.ok
    assert "expired" in check.problem


def test_a_timestamp_from_an_untrusted_authority_is_reported(pki_settings, test_pki, unsigned_pdf):
    pki_settings.TSA_URL = test_pki.rogue_tsa_url
    signed = pdf_sign(unsigned_pdf, block=BLOCK, embed_validation_info=False)

    check = pdf_signature_check(signed)

    assert check.intact and check.trusted
    assert check.timestamped
    assert not check.timestamp_valid
    assert "Rogue TSA" in check.timestamp_authority
    assert not check.ok


def test_an_unreachable_timestamp_authority_fails_the_signature(pki_settings, unsigned_pdf):
    pki_settings.TSA_URL = "http://127.0.0.1:9/tsa"

    with pytest.raises(ReportSigningError, match="timestamp"):
        pdf_sign(unsigned_pdf, block=BLOCK)


def test_without_a_configured_key_debug_signs_with_a_development_key_that_says_so(settings, tmp_path, unsigned_pdf):
    settings.DEBUG = True
    settings.VAR_DIR = tmp_path
    settings.REPORT_SIGNING_P12 = ""
    settings.REPORT_SIGNING_TRUST_ROOTS = ""
    settings.TSA_URL = ""

    signed = pdf_sign(unsigned_pdf, block=BLOCK)

    assert (tmp_path / "signing" / "development-signing.p12").exists()
    assert "DEVELOPMENT SIGNATURE - not an attestation" in signature_appearance(signed)
    check = pdf_signature_check(signed)
    assert check.development and check.intact and check.trusted
    assert attestation_verify(content=signed).as_dict()["signature"]["development_signature"] is True


def test_without_a_configured_key_production_refuses_to_sign(settings, unsigned_pdf):
    settings.DEBUG = False
    settings.REPORT_SIGNING_P12 = ""

    with pytest.raises(ImproperlyConfigured):
        pdf_sign(unsigned_pdf, block=BLOCK)


def test_generate_report_writes_a_pdf_pyhanko_validates(pki_settings, tmp_path):
    load_requirements()
    build_agency()
    out = tmp_path / "doe.pdf"

    call_command("generate_report", "--agency", "DOE", "--framework", "all", "--out", str(out), stdout=io.StringIO())

    check = pdf_signature_check(out.read_bytes())
    assert check.ok and check.timestamp_valid
    assert attestation_verify(content=out.read_bytes()).issued


def test_an_unsigned_pdf_is_reported_as_unsigned(unsigned_pdf):
    assert pdf_signature_check(unsigned_pdf).signed is False
    assert pdf_signature_check(zlib.compress(b"not a pdf")).signed is False
