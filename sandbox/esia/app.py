"""The sandbox ESIA as one aiohttp application.

It serves everything relative to its own root, so it runs alone on a port or mounted in
another application (`parent.add_subapp("/sandbox/esia", create_app(config))`). State lives
in memory, one per application instance; so does the signing key unless the config gives one.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from sandbox.esia.config import EsiaSandboxConfig
from sandbox.esia.state import STATE, Clock, EsiaState
from sandbox.esia.views import add_routes
from sandbox.web import same_site_only


def create_app(config: EsiaSandboxConfig, *, clock: Clock | None = None) -> web.Application:
    """`clock` (timezone-aware "now") lets tests move time: code expiry, token times and the
    timestamp check all read it."""
    app = web.Application(middlewares=[same_site_only])
    app[STATE] = EsiaState.create(config, clock)
    add_routes(app)
    return app


def public_jwks(app: web.Application) -> dict[str, Any]:
    """The JWKS of the app's signing key, for wiring a client in the same process."""
    return app[STATE].issuer.jwks()
