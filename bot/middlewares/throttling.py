"""Flood control: updates beyond FLOOD_RATE a second from one user are dropped, with one notice.

It runs first, before the per-user lock and the database, so a burst costs one Redis round
trip per update and is counted as it arrives.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from aiogram_i18n.cores import BaseCore
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.i18n import locale_for
from storage.repositories import UserRepository

NOTICE_SECONDS = 10


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(
        self,
        redis: Redis,
        *,
        rate: int,
        prefix: str,
        core: BaseCore[Any],
        session_factory: async_sessionmaker[AsyncSession],
        default_locale: str,
    ) -> None:
        self.redis = redis
        self.rate = rate
        self.prefix = prefix
        self.core = core
        self.session_factory = session_factory
        self.default_locale = default_locale

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: TelegramUser | None = data.get("event_from_user")
        if user is None or await self._within_rate(user.id):
            return await handler(event, data)
        metrics.FLOOD_DROPPED.inc()
        notice_key = f"{self.prefix}:flood-notice:{user.id}"
        if await self.redis.set(notice_key, 1, ex=NOTICE_SECONDS, nx=True):
            bot: Bot = data["bot"]
            await bot.send_message(user.id, self.core.get("flood-notice", await self._locale(user)))
        return None

    async def _within_rate(self, user_id: int) -> bool:
        key = f"{self.prefix}:flood:{user_id}:{int(time.time())}"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, 2)
            count, _ = await pipe.execute()
        return int(count) <= self.rate

    async def _locale(self, user: TelegramUser) -> str:
        async with self.session_factory() as session:
            db_user = await UserRepository(session).get(user.id)
        return db_user.locale if db_user else locale_for(user.language_code, self.default_locale)
