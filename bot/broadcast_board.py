"""The progress messages of broadcasts (/broadcast): a delivery service of the process, built
once and injected (`broadcast_board` in the dispatcher's data, set by `ProgressBoard.start`).

A progress message (sent / failed / blocked / remaining, ETA) is edited at most every
`EDIT_INTERVAL` seconds, with Stop and Refresh buttons, then a final report. It is not part
of any dialog: its buttons carry the broadcast's id, so they work after a restart. Which
messages are being updated is kept in Redis: the bot resumes them when it starts again, one
updater per message across replicas (a lease).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramAPIError, TelegramBadRequest, TelegramRetryAfter
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_i18n import I18nMiddleware
from aiogram_i18n.cores import BaseCore
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify.broadcasts import Progress, progress
from storage.redis import KEY_PREFIX

log = structlog.get_logger(__name__)

EDIT_INTERVAL = 3.0  # seconds between two edits of a progress message, at least
BOARDS_KEY = f"{KEY_PREFIX}:broadcast:boards"  # hash "chat:message" → {"id", "locale"}
LEASE_SECONDS = 15  # one updater per progress message across replicas


class BoardAction(CallbackData, prefix="bcast"):
    action: str  # stop | refresh
    id: int


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


#: Where handlers and dialogs find the process's board (the dispatcher's data).
KEY = "broadcast_board"


class ProgressBoard:
    """The background updaters of the progress messages of one process."""

    def __init__(self) -> None:
        self.tasks: dict[str, asyncio.Task[None]] = {}
        self.token = secrets.token_hex(8)
        self.interval = EDIT_INTERVAL
        self._wiring: Wiring | None = None

    @property
    def wiring(self) -> Wiring:
        if self._wiring is None:
            raise RuntimeError("the broadcast board is used before the dispatcher started")
        return self._wiring

    async def start(
        self,
        dispatcher: Dispatcher,
        bot: Bot,
        redis: Redis,
        session_factory: async_sessionmaker[AsyncSession],
        i18n_middleware: I18nMiddleware,
    ) -> None:
        """The dispatcher's start: the board takes the process's resources, is offered to
        every handler as `broadcast_board`, and follows again the progress messages a stopped
        process was updating."""
        self._wiring = Wiring(bot, redis, session_factory, i18n_middleware.core)
        dispatcher[KEY] = self
        await self.resume()

    async def show(self, locale: str, chat_id: int, broadcast_id: int) -> bool:
        """Send a progress message for the broadcast and keep it up to date; False: no such
        broadcast."""
        wiring = self.wiring
        async with wiring.session_factory() as session:
            now = await progress(session, broadcast_id)
        if now is None:
            return False
        text, markup = render(wiring.core, locale, now)
        message = await wiring.bot.send_message(chat_id, text, reply_markup=markup)
        if not now.final:
            await self.keep(Board(chat_id, message.message_id, broadcast_id, locale), text)
        return True

    async def keep(self, board: Board, last: str | None = None) -> None:
        """Remember the progress message (for a restart) and keep it up to date."""
        saved = json.dumps({"id": board.broadcast_id, "locale": board.locale})
        await self.wiring.redis.hset(BOARDS_KEY, board.field, saved)
        self.follow(board, last=last)

    def follow(self, board: Board, *, last: str | None = None) -> None:
        running = self.tasks.get(board.field)
        if running is not None and not running.done():
            return
        task = asyncio.create_task(
            self._update(self.wiring, board, last),
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

    async def resume(self) -> None:
        """On start: follow again the progress messages a stopped process was updating."""
        try:
            boards = await self.wiring.redis.hgetall(BOARDS_KEY)
        except Exception:  # noqa: BLE001 - resuming is a convenience, starting is not
            log.warning("broadcast_boards_not_resumed")
            return
        for field, value in boards.items():
            name = field.decode() if isinstance(field, bytes) else str(field)
            chat, _, message = name.partition(":")
            data = json.loads(value)
            board = Board(int(chat), int(message), int(data["id"]), str(data["locale"]))
            self.follow(board)

    async def close(self) -> None:
        tasks = list(self.tasks.values())
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
