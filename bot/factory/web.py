"""`cabinet-bot web`: one webhook replica behind the load balancer, until SIGTERM."""

from __future__ import annotations

import asyncio

import structlog

from bot.config import Settings
from bot.factory.bots import open_bots
from bot.factory.resources import open_resources
from bot.factory.serving import SHUTDOWN_SECONDS, serve, stop_signals, within
from bot.factory.telegram import build_dispatcher
from bot.factory.web_app import create_app
from bot.max_messenger.webhook import add_max_webhook_route, subscribe
from bot.webhook import add_webhook_route, ensure_webhook

log = structlog.get_logger(__name__)


async def run_web(settings: Settings) -> None:
    """`cabinet-bot web`: one of the replicas behind the load balancer. Each messenger's
    updates come by webhook (Telegram's, Max's, or both); the linking pages, `/events`,
    `/admin`, `/d`, health and metrics as in `run`. No migrations (run `cabinet-bot migrate`
    first) and no sending (`cabinet-bot worker`)."""
    settings.require_web()
    async with open_resources(settings) as resources, open_bots(settings, resources) as bots:
        bot, max_bot = bots.telegram, bots.max
        staff_bot = bots.of(settings.staff.support_chat_messenger)
        dp = build_dispatcher(settings, resources, staff_bot=staff_bot)
        app = create_app(settings, resources, bot_usernames=await bots.usernames())
        proxies = settings.web.trusted_proxies
        if bot is not None:
            url, secret = settings.telegram.require_webhook()
            add_webhook_route(app, dp, bot, url=url, secret=secret, trusted_proxies=proxies)
        if max_bot is not None:
            max_url, max_secret = settings.max.require_webhook()
            add_max_webhook_route(
                app,
                dp,
                max_bot,
                resources.redis,
                url=max_url,
                secret=max_secret,
                trusted_proxies=proxies,
            )
        first = bots.all[-1]  # Telegram's when there is one, as in `run`
        workflow = {"dispatcher": dp, "bots": bots.all, **dp.workflow_data}
        with stop_signals() as stopping:
            await dp.emit_startup(bot=first, **workflow)
            runner, address = await serve(app, settings)
            try:
                if bot is not None:
                    await ensure_webhook(
                        bot,
                        resources.redis,
                        url=url,
                        secret=secret,
                        allowed_updates=dp.resolve_used_update_types(),
                        max_connections=settings.telegram.webhook_max_connections,
                    )
                if max_bot is not None:
                    await subscribe(max_bot, url=max_url, secret=max_secret)
                log.info("web_started", web=address, database=resources.engine.dialect.name)
                await stopping.wait()
            finally:
                # Stop listening, let in-flight requests finish (an update is acknowledged
                # only once handled), the dispatcher's own shutdown, then the connections.
                deadline = asyncio.get_running_loop().time() + SHUTDOWN_SECONDS - 1
                log.info("web_stopping")
                await within(deadline, runner.cleanup(), "web_server")
                await within(deadline, dp.emit_shutdown(bot=first, **workflow), "dispatcher")
    log.info("web_stopped")
