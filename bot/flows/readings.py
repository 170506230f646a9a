"""Showing what the cabinet returned: a stale answer says how old it is."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiogram_i18n import I18nContext

from cabinet import Reading


def as_of(fetched_at: dt.datetime, time_zone: str, now: dt.datetime | None = None) -> str:
    """ "12:40" for today in the user's time zone, "21.11 12:40" for another day."""
    zone = ZoneInfo(time_zone)
    local = fetched_at.astimezone(zone)
    today = (now or dt.datetime.now(dt.UTC)).astimezone(zone).date()
    return local.strftime("%H:%M" if local.date() == today else "%d.%m %H:%M")


def stale_note(reading: Reading[Any], i18n: I18nContext, time_zone: str) -> str:
    """The line to put above data the cabinet could not refresh; empty for live data."""
    if not reading.stale:
        return ""
    return i18n.get("cabinet-stale", time=as_of(reading.fetched_at, time_zone))
