"""Switches that make the sandbox ESIA misbehave on purpose, for tests (`GET|PUT /switches`).

* `down` — `/aas/oauth2/v2/ac` answers a 503 page, `/aas/oauth2/v3/te` and `/rs/prns/{oid}`
  answer 503 JSON, all with ESIA-007008 (`temporarily_unavailable`);
* `latency_ms` — those three wait this long before answering;
* `token_error` — a code such as "ESIA-007014": every token request answers 400 with it
  (the code's own `error`, `server_error` for a code the sandbox does not know) until the
  switch is set back to null;
* `authorize_error` — a code such as "ESIA-007055": every valid authorization request
  redirects straight back with `error=…&error_description=<code>: …&state=…` (no login page)
  until the switch is set back to null.
* `id_token_audience` — a client id: ID tokens are issued for that system instead of the one
  that asked (what a misconfigured or attacking ESIA would send; the client must refuse it)
  until the switch is set back to null.

A PUT is a partial update, all or nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from sandbox.esia.errors import CODE_PATTERN

MAX_LATENCY_MS = 60_000


class SwitchError(ValueError):
    """A switch update that is refused; the message names the field, never echoes a value."""


def _code(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not CODE_PATTERN.match(value):
        raise SwitchError(f"{name} must be null or a code like ESIA-007014")
    return value


def _audience(name: str, value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not 0 < len(value) <= 100:
        raise SwitchError(f"{name} must be null or a client id")
    return value


def _bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise SwitchError(f"{name} must be true or false")
    return value


def _latency(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_LATENCY_MS:
        raise SwitchError(f"{name} must be an integer from 0 to {MAX_LATENCY_MS}")
    return value


_CHECKS = {
    "down": _bool,
    "latency_ms": _latency,
    "token_error": _code,
    "authorize_error": _code,
    "id_token_audience": _audience,
}


@dataclass
class Switches:
    down: bool = False
    latency_ms: int = 0
    token_error: str | None = None
    authorize_error: str | None = None
    id_token_audience: str | None = None

    def render(self) -> dict[str, Any]:
        return asdict(self)

    def update(self, changes: Mapping[str, Any]) -> None:
        unknown = sorted(set(changes) - set(_CHECKS))
        if unknown:
            raise SwitchError("unknown switches: " + ", ".join(unknown)[:200])
        checked = {name: _CHECKS[name](name, value) for name, value in changes.items()}
        for name, value in checked.items():
            setattr(self, name, value)

    async def pause(self) -> None:
        if self.latency_ms:
            await asyncio.sleep(self.latency_ms / 1000)
