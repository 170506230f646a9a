"""The sandbox cabinet as one aiohttp application: /v1 (the contract), /operator, /pay.

It serves everything relative to its own root, so it runs alone on a port or mounted in
another application (`parent.add_subapp("/sandbox/cabinet", create_app(config))`); the event
sender starts and stops with it through its cleanup context, which aiohttp runs for
sub-applications too. State lives in memory, one per application instance.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from aiohttp import web

from sandbox.cabinet.api import create_api
from sandbox.cabinet.config import SandboxConfig
from sandbox.cabinet.operator import add_routes
from sandbox.cabinet.problems import problems_middleware
from sandbox.cabinet.state import STATE, SandboxState
from sandbox.web import same_site_only


async def _event_sender(app: web.Application) -> AsyncIterator[None]:
    outbox = app[STATE].outbox
    await outbox.start()
    yield
    await outbox.stop()


def create_app(config: SandboxConfig) -> web.Application:
    # Bodies are read by the handlers with the contract's own limits (see `files`).
    app = web.Application(middlewares=[same_site_only, problems_middleware])
    app[STATE] = SandboxState.create(config)
    app.cleanup_ctx.append(_event_sender)
    add_routes(app)
    app.add_subapp("/v1", create_api())
    return app
