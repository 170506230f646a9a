"""What the payouts list shows: the period (a preset, or any period picked in the calendar)
and the filter (one status, one type, or all of them).

Both live in the dialog's data, so the list, its total, the exports and the way back from a
payout's card all show the same payouts. Every value a button carries is user input: an
unknown preset is the default one, an unknown status or type is "all".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import ChatEvent, DialogManager
from aiogram_dialog.widgets.input import TextInput
from aiogram_dialog.widgets.kbd import Button, Column, ManagedCalendar, SwitchTo

from bot.flows.certificates_calendar import PeriodCalendar, refuse_day, today_of
from bot.flows.claim_form import parse_date
from bot.flows.documents import viewer_of
from bot.flows.payouts_statement import (
    DEFAULT_PRESET,
    PRESETS,
    PayoutFilter,
    Period,
    preset_period,
)
from bot.flows.screen import Screen
from bot.flows.states import PayoutsSG
from bot.flows.widgets import T, choices, profile_of
from cabinet.models import PayoutStatus, PayoutType
from documents import Viewer

CUSTOM = "custom"
SCROLL = "payouts"
ALL = "all"
#: How far ahead a period may end: a scheduled payout's date is in the future.
AHEAD = dt.timedelta(days=366)


# ----------------------------------------------------------------------------- what is shown


def preset_of(manager: DialogManager) -> str:
    preset = manager.dialog_data.get("preset")
    if preset == CUSTOM and {"date_from", "date_to"} <= manager.dialog_data.keys():
        return CUSTOM
    return preset if preset in PRESETS else DEFAULT_PRESET


def period_of(manager: DialogManager) -> Period:
    """The period on the screen: a preset's as of today, or the one picked in the calendar."""
    preset = preset_of(manager)
    if preset == CUSTOM:
        return Period.of(manager.dialog_data)
    return preset_period(preset, profile_of(manager).time_zone)


def filter_of(manager: DialogManager) -> PayoutFilter:
    return PayoutFilter.of(manager.dialog_data)


def shown_ref(manager: DialogManager) -> dict[str, str]:
    """The list on the screen as a document's reference: its period and its filter."""
    return period_of(manager).ref() | filter_of(manager).ref()


async def from_first_page(manager: DialogManager) -> None:
    scroll = manager.find(SCROLL)
    if scroll is not None:
        await scroll.set_page(0)


def _marked(viewer: Viewer, label: str, chosen: bool) -> str:
    return viewer.plain("payouts-preset-chosen", preset=label) if chosen else label


def preset_buttons(viewer: Viewer, chosen: str) -> list[tuple[str, str]]:
    return [
        (preset, _marked(viewer, viewer.plain(f"payouts-preset-{preset}"), preset == chosen))
        for preset in PRESETS
    ]


def custom_label(viewer: Viewer, chosen: bool) -> str:
    return _marked(viewer, viewer.plain("payouts-period-custom"), chosen)


async def on_preset(_: CallbackQuery, __: Any, manager: DialogManager, preset: str) -> None:
    manager.dialog_data["preset"] = preset if preset in PRESETS else DEFAULT_PRESET
    await from_first_page(manager)  # the new period from its first page


# ----------------------------------------------------------------------------- any period


async def from_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"max_date": today_of(dialog_manager) + AHEAD}


async def to_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    start = dt.date.fromisoformat(dialog_manager.dialog_data["picked_from"])
    return {"min_date": start, "max_date": today_of(dialog_manager) + AHEAD, "period_from": start}


async def on_from(event: ChatEvent, _: Any, manager: DialogManager, day: dt.date) -> None:
    """The period's first day, picked in the calendar or typed."""
    if day > today_of(manager) + AHEAD:
        await refuse_day(event, manager, "payouts-date-too-far")
        return
    manager.dialog_data["picked_from"] = day.isoformat()
    await manager.switch_to(PayoutsSG.custom_to)
    calendar = manager.find("to_day")  # the end's calendar opens on the start's month
    if isinstance(calendar, ManagedCalendar):
        calendar.set_offset(day)


async def on_to(event: ChatEvent, _: Any, manager: DialogManager, day: dt.date) -> None:
    """The period's last day: the list then shows the picked period from its first page."""
    start = dt.date.fromisoformat(manager.dialog_data["picked_from"])
    if day < start:
        await refuse_day(event, manager, "payouts-date-before-start", period_from=start)
        return
    if day > today_of(manager) + AHEAD:
        await refuse_day(event, manager, "payouts-date-too-far")
        return
    manager.dialog_data.update(
        {"preset": CUSTOM, "date_from": start.isoformat(), "date_to": day.isoformat()}
    )
    await manager.switch_to(PayoutsSG.list)
    await from_first_page(manager)


async def on_not_a_date(message: Message, _: Any, manager: DialogManager, __: Any) -> None:
    await refuse_day(message, manager, "payouts-not-a-date")


def _day_input(on_success: Any) -> TextInput[dt.date]:
    return TextInput(
        id="typed_day", type_factory=parse_date, on_success=on_success, on_error=on_not_a_date
    )


# ----------------------------------------------------------------------------- the filter


def _options(viewer: Viewer, kind: str, values: list[str], chosen: str) -> list[tuple[str, str]]:
    labels = [(ALL, viewer.plain(f"payouts-filter-all-{kind}"))]
    labels += [(value, viewer.plain(f"payout-{kind}-{value}")) for value in values]
    return [(value, _marked(viewer, label, value == chosen)) for value, label in labels]


async def filter_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    chosen = filter_of(dialog_manager)
    status = chosen.status.value if chosen.status else ALL
    kind = chosen.kind.value if chosen.kind else ALL
    return {
        "statuses": _options(viewer, "status", [s.value for s in PayoutStatus], status),
        "types": _options(viewer, "type", [t.value for t in PayoutType], kind),
    }


async def _choose(manager: DialogManager, name: str, value: str, known: list[str]) -> None:
    if value in known:
        manager.dialog_data[name] = value
    else:  # "all", or a forged value: no filter of this kind
        manager.dialog_data.pop(name, None)
    await from_first_page(manager)


async def on_status(_: CallbackQuery, __: Any, manager: DialogManager, status: str) -> None:
    await _choose(manager, "status", status, [s.value for s in PayoutStatus])


async def on_type(_: CallbackQuery, __: Any, manager: DialogManager, kind: str) -> None:
    await _choose(manager, "type", kind, [t.value for t in PayoutType])


async def on_reset(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("status", None)
    manager.dialog_data.pop("type", None)
    await from_first_page(manager)
    await manager.switch_to(PayoutsSG.list)


def filter_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            T("payouts-filter-prompt"),
            Column(choices("status", "statuses", on_status)),
            Column(choices("type", "types", on_type)),
            SwitchTo(T("payouts-filter-show"), id="show", state=PayoutsSG.list),
            Button(T("payouts-filter-reset"), id="reset", on_click=on_reset),
            state=PayoutsSG.filter,
            getter=filter_getter,
        ),
        Screen(
            T("payouts-choose-from"),
            PeriodCalendar(id="from_day", on_click=on_from),
            _day_input(on_from),
            SwitchTo(T("button-back"), id="back", state=PayoutsSG.list),
            state=PayoutsSG.custom_from,
            getter=from_getter,
        ),
        Screen(
            T("payouts-choose-to"),
            PeriodCalendar(id="to_day", on_click=on_to),
            _day_input(on_to),
            SwitchTo(T("button-back"), id="back", state=PayoutsSG.custom_from),
            state=PayoutsSG.custom_to,
            getter=to_getter,
        ),
    )
