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


class CsvLimitError(ValueError):
    """A CSV upload broke a limit (size, rows, cell length) or is not text; the message says which."""


CSV_TOO_LARGE = "The file is {size}; an import may be at most {limit}."
CSV_TOO_MANY_ROWS = "The file has more than {limit} rows; split it into several imports."
CSV_CELL_TOO_LONG = "Line {line}: a cell is longer than {limit} characters."
CSV_NUL = "The file contains NUL bytes: it is not a text CSV file."
CSV_NOT_UTF8 = "The file is not UTF-8 text; save it as CSV UTF-8 and import it again."
CSV_MALFORMED = "Line {line}: the CSV cannot be read ({reason})."


def csv_upload_size_check(upload) -> None:
    """Refuse an uploaded import file over USE_CASE_IMPORT_MAX_BYTES before reading it into memory."""
    size, limit = upload_size(upload), settings.USE_CASE_IMPORT_MAX_BYTES
    if size > limit:
        raise ValidationError(CSV_TOO_LARGE.format(size=filesizeformat(size), limit=filesizeformat(limit)))


def csv_rows_bounded(data: bytes | str, *, max_bytes: int, max_rows: int, max_cell_chars: int):
    """Read a CSV upload into (header, rows), enforcing the limits while reading.

    1. Refuse before decoding a file over `max_bytes`, or one holding a NUL byte.
    2. Decode as UTF-8 (a BOM is dropped).
    3. Read row by row, stopping at the first row past `max_rows` or the first cell over
       `max_cell_chars`; csv's own errors become a clear message with the line.

    Returns the header and a list of (line, row dict) pairs; raises CsvLimitError.
    """
    import csv
    import io

    size = len(data.encode("utf-8")) if isinstance(data, str) else len(data)
    if size > max_bytes:
        raise CsvLimitError(CSV_TOO_LARGE.format(size=filesizeformat(size), limit=filesizeformat(max_bytes)))
    if isinstance(data, bytes):
        if b"\x00" in data:
            raise CsvLimitError(CSV_NUL)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CsvLimitError(CSV_NOT_UTF8) from None
    elif "\x00" in data:
        raise CsvLimitError(CSV_NUL)
    reader = csv.reader(io.StringIO(data.removeprefix("\ufeff"), newline=""))
    rows: list[tuple[int, dict]] = []
    header: list[str] = []
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            if any(len(cell) > max_cell_chars for cell in cells):
                raise CsvLimitError(CSV_CELL_TOO_LONG.format(line=start, limit=max_cell_chars))
            if not header:
                header = cells
                continue
            if len(rows) >= max_rows:
                raise CsvLimitError(CSV_TOO_MANY_ROWS.format(limit=max_rows))
            if cells:
                rows.append((start, dict(zip(header, cells + [""] * (len(header) - len(cells)), strict=False))))
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise CsvLimitError(CSV_CELL_TOO_LONG.format(line=line, limit=max_cell_chars)) from None
        raise CsvLimitError(CSV_MALFORMED.format(line=line, reason=error)) from None
    return header, rows
