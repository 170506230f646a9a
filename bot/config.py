"""Settings: plain upper-case environment variables (and an optional `.env` file).

Every variable is documented in `.env.example` and the README. No secret has a default;
secrets are `SecretStr`, so they never show up in a repr or a log line.
"""

from __future__ import annotations

import enum
import re
from ipaddress import ip_network
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from linking.esia.secret import parse_signer


class PrivacyMode(enum.StrEnum):
    FULL = "full"
    STRICT = "strict"


class LogFormat(enum.StrEnum):
    JSON = "json"
    CONSOLE = "console"


class Locale(enum.StrEnum):
    RU = "ru"
    EN = "en"


class IdpKind(enum.StrEnum):
    SANDBOX = "sandbox"
    ESIA = "esia"
    OIDC = "oidc"


class TokenAuthMethod(enum.StrEnum):
    """How the bot authenticates at an OIDC provider's token endpoint."""

    CLIENT_SECRET_BASIC = "client_secret_basic"  # noqa: S105 - a method's name
    CLIENT_SECRET_POST = "client_secret_post"  # noqa: S105 - a method's name
    PRIVATE_KEY_JWT = "private_key_jwt"


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


def _split_csv(value: object) -> object:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        env_ignore_empty=True,  # `SUPPORT_CHAT_ID=` means "not set"
    )

    telegram_bot_token: SecretStr | None = None
    telegram_api_url: str | None = None
    # `cabinet-bot web`: where Telegram POSTs updates (the replicas listen on its path), and
    # the secret it sends back in X-Telegram-Bot-Api-Secret-Token.
    telegram_webhook_url: str | None = None
    telegram_webhook_secret: SecretStr | None = None
    telegram_webhook_max_connections: int = Field(default=40, ge=1, le=100)

    # Max (VK's messenger), next to Telegram on the same core: the bot's token from
    # business.max.ru, the Bot API's address (the public one unless set, as TELEGRAM_API_URL),
    # where Max POSTs updates and the secret it sends back (X-Max-Bot-Api-Secret), and the CA
    # bundle the Max API's certificate chains to (used by the Max client only, never
    # system-wide; unset: the system's).
    max_bot_token: SecretStr | None = None
    max_api_url: str = "https://platform-api.max.ru"
    max_webhook_url: str | None = None
    max_webhook_secret: SecretStr | None = None
    max_ca_bundle: str | None = None

    public_url: str = "http://127.0.0.1:8080"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)
    # Per client IP and minute, shared by every replica; the IP is the peer's, or the one a
    # proxy in TRUSTED_PROXIES puts in X-Forwarded-For.
    rate_limit_link: int = Field(default=30, ge=1)
    rate_limit_events: int = Field(default=6000, ge=1)  # the cabinet's signed events
    rate_limit_events_refused: int = Field(default=60, ge=1)  # unsigned, forged, too large
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)

    # repr=False: the URLs may carry passwords.
    database_url: str = Field(default="sqlite+aiosqlite:///var/cabinet-bot.db", repr=False)
    redis_url: str | None = Field(default=None, repr=False)

    # The insurer's cabinet API (cabinet/openapi.yaml). Unset: the sandbox cabinet, mounted on
    # this app's web server at {PUBLIC_URL}/sandbox/cabinet.
    cabinet_url: str | None = None
    cabinet_token: SecretStr | None = None
    # The HMAC key of the events the cabinet sends to {PUBLIC_URL}/events. Unset with the
    # embedded sandbox: a random key for this process.
    events_secret: SecretStr | None = None
    # The sandbox only: where its signed events go (default {PUBLIC_URL}/events); where
    # `cabinet-bot sandbox` listens, and the address browsers reach it at (its pay pages).
    cabinet_events_url: str | None = None
    sandbox_host: str = "127.0.0.1"
    sandbox_port: int = Field(default=8090, ge=1, le=65535)
    sandbox_public_url: str | None = None

    # Who signs people in: the sandbox ESIA (default), the real ESIA, or an OIDC provider.
    idp: IdpKind = IdpKind.SANDBOX
    # ESIA's base URL: required with IDP=esia (e.g. https://esia.gosuslugi.ru); with IDP=sandbox,
    # unset means the sandbox ESIA mounted at {PUBLIC_URL}/sandbox/esia, set means a
    # `cabinet-bot sandbox` elsewhere (e.g. http://127.0.0.1:8090/sandbox/esia).
    esia_url: str | None = None
    esia_client_id: str | None = None
    esia_scopes: str = "openid fullname birthdate snils"
    esia_signer: str | None = Field(default=None, repr=False)
    esia_cert_hash: str | None = None
    esia_token_key: str | None = Field(default=None, repr=False)
    esia_issuer: str | None = None  # the ID tokens' `iss`; default: ESIA's own convention
    # PKCE towards ESIA: off, as ESIA's published clients do (its support is undocumented);
    # turn it on once your ESIA contour is known to take code_challenge.
    esia_use_pkce: bool = False
    oidc_issuer: str | None = None
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr | None = None
    oidc_token_auth_method: TokenAuthMethod = TokenAuthMethod.CLIENT_SECRET_BASIC
    # private_key_jwt: the client's private key (PEM: inline, or file:/path) and its key id.
    oidc_client_key: SecretStr | None = None
    oidc_client_key_id: str | None = None
    oidc_scopes: str = "openid profile"
    oidc_require_claim: str | None = None

    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    # The bearer token of the broadcasts API at {PUBLIC_URL}/admin; unset: no such API.
    admin_api_token: SecretStr | None = None
    support_chat_id: int | None = None
    support_contacts: str = "support@example.com"

    default_locale: Locale = Locale.RU
    default_time_zone: str = "Europe/Moscow"
    privacy_mode: PrivacyMode = PrivacyMode.FULL
    log_format: LogFormat = LogFormat.CONSOLE
    log_level: str = "INFO"

    flood_rate: int = Field(default=5, ge=1, description="updates per second per user")

    # The delivery engine (notify/): messages/s to Telegram shared by every process (and at
    # most 1/s per chat); paid broadcasts (allow_paid_broadcast) at their own rate.
    telegram_rate_limit: float = Field(default=30.0, gt=0)
    telegram_paid_broadcast: bool = False
    telegram_paid_rate: float = Field(default=1000.0, gt=0)
    worker_concurrency: int = Field(default=8, ge=1, le=512)
    worker_lease_seconds: float = Field(default=60.0, ge=1)
    fsm_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)

    @field_validator("admin_ids", "trusted_proxies", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("trusted_proxies")
    @classmethod
    def _networks(cls, value: list[str]) -> list[str]:
        for item in value:
            try:
                network = ip_network(item, strict=False)
            except ValueError:
                raise ValueError(f"{item!r} is not an IP address or network") from None
            if network.prefixlen == 0:  # every client could name its own address
                raise ValueError(f"{item!r} would trust everyone; list your proxies")
        return value

    @field_validator("telegram_webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        secret = value.get_secret_value() if value is not None else None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
            raise ValueError("must be 16-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("max_webhook_secret")
    @classmethod
    def _max_webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        secret = value.get_secret_value() if value is not None else None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{5,256}", secret):
            raise ValueError("must be 5-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("max_ca_bundle")
    @classmethod
    def _ca_bundle(cls, value: str | None) -> str | None:
        if value is not None and not Path(value).is_file():
            raise ValueError(f"{value!r} is not a file (a PEM bundle of CA certificates)")
        return value

    @field_validator(
        "public_url",
        "telegram_api_url",
        "telegram_webhook_url",
        "max_api_url",
        "max_webhook_url",
        "cabinet_url",
        "cabinet_events_url",
        "sandbox_public_url",
        "esia_url",
        "oidc_issuer",
    )
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value

    @field_validator("redis_url")
    @classmethod
    def _redis_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value or None

    @field_validator("default_time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/Moscow") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value

    def secret_values(self) -> list[str]:
        """Every secret this deployment holds, for the log redactor to remove literally."""
        values = (getattr(self, name) for name in type(self).model_fields)
        return [v.get_secret_value() for v in values if isinstance(v, SecretStr)]

    def require_sandbox_secrets(self) -> tuple[str, bytes]:
        """`cabinet-bot sandbox` runs apart from the bot: both must know the same secrets."""
        token, secret = self.cabinet_token, self.events_secret
        if token is None or not token.get_secret_value():
            raise ConfigError("CABINET_TOKEN: is required by the sandbox (the bot must use it too)")
        if secret is None or not secret.get_secret_value():
            raise ConfigError("EVENTS_SECRET: is required by the sandbox (it signs the events)")
        return token.get_secret_value(), secret.get_secret_value().encode()

    def require_web(self) -> tuple[str, str]:
        """`cabinet-bot web` runs as one of several replicas: the webhook and everything the
        replicas must share are configured, not made up per process. Returns (url, secret)."""
        url, secret = self.telegram_webhook_url, self.telegram_webhook_secret
        if not url:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_URL: is required by `cabinet-bot web` (the public https URL "
                "Telegram sends updates to)"
            )
        if secret is None:
            raise ConfigError(
                "TELEGRAM_WEBHOOK_SECRET: is required by `cabinet-bot web` (16-256 characters "
                "of A-Z, a-z, 0-9, _ and -)"
            )
        shared = (
            ("cabinet_url", "replicas share one cabinet; to try it, run `cabinet-bot sandbox`"),
            ("cabinet_token", "the cabinet's bearer token"),
            ("events_secret", "every replica checks the cabinet's events with the same key"),
        )
        for name, why in shared:
            if not getattr(self, name):
                raise ConfigError(f"{name.upper()}: is required by `cabinet-bot web` ({why})")
        if self.idp is IdpKind.SANDBOX and not self.esia_url:
            raise ConfigError(
                "ESIA_URL: is required by `cabinet-bot web` with IDP=sandbox (the sandbox ESIA "
                "of `cabinet-bot sandbox`, e.g. http://127.0.0.1:8090/sandbox/esia)"
            )
        return url, secret.get_secret_value()

    def require_token(self) -> SecretStr:
        if self.telegram_bot_token is None or not self.telegram_bot_token.get_secret_value():
            raise ConfigError("TELEGRAM_BOT_TOKEN: is required (the token from @BotFather)")
        token = self.telegram_bot_token.get_secret_value()
        head, _, tail = token.partition(":")
        if not head.isdigit() or not tail:
            raise ConfigError("TELEGRAM_BOT_TOKEN: must look like 123456:ABC-DEF (from @BotFather)")
        return self.telegram_bot_token


def load_settings(**overrides: object) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f".env: cannot be read ({type(exc).__name__})") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
    if settings.cabinet_url and not settings.cabinet_token:
        raise ConfigError("CABINET_TOKEN: is required when CABINET_URL is set")
    for name in _REQUIRED_BY_IDP.get(settings.idp, ()):
        if not getattr(settings, name):
            raise ConfigError(f"{name.upper()}: is required with IDP={settings.idp.value}")
    if settings.idp is IdpKind.SANDBOX:
        _refuse_sandbox_sign_in_to_real_systems(settings)
    if settings.idp is IdpKind.ESIA and settings.esia_signer and settings.esia_url:
        try:
            parse_signer(settings.esia_signer)
        except ValueError as exc:
            raise ConfigError(f"ESIA_SIGNER: {exc}") from None
    if settings.idp is IdpKind.OIDC:
        _check_oidc_client_credentials(settings)
    if settings.oidc_require_claim and "=" not in settings.oidc_require_claim:
        raise ConfigError("OIDC_REQUIRE_CLAIM: must look like name=value, e.g. trusted=true")
    return settings


def _check_oidc_client_credentials(settings: Settings) -> None:
    """private_key_jwt needs OIDC_CLIENT_KEY; the client_secret_* methods OIDC_CLIENT_SECRET."""
    method = settings.oidc_token_auth_method
    if method is TokenAuthMethod.PRIVATE_KEY_JWT:
        if not settings.oidc_client_key:
            raise ConfigError(
                "OIDC_CLIENT_KEY: is required with OIDC_TOKEN_AUTH_METHOD=private_key_jwt"
            )
    elif not settings.oidc_client_secret:
        raise ConfigError(
            f"OIDC_CLIENT_SECRET: is required with OIDC_TOKEN_AUTH_METHOD={method.value}"
        )


_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})
#: Where `cabinet-bot sandbox` serves its cabinet: a CABINET_URL ending so is a sandbox.
SANDBOX_CABINET_PATH = "/sandbox/cabinet"


def _refuse_sandbox_sign_in_to_real_systems(settings: Settings) -> None:
    """The sandbox ESIA lets anyone pick a test citizen: never in front of a real cabinet, and
    its public dev signer never towards the real ESIA."""
    cabinet = urlsplit(settings.cabinet_url) if settings.cabinet_url else None
    if (
        cabinet is not None
        and cabinet.hostname not in _LOOPBACK
        and not cabinet.path.rstrip("/").endswith(SANDBOX_CABINET_PATH)
    ):
        raise ConfigError(
            "IDP: the sandbox's test citizens cannot sign in to a real cabinet (CABINET_URL is "
            "set); set IDP=esia or IDP=oidc"
        )
    esia_host = urlsplit(settings.esia_url).hostname if settings.esia_url else None
    if esia_host is not None and (
        esia_host == "gosuslugi.ru" or esia_host.endswith(".gosuslugi.ru")
    ):
        raise ConfigError("ESIA_URL: IDP=sandbox cannot sign in at the real ESIA; set IDP=esia")


_REQUIRED_BY_IDP = {
    IdpKind.ESIA: ("esia_url", "esia_client_id", "esia_signer", "esia_cert_hash", "esia_token_key"),
    IdpKind.OIDC: ("oidc_issuer", "oidc_client_id"),
}
