"""Who signs people in (IDP): the sandbox ESIA, the real ESIA (ESIA_*) or an OpenID Connect
provider (OIDC_*). One type per provider, each requiring what it needs: `ESIA_URL: is required
with IDP=esia` comes from the type, not from a list kept beside it."""

from __future__ import annotations

import enum
from typing import Annotated, ClassVar, Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from bot.config.parts import ConfigError, Part, http_url
from linking.esia.secret import parse_signer


class IdpKind(enum.StrEnum):
    SANDBOX = "sandbox"
    ESIA = "esia"
    OIDC = "oidc"


class TokenAuthMethod(enum.StrEnum):
    """How the bot authenticates at an OIDC provider's token endpoint."""

    CLIENT_SECRET_BASIC = "client_secret_basic"  # noqa: S105 - a method's name
    CLIENT_SECRET_POST = "client_secret_post"  # noqa: S105 - a method's name
    PRIVATE_KEY_JWT = "private_key_jwt"


ESIA_SCOPES = "openid fullname birthdate snils"


class SandboxIdp(Part):
    """The sandbox ESIA's test citizens: mounted at {PUBLIC_URL}/sandbox/esia unless ESIA_URL
    names a `cabinet-bot sandbox` elsewhere (e.g. http://127.0.0.1:8090/sandbox/esia)."""

    model_config = SettingsConfigDict(env_prefix="ESIA_")

    kind: Literal[IdpKind.SANDBOX] = IdpKind.SANDBOX
    url: str | None = None
    scopes: str = ESIA_SCOPES

    _urls = field_validator("url")(http_url)

    @field_validator("url")
    @classmethod
    def _not_the_real_esia(cls, value: str | None) -> str | None:
        host = (value or "").split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        if host == "gosuslugi.ru" or host.endswith(".gosuslugi.ru"):
            raise ValueError("IDP=sandbox cannot sign in at the real ESIA; set IDP=esia")
        return value


class EsiaIdp(Part):
    """Gosuslugi: its base URL, the system's mnemonic, the signer of client_secret, the
    certificate's hash, the key that verifies ESIA's ID tokens; the tokens' `iss` (default:
    ESIA's own convention); PKCE off, as ESIA's published clients do (turn it on once your
    contour is known to take code_challenge)."""

    model_config = SettingsConfigDict(env_prefix="ESIA_")
    required_because: ClassVar[str] = "with IDP=esia"

    kind: Literal[IdpKind.ESIA] = IdpKind.ESIA
    url: str
    client_id: str
    signer: str = Field(repr=False)
    cert_hash: str
    token_key: str = Field(repr=False)
    scopes: str = ESIA_SCOPES
    issuer: str | None = None
    use_pkce: bool = False

    _urls = field_validator("url")(http_url)

    @field_validator("signer")
    @classmethod
    def _signer(cls, value: str) -> str:
        parse_signer(value)  # its ValueError names what is wrong
        return value


class OidcIdp(Part):
    """An OpenID Connect provider (discovery at {OIDC_ISSUER}/.well-known/...): how the bot
    authenticates at its token endpoint — a client secret, or with private_key_jwt the
    client's private key (PEM: inline, or file:/path) and its key id — and the claim that
    marks a verified account (name=value)."""

    model_config = SettingsConfigDict(env_prefix="OIDC_")
    required_because: ClassVar[str] = "with IDP=oidc"

    kind: Literal[IdpKind.OIDC] = IdpKind.OIDC
    issuer: str
    client_id: str
    client_secret: SecretStr | None = None
    token_auth_method: TokenAuthMethod = TokenAuthMethod.CLIENT_SECRET_BASIC
    client_key: SecretStr | None = None
    client_key_id: str | None = None
    scopes: str = "openid profile"
    require_claim: str | None = None

    _urls = field_validator("issuer")(http_url)

    @field_validator("require_claim")
    @classmethod
    def _claim(cls, value: str | None) -> str | None:
        if value is not None and "=" not in value:
            raise ValueError("must look like name=value, e.g. trusted=true")
        return value

    @model_validator(mode="after")
    def _credentials(self) -> OidcIdp:
        """private_key_jwt needs OIDC_CLIENT_KEY; the client_secret_* methods the secret."""
        method = self.token_auth_method
        if method is TokenAuthMethod.PRIVATE_KEY_JWT and not self.client_key:
            raise ConfigError(
                "OIDC_CLIENT_KEY: is required with OIDC_TOKEN_AUTH_METHOD=private_key_jwt"
            )
        if method is not TokenAuthMethod.PRIVATE_KEY_JWT and not self.client_secret:
            raise ConfigError(
                f"OIDC_CLIENT_SECRET: is required with OIDC_TOKEN_AUTH_METHOD={method.value}"
            )
        return self


IdentityProvider = Annotated[SandboxIdp | EsiaIdp | OidcIdp, Field(discriminator="kind")]
PROVIDERS: dict[IdpKind, type[SandboxIdp | EsiaIdp | OidcIdp]] = {
    IdpKind.SANDBOX: SandboxIdp,
    IdpKind.ESIA: EsiaIdp,
    IdpKind.OIDC: OidcIdp,
}


class IdpChoice(Part):
    """IDP: which provider's settings to read."""

    idp: IdpKind = IdpKind.SANDBOX
