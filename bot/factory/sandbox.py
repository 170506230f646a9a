"""`cabinet-bot sandbox`: the sandbox cabinet and ESIA alone, for a bot in another process.

The only runner that imports the sandboxes at once: serving them is all it does.
"""

from __future__ import annotations

import asyncio

import structlog
from aiohttp import web

from bot.config import SANDBOX_CABINET_PATH, Settings
from bot.config.cabinet import require_sandbox_secrets
from bot.factory.serving import LISTEN_BACKLOG
from bot.identity import SANDBOX_ESIA_PATH, sandbox_esia_config
from sandbox.cabinet import SandboxConfig
from sandbox.cabinet import create_app as create_sandbox_cabinet
from sandbox.esia import create_app as create_sandbox_esia

log = structlog.get_logger(__name__)


async def run_sandbox(settings: Settings) -> None:
    """`cabinet-bot sandbox`: the sandbox cabinet alone, for a bot in another process."""
    token, events_secret = require_sandbox_secrets(settings.cabinet, settings.events)
    root = settings.sandbox.public_url or f"http://{settings.sandbox.host}:{settings.sandbox.port}"
    config = SandboxConfig(
        token=token,
        public_url=root + SANDBOX_CABINET_PATH,
        events_url=settings.cabinet.events_url or settings.web.public_url + "/events",
        events_secret=events_secret,
    )
    app = web.Application()
    app.add_subapp(SANDBOX_CABINET_PATH, create_sandbox_cabinet(config))
    # Only the bot's own callback: the dev signer is public, any other target would make the
    # sandbox an open redirect that hands out codes.
    esia = sandbox_esia_config(
        root + SANDBOX_ESIA_PATH, redirect_uris=(f"{settings.web.public_url}/link/callback",)
    )
    app.add_subapp(SANDBOX_ESIA_PATH, create_sandbox_esia(esia))
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(
        runner, settings.sandbox.host, settings.sandbox.port, backlog=LISTEN_BACKLOG
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
