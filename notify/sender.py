"""One outbox row → one Bot API call, and what its outcome means for the row.

`send` never raises for Telegram's answers: it returns an `Outcome` the worker records.

* 200 → sent;
* 429 (`TelegramRetryAfter`) → every sender pauses for `retry_after`, the row waits as long
  (its attempts are not counted: it was not its fault);
* 403 (`TelegramForbiddenError`) → blocked: the chat and its other pending rows, the user
  inactive; never retried;
* 5xx, network errors, anything unexpected → retried with exponential backoff, dead after
  `max_attempts` with the last reason;
* 400 (`TelegramBadRequest`, and 404) → dead at once with Telegram's reason.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass, field
from typing import Any

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
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_i18n.cores import BaseCore
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cabinet import CabinetClient, CabinetError
from documents import DocumentLinks, File, Renderers, Viewer
from notify.outbox import Claimed
from notify.pacing import outbox_send
from notify.payload import Button, FileRequest, Payload, as_payload
from storage.models import User

log = structlog.get_logger(__name__)

SENT, RETRY, DEAD, BLOCKED, RATE_LIMITED = "sent", "retry", "dead", "blocked", "rate_limited"
UNLINKED = "unlinked"  # a personal alert whose chat is no longer linked to its customer


@dataclass(frozen=True, slots=True)
class Outcome:
    """`result`: sent | retry | rate_limited | dead | blocked | unlinked; `delay` for the two
    waits."""

    result: str
    reason: str = ""
    delay: float = 0.0


@dataclass
class Backoff:
    """Retries of 5xx and network errors: base·2ⁿ⁻¹ seconds (±20 %), at most `cap`; the row
    is dead once it has been tried `max_attempts` times."""

    base: float = 2.0
    cap: float = 300.0
    max_attempts: int = 5

    def delay(self, attempts: int) -> float:
        raw = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        return float(raw * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not a secret


@dataclass
class Documents:
    """What a payload's `file` needs: the cabinet, the renderers, the one-time links and the
    translations — handed over by the wiring, so the engine needs nothing of the bot."""

    cabinet: CabinetClient
    renderers: Renderers
    links: DocumentLinks
    core: BaseCore[Any]
    session_factory: async_sessionmaker[AsyncSession]
    public_url: str
    strict: bool
    default_locale: str = "ru"
    default_time_zone: str = "Europe/Moscow"


@dataclass
class Sender:
    """Sends rows with one `Bot`; `paid_broadcast`: broadcasts go with allow_paid_broadcast."""

    bot: Bot
    documents: Documents | None = None
    paid_broadcast: bool = False
    backoff: Backoff = field(default_factory=Backoff)

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

    async def send(self, row: Claimed) -> Outcome:  # noqa: PLR0911 - one per answer
        try:
            payload = as_payload(row.payload)
            with outbox_send():  # paced by the worker: not again as a reply
                await self._call(row, payload)
        except TelegramRetryAfter as exc:
            return Outcome(RATE_LIMITED, f"429: retry after {exc.retry_after}", exc.retry_after)
        except TelegramForbiddenError as exc:
            return Outcome(BLOCKED, f"403: {exc.message}")
        except (TelegramBadRequest, TelegramNotFound) as exc:
            return Outcome(DEAD, f"400: {exc.message}")
        except (ValueError, KeyError) as exc:
            return Outcome(DEAD, f"bad payload: {type(exc).__name__}: {exc}")
        except (TelegramAPIError, TelegramNetworkError, CabinetError, OSError) as exc:
            return self._retry(row, f"{type(exc).__name__}: {exc}")
        except asyncio.CancelledError:
            raise
        except Exception as exc:
            log.exception("outbox_send_failed", row=row.id)
            return self._retry(row, f"{type(exc).__name__}: {exc}")
        return Outcome(SENT)

    def _retry(self, row: Claimed, reason: str) -> Outcome:
        attempts = row.attempts + 1
        if attempts >= self.backoff.max_attempts:
            return Outcome(DEAD, f"gave up after {attempts} attempts: {reason}")
        return Outcome(RETRY, reason, self.backoff.delay(attempts))

    async def _call(self, row: Claimed, payload: Payload) -> None:
        chat_id = row.chat_id
        text = payload["text"]
        buttons = [list(line) for line in payload.get("buttons", [])]
        extra: dict[str, Any] = {}
        if self.is_paid(row):
            extra["allow_paid_broadcast"] = True
        request = payload.get("file")
        if request is not None:
            made = await self._file(request, buttons)
            if made is not None:
                await self.bot.send_document(
                    chat_id,
                    BufferedInputFile(made.content, filename=made.filename),
                    caption=text,
                    reply_markup=_keyboard(buttons),
                    **extra,
                )
                return
        markup = _keyboard(buttons)
        if "photo" in payload:
            await self.bot.send_photo(
                chat_id, payload["photo"], caption=text, reply_markup=markup, **extra
            )
        elif "document" in payload:
            await self.bot.send_document(
                chat_id, payload["document"], caption=text, reply_markup=markup, **extra
            )
        else:
            await self.bot.send_message(chat_id, text, reply_markup=markup, **extra)

    async def _file(self, request: FileRequest, buttons: list[list[Button]]) -> File | None:
        """`full`: the rendered file to attach. `strict` (or a details page rather than a
        file): None, and a one-time-link button is added to `buttons` instead."""
        documents = self.documents
        if documents is None:
            raise ValueError("a payload with a file needs the documents wiring")
        locale, time_zone = await self._viewer_of(documents, request["user_id"])
        if not documents.strict:
            viewer = Viewer(
                cabinet=documents.cabinet,
                customer_id=request["customer_id"],
                locale=locale,
                time_zone=time_zone,
                core=documents.core,
            )
            made = await documents.renderers.render(request["kind"], viewer, request["ref"])
            if isinstance(made, File):
                return made
        token = await documents.links.issue(
            user_id=request["user_id"],
            customer_id=request["customer_id"],
            kind=request["kind"],
            ref=request["ref"],
            locale=locale,
            time_zone=time_zone,
        )
        label = documents.core.get("document-open", locale)
        buttons.append([{"text": label, "url": f"{documents.public_url}/d/{token}"}])
        return None

    @staticmethod
    async def _viewer_of(documents: Documents, user_id: int) -> tuple[str, str]:
        async with documents.session_factory() as session:
            user = await session.get(User, user_id)
        if user is None:
            return documents.default_locale, documents.default_time_zone
        return user.locale, user.time_zone


def _keyboard(buttons: list[list[Button]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton.model_validate(dict(b)) for b in line] for line in buttons
        ]
    )
