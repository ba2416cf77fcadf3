"""Validation of uploaded evidence files: size, extension, and content that matches the extension.

This is the one check every evidence upload goes through (`compliance.evidence.evidence_document_add`
calls it; a form's FileField may list it too), bounded by EVIDENCE_UPLOAD_MAX_BYTES and
EVIDENCE_UPLOAD_EXTENSIONS.
"""

from __future__ import annotations

import os
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.deconstruct import deconstructible

# What each accepted extension's content must start with. Text formats have no signature:
# they must decode as UTF-8 and hold no NUL byte, which rules out renamed binaries.
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    ".pdf": (b"%PDF-",),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".docx": (b"PK\x03\x04",),
    ".xlsx": (b"PK\x03\x04",),
}
TEXT_EXTENSIONS = (".txt", ".csv", ".md", ".json")
# The content type a stored document is served with, by extension.
CONTENT_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".md": "text/markdown",
    ".json": "application/json",
}

TOO_LARGE = "The file is {size}; evidence files may be at most {limit}."
WRONG_TYPE = "Upload a {allowed} file; {name!r} is not one."
CONTENT_MISMATCH = "The content of {name!r} is not a {extension} file."
EMPTY = "The file {name!r} is empty."


def content_type_of(name: str) -> str:
    """The content type of an accepted file name (application/octet-stream for anything else)."""
    return CONTENT_TYPES.get(PurePath(name).suffix.lower(), "application/octet-stream")


def upload_size(upload) -> int:
    """The declared size of an UploadedFile, or the measured size of a plain file object."""
    size = getattr(upload, "size", None)
    if size is None:
        size = upload.seek(0, os.SEEK_END)
        upload.seek(0)
    return size


@deconstructible
class EvidenceFileValidator:
    """Refuse evidence uploads that are too large, of a type we do not accept, or whose content lies about its type.

    Use on a FileField (`validators=[EvidenceFileValidator()]`) or call it on an UploadedFile.
    """

    def __init__(self, *, max_bytes: int | None = None, extensions: tuple[str, ...] | None = None):
        self.max_bytes = max_bytes
        self.extensions = extensions

    @property
    def limit(self) -> int:
        return self.max_bytes or settings.EVIDENCE_UPLOAD_MAX_BYTES

    def too_large(self, size: int) -> ValidationError:
        return ValidationError(
            TOO_LARGE.format(size=filesizeformat(size), limit=filesizeformat(self.limit)), code="file_too_large"
        )

    def __call__(self, upload) -> None:
        allowed = self.extensions or tuple(settings.EVIDENCE_UPLOAD_EXTENSIONS)
        name = PurePath(getattr(upload, "name", "") or "").name
        extension = PurePath(name).suffix.lower()
        size = upload_size(upload)
        if size > self.limit:
            raise self.too_large(size)
        if extension not in allowed or extension not in CONTENT_TYPES:
            raise ValidationError(WRONG_TYPE.format(allowed=", ".join(allowed), name=name), code="file_type")
        if size == 0:
            raise ValidationError(EMPTY.format(name=name), code="file_empty")
        if not self._content_matches(upload, extension):
            raise ValidationError(CONTENT_MISMATCH.format(name=name, extension=extension), code="file_content")

    @staticmethod
    def _content_matches(upload, extension: str) -> bool:
        upload.seek(0)
        head = upload.read(8192)
        upload.seek(0)
        if extension in SIGNATURES:
            return head.startswith(SIGNATURES[extension])
        if extension in TEXT_EXTENSIONS:
            if b"\x00" in head:
                return False
            try:
                head.decode("utf-8")
            except UnicodeDecodeError as error:
                # A multi-byte character cut at the end of the sample is still text.
                return error.start >= len(head) - 3
            return True
        return False

    def __eq__(self, other) -> bool:
        return (
            isinstance(other, EvidenceFileValidator)
            and self.max_bytes == other.max_bytes
            and self.extensions == other.extensions
        )
