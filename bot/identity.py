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

from bot.config import ConfigError, IdpKind, Settings
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
    if settings.idp is IdpKind.OIDC:
        secret, key = settings.oidc_client_secret, settings.oidc_client_key
        provider = OidcProvider(
            issuer=_required(settings.oidc_issuer),
            client_id=_required(settings.oidc_client_id),
            client_secret=secret.get_secret_value() if secret else None,
            token_auth_method=settings.oidc_token_auth_method.value,
            client_key=(
                ClientKey(read_pem(key.get_secret_value()), kid=settings.oidc_client_key_id)
                if key
                else None
            ),
            scopes=settings.oidc_scopes,
            require_claim=settings.oidc_require_claim,
        )
        return IdentityWiring(provider, None)
    if settings.idp is IdpKind.ESIA:
        esia_url = _required(settings.esia_url)
        signer = parse_signer(_required(settings.esia_signer))
        esia = EsiaProvider(
            esia_url=esia_url,
            client_id=_required(settings.esia_client_id),
            signer=signer,
            cert_hash=_required(settings.esia_cert_hash),
            token_key=_required(settings.esia_token_key),
            issuer=settings.esia_issuer,
            scopes=settings.esia_scopes,
            use_pkce=settings.esia_use_pkce,
        )
        return IdentityWiring(esia, None)
    return _sandbox(settings)


def _sandbox(settings: Settings) -> IdentityWiring:
    app: web.Application | None = None
    if settings.esia_url:  # a `cabinet-bot sandbox` elsewhere publishes its key
        esia_url, token_key = settings.esia_url, f"{settings.esia_url}/jwks"
    else:
        esia_url = settings.public_url + SANDBOX_ESIA_PATH
        redirect = (f"{settings.public_url}/link/callback",)
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
        scopes=settings.esia_scopes,
        name="sandbox",
    )
    return IdentityWiring(provider, app)


def _required(value: str | None) -> str:
    if not value:  # load_settings already refuses this, naming the variable
        raise ConfigError("a setting required by IDP is missing")
    return value


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
