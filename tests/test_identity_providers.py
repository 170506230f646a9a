"""The identity providers: ID token verification, the generic OIDC provider end to end against a
third-party OpenID provider (`oidc-provider-mock`, from PyPI) on a real port, the ESIA provider
against the sandbox ESIA on a real port, and a real GOST R 34.10-2012 signature through the
`command:` signer and verifier (openssl with Debian's GOST engine)."""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import subprocess
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID

from linking.esia.secret import CommandSigner, DevSigner, signed_message
from linking.providers.base import Failure, ProviderError
from linking.providers.esia import (
    EsiaProvider,
    default_issuer,
    esia_date,
    esia_error,
    snils_digits,
)
from linking.providers.oidc import ClientKey, OidcProvider, claim_matches, parse_required_claim
from linking.providers.tokens import (
    GOST3410_2012_256,
    RS256,
    CommandVerifier,
    JwksUrl,
    StaticKeys,
    TokenKey,
    b64url_decode,
    parse_token_key,
    verify_id_token,
)
from sandbox.esia import EsiaSandboxConfig, create_app, public_jwks
from tests.esia_browser import form_of, query

# the third-party provider's own use of authlib's older server API
pytestmark = pytest.mark.filterwarnings("ignore:get_jwt_config:DeprecationWarning")

IN_CI = os.environ.get("CI", "").lower() == "true"
ISSUER = "https://idp.example"
CLIENT = "cabinet-bot"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
EC_KEY = ec.generate_private_key(ec.SECP256R1())
ED_KEY = ed25519.Ed25519PrivateKey.generate()
OTHER_EC = ec.generate_private_key(ec.SECP256R1())


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def certificate_pem(key: rsa.RSAPrivateKey) -> str:
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "ESIA test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    return certificate.public_bytes(serialization.Encoding.PEM).decode()


def jwk(key: rsa.RSAPrivateKey, kid: str | None = None) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    value = {
        "kty": "RSA",
        "use": "sig",
        "alg": RS256,
        "n": b64(numbers.n.to_bytes((numbers.n.bit_length() + 7) // 8, "big")),
        "e": b64(numbers.e.to_bytes(3, "big")),
    }
    return value | ({"kid": kid} if kid else {})


def ec_jwk(key: ec.EllipticCurvePrivateKey, kid: str | None = None) -> dict[str, str]:
    numbers = key.public_key().public_numbers()
    value = {
        "kty": "EC",
        "crv": "P-256",
        "use": "sig",
        "x": b64(numbers.x.to_bytes(32, "big")),
        "y": b64(numbers.y.to_bytes(32, "big")),
    }
    return value | ({"kid": kid} if kid else {})


def okp_jwk(key: ed25519.Ed25519PrivateKey) -> dict[str, str]:
    raw = key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return {"kty": "OKP", "crv": "Ed25519", "use": "sig", "x": b64(raw)}


def sign_as(payload: dict[str, Any], alg: str, key: Any, kid: str | None = None) -> str:
    """A JWS with `alg` (ES256, PS256, EdDSA) made with `cryptography`, as a provider would."""
    header = {"alg": alg, "typ": "JWT"} | ({"kid": kid} if kid else {})
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    data = signing_input.encode()
    if alg == "ES256":
        r, s_ = decode_dss_signature(key.sign(data, ec.ECDSA(hashes.SHA256())))
        signature = r.to_bytes(32, "big") + s_.to_bytes(32, "big")
    elif alg == "PS256":
        pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32)
        signature = key.sign(data, pss, hashes.SHA256())
    else:
        signature = key.sign(data)
    return f"{signing_input}.{b64(signature)}"


def claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    values: dict[str, Any] = {
        "iss": ISSUER,
        "aud": CLIENT,
        "sub": "1000299654",
        "iat": now,
        "nbf": now,
        "exp": now + 300,
        "nonce": "the-nonce",
    }
    values.update(changes)
    return {name: value for name, value in values.items() if value is not None}


def sign(
    payload: dict[str, Any],
    key: rsa.RSAPrivateKey | None = KEY,
    *,
    alg: str = RS256,
    kid: str | None = None,
    hmac_secret: bytes = b"",
) -> str:
    header = {"alg": alg, "typ": "JWT"} | ({"kid": kid} if kid else {})
    signing_input = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    if alg == "none":
        signature = b""
    elif alg == "HS256":
        signature = hmac.new(hmac_secret, signing_input.encode(), hashlib.sha256).digest()
    else:
        assert key is not None
        signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{b64(signature)}"


def rs256_only() -> TokenKey:
    return StaticKeys.from_pem(public_pem(KEY).encode(), {RS256})


async def verify(token: str, key: TokenKey | None = None, **expected: Any) -> dict[str, Any]:
    options: dict[str, Any] = {"issuer": ISSUER, "audience": CLIENT, "nonce": "the-nonce"}
    options.update(expected)
    return await verify_id_token(
        token, key=key or StaticKeys.from_pem(public_pem(KEY).encode()), **options
    )


async def invalid(token: str, reason: str, key: TokenKey | None = None, **expected: Any) -> None:
    """The token is refused as untrusted, for `reason` (the code logged and shown)."""
    with pytest.raises(ProviderError) as caught:
        await verify(token, key, **expected)
    assert caught.value.failure is Failure.UNTRUSTED
    assert caught.value.code == reason, str(caught.value)


# ------------------------------------------------------------------------- ID token verification


async def test_a_valid_id_token_gives_its_claims() -> None:
    assert (await verify(sign(claims())))["sub"] == "1000299654"


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"aud": "someone-else"}, "wrong_aud"),
        ({"aud": ["someone-else", "another"]}, "wrong_aud"),
        ({"aud": [CLIENT, "another"], "azp": "another"}, "wrong_azp"),
        ({"iss": "https://evil.example"}, "wrong_iss"),
        ({"iss": None}, "wrong_iss"),
        ({"exp": -61}, "token_expired"),
        ({"exp": None}, "malformed_token"),
        ({"exp": "tomorrow"}, "malformed_token"),
        ({"nbf": +61}, "token_not_yet_valid"),
        ({"iat": +600}, "token_not_yet_valid"),
        ({"nonce": "another-nonce"}, "wrong_nonce"),
        ({"nonce": None}, "wrong_nonce"),
    ],
)
async def test_claims_that_do_not_check_out_are_invalid(
    changes: dict[str, Any], detail: str
) -> None:
    # Times are offsets from now, taken when the test runs (not when it was collected).
    now = int(time.time())
    timed = {
        name: now + value if name in {"exp", "nbf", "iat"} and isinstance(value, int) else value
        for name, value in changes.items()
    }
    await invalid(sign(claims(**timed)), detail)


async def test_the_clock_skew_tolerance_is_sixty_seconds() -> None:
    now = time.time()
    await verify(sign(claims(exp=int(now) - 50)), now=now)
    await verify(sign(claims(nbf=int(now) + 50, iat=int(now) + 50)), now=now)
    await invalid(sign(claims(exp=int(now) - 50)), "token_expired", leeway=0, now=now)


async def test_a_list_audience_with_the_client_is_accepted() -> None:
    await verify(sign(claims(aud=["another", CLIENT], azp=CLIENT)))


async def test_no_nonce_is_required_when_none_is_expected() -> None:
    await verify(sign(claims(nonce=None)), nonce=None)


async def test_a_bad_signature_is_invalid() -> None:
    await invalid(sign(claims(), OTHER_KEY), "bad_signature")
    header, payload, signature = sign(claims()).split(".")
    forged = b64(json.dumps(claims(sub="1000000001")).encode())
    await invalid(f"{header}.{forged}.{signature}", "bad_signature")
    await invalid(f"{header}.{payload}.{signature[:-4]}AAAA", "bad_signature")
    await invalid(f"{header}.{payload}.", "bad_signature")


async def test_alg_none_and_hs256_are_refused_whatever_the_header_says() -> None:
    await invalid(sign(claims(), None, alg="none"), "wrong_alg")
    # the classic confusion: the RSA public key used as an HMAC secret
    confused = sign(claims(), alg="HS256", hmac_secret=public_pem(KEY).encode())
    await invalid(confused, "wrong_alg")
    await invalid(sign(claims(), alg="RS512", kid=None), "wrong_alg", key=rs256_only())
    gost = CommandVerifier("true")  # would accept anything, but only for GOST3410_2012_256
    await invalid(sign(claims()), "wrong_alg", key=gost)


async def test_a_key_configured_for_none_or_hmac_is_a_programming_error() -> None:
    class Anything:
        algs = frozenset({"none"})

        async def verify(
            self, alg: str, signing_input: bytes, signature: bytes, kid: str | None
        ) -> bool:
            return True

    with pytest.raises(ValueError, match="not acceptable"):
        await verify(sign(claims(), None, alg="none"), Anything())


@pytest.mark.parametrize(
    "token",
    ["", "a.b", "a.b.c.d", "!!!.e30.", "e30.e30.e30", b64(b"[]") + ".e30.AAAA", "x" * 20_000],
)
async def test_garbage_is_invalid(token: str) -> None:
    with pytest.raises(ProviderError) as caught:
        await verify(token)
    assert caught.value.failure is Failure.UNTRUSTED


async def test_critical_headers_are_refused() -> None:
    header = b64(json.dumps({"alg": RS256, "crit": ["exp"], "exp": 1}).encode())
    payload = b64(json.dumps(claims()).encode())
    signature = KEY.sign(f"{header}.{payload}".encode(), padding.PKCS1v15(), hashes.SHA256())
    await invalid(f"{header}.{payload}.{b64(signature)}", "malformed_token")


# ------------------------------------------------------------------------------- the key forms


async def test_token_key_forms(tmp_path: Path) -> None:
    token = sign(claims(), kid="k1")
    file = tmp_path / "esia.pem"
    file.write_text(certificate_pem(KEY))
    async with httpx.AsyncClient() as http:
        forms = [
            public_pem(KEY),
            certificate_pem(KEY),
            json.dumps(jwk(KEY, "k1")),
            json.dumps({"keys": [jwk(OTHER_KEY, "k0"), jwk(KEY, "k1")]}),
            f"file:{file}",
            str(file),
        ]
        for spec in forms:
            key = parse_token_key(spec, http=http)
            assert RS256 in key.algs
            await verify(token, key)
        # a JWK set without the token's kid: a configured key has to carry it
        only_other = parse_token_key(json.dumps({"keys": [jwk(OTHER_KEY, "k0")]}), http=http)
        await invalid(token, "bad_signature", key=only_other)
        gost = parse_token_key("command:/usr/bin/gost-verify --key esia.pem", http=http)
        assert gost.algs == {GOST3410_2012_256}
        assert isinstance(parse_token_key("https://idp.example/jwks", http=http), JwksUrl)
        for bad in ["", "RS256", "secret", "command:"]:
            with pytest.raises(ValueError, match=r"must be|needs a program"):
                parse_token_key(bad, http=http)


async def test_es256_ps256_and_eddsa_tokens_verify_with_their_keys() -> None:
    public = {"keys": [jwk(KEY) | {"alg": "PS256"}, ec_jwk(EC_KEY), okp_jwk(ED_KEY)]}
    keys = StaticKeys.from_json(json.dumps(public))
    for alg, private in (("ES256", EC_KEY), ("PS256", KEY), ("EdDSA", ED_KEY)):
        assert (await verify(sign_as(claims(), alg, private), keys))["sub"] == "1000299654"
    # a key signs only with its own type's algorithms, and a JWK's alg binds it
    rsa_only = StaticKeys.from_pem(public_pem(KEY).encode())
    await invalid(sign_as(claims(), "ES256", EC_KEY), "wrong_alg", key=rsa_only)
    await invalid(sign(claims()), "wrong_alg", key=keys)  # that RSA key is PS256 only
    await invalid(sign_as(claims(), "ES256", OTHER_EC), "bad_signature", key=keys)
    # what the provider does not advertise is refused before any key is tried
    only_rs256 = StaticKeys.from_json(json.dumps(public | {"keys": [jwk(KEY)]}), {RS256})
    await invalid(sign_as(claims(), "PS256", KEY), "wrong_alg", key=only_rs256)


def test_short_rsa_keys_and_non_signing_jwks_are_refused() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    with pytest.raises(ValueError, match="too short"):
        StaticKeys.from_pem(public_pem(small).encode())
    with pytest.raises(ValueError, match="no signing key"):
        StaticKeys.from_json(json.dumps({"keys": [jwk(KEY) | {"use": "enc"}]}))
    with pytest.raises(ValueError, match="no signing key"):  # a symmetric key is never one
        StaticKeys.from_json(json.dumps({"keys": [{"kty": "oct", "k": b64(b"0" * 32)}]}))
    with pytest.raises(ValueError, match="no signing key"):  # RS256 only, and an EC key
        StaticKeys.from_json(json.dumps(ec_jwk(EC_KEY)), {RS256})


@dataclass
class PublishedJwks:
    """A provider's JWKS URL as a test sets it: what it publishes, how often it was fetched,
    and the clock the cache reads."""

    published: dict[str, Any]
    fetches: int = 0
    moment: float = 1000.0

    @contextlib.asynccontextmanager
    async def keys(self) -> AsyncIterator[JwksUrl]:
        def handler(request: httpx.Request) -> httpx.Response:
            self.fetches += 1
            return httpx.Response(200, json=self.published)

        async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as http:
            url = "https://idp.example/jwks"
            yield JwksUrl(url, http, min_refresh=30, clock=lambda: self.moment)


async def test_a_jwks_url_is_cached_and_refetched_for_an_unknown_kid() -> None:
    jwks = PublishedJwks({"keys": [jwk(KEY, "old")]})
    async with jwks.keys() as keys:
        await verify(sign(claims(), kid="old"), keys)
        await verify(sign(claims(), kid="old"), keys)
        assert jwks.fetches == 1
        jwks.published = {"keys": [jwk(KEY, "old"), jwk(OTHER_KEY, "new")]}
        rotated = sign(claims(), OTHER_KEY, kid="new")
        await invalid(rotated, "bad_signature", key=keys)  # refetched at most every 30 s
        assert jwks.fetches == 1
        jwks.moment += 31
        await verify(rotated, keys)
        assert jwks.fetches == 2
        jwks.moment += 3600
        await verify(rotated, keys)
        assert jwks.fetches == 3  # the cache lives an hour


async def test_a_key_rotated_under_the_same_kid_is_fetched_again_after_a_failure() -> None:
    jwks = PublishedJwks({"keys": [jwk(KEY, "k1")]})
    async with jwks.keys() as keys:
        await verify(sign(claims(), kid="k1"), keys)
        jwks.published = {"keys": [jwk(OTHER_KEY, "k1")]}  # new key material, the same kid
        rotated = sign(claims(), OTHER_KEY, kid="k1")
        await invalid(rotated, "bad_signature", key=keys)  # within 30 s: no refetch
        assert jwks.fetches == 1
        jwks.moment += 31
        await verify(rotated, keys)  # the failure fetched the keys again
        assert jwks.fetches == 2
        await invalid(sign(claims(), KEY, kid="k1"), "bad_signature", key=keys)
        assert jwks.fetches == 2, "a forged token cannot make it fetch more than every 30 s"


async def test_a_jwks_url_that_is_down_is_unavailable_not_invalid() -> None:
    async with httpx.AsyncClient(
        transport=httpx.MockTransport(lambda request: httpx.Response(503))
    ) as http:
        with pytest.raises(ProviderError) as caught:
            await verify(sign(claims()), JwksUrl("https://idp.example/jwks", http))
    assert caught.value.failure is Failure.UNAVAILABLE


async def test_a_verifier_command_gets_the_signing_input_and_the_signature(tmp_path: Path) -> None:
    seen = tmp_path / "seen"
    script = tmp_path / "verify.sh"
    script.write_text(f'#!/bin/sh\ncat > {seen}.input; cp "$1" {seen}.signature; exit "$2"\n')
    token = sign(claims(), alg=GOST3410_2012_256)
    await verify(token, CommandVerifier(f"sh {script} {{signature}} 0"))
    header, payload, signature = token.split(".")
    assert (tmp_path / "seen.input").read_bytes() == f"{header}.{payload}".encode()
    assert (tmp_path / "seen.signature").read_bytes() == b64url_decode(signature)
    await invalid(token, "bad_signature", key=CommandVerifier(f"sh {script} {{signature}} 1"))
    with pytest.raises(ProviderError) as caught:
        await verify(token, CommandVerifier("/nonexistent/verifier"))
    assert caught.value.failure is Failure.UNAVAILABLE


# ----------------------------------------------------------------------------- OIDC end to end

REDIRECT = "http://127.0.0.1:9/link/callback"


@dataclass
class SignIn:
    verifier: str
    challenge: str
    nonce: str
    state: str


def new_sign_in() -> SignIn:
    verifier = secrets.token_urlsafe(48)
    challenge = b64(hashlib.sha256(verifier.encode()).digest())
    return SignIn(verifier, challenge, secrets.token_urlsafe(16), secrets.token_urlsafe(32))


async def authorize_at_mock(
    provider: OidcProvider, sign_in: SignIn, form: dict[str, str]
) -> dict[str, str]:
    """The browser's part: the provider's authorization page, then its form (a subject to
    sign in as, or `action=deny`); the callback's query parameters."""
    url = await provider.authorization_url(
        state=sign_in.state,
        code_challenge=sign_in.challenge,
        nonce=sign_in.nonce,
        redirect_uri=REDIRECT,
    )
    sent = query(url)
    assert sent["code_challenge"] == sign_in.challenge
    assert sent["code_challenge_method"] == "S256"
    assert sent["nonce"] == sign_in.nonce
    async with httpx.AsyncClient() as browser:
        page = await browser.get(url)
        assert page.status_code == 200
        assert 'name="sub"' in page.text
        answer = await browser.post(url, data=form)
    assert answer.status_code == 302
    location = answer.headers["location"]
    assert location.startswith(REDIRECT + "?")
    params = query(location)
    if "code" in params:
        assert params["state"] == sign_in.state
    return params


@pytest.fixture
async def oidc(oidc_issuer: str) -> AsyncIterator[OidcProvider]:
    provider = OidcProvider(
        issuer=oidc_issuer, client_id=CLIENT, client_secret="s3cret", require_claim="trusted=true"
    )
    yield provider
    await provider.aclose()


async def exchange(provider: OidcProvider, sign_in: SignIn, params: dict[str, str]) -> Any:
    return await provider.exchange(
        code=params["code"],
        code_verifier=sign_in.verifier,
        nonce=sign_in.nonce,
        redirect_uri=REDIRECT,
    )


async def test_oidc_sign_in_end_to_end(oidc: OidcProvider) -> None:
    sign_in = new_sign_in()
    params = await authorize_at_mock(oidc, sign_in, {"sub": "alice"})
    assert oidc.callback_error(params) is None
    identity = await exchange(oidc, sign_in, params)
    assert identity.provider == "oidc"
    assert identity.subject == "alice"
    assert identity.level == "trusted=true"
    assert (identity.first_name, identity.last_name) == ("Алиса", "Смирнова")
    assert identity.birth_date == dt.date(1990, 2, 3)
    assert identity.snils == "14597831208"
    assert "Алиса" not in repr(identity)


async def test_oidc_a_code_is_single_use(oidc: OidcProvider) -> None:
    sign_in = new_sign_in()
    params = await authorize_at_mock(oidc, sign_in, {"sub": "alice"})
    await exchange(oidc, sign_in, params)
    with pytest.raises(ProviderError) as caught:
        await exchange(oidc, sign_in, params)
    assert caught.value.failure is Failure.INVALID  # shown as "expired or already used"
    assert caught.value.code == "invalid_grant"


async def test_oidc_wrong_nonce_is_invalid(oidc: OidcProvider) -> None:
    sign_in = new_sign_in()
    params = await authorize_at_mock(oidc, sign_in, {"sub": "alice"})
    with pytest.raises(ProviderError) as caught:
        await oidc.exchange(
            code=params["code"],
            code_verifier=sign_in.verifier,
            nonce="other",
            redirect_uri=REDIRECT,
        )
    assert caught.value.failure is Failure.UNTRUSTED
    assert caught.value.code == "wrong_nonce"


class Tampering(httpx.AsyncBaseTransport):
    """Real HTTP, except that the token endpoint's ID token gets a forged payload."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await self._inner.handle_async_request(request)
        if not request.url.path.endswith("/token"):
            return response
        body = json.loads(await response.aread())
        header, payload, signature = body["id_token"].split(".")
        forged = json.loads(b64url_decode(payload)) | {"sub": "mallory"}
        body["id_token"] = f"{header}.{b64(json.dumps(forged).encode())}.{signature}"
        return httpx.Response(response.status_code, json=body)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def test_oidc_tampered_id_token_is_invalid(oidc_issuer: str) -> None:
    provider = OidcProvider(
        issuer=oidc_issuer, client_id=CLIENT, client_secret="s3cret", transport=Tampering()
    )
    try:
        sign_in = new_sign_in()
        params = await authorize_at_mock(provider, sign_in, {"sub": "alice"})
        with pytest.raises(ProviderError) as caught:
            await exchange(provider, sign_in, params)
        assert caught.value.failure is Failure.UNTRUSTED
        assert caught.value.code == "bad_signature"
    finally:
        await provider.aclose()


async def test_oidc_without_the_required_claim_is_unverified(oidc: OidcProvider) -> None:
    sign_in = new_sign_in()
    params = await authorize_at_mock(oidc, sign_in, {"sub": "bob"})
    with pytest.raises(ProviderError) as caught:
        await exchange(oidc, sign_in, params)
    assert caught.value.failure is Failure.UNVERIFIED


async def test_oidc_without_a_required_claim_configured_anyone_signed_in_will_do(
    oidc_issuer: str,
) -> None:
    provider = OidcProvider(issuer=oidc_issuer, client_id=CLIENT, client_secret="s3cret")
    try:
        sign_in = new_sign_in()
        params = await authorize_at_mock(provider, sign_in, {"sub": "bob"})
        identity = await exchange(provider, sign_in, params)
        assert (identity.subject, identity.level, identity.last_name) == (
            "bob",
            "authenticated",
            None,
        )
    finally:
        await provider.aclose()


async def test_oidc_denied_at_the_provider(oidc: OidcProvider) -> None:
    params = await authorize_at_mock(oidc, new_sign_in(), {"action": "deny"})
    error = oidc.callback_error(params)
    assert error is not None
    assert error.failure is Failure.DENIED
    other = oidc.callback_error({"error": "server_error", "state": "x"})
    assert other is not None
    assert other.failure is Failure.UNAVAILABLE


async def test_oidc_discovery_of_another_issuer_or_nothing_is_unavailable(
    oidc_issuer: str,
) -> None:
    async def another_issuer(request: httpx.Request) -> httpx.Response:
        async with httpx.AsyncClient() as http:
            document = (await http.get(str(request.url))).json()
        return httpx.Response(200, json=document | {"issuer": "http://127.0.0.1:1"})

    providers = [
        OidcProvider(issuer="http://127.0.0.1:9", client_id=CLIENT, client_secret="s"),
        OidcProvider(
            issuer=oidc_issuer,
            client_id=CLIENT,
            client_secret="s",
            transport=httpx.MockTransport(another_issuer),
        ),
    ]
    for provider in providers:
        try:
            with pytest.raises(ProviderError) as caught:
                await provider.authorization_url(
                    state="s", code_challenge="c", nonce="n", redirect_uri=REDIRECT
                )
            assert caught.value.failure is Failure.UNAVAILABLE
        finally:
            await provider.aclose()


def test_required_claim_setting() -> None:
    assert parse_required_claim("trusted=true") == ("trusted", "true")
    assert parse_required_claim("acr=urn:level=high") == ("acr", "urn:level=high")
    assert parse_required_claim(None) is None
    for bad in ("trusted", "=true"):
        with pytest.raises(ValueError, match="name=value"):
            parse_required_claim(bad)
    assert claim_matches(True, "true")
    assert not claim_matches(False, "true")
    assert not claim_matches("True", "true")
    assert claim_matches(["basic", "verified"], "verified")
    assert claim_matches(2, "2")
    assert not claim_matches(None, "None")


# ----------------------------------------------------------------------- ESIA (the sandbox)

MOUNT = "/sandbox/esia"
ESIA_REDIRECT = "http://127.0.0.1:9/link/callback"
KEY_PEM = KEY.private_bytes(
    serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
)
IVANOV = "1000299654"  # confirmed, a customer
PETROVA = "1000310207"  # not confirmed
LEE = "1000322318"  # confirmed, no middle name


@dataclass
class Esia:
    url: str
    app: web.Application

    async def switches(self, **values: Any) -> None:
        async with httpx.AsyncClient() as http:
            response = await http.put(f"{self.url}/switches", json=values)
            response.raise_for_status()

    def provider(self, **changes: Any) -> EsiaProvider:
        options: dict[str, Any] = {
            "name": "sandbox",
            "esia_url": self.url,
            "client_id": "CABINET-BOT",
            "signer": DevSigner(),
            "cert_hash": "0F1E2D3C4B5A69788796A5B4C3D2E1F00F1E2D3C4B5A69788796A5B4C3D2E1F0",
            "token_key": json.dumps(public_jwks(self.app)),
        }
        options.update(changes)
        return EsiaProvider(**options)


@pytest.fixture
async def esia() -> AsyncIterator[Esia]:
    """The sandbox ESIA on a real port, mounted where the bot mounts it."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{listener.getsockname()[1]}{MOUNT}"
    app = create_app(EsiaSandboxConfig(public_url=url, signing_key_pem=KEY_PEM))
    parent = web.Application()
    parent.add_subapp(MOUNT, app)
    runner = web.AppRunner(parent, access_log=None)
    await runner.setup()
    await web.SockSite(runner, listener).start()
    try:
        yield Esia(url, app)
    finally:
        await runner.cleanup()


async def sign_in_at_esia(
    provider: EsiaProvider, sign_in: SignIn, *, oid: str = IVANOV, decision: str = "allow"
) -> dict[str, str]:
    """The browser's part: login page → a test citizen → consent page → the callback's query."""
    url = await provider.authorization_url(
        state=sign_in.state,
        code_challenge=sign_in.challenge,
        nonce=None,
        redirect_uri=ESIA_REDIRECT,
    )
    origin = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
    async with httpx.AsyncClient(base_url=origin) as browser:
        page = await browser.get(url)
        if page.status_code == 302:  # the authorize_error switch: straight back
            return query(page.headers["location"])
        assert page.status_code == 200, page.text
        action, fields = form_of(page.text)
        page = await browser.post(action, data=fields | {"oid": oid})
        assert page.status_code == 200, page.text
        assert "Предоставить" in page.text
        action, fields = form_of(page.text)
        answer = await browser.post(action, data=fields | {"decision": decision})
    assert answer.status_code == 302, answer.text
    location = answer.headers["location"]
    assert location.startswith(ESIA_REDIRECT + "?")
    params = query(location)
    assert params["state"] == sign_in.state
    return params


async def esia_exchange(provider: EsiaProvider, sign_in: SignIn, params: dict[str, str]) -> Any:
    assert provider.callback_error(params) is None
    return await provider.exchange(
        code=params["code"], code_verifier=sign_in.verifier, nonce=None, redirect_uri=ESIA_REDIRECT
    )


async def failure_of(
    provider: EsiaProvider, sign_in: SignIn, params: dict[str, str]
) -> ProviderError:
    with pytest.raises(ProviderError) as caught:
        await esia_exchange(provider, sign_in, params)
    return caught.value


async def test_esia_authorization_url(esia: Esia) -> None:
    provider = esia.provider(clock=lambda: dt.datetime(2026, 11, 22, 21, 5, 9, tzinfo=dt.UTC))
    try:
        sign_in = new_sign_in()
        url = await provider.authorization_url(
            state=sign_in.state,
            code_challenge=sign_in.challenge,
            nonce=None,
            redirect_uri=ESIA_REDIRECT,
        )
    finally:
        await provider.aclose()
    assert url.startswith(f"{esia.url}/aas/oauth2/v2/ac?")
    sent = query(url)
    assert sent == {
        "client_id": "CABINET-BOT",
        "client_secret": sent["client_secret"],
        "redirect_uri": ESIA_REDIRECT,
        "scope": "openid fullname birthdate snils",
        "response_type": "code",
        "state": sign_in.state,
        "timestamp": "2026.11.23 00:05:09 +0300",
        "access_type": "online",
        "client_certificate_hash": provider.cert_hash,
        "code_challenge": sign_in.challenge,
        "code_challenge_method": "S256",
    }
    message = signed_message(
        client_id="CABINET-BOT",
        scope=sent["scope"],
        timestamp=sent["timestamp"],
        state=sign_in.state,
        redirect_uri=ESIA_REDIRECT,
    )
    assert sent["client_secret"] == await DevSigner().sign(message)


async def test_esia_sign_in_end_to_end(esia: Esia) -> None:
    provider = esia.provider()
    try:
        sign_in = new_sign_in()
        identity = await esia_exchange(provider, sign_in, await sign_in_at_esia(provider, sign_in))
    finally:
        await provider.aclose()
    assert identity.provider == "sandbox"
    assert identity.subject == IVANOV
    assert identity.level == "trusted"
    assert identity.snils == "14597831208"
    assert (identity.last_name, identity.first_name, identity.middle_name) == (
        "Иванов",
        "Иван",
        "Петрович",
    )
    assert identity.birth_date == dt.date(1985, 4, 12)
    assert "Иван" not in repr(identity)


async def test_esia_with_the_jwks_url_and_without_pkce(esia: Esia) -> None:
    provider = esia.provider(token_key=f"{esia.url}/jwks", use_pkce=False)
    try:
        sign_in = new_sign_in()
        params = await sign_in_at_esia(provider, sign_in, oid=LEE)
        identity = await esia_exchange(provider, sign_in, params)
    finally:
        await provider.aclose()
    assert (identity.subject, identity.middle_name) == (LEE, None)


async def test_esia_an_unconfirmed_account_is_unverified(esia: Esia) -> None:
    provider = esia.provider()
    try:
        sign_in = new_sign_in()
        params = await sign_in_at_esia(provider, sign_in, oid=PETROVA)
        assert (await failure_of(provider, sign_in, params)).failure is Failure.UNVERIFIED
    finally:
        await provider.aclose()


async def test_esia_denied_at_consent(esia: Esia) -> None:
    provider = esia.provider()
    try:
        params = await sign_in_at_esia(provider, new_sign_in(), decision="deny")
    finally:
        await provider.aclose()
    assert "code" not in params
    error = provider.callback_error(params)
    assert error is not None
    assert (error.failure, error.code) == (Failure.DENIED, "ESIA-007004")


@pytest.mark.parametrize(
    ("code", "failure"),
    [("ESIA-007055", Failure.UNVERIFIED), ("ESIA-007002", Failure.UNAVAILABLE)],
)
async def test_esia_authorization_errors_keep_their_code(
    esia: Esia, code: str, failure: Failure
) -> None:
    await esia.switches(authorize_error=code)
    provider = esia.provider()
    try:
        params = await sign_in_at_esia(provider, new_sign_in())
    finally:
        await provider.aclose()
    error = provider.callback_error(params)
    assert error is not None
    assert (error.failure, error.code) == (failure, code)


def test_esia_error_mapping() -> None:
    def mapped(error: str, description: str) -> tuple[Failure, str | None]:
        found = esia_error(error, description)
        return found.failure, found.code

    assert mapped("access_denied", "ESIA-007004: The user denied") == (
        Failure.DENIED,
        "ESIA-007004",
    )
    assert mapped("access_denied", "") == (Failure.DENIED, None)
    assert mapped("access_denied", "ESIA-007055: not confirmed") == (
        Failure.UNVERIFIED,
        "ESIA-007055",
    )
    assert mapped("invalid_request", "ESIA-007014: missing [state]") == (
        Failure.UNAVAILABLE,
        "ESIA-007014",
    )
    assert mapped("server_error", "something") == (Failure.UNAVAILABLE, None)


async def test_esia_token_endpoint_errors_keep_their_code(esia: Esia) -> None:
    provider = esia.provider()
    try:
        sign_in = new_sign_in()
        params = await sign_in_at_esia(provider, sign_in)
        await esia.switches(token_error="ESIA-007014")
        error = await failure_of(provider, sign_in, params)
        assert (error.failure, error.code) == (Failure.UNAVAILABLE, "ESIA-007014")
    finally:
        await provider.aclose()


async def test_esia_a_code_is_single_use_and_pkce_is_checked(esia: Esia) -> None:
    provider = esia.provider()
    try:
        sign_in = new_sign_in()
        params = await sign_in_at_esia(provider, sign_in)
        await esia_exchange(provider, sign_in, params)
        assert (await failure_of(provider, sign_in, params)).code == "ESIA-007011"
        sign_in = new_sign_in()
        params = await sign_in_at_esia(provider, sign_in)
        sign_in.verifier = secrets.token_urlsafe(48)
        assert (await failure_of(provider, sign_in, params)).code == "ESIA-007040"
    finally:
        await provider.aclose()


async def test_esia_down_slow_or_unreachable_is_unavailable(esia: Esia) -> None:
    sign_in = new_sign_in()
    provider = esia.provider()
    try:
        params = await sign_in_at_esia(provider, sign_in)
        await esia.switches(down=True)
        error = await failure_of(provider, sign_in, params)
        assert (error.failure, error.code) == (Failure.UNAVAILABLE, None)
    finally:
        await provider.aclose()

    await esia.switches(down=False)
    sign_in = new_sign_in()
    impatient = httpx.AsyncClient(timeout=0.2)
    provider = esia.provider(http=impatient)
    try:
        params = await sign_in_at_esia(provider, sign_in)
        await esia.switches(latency_ms=500)
        assert "ReadTimeout" in str(await failure_of(provider, sign_in, params))
    finally:
        await provider.aclose()
        await impatient.aclose()

    nowhere = esia.provider(esia_url="http://127.0.0.1:9/sandbox/esia")
    try:
        assert (await failure_of(nowhere, sign_in, {"code": "c"})).failure is Failure.UNAVAILABLE
    finally:
        await nowhere.aclose()


async def test_esia_id_token_of_another_key_or_issuer_is_invalid(esia: Esia) -> None:
    wrong = [
        {"token_key": public_pem(OTHER_KEY)},
        {"issuer": "http://esia.gosuslugi.ru/"},
        {"token_key": "command:true"},  # a GOST verifier: the sandbox signs RS256
    ]
    for changes in wrong:
        provider = esia.provider(**changes)
        try:
            sign_in = new_sign_in()
            params = await sign_in_at_esia(provider, sign_in)
            assert (await failure_of(provider, sign_in, params)).failure is Failure.UNTRUSTED
        finally:
            await provider.aclose()


def test_esia_issuer_and_person_data_formats() -> None:
    assert default_issuer("https://esia.gosuslugi.ru") == "http://esia.gosuslugi.ru/"
    assert default_issuer("https://esia-portal1.test.gosuslugi.ru/") == (
        "http://esia-portal1.test.gosuslugi.ru/"
    )
    assert default_issuer("http://127.0.0.1:8080/sandbox/esia") == (
        "http://127.0.0.1:8080/sandbox/esia/"
    )
    assert snils_digits("145-978-312 08") == "14597831208"
    assert snils_digits("145-978-312") is None
    assert snils_digits(14597831208) is None
    assert esia_date("12.04.1985") == dt.date(1985, 4, 12)
    assert esia_date("1985-04-12") is None


# ------------------------------------------------------------------------------------- GOST

GOST_PACKAGE = "libengine-gost-openssl"  # installed by .ci/run


def gost_engine_problem() -> str | None:
    if shutil.which("openssl") is None:
        return "no openssl"
    probe = subprocess.run(
        ["openssl", "engine", "-t", "gost"], capture_output=True, text=True, check=False
    )
    if probe.returncode != 0 or "available" not in probe.stdout:
        return f"openssl has no GOST engine (apt-get install {GOST_PACKAGE})"
    if shutil.which("basenc") is None:
        return "no basenc (coreutils >= 8.31)"
    return None


@pytest.fixture
def gost_key(tmp_path: Path) -> tuple[Path, Path]:
    problem = gost_engine_problem()
    if problem is not None:
        if IN_CI:
            pytest.fail(f"{problem}; .ci/run installs {GOST_PACKAGE}")
        pytest.skip(problem)
    key, public = tmp_path / "gost.key", tmp_path / "gost.pub"
    engine = ["-engine", "gost"]
    subprocess.run(
        [
            "openssl",
            "genpkey",
            *engine,
            "-algorithm",
            "gost2012_256",
            "-pkeyopt",
            "paramset:A",
            "-out",
            str(key),
        ],
        check=True,
        capture_output=True,
    )
    subprocess.run(
        ["openssl", "pkey", *engine, "-in", str(key), "-pubout", "-out", str(public)],
        check=True,
        capture_output=True,
    )
    return key, public


def gost_signer(tmp_path: Path, key: Path) -> CommandSigner:
    """What an insurer would configure as `ESIA_SIGNER=command:...`: the message on stdin, the
    base64url signature (GOST R 34.10-2012, Streebog-256) on stdout."""
    script = tmp_path / "gost-sign"
    script.write_text(
        "#!/bin/sh\nset -e\n"
        'openssl dgst -engine gost -md_gost12_256 -sign "$1" -binary 2>/dev/null'
        " | basenc --base64url -w0 | tr -d =\n"
    )
    return CommandSigner(f"sh {script} {key}")


def openssl_verifies(public: Path, message: bytes, signature: bytes, tmp_path: Path) -> bool:
    (tmp_path / "message").write_bytes(message)
    (tmp_path / "signature").write_bytes(signature)
    result = subprocess.run(
        [
            "openssl",
            "dgst",
            "-engine",
            "gost",
            "-md_gost12_256",
            "-verify",
            str(public),
            "-signature",
            str(tmp_path / "signature"),
            str(tmp_path / "message"),
        ],
        capture_output=True,
        check=False,
    )
    return result.returncode == 0


async def test_gost_signature_through_the_command_signer(
    gost_key: tuple[Path, Path], tmp_path: Path
) -> None:
    key, public = gost_key
    message = "CABINET-BOTopenid fullname2026.11.23 00:05:09 +0300Иванhttps://bot/cb".encode()
    signature = await gost_signer(tmp_path, key).sign(message)
    assert "=" not in signature
    raw = b64url_decode(signature)
    assert len(raw) == 64  # GOST R 34.10-2012 with a 256-bit key
    assert openssl_verifies(public, message, raw, tmp_path)
    assert not openssl_verifies(public, message + b"x", raw, tmp_path)


async def test_gost_id_token_through_the_command_verifier(
    gost_key: tuple[Path, Path], tmp_path: Path
) -> None:
    key, public = gost_key
    header = b64(json.dumps({"alg": GOST3410_2012_256, "typ": "JWT"}).encode())
    payload = b64(json.dumps(claims()).encode())
    signature = await gost_signer(tmp_path, key).sign(f"{header}.{payload}".encode())
    token = f"{header}.{payload}.{signature}"
    async with httpx.AsyncClient() as http:
        verifier = parse_token_key(
            f"command:openssl dgst -engine gost -md_gost12_256 -verify {public}"
            " -signature {signature}",
            http=http,
        )
    assert (await verify(token, verifier))["sub"] == "1000299654"
    forged = b64(json.dumps(claims(sub="1000000001")).encode())
    await invalid(f"{header}.{forged}.{signature}", "bad_signature", key=verifier)
    await invalid(sign(claims()), "wrong_alg", key=verifier)


# ------------------------------------------------------------ token endpoint auth, RFC 9207


def provider_at(
    handler: Callable[[httpx.Request], httpx.Response],
    *,
    methods: list[str] | None = None,
    **options: Any,
) -> tuple[OidcProvider, dict[str, Any]]:
    """An OidcProvider against a scripted provider: discovery as given, the token endpoint
    recording what it was sent (and refusing the code, which is all these tests need)."""
    seen: dict[str, Any] = {}
    document = {
        "issuer": ISSUER,
        "authorization_endpoint": ISSUER + "/authorize",
        "token_endpoint": ISSUER + "/token",
        "jwks_uri": ISSUER + "/jwks",
        "authorization_response_iss_parameter_supported": True,
    } | ({"token_endpoint_auth_methods_supported": methods} if methods else {})

    def respond(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/openid-configuration"):
            return httpx.Response(200, json=document)
        seen["authorization"] = request.headers.get("authorization")
        seen["form"] = dict(parse_qsl(request.content.decode()))
        return handler(request)

    options = {"client_id": "bot client", "client_secret": "Ab+c/De=Fg%20hI"} | options
    return OidcProvider(issuer=ISSUER, transport=httpx.MockTransport(respond), **options), seen


def refuse(_: httpx.Request) -> httpx.Response:
    return httpx.Response(400, json={"error": "invalid_grant"})


async def token_request(provider: OidcProvider) -> None:
    with pytest.raises(ProviderError) as caught:
        await provider.exchange(code="c", code_verifier="v" * 43, nonce="n", redirect_uri=REDIRECT)
    assert caught.value.failure is Failure.INVALID  # the scripted invalid_grant


async def test_client_secret_basic_form_encodes_the_id_and_secret() -> None:
    """RFC 6749 §2.3.1: a secret with +/=% reaches a strict server as it was issued."""
    provider, seen = provider_at(refuse)
    try:
        await token_request(provider)
    finally:
        await provider.aclose()
    scheme, value = seen["authorization"].split()
    assert scheme == "Basic"
    assert base64.b64decode(value) == b"bot+client:Ab%2Bc%2FDe%3DFg%2520hI"
    assert "client_secret" not in seen["form"]


async def test_client_secret_post_sends_them_in_the_form() -> None:
    provider, seen = provider_at(
        refuse, methods=["client_secret_post"], token_auth_method="client_secret_post"
    )
    try:
        await token_request(provider)
    finally:
        await provider.aclose()
    assert seen["authorization"] is None
    assert (seen["form"]["client_id"], seen["form"]["client_secret"]) == (
        "bot client",
        "Ab+c/De=Fg%20hI",
    )


async def test_private_key_jwt_signs_a_short_assertion_for_the_token_endpoint() -> None:
    pem = EC_KEY.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    provider, seen = provider_at(
        refuse,
        methods=["private_key_jwt"],
        token_auth_method="private_key_jwt",
        client_secret=None,
        client_key=ClientKey(pem, kid="bot-2026"),
    )
    try:
        await token_request(provider)
    finally:
        await provider.aclose()
    form = seen["form"]
    assert form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    keys = StaticKeys.from_json(json.dumps(ec_jwk(EC_KEY, "bot-2026")))
    assertion = await verify_id_token(
        form["client_assertion"], key=keys, issuer="bot client", audience=ISSUER + "/token"
    )
    assert assertion["sub"] == "bot client"
    assert assertion["exp"] - assertion["iat"] <= 60
    assert seen["authorization"] is None
    assert "client_secret" not in form


async def test_a_method_the_provider_does_not_take_stops_the_start() -> None:
    provider, _ = provider_at(refuse, methods=["private_key_jwt", "client_secret_post"])
    try:
        with pytest.raises(ValueError, match="does not take client_secret_basic"):
            await provider.check_configuration()
    finally:
        await provider.aclose()
    down = OidcProvider(
        issuer=ISSUER,
        client_id=CLIENT,
        client_secret="s",
        transport=httpx.MockTransport(lambda request: httpx.Response(503)),
    )
    try:  # a provider that cannot be asked now does not stop the start
        assert "HTTP 503" in (await down.check_configuration() or "")
    finally:
        await down.aclose()


async def test_the_authorization_responses_iss_must_be_the_issuer() -> None:
    """RFC 9207: an answer naming another issuer is a mix-up; one without iss from a provider
    that says it sends one is refused too."""
    provider, _ = provider_at(refuse)
    try:
        await provider.metadata()
        for params in ({"code": "c", "iss": "https://evil.example"}, {"code": "c"}):
            error = provider.callback_error(params)
            assert error is not None
            assert (error.failure, error.code) == (Failure.UNTRUSTED, "wrong_iss_param")
        assert provider.callback_error({"code": "c", "iss": ISSUER}) is None
    finally:
        await provider.aclose()


async def test_a_jwks_with_one_odd_key_still_verifies_with_the_others() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    off_curve = ec_jwk(EC_KEY, "bad") | {"y": ec_jwk(OTHER_EC)["y"]}
    odd = [jwk(small, "short"), off_curve, jwk(KEY, "listed") | {"alg": ["RS256"]}]
    keys = StaticKeys.from_json(json.dumps({"keys": [*odd, jwk(KEY, "k1")]}))
    await verify(sign(claims(), kid="k1"), keys)


async def test_a_failed_refresh_keeps_the_cached_keys_and_is_rate_limited() -> None:
    jwks = PublishedJwks({"keys": [jwk(KEY, "k1")]})
    async with jwks.keys() as keys:
        await verify(sign(claims(), kid="k1"), keys)
        jwks.published = {"not": "a jwks"}  # the provider's JWKS endpoint breaks
        jwks.moment += 3601  # the cache is stale: fetched again, fails, the old keys serve
        await verify(sign(claims(), kid="k1"), keys)
        forged = sign(claims(), OTHER_KEY, kid="k1")
        for _ in range(5):
            await invalid(forged, "bad_signature", key=keys)
        assert jwks.fetches == 2, "a failed fetch counts for the 30 s limit too"


async def test_a_token_that_never_expires_or_is_not_ascii_is_malformed() -> None:
    await invalid(sign(claims(exp=float("nan"))), "malformed_token")
    await invalid(sign(claims(exp=float("inf"))), "malformed_token")
    header, payload, signature = sign(claims()).split(".")
    await invalid(f"{header}.{payload}é.{signature}", "malformed_token")
