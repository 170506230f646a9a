"""The composition root: builds the bot, the dispatcher and the web app from the settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.memory import DisabledEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from aiogram_dialog import setup_dialogs
from aiogram_i18n import I18nMiddleware
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import Settings
from bot.handlers import build_root_router
from bot.i18n import SUPPORTED, create_i18n_middleware
from bot.middlewares.database import DatabaseMiddleware
from bot.middlewares.metrics import MetricsMiddleware
from bot.middlewares.user import UserMiddleware
from bot.web import create_web_app
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.fsm import FSMStorage
from storage.profiles import ProfileStore
from storage.redis import KEY_PREFIX, create_redis

log = structlog.get_logger(__name__)

COMMANDS = ("start", "menu", "settings", "help", "cancel", "revoke")


@dataclass(frozen=True)
class Resources:
    """What the process connects to; closed together."""

    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    redis: Redis


@asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    engine = create_engine(settings.database_url)
    redis = create_redis(settings.redis_url)
    try:
        yield Resources(engine, create_session_factory(engine), redis)
    finally:
        await redis.aclose()
        await engine.dispose()


def build_bot(settings: Settings) -> Bot:
    token = settings.require_token().get_secret_value()
    api = (
        TelegramAPIServer.from_base(settings.telegram_api_url)
        if settings.telegram_api_url
        else None
    )
    session = AiohttpSession(api=api) if api else AiohttpSession()
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(settings: Settings, resources: Resources) -> Dispatcher:
    """The full stack; the order of the outer middlewares is the order of this function."""
    key_builder = DefaultKeyBuilder(prefix=KEY_PREFIX, with_bot_id=True, with_destiny=True)
    storage = FSMStorage(
        resources.redis,
        key_builder=key_builder,
        state_ttl=settings.fsm_ttl_seconds,
        data_ttl=settings.fsm_ttl_seconds,
    )
    isolation = RedisEventIsolation(
        resources.redis, key_builder=key_builder, lock_kwargs={"timeout": 60, "sleep": 0.01}
    )
    profiles = ProfileStore(
        resources.redis,
        resources.session_factory,
        prefix=KEY_PREFIX,
        default_time_zone=settings.default_time_zone,
    )
    # aiogram's FSM middleware comes first of all and takes the user's Redis lock (isolation
    # across replicas) before reading the state; everything below runs under that lock.
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        settings=settings,
        redis=resources.redis,
        profiles=profiles,
        session_factory=resources.session_factory,
    )
    i18n = create_i18n_middleware(settings.default_locale.value)
    updates = MetricsMiddleware()
    # Before the other shutdown hooks (FSMStorage.close is a no-op: open_resources owns Redis).
    dp.shutdown.register(updates.drain)
    dp.update.outer_middleware(updates)
    dp.update.outer_middleware(
        UserMiddleware(
            resources.redis,
            profiles,
            flood_rate=settings.flood_rate,
            prefix=KEY_PREFIX,
            core=i18n.core,
            default_locale=settings.default_locale.value,
        )
    )
    dp.update.outer_middleware(DatabaseMiddleware(resources.session_factory))
    i18n.setup(dp)
    dp.include_router(build_root_router(support_chat_id=settings.support_chat_id))
    # No second lock for the dialog stack: the user's Redis lock is held around every update.
    setup_dialogs(dp, events_isolation=DisabledEventIsolation())
    dp.startup.register(_set_commands)
    return dp


async def _set_commands(bot: Bot, i18n_middleware: I18nMiddleware, settings: Settings) -> None:
    core = i18n_middleware.core
    for locale in (None, *SUPPORTED):
        commands = [
            BotCommand(
                command=name,
                description=core.get(f"command-{name}", locale or settings.default_locale.value),
            )
            for name in COMMANDS
        ]
        await bot.set_my_commands(
            commands, scope=BotCommandScopeAllPrivateChats(), language_code=locale
        )


async def run(settings: Settings) -> None:
    """`cabinet-bot run`: migrations, the web server and long polling in one process."""
    bot = build_bot(settings)
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    async with open_resources(settings) as resources:
        dp = build_dispatcher(settings, resources)
        runner = web.AppRunner(
            create_web_app(engine=resources.engine, redis=resources.redis), access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, settings.web_host, settings.web_port)
        await site.start()
        log.info(
            "started",
            web=f"http://{settings.web_host}:{settings.web_port}",
            database=resources.engine.dialect.name,
            redis="server" if settings.redis_url else "embedded",
        )
        try:
            await bot.delete_webhook(drop_pending_updates=False)
            await dp.start_polling(bot, allowed_updates=dp.resolve_used_update_types())
        finally:
            await runner.cleanup()
            await bot.session.close()
