"""Redis down (a restart, a failover): an update waits for it instead of failing.

Everything the bot does for an update starts in Redis: the person's lock, the dialog state,
the flood counter, the cached profile. When Redis does not answer before the handler has
started, the update waits and is tried again, with a backoff, until Redis is back:

* polling (`cabinet-bot run`) holds it up to `HOLD_POLLING`. Polling takes no new updates
  while the update slots are held, so the rest wait at Telegram, which keeps them for a day;
* webhook (`cabinet-bot web`) holds it up to `HOLD_WEBHOOK` (Telegram waits for the answer),
  then asks Telegram to deliver it again later (`Redelivery`: the route answers 503).

When Redis is gone for longer than that in polling mode, or fails while a handler is already
at work (what was done cannot be safely done twice), the person is told in plain words that
the service is briefly unavailable and asked to repeat: not an incident, not silence.
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject, Update, User
from aiogram_i18n.cores import BaseCore

from bot import metrics
from bot.i18n import locale_for
from bot.private_reply import reply_in_private
from storage.redis import UNAVAILABLE

log = structlog.get_logger(__name__)

HOLD_POLLING = 120.0
HOLD_WEBHOOK = 10.0
FIRST_WAIT = 0.25
LONGEST_WAIT = 5.0

#: The key of `Redelivery` in the update's data (the webhook route passes one).
REDELIVERY = "redelivery"
_PROGRESS = "update_progress"


@dataclass
class Redelivery:
    """Set by the middleware when the webhook route should answer 503 (Telegram retries)."""

    asked: bool = False


@dataclass
class _Progress:
    handling: bool = False
    done: bool = False


class RedisOutage(BaseMiddleware):
    """The outer middleware, registered before everything that uses Redis."""

    def __init__(self, core: BaseCore[Any], default_locale: str) -> None:
        self.core = core
        self.default_locale = default_locale

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        redelivery: Redelivery | None = data.get(REDELIVERY)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (HOLD_POLLING if redelivery is None else HOLD_WEBHOOK)
        wait = FIRST_WAIT
        given = dict(data)
        for attempt in itertools.count(1):
            # The same dict each time (aiogram's error handlers read what the inner middlewares
            # put into it), as it came, for a fresh start.
            data.clear()
            data.update(given)
            data[_PROGRESS] = progress = _Progress()
            try:
                return await handler(event, data)
            except UNAVAILABLE as exc:
                metrics.REDIS_UNAVAILABLE.labels("update").inc()
                if progress.done:  # only the lock's release failed: the person has the answer
                    log.warning("redis_unavailable_after_update", error=type(exc).__name__)
                    return None
                if progress.handling or loop.time() + wait > deadline:
                    log.warning(
                        "redis_unavailable_update_given_up",
                        error=type(exc).__name__,
                        attempts=attempt,
                        started=progress.handling,
                    )
                    if redelivery is not None and not progress.handling:
                        redelivery.asked = True
                        return None
                    return await self._try_later(event, data)
                if attempt == 1:
                    log.warning("redis_unavailable_update_waits", error=type(exc).__name__)
                await asyncio.sleep(wait)
                wait = min(wait * 2, LONGEST_WAIT)
        raise AssertionError("unreachable")

    async def _try_later(self, event: TelegramObject, data: dict[str, Any]) -> None:
        if not isinstance(event, Update):
            return
        user: User | None = data.get("event_from_user")
        bot: Bot = data["bot"]
        locale = locale_for(user.language_code if user else None, self.default_locale)
        await reply_in_private(event, bot, self.core.get("service-unavailable", locale))


class HandlerStarted(BaseMiddleware):
    """The inner middleware around the handlers: from here on an update is not tried again (a
    handler may have sent a message or called the cabinet); once they are done, it is done."""

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        progress: _Progress | None = data.get(_PROGRESS)
        if progress is None:
            return await handler(event, data)
        progress.handling = True
        result = await handler(event, data)
        progress.done = True
        return result
