"""Recurring deadlines: the next occurrence of a deadline that comes back every so many months.

M-25-21 asks for the compliance plan every two years until 2036, the use case inventory every year
and each waiver's re-certification every year. The registry stores the first deadline and the period,
and computes the next one as of the day it is shown (never a flag someone must remember to move).
"""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` moved by whole months; the 31st becomes the month's last day when the month is shorter."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_occurrence(
    first: dt.date, *, every_months: int | None, until: dt.date | None = None, today: dt.date
) -> dt.date:
    """The first occurrence on or after `today`; the last one up to `until` when none is left.

    A deadline that does not recur (`every_months` None) is `first`, past or not.
    """
    if not every_months or first >= today:
        return first
    periods = 0
    due = first
    while due < today:
        periods += 1
        candidate = add_months(first, every_months * periods)
        if until is not None and candidate > until:
            return due
        due = candidate
    return due
