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

from aiogram import BaseMiddleware, Bot
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject
from aiogram.types import User as TelegramUser
from aiogram_i18n.cores import BaseCore
from redis.asyncio import Redis

from bot import metrics
from bot.i18n import locale_for
from storage.profiles import ProfileStore

NOTICE_SECONDS = 10


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
        flood_key = f"{self.prefix}:flood:{user.id}:{int(time.time())}"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(flood_key)
            pipe.expire(flood_key, 2)
            if private:
                pipe.get(self.profiles.key(user.id))
            count, _, *cached = await pipe.execute()
        profile = ProfileStore.parse(cached[0]) if cached and cached[0] is not None else None
        locale = locale_for(user.language_code, self.default_locale)

        if int(count) > self.flood_rate:
            metrics.FLOOD_DROPPED.inc()
            await self._notice_once(data["bot"], user.id, profile.locale if profile else locale)
            return None
        if private:
            data["profile"] = profile or await self.profiles.load(user.id, locale=locale)
        return await handler(event, data)

    async def _notice_once(self, bot: Bot, user_id: int, locale: str) -> None:
        if await self.redis.set(
            f"{self.prefix}:flood-notice:{user_id}", 1, ex=NOTICE_SECONDS, nx=True
        ):
            await bot.send_message(user_id, self.core.get("flood-notice", locale))


def _is_private(chat: Chat | None, user: TelegramUser) -> bool:
    # Updates with no chat (e.g. an inline query) come from the user themselves.
    return chat is None or (chat.type == ChatType.PRIVATE and chat.id == user.id)
