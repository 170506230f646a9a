"""Setting the webhook from many replicas at once: Telegram hears it once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import httpx
import pytest
from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramServerError
from aiohttp import web
from prometheus_client import REGISTRY

from bot.config import Settings
from bot.factory import bots as bots_module
from bot.factory.resources import open_resources
from bot.factory.run import run
from bot.factory.telegram import build_bot, build_dispatcher
from bot.factory.web import run_web
from bot.webhook import MARKER_KEY, add_webhook_route, ensure_webhook, forget_webhook
from storage.redis import create_redis
from tests.conftest import Backend
from tests.fake_telegram import FakeTelegram
from tests.sandbox_server import free_port

URL = "https://bot.example.com/telegram/webhook"
SECRET = "webhook-test-secret-0123456789"


async def test_replicas_starting_together_set_the_webhook_once(backend: Backend) -> None:
    async with FakeTelegram() as tg:
        settings = backend.settings(telegram_api_url=tg.base_url)
        redis = create_redis(settings.redis.url)
        bots = [build_bot(settings) for _ in range(4)]  # four replicas, one Redis

        async def start(bot: Bot, secret: str = "s1") -> bool:
            return await ensure_webhook(
                bot,
                redis,
                url=URL,
                secret=secret,
                allowed_updates=["message", "callback_query"],
                max_connections=40,
            )

        try:
            assert sorted(await asyncio.gather(*(start(bot) for bot in bots))) == [
                False,
                False,
                False,
                True,
            ]
            assert tg.count("setWebhook") == 1
            call = tg.calls_of("setWebhook")[0]
            assert call.params["url"] == URL
            assert call.params["secret_token"] == "s1"

            assert await start(bots[0]) is False, "a restart with the same settings: no call"
            assert await start(bots[1], secret="s2") is True, "a new secret is set again"
            assert tg.count("setWebhook") == 2

            await bots[0].delete_webhook()  # by hand, behind the replicas' back
            assert await start(bots[1], secret="s2") is True, "Telegram lost it: set again"
            assert tg.count("setWebhook") == 3

            await forget_webhook(bots[2], redis)  # `cabinet-bot run` switches to polling
            assert tg.count("deleteWebhook") == 2
            assert await redis.get(MARKER_KEY) is None
            assert await start(bots[3], secret="s2") is True, "back to webhooks: set again"
        finally:
            for bot in bots:
                await bot.session.close()
            await redis.aclose()


@pytest.mark.backends("embedded")
async def test_an_unreadable_update_is_acknowledged_not_sent_again_for_hours(
    migrated: Backend,
) -> None:
    """A message without a chat: aiogram cannot parse it. The webhook answered 500, so
    Telegram would send it again for hours and the log got a traceback with its content."""
    async with FakeTelegram() as tg:
        settings = migrated.settings(telegram_api_url=tg.base_url)
        async with open_resources(settings) as resources:
            bot = build_bot(settings)
            app = web.Application()
            add_webhook_route(app, build_dispatcher(settings, resources), bot, url=URL, secret="s1")
            runner = web.AppRunner(app)
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            try:
                async with httpx.AsyncClient(timeout=10) as http:
                    answer = await http.post(
                        f"http://127.0.0.1:{port}/telegram/webhook",
                        json={"update_id": 7, "message": {"message_id": 1, "date": 1, "text": "x"}},
                        headers={"X-Telegram-Bot-Api-Secret-Token": "s1"},
                    )
            finally:
                await runner.cleanup()
                await bot.session.close()
    assert answer.status_code == 200


def refused() -> float:
    return (
        REGISTRY.get_sample_value("cabinet_webhook_refused_total", {"messenger": "telegram"}) or 0.0
    )


@pytest.mark.backends("embedded")
async def test_a_wrong_or_missing_secret_is_refused_logged_and_counted(
    migrated: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    """Someone other than Telegram, or a secret changed in a rolling update: 401, a warning
    that says which (never the secret or what was sent instead) and a counter to alert on."""
    forged = "forged-secret-abcdefghijklmnop"
    async with FakeTelegram() as tg:
        settings = migrated.settings(telegram_api_url=tg.base_url)
        async with open_resources(settings) as resources:
            bot = build_bot(settings)
            app = web.Application()
            dp = build_dispatcher(settings, resources)
            add_webhook_route(app, dp, bot, url=URL, secret=SECRET)
            runner = web.AppRunner(app)
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            before = refused()
            update = {"update_id": 8, "message": {"message_id": 1, "date": 1, "text": "x"}}
            try:
                async with httpx.AsyncClient(timeout=10) as http:
                    endpoint = f"http://127.0.0.1:{port}/telegram/webhook"
                    wrong = await http.post(
                        endpoint, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": forged}
                    )
                    missing = await http.post(endpoint, json=update)
            finally:
                await runner.cleanup()
                await bot.session.close()
    assert (wrong.status_code, missing.status_code) == (401, 401)
    assert refused() == before + 2
    logged = [r for r in caplog.records if "webhook_secret_refused" in str(r.msg)]
    assert [r.levelno for r in logged] == [logging.WARNING, logging.WARNING]
    events = [r.msg for r in logged if isinstance(r.msg, dict)]
    assert [(e["header"], e["client"]) for e in events] == [
        ("wrong", "127.0.0.1"),
        ("missing", "127.0.0.1"),
    ]
    text = caplog.text + repr([r.msg for r in caplog.records])
    assert SECRET not in text
    assert forged not in text


@pytest.mark.backends("embedded")
@pytest.mark.parametrize("command", [run, run_web], ids=["run", "web"])
async def test_a_failing_get_me_at_start_up_closes_the_bots_session(
    migrated: Backend,
    monkeypatch: pytest.MonkeyPatch,
    command: Callable[[Settings], Awaitable[None]],
) -> None:
    """getMe failing at start-up stops the process with Telegram's error, as before, but the
    bot's HTTP session is closed first: it was left open ("Unclosed client session")."""
    built: list[Bot] = []

    def build(settings: Settings, session: BaseSession | None = None) -> Bot:
        built.append(build_bot(settings, session))
        return built[-1]

    monkeypatch.setattr(bots_module, "build_bot", build)  # the bots of `run` and `web`
    async with FakeTelegram() as tg:
        tg.fail("getMe", 500)
        settings = migrated.settings(
            telegram_api_url=tg.base_url,
            telegram_webhook_url=URL,
            telegram_webhook_secret=SECRET,
            cabinet_url="http://127.0.0.1:9/cabinet",  # never called: start-up stops before
            cabinet_token="cabinet-token",
            events_secret="events-secret",
            esia_url="http://127.0.0.1:9/sandbox/esia",
            web_port=free_port(),
        )
        with pytest.raises(TelegramServerError):
            await command(settings)
        assert tg.count("getMe") == 1
    [bot] = built
    assert isinstance(bot.session, AiohttpSession)
    assert bot.session._session is not None, "getMe went over HTTP"
    assert bot.session._session.closed
