"""The claim type's fields, one step each, then the circumstances in the person's words.

A field is answered the way its kind asks: a date from the calendar (or «Сегодня»,
«Вчера», or typed), a choice or a yes/no with buttons, an amount or a text typed. What is
typed is read and checked by `claim_form` before the cabinet sees it; an optional field can
be skipped. A file sent during these steps is kept for the documents step, not dropped.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import ChatEvent, DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Row

from bot.flows.certificates_calendar import PeriodCalendar, refuse_day
from bot.flows.claim_form import (
    CIRCUMSTANCES_LIMIT,
    Invalid,
    checked_day,
    hint_of,
    option_of,
    parse,
    parse_text,
    shown,
    title_of,
)
from bot.flows.claims_input import Refusal, incoming_of
from bot.flows.field_widgets import Answers, answer_widgets
from bot.flows.filing_state import kind_of, period_of, save, steps_of, values_of
from bot.flows.screen import Screen
from bot.flows.states import FilingSG
from bot.flows.widgets import T, i18n_of, say
from bot.privacy import is_strict
from cabinet.models import ClaimDraft, ClaimDraftUpdate, ClaimField, FieldKind, FieldValue

# ----------------------------------------------------------------------------- moving on


async def begin(manager: DialogManager) -> None:
    """A draft was just made: the first question (strict mode: the one-time web form)."""
    if is_strict(manager):
        await manager.switch_to(FilingSG.web_form)
        return
    kind = await kind_of(manager)
    await _to_field(manager, 0) if kind.fields else await manager.switch_to(FilingSG.circumstances)


async def resume_step(manager: DialogManager, draft: ClaimDraft) -> None:
    """Where a resumed draft left off: the first unanswered question, else the review."""
    if is_strict(manager):
        await manager.switch_to(FilingSG.web_form)
        return
    kind = await kind_of(manager)
    for index, field in enumerate(kind.fields):
        if field.required and field.id not in draft.fields:
            await _to_field(manager, index)
            return
    if not draft.circumstances:
        await manager.switch_to(FilingSG.circumstances)
    elif kind.documents and not draft.documents:
        manager.dialog_data["doc"] = 0
        await manager.switch_to(FilingSG.documents)
    else:
        await manager.switch_to(FilingSG.review)


async def _to_field(manager: DialogManager, index: int) -> None:
    manager.dialog_data["field"] = index
    await manager.switch_to(FilingSG.field)


async def _after_field(manager: DialogManager) -> None:
    if manager.dialog_data.get("review"):
        await manager.switch_to(FilingSG.review)
        return
    kind = await kind_of(manager)
    following = manager.dialog_data.get("field", 0) + 1
    if following < len(kind.fields):
        await _to_field(manager, following)
    else:
        await manager.switch_to(FilingSG.circumstances)


async def _answer(manager: DialogManager, field: ClaimField, value: FieldValue | None) -> None:
    """Keep the answer (None: skipped), save it to the cabinet, go on."""
    values = values_of(manager)
    if value is None:
        values.pop(field.id, None)
    else:
        values[field.id] = value
    saved = await save(manager, ClaimDraftUpdate(fields={field.id: value}))
    if not saved:
        await say(manager, "filing-kept-offline")
    await _after_field(manager)


async def on_back_from_field(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    if manager.dialog_data.get("review"):
        await manager.switch_to(FilingSG.review)
        return
    index = manager.dialog_data.get("field", 0)
    if index > 0:
        await _to_field(manager, index - 1)
    else:
        await manager.switch_to(FilingSG.kind)


# ----------------------------------------------------------------------------- a field


async def _field(manager: DialogManager) -> ClaimField:
    kind = await kind_of(manager)
    index = min(int(manager.dialog_data.get("field", 0)), len(kind.fields) - 1)
    return kind.fields[index]


async def field_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = await kind_of(dialog_manager)
    field = await _field(dialog_manager)
    period = await period_of(dialog_manager)
    locale = i18n_of(dialog_manager).locale
    value = values_of(dialog_manager).get(field.id)
    current = ""
    if value is not None:
        key, variables = shown(field, value, locale)
        current = i18n_of(dialog_manager).get(key, **variables)
    return {
        "step": dialog_manager.dialog_data.get("field", 0) + 1,
        "steps": steps_of(kind),
        "title": title_of(field, locale),
        "hint": hint_of(field, locale),
        "current": current,
        "kind": field.kind.value,
        "optional": not field.required,
        "max_length": field.max_length,
        "options": [(option.id, title_of(option, locale)) for option in field.options],
        "min_date": period.starts_on,
        "max_date": period.last,
        "recent": period.starts_on <= period.today - dt.timedelta(days=1),
    }


async def on_day(event: ChatEvent, _: Any, manager: DialogManager, day: dt.date) -> None:
    field = await _field(manager)
    try:
        checked_day(day, await period_of(manager))
    except Invalid as invalid:
        await refuse_day(event, manager, invalid.key, **invalid.variables)
        return
    await _answer(manager, field, day.isoformat())


async def on_quick_day(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    today = (await period_of(manager)).today
    day = today if button.widget_id == "today" else today - dt.timedelta(days=1)
    await on_day(callback, button, manager, day)


async def on_option(_: CallbackQuery, __: Any, manager: DialogManager, option_id: str) -> None:
    field = await _field(manager)
    if field.kind is not FieldKind.CHOICE or option_of(field, option_id) is None:
        return  # not an option of this field: a forged or an old button
    await _answer(manager, field, option_id)


async def on_yes_no(_: CallbackQuery, button: Button, manager: DialogManager) -> None:
    field = await _field(manager)
    if field.kind is FieldKind.YES_NO:
        await _answer(manager, field, button.widget_id == "yes")


async def on_skip(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    field = await _field(manager)
    if not field.required:
        await _answer(manager, field, None)


async def on_keep(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await _after_field(manager)


async def on_typed(message: Message, _: MessageInput, manager: DialogManager) -> None:
    field = await _field(manager)
    try:
        value = parse(field, message.text or "", await period_of(manager), i18n_of(manager).locale)
    except Invalid as invalid:
        await refuse_day(message, manager, invalid.key, **invalid.variables)
        return
    await _answer(manager, field, value)


async def on_held_file(message: Message, _: MessageInput, manager: DialogManager) -> None:
    """A file before the documents step: kept (nothing downloaded) and attached there."""
    try:
        incoming = incoming_of(message)
    except Refusal:
        await say(manager, "filing-not-an-answer")
        return
    held: list[dict[str, Any]] = manager.dialog_data.setdefault("held", [])
    held.append(dataclasses.asdict(incoming) | {"photo": bool(message.photo)})
    await say(manager, "filing-file-held", count=len(held))


# ----------------------------------------------------------------------------- circumstances


async def circumstances_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = await kind_of(dialog_manager)
    return {
        "step": len(kind.fields) + 1,
        "steps": steps_of(kind),
        "limit": CIRCUMSTANCES_LIMIT,
        "current": dialog_manager.dialog_data.get("circumstances") or "",
    }


async def _after_circumstances(manager: DialogManager) -> None:
    kind = await kind_of(manager)
    if manager.dialog_data.get("review") or not kind.documents:
        await manager.switch_to(FilingSG.review)
        return
    manager.dialog_data["doc"] = 0
    await manager.switch_to(FilingSG.documents)


async def on_circumstances(message: Message, _: MessageInput, manager: DialogManager) -> None:
    try:
        text = parse_text(message.text or "", CIRCUMSTANCES_LIMIT)
    except Invalid as invalid:
        await say(manager, invalid.key, **invalid.variables)
        return
    manager.dialog_data["circumstances"] = text
    if not await save(manager, ClaimDraftUpdate(circumstances=text)):
        await say(manager, "filing-kept-offline")
    await _after_circumstances(manager)


async def on_circumstances_kept(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await _after_circumstances(manager)


async def on_back_from_circumstances(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    if manager.dialog_data.get("review"):
        await manager.switch_to(FilingSG.review)
        return
    kind = await kind_of(manager)
    if kind.fields:
        await _to_field(manager, len(kind.fields) - 1)
    else:
        await manager.switch_to(FilingSG.kind)


# ----------------------------------------------------------------------------- windows

_DATE = F["kind"] == FieldKind.DATE.value
_TEXT_KINDS = (ContentType.TEXT,)


def step_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            T("filing-field"),
            T("filing-field-hint", when="hint"),
            T("filing-field-current", when="current"),
            T("filing-field-type-date", when=_DATE),
            T("filing-field-type-amount", when=F["kind"] == FieldKind.AMOUNT.value),
            T("filing-field-type-text", when=F["kind"] == FieldKind.TEXT.value),
            PeriodCalendar(id="day", on_click=on_day, when=_DATE),
            Row(
                Button(T("filing-today"), id="today", on_click=on_quick_day),
                Button(T("filing-yesterday"), id="yesterday", on_click=on_quick_day, when="recent"),
                when=_DATE,
            ),
            *answer_widgets(Answers(on_option, on_yes_no, on_skip, on_keep, on_typed)),
            MessageInput(on_held_file),
            Button(T("button-back"), id="back", on_click=on_back_from_field),
            state=FilingSG.field,
            getter=field_getter,
        ),
        Screen(
            T("filing-circumstances"),
            T("filing-circumstances-current", when="current"),
            Button(T("filing-keep"), id="keep", on_click=on_circumstances_kept, when="current"),
            MessageInput(on_circumstances, content_types=_TEXT_KINDS),
            MessageInput(on_held_file),
            Button(T("button-back"), id="back", on_click=on_back_from_circumstances),
            state=FilingSG.circumstances,
            getter=circumstances_getter,
        ),
    )
