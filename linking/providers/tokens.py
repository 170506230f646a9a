"""ID token verification: signature, `iss`, `aud`, `exp`/`nbf` (with clock skew), `nonce`.

The accepted `alg` is fixed by configuration — the key decides it, never the token's header:
an RSA key accepts RS256 only, an external verifier accepts GOST3410_2012_256 only, and `none`
or HS256 are never accepted. Every failure is `ProviderError(Failure.INVALID)`, except a key
source that cannot be reached (a JWKS URL that is down, a verifier program that does not run),
which is `Failure.UNAVAILABLE`.

Keys (`token_key` of a provider, `ESIA_TOKEN_KEY`), see `parse_token_key`:
* a PEM certificate or public key (RSA), inline (`-----BEGIN ...`) or in a file (`file:/path`
  or an absolute path);
* a JWK or JWKS, inline JSON (`{...}`) or in a file;
* a JWKS URL (`https://...`), fetched with httpx and cached (refetched, at most every 30 s,
  when a token names a `kid` it does not know);
* `command:/path/to/verifier --args` for GOST R 34.10-2012 (`GOST3410_2012_256`): the program
  gets the JWS signing input (`header.payload`) on stdin and the raw signature in a temporary
  file whose path replaces `{signature}` in the arguments (or is appended as the last
  argument); exit status 0 means valid. For example, with Debian's GOST engine:
  `command:openssl dgst -engine gost -md_gost12_256 -verify /etc/esia.pem -signature {signature}`
  (a signature whose byte order the program does not expect must be converted by a wrapper).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import hmac
import json
import os
import re
import shlex
import tempfile
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Protocol

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from linking.providers.base import Failure, ProviderError

RS256 = "RS256"
GOST3410_2012_256 = "GOST3410_2012_256"
CLOCK_SKEW = 60  # seconds of tolerance on exp / nbf / iat
MIN_RSA_BITS = 2048
MAX_TOKEN_CHARS = 16_384
VERIFIER_TIMEOUT = 10.0
JWKS_TTL = 3600.0
JWKS_MIN_REFRESH = 30.0

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


class TokenKey(Protocol):
    """What verifies an ID token's signature; `alg` is the only algorithm it accepts."""

    alg: str

    async def verify(self, signing_input: bytes, signature: bytes, kid: str | None) -> bool:
        """True when `signature` is a valid `alg` signature of `signing_input`."""


def invalid(detail: str) -> ProviderError:
    return ProviderError(Failure.INVALID, detail=detail)


def b64url_decode(value: str) -> bytes:
    """Strict base64url without padding, as JWS uses it."""
    if not _B64URL.fullmatch(value) or len(value) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except binascii.Error:
        raise ValueError("not base64url") from None


# ---------------------------------------------------------------------------------------- RSA


def _rsa_verify(key: rsa.RSAPublicKey, signing_input: bytes, signature: bytes) -> bool:
    try:
        key.verify(signature, signing_input, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _checked_rsa(key: object) -> rsa.RSAPublicKey:
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA key (GOST keys are verified with command:)")
    if key.key_size < MIN_RSA_BITS:
        raise ValueError(f"an RSA key of {key.key_size} bits is too short")
    return key


def _int_member(jwk: Mapping[str, Any], name: str) -> int:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise ValueError(f"the JWK has no {name}")
    return int.from_bytes(b64url_decode(value), "big")


def rsa_keys_from_jwks(document: object) -> list[tuple[str | None, rsa.RSAPublicKey]]:
    """The RS256 signing keys of a JWK or a JWKS; keys for other uses or algorithms are
    skipped (a JWKS may also publish EC or encryption keys)."""
    if not isinstance(document, dict):
        raise ValueError("a JWK or JWKS must be a JSON object")
    entries = document.get("keys", [document])
    if not isinstance(entries, list):
        raise ValueError("keys must be a list")
    keys: list[tuple[str | None, rsa.RSAPublicKey]] = []
    for jwk in entries:
        if not isinstance(jwk, dict) or jwk.get("kty") != "RSA":
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", RS256) != RS256:
            continue
        public = rsa.RSAPublicNumbers(_int_member(jwk, "e"), _int_member(jwk, "n")).public_key()
        kid = jwk.get("kid")
        keys.append((kid if isinstance(kid, str) else None, _checked_rsa(public)))
    return keys


def rsa_keys_from_pem(data: bytes) -> list[tuple[str | None, rsa.RSAPublicKey]]:
    """Certificates (one or more) or a public key, in PEM."""
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return [
                (None, _checked_rsa(c.public_key())) for c in x509.load_pem_x509_certificates(data)
            ]
        return [(None, _checked_rsa(serialization.load_pem_public_key(data)))]
    except UnsupportedAlgorithm:
        raise ValueError("not an RSA key (GOST keys are verified with command:)") from None


def _candidates(
    keys: Sequence[tuple[str | None, rsa.RSAPublicKey]], kid: str | None
) -> list[rsa.RSAPublicKey]:
    """The keys a token may be signed with: those with its `kid`; else those without a kid
    (a configured certificate signs whatever kid the issuer writes); all when it has none."""
    if kid is None:
        return [key for _, key in keys]
    named = [key for key_id, key in keys if key_id == kid]
    return named or [key for key_id, key in keys if key_id is None]


class RsaKeys:
    """RS256 with keys given in the configuration (a certificate, a public key, a JWK(S))."""

    alg = RS256

    def __init__(self, keys: Sequence[tuple[str | None, rsa.RSAPublicKey]]) -> None:
        if not keys:
            raise ValueError("no RS256 signing key")
        self._keys = list(keys)

    @classmethod
    def from_pem(cls, data: bytes) -> RsaKeys:
        return cls(rsa_keys_from_pem(data))

    @classmethod
    def from_json(cls, text: str) -> RsaKeys:
        return cls(rsa_keys_from_jwks(json.loads(text)))

    async def verify(self, signing_input: bytes, signature: bytes, kid: str | None) -> bool:
        return any(
            _rsa_verify(key, signing_input, signature) for key in _candidates(self._keys, kid)
        )


class JwksUrl:
    """RS256 with the keys a JWKS URL publishes, cached for an hour; a token naming an unknown
    `kid` triggers a refetch (at most one every 30 s), so key rotation needs no restart."""

    alg = RS256

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        *,
        ttl: float = JWKS_TTL,
        min_refresh: float = JWKS_MIN_REFRESH,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._http = http
        self._ttl = ttl
        self._min_refresh = min_refresh
        self._clock = clock
        self._keys: list[tuple[str | None, rsa.RSAPublicKey]] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def _fetch(self) -> None:
        try:
            response = await self._http.get(self.url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise ProviderError(Failure.UNAVAILABLE, detail=f"JWKS: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise ProviderError(Failure.UNAVAILABLE, detail=f"JWKS: HTTP {response.status_code}")
        try:
            keys = rsa_keys_from_jwks(response.json())
        except (ValueError, KeyError) as exc:
            raise ProviderError(Failure.UNAVAILABLE, detail=f"JWKS: {exc}") from None
        self._keys = keys
        self._fetched_at = self._clock()

    async def keys(self, kid: str | None) -> list[tuple[str | None, rsa.RSAPublicKey]]:
        async with self._lock:
            age = self._clock() - self._fetched_at
            stale = self._keys is None or age >= self._ttl
            unknown_kid = (
                kid is not None
                and self._keys is not None
                and all(key_id != kid for key_id, _ in self._keys)
            )
            if stale or (unknown_kid and age >= self._min_refresh):
                await self._fetch()
            assert self._keys is not None
            return self._keys

    async def verify(self, signing_input: bytes, signature: bytes, kid: str | None) -> bool:
        keys = await self.keys(kid)
        return any(_rsa_verify(key, signing_input, signature) for key in _candidates(keys, kid))


# --------------------------------------------------------------------------------------- GOST

SIGNATURE_PLACEHOLDER = "{signature}"


def _write_temporary(data: bytes) -> str:
    handle, path = tempfile.mkstemp(prefix="id-token-signature-")
    with os.fdopen(handle, "wb") as file:
        file.write(data)
    return path


class CommandVerifier:
    """An external program verifies the signature (GOST R 34.10-2012 through openssl with the
    GOST engine, CryptoPro, ...): signing input on stdin, the signature's file as `{signature}`
    (or the last argument), exit status 0 when valid."""

    def __init__(self, command: str, *, alg: str = GOST3410_2012_256) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise ValueError("command: needs a program to run")
        self.alg = alg

    def _arguments(self, path: str) -> list[str]:
        if any(SIGNATURE_PLACEHOLDER in arg for arg in self.argv):
            return [arg.replace(SIGNATURE_PLACEHOLDER, path) for arg in self.argv]
        return [*self.argv, path]

    async def verify(self, signing_input: bytes, signature: bytes, kid: str | None) -> bool:
        path = await asyncio.to_thread(_write_temporary, signature)
        try:
            try:
                process = await asyncio.create_subprocess_exec(
                    *self._arguments(path),
                    stdin=asyncio.subprocess.PIPE,
                    stdout=asyncio.subprocess.DEVNULL,
                    stderr=asyncio.subprocess.DEVNULL,
                )
            except OSError as exc:
                raise ProviderError(
                    Failure.UNAVAILABLE, detail=f"the token verifier did not start: {exc.strerror}"
                ) from None
            try:
                await asyncio.wait_for(process.communicate(signing_input), VERIFIER_TIMEOUT)
            except TimeoutError:
                process.kill()
                await process.wait()
                raise ProviderError(
                    Failure.UNAVAILABLE, detail="the token verifier did not answer in time"
                ) from None
            return process.returncode == 0
        finally:
            await asyncio.to_thread(_remove, path)


def _remove(path: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        os.unlink(path)


# ------------------------------------------------------------------------------ configuration


def _key_from_text(text: str) -> TokenKey:
    if text.startswith("-----BEGIN"):
        return RsaKeys.from_pem(text.encode())
    if text.startswith("{"):
        return RsaKeys.from_json(text)
    raise ValueError("expected PEM or JSON")


def parse_token_key(spec: str, *, http: httpx.AsyncClient) -> TokenKey:
    """`token_key` (`ESIA_TOKEN_KEY`) → what verifies ID tokens; see the module's docstring.
    `http` fetches a JWKS URL."""
    spec = spec.strip()
    if spec.startswith("command:"):
        return CommandVerifier(spec.removeprefix("command:"))
    if spec.startswith(("https://", "http://")):
        return JwksUrl(spec, http)
    if spec.startswith(("file:", "/")):
        return _key_from_text(Path(spec.removeprefix("file:")).read_text().strip())
    if spec.startswith(("-----BEGIN", "{")):
        return _key_from_text(spec)
    raise ValueError(
        "must be a PEM certificate or public key, a JWK/JWKS (JSON), a file:/path to either,"
        " a JWKS URL, or command:<GOST verifier>"
    )


# ------------------------------------------------------------------------------- verification


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except ValueError:
        raise invalid(f"the {what} is not base64url JSON") from None
    if not isinstance(value, dict):
        raise invalid(f"the {what} is not a JSON object")
    return value


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise invalid(f"{name} is not a number")
    return float(value)


async def verified_payload(token: str, key: TokenKey) -> dict[str, Any]:
    """The payload of `token` once its signature checks out with `key` (and `key.alg` only,
    whatever the header says)."""
    if key.alg.lower() == "none" or key.alg.startswith("HS"):
        raise ValueError(f"{key.alg} is not an acceptable ID token algorithm")
    if len(token) > MAX_TOKEN_CHARS:
        raise invalid("the ID token is too long")
    parts = token.split(".")
    if len(parts) != 3:
        raise invalid("the ID token is not a compact JWS")
    header_segment, payload_segment, signature_segment = parts
    header = _json_object(header_segment, "header")
    if header.get("alg") != key.alg:
        raise invalid(f"alg {str(header.get('alg'))[:32]!r} is not the configured {key.alg}")
    if "crit" in header:
        raise invalid("the ID token has critical header parameters")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise invalid("kid is not a string")
    try:
        signature = b64url_decode(signature_segment)
    except ValueError:
        raise invalid("the signature is not base64url") from None
    signing_input = f"{header_segment}.{payload_segment}".encode("ascii")
    if not signature or not await key.verify(signing_input, signature, kid):
        raise invalid("bad signature")
    return _json_object(payload_segment, "payload")


def check_claims(
    claims: Mapping[str, Any],
    *,
    issuer: str,
    audience: str,
    nonce: str | None = None,
    leeway: float = CLOCK_SKEW,
    now: float | None = None,
) -> None:
    """`iss`, `aud` (and `azp`), `exp`, `nbf`, `iat` with `leeway` seconds of clock skew, and
    `nonce` when one is expected."""
    if claims.get("iss") != issuer:
        raise invalid("wrong iss")
    aud = claims.get("aud")
    if audience not in (aud if isinstance(aud, list) else [aud]):
        raise invalid("wrong aud")
    if "azp" in claims and claims["azp"] != audience:
        raise invalid("wrong azp")
    moment = time.time() if now is None else now
    exp = _number(claims, "exp")
    if exp is None:
        raise invalid("no exp")
    if moment > exp + leeway:
        raise invalid("expired")
    nbf = _number(claims, "nbf")
    if nbf is not None and moment + leeway < nbf:
        raise invalid("not yet valid")
    iat = _number(claims, "iat")
    if iat is not None and moment + leeway < iat:
        raise invalid("issued in the future")
    if nonce is not None:
        got = claims.get("nonce")
        if not isinstance(got, str) or not hmac.compare_digest(got.encode(), nonce.encode()):
            raise invalid("wrong nonce")


async def verify_id_token(
    token: str,
    *,
    key: TokenKey,
    issuer: str,
    audience: str,
    nonce: str | None = None,
    leeway: float = CLOCK_SKEW,
    now: float | None = None,
) -> dict[str, Any]:
    """The claims of a verified ID token: signature, then `check_claims`."""
    claims = await verified_payload(token, key)
    check_claims(claims, issuer=issuer, audience=audience, nonce=nonce, leeway=leeway, now=now)
    return claims
