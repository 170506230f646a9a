"""Setting the webhook from many replicas at once: Telegram hears it once."""

from __future__ import annotations

import asyncio

from aiogram import Bot

from bot.app import build_bot
from bot.webhook import MARKER_KEY, ensure_webhook, forget_webhook
from storage.redis import create_redis
from tests.conftest import Backend
from tests.fake_telegram import FakeTelegram

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
