"""/broadcast: the staff compose a message to many users (ADMIN_IDS only, private chats).

compose (formatted text, or a photo/document with a caption: the admin's formatting is kept
as HTML) → an optional URL button ("text | https://…") → audience (all linked users, holders
of a product type, a language) → category (service, or marketing: opted-in users only) → the
preview, sent to the admin by the delivery engine's own sender, so it is exactly what a
recipient gets → confirm with the recipient count → a progress message (sent / failed /
blocked / remaining, ETA) edited at most every `EDIT_INTERVAL` seconds, with Stop and Refresh
buttons → a final report.

The progress message is not part of the dialog: its buttons carry the broadcast's id, so they
work after a restart. Which messages are being updated is kept in Redis: the bot resumes them
when it starts again (`ProgressBoard.resume`); `/broadcast 12` shows broadcast 12's progress
or report again. Anyone outside ADMIN_IDS never reaches these handlers (router-level
`IsAdmin`): /broadcast is then an unknown command like any other.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import Bot, F, Router
from aiogram.enums import ContentType
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramRetryAfter
from aiogram.filters import Command, CommandObject, Filter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import (
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    TelegramObject,
)
from aiogram.types import User as TelegramUser
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, SwitchTo
from aiogram_i18n import I18nContext, I18nMiddleware
from aiogram_i18n.cores import BaseCore
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.flows.screen import Screen
from bot.flows.states import BroadcastSG
from bot.flows.widgets import T, choices, i18n_of
from notify.broadcasts import (
    CAPTION_LIMIT,
    LOCALES,
    PRODUCTS,
    Audience,
    AudienceError,
    Progress,
    build_payload,
    cancel,
    check_payload,
    create_broadcast,
    progress,
    recipients,
    url_problem,
)
from notify.outbox import Claimed
from notify.payload import Payload
from notify.sender import SENT, Sender
from storage.redis import KEY_PREFIX

log = structlog.get_logger(__name__)

EDIT_INTERVAL = 3.0  # seconds between two edits of a progress message, at least
BOARDS_KEY = f"{KEY_PREFIX}:broadcast:boards"  # hash "chat:message" → {"id", "locale"}
LEASE_SECONDS = 15  # one updater per progress message across replicas


class IsAdmin(Filter):
    """The user is in ADMIN_IDS."""

    async def __call__(
        self, _: TelegramObject, settings: Settings, event_from_user: TelegramUser | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.admin_ids


class BoardAction(CallbackData, prefix="bcast"):
    action: str  # stop | refresh
    id: int


# ------------------------------------------------------------------------------ the progress


@dataclass(frozen=True)
class Board:
    """A progress message: where it is, which broadcast, in which language."""

    chat_id: int
    message_id: int
    broadcast_id: int
    locale: str

    @property
    def field(self) -> str:
        return f"{self.chat_id}:{self.message_id}"


def _eta(seconds: int | None) -> str:
    if seconds is None:
        return "…"
    minutes, rest = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02}:{rest:02}" if hours else f"{minutes}:{rest:02}"


def render(core: BaseCore[Any], locale: str, now: Progress) -> tuple[str, InlineKeyboardMarkup]:
    """The progress message's text and buttons (a final report has only Refresh)."""
    counts: dict[str, Any] = {
        "id": str(now.id),  # a number, not a quantity: no digit grouping
        "total": now.total,
        "sent": now.sent,
        "failed": now.failed,
        "blocked": now.blocked,
        "pending": now.pending,
        "cancelled": now.cancelled,
    }
    if now.final:
        text = core.get(f"broadcast-report-{now.status}", locale, **counts)
        rows = []
    else:
        text = core.get("broadcast-progress", locale, eta=_eta(now.eta_seconds), **counts)
        rows = [
            [
                InlineKeyboardButton(
                    text=core.get("broadcast-stop", locale),
                    callback_data=BoardAction(action="stop", id=now.id).pack(),
                )
            ]
        ]
    rows.append(
        [
            InlineKeyboardButton(
                text=core.get("broadcast-refresh", locale),
                callback_data=BoardAction(action="refresh", id=now.id).pack(),
            )
        ]
    )
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


@dataclass(frozen=True)
class Wiring:
    """What an updater needs of the process."""

    bot: Bot
    redis: Redis
    session_factory: async_sessionmaker[AsyncSession]
    core: BaseCore[Any]


class ProgressBoard:
    """The background updaters of the progress messages of one process."""

    def __init__(self) -> None:
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.token = secrets.token_hex(8)
        self.interval = EDIT_INTERVAL

    async def show(self, wiring: Wiring, locale: str, chat_id: int, broadcast_id: int) -> bool:
        """Send a progress message for the broadcast and keep it up to date; False: no such
        broadcast."""
        async with wiring.session_factory() as session:
            now = await progress(session, broadcast_id)
        if now is None:
            return False
        text, markup = render(wiring.core, locale, now)
        message = await wiring.bot.send_message(chat_id, text, reply_markup=markup)
        if not now.final:
            await self.keep(wiring, Board(chat_id, message.message_id, broadcast_id, locale), text)
        return True

    async def keep(self, wiring: Wiring, board: Board, last: str | None = None) -> None:
        """Remember the progress message (for a restart) and keep it up to date."""
        saved = json.dumps({"id": board.broadcast_id, "locale": board.locale})
        await wiring.redis.hset(BOARDS_KEY, board.field, saved)
        self.follow(wiring, board, last=last)

    def follow(self, wiring: Wiring, board: Board, *, last: str | None = None) -> None:
        running = self.tasks.get(board.field)
        if running is not None and not running.done():
            return
        task = asyncio.create_task(
            self._update(wiring, board, last),
            name=f"broadcast-board-{board.field}",
        )
        self.tasks[board.field] = task
        task.add_done_callback(lambda _: self.tasks.pop(board.field, None))

    async def _update(self, wiring: Wiring, board: Board, last: str | None) -> None:
        redis = wiring.redis
        lease = f"{BOARDS_KEY}:lease:{board.field}"
        taken = await redis.set(lease, self.token, ex=LEASE_SECONDS, nx=True)
        if not taken and await redis.get(lease) not in (self.token, self.token.encode()):
            return  # another process updates this message
        try:
            while True:
                await asyncio.sleep(self.interval)
                await redis.set(lease, self.token, ex=LEASE_SECONDS)
                async with wiring.session_factory() as session:
                    now = await progress(session, board.broadcast_id)
                if now is None:
                    break
                text, markup = render(wiring.core, board.locale, now)
                if text != last:
                    if not await self._edit(wiring.bot, board, text, markup):
                        break
                    last = text
                if now.final:
                    await self._report(wiring, board, now)
                    break
        except asyncio.CancelledError:
            raise  # shutdown: the board stays in Redis and is resumed on the next start
        except Exception:
            log.exception("broadcast_board_failed", broadcast_id=board.broadcast_id)
            return
        finally:
            with contextlib.suppress(Exception):
                await redis.delete(lease)
        await redis.hdel(BOARDS_KEY, board.field)

    @staticmethod
    async def _edit(bot: Bot, board: Board, text: str, markup: InlineKeyboardMarkup) -> bool:
        """Edit the progress message; False: it is gone (deleted, too old to edit)."""
        for _ in range(3):
            try:
                await bot.edit_message_text(
                    text=text,
                    chat_id=board.chat_id,
                    message_id=board.message_id,
                    reply_markup=markup,
                )
            except TelegramRetryAfter as exc:
                await asyncio.sleep(exc.retry_after)
                continue
            except TelegramBadRequest as exc:
                if "not modified" in exc.message:
                    return True
                log.warning("broadcast_board_gone", error=exc.message)
                return False
            return True
        return True

    @staticmethod
    async def _report(wiring: Wiring, board: Board, now: Progress) -> None:
        """A short message of its own when a broadcast ends: the edit does not notify."""
        with contextlib.suppress(TelegramAPIError):
            await wiring.bot.send_message(
                board.chat_id,
                wiring.core.get(f"broadcast-finished-{now.status}", board.locale, id=str(now.id)),
            )

    async def resume(
        self,
        bot: Bot,
        redis: Redis,
        session_factory: async_sessionmaker[AsyncSession],
        i18n_middleware: I18nMiddleware,
    ) -> None:
        """On start: follow again the progress messages a stopped process was updating."""
        try:
            boards = await redis.hgetall(BOARDS_KEY)
        except Exception:  # noqa: BLE001 - resuming is a convenience, starting is not
            log.warning("broadcast_boards_not_resumed")
            return
        for field, value in boards.items():
            name = field.decode() if isinstance(field, bytes) else str(field)
            chat, _, message = name.partition(":")
            data = json.loads(value)
            board = Board(int(chat), int(message), int(data["id"]), str(data["locale"]))
            self.follow(Wiring(bot, redis, session_factory, i18n_middleware.core), board)

    async def close(self) -> None:
        tasks = list(self.tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


# ------------------------------------------------------------------------------ the commands


def broadcast_routers() -> tuple[Router, Router]:
    """(/broadcast [id] and the progress buttons, to go before the other dialogs; the
    composer dialog, to go after them), both behind `IsAdmin`, sharing one `ProgressBoard`."""
    board = ProgressBoard()
    return _commands(board), _dialog(board)


def _commands(board: ProgressBoard) -> Router:
    router = Router(name="broadcast")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())

    async def command(
        message: Message,
        *,
        command: CommandObject,
        dialog_manager: DialogManager,
        i18n: I18nContext,
        bot: Bot,
        redis: Redis,
        session_factory: async_sessionmaker[AsyncSession],
    ) -> None:
        argument = (command.args or "").strip()
        if not argument:
            await dialog_manager.start(BroadcastSG.compose, mode=StartMode.RESET_STACK)
            return
        wiring = Wiring(bot, redis, session_factory, i18n.core)
        if not argument.isdigit() or not await board.show(
            wiring, i18n.locale, message.chat.id, int(argument)
        ):
            await message.answer(i18n.get("broadcast-not-found"))

    async def button(
        callback: CallbackQuery,
        *,
        callback_data: BoardAction,
        i18n: I18nContext,
        bot: Bot,
        redis: Redis,
        session_factory: async_sessionmaker[AsyncSession],
    ) -> None:
        async with session_factory() as session:
            if callback_data.action == "stop":
                now = await cancel(session, callback_data.id)
            else:
                now = await progress(session, callback_data.id)
        message = callback.message
        if now is None or not isinstance(message, Message):
            await callback.answer(i18n.get("broadcast-not-found"))
            return
        await callback.answer(
            i18n.get("broadcast-stopped") if callback_data.action == "stop" else None
        )
        text, markup = render(i18n.core, i18n.locale, now)
        with contextlib.suppress(TelegramBadRequest):  # not modified
            await message.edit_text(text, reply_markup=markup)
        if not now.final:  # after a restart, Refresh brings the updater back
            target = Board(message.chat.id, message.message_id, now.id, i18n.locale)
            await board.keep(Wiring(bot, redis, session_factory, i18n.core), target, text)

    router.message.register(command, Command("broadcast"), F.chat.type == "private")
    router.callback_query.register(button, BoardAction.filter(F.action.in_({"stop", "refresh"})))
    router.startup.register(board.resume)
    router.shutdown.register(board.close)
    return router


# ------------------------------------------------------------------------------ the dialog


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
    session: AsyncSession = manager.middleware_data["session"]
    found = await recipients(
        session, _audience(manager), cat, policies=manager.middleware_data.get("cabinet")
    )
    bot: Bot = manager.middleware_data["bot"]
    admin = callback.from_user.id
    preview = Claimed(0, admin, "broadcast", {**payload, "paid": False}, 0, None, None)
    outcome = await Sender(bot).send(preview)
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


def _dialog(board: ProgressBoard) -> Router:
    async def on_send(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
        data = manager.middleware_data
        session: AsyncSession = data["session"]
        broadcast = await create_broadcast(
            session,
            payload=_payload(manager),
            audience=_audience(manager),
            category=manager.dialog_data["category"],
            created_by=callback.from_user.id,
            policies=data.get("cabinet"),
        )
        await manager.done()  # the confirm screen loses its buttons
        i18n = i18n_of(manager)
        wiring = Wiring(data["bot"], data["redis"], data["session_factory"], i18n.core)
        await board.show(wiring, i18n.locale, callback.from_user.id, broadcast.id)

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
