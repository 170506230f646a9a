"""Showing what the cabinet returned: a stale answer says how old it is."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram_i18n import I18nContext

from cabinet import Reading


def stale_note(reading: Reading[Any], i18n: I18nContext, time_zone: str) -> str:
    """The line to put above data the cabinet could not refresh; empty for live data."""
    if not reading.stale:
        return ""
    return i18n.get("cabinet-stale", time=reading.fetched_at.astimezone(ZoneInfo(time_zone)))
