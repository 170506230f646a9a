"""ID token verification: signature, `iss`, `aud`, `exp`/`nbf` (with clock skew), `nonce`.

The accepted algorithms are fixed by configuration and by the key — never by the token's
header: a key accepts the asymmetric algorithms of its type (RSA: RS256/384/512 and
PS256/384/512; EC: ES256/384/512 on the matching curve; OKP: EdDSA), narrowed to what the
provider advertises; an external verifier accepts GOST3410_2012_256 only; `none` and HMAC are
never accepted. Every failure is `ProviderError(Failure.UNTRUSTED)` with a reason code
(`bad_signature`, `wrong_alg`, `wrong_iss`, `wrong_aud`, `wrong_nonce`, `token_expired`, …),
except a key source that cannot be reached (a JWKS URL that is down, a verifier program that
does not run), which is `Failure.UNAVAILABLE`.

Keys (`token_key` of a provider, `ESIA_TOKEN_KEY`), see `parse_token_key`:
* a PEM certificate or public key, inline (`-----BEGIN ...`) or in a file (`file:/path` or an
  absolute path);
* a JWK or JWKS, inline JSON (`{...}`) or in a file;
* a JWKS URL (`https://...`), fetched with httpx and cached an hour; fetched again (at most
  every 30 s) when a token names a `kid` it does not know *or* no key verifies the signature,
  so a key rotated under the same `kid` heals itself;
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
import math
import os
import re
import shlex
import tempfile
import time
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import httpx
import structlog
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from linking.providers.base import Failure, ProviderError

log = structlog.get_logger(__name__)

RS256 = "RS256"
GOST3410_2012_256 = "GOST3410_2012_256"
CLOCK_SKEW = 60  # seconds of tolerance on exp / nbf / iat
MIN_RSA_BITS = 2048
MAX_TOKEN_CHARS = 16_384
VERIFIER_TIMEOUT = 10.0
JWKS_TTL = 3600.0
JWKS_MIN_REFRESH = 30.0

_B64URL = re.compile(r"^[A-Za-z0-9_-]*$")

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "256": hashes.SHA256,
    "384": hashes.SHA384,
    "512": hashes.SHA512,
}
_CURVES: dict[str, tuple[type[ec.EllipticCurve], int]] = {  # ES alg → curve, coordinate bytes
    "ES256": (ec.SECP256R1, 32),
    "ES384": (ec.SECP384R1, 48),
    "ES512": (ec.SECP521R1, 66),
}
_JWK_CURVES: dict[str, Callable[[], ec.EllipticCurve]] = {
    "P-256": ec.SECP256R1,
    "P-384": ec.SECP384R1,
    "P-521": ec.SECP521R1,
}
RSA_ALGS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
EC_ALGS = frozenset(_CURVES)
EDDSA = "EdDSA"
#: Every asymmetric JWS algorithm an ID token may be verified with here.
ASYMMETRIC_ALGS = RSA_ALGS | EC_ALGS | {EDDSA}

PublicKey = (
    rsa.RSAPublicKey | ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | ed448.Ed448PublicKey
)


class TokenKey(Protocol):
    """What verifies an ID token's signature; `algs` are the only algorithms it accepts."""

    algs: frozenset[str]

    async def verify(
        self, alg: str, signing_input: bytes, signature: bytes, kid: str | None
    ) -> bool:
        """True when `signature` is a valid `alg` signature of `signing_input`."""


def invalid(reason: str, detail: str = "") -> ProviderError:
    """A token that does not verify: `reason` is the code logged and shown on the page."""
    return ProviderError(Failure.UNTRUSTED, code=reason, detail=detail or reason)


def b64url_decode(value: str) -> bytes:
    """Strict base64url without padding, as JWS uses it."""
    if not _B64URL.fullmatch(value) or len(value) % 4 == 1:
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except binascii.Error:
        raise ValueError("not base64url") from None


def hash_of(alg: str) -> hashes.HashAlgorithm:
    """The hash an algorithm signs with (EdDSA: SHA-512, as OIDC uses it for at_hash)."""
    return _HASHES.get(alg[-3:], hashes.SHA512)()


# ------------------------------------------------------------------------- asymmetric signatures


def signature_valid(alg: str, key: PublicKey, signing_input: bytes, signature: bytes) -> bool:
    """`signature` is a valid JWS `alg` signature by `key`; a key of another type is never
    valid for `alg` (no RSA key as an EC one, no public key as an HMAC secret)."""
    try:
        if alg in RSA_ALGS and isinstance(key, rsa.RSAPublicKey):
            digest = hash_of(alg)
            scheme: padding.AsymmetricPadding = (
                padding.PKCS1v15()
                if alg.startswith("RS")
                else padding.PSS(mgf=padding.MGF1(hash_of(alg)), salt_length=digest.digest_size)
            )
            key.verify(signature, signing_input, scheme, digest)
            return True
        if alg in EC_ALGS and isinstance(key, ec.EllipticCurvePublicKey):
            curve, size = _CURVES[alg]
            if not isinstance(key.curve, curve) or len(signature) != 2 * size:
                return False
            r, s = (int.from_bytes(signature[i : i + size], "big") for i in (0, size))
            key.verify(encode_dss_signature(r, s), signing_input, ec.ECDSA(hash_of(alg)))
            return True
        if alg == EDDSA and isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(signature, signing_input)
            return True
    except InvalidSignature:
        return False
    return False


def algs_of(key: PublicKey) -> frozenset[str]:
    if isinstance(key, rsa.RSAPublicKey):
        return RSA_ALGS
    if isinstance(key, ec.EllipticCurvePublicKey):
        return frozenset(a for a, (curve, _) in _CURVES.items() if isinstance(key.curve, curve))
    return frozenset({EDDSA})


def _checked(key: object) -> PublicKey:
    if isinstance(key, rsa.RSAPublicKey):
        if key.key_size < MIN_RSA_BITS:
            raise ValueError(f"an RSA key of {key.key_size} bits is too short")
        return key
    if isinstance(key, ec.EllipticCurvePublicKey):
        if not isinstance(key.curve, tuple(curve for curve, _ in _CURVES.values())):
            raise ValueError(f"the EC curve {key.curve.name} is not one JWS uses")
        return key
    if isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return key
    raise ValueError("not an RSA, EC or EdDSA key (GOST keys are verified with command:)")


def _int_member(jwk: Mapping[str, Any], name: str) -> int:
    return int.from_bytes(_bytes_member(jwk, name), "big")


def _bytes_member(jwk: Mapping[str, Any], name: str) -> bytes:
    value = jwk.get(name)
    if not isinstance(value, str):
        raise ValueError(f"the JWK has no {name}")
    return b64url_decode(value)


def _public_key_of(jwk: Mapping[str, Any]) -> PublicKey | None:
    kty = jwk.get("kty")
    if kty == "RSA":
        return rsa.RSAPublicNumbers(_int_member(jwk, "e"), _int_member(jwk, "n")).public_key()
    if kty == "EC":
        curve = _JWK_CURVES.get(str(jwk.get("crv")))
        if curve is None:
            return None
        x, y = _int_member(jwk, "x"), _int_member(jwk, "y")
        return ec.EllipticCurvePublicNumbers(x, y, curve()).public_key()
    if kty == "OKP" and jwk.get("crv") in ("Ed25519", "Ed448"):
        kind = ed25519.Ed25519PublicKey if jwk["crv"] == "Ed25519" else ed448.Ed448PublicKey
        return kind.from_public_bytes(_bytes_member(jwk, "x"))
    return None


@dataclass(frozen=True)
class Key:
    kid: str | None
    algs: frozenset[str]  # what it may verify: its type's algorithms, or its JWK's `alg`
    public: PublicKey


def keys_from_jwks(document: object) -> list[Key]:
    """The signing keys of a JWK or a JWKS; encryption keys, symmetric keys and curves JWS does
    not use are skipped (a JWKS may publish them too)."""
    if not isinstance(document, dict):
        raise ValueError("a JWK or JWKS must be a JSON object")
    entries = document.get("keys", [document])
    if not isinstance(entries, list):
        raise ValueError("keys must be a list")
    keys: list[Key] = []
    for jwk in entries:
        if not isinstance(jwk, dict) or jwk.get("use", "sig") != "sig":
            continue
        kid = jwk.get("kid")
        try:  # one odd key (too short, off its curve, badly encoded) must not hide the others
            public = _public_key_of(jwk)
            if public is None:
                continue
            algs = algs_of(_checked(public))
        except ValueError as exc:
            log.warning("jwk_skipped", kid=str(kid)[:64], reason=str(exc)[:100])
            continue
        named = jwk.get("alg")
        if named is not None:
            algs = algs & {named} if isinstance(named, str) else frozenset()
        if algs:
            keys.append(Key(kid if isinstance(kid, str) else None, algs, public))
    return keys


def keys_from_pem(data: bytes) -> list[Key]:
    """Certificates (one or more) or a public key, in PEM."""
    try:
        found: list[object]
        if b"-----BEGIN CERTIFICATE-----" in data:
            found = [c.public_key() for c in x509.load_pem_x509_certificates(data)]
        else:
            found = [serialization.load_pem_public_key(data)]
    except UnsupportedAlgorithm:
        raise ValueError(
            "not an RSA, EC or EdDSA key (GOST keys are verified with command:)"
        ) from None
    return [Key(None, algs_of(key), key) for key in map(_checked, found)]


def _candidates(keys: Sequence[Key], alg: str, kid: str | None) -> list[Key]:
    """The keys a token may be signed with: of its algorithm, and those with its `kid`; else
    those without a kid (a configured certificate signs whatever kid the issuer writes); all
    when it has none."""
    usable = [key for key in keys if alg in key.algs]
    if kid is None:
        return usable
    named = [key for key in usable if key.kid == kid]
    return named or [key for key in usable if key.kid is None]


def _any_valid(keys: Sequence[Key], alg: str, kid: str | None, data: bytes, sig: bytes) -> bool:
    return any(signature_valid(alg, k.public, data, sig) for k in _candidates(keys, alg, kid))


class StaticKeys:
    """Keys given in the configuration (a certificate, a public key, a JWK(S)), accepting the
    algorithms of their types within `allowed`."""

    def __init__(self, keys: Sequence[Key], allowed: Collection[str] = ASYMMETRIC_ALGS) -> None:
        self._keys = [Key(k.kid, k.algs & frozenset(allowed), k.public) for k in keys]
        self._keys = [k for k in self._keys if k.algs]
        if not self._keys:
            raise ValueError("no signing key for " + ", ".join(sorted(allowed)))
        self.algs = frozenset().union(*(k.algs for k in self._keys))

    @classmethod
    def from_pem(cls, data: bytes, allowed: Collection[str] = ASYMMETRIC_ALGS) -> StaticKeys:
        return cls(keys_from_pem(data), allowed)

    @classmethod
    def from_json(cls, text: str, allowed: Collection[str] = ASYMMETRIC_ALGS) -> StaticKeys:
        return cls(keys_from_jwks(json.loads(text)), allowed)

    async def verify(
        self, alg: str, signing_input: bytes, signature: bytes, kid: str | None
    ) -> bool:
        return _any_valid(self._keys, alg, kid, signing_input, signature)


class JwksUrl:
    """The keys a JWKS URL publishes, cached for an hour. A token naming an unknown `kid`, or
    one no cached key verifies, triggers a refetch (at most one every 30 s): a rotation needs
    no restart, even one that reuses the `kid`."""

    def __init__(
        self,
        url: str,
        http: httpx.AsyncClient,
        *,
        allowed: Collection[str] = ASYMMETRIC_ALGS,
        ttl: float = JWKS_TTL,
        min_refresh: float | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self.algs = frozenset(allowed) & ASYMMETRIC_ALGS
        self._http = http
        self._ttl = ttl
        self._min_refresh = JWKS_MIN_REFRESH if min_refresh is None else min_refresh
        self._clock = clock
        self._keys: list[Key] | None = None
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()

    async def _fetch(self) -> list[Key]:
        """The published keys; a failed fetch counts as a fetch for the rate limit, and the
        keys cached before it (if any) go on serving."""
        self._fetched_at = self._clock()
        try:
            return await self._download()
        except ProviderError:
            if self._keys is None:
                raise
            log.warning("jwks_refresh_failed_using_cached_keys")
            return self._keys

    async def _download(self) -> list[Key]:
        try:
            response = await self._http.get(self.url, headers={"Accept": "application/json"})
        except httpx.HTTPError as exc:
            raise ProviderError(Failure.UNAVAILABLE, detail=f"JWKS: {type(exc).__name__}") from None
        if response.status_code != 200:
            raise ProviderError(Failure.UNAVAILABLE, detail=f"JWKS: HTTP {response.status_code}")
        try:
            keys = keys_from_jwks(response.json())
        except (ValueError, KeyError) as exc:
            raise ProviderError(Failure.UNAVAILABLE, detail=f"JWKS: {exc}") from None
        if not keys:
            raise ProviderError(Failure.UNAVAILABLE, detail="JWKS: no signing key")
        self._keys = keys
        return keys

    async def keys(self, kid: str | None, *, failed: bool = False) -> list[Key]:
        """The cached keys; fetched again when stale, or (at most every 30 s) when they lack
        `kid` or `failed` to verify a token."""
        async with self._lock:
            age = self._clock() - self._fetched_at
            if self._keys is None or age >= self._ttl:
                return await self._fetch()
            unknown_kid = kid is not None and all(key.kid != kid for key in self._keys)
            if (unknown_kid or failed) and age >= self._min_refresh:
                return await self._fetch()
            return self._keys

    async def verify(
        self, alg: str, signing_input: bytes, signature: bytes, kid: str | None
    ) -> bool:
        cached = await self.keys(kid)
        if _any_valid(cached, alg, kid, signing_input, signature):
            return True
        fresh = await self.keys(kid, failed=True)
        return fresh is not cached and _any_valid(fresh, alg, kid, signing_input, signature)


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

    algs = frozenset({GOST3410_2012_256})

    def __init__(self, command: str) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise ValueError("command: needs a program to run")

    def _arguments(self, path: str) -> list[str]:
        if any(SIGNATURE_PLACEHOLDER in arg for arg in self.argv):
            return [arg.replace(SIGNATURE_PLACEHOLDER, path) for arg in self.argv]
        return [*self.argv, path]

    async def verify(
        self, alg: str, signing_input: bytes, signature: bytes, kid: str | None
    ) -> bool:
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


def _key_from_text(text: str, allowed: Collection[str]) -> TokenKey:
    if text.startswith("-----BEGIN"):
        return StaticKeys.from_pem(text.encode(), allowed)
    if text.startswith("{"):
        return StaticKeys.from_json(text, allowed)
    raise ValueError("expected PEM or JSON")


def parse_token_key(
    spec: str, *, http: httpx.AsyncClient, allowed: Collection[str] = ASYMMETRIC_ALGS
) -> TokenKey:
    """`token_key` (`ESIA_TOKEN_KEY`) → what verifies ID tokens with the `allowed` algorithms
    (a GOST verifier: GOST3410_2012_256 only); see the module's docstring. `http` fetches a
    JWKS URL."""
    spec = spec.strip()
    if spec.startswith("command:"):
        return CommandVerifier(spec.removeprefix("command:"))
    if spec.startswith(("https://", "http://")):
        return JwksUrl(spec, http, allowed=allowed)
    if spec.startswith(("file:", "/")):
        return _key_from_text(Path(spec.removeprefix("file:")).read_text().strip(), allowed)
    if spec.startswith(("-----BEGIN", "{")):
        return _key_from_text(spec, allowed)
    raise ValueError(
        "must be a PEM certificate or public key, a JWK/JWKS (JSON), a file:/path to either,"
        " a JWKS URL, or command:<GOST verifier>"
    )


# ------------------------------------------------------------------------------- verification


def _json_object(segment: str, what: str) -> dict[str, Any]:
    try:
        value = json.loads(b64url_decode(segment))
    except ValueError:
        raise invalid("malformed_token", f"the {what} is not base64url JSON") from None
    if not isinstance(value, dict):
        raise invalid("malformed_token", f"the {what} is not a JSON object")
    return value


def _number(claims: Mapping[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise invalid("malformed_token", f"{name} is not a number")
    return float(value)


async def verified_payload(token: str, key: TokenKey) -> tuple[str, dict[str, Any]]:
    """The algorithm and payload of `token` once its signature checks out with `key`, in one
    of `key.algs` whatever the header says (never `none`, never HMAC)."""
    if not key.algs or any(a.lower() == "none" or a.startswith("HS") for a in key.algs):
        raise ValueError(f"{sorted(key.algs)} are not acceptable ID token algorithms")
    if len(token) > MAX_TOKEN_CHARS:
        raise invalid("malformed_token", "the ID token is too long")
    parts = token.split(".")
    if len(parts) != 3:
        raise invalid("malformed_token", "the ID token is not a compact JWS")
    header_segment, payload_segment, signature_segment = parts
    header = _json_object(header_segment, "header")
    alg = header.get("alg")
    if not isinstance(alg, str) or alg not in key.algs:
        accepted = ", ".join(sorted(key.algs))
        raise invalid("wrong_alg", f"alg {str(alg)[:32]!r} is not one of {accepted}")
    if "crit" in header:
        raise invalid("malformed_token", "the ID token has critical header parameters")
    kid = header.get("kid")
    if kid is not None and not isinstance(kid, str):
        raise invalid("malformed_token", "kid is not a string")
    try:
        signature = b64url_decode(signature_segment)
    except ValueError:
        raise invalid("bad_signature", "the signature is not base64url") from None
    if not _B64URL.fullmatch(header_segment) or not _B64URL.fullmatch(payload_segment):
        raise invalid("malformed_token", "the ID token is not base64url")
    signing_input = f"{header_segment}.{payload_segment}".encode("ascii")
    if not signature or not await key.verify(alg, signing_input, signature, kid):
        raise invalid("bad_signature", "bad signature")
    return alg, _json_object(payload_segment, "payload")


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
        raise invalid("wrong_iss")
    aud = claims.get("aud")
    if audience not in (aud if isinstance(aud, list) else [aud]):
        raise invalid("wrong_aud")
    if "azp" in claims and claims["azp"] != audience:
        raise invalid("wrong_azp")
    moment = time.time() if now is None else now
    exp = _number(claims, "exp")
    if exp is None:
        raise invalid("malformed_token", "no exp")
    if moment > exp + leeway:
        raise invalid("token_expired")
    nbf = _number(claims, "nbf")
    if nbf is not None and moment + leeway < nbf:
        raise invalid("token_not_yet_valid")
    iat = _number(claims, "iat")
    if iat is not None and moment + leeway < iat:
        raise invalid("token_not_yet_valid", "issued in the future")
    if nonce is not None:
        got = claims.get("nonce")
        if not isinstance(got, str) or not hmac.compare_digest(got.encode(), nonce.encode()):
            raise invalid("wrong_nonce")


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
    _, claims = await verified_payload(token, key)
    check_claims(claims, issuer=issuer, audience=audience, nonce=nonce, leeway=leeway, now=now)
    return claims
