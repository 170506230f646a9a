"""Two replicas sharing Redis never handle one user's updates at the same time."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import TelegramObject, Update

from bot.factory.resources import open_resources
from bot.factory.telegram import build_bot, build_dispatcher
from tests.conftest import Backend
from tests.fake_telegram import FakeTelegram

USER = 5151


class Overlap(BaseMiddleware):
    """Runs where handlers run (under the lock) and records overlapping updates per user."""

    def __init__(self, active: dict[int, int], peak: dict[int, int]) -> None:
        self.active = active
        self.peak = peak

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user = data["event_from_user"].id
        self.active[user] = self.active.get(user, 0) + 1
        self.peak[user] = max(self.peak.get(user, 0), self.active[user])
        try:
            await asyncio.sleep(0.05)  # a handler that takes a while
            return await handler(event, data)
        finally:
            self.active[user] -= 1


async def test_one_user_is_handled_one_update_at_a_time(migrated: Backend) -> None:
    active: dict[int, int] = {}
    peak: dict[int, int] = {}
    async with FakeTelegram() as tg:
        settings = migrated.settings(telegram_api_url=tg.base_url, flood_rate=100)
        # Two replicas: separate dispatchers and connections, one Redis (and one database).
        async with open_resources(settings) as first, open_resources(settings) as second:
            # Embedded: each open_resources has its own fakeredis, so both replicas use one.
            pair = (first, second) if migrated.redis_url else (first, first)
            replicas: list[Dispatcher] = []
            for resources in pair:
                dp = build_dispatcher(settings, resources)
                dp.update.outer_middleware(Overlap(active, peak))
                replicas.append(dp)
            bot = build_bot(settings)
            for dp in replicas:
                await dp.emit_startup(bot=bot, dispatcher=dp, **dp.workflow_data)
            try:
                updates = [
                    Update.model_validate(
                        tg.user_message(USER, "/help", feed=False) | {"update_id": i}
                    )
                    for i in range(1, 11)
                ]
                other = Update.model_validate(
                    tg.user_message(USER + 1, "/help", feed=False) | {"update_id": 99}
                )
                started = time.perf_counter()
                await asyncio.gather(
                    *(replicas[i % 2].feed_update(bot, u) for i, u in enumerate(updates)),
                    replicas[0].feed_update(bot, other),
                )
                elapsed = time.perf_counter() - started
            finally:
                for dp in replicas:
                    await dp.emit_shutdown(bot=bot, dispatcher=dp, **dp.workflow_data)
                await bot.session.close()
    assert peak[USER] == 1, "two updates of one user overlapped"
    assert elapsed >= 10 * 0.05, "they ran one after another"
    assert len(tg.calls_of("sendMessage")) == 11, "and every one was answered"


async def test_shutdown_waits_for_an_update_queued_behind_its_users_lock(
    migrated: Backend,
) -> None:
    """SIGTERM while an update waits for its user's lock (held by the user's previous update,
    here by the test): the update is still handled, on a stack that is still up."""
    async with FakeTelegram() as tg:
        settings = migrated.settings(telegram_api_url=tg.base_url)
        async with open_resources(settings) as resources:
            dp = build_dispatcher(settings, resources)
            bot = build_bot(settings)
            workflow = {"dispatcher": dp, **dp.workflow_data}
            await dp.emit_startup(bot=bot, **workflow)
            update = Update.model_validate(
                tg.user_message(USER, "/help", feed=False) | {"update_id": 1}
            )
            key = StorageKey(bot_id=bot.id, chat_id=USER, user_id=USER)
            try:
                async with dp.fsm.events_isolation.lock(key):
                    queued = asyncio.create_task(dp.feed_update(bot, update))
                    await asyncio.sleep(0.2)  # it waits for the lock
                    stopping = asyncio.create_task(dp.emit_shutdown(bot=bot, **workflow))
                    await asyncio.sleep(0.2)
                    assert not stopping.done(), "the shutdown waits for the queued update"
                await asyncio.wait_for(asyncio.gather(queued, stopping), 10)
            finally:
                await bot.session.close()
    answers = tg.calls_of("sendMessage")
    assert answers, "the update was answered"
    assert all(a.ok and "инцидент" not in (a.text or "") for a in answers), answers
