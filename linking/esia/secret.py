"""ESIA's `client_secret`: a raw signature of the request's own fields, as ESIA's current
endpoints take it.

At `/aas/oauth2/v2/ac` the signed string is `client_id + scope + scope_org + timestamp + state +
redirect_uri`; at `/aas/oauth2/v3/te` the `code` follows. The timestamp is Moscow time as
`yyyy.MM.dd HH:mm:ss +0300`. The concatenation's UTF-8 bytes go to a pluggable signer, which
returns the signature value itself (GOST R 34.10-2012 in production; no PKCS#7/CMS envelope,
no certificate) base64url-encoded without padding; the bot sends that text, trimmed, as
`client_secret`, and ESIA picks the certificate to verify it with by `client_certificate_hash`.
A PKCS#7 detached signature (CMS, the certificate inside) is what ESIA's old v1 endpoints
(`/aas/oauth2/ac`, `/aas/oauth2/te`, with a different string) take; these endpoints do not.

Signers (`ESIA_SIGNER`):
* `command:/path/to/signer --args` — the message on stdin, the base64url signature on stdout
  (openssl with the GOST engine, CryptoPro `csptest`, a script around either);
* `http:https://signer.internal/sign` — a signing gateway: POST the message, the signature back;
* `dev` — an HMAC with a published key, accepted only by the sandbox ESIA; `ESIA_SIGNER` cannot
  name it (the sandbox wiring builds a `DevSigner` itself).
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import hmac
import shlex
from typing import Protocol
from urllib.parse import urlsplit

import httpx

MOSCOW = dt.timezone(dt.timedelta(hours=3))
DEV_KEY = b"cabinet-bot sandbox esia dev signer"  # public on purpose: the sandbox only
SIGNER_TIMEOUT = 10.0


class SignerError(Exception):
    """The signer failed; the message never carries what was signed."""


class Signer(Protocol):
    async def sign(self, message: bytes) -> str:
        """The base64url signature of `message`."""

    async def aclose(self) -> None: ...


def esia_timestamp(now: dt.datetime) -> str:
    return now.astimezone(MOSCOW).strftime("%Y.%m.%d %H:%M:%S +0300")


def signed_message(
    *,
    client_id: str,
    scope: str,
    timestamp: str,
    state: str,
    redirect_uri: str,
    scope_org: str = "",
    code: str | None = None,
) -> bytes:
    parts = [client_id, scope, scope_org, timestamp, state, redirect_uri]
    if code is not None:
        parts.append(code)
    return "".join(parts).encode()


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class DevSigner:
    async def sign(self, message: bytes) -> str:
        return b64url(hmac.new(DEV_KEY, message, hashlib.sha256).digest())

    async def aclose(self) -> None:
        return None


class CommandSigner:
    def __init__(self, command: str) -> None:
        self.argv = shlex.split(command)
        if not self.argv:
            raise ValueError("command: needs a program to run")

    async def sign(self, message: bytes) -> str:
        try:
            process = await asyncio.create_subprocess_exec(
                *self.argv,
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
            )
        except OSError as exc:  # not installed, not executable
            raise SignerError(f"the signer command cannot run: {type(exc).__name__}") from None
        try:
            out, _ = await asyncio.wait_for(process.communicate(message), SIGNER_TIMEOUT)
        except TimeoutError:
            process.kill()
            await process.wait()
            raise SignerError("the signer command did not answer in time") from None
        if process.returncode != 0:
            raise SignerError(f"the signer command exited with {process.returncode}")
        signature = out.decode("ascii", errors="replace").strip()
        if not signature:
            raise SignerError("the signer command printed nothing")
        return signature

    async def aclose(self) -> None:
        return None


class HttpSigner:
    def __init__(self, url: str) -> None:
        if not url.startswith(("http://", "https://")):
            raise ValueError("http: needs the gateway's URL")
        self.url = url
        self._http = httpx.AsyncClient(timeout=SIGNER_TIMEOUT)  # one pool: no TLS per signature

    async def sign(self, message: bytes) -> str:
        try:
            response = await self._http.post(
                self.url, content=message, headers={"Content-Type": "application/octet-stream"}
            )
        except httpx.HTTPError as exc:
            raise SignerError(f"the signing gateway failed: {type(exc).__name__}") from None
        if response.status_code != 200 or not response.text.strip():
            raise SignerError(f"the signing gateway answered {response.status_code}")
        return response.text.strip()

    async def aclose(self) -> None:
        await self._http.aclose()


def is_real_esia(url: str) -> bool:
    """Whether `url` is Gosuslugi's own ESIA (production or its test contour)."""
    host = urlsplit(url).hostname or ""
    return host == "gosuslugi.ru" or host.endswith(".gosuslugi.ru")


def parse_signer(spec: str) -> Signer:
    """`ESIA_SIGNER` → a signer. The sandbox's `dev` signer is not among them."""
    if spec == "dev":
        raise ValueError("dev signs for the sandbox ESIA only (IDP=sandbox needs no signer)")
    kind, _, rest = spec.partition(":")
    if kind == "command":
        return CommandSigner(rest)
    if kind == "http":
        return HttpSigner(rest)
    raise ValueError("must be command:<program and arguments>, http:<gateway URL> or dev")
