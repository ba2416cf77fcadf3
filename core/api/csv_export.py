"""The registry's one CSV exporter, safe to open in a spreadsheet: API lists (`?format=csv`), the audit
trail and change feed, the portal's "Export as CSV" and OMB's inventory format all write through it.

Every cell is quoted (RFC 4180, `csv.QUOTE_ALL`; OMB's format keeps minimal quoting), and a cell
that starts with a character a spreadsheet would read as a formula (= + - @ TAB CR NUL) gets a
leading apostrophe, which `csv_cell_restore` takes off again on import. The rows are those of the
list the caller may see, with its filters and ordering, in one file (not a page).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator

from django.http import StreamingHttpResponse
from django.utils import timezone
from rest_framework.renderers import BaseRenderer

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\0")
BATCH_SIZE = 500
UNSAFE_FILENAME = re.compile(r"[^A-Za-z0-9_-]+")


def csv_cell(value) -> str:
    """One cell as text, defused if a spreadsheet would run it as a formula."""
    if value is None:
        text = ""
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, dict | list):
        text = json.dumps(value, sort_keys=True, default=str)
    else:
        text = str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_cell_restore(text: str) -> str:
    """Undo `csv_cell` on a cell read back from one of our exports (an apostrophe before a formula trigger)."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS) else text


def flatten(row: dict, prefix: str = "") -> dict:
    """Nested objects become dotted columns (`vendor.name`); lists stay one JSON cell."""
    flat = {}
    for key, value in row.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, f"{name}."))
        else:
            flat[name] = value
    return flat


def csv_lines(rows: Iterable[dict], header: list[str] | None = None, *, quote_all: bool = True) -> Iterator[str]:
    """The CSV lines of `rows`. A header column naming a nested object (an event's `before`) is one JSON cell."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n")

    def line(cells) -> str:
        writer.writerow(cells)
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate(0)
        return text

    if header is not None:
        yield line(header)
    for row in rows:
        flat = flatten(row)
        if header is None:
            header = list(flat)
            yield line(header)
        yield line(csv_cell(flat[column] if column in flat else row.get(column)) for column in header)


def csv_filename(name: str) -> str:
    stem = UNSAFE_FILENAME.sub("-", name).strip("-")[:60] or "export"
    return f"{stem}-{timezone.now():%Y%m%d-%H%M%S}.csv"


def csv_response(rows: Iterable[dict], *, name: str, header: list[str] | None = None) -> StreamingHttpResponse:
    response = StreamingHttpResponse(csv_lines(rows, header), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(name)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


class CsvRenderer(BaseRenderer):
    """Lets `?format=csv` through content negotiation; lists stream through `csv_response`, details render here."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        rows = data.get("results", [data]) if isinstance(data, dict) else data
        return "".join(csv_lines(rows)).encode()
