"""The full bot stack in the test's event loop, polling a FakeTelegram over real HTTP (and,
with `max_messenger`, a FakeMax beside it: the same dispatcher in both messengers)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from aiogram import Bot, Dispatcher
from aiohttp import web

from bot.config import Settings
from bot.factory.bots import Bots
from bot.factory.max import build_max_bot
from bot.factory.resources import Resources, open_resources
from bot.factory.serving import LISTEN_BACKLOG
from bot.factory.telegram import UPDATE_CONCURRENCY, build_bot, build_dispatcher
from bot.factory.web_app import create_app
from bot.factory.worker import create_worker
from bot.max_messenger.webhook import add_max_webhook_route, subscribe
from storage.accounts import Channel
from tests.conftest import Backend
from tests.fake_max import Call as MaxCall
from tests.fake_max import FakeMax
from tests.fake_session import FakeTelegramSession
from tests.fake_telegram import Call, FakeTelegram
from tests.sandbox_server import free_port

MAX_SECRET = "max-webhook-secret"


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


def _recipient(call: MaxCall) -> int | None:
    """The Max user a sent or edited message is for."""
    if call.user_id is not None:
        return call.user_id
    recipient = (call.message or {}).get("recipient") or {}
    value = recipient.get("user_id")
    return value if isinstance(value, int) else None


@dataclass
class MaxChat:
    """A person's side of the conversation in Max (`user_id`: Max's id of them)."""

    mx: FakeMax
    settle: Callable[[], Awaitable[None]]

    async def _answer(self, user_id: int, mark: int) -> MaxCall:
        """The first message sent or edited with a text (an edit of buttons only, as of an old
        menu losing them, is not an answer)."""
        return await self.mx.wait_for(
            ("sendMessage", "editMessage"),
            lambda call: call.ok and call.text is not None and _recipient(call) == user_id,
            after=mark,
        )

    async def say(self, user_id: int, text: str, **kwargs: Any) -> MaxCall:
        """Write to the bot once the previous step is over; the first message the bot sent or
        edited back."""
        await self.settle()
        mark = self.mx.mark()
        self.mx.message_created(user_id, text, **kwargs)
        return await self._answer(user_id, mark)

    async def start(self, user_id: int, payload: str | None = None, **kwargs: Any) -> MaxCall:
        """Press Start (through a deep link with `payload`, if given)."""
        await self.settle()
        mark = self.mx.mark()
        self.mx.bot_started(user_id, payload, **kwargs)
        return await self._answer(user_id, mark)

    async def press(self, user_id: int, on: MaxCall, button_text: str) -> MaxCall:
        await self.settle()
        mark = self.mx.mark()
        self.mx.press(user_id, on, button_text)
        return await self._answer(user_id, mark)

    async def consent(self, user_id: int, **kwargs: Any) -> MaxCall:
        """Start and accept the consent: the main menu the bot showed."""
        mark = self.mx.mark()
        await self.start(user_id, **kwargs)
        screen = await self.mx.wait_for(
            "sendMessage", lambda c: "152" in (c.text or "") and c.user_id == user_id, after=mark
        )
        menu = await self.press(user_id, screen, "✅")
        assert "Главное меню" in (menu.text or "") or "Main menu" in (menu.text or "")
        return menu


@dataclass
class RunningBot(Chat):
    """The bot in the test's own process, with what it is made of."""

    resources: Resources
    bot: Bot
    dp: Dispatcher
    max_bot: Bot | None = None
    mx: FakeMax | None = None

    @property
    def max(self) -> MaxChat:
        """The conversation in Max (`running_bot(..., max_messenger=True)`)."""
        assert self.mx is not None, "running_bot(..., max_messenger=True)"
        return MaxChat(self.mx, self.settle)

    async def settle(self, timeout: float = 10) -> None:  # noqa: ASYNC109 - a deadline to assert
        """Polling confirms an update (the next offset) before handling it, in a task of its
        own: wait for the confirmation, then for those tasks (aiogram keeps them in a set)."""
        await self.tg.drain(timeout)
        if self.mx is not None:
            await self.mx.drain(timeout)
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
    max_messenger: bool = False,
    max_webhook: bool = False,
    **overrides: Any,
) -> AsyncIterator[RunningBot]:
    """The bot polling a FakeTelegram; with `web_server`, also the process's web server (the
    linking pages and the sandbox cabinet and ESIA) on a free port, as `cabinet-bot run` has;
    with `workers`, a delivery worker sending the outbox (support answers, alerts, broadcasts).
    The bot talks to the fake in-process (`FakeTelegramSession`), or with `http` over HTTP as it
    does to Telegram. With `max_messenger`, the bot is in Max too, polling a FakeMax over HTTP
    (`RunningBot.max` talks to it); with `max_webhook` too, Max POSTs its updates to the web
    server's Max webhook (`MAX_SECRET`) instead."""
    max_messenger = max_messenger or max_webhook
    web_server = web_server or max_webhook
    if web_server:
        port = free_port()
        overrides = {"web_port": port, "public_url": f"http://127.0.0.1:{port}", **overrides}
    async with FakeTelegram() as tg, contextlib.AsyncExitStack() as fakes:
        mx = await fakes.enter_async_context(FakeMax()) if max_messenger else None
        if mx is not None:
            overrides = {"max_bot_token": mx.token, "max_api_url": mx.base_url, **overrides}
        if max_webhook:
            public = overrides["public_url"]
            overrides = {"max_webhook_url": f"{public}/max/webhook", **overrides}
            overrides = {"max_webhook_secret": MAX_SECRET, **overrides}
        settings = backend.settings(telegram_api_url=tg.base_url, **overrides)
        async with open_resources(settings) as resources, contextlib.AsyncExitStack() as stack:
            bot = build_bot(settings, session=None if http else FakeTelegramSession(tg))
            max_bot = await build_max_bot(settings, resources)
            if max_bot is not None:
                stack.push_async_callback(max_bot.session.close)
            staff_bot = Bots(bot, max_bot).of(settings.staff.support_chat_messenger)
            dp = build_dispatcher(settings, resources, staff_bot=staff_bot)
            if web_server:
                me = await bot.me()
                usernames = {Channel.TELEGRAM: me.username or ""}
                if max_bot is not None:
                    usernames[Channel.MAX] = (await max_bot.me()).username or ""
                app = create_app(settings, resources, bot_usernames=usernames)
                if max_webhook and max_bot is not None:
                    add_max_webhook_route(
                        app,
                        dp,
                        max_bot,
                        resources.redis,
                        url=str(settings.max.webhook_url),
                        secret=MAX_SECRET,
                    )
                runner = web.AppRunner(app, access_log=None)
                await runner.setup()
                stack.push_async_callback(runner.cleanup)
                await web.TCPSite(
                    runner, "127.0.0.1", settings.web.web_port, backlog=LISTEN_BACKLOG
                ).start()
            if workers:
                worker = await create_worker(settings, resources, bot, max_bot)
                await worker.start()
                stack.push_async_callback(worker.stop)
            polled = None if max_webhook else max_bot
            bots = [bot] if polled is None else [polled, bot]  # start-up hooks see the last
            polling = asyncio.create_task(
                dp.start_polling(
                    *bots,
                    handle_signals=False,
                    polling_timeout=1,
                    tasks_concurrency_limit=UPDATE_CONCURRENCY,
                )
            )
            try:
                await tg.wait_polling()
                if max_webhook and max_bot is not None:
                    await subscribe(max_bot, url=str(settings.max.webhook_url), secret=MAX_SECRET)
                elif mx is not None:
                    await mx.wait_polling()
                running = RunningBot(tg, settings, resources, bot, dp, max_bot, mx)
                yield running
                await running.settle()  # the last updates handled before shutdown
            finally:
                await dp.stop_polling()
                with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                    await asyncio.wait_for(polling, 10)
                await bot.session.close()
