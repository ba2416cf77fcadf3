"""The API's JSON parser: Django REST framework's, with a bound on nesting depth.

Deeply nested JSON (`[[[[...]]]]`) makes Python's decoder recurse until it fails with a
RecursionError, which would answer 500, to anyone, before authentication is even looked at.
Bodies nested deeper than API_JSON_MAX_DEPTH are refused as a 400 parse error instead; the
depth is counted on the text before decoding, so no deep structure is ever built.
"""

from __future__ import annotations

import io

from django.conf import settings
from rest_framework.exceptions import ParseError
from rest_framework.parsers import JSONParser

TOO_DEEP = "The JSON body is nested more than {limit} levels deep."


def json_depth_exceeds(text: str, limit: int) -> bool:
    """Whether brackets in `text` (outside strings) nest deeper than `limit`."""
    depth, in_string, escaped = 0, False, False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


class BoundedJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        raw = stream.read() if stream is not None else b""
        limit = settings.API_JSON_MAX_DEPTH
        try:
            text = raw.decode((parser_context or {}).get("encoding", settings.DEFAULT_CHARSET))
        except UnicodeDecodeError:
            raise ParseError("The JSON body is not valid UTF-8.") from None
        if json_depth_exceeds(text, limit):
            raise ParseError(TOO_DEEP.format(limit=limit))
        try:
            return super().parse(io.BytesIO(raw), media_type, parser_context)
        except RecursionError:
            raise ParseError(TOO_DEEP.format(limit=limit)) from None
