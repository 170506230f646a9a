"""Serving and stopping: listening on WEB_HOST:WEB_PORT, SIGTERM, bounded shutdown steps."""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Iterator
from typing import Any

import structlog
from aiohttp import web

from bot.config import Settings

log = structlog.get_logger(__name__)

#: Connections waiting to be accepted. aiohttp's default (128) made a burst of connections
#: from one client reset (the kernel caps it at net.core.somaxconn).
LISTEN_BACKLOG = 1024

#: SIGTERM to exit: the balancer has stopped sending, in-flight requests and sends finish.
SHUTDOWN_SECONDS = 10.0
#: aiohttp waits for in-flight requests up to this long (twice, at worst: once for the
#: handler, once more before cancelling it), so a stuck handler still leaves time to close.
REQUEST_DRAIN_SECONDS = 3.0


@contextlib.contextmanager
def stop_signals() -> Iterator[asyncio.Event]:
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


async def within(deadline: float, step: Awaitable[Any], name: str) -> None:
    """One step of a shutdown, cut short at `deadline` (loop time) rather than overrun it."""
    try:
        async with asyncio.timeout_at(deadline):
            await step
    except TimeoutError:
        log.warning("shutdown_step_cut_short", step=name)


async def serve(app: web.Application, settings: Settings) -> tuple[web.AppRunner, str]:
    """Start `app` on WEB_HOST:WEB_PORT (0: any free port); the runner and its address."""
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=REQUEST_DRAIN_SECONDS)
    await runner.setup()
    try:
        site = web.TCPSite(
            runner, settings.web.web_host, settings.web.web_port, backlog=LISTEN_BACKLOG
        )
        await site.start()
    except BaseException:
        await runner.cleanup()
        raise
    host, port = runner.addresses[0][:2]
    return runner, f"http://{host}:{port}"
