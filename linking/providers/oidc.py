"""Any standard OpenID Connect provider, found by discovery (an insurer's OIDC gateway/broker).

Authorization code flow with PKCE S256 and a nonce, built on authlib's httpx client; the ID
token is verified against the provider's JWKS (`tokens.py`: signature with the configured alg,
`iss`, `aud`/`azp`, `exp`/`nbf`, `nonce`, and `at_hash` when present). `require_claim`
(`name=value`, e.g. `trusted=true`) is looked up in the ID token, then in userinfo; an account
without it is "not verified".

One authlib client is made per sign-in (over one shared connection pool), so a token is never
kept on a shared object nor sent on behalf of a concurrent sign-in.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import hmac
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.httpx_client import AsyncOAuth2Client  # type: ignore[import-untyped]

from linking.providers.base import Failure, ProviderError, VerifiedIdentity
from linking.providers.esia import TIMEOUT, snils_digits, text_claim
from linking.providers.tokens import RS256, JwksUrl, b64url_decode, check_claims, verified_payload

DEFAULT_SCOPES = "openid profile"
DISCOVERY_TTL = 3600.0
_NAME_CLAIMS = ("family_name", "given_name")


def _unavailable(detail: str, code: str | None = None) -> ProviderError:
    return ProviderError(Failure.UNAVAILABLE, code=code, detail=detail)


def parse_required_claim(spec: str | None) -> tuple[str, str] | None:
    """`OIDC_REQUIRE_CLAIM`: `name=value` → (name, value); empty → None."""
    if not spec:
        return None
    name, sep, value = spec.partition("=")
    if not sep or not name.strip():
        raise ValueError("must be name=value, e.g. trusted=true")
    return name.strip(), value.strip()


def claim_matches(value: object, expected: str) -> bool:
    """A claim against the configured text: booleans as true/false, numbers as written, a list
    when one of its items matches."""
    if isinstance(value, bool):
        return str(value).lower() == expected.lower()
    if isinstance(value, str | int | float):
        return str(value) == expected
    if isinstance(value, list):
        return any(claim_matches(item, expected) for item in value)
    return False


def _iso_date(value: object) -> dt.date | None:
    if not isinstance(value, str):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def _at_hash_matches(at_hash: object, access_token: str) -> bool:
    """OIDC core 3.1.3.6 for RS256: the left half of SHA-256 of the access token."""
    if not isinstance(at_hash, str):
        return False
    digest = hashlib.sha256(access_token.encode("ascii", "replace")).digest()
    try:
        return hmac.compare_digest(b64url_decode(at_hash), digest[: len(digest) // 2])
    except ValueError:
        return False


class _Borrowed(httpx.AsyncBaseTransport):
    """The provider's pool, lent to a per-sign-in client: closing that client keeps it open."""

    def __init__(self, transport: httpx.AsyncBaseTransport) -> None:
        self._transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        return None


@dataclass(frozen=True)
class Metadata:
    issuer: str  # as the provider writes it (the ID token's iss must be exactly this)
    authorization_endpoint: str
    token_endpoint: str
    userinfo_endpoint: str | None
    token_auth_method: str
    jwks: JwksUrl
    fetched_at: float


class OidcProvider:
    """A standard OpenID provider at `issuer` (discovery at
    `{issuer}/.well-known/openid-configuration`). `require_claim` is `OIDC_REQUIRE_CLAIM`
    (`name=value` or None); `transport` is for tests (it carries every request)."""

    uses_nonce = True

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str,
        scopes: str = DEFAULT_SCOPES,
        require_claim: str | None = None,
        id_token_alg: str = RS256,
        name: str = "oidc",
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if "openid" not in scopes.split():
            raise ValueError("the OIDC scopes must include openid")
        if id_token_alg != RS256:
            raise ValueError("only RS256 ID tokens are verified against a JWKS")
        self.name = name
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.scopes = " ".join(scopes.split())
        self.required = parse_required_claim(require_claim)
        self._transport = transport or httpx.AsyncHTTPTransport()
        self._http = httpx.AsyncClient(
            transport=_Borrowed(self._transport), timeout=TIMEOUT, follow_redirects=False
        )
        self._metadata: Metadata | None = None
        self._lock = asyncio.Lock()

    # ------------------------------------------------------------------------------ discovery

    async def _discover(self) -> Metadata:
        url = f"{self.issuer}/.well-known/openid-configuration"
        try:
            response = await self._http.get(url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise _unavailable(f"discovery: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise _unavailable(f"discovery: HTTP {response.status_code}")
        try:
            document = response.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise _unavailable("discovery: not a JSON object")
        # OIDC Discovery 4.3: the issuer in the document is exactly the one configured.
        issuer = document.get("issuer")
        if not isinstance(issuer, str) or issuer.rstrip("/") != self.issuer:
            raise _unavailable("discovery: the document is for another issuer")
        endpoints: dict[str, str] = {}
        for field in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            value = document.get(field)
            if not isinstance(value, str) or not value.startswith(("https://", "http://")):
                raise _unavailable(f"discovery: no {field}")
            if self.issuer.startswith("https://") and not value.startswith("https://"):
                raise _unavailable(f"discovery: {field} is not HTTPS")
            endpoints[field] = value
        userinfo = document.get("userinfo_endpoint")
        methods = document.get("token_endpoint_auth_methods_supported")
        auth_method = "client_secret_basic"
        if (
            isinstance(methods, list)
            and auth_method not in methods
            and "client_secret_post" in methods
        ):
            auth_method = "client_secret_post"
        return Metadata(
            issuer=issuer,
            authorization_endpoint=endpoints["authorization_endpoint"],
            token_endpoint=endpoints["token_endpoint"],
            userinfo_endpoint=userinfo if isinstance(userinfo, str) else None,
            token_auth_method=auth_method,
            jwks=JwksUrl(endpoints["jwks_uri"], self._http),
            fetched_at=time.monotonic(),
        )

    async def metadata(self) -> Metadata:
        """The discovery document, fetched once and refreshed hourly; a failure is not cached."""
        async with self._lock:
            current = self._metadata
            if current is None or time.monotonic() - current.fetched_at >= DISCOVERY_TTL:
                current = self._metadata = await self._discover()
            return current

    def _client(self, metadata: Metadata) -> Any:
        return AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self._client_secret,
            token_endpoint_auth_method=metadata.token_auth_method,
            scope=self.scopes,
            transport=_Borrowed(self._transport),
            timeout=TIMEOUT,
            follow_redirects=False,
        )

    # -------------------------------------------------------------------------- the interface

    async def authorization_url(
        self, *, state: str, code_challenge: str, nonce: str | None, redirect_uri: str
    ) -> str:
        if nonce is None:
            raise ValueError("an OIDC sign-in needs a nonce")
        metadata = await self.metadata()
        async with self._client(metadata) as client:
            url, _ = client.create_authorization_url(
                metadata.authorization_endpoint,
                state=state,
                redirect_uri=redirect_uri,
                nonce=nonce,
                code_challenge=code_challenge,
                code_challenge_method="S256",
            )
        return str(url)

    def callback_error(self, params: Mapping[str, str]) -> ProviderError | None:
        error = params.get("error")
        if not error:
            return None
        failure = Failure.DENIED if error == "access_denied" else Failure.UNAVAILABLE
        return ProviderError(failure, code=error[:64], detail="authorization endpoint")

    async def _tokens(
        self, metadata: Metadata, *, code: str, code_verifier: str, redirect_uri: str
    ) -> dict[str, Any]:
        async with self._client(metadata) as client:
            try:
                token = await client.fetch_token(
                    metadata.token_endpoint,
                    grant_type="authorization_code",
                    code=code,
                    redirect_uri=redirect_uri,
                    code_verifier=code_verifier,
                )
            except OAuthError as exc:
                if exc.error == "invalid_grant":  # a code unknown, used or forged
                    raise ProviderError(Failure.INVALID, code="invalid_grant") from None
                raise _unavailable("token endpoint", code=str(exc.error)[:64]) from None
            except httpx.HTTPStatusError as exc:
                raise _unavailable(f"token endpoint: HTTP {exc.response.status_code}") from None
            except httpx.HTTPError as exc:
                raise _unavailable(f"token endpoint: {type(exc).__name__}") from None
            except ValueError:
                raise _unavailable("token endpoint: not JSON") from None
        tokens = dict(token)
        if str(tokens.get("token_type", "")).lower() != "bearer":
            raise _unavailable("token endpoint: not a bearer token")
        for field in ("id_token", "access_token"):
            if not isinstance(tokens.get(field), str) or not tokens[field]:
                raise ProviderError(Failure.INVALID, detail=f"the token response has no {field}")
        return tokens

    async def _userinfo(self, metadata: Metadata, access_token: str) -> dict[str, Any]:
        if metadata.userinfo_endpoint is None:
            return {}
        try:
            response = await self._http.get(
                metadata.userinfo_endpoint,
                headers={"Authorization": f"Bearer {access_token}", "Accept": "application/json"},
            )
        except httpx.HTTPError as exc:
            raise _unavailable(f"userinfo: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise _unavailable(f"userinfo: HTTP {response.status_code}")
        try:
            info = response.json()
        except ValueError:
            info = None
        if not isinstance(info, dict):
            raise _unavailable("userinfo: not a JSON object (a signed userinfo is not supported)")
        return info

    async def exchange(
        self, *, code: str, code_verifier: str, nonce: str | None, redirect_uri: str
    ) -> VerifiedIdentity:
        if nonce is None:
            raise ProviderError(Failure.INVALID, detail="no nonce to check")
        metadata = await self.metadata()
        tokens = await self._tokens(
            metadata, code=code, code_verifier=code_verifier, redirect_uri=redirect_uri
        )
        claims = await verified_payload(tokens["id_token"], metadata.jwks)
        check_claims(claims, issuer=metadata.issuer, audience=self.client_id, nonce=nonce)
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise ProviderError(Failure.INVALID, detail="the ID token has no sub")
        if "at_hash" in claims and not _at_hash_matches(claims["at_hash"], tokens["access_token"]):
            raise ProviderError(Failure.INVALID, detail="wrong at_hash")

        person: dict[str, Any] = dict(claims)
        needs_claim = self.required is not None and self.required[0] not in claims
        if needs_claim or not all(name in claims for name in _NAME_CLAIMS):
            info = await self._userinfo(metadata, tokens["access_token"])
            if info and info.get("sub") != subject:
                # OIDC core 5.3.2: userinfo about someone else must not be used
                raise ProviderError(Failure.INVALID, detail="userinfo is about another subject")
            person = {**info, **claims}

        level = "authenticated"
        if self.required is not None:
            name, expected = self.required
            if not claim_matches(person.get(name), expected):
                raise ProviderError(Failure.UNVERIFIED, detail=f"no {name}={expected}")
            level = f"{name}={expected}"
        return VerifiedIdentity(
            provider=self.name,
            subject=subject,
            level=level,
            snils=snils_digits(person.get("snils")),
            last_name=text_claim(person.get("family_name")),
            first_name=text_claim(person.get("given_name")),
            middle_name=text_claim(person.get("middle_name")),
            birth_date=_iso_date(person.get("birthdate")),
        )

    async def aclose(self) -> None:
        await self._http.aclose()
        await self._transport.aclose()
