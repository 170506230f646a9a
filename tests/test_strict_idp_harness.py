"""The strict OpenID Provider harness (tests/strict_idp.py: panva's oidc-provider under Node)
works end to end with nothing but httpx: discovery, the development login and consent pages,
the code exchange with `client_secret_basic` (a secret with `+/=%` in it) and
`client_secret_post`, ID tokens signed with the client's algorithm, and the provider's strict
refusals (no PKCE, a wrong secret). Skipped when Node or `npm ci` is missing, except under CI."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, quote_plus, urlencode, urlsplit

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import KeySet

from tests.conftest import IN_CI
from tests.strict_idp import (
    ACCOUNTS,
    NODE_PROBLEM,
    StrictIdp,
    ec_key,
    jwks,
    public_jwks,
    rsa_key,
    sign_in,
    strict_idp,
)

REDIRECT_URI = "http://127.0.0.1:9/callback"  # never reached: sign_in stops at the redirect
BASIC_SECRET = "s3cret+/=%20and+more/=="  # form-urlencoding matters for this one
POST_SECRET = "post-secret+/=%"
CLIENTS: list[dict[str, Any]] = [
    {
        "client_id": "basic-client",
        "client_secret": BASIC_SECRET,
        "redirect_uris": [REDIRECT_URI],
        "token_endpoint_auth_method": "client_secret_basic",
        "id_token_signed_response_alg": "RS256",
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    },
    {
        "client_id": "post-client",
        "client_secret": POST_SECRET,
        "redirect_uris": [REDIRECT_URI],
        "token_endpoint_auth_method": "client_secret_post",
        "id_token_signed_response_alg": "ES256",
        "grant_types": ["authorization_code"],
        "response_types": ["code"],
    },
]
SCOPE = "openid profile snils trusted"


@pytest.fixture(scope="module")
def keys() -> dict[str, Any]:
    rsa_jwk, _ = rsa_key("rsa-1")
    ec_jwk, _ = ec_key("ec-1")
    return jwks(rsa_jwk, ec_jwk)


@pytest.fixture
async def idp(keys: dict[str, Any]) -> AsyncIterator[StrictIdp]:
    if NODE_PROBLEM is not None:
        if IN_CI:
            pytest.fail(NODE_PROBLEM)
        pytest.skip(NODE_PROBLEM)
    async with strict_idp(CLIENTS, ACCOUNTS, keys) as server:
        yield server


@dataclass(frozen=True)
class Request:
    url: str
    state: str
    nonce: str
    verifier: str


def authorization_request(
    endpoint: str, client_id: str, *, pkce: bool = True, scope: str = SCOPE
) -> Request:
    state, nonce = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
    verifier = secrets.token_urlsafe(32)  # 43 characters: RFC 7636's minimum, enforced
    params = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": REDIRECT_URI,
        "scope": scope,
        "state": state,
        "nonce": nonce,
    }
    if pkce:
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        params["code_challenge"] = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
        params["code_challenge_method"] = "S256"
    return Request(f"{endpoint}?{urlencode(params)}", state, nonce, verifier)


def basic_auth(client_id: str, secret: str, *, encode: bool = True) -> str:
    """RFC 6749 §2.3.1: both form-urlencoded before base64 (`encode=False`: the common mistake)."""
    if encode:
        client_id, secret = quote_plus(client_id, safe=""), quote_plus(secret, safe="")
    return "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode("ascii")


async def token_request(
    http: httpx.AsyncClient,
    endpoint: str,
    client: dict[str, Any],
    code: str,
    verifier: str,
    *,
    secret: str | None = None,
    encode: bool = True,
) -> httpx.Response:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT_URI,
        "code_verifier": verifier,
    }
    headers = {}
    secret = client["client_secret"] if secret is None else secret
    if client["token_endpoint_auth_method"] == "client_secret_basic":
        headers["Authorization"] = basic_auth(client["client_id"], secret, encode=encode)
    else:
        data |= {"client_id": client["client_id"], "client_secret": secret}
    return await http.post(endpoint, data=data, headers=headers)


def query(url: str) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(urlsplit(url).query).items()}


def jose_header(token: str) -> dict[str, Any]:
    header = token.split(".", maxsplit=1)[0]
    decoded: dict[str, Any] = json.loads(
        base64.urlsafe_b64decode(header + "=" * (-len(header) % 4))
    )
    return decoded


async def test_discovery(idp: StrictIdp) -> None:
    async with httpx.AsyncClient() as http:
        metadata = (await http.get(idp.discovery_url)).json()
        published = (await http.get(metadata["jwks_uri"])).json()
    assert metadata["issuer"] == idp.issuer
    assert metadata["authorization_endpoint"] == idp.issuer + "/auth"
    assert metadata["code_challenge_methods_supported"] == ["S256"]
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert {"RS256", "ES256"} <= set(metadata["id_token_signing_alg_values_supported"])
    assert {"snils", "trusted", "profile"} <= set(metadata["scopes_supported"])
    assert published == public_jwks(idp.jwks)


@pytest.mark.parametrize("client", CLIENTS, ids=lambda client: client["client_id"])
async def test_sign_in_and_code_exchange(idp: StrictIdp, client: dict[str, Any]) -> None:
    async with httpx.AsyncClient() as http:
        metadata = (await http.get(idp.discovery_url)).json()
        request = authorization_request(metadata["authorization_endpoint"], client["client_id"])

        redirect = await sign_in(http, request.url, "alice")

        assert redirect.startswith(REDIRECT_URI + "?")
        answer = query(redirect)
        assert answer["state"] == request.state
        assert answer["iss"] == idp.issuer  # RFC 9207
        response = await token_request(
            http, metadata["token_endpoint"], client, answer["code"], request.verifier
        )
        assert response.status_code == 200, response.text
        tokens = response.json()
        userinfo = await http.get(
            metadata["userinfo_endpoint"],
            headers={"Authorization": f"Bearer {tokens['access_token']}"},
        )
        keys = KeySet.import_key_set((await http.get(metadata["jwks_uri"])).json())

    alg = client["id_token_signed_response_alg"]
    assert jose_header(tokens["id_token"])["alg"] == alg
    claims = jwt.decode(tokens["id_token"], keys, algorithms=[alg]).claims
    assert claims["iss"] == idp.issuer
    assert claims["aud"] == client["client_id"]
    assert claims["sub"] == "alice"
    assert claims["nonce"] == request.nonce
    # conformIdTokenClaims: the scopes' claims are at userinfo, not in the ID token
    assert "given_name" not in claims
    assert "snils" not in claims
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json() == {"sub": "alice", **ACCOUNTS["alice"]}


async def test_authorization_without_pkce_is_refused(idp: StrictIdp) -> None:
    async with httpx.AsyncClient() as http:
        request = authorization_request(idp.issuer + "/auth", "basic-client", pkce=False)
        redirect = await sign_in(http, request.url, "alice")

    answer = query(redirect)
    assert "code" not in answer
    assert answer["error"] == "invalid_request"
    assert "PKCE" in answer["error_description"]
    assert answer["state"] == request.state
    assert answer["iss"] == idp.issuer


async def test_wrong_client_secret_is_refused(idp: StrictIdp) -> None:
    client = CLIENTS[0]
    token_endpoint = idp.issuer + "/token"
    async with httpx.AsyncClient() as http:
        request = authorization_request(idp.issuer + "/auth", client["client_id"])
        code = query(await sign_in(http, request.url, "alice"))["code"]
        wrong = await token_request(
            http, token_endpoint, client, code, request.verifier, secret=BASIC_SECRET + "x"
        )
        # the right secret, not form-urlencoded: `+` reads as a space, `%20` as a space
        unencoded = await token_request(
            http, token_endpoint, client, code, request.verifier, encode=False
        )
        # a refused client authentication does not use the code up
        right = await token_request(http, token_endpoint, client, code, request.verifier)

    for refused in (wrong, unencoded):
        assert refused.status_code == 401
        assert refused.json() == {
            "error": "invalid_client",
            "error_description": "client authentication failed",
        }
        assert refused.headers["www-authenticate"].startswith("Basic ")
    assert right.status_code == 200, right.text
    assert "invalid_client: client authentication failed (invalid secret provided)" in idp.log()


async def test_restart_with_another_key_under_the_same_kid(idp: StrictIdp) -> None:
    rotated, _ = rsa_key("rsa-1")
    async with httpx.AsyncClient() as http:
        before = (await http.get(idp.issuer + "/jwks")).json()
        await idp.restart(jwks=jwks(rotated))
        after = (await http.get(idp.issuer + "/jwks")).json()

    assert after == public_jwks(jwks(rotated))
    assert before["keys"][0]["kid"] == after["keys"][0]["kid"] == "rsa-1"
    assert before["keys"][0]["n"] != after["keys"][0]["n"]
