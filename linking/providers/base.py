"""What the linking flow needs from an identity provider, whatever its protocol.

The flow (linking/flow.py) owns the one-time codes, `state`, the PKCE verifier and the nonce;
a provider only builds the authorization URL, reads the callback's error, and exchanges a code
for a verified identity. Tokens never leave `exchange`: nothing the provider issued is kept.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol


class Failure(enum.StrEnum):
    """Why a sign-in did not produce a usable identity; each has its own page."""

    DENIED = "denied"  # the person pressed "deny" (or cancelled) at the provider
    UNVERIFIED = "unverified"  # the account is not confirmed (ESIA-007055, no is_tru / trusted)
    UNAVAILABLE = "unavailable"  # the provider is down, slow, or answered an error
    INVALID = "invalid"  # the code is unknown, used or expired at the provider (invalid_grant)
    UNTRUSTED = "untrusted"  # the answer does not verify: signature, alg, iss, aud, exp, nonce


class ProviderError(Exception):
    def __init__(self, failure: Failure, *, code: str | None = None, detail: str = "") -> None:
        super().__init__(f"{failure.value}: {code or ''} {detail}".strip())
        self.failure = failure
        self.detail = detail  # our own words on what was checked: never the person's data
        self.code = code  # e.g. "ESIA-007055", "wrong_aud"; shown to the user with plain advice


@dataclass(frozen=True)
class VerifiedIdentity:
    """The person the provider confirmed. Personal data: used once to resolve the customer in
    the cabinet, never logged, never stored (the link keeps provider, subject and level)."""

    provider: str  # "esia" | "oidc" | "sandbox"
    subject: str
    level: str  # e.g. "trusted" (ESIA is_tru), or the OIDC claim that was required
    snils: str | None = None  # 11 digits
    last_name: str | None = None
    first_name: str | None = None
    middle_name: str | None = None
    birth_date: dt.date | None = None

    def __repr__(self) -> str:
        return f"VerifiedIdentity(provider={self.provider!r}, level={self.level!r})"

    __str__ = __repr__


class IdentityProvider(Protocol):
    name: str
    uses_nonce: bool  # OIDC: yes; ESIA does not echo a nonce

    async def authorization_url(
        self, *, state: str, code_challenge: str, nonce: str | None, redirect_uri: str
    ) -> str:
        """Where to send the browser (PKCE S256 `code_challenge`)."""

    def callback_error(self, params: Mapping[str, str]) -> ProviderError | None:
        """The error the provider put on the callback (`error`, `error_description`), if any."""

    async def exchange(
        self, *, code: str, code_verifier: str, nonce: str | None, redirect_uri: str
    ) -> VerifiedIdentity:
        """Exchange the code, verify the ID token, fetch what is needed about the person.
        Raises `ProviderError`; an account that is not verified is `Failure.UNVERIFIED`."""

    async def aclose(self) -> None: ...
