"""`cabinet-bot run`: migrations, the web server, long polling and the workers in one process,
in Telegram, in Max, or in both (each messenger whose token is set)."""

from __future__ import annotations

import asyncio

import structlog
from aiohttp import web

from bot.config import Settings
from bot.factory.bots import open_bots
from bot.factory.resources import open_resources
from bot.factory.serving import LISTEN_BACKLOG
from bot.factory.telegram import UPDATE_CONCURRENCY, build_dispatcher
from bot.factory.web_app import create_app
from bot.factory.worker import create_worker
from bot.webhook import forget_webhook
from storage import migrate

log = structlog.get_logger(__name__)


async def run(settings: Settings) -> None:
    """`cabinet-bot run`: migrations, the web server and long polling in one process. Without
    MAX_BOT_TOKEN it is the Telegram bot; with it alone, the Max bot; with both, one bot in
    two messengers (one dispatcher, one database)."""
    await asyncio.to_thread(migrate.upgrade, settings.database.url)
    async with open_resources(settings) as resources, open_bots(settings, resources) as bots:
        telegram, max_bot = bots.telegram, bots.max
        staff_bot = bots.of(settings.staff.support_chat_messenger)
        dp = build_dispatcher(settings, resources, staff_bot=staff_bot)
        runner = web.AppRunner(
            create_app(settings, resources, bot_usernames=await bots.usernames()),
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
            messengers=[name for name, b in (("telegram", telegram), ("max", max_bot)) if b],
        )
        worker = await create_worker(settings, resources, telegram, max_bot)
        await worker.start()
        try:
            if telegram is not None:
                await forget_webhook(telegram, resources.redis)
            if max_bot is not None:
                await max_bot.delete_webhook()  # Max refuses long polling beside a subscription
            await dp.start_polling(
                *bots.all,
                allowed_updates=dp.resolve_used_update_types(),
                tasks_concurrency_limit=UPDATE_CONCURRENCY,
            )
        finally:
            await worker.stop()
            await runner.cleanup()
