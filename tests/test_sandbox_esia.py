"""The sandbox ESIA over real HTTP, as the bot's `esia` provider and a browser meet it.

The client here computes the dev signer's `client_secret` itself (HMAC-SHA256 with the
published key, base64url) and PKCE on its own, independently of `linking/`; ID tokens are
verified with the JWKS the sandbox serves, through joserfc.
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import logging
import re
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from aiohttp import web
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import KeySet
from joserfc.jwt import JWTClaimsRegistry
from playwright.async_api import expect

from sandbox.esia import (
    CITIZENS,
    NOT_A_CUSTOMER_OID,
    EsiaSandboxConfig,
    create_app,
    public_jwks,
)
from sandbox.esia.citizens import snils_is_valid
from tests.browser import chromium, snapshot
from tests.sandbox_server import free_port

pytestmark = pytest.mark.timeout(30)

DEV_KEY = b"cabinet-bot sandbox esia dev signer"
MOUNT = "/sandbox/esia"
CLIENT_ID = "CABINET-BOT"
REDIRECT_URI = "https://bot.example/link/callback"
SCOPE = "openid fullname birthdate snils"
MOSCOW = dt.timezone(dt.timedelta(hours=3))
IVANOV = "1000299654"
UNVERIFIED = next(c.oid for c in CITIZENS if not c.verified)

SIGNING_KEY_PEM = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
    serialization.Encoding.PEM,
    serialization.PrivateFormat.PKCS8,
    serialization.NoEncryption(),
)

PAGE_HEADERS = {
    "content-security-policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'"
    ),
    "referrer-policy": "no-referrer",
    "x-content-type-options": "nosniff",
}


# ----------------------------------------------------------------------------- client side


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def sign(*parts: str) -> str:
    return b64url(hmac.new(DEV_KEY, "".join(parts).encode(), hashlib.sha256).digest())


def esia_timestamp(moment: dt.datetime) -> str:
    return moment.astimezone(MOSCOW).strftime("%Y.%m.%d %H:%M:%S +0300")


def pkce() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    return verifier, b64url(hashlib.sha256(verifier.encode()).digest())


def hidden(page: str, name: str) -> str:
    match = re.search(rf"name='{name}' value='([^']*)'", page)
    assert match, f"no hidden {name} on the page"
    return match[1]


def query_of(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text
    params = parse_qs(urlsplit(response.headers["location"]).query, keep_blank_values=True)
    return {name: values[0] for name, values in params.items()}


@dataclass
class Clock:
    """The sandbox's clock, movable; starts at the real time so that tokens verify."""

    moment: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))

    def __call__(self) -> dt.datetime:
        return self.moment

    def advance(self, **delta: float) -> None:
        self.moment += dt.timedelta(**delta)


@dataclass
class Flow:
    """One sign-in as the bot drives it: the values it keeps between the steps."""

    state: str = field(default_factory=lambda: str(secrets.token_hex(16)))
    verifier: str | None = None
    challenge: str | None = None
    redirect_uri: str = REDIRECT_URI
    scope: str = SCOPE


@dataclass
class Esia:
    http: httpx.AsyncClient
    clock: Clock
    app: web.Application
    public_url: str

    def authorize_params(self, flow: Flow, **overrides: str | None) -> dict[str, str]:
        timestamp = esia_timestamp(self.clock())
        params: dict[str, str | None] = {
            "client_id": CLIENT_ID,
            "client_secret": sign(
                CLIENT_ID, flow.scope, "", timestamp, flow.state, flow.redirect_uri
            ),
            "redirect_uri": flow.redirect_uri,
            "scope": flow.scope,
            "response_type": "code",
            "state": flow.state,
            "timestamp": timestamp,
            "access_type": "online",
            "client_certificate_hash": "A1B2C3D4E5F6",
        }
        if flow.challenge:
            params.update(code_challenge=flow.challenge, code_challenge_method="S256")
        params.update(overrides)
        return {k: v for k, v in params.items() if v is not None}

    async def authorize(self, flow: Flow, **overrides: str | None) -> httpx.Response:
        return await self.http.get(
            "/aas/oauth2/v2/ac", params=self.authorize_params(flow, **overrides)
        )

    async def login(self, flow: Flow, oid: str) -> httpx.Response:
        page = await self.authorize(flow)
        assert page.status_code == 200, page.text
        return await self.http.post(
            "/login", data={"request_id": hidden(page.text, "request_id"), "oid": oid}
        )

    async def decide(self, flow: Flow, oid: str, decision: str) -> httpx.Response:
        consent = await self.login(flow, oid)
        assert consent.status_code == 200, consent.text
        return await self.http.post(
            "/consent",
            data={"consent_id": hidden(consent.text, "consent_id"), "decision": decision},
        )

    async def code(self, flow: Flow, oid: str = IVANOV) -> str:
        answer = query_of(await self.decide(flow, oid, "allow"))
        assert answer["state"] == flow.state
        return answer["code"]

    def token_form(self, flow: Flow, code: str, **overrides: str | None) -> dict[str, str]:
        state = str(secrets.token_hex(16))  # a fresh state, as ESIA wants at /te
        timestamp = esia_timestamp(self.clock())
        form: dict[str, str | None] = {
            "client_id": CLIENT_ID,
            "code": code,
            "grant_type": "authorization_code",
            "client_secret": sign(
                CLIENT_ID, flow.scope, "", timestamp, state, flow.redirect_uri, code
            ),
            "state": state,
            "redirect_uri": flow.redirect_uri,
            "scope": flow.scope,
            "timestamp": timestamp,
            "token_type": "Bearer",
            "client_certificate_hash": "A1B2C3D4E5F6",
        }
        if flow.verifier:
            form["code_verifier"] = flow.verifier
        form.update(overrides)
        return {k: v for k, v in form.items() if v is not None}

    async def token(self, flow: Flow, code: str, **overrides: str | None) -> httpx.Response:
        return await self.http.post(
            "/aas/oauth2/v3/te", data=self.token_form(flow, code, **overrides)
        )

    async def sign_in(self, oid: str = IVANOV) -> dict[str, Any]:
        verifier, challenge = pkce()
        flow = Flow(verifier=verifier, challenge=challenge)
        response = await self.token(flow, await self.code(flow, oid))
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def prns(self, oid: str, token: str | None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return await self.http.get(f"/rs/prns/{oid}", headers=headers)

    async def switches(self, **values: Any) -> dict[str, Any]:
        response = await self.http.put("/switches", json=values)
        assert response.status_code == 200, response.text
        return dict(response.json())

    async def verify(self, id_token: str) -> dict[str, Any]:
        """Verify the ID token as a client would: the served JWKS, then iss/aud/exp/nbf."""
        keys = KeySet.import_key_set((await self.http.get("/jwks")).json())
        token = jwt.decode(id_token, keys, algorithms=["RS256"])
        JWTClaimsRegistry(
            leeway=30,
            iss={"essential": True, "value": f"{self.public_url}/"},
            aud={"essential": True, "value": CLIENT_ID},
            sub={"essential": True},
            exp={"essential": True},
            nbf={"essential": True},
        ).validate(token.claims)
        assert token.header["kid"] == keys.keys[0].kid
        return dict(token.claims)


@contextlib.asynccontextmanager
async def running(mount: str = MOUNT, **config: Any) -> AsyncIterator[Esia]:
    port = free_port()
    public_url = f"http://127.0.0.1:{port}{mount}"
    values: dict[str, Any] = {
        "public_url": public_url,
        "redirect_uris": (REDIRECT_URI,),
        "signing_key_pem": SIGNING_KEY_PEM,
    }
    values.update(config)
    clock = Clock()
    esia_app = create_app(EsiaSandboxConfig(**values), clock=clock)
    app = esia_app
    if mount:
        app = web.Application()
        app.add_subapp(mount, esia_app)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        async with httpx.AsyncClient(
            base_url=public_url, follow_redirects=False, timeout=5
        ) as http:
            yield Esia(http, clock, esia_app, public_url)
    finally:
        await runner.cleanup()


@pytest.fixture
async def esia() -> AsyncIterator[Esia]:
    async with running() as sandbox:
        yield sandbox


def assert_page(response: httpx.Response, status: int = 200) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("text/html")
    for name, value in PAGE_HEADERS.items():
        assert response.headers[name] == value


def assert_error(response: httpx.Response, error: str, code: str) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    body = dict(response.json())
    assert body["error"] == error
    assert body["error_description"].startswith(f"{code}: ")
    return body


# ----------------------------------------------------------------------------- the code flow


@pytest.mark.parametrize("mount", [MOUNT, ""], ids=["mounted", "alone"])
async def test_a_full_code_flow_with_pkce(mount: str) -> None:
    async with running(mount) as esia:
        verifier, challenge = pkce()
        flow = Flow(verifier=verifier, challenge=challenge)

        login = await esia.authorize(flow)
        assert_page(login)
        assert "Тестовая среда" in login.text
        for person in CITIZENS:
            assert f">{person.full_name}</button>" in login.text
        assert f"action='{mount}/login'" in login.text
        assert flow.state in login.text  # shown as request details, not carried in a URL
        assert "request_id" not in str(login.url)

        consent = await esia.http.post(
            "/login", data={"request_id": hidden(login.text, "request_id"), "oid": IVANOV}
        )
        assert_page(consent)
        for label in ("ФИО", "Дата рождения", "СНИЛС"):
            assert f"<li>{label}</li>" in consent.text
        assert ">Предоставить</button>" in consent.text
        assert ">Отказать</button>" in consent.text
        assert "Иванов Иван Петрович" in consent.text

        allowed = await esia.http.post(
            "/consent",
            data={"consent_id": hidden(consent.text, "consent_id"), "decision": "allow"},
        )
        assert allowed.headers["location"].startswith(REDIRECT_URI + "?")
        answer = query_of(allowed)
        assert set(answer) == {"code", "state"}
        assert answer["state"] == flow.state

        response = await esia.token(flow, answer["code"])
        assert response.status_code == 200, response.text
        assert response.headers["cache-control"] == "no-store"
        tokens = response.json()
        assert set(tokens) == {
            "access_token",
            "id_token",
            "expires_in",
            "token_type",
            "state",
            "refresh_token",
        }
        assert tokens["expires_in"] == 3600
        assert tokens["token_type"] == "Bearer"
        assert tokens["state"] != flow.state  # the token request's own state, echoed

        claims = await esia.verify(tokens["id_token"])
        assert claims["sub"] == IVANOV
        assert claims["aud"] == CLIENT_ID
        assert claims["exp"] - claims["iat"] == 3600
        assert claims["nbf"] <= claims["iat"]
        assert {"auth_time", "amr"} <= set(claims)
        assert "nonce" not in claims
        assert claims["urn:esia:sbj_id"] == int(IVANOV)
        assert claims["urn:esia:sbj"] == {
            "urn:esia:sbj:typ": "P",
            "urn:esia:sbj:is_tru": True,
            "urn:esia:sbj:oid": int(IVANOV),
            "urn:esia:sbj:nam": f"OID.{IVANOV}",
        }
        assert (await esia.http.get("/jwks")).json() == public_jwks(esia.app)

        data = await esia.prns(IVANOV, tokens["access_token"])
        assert data.status_code == 200, data.text
        assert data.json() == {
            "firstName": "Иван",
            "lastName": "Иванов",
            "middleName": "Петрович",
            "birthDate": "12.04.1985",
            "snils": "145-978-312 08",
            "trusted": True,
        }
        stats = (await esia.http.get("/stats")).json()
        assert stats == {"authorize": 1, "token": 1, "prns": 1}


async def test_a_flow_without_pkce_and_with_a_registered_query() -> None:
    async with running(redirect_uris=(REDIRECT_URI + "?from=esia",)) as sandbox:
        flow = Flow(redirect_uri=REDIRECT_URI + "?from=esia")
        code = await sandbox.code(flow)
        response = await sandbox.token(flow, code)
        assert response.status_code == 200, response.text


async def test_an_unverified_citizen_has_no_is_tru_and_is_not_trusted(esia: Esia) -> None:
    tokens = await esia.sign_in(UNVERIFIED)
    claims = await esia.verify(tokens["id_token"])
    assert claims["sub"] == UNVERIFIED
    assert "urn:esia:sbj:is_tru" not in claims["urn:esia:sbj"]
    person = (await esia.prns(UNVERIFIED, tokens["access_token"])).json()
    assert person["trusted"] is False


async def test_the_not_a_customer_citizen_is_verified(esia: Esia) -> None:
    tokens = await esia.sign_in(NOT_A_CUSTOMER_OID)
    claims = await esia.verify(tokens["id_token"])
    assert claims["sub"] == NOT_A_CUSTOMER_OID
    assert claims["urn:esia:sbj"]["urn:esia:sbj:is_tru"] is True
    person = (await esia.prns(NOT_A_CUSTOMER_OID, tokens["access_token"])).json()
    assert person["trusted"] is True


def test_the_test_citizens() -> None:
    oids = [c.oid for c in CITIZENS]
    assert len(set(oids)) == len(oids)
    assert all(snils_is_valid(c.snils) for c in CITIZENS)
    assert not snils_is_valid("145-978-312 09")
    ivanov = next(c for c in CITIZENS if c.oid == IVANOV)
    assert (ivanov.full_name, ivanov.birth_date, ivanov.verified) == (
        "Иванов Иван Петрович",
        dt.date(1985, 4, 12),
        True,
    )
    assert any(not c.verified for c in CITIZENS)
    assert next(c for c in CITIZENS if c.oid == NOT_A_CUSTOMER_OID).verified
    assert "Иванов" not in repr(ivanov)  # no personal data in logs and tracebacks


async def test_prns_gives_only_what_the_scopes_allow(esia: Esia) -> None:
    flow = Flow(scope="openid fullname")
    tokens = (await esia.token(flow, await esia.code(flow))).json()
    person = (await esia.prns(IVANOV, tokens["access_token"])).json()
    assert person == {
        "firstName": "Иван",
        "lastName": "Иванов",
        "middleName": "Петрович",
        "trusted": True,
    }


async def test_scope_org_is_part_of_the_signed_string(esia: Esia) -> None:
    flow = Flow()
    params = esia.authorize_params(flow, scope_org="org_emps")
    assert (await esia.http.get("/aas/oauth2/v2/ac", params=params)).status_code == 302
    timestamp = params["timestamp"]
    params["client_secret"] = sign(
        CLIENT_ID, flow.scope, "org_emps", timestamp, flow.state, flow.redirect_uri
    )
    assert (await esia.http.get("/aas/oauth2/v2/ac", params=params)).status_code == 200


async def test_logs_carry_no_personal_data_codes_or_tokens(
    esia: Esia, caplog: pytest.LogCaptureFixture
) -> None:
    # Through stdlib logging, where structlog ends (tests/conftest.py configures it): a
    # structlog capture would miss loggers cached by earlier tests.
    caplog.set_level(logging.INFO)
    tokens = await esia.sign_in()
    await esia.prns(UNVERIFIED, tokens["access_token"])
    logs = [record.msg for record in caplog.records if isinstance(record.msg, dict)]
    assert {entry["event"] for entry in logs} >= {
        "esia.authorize.login_page",
        "esia.login",
        "esia.consent.granted",
        "esia.token.issued",
        "esia.prns.refused",
    }
    text = repr(logs) + caplog.text
    for secret in (IVANOV, "Иванов", "145-978-312 08", tokens["access_token"][:20]):
        assert secret not in text


# ----------------------------------------------------------------------------- refusals


async def test_deny_redirects_back_with_access_denied(esia: Esia) -> None:
    flow = Flow()
    answer = query_of(await esia.decide(flow, IVANOV, "deny"))
    assert answer["error"] == "access_denied"
    assert answer["error_description"].startswith("ESIA-007004: ")
    assert answer["state"] == flow.state
    assert "code" not in answer


async def test_the_pages_work_once(esia: Esia) -> None:
    flow = Flow()
    page = await esia.authorize(flow)
    request_id = hidden(page.text, "request_id")
    first = await esia.http.post("/login", data={"request_id": request_id, "oid": IVANOV})
    assert first.status_code == 200
    again = await esia.http.post("/login", data={"request_id": request_id, "oid": IVANOV})
    assert_page(again, 410)
    consent_id = hidden(first.text, "consent_id")
    data = {"consent_id": consent_id, "decision": "allow"}
    assert (await esia.http.post("/consent", data=data)).status_code == 302
    assert_page(await esia.http.post("/consent", data=data), 410)
    unknown = await esia.http.post("/login", data={"request_id": "nope", "oid": IVANOV})
    assert_page(unknown, 410)


async def test_a_cross_site_form_post_is_refused(esia: Esia) -> None:
    page = await esia.authorize(Flow())
    response = await esia.http.post(
        "/login",
        data={"request_id": hidden(page.text, "request_id"), "oid": IVANOV},
        headers={"Sec-Fetch-Site": "cross-site"},
    )
    assert response.status_code == 403


async def test_a_wrong_client_secret(esia: Esia) -> None:
    flow = Flow()
    answer = query_of(await esia.authorize(flow, client_secret=sign("something else")))
    assert answer["error"] == "invalid_request"
    assert answer["error_description"].startswith("ESIA-007053: ")
    assert answer["state"] == flow.state

    code = await esia.code(flow)
    wrong = await esia.token(flow, code, client_secret=sign("something else"))
    body = assert_error(wrong, "invalid_client", "ESIA-007053")
    assert body["state"]
    # The secret covers the code: one signed for another code does not pass.
    form = esia.token_form(flow, code)
    form["code"] = code + "x"
    assert_error(
        await esia.http.post("/aas/oauth2/v3/te", data=form), "invalid_client", "ESIA-007053"
    )
    # A client that did not authenticate does not spend the code.
    assert (await esia.token(flow, code)).status_code == 200


@pytest.mark.parametrize("minutes", [-6, 6])
async def test_a_stale_timestamp(esia: Esia, minutes: int) -> None:
    flow = Flow()
    stale = esia_timestamp(esia.clock() + dt.timedelta(minutes=minutes))
    secret = sign(CLIENT_ID, flow.scope, "", stale, flow.state, flow.redirect_uri)
    answer = query_of(await esia.authorize(flow, timestamp=stale, client_secret=secret))
    assert answer["error"] == "invalid_request"
    assert answer["error_description"].startswith("ESIA-007015: ")

    code = await esia.code(flow)
    form = esia.token_form(flow, code)
    form["timestamp"] = stale
    form["client_secret"] = sign(
        CLIENT_ID, flow.scope, "", stale, form["state"], flow.redirect_uri, code
    )
    response = await esia.http.post("/aas/oauth2/v3/te", data=form)
    assert_error(response, "invalid_request", "ESIA-007015")


async def test_a_timestamp_in_another_format_is_refused(esia: Esia) -> None:
    flow = Flow()
    iso = esia.clock().isoformat()
    secret = sign(CLIENT_ID, flow.scope, "", iso, flow.state, flow.redirect_uri)
    answer = query_of(await esia.authorize(flow, timestamp=iso, client_secret=secret))
    assert answer["error_description"].startswith("ESIA-007015: ")


async def test_a_redirect_uri_that_is_not_registered_gets_a_page_not_a_redirect(
    esia: Esia,
) -> None:
    flow = Flow(redirect_uri="https://evil.example/cb?<script>alert(1)</script>")
    response = await esia.authorize(flow)
    assert_page(response, 400)
    assert "location" not in response.headers
    assert "ESIA-007023" in response.text
    assert "<script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text

    unknown = await esia.authorize(Flow(), client_id="OTHER<b>")
    assert_page(unknown, 400)
    assert "location" not in unknown.headers
    assert "ESIA-007002" in unknown.text
    assert "OTHER&lt;b&gt;" in unknown.text

    missing = await esia.authorize(Flow(), redirect_uri=None)
    assert_page(missing, 400)
    assert "ESIA-007014" in missing.text


async def test_any_http_redirect_uri_when_none_is_registered() -> None:
    async with running(redirect_uris=()) as esia:
        flow = Flow(redirect_uri="http://127.0.0.1:9/link/callback")
        assert (await esia.authorize(flow)).status_code == 200
        bad = await esia.authorize(Flow(redirect_uri="javascript:alert(1)"))
        assert_page(bad, 400)


async def test_the_token_redirect_uri_must_be_the_authorize_one(esia: Esia) -> None:
    flow = Flow()
    code = await esia.code(flow)
    other = Flow(state=flow.state, redirect_uri="https://bot.example/other")
    response = await esia.token(other, code)
    body = assert_error(response, "invalid_grant", "ESIA-007011")
    assert "[redirect_uri]" in body["error_description"]


async def test_missing_and_malformed_parameters(esia: Esia) -> None:
    flow = Flow()
    answer = query_of(await esia.authorize(flow, client_certificate_hash=None))
    assert answer["error"] == "invalid_request"
    assert answer["error_description"] == (
        "ESIA-007014: The request doesn't contain the mandatory parameter [client_certificate_hash]"
    )
    assert answer["state"] == flow.state

    no_openid = Flow(scope="fullname snils")
    answer = query_of(await esia.authorize(no_openid))
    assert (answer["error"], answer["error_description"][:12]) == ("invalid_scope", "ESIA-007006:")

    answer = query_of(await esia.authorize(flow, response_type="token"))
    assert answer["error"] == "unsupported_response_type"

    answer = query_of(
        await esia.authorize(flow, code_challenge="abc", code_challenge_method="S256")
    )
    assert answer["error_description"].startswith("ESIA-007003: ")

    code = await esia.code(flow)
    response = await esia.token(flow, code, client_certificate_hash=None)
    assert_error(response, "invalid_request", "ESIA-007014")
    response = await esia.token(flow, code, grant_type="refresh_token")
    body = response.json()
    assert (response.status_code, body["error"]) == (400, "unsupported_grant_type")
    response = await esia.token(flow, code, client_id="OTHER")
    assert_error(response, "invalid_client", "ESIA-008010")


async def test_a_code_is_single_use(esia: Esia) -> None:
    flow = Flow()
    code = await esia.code(flow)
    assert (await esia.token(flow, code)).status_code == 200
    assert_error(await esia.token(flow, code), "invalid_grant", "ESIA-007011")
    assert_error(await esia.token(flow, "made-up"), "invalid_grant", "ESIA-007011")


async def test_a_code_expires_after_five_minutes(esia: Esia) -> None:
    flow = Flow()
    code = await esia.code(flow)
    esia.clock.advance(minutes=4, seconds=50)
    fresh = await esia.code(flow)
    esia.clock.advance(seconds=11)
    assert_error(await esia.token(flow, code), "invalid_grant", "ESIA-007011")
    assert (await esia.token(flow, fresh)).status_code == 200


async def test_a_wrong_code_verifier(esia: Esia) -> None:
    verifier, challenge = pkce()
    flow = Flow(verifier=verifier, challenge=challenge)
    code = await esia.code(flow)
    other, _ = pkce()
    assert_error(await esia.token(flow, code, code_verifier=other), "invalid_grant", "ESIA-007040")
    # The code is spent by the failed attempt: no guessing verifiers on one code.
    assert_error(await esia.token(flow, code), "invalid_grant", "ESIA-007011")

    code = await esia.code(flow)
    assert_error(await esia.token(flow, code, code_verifier=None), "invalid_request", "ESIA-007014")

    plain = Flow()
    code = await esia.code(plain)
    response = await esia.token(plain, code, code_verifier=verifier)
    assert_error(response, "invalid_request", "ESIA-007039")


# ----------------------------------------------------------------------------- /rs/prns


async def test_a_token_reads_its_own_person_only(esia: Esia) -> None:
    tokens = await esia.sign_in(IVANOV)
    other = await esia.prns(UNVERIFIED, tokens["access_token"])
    assert other.status_code == 403
    assert other.json()["error_description"].startswith("ESIA-007019: ")

    missing = await esia.prns(IVANOV, None)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"].startswith("Bearer")
    assert (await esia.prns(IVANOV, "not-a-token")).status_code == 401
    tampered = tokens["access_token"][:-4] + "AAAA"
    assert (await esia.prns(IVANOV, tampered)).status_code == 401
    # An ID token is not an access token.
    assert (await esia.prns(IVANOV, tokens["id_token"])).status_code == 401

    esia.clock.advance(hours=1, seconds=1)
    assert (await esia.prns(IVANOV, tokens["access_token"])).status_code == 401


async def test_another_sandbox_s_token_is_refused(esia: Esia) -> None:
    async with running(signing_key_pem=None) as other:
        tokens = await other.sign_in(IVANOV)
    assert (await esia.prns(IVANOV, tokens["access_token"])).status_code == 401


# ----------------------------------------------------------------------------- switches


async def test_switch_down(esia: Esia) -> None:
    tokens = await esia.sign_in()
    flow = Flow()
    code = await esia.code(flow)
    assert (await esia.switches(down=True))["down"] is True

    page = await esia.authorize(flow)
    assert_page(page, 503)
    assert "ESIA-007008" in page.text
    token = await esia.token(flow, code)
    assert token.status_code == 503
    assert token.json()["error"] == "temporarily_unavailable"
    assert token.json()["error_description"].startswith("ESIA-007008: ")
    assert (await esia.prns(IVANOV, tokens["access_token"])).status_code == 503

    await esia.switches(down=False)
    assert (await esia.token(flow, code)).status_code == 200
    stats = (await esia.http.get("/stats")).json()
    assert stats == {"authorize": 3, "token": 3, "prns": 1}


async def test_switch_token_error(esia: Esia) -> None:
    flow = Flow()
    code = await esia.code(flow)
    await esia.switches(token_error="ESIA-007014")
    response = await esia.token(flow, code)
    body = assert_error(response, "invalid_request", "ESIA-007014")
    assert body["state"]
    assert_error(await esia.token(flow, code), "invalid_request", "ESIA-007014")

    await esia.switches(token_error="ESIA-123456")  # a code the sandbox does not know
    body = (await esia.token(flow, code)).json()
    assert (body["error"], body["error_description"][:12]) == ("server_error", "ESIA-123456:")

    await esia.switches(token_error=None)
    assert (await esia.token(flow, code)).status_code == 200


async def test_switch_authorize_error(esia: Esia) -> None:
    await esia.switches(authorize_error="ESIA-007055")
    flow = Flow()
    answer = query_of(await esia.authorize(flow))
    assert answer["error"] == "access_denied"
    assert answer["error_description"].startswith("ESIA-007055: ")
    assert answer["state"] == flow.state

    await esia.switches(authorize_error=None)
    assert (await esia.authorize(flow)).status_code == 200


async def test_switch_latency_and_validation(esia: Esia) -> None:
    await esia.switches(latency_ms=150)
    started = dt.datetime.now(dt.UTC)
    assert (await esia.authorize(Flow())).status_code == 200
    assert dt.datetime.now(dt.UTC) - started >= dt.timedelta(milliseconds=150)
    current = (await esia.http.get("/switches")).json()
    assert current == {
        "down": False,
        "latency_ms": 150,
        "token_error": None,
        "authorize_error": None,
        "id_token_audience": None,
    }
    bad_values = (
        {"latency_ms": -1},
        {"down": "yes"},
        {"token_error": "oops"},
        {"id_token_audience": 7},
        {"nope": 1},
    )
    for bad in bad_values:
        response = await esia.http.put("/switches", json=bad)
        assert response.status_code == 422, bad
    assert (await esia.http.put("/switches", content=b"[")).status_code == 400
    assert (await esia.http.get("/switches")).json() == current


# ----------------------------------------------------------------------------- pages


async def test_pages_escape_what_the_client_sent(esia: Esia) -> None:
    flow = Flow(state="<script>alert('x')</script>")
    page = await esia.authorize(flow)
    assert_page(page)
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    answer = query_of(await esia.decide(flow, IVANOV, "allow"))
    assert answer["state"] == flow.state  # echoed exactly, URL-encoded


async def test_the_citizen_buttons_have_their_names(esia: Esia) -> None:
    page = (await esia.authorize(Flow())).text
    buttons = re.findall(
        r"<button type='submit' name='oid' value='(\d+)'[^>]*>([^<]+)</button>", page
    )
    assert buttons == [(c.oid, c.full_name) for c in CITIZENS]


def test_the_config_refuses_a_trailing_slash() -> None:
    with pytest.raises(ValueError, match="slash"):
        EsiaSandboxConfig(public_url="http://127.0.0.1:8080/sandbox/esia/")
    config = EsiaSandboxConfig(public_url="http://127.0.0.1:8080/sandbox/esia")
    assert config.token_issuer == "http://127.0.0.1:8080/sandbox/esia/"


# ----------------------------------------------------------------------------- browser


@dataclass
class Callback:
    """The bot's callback, reduced to recording what ESIA sent back."""

    received: list[dict[str, str]] = field(default_factory=list)

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(dict(request.query))
        return web.Response(
            text="<!doctype html><title>ok</title><h1>Готово</h1>", content_type="text/html"
        )


async def test_a_browser_signs_in_and_consents() -> None:
    callback = Callback()
    port = free_port()
    bot = web.Application()
    bot.router.add_get("/link/callback", callback.handle)
    runner = web.AppRunner(bot, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    redirect_uri = f"http://127.0.0.1:{port}/link/callback"
    try:
        async with running(redirect_uris=(redirect_uri,)) as esia, chromium() as browser:
            verifier, challenge = pkce()
            flow = Flow(verifier=verifier, challenge=challenge, redirect_uri=redirect_uri)
            url = str(
                esia.http.build_request(
                    "GET", "/aas/oauth2/v2/ac", params=esia.authorize_params(flow)
                ).url
            )
            page = await browser.new_page()
            await page.goto(url)
            await expect(page.get_by_text("Тестовая среда", exact=True)).to_be_visible()
            await snapshot(page, "sandbox-esia-login")
            await page.get_by_role("button", name="Иванов Иван Петрович", exact=True).click()
            await expect(page.get_by_role("heading")).to_have_text("Предоставление прав доступа")
            await snapshot(page, "sandbox-esia-consent")
            await page.get_by_role("button", name="Предоставить").click()
            await expect(page.get_by_role("heading")).to_have_text("Готово")
            assert len(callback.received) == 1
            answer = callback.received[0]
            assert answer["state"] == flow.state
            assert (await esia.token(flow, answer["code"])).status_code == 200
    finally:
        await runner.cleanup()
