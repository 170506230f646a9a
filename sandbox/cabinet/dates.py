"""Calendar arithmetic the cabinet needs: policy terms in months, ready dates in working days."""

from __future__ import annotations

import calendar
import datetime as dt


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def term_end(starts_on: dt.date, months: int) -> dt.date:
    """The last day of cover of a term starting on `starts_on` (inclusive)."""
    return add_months(starts_on, months) - dt.timedelta(days=1)


def working_days_after(day: dt.date, count: int) -> dt.date:
    """`count` working days after `day`, skipping Saturdays and Sundays."""
    while count > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5:
            count -= 1
    return day


def format_ru(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


#: A certificate is expected this many working days after it is ordered.
CERTIFICATE_WORKING_DAYS = 3
