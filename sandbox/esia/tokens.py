"""The tokens the sandbox issues, all RS256 JWTs signed with the app's key (header `kid`).

* ID token — what the client verifies: `iss`, `aud` (the client_id), `sub` (the oid), `iat`,
  `nbf`, `exp` (+1 h), `auth_time`, `amr`, ESIA's `urn:esia:sid`, `urn:esia:amd`,
  `urn:esia:sbj_id` and `urn:esia:sbj` {`typ`: "P", `is_tru`: true only for a confirmed
  account, `oid`, `nam`}. No `nonce`: ESIA does not echo one.
* Access token — like ESIA's: a JWT with `client_id`, `scope` (`fullname?oid=…` per scope),
  `urn:esia:sbj_id`, `urn:esia:sid`, 1 h; accepted by `/rs/prns/{oid}` for that oid only.
  Clients often read the oid from it; it has no `aud`, and an ID token is no access token.
* Refresh token — opaque, returned as ESIA does, not redeemable in the sandbox.

As in ESIA, `urn:esia:sbj_id` and `urn:esia:sbj:oid` are numbers; `sub` is the oid as a
string (RFC 7519 wants a string there).

Real ESIA publishes no JWKS: its certificate is distributed out of band (the test and
production certificates are downloaded from the technology portal). The sandbox serves the
public key at `/jwks` for convenience.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from sandbox.esia.citizens import Citizen

ALGORITHM = "RS256"
TOKEN_LIFETIME = dt.timedelta(hours=1)
#: Clock skew tolerated when checking an access token's `nbf`.
_LEEWAY = 30


@functools.cache
def _process_key() -> RSAKey:
    """The signing key of a sandbox given none: one per process (a 2048-bit key takes ~50 ms
    to make, and the sandbox is made anew for every bot a test starts)."""
    return RSAKey.generate_key(2048, private=True)


def _load_key(pem: bytes | None) -> RSAKey:
    if pem is None:
        return _process_key()
    private = load_pem_private_key(pem, password=None)
    if not isinstance(private, rsa.RSAPrivateKey):
        raise ValueError("signing_key_pem must be an RSA private key")
    if private.key_size < 2048:
        raise ValueError("signing_key_pem must be at least 2048 bits")
    return RSAKey.import_key(private)


@dataclass(frozen=True)
class AccessGrant:
    """What a valid access token allows: this oid's data, within these scopes."""

    oid: str
    client_id: str
    scopes: frozenset[str]


class TokenIssuer:
    def __init__(self, *, issuer: str, signing_key_pem: bytes | None) -> None:
        self.issuer = issuer
        self._key = _load_key(signing_key_pem)
        self.kid = self._key.thumbprint()

    def jwks(self) -> dict[str, Any]:
        public = dict(self._key.as_dict(private=False))
        public.update(kid=self.kid, use="sig", alg=ALGORITHM)
        return {"keys": [public]}

    def _sign(self, claims: dict[str, Any]) -> str:
        header = {"alg": ALGORITHM, "kid": self.kid, "typ": "JWT"}
        return jwt.encode(header, claims, self._key, algorithms=[ALGORITHM])

    def id_token(
        self,
        citizen: Citizen,
        *,
        client_id: str,
        session_id: str,
        auth_time: dt.datetime,
        now: dt.datetime,
    ) -> str:
        subject: dict[str, Any] = {"urn:esia:sbj:typ": "P"}
        if citizen.verified:
            subject["urn:esia:sbj:is_tru"] = True
        subject["urn:esia:sbj:oid"] = int(citizen.oid)
        subject["urn:esia:sbj:nam"] = f"OID.{citizen.oid}"
        issued = int(now.timestamp())
        return self._sign(
            {
                "iss": self.issuer,
                "aud": client_id,
                "sub": citizen.oid,
                "iat": issued,
                "nbf": issued,
                "exp": issued + int(TOKEN_LIFETIME.total_seconds()),
                "auth_time": int(auth_time.timestamp()),
                "amr": ["PWD"],
                "urn:esia:amd": "PWD",
                "urn:esia:sid": session_id,
                "urn:esia:sbj_id": int(citizen.oid),
                "urn:esia:sbj": subject,
            }
        )

    def access_token(
        self,
        citizen: Citizen,
        *,
        client_id: str,
        scopes: tuple[str, ...],
        session_id: str,
        now: dt.datetime,
    ) -> str:
        issued = int(now.timestamp())
        return self._sign(
            {
                "iss": self.issuer,
                "client_id": client_id,
                "scope": " ".join(f"{scope}?oid={citizen.oid}" for scope in scopes),
                "iat": issued,
                "nbf": issued,
                "exp": issued + int(TOKEN_LIFETIME.total_seconds()),
                "urn:esia:sid": session_id,
                "urn:esia:sbj_id": int(citizen.oid),
            }
        )

    @staticmethod
    def refresh_token() -> str:
        return secrets.token_urlsafe(32)

    def read_access_token(self, token: str, now: dt.datetime) -> AccessGrant | None:
        """The grant of a valid, current access token of this app; None for anything else."""
        try:
            claims = jwt.decode(token, self._key, algorithms=[ALGORITHM]).claims
        except (JoseError, ValueError):
            return None
        oid = claims.get("urn:esia:sbj_id")
        scope = claims.get("scope")
        client_id = claims.get("client_id")
        expires, not_before = claims.get("exp"), claims.get("nbf")
        if not (
            isinstance(oid, int)
            and isinstance(scope, str)
            and isinstance(client_id, str)
            and isinstance(expires, int)
            and isinstance(not_before, int)
            and claims.get("iss") == self.issuer
        ):
            return None
        moment = now.timestamp()
        if moment >= expires or moment + _LEEWAY < not_before:
            return None
        scopes = frozenset(item.partition("?")[0] for item in scope.split())
        return AccessGrant(oid=str(oid), client_id=client_id, scopes=scopes)
