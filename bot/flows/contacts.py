"""«📇 Контактные данные» (in Настройки, linked chats): the phone and the e-mail the insurer
reaches the person at, and changing either with a code the cabinet sends to the new one.

Full mode, in the chat: «Изменить e-mail» → the new address, read here first
(`contact_values`) → the cabinet sends a code there → the code (3 attempts; a wrong one says
how many are left, the third cancels the change; an expired one offers «Отправить код ещё
раз») → «E-mail изменён» on the contacts screen. What was typed stays in the dialog's data:
a wrong code, an expired one or the cabinet being down never makes the person type the
address again.

Strict mode: nothing personal passes through the chat either way — the screen shows both
masked, and a change happens on a one-time web page (`bot/contacts_web.py`, `/c/{token}`),
which reports the result back here.

Each screen answers a typed message with one message: the step again, with what went wrong
on top. Starting a change is keyed per (press of «Изменить», value): sending the same address
again after an outage sends no second code; «Отправить код ещё раз» is a new change.

Every change started here is remembered for this chat (`ContactChange`): the cabinet's
`contacts.changed` for it then warns the customer's other chats, not this one, which says
«E-mail изменён» itself (see `notify/alerts.py`).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Row, SwitchTo, Url
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.access import cabinet_of, customer_of
from bot.flows.claim_form import Invalid
from bot.flows.contact_values import parse_code, parse_contact, shown
from bot.flows.deps import deps
from bot.flows.documents import form_url
from bot.flows.keys import fresh_keys, key_of
from bot.flows.readings import stale_note
from bot.flows.screen import Screen, answer_free_text
from bot.flows.states import ContactsSG
from bot.flows.widgets import T, back_to_menu, i18n_of, profile_of
from bot.privacy import is_strict
from cabinet import CabinetRejected, CabinetUnavailable
from cabinet.models import Contact, ContactChange, ContactChangeRequest, ContactKind
from documents import CONTACTS_FORM, FORM_TTL
from storage.repositories import ContactChangeRepository

#: Why the cabinet refused a new value, as the person is told.
_REFUSED_VALUE = {"validation_failed": "rejected", "contact_unchanged": "unchanged"}


def kind_of(manager: DialogManager) -> ContactKind:
    return ContactKind(manager.dialog_data.get("kind", ContactKind.EMAIL))


def _shown(manager: DialogManager, kind: ContactKind, value: str) -> str:
    return shown(kind, value, strict=is_strict(manager))


def _line(manager: DialogManager, key: str, **variables: Any) -> None:
    """What the next screen says on top: what happened to the last input."""
    manager.dialog_data["line"] = {"key": key, **variables}


def _take_line(manager: DialogManager) -> str:
    """The line, once: the screen after it is drawn without it."""
    line = manager.dialog_data.pop("line", None)
    if not line:
        return ""
    key, variables = line["key"], {k: v for k, v in line.items() if k != "key"}
    return i18n_of(manager).get(key, **variables)


# ----------------------------------------------------------------------------- the contacts


def _contact_text(manager: DialogManager, kind: ContactKind, contact: Contact | None) -> str:
    i18n = i18n_of(manager)
    if contact is None:
        return i18n.get("contacts-none")
    value = _shown(manager, kind, contact.value)
    return value if contact.confirmed else i18n.get("contacts-unconfirmed", value=value)


async def page_url(manager: DialogManager, kind: ContactKind) -> str:
    """A one-time link to the change's web page (strict mode)."""
    return await form_url(manager, CONTACTS_FORM, kind=kind.value)


async def contacts_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    manager = dialog_manager
    i18n = i18n_of(manager)
    reading = await cabinet_of(manager).contacts(customer_of(manager), locale=i18n.locale)
    strict = is_strict(manager)
    return {
        "note": stale_note(reading, i18n, profile_of(manager).time_zone),
        "line": _take_line(manager),
        "phone": _contact_text(manager, ContactKind.PHONE, reading.value.phone),
        "email": _contact_text(manager, ContactKind.EMAIL, reading.value.email),
        "strict": strict,
        "full": not strict,
        "email_url": await page_url(manager, ContactKind.EMAIL) if strict else "",
        "phone_url": await page_url(manager, ContactKind.PHONE) if strict else "",
        "minutes": FORM_TTL // 60,
    }


async def on_change(_: CallbackQuery, button: Button, manager: DialogManager) -> None:
    """«Изменить e-mail» / «Изменить телефон»: a new change, nothing of an earlier one."""
    for name in ("value", "change", "line"):
        manager.dialog_data.pop(name, None)
    manager.dialog_data["kind"] = ContactKind(button.widget_id or "email").value
    fresh_keys(manager, "start")  # the key of this change, whatever the value (see `_key`)
    await manager.switch_to(ContactsSG.value)


async def on_main_message(message: Message, _: MessageInput, manager: DialogManager) -> None:
    """Strict mode: a contact typed here is not taken — the page is for that."""
    if is_strict(manager):
        _line(manager, "contacts-web-use-page")
        return
    await answer_free_text(message, manager)


# ----------------------------------------------------------------------------- the new value


async def value_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = kind_of(dialog_manager)
    value = dialog_manager.dialog_data.get("value")
    return {
        "line": _take_line(dialog_manager),
        "phone": kind is ContactKind.PHONE,
        "email": kind is ContactKind.EMAIL,
        "typed": _shown(dialog_manager, kind, value) if value else "",
    }


def _key(manager: DialogManager, step: str, value: str) -> uuid.UUID:
    """One change per press and value: the same address sent again (after an outage) is the
    same request; another address is a request of its own."""
    return uuid.uuid5(key_of(manager, step), value)


async def _start(manager: DialogManager, key: uuid.UUID) -> ContactChange | None:
    """Ask the cabinet to send a code to the value typed; None when it did not (the reason is
    the next screen's first line)."""
    kind, value = kind_of(manager), manager.dialog_data["value"]
    request = ContactChangeRequest(kind=kind, value=value)
    try:
        change = await cabinet_of(manager).start_contact_change(
            customer_of(manager), request, idempotency_key=key, locale=i18n_of(manager).locale
        )
    except CabinetRejected as exc:
        reason = _REFUSED_VALUE.get(exc.code or "")
        if reason is None:
            raise
        manager.dialog_data.pop("value", None)
        _line(manager, f"contacts-{reason}-{kind.value}")
        return None
    except CabinetUnavailable:
        _line(manager, "contacts-unavailable")  # the value is kept: «Отправить код» again
        return None
    await _remember(manager, change)
    return change


async def _remember(manager: DialogManager, change: ContactChange) -> None:
    """This chat started the change, before its code can confirm it: the cabinet's
    `contacts.changed` for it will not warn this chat again."""
    session: AsyncSession = deps(manager).session
    await ContactChangeRepository(session).started(
        change_id=change.change_id,
        user_id=profile_of(manager).user_id,
        customer_id=customer_of(manager),
        kind=change.kind.value,
    )
    await session.commit()


def _waiting(manager: DialogManager, change: ContactChange) -> None:
    manager.dialog_data["change"] = {
        "id": change.change_id,
        "value": change.value,
        "expires_at": change.expires_at.isoformat(),
        "attempts_left": change.attempts_left,
    }
    fresh_keys(manager, "resend")  # made here, before the step that uses it


async def on_value(message: Message, _: MessageInput, manager: DialogManager) -> None:
    manager.dialog_data.pop("line", None)
    try:
        value = parse_contact(kind_of(manager), message.text or "")
    except Invalid as invalid:
        _line(manager, invalid.key)
        return
    manager.dialog_data["value"] = value
    await _send_code(manager)


async def _send_code(manager: DialogManager) -> None:
    change = await _start(manager, _key(manager, "start", manager.dialog_data["value"]))
    if change is None:
        return
    _waiting(manager, change)
    await manager.switch_to(ContactsSG.code)


async def on_send_again(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """The value typed before the cabinet went down, sent again (the same key)."""
    manager.dialog_data.pop("line", None)
    if "value" in manager.dialog_data:
        await _send_code(manager)


# ----------------------------------------------------------------------------- the code


def _until(manager: DialogManager, change: dict[str, Any]) -> dt.datetime:
    expires_at = dt.datetime.fromisoformat(change["expires_at"])
    return expires_at.astimezone(ZoneInfo(profile_of(manager).time_zone))


async def code_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    manager = dialog_manager
    change: dict[str, Any] = manager.dialog_data["change"]
    kind = kind_of(manager)
    return {
        "line": _take_line(manager),
        "phone": kind is ContactKind.PHONE,
        "email": kind is ContactKind.EMAIL,
        "value": _shown(manager, kind, change["value"]),
        "until": _until(manager, change),
        "left": change["attempts_left"],
    }


async def on_code(message: Message, _: MessageInput, manager: DialogManager) -> None:
    manager.dialog_data.pop("line", None)
    try:
        code = parse_code(message.text or "")
    except Invalid as invalid:
        _line(manager, invalid.key)
        return
    change: dict[str, Any] = manager.dialog_data["change"]
    kind = kind_of(manager)
    try:
        await cabinet_of(manager).confirm_contact_change(
            customer_of(manager), change["id"], code, locale=i18n_of(manager).locale
        )
    except CabinetRejected as exc:
        if exc.code == "wrong_code" and exc.attempts_left:
            change["attempts_left"] = exc.attempts_left
            _line(manager, "contacts-wrong-code", left=exc.attempts_left)
        elif exc.code == "too_many_attempts":
            _finish(manager, f"contacts-too-many-{kind.value}")
            await manager.switch_to(ContactsSG.main)
        elif exc.code == "code_expired":
            _line(manager, "contacts-code-expired")
        else:
            raise
        return
    except CabinetUnavailable:
        _line(manager, "contacts-unavailable-code")  # the code may be typed again
        return
    _finish(manager, f"contacts-changed-{kind.value}")
    await manager.switch_to(ContactsSG.main)


def _finish(manager: DialogManager, key: str) -> None:
    for name in ("value", "change", "keys"):
        manager.dialog_data.pop(name, None)
    _line(manager, key)


async def on_resend(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """«Отправить код ещё раз»: a new change for the same value; the old code stops working."""
    manager.dialog_data.pop("line", None)
    change = await _start(manager, key_of(manager, "resend"))
    if change is None:
        if "value" not in manager.dialog_data:  # refused now: type the value again
            await manager.switch_to(ContactsSG.value)
        return
    _waiting(manager, change)
    _line(manager, "contacts-code-resent")


async def on_cancel(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    _finish(manager, "contacts-change-cancelled")
    await manager.switch_to(ContactsSG.main)


# ----------------------------------------------------------------------------- the dialog


def contacts_dialog() -> Dialog:
    return Dialog(
        Screen(
            Format("{note}", when="note"),
            Format("{line}\n", when="line"),
            T("contacts-title"),
            T("contacts-phone"),
            T("contacts-email"),
            T("contacts-web-note", when="strict"),
            Row(
                Button(T("contacts-change-email"), id="email", on_click=on_change, when="full"),
                Button(T("contacts-change-phone"), id="phone", on_click=on_change, when="full"),
            ),
            Row(
                Url(
                    T("contacts-change-email"), Format("{email_url}"), id="web_email", when="strict"
                ),
                Url(
                    T("contacts-change-phone"), Format("{phone_url}"), id="web_phone", when="strict"
                ),
            ),
            SwitchTo(T("contacts-refresh"), id="refresh", state=ContactsSG.main, when="strict"),
            MessageInput(on_main_message),
            back_to_menu(),
            state=ContactsSG.main,
            getter=contacts_getter,
        ),
        Screen(
            Format("{line}\n", when="line"),
            T("contacts-ask-email", when="email"),
            T("contacts-ask-phone", when="phone"),
            Button(T("contacts-send-again"), id="again", on_click=on_send_again, when="typed"),
            MessageInput(on_value, content_types=[ContentType.TEXT]),
            SwitchTo(T("button-back"), id="back", state=ContactsSG.main),
            state=ContactsSG.value,
            getter=value_getter,
        ),
        Screen(
            Format("{line}\n", when="line"),
            T("contacts-code-sent-email", when="email"),
            T("contacts-code-sent-phone", when="phone"),
            Button(T("contacts-resend"), id="resend", on_click=on_resend),
            SwitchTo(
                T("contacts-other-email"), id="other_email", state=ContactsSG.value, when="email"
            ),
            SwitchTo(
                T("contacts-other-phone"), id="other_phone", state=ContactsSG.value, when="phone"
            ),
            Button(T("contacts-cancel"), id="cancel", on_click=on_cancel),
            MessageInput(on_code, content_types=[ContentType.TEXT]),
            state=ContactsSG.code,
            getter=code_getter,
        ),
    )
