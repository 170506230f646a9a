"""The bot and its dispatcher: the middlewares in their order, the routers, the commands."""

from __future__ import annotations

from functools import partial

import structlog
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramAPIError
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.memory import DisabledEventIsolation
from aiogram.fsm.storage.redis import RedisEventIsolation
from aiogram.types import BotCommand, BotCommandScopeAllPrivateChats
from aiogram_dialog import setup_dialogs
from aiogram_i18n import I18nMiddleware

from bot import dialog_ids
from bot.config import Settings
from bot.factory.resources import Resources
from bot.handlers import build_root_router
from bot.i18n import SUPPORTED, create_i18n_middleware
from bot.max_messenger.session import MaxSession
from bot.middlewares.database import DatabaseMiddleware
from bot.middlewares.inbound import InboundShape
from bot.middlewares.messenger import MessengerMiddleware
from bot.middlewares.metrics import MetricsMiddleware
from bot.middlewares.outage import HandlerStarted, RedisOutage
from bot.middlewares.user import UserMiddleware
from bot.updates import UnreadableUpdates
from notify.pacing import ReplyPacing
from storage.fsm import FSMStorage
from storage.profiles import ProfileStore
from storage.redis import KEY_PREFIX

log = structlog.get_logger(__name__)

COMMANDS = ("start", "menu", "settings", "help", "logout", "cancel", "revoke")

#: Updates handled at once in polling mode: more wait at Telegram (polling pauses), instead of
#: thousands of tasks holding database connections (a pool of 20) while they wait their turn
#: to reply. A storm of 3,000 updates made incidents of pool timeouts without it.
UPDATE_CONCURRENCY = 16


def build_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    """The bot; its `session` is aiogram's HTTP one unless another transport is given."""
    token = settings.telegram.require_token().get_secret_value()
    if session is None:
        api = (
            TelegramAPIServer.from_base(settings.telegram.api_url)
            if settings.telegram.api_url
            else None
        )
        session = AiohttpSession(api=api) if api else AiohttpSession()
    session.middleware(UnreadableUpdates())  # one bad update must not stop polling
    return Bot(token, session=session, default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def build_dispatcher(
    settings: Settings, resources: Resources, *, staff_bot: Bot | None = None
) -> Dispatcher:
    """The full stack; the order of the outer middlewares is the order of this function.
    `staff_bot` is the bot of the staff chat's messenger (SUPPORT_CHAT_MESSENGER), which posts
    there whatever messenger a question comes from."""
    key_builder = DefaultKeyBuilder(prefix=KEY_PREFIX, with_bot_id=True, with_destiny=True)
    storage = FSMStorage(
        resources.redis,
        key_builder=key_builder,
        state_ttl=settings.chat.fsm_ttl_seconds,
        data_ttl=settings.chat.fsm_ttl_seconds,
    )
    isolation = RedisEventIsolation(
        resources.redis, key_builder=key_builder, lock_kwargs={"timeout": 60, "sleep": 0.01}
    )
    profiles = ProfileStore(
        resources.redis,
        resources.session_factory,
        prefix=KEY_PREFIX,
        default_time_zone=settings.chat.default_time_zone,
    )
    # aiogram's FSM middleware takes the user's Redis lock (isolation across replicas) before
    # reading the state; everything after it runs under that lock. It is registered here, after
    # the metrics, so that an update still waiting for its user's lock is in flight too: it
    # counts in the handler latency, and shutdown waits for it instead of closing under it.
    dp = Dispatcher(
        storage=storage,
        events_isolation=isolation,
        disable_fsm=True,
        settings=settings,
        redis=resources.redis,
        profiles=profiles,
        session_factory=resources.session_factory,
        cabinet=resources.cabinet,
        link_flow=resources.link_flow,
        document_links=resources.document_links,
        renderers=resources.renderers,
        doorbell=resources.doorbell,
        staff_bot=staff_bot,
    )
    i18n = create_i18n_middleware(settings.chat.default_locale.value)
    updates = MetricsMiddleware()
    # Before the other shutdown hooks (FSMStorage.close is a no-op: open_resources owns Redis).
    dp.shutdown.register(updates.drain)
    dp.update.outer_middleware(updates)
    dp.update.outer_middleware(InboundShape())
    dp.update.outer_middleware(MessengerMiddleware())
    # Before everything that needs Redis (the user's lock first), and around it.
    dp.update.outer_middleware(RedisOutage(i18n.core, settings.chat.default_locale.value))
    dp.update.middleware(HandlerStarted())
    dp.update.outer_middleware(dp.fsm)
    dp.update.outer_middleware(
        UserMiddleware(
            resources.redis,
            profiles,
            flood_rate=settings.chat.flood_rate,
            prefix=KEY_PREFIX,
            core=i18n.core,
            default_locale=settings.chat.default_locale.value,
        )
    )
    dp.update.outer_middleware(DatabaseMiddleware(resources.session_factory))
    i18n.setup(dp)
    dp.include_router(build_root_router(support_chat_id=settings.staff.chat_key))
    # No second lock for the dialog stack: the user's Redis lock is held around every update.
    dialog_ids.install()
    setup_dialogs(dp, events_isolation=DisabledEventIsolation())
    dp.startup.register(partial(_pace_replies, ReplyPacing(resources.limiter)))
    dp.startup.register(_set_commands)
    return dp


async def _pace_replies(pacing: ReplyPacing, bot: Bot, bots: list[Bot] | None = None) -> None:
    """The Telegram bot's direct replies take their slots of Telegram's shared budget (once;
    the Max bot is paced by its own budget when it is built)."""
    for one in bots or [bot]:
        paced = any(isinstance(m, ReplyPacing) for m in one.session.middleware)
        if not paced and not isinstance(one.session, MaxSession):
            one.session.middleware(pacing)


async def _set_commands(bot: Bot, i18n_middleware: I18nMiddleware, settings: Settings) -> None:
    """The command menu, in every language. Cosmetic: a refusal or an unreachable Bot API is a
    warning (the menu stays as it was) and the bot starts anyway; the rest are not tried."""
    core = i18n_middleware.core
    for locale in (None, *SUPPORTED):
        commands = [
            BotCommand(
                command=name,
                description=core.get(
                    f"command-{name}", locale or settings.chat.default_locale.value
                ),
            )
            for name in COMMANDS
        ]
        try:
            await bot.set_my_commands(
                commands, scope=BotCommandScopeAllPrivateChats(), language_code=locale
            )
        except (TelegramAPIError, OSError) as exc:  # network errors included
            log.warning("set_commands_failed", error=type(exc).__name__)
            return
