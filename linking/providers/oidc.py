"""Any standard OpenID Connect provider, found by discovery (an insurer's OIDC gateway/broker).

Authorization code flow with PKCE S256 and a nonce, built on authlib's httpx client:

* the client authenticates at the token endpoint as `token_auth_method` says
  (`OIDC_TOKEN_AUTH_METHOD`): `client_secret_basic` (id and secret form-encoded before base64,
  RFC 6749 §2.3.1: a secret with `+/=%` works), `client_secret_post`, or `private_key_jwt`
  (RFC 7523, signed with `client_key`); a method the provider does not advertise is a
  configuration error, found at start-up (`check_configuration`);
* the ID token is verified against the provider's JWKS (`tokens.py`) with any asymmetric
  algorithm the provider advertises (RS/PS/ES families, EdDSA; never `none` or HMAC), then
  `iss`, `aud`/`azp`, `exp`/`nbf`, `nonce`, and `at_hash` when present;
* the authorization response's `iss` (RFC 9207) must be the issuer when it is sent, and must
  be sent when the provider says it sends it.

`require_claim` (`name=value`, e.g. `trusted=true`) is looked up in the ID token, then in
userinfo; an account without it is "not verified" (request the scope that releases it).

One authlib client is made per sign-in (over one shared connection pool), so a token is never
kept on a shared object nor sent on behalf of a concurrent sign-in.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hmac
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, quote_plus

import httpx
from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from authlib.integrations.httpx_client import AsyncOAuth2Client  # type: ignore[import-untyped]
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from joserfc import jwt
from joserfc.jwk import ECKey, OKPKey, RSAKey

from linking.providers.base import Failure, ProviderError, VerifiedIdentity
from linking.providers.esia import TIMEOUT, snils_digits, text_claim
from linking.providers.tokens import (
    ASYMMETRIC_ALGS,
    RS256,
    JwksUrl,
    b64url_decode,
    check_claims,
    hash_of,
    invalid,
    verified_payload,
)

DEFAULT_SCOPES = "openid profile"
BASIC, POST, PRIVATE_KEY_JWT = "client_secret_basic", "client_secret_post", "private_key_jwt"
TOKEN_AUTH_METHODS = (BASIC, POST, PRIVATE_KEY_JWT)
#: Why discovery found a provider this configuration cannot work with (start-up refuses it).
MISCONFIGURED = frozenset({"auth_method_unsupported", "no_usable_alg"})
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LIFETIME = 60
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


def _at_hash_matches(at_hash: object, access_token: str, alg: str) -> bool:
    """OIDC core 3.1.3.6: the left half of the ID token algorithm's hash of the access token."""
    if not isinstance(at_hash, str):
        return False
    hasher = hashes.Hash(hash_of(alg))
    hasher.update(access_token.encode("ascii", "replace"))
    digest = hasher.finalize()
    try:
        return hmac.compare_digest(b64url_decode(at_hash), digest[: len(digest) // 2])
    except ValueError:
        return False


def _form_encoded_basic(
    client: Any, method: str, uri: str, headers: dict[str, str], body: str
) -> tuple[str, dict[str, str], str]:
    """`client_secret_basic` as RFC 6749 §2.3.1 has it: id and secret each form-encoded, then
    base64 (authlib sends them as they are, which a strict server refuses for `+/=%`)."""
    pair = f"{quote_plus(client.client_id)}:{quote_plus(client.client_secret or '')}"
    headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    return uri, headers, body


class ClientKey:
    """The private key of `private_key_jwt` (`OIDC_CLIENT_KEY`, PEM): its algorithm follows
    from its type (RSA: RS256; EC: ES256/384/512 by curve; Ed25519: EdDSA)."""

    def __init__(self, pem: bytes, *, kid: str | None = None) -> None:
        private = serialization.load_pem_private_key(pem, password=None)
        self._key: RSAKey | ECKey | OKPKey
        if isinstance(private, rsa.RSAPrivateKey):
            self.alg, self._key = RS256, RSAKey.import_key(pem)
        elif isinstance(private, ec.EllipticCurvePrivateKey):
            algs = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}
            if private.curve.name not in algs:
                raise ValueError(f"the EC curve {private.curve.name} has no JWS algorithm")
            self.alg, self._key = algs[private.curve.name], ECKey.import_key(pem)
        elif isinstance(private, ed25519.Ed25519PrivateKey):
            self.alg, self._key = "EdDSA", OKPKey.import_key(pem)
        else:
            raise ValueError("OIDC_CLIENT_KEY must be an RSA, EC or Ed25519 private key")
        self.kid = kid

    def assertion(self, client_id: str, audience: str) -> str:
        """RFC 7523 §3: a short-lived JWT naming the client, for the token endpoint."""
        now = int(time.time())
        header = {"alg": self.alg, "typ": "JWT"} | ({"kid": self.kid} if self.kid else {})
        claims = {
            "iss": client_id,
            "sub": client_id,
            "aud": audience,
            "jti": str(uuid.uuid4()),
            "iat": now,
            "exp": now + ASSERTION_LIFETIME,
        }
        return jwt.encode(header, claims, self._key, algorithms=[self.alg])


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
    jwks: JwksUrl  # with the algorithms the provider advertises that are verified here
    sends_iss: bool  # RFC 9207: the authorization response carries `iss`
    fetched_at: float


class OidcProvider:
    """A standard OpenID provider at `issuer` (discovery at
    `{issuer}/.well-known/openid-configuration`). `require_claim` is `OIDC_REQUIRE_CLAIM`
    (`name=value` or None); `client_secret` serves the `client_secret_*` methods and
    `client_key` `private_key_jwt`; `transport` is for tests (it carries every request)."""

    uses_nonce = True

    def __init__(
        self,
        *,
        issuer: str,
        client_id: str,
        client_secret: str | None = None,
        token_auth_method: str = BASIC,
        client_key: ClientKey | None = None,
        scopes: str = DEFAULT_SCOPES,
        require_claim: str | None = None,
        name: str = "oidc",
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if "openid" not in scopes.split():
            raise ValueError("the OIDC scopes must include openid")
        if token_auth_method not in TOKEN_AUTH_METHODS:
            raise ValueError(
                f"the token auth method must be one of {', '.join(TOKEN_AUTH_METHODS)}"
            )
        if token_auth_method == PRIVATE_KEY_JWT and client_key is None:
            raise ValueError("private_key_jwt needs the client's private key (OIDC_CLIENT_KEY)")
        if token_auth_method != PRIVATE_KEY_JWT and not client_secret:
            raise ValueError(f"{token_auth_method} needs the client secret (OIDC_CLIENT_SECRET)")
        self.name = name
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_auth_method = token_auth_method
        self._client_key = client_key
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
        self._check_auth_method(document)
        # OIDC Discovery 3: RS256 is the default and must be among them.
        advertised = document.get("id_token_signing_alg_values_supported") or [RS256]
        algs = ASYMMETRIC_ALGS & {a for a in advertised if isinstance(a, str)}
        if not algs:
            raise _unavailable(
                f"discovery: the provider signs ID tokens with {advertised}, none of which"
                " is an asymmetric algorithm verified here",
                code="no_usable_alg",
            )
        return Metadata(
            issuer=issuer,
            authorization_endpoint=endpoints["authorization_endpoint"],
            token_endpoint=endpoints["token_endpoint"],
            userinfo_endpoint=userinfo if isinstance(userinfo, str) else None,
            jwks=JwksUrl(endpoints["jwks_uri"], self._http, allowed=algs),
            sends_iss=document.get("authorization_response_iss_parameter_supported") is True,
            fetched_at=time.monotonic(),
        )

    def _check_auth_method(self, document: Mapping[str, Any]) -> None:
        # OAuth 2.0 metadata (RFC 8414 §2): client_secret_basic when the list is absent.
        methods = document.get("token_endpoint_auth_methods_supported") or [BASIC]
        if self.token_auth_method not in methods:
            raise _unavailable(
                f"discovery: the provider does not take {self.token_auth_method} at its token"
                f" endpoint; it takes {', '.join(map(str, methods))} (OIDC_TOKEN_AUTH_METHOD)",
                code="auth_method_unsupported",
            )
        signing = document.get("token_endpoint_auth_signing_alg_values_supported")
        key = self._client_key
        if self.token_auth_method == PRIVATE_KEY_JWT and key and signing and key.alg not in signing:
            raise _unavailable(
                f"discovery: the provider does not take {key.alg} client assertions; it takes"
                f" {', '.join(map(str, signing))} (OIDC_CLIENT_KEY)",
                code="auth_method_unsupported",
            )

    async def check_configuration(self) -> str | None:
        """At start-up: raise ValueError when discovery shows this configuration cannot work
        with the provider (an auth method or ID token algorithm it does not have); the reason
        when the provider cannot be asked now (sign-ins will say it is unavailable), else None."""
        try:
            await self.metadata()
        except ProviderError as exc:
            if exc.code in MISCONFIGURED:
                raise ValueError(exc.detail.removeprefix("discovery: ")) from None
            return str(exc)
        return None

    async def metadata(self) -> Metadata:
        """The discovery document, fetched once and refreshed hourly; a failure is not cached."""
        async with self._lock:
            current = self._metadata
            if current is None or time.monotonic() - current.fetched_at >= DISCOVERY_TTL:
                current = self._metadata = await self._discover()
            return current

    def _client(self, metadata: Metadata) -> Any:
        client = AsyncOAuth2Client(
            client_id=self.client_id,
            client_secret=self._client_secret,
            token_endpoint_auth_method=self.token_auth_method,
            scope=self.scopes,
            transport=_Borrowed(self._transport),
            timeout=TIMEOUT,
            follow_redirects=False,
        )
        client.register_client_auth_method((BASIC, _form_encoded_basic))
        if self._client_key is not None:
            key = self._client_key

            def private_key_jwt(
                client: Any, method: str, uri: str, headers: dict[str, str], body: str | bytes
            ) -> tuple[str, dict[str, str], str]:
                assertion = key.assertion(self.client_id, metadata.token_endpoint)
                fields = {
                    "client_id": self.client_id,
                    "client_assertion_type": ASSERTION_TYPE,
                    "client_assertion": assertion,
                }
                form = body.decode() if isinstance(body, bytes) else body  # httpx: bytes
                if "client_id" in dict(parse_qsl(form)):  # authlib may have put it there
                    del fields["client_id"]
                extra = "&".join(f"{name}={quote_plus(value)}" for name, value in fields.items())
                return uri, headers, f"{form}&{extra}" if form else extra

            client.register_client_auth_method((PRIVATE_KEY_JWT, private_key_jwt))
        return client

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
        # RFC 9207: an answer from another issuer (a mix-up attack) is not this provider's.
        iss = params.get("iss")
        sends_iss = self._metadata is not None and self._metadata.sends_iss
        if (iss is not None and iss.rstrip("/") != self.issuer) or (iss is None and sends_iss):
            return invalid("wrong_iss_param", "the authorization response's iss is not ours")
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
                raise invalid("malformed_token", f"the token response has no {field}")
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
            raise invalid("wrong_nonce", "no nonce to check")
        metadata = await self.metadata()
        tokens = await self._tokens(
            metadata, code=code, code_verifier=code_verifier, redirect_uri=redirect_uri
        )
        alg, claims = await verified_payload(tokens["id_token"], metadata.jwks)
        check_claims(claims, issuer=metadata.issuer, audience=self.client_id, nonce=nonce)
        subject = claims.get("sub")
        if not isinstance(subject, str) or not subject:
            raise invalid("malformed_token", "the ID token has no sub")
        if "at_hash" in claims and not _at_hash_matches(
            claims["at_hash"], tokens["access_token"], alg
        ):
            raise invalid("wrong_at_hash")

        person: dict[str, Any] = dict(claims)
        needs_claim = self.required is not None and self.required[0] not in claims
        if needs_claim or not all(name in claims for name in _NAME_CLAIMS):
            info = await self._userinfo(metadata, tokens["access_token"])
            if info and info.get("sub") != subject:
                # OIDC core 5.3.2: userinfo about someone else must not be used
                raise invalid("other_subject", "userinfo is about another subject")
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
