"""Flood control and the user's profile, in one Redis round trip per update.

* Flood control: beyond FLOOD_RATE updates a second from one user, updates are dropped and
  the user gets one notice (not a ban: the next second they are answered again). It runs
  under the user's lock, so it counts the updates the bot actually takes up.
* `profile`: for people who write to the bot privately (group members are never stored),
  the cached facts every handler needs; the database is read only on a cache miss.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import Chat, TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram_i18n.cores import BaseCore
from redis.asyncio import Redis

from bot import metrics
from bot.i18n import locale_for
from storage.profiles import ProfileStore

NOTICE_SECONDS = 10
log = structlog.get_logger(__name__)


class UserMiddleware(BaseMiddleware):
    def __init__(
        self,
        redis: Redis,
        profiles: ProfileStore,
        *,
        flood_rate: int,
        prefix: str,
        core: BaseCore[Any],
        default_locale: str,
    ) -> None:
        self.redis = redis
        self.profiles = profiles
        self.flood_rate = flood_rate
        self.prefix = prefix
        self.core = core
        self.default_locale = default_locale

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        data["profile"] = None
        user: TelegramUser | None = data.get("event_from_user")
        if user is None or user.is_bot:
            return await handler(event, data)
        private = _is_private(data.get("event_chat"), user)
        # Blocking or starting the bot again is not something a person floods with, and must
        # never be dropped: the account's state (`is_active`) rests on it.
        counted = not (isinstance(event, Update) and event.my_chat_member is not None)
        flood_key = f"{self.prefix}:flood:{user.id}:{int(time.time())}"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(flood_key, 1 if counted else 0)
            pipe.expire(flood_key, 2)
            if private:
                pipe.get(self.profiles.key(user.id))
            count, _, *cached = await pipe.execute()
        profile = ProfileStore.parse(cached[0]) if cached else None
        locale = locale_for(user.language_code, self.default_locale)

        if counted and int(count) > self.flood_rate:
            metrics.FLOOD_DROPPED.inc()
            text = self.core.get("flood-notice", profile.locale if profile else locale)
            await self._slow_down(event, data["bot"], user.id, text)
            return None
        if private:
            # A miss rebuilds from the database (the pipeline has already read the cache).
            data["profile"] = profile or await self.profiles.refresh(user.id, locale=locale)
        return await handler(event, data)

    async def _slow_down(self, event: TelegramObject, bot: Bot, user_id: int, text: str) -> None:
        """One notice per NOTICE_SECONDS; a dropped button press gets its spinner stopped."""
        first = await self.redis.set(
            f"{self.prefix}:flood-notice:{user_id}", 1, ex=NOTICE_SECONDS, nx=True
        )
        try:
            if isinstance(event, Update) and event.callback_query is not None:
                await event.callback_query.answer(text if first else None)
            elif first:
                await bot.send_message(user_id, text)
        except TelegramAPIError as exc:  # e.g. a group member with no private chat
            log.info("flood_notice_not_sent", error=type(exc).__name__)


def _is_private(chat: Chat | None, user: TelegramUser) -> bool:
    # Updates with no chat (e.g. an inline query) come from the user themselves.
    return chat is None or (chat.type == ChatType.PRIVATE and chat.id == user.id)
