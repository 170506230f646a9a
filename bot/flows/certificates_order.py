"""Ordering a certificate: type → period (a preset, or a custom range picked in the calendar
or typed as 01.02.2025) → purpose (a suggested one, or the user's own words) → confirm → the
order's number and the date it is expected.

The type and purpose buttons carry user input: only a type the cabinet lists and a purpose
of that type are taken. A period is checked before the cabinet sees it (from ≤ to, not in
the future, in the user's time zone). Creating the order is a POST with an
`Idempotency-Key` made by the handler that leads to the confirm step and kept in the
dialog's data, so confirming again after the cabinet was down orders once.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import ChatEvent, DialogManager
from aiogram_dialog.widgets.input import TextInput
from aiogram_dialog.widgets.kbd import Button, Column, ManagedCalendar, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.flows.access import cabinet_of
from bot.flows.certificates_calendar import PeriodCalendar, refuse_day, today_of
from bot.flows.claim_form import parse_date
from bot.flows.documents import viewer_of
from bot.flows.keys import fresh_keys, key_of
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.states import CertificatesSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of
from bot.privacy import number_for
from cabinet import CabinetRejected
from cabinet.models import CertificateOrderRequest, CertificatePurpose, CertificateType

PURPOSE_MAX = 200  # CertificateOrderRequest.purpose
_BAD_PERIOD = frozenset({"invalid_period", "period_required"})
_DRAFT = ("type", "from", "to", "purpose", "keys")


# ----------------------------------------------------------------------------- shared


def title_of(item: CertificateType | CertificatePurpose, locale: str) -> str:
    return item.title_en if locale == "en" else item.title


def shown_purpose(kind: CertificateType | None, purpose: str, locale: str) -> str:
    """A suggested purpose in the user's language (the cabinet keeps its Russian title)."""
    suggested = (p for p in (kind.purposes if kind else ()) if p.title == purpose)
    return next((title_of(p, locale) for p in suggested), purpose)


async def certificate_types(manager: DialogManager) -> dict[str, CertificateType]:
    reading = await cabinet_of(manager).certificate_types(locale=i18n_of(manager).locale)
    return {kind.id: kind for kind in reading.value}


async def chosen_type(manager: DialogManager) -> CertificateType:
    return (await certificate_types(manager))[manager.dialog_data["type"]]


def working_days(after: dt.date, until: dt.date) -> int:
    """Monday to Friday after `after`, up to and including `until`."""
    days = (after + dt.timedelta(days=n) for n in range(1, (until - after).days + 1))
    return sum(1 for day in days if day.weekday() < 5)


def _day(manager: DialogManager, name: str) -> dt.date | str:
    value = manager.dialog_data.get(name)
    return dt.date.fromisoformat(value) if value else ""


# ----------------------------------------------------------------------------- type


async def start_order(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    for name in _DRAFT:
        manager.dialog_data.pop(name, None)
    await manager.switch_to(CertificatesSG.type)


async def types_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    reading = await cabinet_of(dialog_manager).certificate_types(locale=i18n.locale)
    return {
        "types": [(kind.id, title_of(kind, i18n.locale)) for kind in reading.value],
        "note": stale_note(reading, i18n, profile_of(dialog_manager).time_zone),
    }


async def on_type(_: CallbackQuery, __: Any, manager: DialogManager, type_id: str) -> None:
    kind = (await certificate_types(manager)).get(type_id)
    if kind is None:
        return  # not a type the cabinet offers: a forged button, nothing to do
    manager.dialog_data["type"] = kind.id
    manager.dialog_data.pop("from", None)
    manager.dialog_data.pop("to", None)
    await manager.switch_to(CertificatesSG.period if kind.needs_period else CertificatesSG.purpose)


# ----------------------------------------------------------------------------- period


async def period_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = await chosen_type(dialog_manager)
    return {
        "type": title_of(kind, i18n_of(dialog_manager).locale),
        "last_year": str(today_of(dialog_manager).year - 1),
    }


async def on_preset(_: CallbackQuery, button: Button, manager: DialogManager) -> None:
    today = today_of(manager)
    year = today.year - 1 if button.widget_id == "last_year" else today.year
    start = dt.date(year, 1, 1)
    manager.dialog_data["from"] = start.isoformat()
    manager.dialog_data["to"] = min(dt.date(year, 12, 31), today).isoformat()
    await manager.switch_to(CertificatesSG.purpose)


async def from_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"max_date": today_of(dialog_manager)}


async def to_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    start = _day(dialog_manager, "from")
    return {"min_date": start, "max_date": today_of(dialog_manager), "period_from": start}


async def on_from(event: ChatEvent, _: Any, manager: DialogManager, day: dt.date) -> None:
    """The period's first day, picked in the calendar or typed."""
    if day > today_of(manager):
        await refuse_day(event, manager, "certificates-date-in-future")
        return
    manager.dialog_data["from"] = day.isoformat()
    await manager.switch_to(CertificatesSG.custom_to)
    # The end date's calendar opens on the start date's month, not on today's.
    calendar = manager.find("to_day")
    if isinstance(calendar, ManagedCalendar):
        calendar.set_offset(day)


async def on_to(event: ChatEvent, _: Any, manager: DialogManager, day: dt.date) -> None:
    """The period's last day, picked in the calendar or typed."""
    if day > today_of(manager):
        await refuse_day(event, manager, "certificates-date-in-future")
        return
    if day < dt.date.fromisoformat(manager.dialog_data["from"]):
        await refuse_day(
            event, manager, "certificates-date-before-start", period_from=_day(manager, "from")
        )
        return
    manager.dialog_data["to"] = day.isoformat()
    await manager.switch_to(CertificatesSG.purpose)


async def on_not_a_date(message: Message, _: Any, manager: DialogManager, __: Any) -> None:
    await refuse_day(message, manager, "certificates-not-a-date")


# ----------------------------------------------------------------------------- purpose


async def purpose_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = await chosen_type(dialog_manager)
    locale = i18n_of(dialog_manager).locale
    return {
        "purposes": [(str(n), title_of(p, locale)) for n, p in enumerate(kind.purposes)],
        "max": PURPOSE_MAX,
    }


def purpose_text(text: str) -> str:
    purpose = " ".join(text.split())
    if not 0 < len(purpose) <= PURPOSE_MAX:
        raise ValueError(purpose)
    return purpose


async def _to_confirm(manager: DialogManager, purpose: str) -> None:
    manager.dialog_data["purpose"] = purpose
    # The order's key is made here: a confirm that fails keeps no changes to the dialog's data.
    fresh_keys(manager, "order")
    await manager.switch_to(CertificatesSG.confirm)


async def on_purpose(_: CallbackQuery, __: Any, manager: DialogManager, index: str) -> None:
    purposes = (await chosen_type(manager)).purposes
    if not index.isdigit() or int(index) >= len(purposes):
        return  # not a purpose of this type: a forged button, nothing to do
    await _to_confirm(manager, purposes[int(index)].title)


async def on_purpose_typed(_: Message, __: Any, manager: DialogManager, purpose: str) -> None:
    await _to_confirm(manager, purpose)


async def on_purpose_invalid(message: Message, _: Any, manager: DialogManager, __: Any) -> None:
    await refuse_day(message, manager, "certificates-purpose-invalid", max=PURPOSE_MAX)


async def on_purpose_back(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    needs_period = (await chosen_type(manager)).needs_period
    await manager.switch_to(CertificatesSG.period if needs_period else CertificatesSG.type)


# ----------------------------------------------------------------------------- confirm


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = await chosen_type(dialog_manager)
    locale = i18n_of(dialog_manager).locale
    return {
        "type": title_of(kind, locale),
        "purpose": shown_purpose(kind, dialog_manager.dialog_data["purpose"], locale),
        "period_from": _day(dialog_manager, "from"),
        "period_to": _day(dialog_manager, "to"),
    }


async def on_confirm(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    viewer = viewer_of(manager)
    data = manager.dialog_data
    request = CertificateOrderRequest(
        type=data["type"],
        period_from=data.get("from"),
        period_to=data.get("to"),
        purpose=data["purpose"],
    )
    try:
        order = await viewer.cabinet.order_certificate(
            viewer.customer_id,
            request,
            idempotency_key=key_of(manager, "order"),
            locale=viewer.locale,
        )
    except CabinetRejected as exc:
        if exc.code not in _BAD_PERIOD:
            raise
        await callback.answer(i18n_of(manager).get("certificates-period-rejected"), show_alert=True)
        await manager.switch_to(CertificatesSG.period)
        return
    data["ordered"] = {"number": order.number, "expected_on": order.expected_on.isoformat()}
    await manager.switch_to(CertificatesSG.done)


async def done_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    ordered: dict[str, str] = dialog_manager.dialog_data["ordered"]
    expected_on = dt.date.fromisoformat(ordered["expected_on"])
    return {
        "number": number_for(dialog_manager, ordered["number"]),
        "expected_on": expected_on,
        "days": working_days(today_of(dialog_manager), expected_on),
    }


# ----------------------------------------------------------------------------- windows


def _day_input(on_success: Any) -> TextInput[dt.date]:
    return TextInput(
        id="typed_day", type_factory=parse_date, on_success=on_success, on_error=on_not_a_date
    )


def order_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            Format("{note}", when="note"),
            T("certificates-choose-type"),
            Column(choices("type", "types", on_type)),
            SwitchTo(T("button-back"), id="back", state=CertificatesSG.menu),
            state=CertificatesSG.type,
            getter=types_getter,
        ),
        Screen(
            T("certificates-choose-period"),
            Button(T("certificates-period-last-year"), id="last_year", on_click=on_preset),
            Button(T("certificates-period-this-year"), id="this_year", on_click=on_preset),
            SwitchTo(
                T("certificates-period-custom"), id="custom", state=CertificatesSG.custom_from
            ),
            SwitchTo(T("button-back"), id="back", state=CertificatesSG.type),
            state=CertificatesSG.period,
            getter=period_getter,
        ),
        Screen(
            T("certificates-choose-from"),
            PeriodCalendar(id="from_day", on_click=on_from),
            _day_input(on_from),
            SwitchTo(T("button-back"), id="back", state=CertificatesSG.period),
            state=CertificatesSG.custom_from,
            getter=from_getter,
        ),
        Screen(
            T("certificates-choose-to"),
            PeriodCalendar(id="to_day", on_click=on_to),
            _day_input(on_to),
            SwitchTo(T("button-back"), id="back", state=CertificatesSG.custom_from),
            state=CertificatesSG.custom_to,
            getter=to_getter,
        ),
        Screen(
            T("certificates-choose-purpose"),
            Column(choices("purpose", "purposes", on_purpose)),
            TextInput(
                id="typed_purpose",
                type_factory=purpose_text,
                on_success=on_purpose_typed,
                on_error=on_purpose_invalid,
            ),
            Button(T("button-back"), id="back", on_click=on_purpose_back),
            state=CertificatesSG.purpose,
            getter=purpose_getter,
        ),
        Screen(
            T("certificates-confirm"),
            T("certificate-period", when="period_from"),
            T("certificate-purpose"),
            Button(T("certificates-confirm-button"), id="confirm", on_click=on_confirm),
            SwitchTo(T("button-back"), id="back", state=CertificatesSG.purpose),
            state=CertificatesSG.confirm,
            getter=confirm_getter,
        ),
        Screen(
            T("certificates-done"),
            SwitchTo(T("certificates-orders"), id="to_orders", state=CertificatesSG.orders),
            back_to_menu(),
            state=CertificatesSG.done,
            getter=done_getter,
        ),
    )
