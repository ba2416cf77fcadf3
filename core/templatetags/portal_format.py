"""One date format across the portal: "1 Dec 2026" (and "1 Dec 2026, 14:05 UTC"), with ISO 8601 in <time datetime>.

`{{ value|day }}` and `{{ value|moment }}` render a <time> element; an empty value renders "unknown" (or the
text given, `{{ value|day:"never" }}`), never a plausible date.
"""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

register = template.Library()

DAY_FORMAT = "%-d %b %Y"
UNKNOWN = "unknown"


def _time(iso: str, text: str) -> str:
    return format_html('<time datetime="{}">{}</time>', iso, text)


@register.filter
def day(value: datetime.date | datetime.datetime | None, empty: str = UNKNOWN) -> str:
    """A date (or the day of a datetime, in UTC) as "1 Dec 2026"; `empty` when there is none."""
    if not value:
        return empty
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return _time(value.isoformat(), value.strftime(DAY_FORMAT))


@register.filter
def moment(value: datetime.datetime | None, empty: str = UNKNOWN) -> str:
    """A point in time as "1 Dec 2026, 14:05 UTC"; `empty` when there is none."""
    if not value:
        return empty
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    text = f"{value.strftime(DAY_FORMAT)}, {value:%H:%M} {value.tzname() or ''}".rstrip()
    return _time(value.isoformat(timespec="seconds"), text)
