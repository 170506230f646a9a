"""`cabinet-bot run`: migrations, the web server, long polling and the workers in one process,
in Telegram, in Max, or in both (each messenger whose token is set)."""

from __future__ import annotations

import asyncio
import contextlib

import structlog
from aiogram import Bot
from aiohttp import web

from bot.config import Settings
from bot.factory.max import build_max_bot
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
    """`cabinet-bot run`: migrations, the web server and long polling in one process. Without
    MAX_BOT_TOKEN it is the Telegram bot; with it alone, the Max bot; with both, one bot in
    two messengers (one dispatcher, one database)."""
    telegram = None if settings.max_alone else build_bot(settings)
    await asyncio.to_thread(migrate.upgrade, settings.database.url)
    # The bots' HTTP sessions are closed however this ends, a failing getMe at start-up too.
    async with contextlib.AsyncExitStack() as stack:
        if telegram is not None:
            await stack.enter_async_context(telegram)
        resources = await stack.enter_async_context(open_resources(settings))
        max_bot = await build_max_bot(settings, resources)
        if max_bot is not None:
            stack.push_async_callback(max_bot.session.close)
        bots = [b for b in (max_bot, telegram) if b is not None]
        dp = build_dispatcher(settings, resources)
        runner = web.AppRunner(
            create_app(settings, resources, bot_usernames=await _usernames(telegram, max_bot)),
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
            # Telegram's bot last: the start-up hooks see it as `bot` (the staff's messenger).
            await dp.start_polling(
                *bots,
                allowed_updates=dp.resolve_used_update_types(),
                tasks_concurrency_limit=UPDATE_CONCURRENCY,
            )
        finally:
            await worker.stop()
            await runner.cleanup()


async def _usernames(telegram: Bot | None, max_bot: Bot | None) -> dict[Channel, str]:
    """The bot's name in each messenger: a sign-in's return link opens its chat there."""
    names = {}
    for channel, bot in ((Channel.TELEGRAM, telegram), (Channel.MAX, max_bot)):
        if bot is not None:
            names[channel] = (await bot.me()).username or ""
    return names
