"""Signing in through a strict, certified OpenID provider its authors did not write (panva's
`oidc-provider` under Node, tests/strict_idp.py): PKCE required, each way of authenticating
the client, ID tokens in RS256, PS256, ES256 and EdDSA, a key rotated under the same `kid`, and
a mixed-up authorization response, each ending as the person sees it — the page, and the
greeting in the chat. Skipped without Node or `npm ci`, except under CI."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from linking.providers import tokens
from tests.conftest import IN_CI, Backend
from tests.harness import RunningBot, running_bot
from tests.sandbox_server import free_port
from tests.strict_idp import (
    ACCOUNTS,
    NODE_PROBLEM,
    StrictIdp,
    ec_key,
    ed25519_key,
    jwks,
    rsa_key,
    sign_in,
    strict_idp,
)
from tests.test_linking import ALICE, login_url

pytestmark = pytest.mark.backends("embedded")

CLIENT = "cabinet-bot"
SECRET = "Ab+c/De=Fg%20hI/jk+=="  # what generated secrets look like: +/= and a %
GREETING = "Вы вошли как Алиса С."


@dataclass
class Setup:
    idp: StrictIdp
    app: RunningBot
    browser: httpx.AsyncClient


def signing_keys() -> dict[str, Any]:
    """One key per algorithm (a key signs only the alg it names)."""
    return jwks(
        rsa_key("rs", "RS256")[0],
        rsa_key("ps", "PS256")[0],
        ec_key("es")[0],
        ed25519_key("ed")[0],
    )


@pytest.fixture
def node() -> None:
    if NODE_PROBLEM is not None:
        if IN_CI:
            pytest.fail(NODE_PROBLEM)
        pytest.skip(NODE_PROBLEM)


async def setup(
    migrated: Backend, client: Mapping[str, Any], bot: Mapping[str, Any], keys: dict[str, Any]
) -> AsyncIterator[Setup]:
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    registered = {
        "client_id": CLIENT,
        "redirect_uris": [f"{public}/link/callback"],
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
        **client,
    }
    async with (
        strict_idp([registered], ACCOUNTS, keys) as idp,
        running_bot(
            migrated,
            web_server=True,
            web_port=port,
            public_url=public,
            flood_rate=50,
            idp="oidc",
            oidc_issuer=idp.issuer,
            oidc_client_id=CLIENT,
            oidc_scopes="openid profile snils trusted",
            oidc_require_claim="trusted=true",
            **bot,
        ) as app,
        httpx.AsyncClient(timeout=15) as browser,
    ):
        yield Setup(idp, app, browser)


async def returned(s: Setup, user: int = ALICE) -> str:
    """The person presses «Войти через Госуслуги», signs in at the provider, and comes back:
    the callback URL the provider sent the browser to."""
    started = await s.browser.get(login_url(s.app, await s.app.consent(user)))
    authorize = started.headers["location"]
    assert authorize.startswith(s.idp.issuer)
    return await sign_in(s.browser, authorize, "alice")


async def signed_in(s: Setup, user: int = ALICE) -> None:
    page = await s.browser.get(await returned(s, user))
    command = re.search(r"<code>(/start b_[A-Za-z0-9_-]+)</code>", page.text)
    assert command, s.idp.log()
    reply = await s.app.say(user, command[1])
    assert GREETING in (reply.text or "")


def pem(key: ec.EllipticCurvePrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


CLIENT_KEY_JWK, CLIENT_KEY = ec_key("bot-key")
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "basic, RS256": (
        {"client_secret": SECRET, "token_endpoint_auth_method": "client_secret_basic",
         "id_token_signed_response_alg": "RS256"},
        {"oidc_client_secret": SECRET},
    ),
    "post, ES256": (
        {"client_secret": SECRET, "token_endpoint_auth_method": "client_secret_post",
         "id_token_signed_response_alg": "ES256"},
        {"oidc_client_secret": SECRET, "oidc_token_auth_method": "client_secret_post"},
    ),
    "basic, PS256": (
        {"client_secret": SECRET, "token_endpoint_auth_method": "client_secret_basic",
         "id_token_signed_response_alg": "PS256"},
        {"oidc_client_secret": SECRET},
    ),
    "private_key_jwt, EdDSA": (
        {"token_endpoint_auth_method": "private_key_jwt", "id_token_signed_response_alg": "EdDSA",
         "jwks": {"keys": [{k: v for k, v in CLIENT_KEY_JWK.items() if k != "d"}]}},
        {"oidc_token_auth_method": "private_key_jwt", "oidc_client_key": pem(CLIENT_KEY),
         "oidc_client_key_id": "bot-key"},
    ),
}  # fmt: skip


@pytest.mark.usefixtures("node")
@pytest.mark.parametrize("way", WAYS)
async def test_signing_in_at_a_strict_provider(migrated: Backend, way: str) -> None:
    client, bot = WAYS[way]
    async for s in setup(migrated, client, bot, signing_keys()):
        await signed_in(s)


@pytest.mark.usefixtures("node")
async def test_a_key_rotated_under_the_same_kid_needs_no_restart(
    migrated: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(tokens, "JWKS_MIN_REFRESH", 0.2)  # 30 s in production
    client = {"client_secret": SECRET, "id_token_signed_response_alg": "RS256"}
    async for s in setup(migrated, client, {"oidc_client_secret": SECRET}, signing_keys()):
        await signed_in(s)
        await s.idp.restart(jwks=signing_keys())  # new key material, the same kids
        s.browser.cookies.clear()
        await signed_in(s, ALICE + 1)  # from another Telegram account: the link moves


@pytest.mark.usefixtures("node")
async def test_a_mixed_up_authorization_response_is_refused_and_said_so(
    migrated: Backend,
) -> None:
    """RFC 9207: the callback names another issuer (a mix-up attack): not linked, and the page
    says the sign-in could not be confirmed, with the check's code, not «link expired»."""
    client = {"client_secret": SECRET, "id_token_signed_response_alg": "RS256"}
    async for s in setup(migrated, client, {"oidc_client_secret": SECRET}, signing_keys()):
        back = urlsplit(await returned(s))
        params = dict(parse_qsl(back.query))
        assert params["iss"] == s.idp.issuer
        forged = back._replace(query=urlencode(params | {"iss": "https://evil.example"}))
        page = await s.browser.get(forged.geturl())
        assert page.status_code == 502
        assert "Вход не подтверждён" in page.text
        assert "wrong_iss_param" in page.text
        assert "/start b_" not in page.text
