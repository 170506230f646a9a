"""`cabinet-bot worker`: the delivery workers alone; and `create_worker`, the wiring of a
`notify.worker.Worker` that `run` uses too."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

import structlog
from aiogram import Bot

from bot.config import PrivacyMode, Settings
from bot.factory.bots import open_bots
from bot.factory.resources import Resources, open_resources
from bot.factory.serving import SHUTDOWN_SECONDS, serve, stop_signals, within
from bot.i18n import create_core
from bot.web import create_web_app
from linking import withdrawals
from notify.ports.files import Documents
from notify.ports.max_messenger import MaxPort
from notify.ports.telegram import TelegramPort
from notify.worker import Lane, Worker
from storage.redis import KEY_PREFIX

log = structlog.get_logger(__name__)


async def create_worker(
    settings: Settings,
    resources: Resources,
    bot: Bot | None,
    max_bot: Bot | None = None,
    **options: Any,
) -> Worker:
    """A worker wired from the settings (`cabinet-bot run` and `cabinet-bot worker`): the
    engine gets its connections, renderers and translations from here, not from the bot. One
    lane per messenger the deployment has a bot in."""
    core = create_core(settings.chat.default_locale.value)
    await core.startup()
    documents = Documents(
        cabinet=resources.cabinet,
        renderers=resources.renderers,
        links=resources.document_links,
        core=core,
        session_factory=resources.session_factory,
        public_url=settings.web.public_url,
        strict=settings.chat.privacy_mode is PrivacyMode.STRICT,
        default_locale=settings.chat.default_locale.value,
        default_time_zone=settings.chat.default_time_zone,
    )
    lanes = []
    if bot is not None:
        paid = settings.telegram.paid_broadcast
        lanes.append(Lane(TelegramPort(bot, documents, paid_broadcast=paid), resources.limiter))
    if max_bot is not None:
        port = MaxPort(max_bot, documents, source=bot, redis=resources.redis)
        lanes.append(Lane(port, resources.max_limiter))
    values: dict[str, Any] = {
        "concurrency": settings.delivery.concurrency,
        "lease": settings.delivery.lease_seconds,
        "chores": [partial(withdrawals.send_due, resources.session_factory, resources.cabinet)],
        "chore_interval": withdrawals.RETRY_EVERY.total_seconds(),
    }
    values.update(options)
    return Worker(
        session_factory=resources.session_factory,
        redis=resources.redis,
        doorbell=resources.doorbell,
        lanes=lanes,
        prefix=KEY_PREFIX,
        **values,
    )


async def run_worker(settings: Settings) -> None:
    """`cabinet-bot worker`: delivery workers only, until SIGTERM/SIGINT (which finish the
    in-flight sends and give the other claimed rows back; what is still claimed after 10 s
    comes back to the others when its lease ends). Health, readiness and metrics on
    WEB_HOST:WEB_PORT, for the orchestrator and Prometheus."""
    async with open_resources(settings) as resources, open_bots(settings, resources) as bots:
        worker = await create_worker(settings, resources, bots.telegram, bots.max)
        with stop_signals() as stopping:
            runner, address = await serve(
                create_web_app(engine=resources.engine, redis=resources.redis), settings
            )
            log.info(
                "worker_started",
                worker=worker.id,
                web=address,
                database=resources.engine.dialect.name,
                redis="server" if settings.redis.url else "embedded",
            )
            await worker.start()
            try:
                await stopping.wait()
            finally:
                deadline = asyncio.get_running_loop().time() + SHUTDOWN_SECONDS - 1
                await within(deadline, worker.stop(), "worker")
                await within(deadline, runner.cleanup(), "health_server")
