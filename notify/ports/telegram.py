"""Telegram's delivery port: one outbox row → one Bot API call through aiogram's `Bot`.

Telegram's answers, as outcomes (`notify.ports`):

* 200 → sent;
* 429 (`TelegramRetryAfter`) → rate_limited: every Telegram sender pauses for `retry_after`,
  the row waits as long (its attempts are not counted: it was not its fault);
* 403 (`TelegramForbiddenError`) → blocked: the chat and its other pending rows, the user
  inactive; never retried;
* 5xx, network errors, anything unexpected → retried with exponential backoff, dead after
  `max_attempts` with the last reason;
* 400 (`TelegramBadRequest`, and 404) → dead at once with Telegram's reason.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any, ClassVar

import structlog
from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
)
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup, Message

from cabinet import CabinetError
from notify.outbox import Claimed
from notify.pacing import outbox_send
from notify.payload import Button, Payload, as_payload
from notify.ports import (
    BLOCKED,
    DEAD,
    RATE_LIMITED,
    RETRY,
    SENT,
    Backoff,
    Limits,
    Outcome,
)
from notify.ports.files import Documents, attach

log = structlog.get_logger(__name__)

#: The outbox's value for Telegram rows (every row from before the column existed).
TELEGRAM = "telegram"

#: Telegram's published limits: 4096 characters of text, 1024 of a caption, 64 bytes of
#: callback data, about 30 messages a second per bot and one a second per chat, paid
#: broadcasts up to 1000 a second. `tg` is the limiter's key, as it always was.
TELEGRAM_LIMITS = Limits(
    key="tg",
    text=4096,
    caption=1024,
    button_text=None,  # not published
    button_data=64,
    rate=30.0,
    chat_interval=1.0,
    paid_broadcast=True,
    paid_rate=1000.0,
)


@dataclass
class TelegramPort:
    """Sends rows with one `Bot`; `paid_broadcast`: broadcasts go with allow_paid_broadcast
    (the deployment's choice: `TELEGRAM_PAID_BROADCAST`)."""

    bot: Bot
    documents: Documents | None = None
    paid_broadcast: bool = False
    backoff: Backoff = field(default_factory=Backoff)

    channel: ClassVar[str] = TELEGRAM
    limits: ClassVar[Limits] = TELEGRAM_LIMITS

    async def warm_up(self) -> None:
        """Open the connection to the Bot API before the first slot: a cold first request
        (TCP connect, first use of the models) arrives late and bunches up with the next."""
        try:
            await self.bot.get_me()
        except (TelegramAPIError, TelegramNetworkError, OSError) as exc:
            log.warning("bot_api_unreachable", error=type(exc).__name__)

    def is_paid(self, row: Claimed) -> bool:
        if not self.paid_broadcast:
            return False
        return bool(row.payload.get("paid", row.kind == "broadcast"))

    async def send(self, row: Claimed) -> Outcome:
        try:
            payload = as_payload(row.payload)
            with outbox_send():  # paced by the worker: not again as a reply
                await self._call(row, payload)
        except (ValueError, KeyError) as exc:
            return Outcome(DEAD, f"bad payload: {type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - every answer becomes an outcome
            return self._outcome(exc, row.id, row.attempts)
        return Outcome(SENT)

    async def edit(
        self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]] | None = None
    ) -> Outcome:
        try:
            with outbox_send():
                await self.bot.edit_message_text(
                    text=text,
                    chat_id=chat_id,
                    message_id=message_id,
                    reply_markup=_keyboard([list(line) for line in buttons or []]),
                )
        except TelegramBadRequest as exc:
            if "not modified" in exc.message:
                return Outcome(SENT)
            return Outcome(DEAD, f"400: {exc.message}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # noqa: BLE001 - every answer becomes an outcome
            return self._outcome(exc, None, 0)
        return Outcome(SENT)

    def _outcome(self, exc: Exception, row_id: int | None, attempts: int) -> Outcome:
        """What a failed call means (`attempts`: how often it was tried before)."""
        if isinstance(exc, TelegramRetryAfter):
            return Outcome(RATE_LIMITED, f"429: retry after {exc.retry_after}", exc.retry_after)
        if isinstance(exc, TelegramForbiddenError):
            return Outcome(BLOCKED, f"403: {exc.message}")
        if isinstance(exc, TelegramBadRequest | TelegramNotFound):
            return Outcome(DEAD, f"400: {exc.message}")
        if not isinstance(exc, TelegramAPIError | TelegramNetworkError | CabinetError | OSError):
            log.error("outbox_send_failed", row=row_id, exc_info=exc)
        return self._retry(attempts, f"{type(exc).__name__}: {exc}")

    def _retry(self, attempts_before: int, reason: str) -> Outcome:
        attempts = attempts_before + 1
        if attempts >= self.backoff.max_attempts:
            return Outcome(DEAD, f"gave up after {attempts} attempts: {reason}")
        return Outcome(RETRY, reason, self.backoff.delay(attempts))

    async def _call(self, row: Claimed, payload: Payload) -> Message:
        """Send the row; the message sent."""
        chat_id = row.chat_id
        text = payload["text"]
        buttons = [list(line) for line in payload.get("buttons", [])]
        extra: dict[str, Any] = {}
        if self.is_paid(row):
            extra["allow_paid_broadcast"] = True
        request = payload.get("file")
        if request is not None:
            made = await attach(self.documents, request, buttons)
            if made is not None:
                return await self.bot.send_document(
                    chat_id,
                    BufferedInputFile(made.content, filename=made.filename),
                    caption=text,
                    reply_markup=_keyboard(buttons),
                    **extra,
                )
        markup = _keyboard(buttons)
        if "photo" in payload:
            return await self.bot.send_photo(
                chat_id, payload["photo"], caption=text, reply_markup=markup, **extra
            )
        if "document" in payload:
            return await self.bot.send_document(
                chat_id, payload["document"], caption=text, reply_markup=markup, **extra
            )
        return await self.bot.send_message(chat_id, text, reply_markup=markup, **extra)


def _keyboard(buttons: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton.model_validate(dict(b)) for b in line] for line in buttons
        ]
    )
