"""Evidence uploads: size, type and content checks."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from compliance.validators import EvidenceFileValidator


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("ato-letter.pdf", b"%PDF-1.7\n..."),
        ("screenshot.png", b"\x89PNG\r\n\x1a\n...."),
        ("inventory.csv", "agency,use case\nDOE,résumé triage\n".encode()),
        ("impact.docx", b"PK\x03\x04rest-of-zip"),
    ],
)
def test_accepted_evidence_passes(name, content):
    EvidenceFileValidator()(_upload(name, content))


def test_an_executable_renamed_to_pdf_is_refused():
    with pytest.raises(ValidationError, match="is not a .pdf file") as error:
        EvidenceFileValidator()(_upload("ato.pdf", b"MZ\x90\x00\x03"))

    assert error.value.code == "file_content"


def test_a_binary_file_named_csv_is_refused():
    with pytest.raises(ValidationError, match="is not a .csv file"):
        EvidenceFileValidator()(_upload("data.csv", b"a,b\n\x00\x01\x02"))


def test_an_unaccepted_extension_is_refused():
    with pytest.raises(ValidationError, match="Upload a .pdf") as error:
        EvidenceFileValidator()(_upload("payload.html", b"<script>alert(1)</script>"))

    assert error.value.code == "file_type"


def test_a_file_over_the_limit_is_refused(settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 1024

    with pytest.raises(ValidationError, match="at most 1.0") as error:
        EvidenceFileValidator()(_upload("big.pdf", b"%PDF-" + b"0" * 2000))

    assert error.value.code == "file_too_large"


def test_the_file_is_left_readable_from_the_start():
    upload = _upload("notes.txt", b"plain notes")

    EvidenceFileValidator()(upload)

    assert upload.read() == b"plain notes"


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError, match="is empty") as error:
        EvidenceFileValidator()(_upload("notes.txt", b""))

    assert error.value.code == "file_empty"


def test_a_plain_file_object_is_measured_when_it_declares_no_size(settings):
    settings.EVIDENCE_UPLOAD_MAX_BYTES = 1024
    upload = io.BytesIO(b"%PDF-" + b"0" * 2000)
    upload.name = "big.pdf"

    with pytest.raises(ValidationError) as error:
        EvidenceFileValidator()(upload)

    assert error.value.code == "file_too_large"
