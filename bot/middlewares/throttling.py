"""Flood control: more than FLOOD_RATE updates a second from one user are dropped, with one notice."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext
from redis.asyncio import Redis

from bot import metrics

NOTICE_SECONDS = 10


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(self, redis: Redis, *, rate: int, prefix: str) -> None:
        self.redis = redis
        self.rate = rate
        self.prefix = prefix

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
            i18n: I18nContext = data["i18n"]
            await bot.send_message(user.id, i18n.get("flood-notice"))
        return None

    async def _within_rate(self, user_id: int) -> bool:
        key = f"{self.prefix}:flood:{user_id}:{int(time.time())}"
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.incr(key)
            pipe.expire(key, 2)
            count, _ = await pipe.execute()
        return int(count) <= self.rate
