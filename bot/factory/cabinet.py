"""Which cabinet the bot calls: the insurer's (`CABINET_URL`) or the sandbox on our server."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.config import SANDBOX_CABINET_PATH, Settings

if TYPE_CHECKING:
    from sandbox.cabinet import SandboxConfig


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
    token = settings.cabinet.token.get_secret_value() if settings.cabinet.token else None
    events_secret = (
        settings.events.secret.get_secret_value().encode()
        if settings.events.secret
        else secrets.token_bytes(32)
    )
    if settings.cabinet.url:
        assert token is not None  # load_settings requires it with CABINET_URL
        return CabinetWiring(settings.cabinet.url, token, events_secret, None)
    # Only now: a bot with a real cabinet never loads the sandbox.
    from sandbox.cabinet import SandboxConfig  # noqa: PLC0415

    token = token or secrets.token_urlsafe(32)
    listening = settings.web.web_host
    host = listening if listening not in {"", "0.0.0.0", "::"} else "127.0.0.1"  # noqa: S104
    sandbox = SandboxConfig(
        token=token,
        public_url=settings.web.public_url + SANDBOX_CABINET_PATH,
        events_url=settings.cabinet.events_url or settings.web.public_url + "/events",
        events_secret=events_secret,
    )
    local_url = f"http://{host}:{settings.web.web_port}{SANDBOX_CABINET_PATH}"
    return CabinetWiring(local_url, token, events_secret, sandbox)
