"""Direct replies within Telegram's global budget, shared with the outbox (replies first).

The bot's own answers (a screen, a document, a menu) do not go through the outbox: they are
sent at once by the handler. `ReplyPacing`, a request middleware of the bot's session, takes
a global slot of the shared limiter for each of them (`Limiter.reserve_reply`), and retries a
reply that Telegram refused with a 429 (after its `retry_after`) or a 5xx, so the person gets
the answer instead of an apology. A reply's 429 holds back that reply only: it may be one
chat's own limit (a group's 20 a minute), which must not stop everybody else's messages. The
whole wait is capped (`MAX_WAIT`): the update holds its user's lock meanwhile. Sends of the
outbox workers are already paced: they run inside `outbox_send()` and pass straight through.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING

import structlog
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import TelegramRetryAfter, TelegramServerError
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

from notify.limiter import FULL, PAUSED, Limiter
from storage.redis import UNAVAILABLE

if TYPE_CHECKING:
    from aiogram import Bot

log = structlog.get_logger(__name__)

_OUTBOX_SEND: ContextVar[bool] = ContextVar("outbox_send", default=False)

#: What Telegram counts against its message limits.
_SENDERS = ("send", "copy", "forward")
ATTEMPTS = 4
SERVER_ERROR_DELAY = 0.5
MAX_WAIT = 20.0  # seconds a reply may wait in all, then it fails as before


@contextlib.contextmanager
def outbox_send() -> Iterator[None]:
    """A send the outbox worker has already paced (and retries itself)."""
    token = _OUTBOX_SEND.set(True)
    try:
        yield
    finally:
        _OUTBOX_SEND.reset(token)


class ReplyPacing(BaseRequestMiddleware):
    def __init__(self, limiter: Limiter) -> None:
        self.limiter = limiter

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        if _OUTBOX_SEND.get() or not method.__api_method__.startswith(_SENDERS):
            return await make_request(bot, method)
        deadline = asyncio.get_running_loop().time() + MAX_WAIT
        for attempt in range(1, ATTEMPTS + 1):
            await self._slot(deadline)
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                log.warning("reply_429", retry_after=exc.retry_after, attempt=attempt)
                if attempt == ATTEMPTS:
                    raise
                await self._sleep(exc.retry_after, deadline, exc)
            except TelegramServerError as exc:
                log.warning("reply_5xx", attempt=attempt)
                if attempt == ATTEMPTS:
                    raise
                await self._sleep(SERVER_ERROR_DELAY * attempt, deadline, exc)
        raise AssertionError("unreachable")

    async def _slot(self, deadline: float) -> None:
        """Wait for this reply's global slot (and for a pause after the outbox's 429 to end).
        Without Redis there is no shared budget: the reply goes at once (Telegram's own 429,
        retried above, is the limit then)."""
        while True:
            try:
                decision = await self.limiter.reserve_reply()
            except UNAVAILABLE as exc:
                log.warning("reply_unpaced", error=type(exc).__name__)
                return
            if decision.code in (PAUSED, FULL):
                await self._sleep(decision.wait, deadline, None)
                continue
            if decision.wait > 0:
                await self._sleep(decision.wait, deadline, None)
            return

    @staticmethod
    async def _sleep(seconds: float, deadline: float, error: Exception | None) -> None:
        if asyncio.get_running_loop().time() + seconds > deadline:
            raise error or TimeoutError("no slot for the reply in time")
        await asyncio.sleep(seconds)
