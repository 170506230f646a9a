"""A strict, certified OpenID Provider for tests: panva's `oidc-provider` (npm, v9) run by Node.

`tests/strict_idp/server.mjs` starts it from a JSON config; `strict_idp(...)` writes that config,
starts the server as a subprocess on a port of this worker's own and stops it at the end. Its
policies are the strict ones: PKCE (S256) for every authorization code request, RFC 9207 `iss`
in every authorization response, claims of scopes in userinfo only (`conformIdTokenClaims`),
client authentication exactly per RFC 6749 (`client_secret_basic` is base64 of the
form-urlencoded id and secret). Its built-in development login and consent pages
(`devInteractions`) accept any password; `sign_in` fills them with plain httpx.

It needs Node.js and `cd tests/strict_idp && npm ci`; `NODE_PROBLEM` says what is missing.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import shutil
import signal
import tempfile
import time
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from tests.sandbox_server import free_port

#: The provider's one account: a verified person the sandbox cabinet knows as a customer.
ACCOUNTS = {
    "alice": {
        "given_name": "Алиса",
        "family_name": "Смирнова",
        "birthdate": "1990-02-03",
        "snils": "145-978-312 08",
        "trusted": True,
    }
}

HERE = Path(__file__).parent / "strict_idp"
SERVER = HERE / "server.mjs"
INSTALL = "cd tests/strict_idp && npm ci"
START_TIMEOUT = 15.0  # seconds; it starts in ~0.3 s, but a loaded CI machine is slow
STOP_TIMEOUT = 5.0

JWK = dict[str, Any]
JWKS = dict[str, Any]  # {"keys": [JWK, ...]}


def _node_problem() -> str | None:
    node = shutil.which("node")
    if node is None:
        return "node is not installed (Node.js >= 20 with npm, then: " + INSTALL + ")"
    installed = HERE / "node_modules" / "oidc-provider" / "package.json"
    if not installed.is_file():
        return f"oidc-provider is not installed in tests/strict_idp/node_modules: {INSTALL}"
    wanted = json.loads((HERE / "package.json").read_text("utf-8"))["dependencies"]
    version = json.loads(installed.read_text("utf-8")).get("version")
    if version != wanted["oidc-provider"]:
        return (
            f"oidc-provider {version} is installed, {wanted['oidc-provider']} is pinned: {INSTALL}"
        )
    return None


NODE_PROBLEM: str | None = _node_problem()
"""Why the strict provider cannot run here (with the command that fixes it), or None."""


# keys --------------------------------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _int(value: int, length: int | None = None) -> str:
    size = length if length is not None else max(1, (value.bit_length() + 7) // 8)
    return _b64(value.to_bytes(size, "big"))


def rsa_key(kid: str, alg: str = "RS256", size: int = 2048) -> tuple[JWK, rsa.RSAPrivateKey]:
    """A new RSA private key as a JWK (`kid`, `alg` RS256 or PS256, `use` sig) and as a
    cryptography key. oidc-provider signs with a key only the `alg` it names: an RS256 key and a
    PS256 key are two keys."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=size)
    numbers = key.private_numbers()
    public = numbers.public_numbers
    jwk: JWK = {
        "kty": "RSA",
        "kid": kid,
        "alg": alg,
        "use": "sig",
        "n": _int(public.n),
        "e": _int(public.e),
        "d": _int(numbers.d),
        "p": _int(numbers.p),
        "q": _int(numbers.q),
        "dp": _int(numbers.dmp1),
        "dq": _int(numbers.dmq1),
        "qi": _int(numbers.iqmp),
    }
    return jwk, key


def ec_key(kid: str) -> tuple[JWK, ec.EllipticCurvePrivateKey]:
    """A new EC P-256 private key (ES256) as a JWK and as a cryptography key."""
    key = ec.generate_private_key(ec.SECP256R1())
    numbers = key.private_numbers()
    jwk: JWK = {
        "kty": "EC",
        "kid": kid,
        "alg": "ES256",
        "use": "sig",
        "crv": "P-256",
        "x": _int(numbers.public_numbers.x, 32),
        "y": _int(numbers.public_numbers.y, 32),
        "d": _int(numbers.private_value, 32),
    }
    return jwk, key


def ed25519_key(kid: str, alg: str = "EdDSA") -> tuple[JWK, ed25519.Ed25519PrivateKey]:
    """A new Ed25519 private key (OKP; `alg` EdDSA, or the fully specified Ed25519) as a JWK and
    as a cryptography key."""
    key = ed25519.Ed25519PrivateKey.generate()
    private = key.private_bytes_raw()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    jwk: JWK = {
        "kty": "OKP",
        "kid": kid,
        "alg": alg,
        "use": "sig",
        "crv": "Ed25519",
        "x": _b64(public),
        "d": _b64(private),
    }
    return jwk, key


def jwks(*keys: Mapping[str, Any]) -> JWKS:
    """`{"keys": [...]}` of the given JWKs."""
    return {"keys": [dict(key) for key in keys]}


_PRIVATE_MEMBERS = frozenset({"d", "p", "q", "dp", "dq", "qi", "oth", "k"})


def public_jwks(private_jwks: Mapping[str, Any]) -> JWKS:
    """The public half of a JWKS (for a client's `jwks` metadata, or to compare with what the
    provider publishes at its `jwks_uri`)."""
    return {
        "keys": [
            {name: value for name, value in key.items() if name not in _PRIVATE_MEMBERS}
            for key in private_jwks["keys"]
        ]
    }


# the server --------------------------------------------------------------------------------


@dataclass
class StrictIdp:
    """A running oidc-provider. `issuer` is also its base URL."""

    issuer: str
    port: int
    clients: list[dict[str, Any]]
    accounts: dict[str, dict[str, Any]]
    jwks: JWKS
    workdir: Path
    _process: asyncio.subprocess.Process | None = field(default=None, repr=False)
    _starts: int = field(default=0, repr=False)

    @property
    def log_path(self) -> Path:
        """stdout and stderr of the current process (errors at its endpoints are logged there)."""
        return self.workdir / f"server-{self._starts}.log"

    def log(self, tail: int = 4000) -> str:
        """The last `tail` characters of `log_path`."""
        try:
            return self.log_path.read_text("utf-8", errors="replace")[-tail:]
        except FileNotFoundError:
            return ""

    @property
    def discovery_url(self) -> str:
        return self.issuer + "/.well-known/openid-configuration"

    async def restart(
        self,
        *,
        jwks: Mapping[str, Any] | None = None,
        clients: Sequence[Mapping[str, Any]] | None = None,
        accounts: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> None:
        """Stop the provider and start it again on the same port, with the same issuer, and
        with these keys (clients, accounts) instead of the current ones. Its state (sessions,
        codes, tokens) is in memory, so it is gone: a new sign-in is needed."""
        if jwks is not None:
            self.jwks = _copy(jwks)
        if clients is not None:
            self.clients = [dict(client) for client in clients]
        if accounts is not None:
            self.accounts = {sub: dict(claims) for sub, claims in accounts.items()}
        await self._stop()
        await self._start()

    def _config(self) -> dict[str, Any]:
        return {
            "port": self.port,
            "issuer": self.issuer,
            "jwks": self.jwks,
            "clients": self.clients,
            "accounts": self.accounts,
            "exit_on_stdin_close": True,  # the node process ends with the test process
        }

    async def _start(self) -> None:
        if NODE_PROBLEM is not None:
            raise RuntimeError(f"the strict IdP cannot run here: {NODE_PROBLEM}")
        self._starts += 1
        config = self.workdir / f"config-{self._starts}.json"
        config.write_text(json.dumps(self._config()), "utf-8")
        with self.log_path.open("wb") as out:
            self._process = await asyncio.create_subprocess_exec(
                "node",
                str(SERVER),
                str(config),
                cwd=HERE,
                stdin=asyncio.subprocess.PIPE,
                stdout=out,
                stderr=out,
            )
        deadline = time.monotonic() + START_TIMEOUT
        ready = f"READY {self.issuer}"
        while ready not in self.log(tail=1 << 20):
            if self._process.returncode is not None:
                raise RuntimeError(
                    f"the strict IdP exited ({self._process.returncode}):\n{self.log()}"
                )
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"the strict IdP did not start in {START_TIMEOUT} s:\n{self.log()}"
                )
            await asyncio.sleep(0.02)

    async def _stop(self) -> None:
        process, self._process = self._process, None
        if process is None:
            return
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(process.wait(), STOP_TIMEOUT)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if process.stdin is not None:
            process.stdin.close()


def _copy(value: Mapping[str, Any]) -> dict[str, Any]:
    copied: dict[str, Any] = json.loads(json.dumps(value))
    return copied


@contextlib.asynccontextmanager
async def strict_idp(
    clients: Sequence[Mapping[str, Any]],
    accounts: Mapping[str, Mapping[str, Any]],
    jwks: Mapping[str, Any],
    port: int | None = None,
) -> AsyncIterator[StrictIdp]:
    """oidc-provider on http://127.0.0.1:PORT with these clients (oidc-provider client metadata,
    passed as they are), accounts (sub → claims) and private signing keys (a JWKS). Stopped at
    the end, whatever happens."""
    chosen = port if port is not None else free_port()
    with tempfile.TemporaryDirectory(prefix="strict-idp-") as workdir:
        idp = StrictIdp(
            issuer=f"http://127.0.0.1:{chosen}",
            port=chosen,
            clients=[dict(client) for client in clients],
            accounts={sub: dict(claims) for sub, claims in accounts.items()},
            jwks=_copy(jwks),
            workdir=Path(workdir),
        )
        try:
            await idp._start()
            yield idp
        finally:
            await idp._stop()


# signing in --------------------------------------------------------------------------------


class SignInError(RuntimeError):
    """The provider answered something `sign_in` does not know how to go on from."""


@dataclass
class _Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[_Form] = []
        self._current: _Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "form":
            self._current = _Form(values.get("action", ""), values.get("method", "get").lower())
            self.forms.append(self._current)
        elif tag == "input" and self._current is not None and values.get("name"):
            self._current.fields[values["name"]] = values.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None


def _forms(html: str) -> list[_Form]:
    parser = _Forms()
    parser.feed(html)
    parser.close()
    return parser.forms


async def sign_in(
    http: httpx.AsyncClient,
    authorization_url: str,
    login: str,
    *,
    password: str = "any password",
    max_steps: int = 20,
) -> str:
    """Go through the provider's development login and consent pages as a browser would (the
    cookies stay in `http`'s jar) and return the URL the provider finally redirects to at the
    client: its `redirect_uri` with `code`, `state` and `iss` (or `error`, `error_description`
    and `iss` when the provider refuses the request). Redirects are followed here, one by one,
    until one leaves the provider (its redirect_uri if the URL names one, else another origin).
    """
    start = urlsplit(authorization_url)
    provider_origin = (start.scheme, start.netloc)
    redirect_uri = parse_qs(start.query).get("redirect_uri", [None])[0]

    def at_client(url: str) -> bool:
        parts = urlsplit(url)
        if redirect_uri is not None:
            target = urlsplit(redirect_uri)
            return (parts.scheme, parts.netloc, parts.path) == (
                target.scheme,
                target.netloc,
                target.path,
            )
        return (parts.scheme, parts.netloc) != provider_origin

    response = await http.get(authorization_url, follow_redirects=False)
    for _ in range(max_steps):
        if response.is_redirect:
            location = urljoin(str(response.url), response.headers["location"])
            if at_client(location):
                return location
            response = await http.get(location, follow_redirects=False)
            continue
        posts = [form for form in _forms(response.text) if form.method == "post"]
        if response.status_code != 200 or not posts:
            raise SignInError(
                f"{response.request.method} {response.url} → {response.status_code}:\n"
                f"{response.text[:3000]}"
            )
        form = posts[0]
        data = dict(form.fields)
        if "login" in data or data.get("prompt") == "login":
            data["login"] = login
            data["password"] = password
        action = urljoin(str(response.url), form.action)
        if at_client(action):  # response_mode=form_post: not a redirect sign_in can return
            raise SignInError(f"the provider posts the response to {action}: {data}")
        response = await http.post(action, data=data, follow_redirects=False)
    raise SignInError(f"no redirect to the client after {max_steps} steps (last: {response.url})")
