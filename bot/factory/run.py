"""`cabinet-bot run`: migrations, the web server, long polling and the workers in one process."""

from __future__ import annotations

import asyncio

import structlog
from aiohttp import web

from bot.config import Settings
from bot.factory.resources import open_resources
from bot.factory.serving import LISTEN_BACKLOG
from bot.factory.telegram import UPDATE_CONCURRENCY, build_bot, build_dispatcher
from bot.factory.web_app import create_app
from bot.factory.worker import create_worker
from bot.webhook import forget_webhook
from storage import migrate
from storage.accounts import Channel

log = structlog.get_logger(__name__)


async def run(settings: Settings) -> None:
    """`cabinet-bot run`: migrations, the web server and long polling in one process."""
    bot = build_bot(settings)
    await asyncio.to_thread(migrate.upgrade, settings.database.url)
    # The bot's HTTP session is closed however this ends, a failing getMe at start-up too.
    async with bot, open_resources(settings) as resources:
        dp = build_dispatcher(settings, resources)
        me = await bot.me()
        runner = web.AppRunner(
            create_app(settings, resources, bot_usernames={Channel.TELEGRAM: me.username or ""}),
            access_log=None,
        )
        await runner.setup()
        site = web.TCPSite(
            runner, settings.web.web_host, settings.web.web_port, backlog=LISTEN_BACKLOG
        )
        await site.start()
        log.info(
            "started",
            web=f"http://{settings.web.web_host}:{settings.web.web_port}",
            database=resources.engine.dialect.name,
            redis="server" if settings.redis.url else "embedded",
        )
        worker = await create_worker(settings, resources, bot)
        await worker.start()
        try:
            await forget_webhook(bot, resources.redis)
            await dp.start_polling(
                bot,
                allowed_updates=dp.resolve_used_update_types(),
                tasks_concurrency_limit=UPDATE_CONCURRENCY,
            )
        finally:
            await worker.stop()
            await runner.cleanup()
