"""The full bot stack in the test's event loop, polling a FakeTelegram over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.config import Settings
from bot.factory.resources import Resources, open_resources
from bot.factory.serving import LISTEN_BACKLOG
from bot.factory.telegram import UPDATE_CONCURRENCY, build_bot, build_dispatcher
from bot.factory.web_app import create_app
from bot.factory.worker import create_worker
from tests.conftest import Backend
from tests.fake_session import FakeTelegramSession
from tests.fake_telegram import Call, FakeTelegram
from tests.sandbox_server import free_port


@dataclass
class Chat:
    """A user's side of the conversation: the fake Bot API and where the bot's pages are."""

    tg: FakeTelegram
    settings: Settings

    async def settle(self, timeout: float = 10) -> None:  # noqa: ASYNC109 - a deadline to assert
        """Wait until the bot has handled every update fed so far. In webhook mode an update is
        acknowledged only after its handler finished, so its acknowledgement is enough."""
        await self.tg.drain(timeout)

    async def say(self, user_id: int, text: str, **kwargs: Any) -> Call:
        """Send a message as the user once the previous step is over; return the first thing
        the bot sent or edited back."""
        await self.settle()
        mark = self.tg.mark()
        self.tg.user_message(user_id, text, **kwargs)
        chat_id = kwargs.get("chat_id", user_id)
        return await self.tg.wait_for(
            ("sendMessage", "editMessageText"),
            lambda call: call.ok and call.params.get("chat_id") == chat_id,
            after=mark,
        )

    async def consent(self, user_id: int, **kwargs: Any) -> Call:
        """/start and accept the consent: the main menu the bot showed."""
        await self.settle()
        mark = self.tg.mark()
        await self.say(user_id, "/start", **kwargs)
        screen = await self.tg.wait_for(
            "sendMessage",
            lambda c: "152" in (c.text or "") and c.params.get("chat_id") == user_id,
            after=mark,
        )
        menu = await self.press(user_id, screen, "✅")
        assert "Главное меню" in (menu.text or "") or "Main menu" in (menu.text or "")
        return menu

    async def press(self, user_id: int, on: Call, button_text: str) -> Call:
        """Press a button; return the screen the bot sent or edited in answer. A refused edit
        ("message is not modified": a screen redrawn the same) is not an answer. Like `say`,
        it waits for the previous step to end, so a late edit of that step is not taken for
        this step's answer."""
        await self.settle()
        mark = self.tg.mark()
        self.tg.press(user_id, on, button_text)
        return await self.tg.wait_for(
            ("sendMessage", "editMessageText"),
            lambda call: call.ok and call.params.get("chat_id") == user_id,
            after=mark,
        )


@dataclass
class RunningBot(Chat):
    """The bot in the test's own process, with what it is made of."""

    resources: Resources
    bot: Bot
    dp: Dispatcher

    async def settle(self, timeout: float = 10) -> None:  # noqa: ASYNC109 - a deadline to assert
        """Polling confirms an update (the next offset) before handling it, in a task of its
        own: wait for the confirmation, then for those tasks (aiogram keeps them in a set)."""
        await self.tg.drain(timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while tasks := set(self.dp._handle_update_tasks):
            remaining = deadline - loop.time()
            assert remaining > 0, f"{len(tasks)} updates still being handled"
            await asyncio.wait(tasks, timeout=remaining)


@contextlib.asynccontextmanager
async def running_bot(
    backend: Backend,
    *,
    web_server: bool = False,
    workers: bool = False,
    http: bool = False,
    **overrides: Any,
) -> AsyncIterator[RunningBot]:
    """The bot polling a FakeTelegram; with `web_server`, also the process's web server (the
    linking pages and the sandbox cabinet and ESIA) on a free port, as `cabinet-bot run` has;
    with `workers`, a delivery worker sending the outbox (support answers, alerts, broadcasts).
    The bot talks to the fake in-process (`FakeTelegramSession`), or with `http` over HTTP as it
    does to Telegram."""
    if web_server:
        port = free_port()
        overrides = {"web_port": port, "public_url": f"http://127.0.0.1:{port}", **overrides}
    async with FakeTelegram() as tg:
        settings = backend.settings(telegram_api_url=tg.base_url, **overrides)
        async with open_resources(settings) as resources, contextlib.AsyncExitStack() as stack:
            bot = build_bot(settings, session=None if http else FakeTelegramSession(tg))
            dp = build_dispatcher(settings, resources)
            if web_server:
                me = await bot.me()
                runner = web.AppRunner(
                    create_app(settings, resources, bot_username=me.username or ""),
                    access_log=None,
                )
                await runner.setup()
                stack.push_async_callback(runner.cleanup)
                await web.TCPSite(
                    runner, "127.0.0.1", settings.web_port, backlog=LISTEN_BACKLOG
                ).start()
            if workers:
                worker = await create_worker(settings, resources, bot)
                await worker.start()
                stack.push_async_callback(worker.stop)
            polling = asyncio.create_task(
                dp.start_polling(
                    bot,
                    handle_signals=False,
                    polling_timeout=1,
                    tasks_concurrency_limit=UPDATE_CONCURRENCY,
                )
            )
            try:
                await tg.wait_polling()
                running = RunningBot(tg, settings, resources, bot, dp)
                yield running
                await running.settle()  # the last updates handled before shutdown
            finally:
                await dp.stop_polling()
                with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                    await asyncio.wait_for(polling, 10)
                await bot.session.close()
