"""Which identity provider signs people in (`IDP`), built from the settings.

`sandbox` (the default) is the ESIA emulator: mounted on this app's web server at
`/sandbox/esia` with a fresh RSA key whose public half the provider is given directly, or a
`cabinet-bot sandbox` elsewhere when `ESIA_URL` is set. `esia` is the real ESIA with a real
signer; `oidc` any OpenID Connect provider by discovery.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import structlog
from aiohttp import web

from bot.config import ConfigError, EsiaIdp, OidcIdp, SandboxIdp, Settings
from linking.esia.secret import DevSigner, parse_signer
from linking.providers.base import IdentityProvider
from linking.providers.esia import EsiaProvider
from linking.providers.oidc import ClientKey, OidcProvider

if TYPE_CHECKING:
    from sandbox.esia import EsiaSandboxConfig

log = structlog.get_logger(__name__)

SANDBOX_ESIA_PATH = "/sandbox/esia"
SANDBOX_CLIENT_ID = "CABINET-BOT"


@dataclass(frozen=True)
class IdentityWiring:
    provider: IdentityProvider
    sandbox_app: web.Application | None  # to mount at SANDBOX_ESIA_PATH


def sandbox_esia_config(
    public_url: str, *, redirect_uris: tuple[str, ...] = ()
) -> EsiaSandboxConfig:
    from sandbox.esia import EsiaSandboxConfig  # noqa: PLC0415 - only with the sandbox

    return EsiaSandboxConfig(
        public_url=public_url, client_id=SANDBOX_CLIENT_ID, redirect_uris=redirect_uris
    )


def wire_identity(settings: Settings) -> IdentityWiring:
    idp = settings.idp
    if isinstance(idp, OidcIdp):
        secret, key = idp.client_secret, idp.client_key
        provider = OidcProvider(
            issuer=idp.issuer,
            client_id=idp.client_id,
            client_secret=secret.get_secret_value() if secret else None,
            token_auth_method=idp.token_auth_method.value,
            client_key=(
                ClientKey(read_pem(key.get_secret_value()), kid=idp.client_key_id) if key else None
            ),
            scopes=idp.scopes,
            require_claim=idp.require_claim,
        )
        return IdentityWiring(provider, None)
    if isinstance(idp, EsiaIdp):
        esia = EsiaProvider(
            esia_url=idp.url,
            client_id=idp.client_id,
            signer=parse_signer(idp.signer),
            cert_hash=idp.cert_hash,
            token_key=idp.token_key,
            issuer=idp.issuer,
            scopes=idp.scopes,
            use_pkce=idp.use_pkce,
        )
        return IdentityWiring(esia, None)
    return _sandbox(idp, settings.web.public_url)


def _sandbox(idp: SandboxIdp, public_url: str) -> IdentityWiring:
    app: web.Application | None = None
    if idp.url:  # a `cabinet-bot sandbox` elsewhere publishes its key
        esia_url, token_key = idp.url, f"{idp.url}/jwks"
    else:
        esia_url = public_url + SANDBOX_ESIA_PATH
        redirect = (f"{public_url}/link/callback",)
        # Only now: a bot signing in with a real provider never loads the sandbox.
        from sandbox.esia import create_app as create_sandbox_esia  # noqa: PLC0415
        from sandbox.esia import public_jwks  # noqa: PLC0415

        app = create_sandbox_esia(sandbox_esia_config(esia_url, redirect_uris=redirect))
        token_key = json.dumps(public_jwks(app))
    provider = EsiaProvider(
        esia_url=esia_url,
        client_id=SANDBOX_CLIENT_ID,
        signer=DevSigner(),  # config refuses IDP=sandbox towards the real ESIA
        cert_hash="sandbox-certificate-hash",
        token_key=token_key,
        scopes=idp.scopes,
        name="sandbox",
    )
    return IdentityWiring(provider, app)


def read_pem(spec: str) -> bytes:
    """A PEM setting: inline (`-----BEGIN …`), or a file (`file:/path` or an absolute path)."""
    spec = spec.strip()
    if spec.startswith(("file:", "/")):
        return Path(spec.removeprefix("file:")).read_bytes()
    return spec.encode()


async def check_provider(provider: object) -> None:
    """At start-up: an OIDC provider that cannot work with this configuration (an auth method
    or ID token algorithm it does not have) stops the process with a ConfigError; one that
    cannot be asked now is logged, and sign-ins say it is unavailable until it answers."""
    if not isinstance(provider, OidcProvider):
        return
    try:
        problem = await provider.check_configuration()
    except ValueError as exc:
        raise ConfigError(f"OIDC_ISSUER: {exc}") from None
    if problem is not None:
        log.warning("oidc_discovery_failed_at_start", problem=problem)
