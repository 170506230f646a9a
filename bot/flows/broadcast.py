"""/broadcast's composer (ADMIN_IDS only, private chats): the dialog's windows.

compose (formatted text, or a photo/document with a caption: the admin's formatting is kept
as HTML) → an optional URL button ("text | https://…") → audience (all linked users, holders
of a product type, a language) → category (service, or marketing: opted-in users only) → the
preview, sent to the admin by the delivery engine's own sender, so it is exactly what a
recipient gets → confirm with the recipient count → the progress message
(`bot/broadcast_board.py`, the process's board). The command and the progress buttons are
`bot/handlers/broadcast.py`.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot, F, Router
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, SwitchTo
from sqlalchemy.ext.asyncio import AsyncSession

from bot.filters import IsAdmin
from bot.flows.deps import deps
from bot.flows.screen import Screen
from bot.flows.states import BroadcastSG
from bot.flows.widgets import T, choices, i18n_of
from notify.broadcasts import (
    CAPTION_LIMIT,
    LOCALES,
    PRODUCTS,
    Audience,
    AudienceError,
    build_payload,
    check_payload,
    create_broadcast,
    recipients,
    url_problem,
)
from notify.outbox import Claimed
from notify.payload import Payload
from notify.ports import SENT
from notify.ports.telegram import TelegramPort


async def on_compose(message: Message, _: MessageInput, manager: DialogManager) -> None:
    i18n = i18n_of(manager)
    photo = message.photo[-1].file_id if message.photo else None
    document = message.document.file_id if message.document else None
    text = message.html_text if (message.text or message.caption) else ""
    if message.text is None and photo is None and document is None:
        await message.answer(i18n.get("broadcast-compose-wrong"))
        return
    if message.text is not None and message.text.startswith("/"):
        await message.answer(i18n.get("broadcast-compose-command"))
        return
    if (photo or document) and len(message.caption or "") > CAPTION_LIMIT:
        await message.answer(i18n.get("broadcast-caption-too-long", limit=CAPTION_LIMIT))
        return
    manager.dialog_data.update(text=text, photo=photo, document=document)
    await manager.switch_to(BroadcastSG.button)


async def on_button(message: Message, _: MessageInput, manager: DialogManager) -> None:
    label, _sep, url = (message.text or "").rpartition("|")
    label, url = label.strip(), url.strip()
    if not label or len(label) > 64 or url_problem(url):
        await message.answer(i18n_of(manager).get("broadcast-button-wrong"))
        return
    manager.dialog_data["button"] = [label, url]
    await manager.switch_to(BroadcastSG.audience)


async def on_no_button(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data["button"] = None
    await manager.switch_to(BroadcastSG.audience)


async def on_audience(_: CallbackQuery, __: Any, manager: DialogManager, kind: str) -> None:
    if kind == "all":
        manager.dialog_data["audience"] = {"kind": "all", "value": None}
        await manager.switch_to(BroadcastSG.category)
    elif kind == "product":
        await manager.switch_to(BroadcastSG.product)
    elif kind == "locale":
        await manager.switch_to(BroadcastSG.locale)


async def on_product(_: CallbackQuery, __: Any, manager: DialogManager, product: str) -> None:
    if product in PRODUCTS:
        manager.dialog_data["audience"] = {"kind": "product", "value": product}
        await manager.switch_to(BroadcastSG.category)


async def on_locale(_: CallbackQuery, __: Any, manager: DialogManager, locale: str) -> None:
    if locale in LOCALES:
        manager.dialog_data["audience"] = {"kind": "locale", "value": locale}
        await manager.switch_to(BroadcastSG.category)


def _payload(manager: DialogManager) -> Payload:
    data = manager.dialog_data
    button = data.get("button")
    return build_payload(
        data["text"],
        button=(button[0], button[1]) if button else None,
        photo=data.get("photo"),
        document=data.get("document"),
    )


def _audience(manager: DialogManager) -> Audience:
    audience = manager.dialog_data["audience"]
    return Audience(audience["kind"], audience.get("value"))


async def on_category(callback: CallbackQuery, __: Any, manager: DialogManager, cat: str) -> None:
    if cat not in ("service", "marketing"):
        return
    i18n = i18n_of(manager)
    payload = _payload(manager)
    try:
        check_payload(payload)
    except AudienceError as exc:
        await callback.answer(i18n.get("broadcast-invalid", reason=str(exc)), show_alert=True)
        await manager.switch_to(BroadcastSG.compose, show_mode=ShowMode.SEND)
        return
    session: AsyncSession = deps(manager).session
    found = await recipients(
        session, _audience(manager), cat, policies=deps(manager).cabinet_or_none
    )
    bot: Bot = deps(manager).bot
    admin = callback.from_user.id
    preview = Claimed(0, admin, "broadcast", {**payload, "paid": False}, 0, None, None)
    outcome = await TelegramPort(bot).send(preview)
    if outcome.result != SENT:
        await callback.answer(i18n.get("broadcast-invalid", reason=outcome.reason), show_alert=True)
        await manager.switch_to(BroadcastSG.compose, show_mode=ShowMode.SEND)
        return
    manager.dialog_data.update(category=cat, count=len(found.chat_ids), unknown=found.unknown)
    await manager.switch_to(BroadcastSG.confirm, show_mode=ShowMode.SEND)


async def on_close(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    await manager.done()
    if isinstance(callback.message, Message):
        await callback.message.answer(i18n_of(manager).get("broadcast-closed"))


# ------------------------------------------------------------------------------ the windows


async def audiences_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    kinds = ("all", "product", "locale")
    return {"audiences": [(kind, i18n.get(f"broadcast-audience-{kind}")) for kind in kinds]}


async def products_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    return {"products": [(product, i18n.get(f"product-{product}")) for product in PRODUCTS]}


async def locales_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    return {"locales": [(locale, i18n.get("language-name", locale)) for locale in LOCALES]}


async def categories_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    kinds = ("service", "marketing")
    return {"categories": [(kind, i18n.get(f"broadcast-category-{kind}")) for kind in kinds]}


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    i18n = i18n_of(dialog_manager)
    audience = data["audience"]
    if audience["kind"] == "product":
        label = i18n.get(f"product-{audience['value']}")
    elif audience["kind"] == "locale":
        label = i18n.get("language-name", audience["value"])
    else:
        label = i18n.get("broadcast-audience-all")
    return {
        "count": data["count"],
        "unknown": data.get("unknown", 0),
        "audience": label,
        "category": i18n.get(f"broadcast-category-{data['category']}"),
        "has_count": data["count"] > 0,
    }


def _back(state: Any) -> SwitchTo:
    return SwitchTo(T("button-back"), id="back", state=state)


def _close() -> Button:
    return Button(T("broadcast-cancel"), id="close", on_click=on_close)


async def on_send(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    use = deps(manager)
    broadcast = await create_broadcast(
        use.session,
        payload=_payload(manager),
        audience=_audience(manager),
        category=manager.dialog_data["category"],
        created_by=callback.from_user.id,
        policies=use.cabinet_or_none,
    )
    await manager.done()  # the confirm screen loses its buttons
    await use.broadcast_board.show(i18n_of(manager).locale, callback.from_user.id, broadcast.id)


def broadcast_dialog() -> Router:
    """To go after the other dialogs."""
    dialog = Dialog(
        Screen(
            T("broadcast-compose"),
            MessageInput(on_compose, content_types=ContentType.ANY),
            _close(),
            state=BroadcastSG.compose,
        ),
        Screen(
            T("broadcast-button"),
            MessageInput(on_button, content_types=ContentType.ANY),
            Button(T("broadcast-no-button"), id="no_button", on_click=on_no_button),
            _back(BroadcastSG.compose),
            state=BroadcastSG.button,
        ),
        Screen(
            T("broadcast-audience"),
            Column(choices("audience", "audiences", on_audience)),
            _back(BroadcastSG.button),
            state=BroadcastSG.audience,
            getter=audiences_getter,
        ),
        Screen(
            T("broadcast-product"),
            Column(choices("product", "products", on_product)),
            _back(BroadcastSG.audience),
            state=BroadcastSG.product,
            getter=products_getter,
        ),
        Screen(
            T("broadcast-locale"),
            Column(choices("locale", "locales", on_locale)),
            _back(BroadcastSG.audience),
            state=BroadcastSG.locale,
            getter=locales_getter,
        ),
        Screen(
            T("broadcast-category"),
            Column(choices("category", "categories", on_category)),
            _back(BroadcastSG.audience),
            state=BroadcastSG.category,
            getter=categories_getter,
        ),
        Screen(
            T("broadcast-confirm"),
            T("broadcast-confirm-unknown", when=F["unknown"] > 0),
            Button(T("broadcast-send"), id="send", on_click=on_send, when="has_count"),
            _back(BroadcastSG.category),
            _close(),
            state=BroadcastSG.confirm,
            getter=confirm_getter,
        ),
    )
    router = Router(name="broadcast-dialog")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.include_router(dialog)
    return router
