"""A calendar for choosing a day of a period: in the user's language and time zone, with no
day after `max_date` nor before `min_date` (both from the window's getter data).

aiogram-dialog's `Calendar` names months and weekdays with `strftime`, in the server's
locale; here they come from the catalogue (`calendar-month`, `calendar-weekday`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery, InlineKeyboardButton
from aiogram_dialog import ChatEvent, DialogManager
from aiogram_dialog.widgets.kbd import Calendar, CalendarConfig, CalendarScope, CalendarUserConfig
from aiogram_dialog.widgets.kbd.calendar_kbd import (
    CalendarDaysView,
    CalendarMonthView,
    CalendarScopeView,
    CalendarYearsView,
)
from aiogram_dialog.widgets.text import Const, Text

from bot.flows.widgets import i18n_of, profile_of, say


class _Month(Text):
    """The month of the button's date: "Февраль", or with its year: "🗓 Февраль 2025"."""

    def __init__(self, *, with_year: bool = False, current: bool = False) -> None:
        super().__init__()
        self.with_year = with_year
        self.current = current

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        day: dt.date = data["date"]
        i18n = i18n_of(manager)
        name = i18n.get("calendar-month", month=day.month)
        if self.with_year:
            return i18n.get("calendar-header", month=name, year=str(day.year))
        return f"[ {name} ]" if self.current else name


class _Weekday(Text):
    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        day: dt.date = data["date"]
        return i18n_of(manager).get("calendar-weekday", day=day.isoweekday())


class _DaysView(CalendarDaysView):
    """The month's weeks, without the rows that hold no day to choose (weeks after `max_date`
    or before `min_date`): no rows of blank buttons."""

    async def _render_days(
        self, config: CalendarConfig, offset: dt.date, data: dict[str, Any], manager: DialogManager
    ) -> list[list[InlineKeyboardButton]]:
        rows = await super()._render_days(config, offset, data, manager)
        return [row for row in rows if any(button.callback_data for button in row)]


class PeriodCalendar(Calendar):
    def _init_views(self) -> dict[CalendarScope, CalendarScopeView]:
        return {
            CalendarScope.DAYS: _DaysView(
                self._item_callback_data,
                header_text=_Month(with_year=True),
                weekday_text=_Weekday(),
                prev_month_text=Const("◀️"),
                next_month_text=Const("▶️"),
            ),
            CalendarScope.MONTHS: CalendarMonthView(
                self._item_callback_data,
                month_text=_Month(),
                this_month_text=_Month(current=True),
            ),
            CalendarScope.YEARS: CalendarYearsView(self._item_callback_data),
        }

    async def _get_user_config(
        self, data: dict[str, Any], manager: DialogManager
    ) -> CalendarUserConfig:
        # The user's "today" (marked in the calendar): it wants a fixed-offset zone for that.
        offset = dt.datetime.now(ZoneInfo(profile_of(manager).time_zone)).utcoffset()
        return CalendarUserConfig(
            firstweekday=0,
            timezone=dt.timezone(offset or dt.timedelta()),
            min_date=data.get("min_date"),
            max_date=data["max_date"],
        )


def today_of(manager: DialogManager) -> dt.date:
    """Today in the person's time zone: the calendars' and the date checks' "today"."""
    return dt.datetime.now(ZoneInfo(profile_of(manager).time_zone)).date()


async def refuse_day(event: ChatEvent, manager: DialogManager, key: str, **variables: Any) -> None:
    """Why a day (or a typed answer) was not taken: a pressed calendar day in an alert, a typed
    one in a message; the step's screen then comes again below."""
    if isinstance(event, CallbackQuery):
        await event.answer(i18n_of(manager).get(key, **variables), show_alert=True)
    else:
        await say(manager, key, **variables)
