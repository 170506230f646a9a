"""«Мои данные» in Настройки (152-ФЗ ст. 14, 21): what the bot itself keeps about the person,
and two requests to the insurer — a copy of their data, or its correction — each answered with
its number and the date the insurer answers by (the cabinet computes it: 10 working days).

What is listed comes from `storage/kept.py`. Strict privacy: no name in the chat (counts and
dates only), and a correction's text is not shown back. A correction's text stays in the
dialog's data until it is sent and is not kept after that. The idempotency key is made by the
handler that leads into the sending step (`bot/flows/keys.py`): sending again after an outage
registers one request.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Row, SwitchTo
from aiogram_dialog.widgets.text import Multi
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.access import cabinet_of, customer_of
from bot.flows.deps import deps
from bot.flows.keys import fresh_keys, key_of
from bot.flows.preferences import quiet_label, zone_label
from bot.flows.screen import Screen
from bot.flows.states import SettingsSG
from bot.flows.widgets import T, back_to_menu, i18n_of, profile_of, say
from bot.privacy import is_strict
from cabinet.models import CORRECTION_LIMIT, Channel, DataRequestKind, DataRequestRequest
from notify.alerts import CATEGORIES
from storage.accounts import account_of
from storage.kept import kept_about
from storage.repositories import UserRepository

STEP = "data_request"


def _day(moment: dt.datetime, time_zone: str) -> dt.date:
    return moment.astimezone(ZoneInfo(time_zone)).date()


async def my_data_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session: AsyncSession = deps(dialog_manager).session
    profile = profile_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    user = await UserRepository(session).get_or_create(
        profile.user_id, locale=profile.locale, time_zone=profile.time_zone
    )
    kept = await kept_about(session, user)
    zone = user.time_zone
    off = [i18n.get(f"alerts-category-{name}") for name in CATEGORIES if name in user.alerts_off]
    data: dict[str, Any] = {
        "linked": kept.link is not None,
        "unlinked": kept.link is None,
        "named": kept.link is not None and not is_strict(dialog_manager),
        "consented": kept.consent is not None,
        "marketing": kept.marketing is not None,
        "no_marketing": kept.marketing is None,
        "language": i18n.get("language-name"),
        "zone": zone_label(i18n, zone),
        "alerts_off": ", ".join(off) if off else i18n.get("my-data-alerts-all-on"),
        "quiet": quiet_label(i18n, user.quiet_from, user.quiet_to),
        "queued": kept.queued,
        "sent": kept.sent,
        "questions": kept.questions,
        "reviews": kept.reviews,
        "renewals": kept.renewals,
        "contact_changes": kept.contact_changes,
        "audit": kept.audit,
    }
    if kept.link is not None:
        data["linked_on"] = _day(kept.link.linked_at, zone)
        data["name"] = kept.link.display_name
    if kept.consent is not None:
        data["consent_version"] = kept.consent.version
        data["consent_on"] = _day(kept.consent.accepted_at, zone)
    if kept.marketing is not None:
        data["marketing_version"] = kept.marketing.version
        data["marketing_on"] = _day(kept.marketing.given_at, zone)
    return data


# ------------------------------------------------------------------------------ the requests


async def on_copy(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    fresh_keys(manager, STEP)
    await manager.switch_to(SettingsSG.copy)


async def on_send_copy(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await _send(manager, DataRequestRequest(kind=DataRequestKind.COPY, channel=channel_of(manager)))


async def on_correction_text(message: Message, _: MessageInput, manager: DialogManager) -> None:
    text = (message.text or "").strip()
    if not text:
        await say(manager, "my-data-correction-text-needed")
    elif len(text) > CORRECTION_LIMIT:
        await say(manager, "my-data-correction-too-long", limit=CORRECTION_LIMIT, length=len(text))
    else:
        manager.dialog_data["correction"] = text
        fresh_keys(manager, STEP)
        await manager.switch_to(SettingsSG.correction_confirm)


async def on_send_correction(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    text = manager.dialog_data["correction"]
    request = DataRequestRequest(
        kind=DataRequestKind.CORRECTION, description=text, channel=channel_of(manager)
    )
    await _send(manager, request)


def channel_of(manager: DialogManager) -> Channel:
    """The messenger the person asks from (the cabinet records where a request came from)."""
    return Channel(account_of(profile_of(manager).user_id).channel.value)


async def _send(manager: DialogManager, request: DataRequestRequest) -> None:
    receipt = await cabinet_of(manager).request_data(
        customer_of(manager),
        request,
        idempotency_key=key_of(manager, STEP),
        locale=profile_of(manager).locale,
    )
    manager.dialog_data.pop("correction", None)  # the insurer's now: not kept any longer
    manager.dialog_data["requested"] = {
        "kind": receipt.kind.value,
        "number": receipt.number,
        "due": receipt.due_on.isoformat(),
    }
    await manager.switch_to(SettingsSG.requested)


async def correction_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    text = dialog_manager.dialog_data.get("correction", "")
    strict = is_strict(dialog_manager)
    return {
        "limit": CORRECTION_LIMIT,
        "text": text,
        "length": len(text),
        "shown": not strict,
        "hidden": strict,
    }


async def requested_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    requested = dialog_manager.dialog_data["requested"]
    return {
        "number": requested["number"],
        "due": dt.date.fromisoformat(requested["due"]),
        "copy": requested["kind"] == DataRequestKind.COPY.value,
        "correction": requested["kind"] == DataRequestKind.CORRECTION.value,
    }


def _back(state: Any) -> SwitchTo:
    return SwitchTo(T("button-back"), id="back", state=state)


def my_data_windows() -> list[Screen]:
    return [
        Screen(
            Multi(
                Multi(
                    T("my-data-title"),
                    T("my-data-linked-as", when="named"),
                    T("my-data-linked", when=F["linked"] & ~F["named"]),
                    T("my-data-unlinked", when="unlinked"),
                    T("my-data-consent", when="consented"),
                    T("my-data-marketing", when="marketing"),
                    T("my-data-no-marketing", when="no_marketing"),
                    T("my-data-settings"),
                    T("my-data-records"),
                ),
                T("my-data-insurer", when="linked"),
                T("my-data-footer"),
                sep="\n\n",
            ),
            Button(T("my-data-copy"), id="copy", on_click=on_copy, when="linked"),
            SwitchTo(
                T("my-data-correct"), id="correct", state=SettingsSG.correction, when="linked"
            ),
            _back(SettingsSG.main),
            state=SettingsSG.my_data,
            getter=my_data_getter,
        ),
        Screen(
            T("my-data-copy-confirm"),
            Button(T("my-data-send"), id="send", on_click=on_send_copy),
            _back(SettingsSG.my_data),
            state=SettingsSG.copy,
        ),
        Screen(
            Multi(
                T("my-data-correction-ask"),
                T("my-data-correction-ask-strict", when="hidden"),
                sep="\n\n",
            ),
            MessageInput(on_correction_text),
            _back(SettingsSG.my_data),
            state=SettingsSG.correction,
            getter=correction_getter,
        ),
        Screen(
            T("my-data-correction-confirm", when="shown"),
            T("my-data-correction-confirm-strict", when="hidden"),
            MessageInput(on_correction_text),  # another text replaces it
            Button(T("my-data-send"), id="send", on_click=on_send_correction),
            _back(SettingsSG.correction),
            state=SettingsSG.correction_confirm,
            getter=correction_getter,
        ),
        Screen(
            Multi(
                T("my-data-requested-copy", when="copy"),
                T("my-data-requested-correction", when="correction"),
                T("my-data-requested-due"),
                sep="\n\n",
            ),
            Row(SwitchTo(T("my-data-back"), id="mine", state=SettingsSG.my_data), back_to_menu()),
            state=SettingsSG.requested,
            getter=requested_getter,
        ),
    ]
