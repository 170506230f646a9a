"""The composition root: builds the bot, the dispatcher and the web app from the settings."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import signal
from collections.abc import AsyncIterator, Awaitable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

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
from aiohttp import web
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot import dialog_ids
from bot.config import SANDBOX_CABINET_PATH, PrivacyMode, Settings
from bot.contacts_web import create_contacts_app
from bot.document_web import create_document_app
from bot.filing_web import create_form_app
from bot.flows.documents import FORM_TTL, DocumentLinks
from bot.flows.new_policy import WEB_PURPOSE as BUY_PURPOSE
from bot.flows.policy_change import WEB_PURPOSE as CHANGE_PURPOSE
from bot.handlers import build_root_router
from bot.i18n import SUPPORTED, create_core, create_i18n_middleware
from bot.identity import (
    SANDBOX_ESIA_PATH,
    IdentityWiring,
    check_provider,
    sandbox_esia_config,
    wire_identity,
)
from bot.middlewares.database import DatabaseMiddleware
from bot.middlewares.inbound import InboundShape
from bot.middlewares.metrics import MetricsMiddleware
from bot.middlewares.outage import HandlerStarted, RedisOutage
from bot.middlewares.user import UserMiddleware
from bot.new_policy_web import NewPolicyQuestions
from bot.policy_change_web import PolicyChangeQuestions
from bot.questions_web import create_questions_app
from bot.sign_in_notice import SignInNotice
from bot.updates import UnreadableUpdates
from bot.web import create_web_app
from bot.web_guard import PerIpLimit, add_security_headers
from bot.web_outage import unavailable_without_redis
from bot.webhook import add_webhook_route, ensure_webhook, forget_webhook
from cabinet import CabinetClient, ReadCache
from linking.channels import Channel
from linking.codes import CodeStore
from linking.flow import LinkFlow
from linking.web import create_link_app, too_many_requests
from notify.admin_api import create_admin_app
from notify.doorbell import Doorbell
from notify.events import EventLimits, EventsWebhook
from notify.limiter import Limiter
from notify.pacing import ReplyPacing
from notify.worker import create_worker
from sandbox.cabinet import SandboxConfig
from sandbox.cabinet import create_app as create_sandbox_cabinet
from sandbox.esia import create_app as create_sandbox_esia
from storage import migrate
from storage.db import create_engine, create_session_factory
from storage.fsm import FSMStorage
from storage.profiles import ProfileStore
from storage.redis import KEY_PREFIX, create_redis

log = structlog.get_logger(__name__)

COMMANDS = ("start", "menu", "settings", "help", "logout", "cancel", "revoke")


@dataclass(frozen=True)
class CabinetWiring:
    """Where the cabinet client calls, with which token; the sandbox to mount, if any."""

    base_url: str
    token: str = field(repr=False)
    events_secret: bytes = field(repr=False)
    sandbox: SandboxConfig | None = field(repr=False)


def wire_cabinet(settings: Settings) -> CabinetWiring:
    """The real cabinet when `CABINET_URL` is set; otherwise the sandbox on our own web server,
    called over loopback, with per-process random secrets unless they are configured."""
    token = settings.cabinet_token.get_secret_value() if settings.cabinet_token else None
    events_secret = (
        settings.events_secret.get_secret_value().encode()
        if settings.events_secret
        else secrets.token_bytes(32)
    )
    if settings.cabinet_url:
        assert token is not None  # load_settings requires it with CABINET_URL
        return CabinetWiring(settings.cabinet_url, token, events_secret, None)
    token = token or secrets.token_urlsafe(32)
    host = settings.web_host if settings.web_host not in {"", "0.0.0.0", "::"} else "127.0.0.1"  # noqa: S104
    sandbox = SandboxConfig(
        token=token,
        public_url=settings.public_url + SANDBOX_CABINET_PATH,
        events_url=settings.cabinet_events_url or settings.public_url + "/events",
        events_secret=events_secret,
    )
    local_url = f"http://{host}:{settings.web_port}{SANDBOX_CABINET_PATH}"
    return CabinetWiring(local_url, token, events_secret, sandbox)


@dataclass(frozen=True)
class Resources:
    """What the process connects to; closed together."""

    engine: AsyncEngine
    session_factory: async_sessionmaker[AsyncSession]
    redis: Redis
    cabinet: CabinetClient
    wiring: CabinetWiring
    identity: IdentityWiring
    link_flow: LinkFlow
    document_links: DocumentLinks
    doorbell: Doorbell
    limiter: Limiter  # Telegram's budget, shared by the outbox and direct replies


@contextlib.asynccontextmanager
async def open_resources(settings: Settings) -> AsyncIterator[Resources]:
    engine = create_engine(settings.database_url)
    redis = create_redis(settings.redis_url)
    wiring = wire_cabinet(settings)
    cabinet = CabinetClient(
        wiring.base_url, wiring.token, cache=ReadCache(redis, prefix=KEY_PREFIX)
    )
    identity = wire_identity(settings)
    session_factory = create_session_factory(engine)
    notice_core = create_core(settings.default_locale.value)
    await notice_core.startup()
    flow = LinkFlow(
        codes=CodeStore(redis, prefix=KEY_PREFIX),
        provider=identity.provider,
        cabinet=cabinet,
        public_url=settings.public_url,
        on_failure=SignInNotice(session_factory, notice_core, settings.support_contacts),
    )
    try:
        await check_provider(identity.provider)
        yield Resources(
            engine,
            session_factory,
            redis,
            cabinet,
            wiring,
            identity,
            flow,
            DocumentLinks(redis, prefix=KEY_PREFIX),
            Doorbell(redis, prefix=KEY_PREFIX),
            Limiter(
                redis,
                prefix=KEY_PREFIX,
                rate=settings.telegram_rate_limit,
                paid_rate=settings.telegram_paid_rate,
            ),
        )
    finally:
        await identity.provider.aclose()
        await cabinet.aclose()
        await redis.aclose()
        await engine.dispose()


#: Updates handled at once in polling mode: more wait at Telegram (polling pauses), instead of
#: thousands of tasks holding database connections (a pool of 20) while they wait their turn
#: to reply. A storm of 3,000 updates made incidents of pool timeouts without it.
UPDATE_CONCURRENCY = 16

#: Connections waiting to be accepted. aiohttp's default (128) made a burst of connections
#: from one client reset (the kernel caps it at net.core.somaxconn).
LISTEN_BACKLOG = 1024


def build_bot(settings: Settings, session: BaseSession | None = None) -> Bot:
    """The bot; its `session` is aiogram's HTTP one unless another transport is given."""
    token = settings.require_token().get_secret_value()
    if session is None:
        api = (
            TelegramAPIServer.from_base(settings.telegram_api_url)
            if settings.telegram_api_url
            else None
        )
        session = AiohttpSession(api=api) if api else AiohttpSession()
    session.middleware(UnreadableUpdates())  # one bad update must not stop polling
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
        doorbell=resources.doorbell,
    )
    i18n = create_i18n_middleware(settings.default_locale.value)
    updates = MetricsMiddleware()
    # Before the other shutdown hooks (FSMStorage.close is a no-op: open_resources owns Redis).
    dp.shutdown.register(updates.drain)
    dp.update.outer_middleware(updates)
    dp.update.outer_middleware(InboundShape())
    # Before everything that needs Redis (the user's lock first), and around it.
    dp.update.outer_middleware(RedisOutage(i18n.core, settings.default_locale.value))
    dp.update.middleware(HandlerStarted())
    dp.update.outer_middleware(dp.fsm)
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
    dialog_ids.install()
    setup_dialogs(dp, events_isolation=DisabledEventIsolation())
    dp.startup.register(partial(_pace_replies, ReplyPacing(resources.limiter)))
    dp.startup.register(_set_commands)
    return dp


async def _pace_replies(pacing: ReplyPacing, bot: Bot) -> None:
    """The bot's direct replies take their slots of the shared budget (once per bot)."""
    if not any(isinstance(m, ReplyPacing) for m in bot.session.middleware):
        bot.session.middleware(pacing)


async def _set_commands(bot: Bot, i18n_middleware: I18nMiddleware, settings: Settings) -> None:
    """The command menu, in every language. Cosmetic: a refusal or an unreachable Bot API is a
    warning (the menu stays as it was) and the bot starts anyway; the rest are not tried."""
    core = i18n_middleware.core
    for locale in (None, *SUPPORTED):
        commands = [
            BotCommand(
                command=name,
                description=core.get(f"command-{name}", locale or settings.default_locale.value),
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


def create_app(settings: Settings, resources: Resources, *, bot_username: str) -> web.Application:
    """The process's web server: health, the linking pages, and the sandboxes that stand in
    for a cabinet and an identity provider that are not configured."""
    app = create_web_app(engine=resources.engine, redis=resources.redis)
    app.middlewares.append(unavailable_without_redis)
    add_security_headers(app, https=settings.public_url.startswith("https://"))
    link_limit, events_limit, refused_limit = (
        PerIpLimit(
            resources.redis,
            prefix=KEY_PREFIX,
            group=group,
            per_minute=per_minute,
            trusted_proxies=settings.trusted_proxies,
        )
        for group, per_minute in (
            ("link", settings.rate_limit_link),
            ("events", settings.rate_limit_events),
            ("events-refused", settings.rate_limit_events_refused),
        )
    )
    app.add_subapp(
        "/link",
        create_link_app(
            resources.link_flow,
            bot_usernames={Channel.TELEGRAM: bot_username},
            support_contacts=settings.support_contacts,
            middlewares=[link_limit.middleware(too_many_requests)],
        ),
    )
    core = create_core(settings.default_locale.value)
    app.on_startup.append(lambda _: core.startup())
    app.add_subapp(
        "/d",
        create_document_app(
            resources.document_links, resources.cabinet, core, resources.session_factory
        ),
    )
    form_links = DocumentLinks(resources.redis, prefix=KEY_PREFIX, ttl=FORM_TTL)
    app.add_subapp(
        "/f",
        create_form_app(
            form_links,
            resources.cabinet,
            core,
            resources.session_factory,
            middlewares=[link_limit.middleware(too_many_requests)],
        ),
    )
    app.add_subapp(
        "/c",
        create_contacts_app(
            form_links,
            resources.cabinet,
            core,
            resources.session_factory,
            middlewares=[link_limit.middleware(too_many_requests)],
        ),
    )
    app.add_subapp(
        "/q",
        create_questions_app(
            form_links,
            resources.cabinet,
            core,
            resources.session_factory,
            purposes={
                BUY_PURPOSE: NewPolicyQuestions(),
                CHANGE_PURPOSE: PolicyChangeQuestions(),
            },
            middlewares=[link_limit.middleware(too_many_requests)],
        ),
    )
    EventsWebhook(
        secret=resources.wiring.events_secret,
        session_factory=resources.session_factory,
        core=core,
        strict=settings.privacy_mode is PrivacyMode.STRICT,
        cabinet=resources.cabinet,
        doorbell=resources.doorbell,
        limits=EventLimits(signed=events_limit.retry_after, refused=refused_limit.retry_after),
        support_contacts=settings.support_contacts,
    ).add_to(app)
    if settings.admin_api_token is not None and settings.admin_api_token.get_secret_value():
        app.add_subapp(
            "/admin",
            create_admin_app(
                token=settings.admin_api_token.get_secret_value(),
                session_factory=resources.session_factory,
                policies=resources.cabinet,
            ),
        )
    if resources.identity.sandbox_app is not None:
        log.warning(
            "sandbox_esia_mounted",
            url=settings.public_url + SANDBOX_ESIA_PATH,
            hint="test citizens only; set IDP=esia or IDP=oidc for real sign-in",
        )
        app.add_subapp(SANDBOX_ESIA_PATH, resources.identity.sandbox_app)
    if resources.wiring.sandbox is not None:
        log.warning(
            "sandbox_cabinet_mounted",
            url=resources.wiring.sandbox.public_url,
            hint="demo data only; set CABINET_URL and CABINET_TOKEN for the insurer's cabinet",
        )
        app.add_subapp(SANDBOX_CABINET_PATH, create_sandbox_cabinet(resources.wiring.sandbox))
    return app


async def run_sandbox(settings: Settings) -> None:
    """`cabinet-bot sandbox`: the sandbox cabinet alone, for a bot in another process."""
    token, events_secret = settings.require_sandbox_secrets()
    root = settings.sandbox_public_url or f"http://{settings.sandbox_host}:{settings.sandbox_port}"
    config = SandboxConfig(
        token=token,
        public_url=root + SANDBOX_CABINET_PATH,
        events_url=settings.cabinet_events_url or settings.public_url + "/events",
        events_secret=events_secret,
    )
    app = web.Application()
    app.add_subapp(SANDBOX_CABINET_PATH, create_sandbox_cabinet(config))
    # Only the bot's own callback: the dev signer is public, any other target would make the
    # sandbox an open redirect that hands out codes.
    esia = sandbox_esia_config(
        root + SANDBOX_ESIA_PATH, redirect_uris=(f"{settings.public_url}/link/callback",)
    )
    app.add_subapp(SANDBOX_ESIA_PATH, create_sandbox_esia(esia))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(
        runner, settings.sandbox_host, settings.sandbox_port, backlog=LISTEN_BACKLOG
    ).start()
    log.info(
        "sandbox_started",
        cabinet=config.public_url,
        operator=config.public_url + "/operator",
        esia=root + SANDBOX_ESIA_PATH,
        events=config.events_url,
    )
    try:
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def run(settings: Settings) -> None:
    """`cabinet-bot run`: migrations, the web server and long polling in one process."""
    bot = build_bot(settings)
    await asyncio.to_thread(migrate.upgrade, settings.database_url)
    # The bot's HTTP session is closed however this ends, a failing getMe at start-up too.
    async with bot, open_resources(settings) as resources:
        dp = build_dispatcher(settings, resources)
        me = await bot.me()
        runner = web.AppRunner(
            create_app(settings, resources, bot_username=me.username or ""), access_log=None
        )
        await runner.setup()
        site = web.TCPSite(runner, settings.web_host, settings.web_port, backlog=LISTEN_BACKLOG)
        await site.start()
        log.info(
            "started",
            web=f"http://{settings.web_host}:{settings.web_port}",
            database=resources.engine.dialect.name,
            redis="server" if settings.redis_url else "embedded",
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


#: SIGTERM to exit: the balancer has stopped sending, in-flight requests and sends finish.
SHUTDOWN_SECONDS = 10.0
#: aiohttp waits for in-flight requests up to this long (twice, at worst: once for the
#: handler, once more before cancelling it), so a stuck handler still leaves time to close.
REQUEST_DRAIN_SECONDS = 3.0


@contextlib.contextmanager
def _stop_signals() -> Iterator[asyncio.Event]:
    """An event set by SIGTERM or SIGINT (from now on: a signal during start-up waits for it)."""
    loop = asyncio.get_running_loop()
    stopping = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    try:
        yield stopping
    finally:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.remove_signal_handler(sig)


async def _within(deadline: float, step: Awaitable[Any], name: str) -> None:
    """One step of a shutdown, cut short at `deadline` (loop time) rather than overrun it."""
    try:
        async with asyncio.timeout_at(deadline):
            await step
    except TimeoutError:
        log.warning("shutdown_step_cut_short", step=name)


async def _serve(app: web.Application, settings: Settings) -> tuple[web.AppRunner, str]:
    """Start `app` on WEB_HOST:WEB_PORT (0: any free port); the runner and its address."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=REQUEST_DRAIN_SECONDS)
    await runner.setup()
    try:
        site = web.TCPSite(runner, settings.web_host, settings.web_port, backlog=LISTEN_BACKLOG)
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"


async def run_web(settings: Settings) -> None:
    """`cabinet-bot web`: one of the replicas behind the load balancer. Telegram's updates come
    by webhook; the linking pages, `/events`, `/admin`, `/d`, health and metrics as in `run`.
    No migrations (run `cabinet-bot migrate` first) and no sending (`cabinet-bot worker`)."""
    url, secret = settings.require_web()
    bot = build_bot(settings)
    # The bot's HTTP session is closed however this ends, a failing getMe at start-up too.
    async with bot, open_resources(settings) as resources:
        dp = build_dispatcher(settings, resources)
        me = await bot.me()
        app = create_app(settings, resources, bot_username=me.username or "")
        add_webhook_route(
            app, dp, bot, url=url, secret=secret, trusted_proxies=settings.trusted_proxies
        )
        workflow = {"dispatcher": dp, "bots": [bot], **dp.workflow_data}
        with _stop_signals() as stopping:
            await dp.emit_startup(bot=bot, **workflow)
            runner, address = await _serve(app, settings)
            try:
                await ensure_webhook(
                    bot,
                    resources.redis,
                    url=url,
                    secret=secret,
                    allowed_updates=dp.resolve_used_update_types(),
                    max_connections=settings.telegram_webhook_max_connections,
                )
                log.info("web_started", web=address, database=resources.engine.dialect.name)
                await stopping.wait()
            finally:
                # Stop listening, let in-flight requests finish (an update is acknowledged
                # only once handled), the dispatcher's own shutdown, then the connections.
                deadline = asyncio.get_running_loop().time() + SHUTDOWN_SECONDS - 1
                log.info("web_stopping")
                await _within(deadline, runner.cleanup(), "web_server")
                await _within(deadline, dp.emit_shutdown(bot=bot, **workflow), "dispatcher")
    log.info("web_stopped")


async def run_worker(settings: Settings) -> None:
    """`cabinet-bot worker`: delivery workers only, until SIGTERM/SIGINT (which finish the
    in-flight sends and give the other claimed rows back; what is still claimed after 10 s
    comes back to the others when its lease ends). Health, readiness and metrics on
    WEB_HOST:WEB_PORT, for the orchestrator and Prometheus."""
    bot = build_bot(settings)
    # The bot's HTTP session is closed however this ends.
    async with bot, open_resources(settings) as resources:
        worker = await create_worker(settings, resources, bot)
        with _stop_signals() as stopping:
            runner, address = await _serve(
                create_web_app(engine=resources.engine, redis=resources.redis), settings
            )
            log.info(
                "worker_started",
                worker=worker.id,
                web=address,
                database=resources.engine.dialect.name,
                redis="server" if settings.redis_url else "embedded",
            )
            await worker.start()
            try:
                await stopping.wait()
            finally:
                deadline = asyncio.get_running_loop().time() + SHUTDOWN_SECONDS - 1
                await _within(deadline, worker.stop(), "worker")
                await _within(deadline, runner.cleanup(), "health_server")
