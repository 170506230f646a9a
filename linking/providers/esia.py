"""ESIA («Госуслуги») as the identity provider; the sandbox ESIA speaks the same protocol.

* authorize: `GET {esia_url}/aas/oauth2/v2/ac` with a `client_secret` signed over
  `client_id + scope + scope_org + timestamp + state + redirect_uri`, the
  `client_certificate_hash` and PKCE S256;
* token: `POST {esia_url}/aas/oauth2/v3/te`, signed again over the same fields plus the `code`,
  with a fresh `state` (a UUID) and timestamp;
* the ID token (RS256 or GOST3410_2012_256, per `token_key`) must carry
  `urn:esia:sbj` → `urn:esia:sbj:is_tru`: a verified («подтверждённая») account;
* `GET {esia_url}/rs/prns/{oid}` with the access token: names, birth date, SNILS, `trusted`.

ESIA does not echo a nonce. Errors arrive as `ESIA-0070xx` codes in `error_description`, kept
on the `ProviderError` for the advice page. Tokens stay inside `exchange`: never logged, never
kept, never put in an exception.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

import httpx

from linking.esia.secret import (
    Signer,
    SignerError,
    esia_timestamp,
    is_real_esia,
    signed_message,
)
from linking.providers.base import Failure, ProviderError, VerifiedIdentity
from linking.providers.tokens import RS256, TokenKey, invalid, parse_token_key, verify_id_token

DEFAULT_SCOPES = "openid fullname birthdate snils"
TIMEOUT = httpx.Timeout(5.0, connect=2.0)
SBJ = "urn:esia:sbj"
IS_TRU = "urn:esia:sbj:is_tru"
OID = "urn:esia:sbj:oid"
DENIED_CODE = "ESIA-007004"  # the person refused access
UNVERIFIED_CODE = "ESIA-007055"  # the account is not confirmed
_CODE = re.compile(r"ESIA-\d{6}")
_OID = re.compile(r"^[0-9]{1,20}$")


def esia_error(error: str | None, description: str | None) -> ProviderError:
    """An ESIA error (`error` + `error_description` starting with `ESIA-0070xx`) → the failure
    the person sees, keeping the code for the advice."""
    found = _CODE.search(description or "")
    code = found.group(0) if found else None
    detail = (error or "error")[:64]
    if code == UNVERIFIED_CODE:
        return ProviderError(Failure.UNVERIFIED, code=code, detail=detail)
    if code == DENIED_CODE or error == "access_denied":
        return ProviderError(Failure.DENIED, code=code, detail=detail)
    if error == "invalid_grant":  # a code unknown, used or forged: as a replayed callback
        return ProviderError(Failure.INVALID, code=code, detail=detail)
    return ProviderError(Failure.UNAVAILABLE, code=code, detail=detail)


def _unavailable(detail: str) -> ProviderError:
    return ProviderError(Failure.UNAVAILABLE, detail=detail)


def default_issuer(esia_url: str) -> str:
    """The `iss` ESIA writes in its ID tokens: `http://{host}/` for the real ESIA hosts (sic,
    http), the base URL with ESIA's trailing slash for anything else (the sandbox)."""
    if is_real_esia(esia_url):
        return f"http://{httpx.URL(esia_url).host}/"
    return esia_url.rstrip("/") + "/"


def snils_digits(value: object) -> str | None:
    """`000-000-600 06` → `00000060006`; anything that is not 11 digits → None."""
    if not isinstance(value, str):
        return None
    digits = re.sub(r"[\s-]", "", value)
    return digits if re.fullmatch(r"[0-9]{11}", digits) else None


def esia_date(value: object) -> dt.date | None:
    """ESIA's `dd.MM.yyyy`."""
    if not isinstance(value, str):
        return None
    try:
        return dt.datetime.strptime(value, "%d.%m.%Y").date()
    except ValueError:
        return None


def text_claim(value: object) -> str | None:
    """A name from the provider: a non-empty string, or nothing."""
    return value.strip() or None if isinstance(value, str) else None


def _json(response: httpx.Response) -> dict[str, Any] | None:
    try:
        value = response.json()
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


class EsiaProvider:
    """ESIA, or the sandbox ESIA with `name="sandbox"`.

    `signer` comes from `linking.esia.secret.parse_signer` (`ESIA_SIGNER`); `cert_hash` is the
    `client_certificate_hash` of the system's certificate; `token_key` verifies the ID token:
    a `TokenKey`, or a string for `tokens.parse_token_key` (`ESIA_TOKEN_KEY`: a PEM certificate
    or key, a JWK/JWKS, `file:/path`, a JWKS URL, or `command:` for GOST3410_2012_256);
    `issuer` is the expected `iss` (default: `default_issuer(esia_url)`). `http` and `clock`
    are for tests.
    """

    uses_nonce = False

    def __init__(
        self,
        *,
        esia_url: str,
        client_id: str,
        signer: Signer,
        cert_hash: str,
        token_key: str | TokenKey,
        issuer: str | None = None,
        scopes: str = DEFAULT_SCOPES,
        use_pkce: bool = True,
        name: str = "esia",
        http: httpx.AsyncClient | None = None,
        clock: Callable[[], dt.datetime] | None = None,
    ) -> None:
        if "openid" not in scopes.split():
            raise ValueError("the ESIA scopes must include openid")
        self.name = name
        self.esia_url = esia_url.rstrip("/")
        self.client_id = client_id
        self.scopes = " ".join(scopes.split())
        self.signer = signer
        self.cert_hash = cert_hash
        self.issuer = issuer if issuer is not None else default_issuer(self.esia_url)
        self.use_pkce = use_pkce
        self._own_http = http is None
        self._http = http or httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False)
        self.token_key = (
            parse_token_key(token_key, http=self._http, allowed={RS256})
            if isinstance(token_key, str)
            else token_key
        )
        self._clock = clock or (lambda: dt.datetime.now(dt.UTC))

    async def _secret(
        self, *, timestamp: str, state: str, redirect_uri: str, code: str | None = None
    ) -> str:
        message = signed_message(
            client_id=self.client_id,
            scope=self.scopes,
            timestamp=timestamp,
            state=state,
            redirect_uri=redirect_uri,
            code=code,
        )
        try:
            return await self.signer.sign(message)
        except SignerError as exc:
            raise _unavailable(f"signer: {exc}") from None

    async def authorization_url(
        self, *, state: str, code_challenge: str, nonce: str | None, redirect_uri: str
    ) -> str:
        timestamp = esia_timestamp(self._clock())
        params = {
            "client_id": self.client_id,
            "client_secret": await self._secret(
                timestamp=timestamp, state=state, redirect_uri=redirect_uri
            ),
            "redirect_uri": redirect_uri,
            "scope": self.scopes,
            "response_type": "code",
            "state": state,
            "timestamp": timestamp,
            "access_type": "online",
            "client_certificate_hash": self.cert_hash,
        }
        if self.use_pkce:
            params |= {"code_challenge": code_challenge, "code_challenge_method": "S256"}
        return f"{self.esia_url}/aas/oauth2/v2/ac?{urlencode(params)}"

    def callback_error(self, params: Mapping[str, str]) -> ProviderError | None:
        if not params.get("error"):
            return None
        return esia_error(params.get("error"), params.get("error_description"))

    async def _request(self, what: str, method: str, path: str, **kwargs: Any) -> httpx.Response:
        """A request to ESIA; network errors, timeouts and 5xx are UNAVAILABLE."""
        try:
            response = await self._http.request(method, self.esia_url + path, **kwargs)
        except httpx.HTTPError as exc:
            raise _unavailable(f"{what}: {type(exc).__name__}") from None
        if response.status_code >= 500:
            raise _unavailable(f"{what}: HTTP {response.status_code}")
        return response

    async def _tokens(self, *, code: str, code_verifier: str, redirect_uri: str) -> dict[str, Any]:
        state = str(uuid.uuid4())
        timestamp = esia_timestamp(self._clock())
        form = {
            "client_id": self.client_id,
            "code": code,
            "grant_type": "authorization_code",
            "client_secret": await self._secret(
                timestamp=timestamp, state=state, redirect_uri=redirect_uri, code=code
            ),
            "state": state,
            "redirect_uri": redirect_uri,
            "scope": self.scopes,
            "timestamp": timestamp,
            "token_type": "Bearer",
            "client_certificate_hash": self.cert_hash,
        }
        if self.use_pkce:
            form["code_verifier"] = code_verifier
        response = await self._request(
            "token endpoint",
            "POST",
            "/aas/oauth2/v3/te",
            data=form,
            headers={"Accept": "application/json"},
        )
        body = _json(response)
        if response.status_code != 200:
            if body is not None and isinstance(body.get("error"), str):
                description = body.get("error_description")
                raise esia_error(
                    body["error"], description if isinstance(description, str) else None
                )
            raise _unavailable(f"token endpoint: HTTP {response.status_code}")
        if body is None:
            raise _unavailable("token endpoint: not JSON")
        if "state" in body and body["state"] != state:
            raise invalid("wrong_state", "the token response's state is not ours")
        for name in ("id_token", "access_token"):
            if not isinstance(body.get(name), str) or not body[name]:
                raise invalid("malformed_token", f"the token response has no {name}")
        return body

    async def exchange(
        self, *, code: str, code_verifier: str, nonce: str | None, redirect_uri: str
    ) -> VerifiedIdentity:
        tokens = await self._tokens(
            code=code, code_verifier=code_verifier, redirect_uri=redirect_uri
        )
        claims = await verify_id_token(
            tokens["id_token"], key=self.token_key, issuer=self.issuer, audience=self.client_id
        )
        subject = claims.get(SBJ)
        if not isinstance(subject, dict) or subject.get(IS_TRU) is not True:
            raise ProviderError(Failure.UNVERIFIED, detail="the account is not verified (is_tru)")
        oid = str(subject.get(OID, claims.get("sub", "")))
        if not _OID.fullmatch(oid):
            raise invalid("malformed_token", "the ID token has no usable oid")

        response = await self._request(
            "person",
            "GET",
            f"/rs/prns/{oid}",
            headers={
                "Authorization": f"Bearer {tokens['access_token']}",
                "Accept": "application/json",
            },
        )
        person = _json(response)
        if response.status_code != 200 or person is None:
            raise _unavailable(f"person: HTTP {response.status_code}")
        if person.get("trusted") is not True:
            raise ProviderError(Failure.UNVERIFIED, detail="the account is not verified (trusted)")
        return VerifiedIdentity(
            provider=self.name,
            subject=oid,
            level="trusted",
            snils=snils_digits(person.get("snils")),
            last_name=text_claim(person.get("lastName")),
            first_name=text_claim(person.get("firstName")),
            middle_name=text_claim(person.get("middleName")),
            birth_date=esia_date(person.get("birthDate")),
        )

    async def aclose(self) -> None:
        await self.signer.aclose()
        if self._own_http:
            await self._http.aclose()
