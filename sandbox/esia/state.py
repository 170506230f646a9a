"""Everything one sandbox ESIA holds in memory; one per app instance, found by its key.

Between the pages, the authorization request stays here under an opaque id that the pages
carry in a hidden field (never in a URL); each step consumes its id and makes the next one, so
a page submitted twice does nothing the second time. Codes are single use and live 5 minutes.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from aiohttp import web

from sandbox.esia.config import EsiaSandboxConfig
from sandbox.esia.switches import Switches
from sandbox.esia.tokens import TokenIssuer

#: The time now, timezone-aware; injectable so that tests can move it.
Clock = Callable[[], dt.datetime]

#: How long the login and consent pages stay usable.
SESSION_TTL = dt.timedelta(minutes=10)
#: How long an authorization code can be exchanged.
CODE_TTL = dt.timedelta(minutes=5)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@dataclass(frozen=True)
class AuthorizationRequest:
    """A valid `/aas/oauth2/v2/ac` request, as the token endpoint will compare it."""

    client_id: str
    redirect_uri: str
    scope: str  # as sent (the signed string uses it)
    scopes: tuple[str, ...]
    scope_org: str
    state: str
    code_challenge: str | None


@dataclass(frozen=True)
class Login:
    """The request after the person chose who they are (before or after consent)."""

    request: AuthorizationRequest
    oid: str
    auth_time: dt.datetime
    session_id: str


T = TypeVar("T")


@dataclass
class Expiring(Generic[T]):
    """Values under random keys that vanish after their time or when taken."""

    ttl: dt.timedelta
    _items: dict[str, tuple[dt.datetime, T]] = field(default_factory=dict)

    def put(self, value: T, now: dt.datetime) -> str:
        self._prune(now)
        key = secrets.token_urlsafe(32)
        self._items[key] = (now + self.ttl, value)
        return key

    def take(self, key: str, now: dt.datetime) -> T | None:
        """The value, removed: a key works once. None when unknown, used or expired."""
        item = self._items.pop(key, None)
        if item is None or now >= item[0]:
            return None
        return item[1]

    def _prune(self, now: dt.datetime) -> None:
        expired = [key for key, (deadline, _) in self._items.items() if now >= deadline]
        for key in expired:
            del self._items[key]

    def __len__(self) -> int:
        return len(self._items)


@dataclass
class Stats:
    authorize: int = 0
    token: int = 0
    prns: int = 0


@dataclass
class EsiaState:
    config: EsiaSandboxConfig
    clock: Clock
    issuer: TokenIssuer
    switches: Switches = field(default_factory=Switches)
    stats: Stats = field(default_factory=Stats)
    #: Authorization requests waiting for the person to pick a citizen.
    requests: Expiring[AuthorizationRequest] = field(
        default_factory=lambda: Expiring[AuthorizationRequest](SESSION_TTL)
    )
    #: Logins waiting for consent.
    consents: Expiring[Login] = field(default_factory=lambda: Expiring[Login](SESSION_TTL))
    #: Authorization codes waiting for the token request.
    codes: Expiring[Login] = field(default_factory=lambda: Expiring[Login](CODE_TTL))

    @classmethod
    def create(cls, config: EsiaSandboxConfig, clock: Clock | None = None) -> EsiaState:
        issuer = TokenIssuer(issuer=config.token_issuer, signing_key_pem=config.signing_key_pem)
        return cls(config=config, clock=clock or utc_now, issuer=issuer)

    def now(self) -> dt.datetime:
        return self.clock()


STATE = web.AppKey("sandbox_esia_state", EsiaState)


def state_of(request: web.Request) -> EsiaState:
    return request.config_dict[STATE]
