"""Setting the webhook from many replicas at once: Telegram hears it once."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from aiogram import Bot
from aiohttp import web

from bot.app import build_bot, build_dispatcher, open_resources
from bot.webhook import MARKER_KEY, add_webhook_route, ensure_webhook, forget_webhook
from storage.redis import create_redis
from tests.conftest import Backend
from tests.fake_telegram import FakeTelegram
from tests.sandbox_server import free_port

URL = "https://bot.example.com/telegram/webhook"


async def test_replicas_starting_together_set_the_webhook_once(backend: Backend) -> None:
    async with FakeTelegram() as tg:
        settings = backend.settings(telegram_api_url=tg.base_url)
        redis = create_redis(settings.redis_url)
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
