"""The full bot stack in the test's event loop, polling a FakeTelegram over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher

from bot.app import Resources, build_bot, build_dispatcher, open_resources
from bot.config import Settings
from tests.conftest import Backend
from tests.fake_telegram import Call, FakeTelegram


@dataclass
class RunningBot:
    tg: FakeTelegram
    settings: Settings
    resources: Resources
    bot: Bot
    dp: Dispatcher

    async def say(self, user_id: int, text: str, **kwargs: Any) -> Call:
        """Send a message as the user; return the first thing the bot sent or edited back."""
        mark = self.tg.mark()
        self.tg.user_message(user_id, text, **kwargs)
        chat_id = kwargs.get("chat_id", user_id)
        return await self.tg.wait_for(
            ("sendMessage", "editMessageText"),
            lambda call: call.params.get("chat_id") == chat_id,
            after=mark,
        )

    async def press(self, user_id: int, on: Call, button_text: str) -> Call:
        mark = self.tg.mark()
        self.tg.press(user_id, on, button_text)
        return await self.tg.wait_for(
            ("sendMessage", "editMessageText"),
            lambda call: call.params.get("chat_id") == user_id,
            after=mark,
        )


@contextlib.asynccontextmanager
async def running_bot(backend: Backend, **overrides: Any) -> AsyncIterator[RunningBot]:
    async with FakeTelegram() as tg:
        settings = backend.settings(telegram_api_url=tg.base_url, **overrides)
        async with open_resources(settings) as resources:
            bot = build_bot(settings)
            dp = build_dispatcher(settings, resources)
            polling = asyncio.create_task(
                dp.start_polling(bot, handle_signals=False, polling_timeout=1)
            )
            try:
                await tg.wait_for("getUpdates", timeout=15)
                yield RunningBot(tg, settings, resources, bot, dp)
                await tg.drain()
                await asyncio.sleep(0.2)  # let the last handlers finish before shutdown
            finally:
                await dp.stop_polling()
                with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                    await asyncio.wait_for(polling, 10)
                await bot.session.close()
