"""The insurer's cabinet API (CABINET_*, EVENTS_SECRET) and the sandbox standing in for it
(SANDBOX_*)."""

from __future__ import annotations

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from bot.config.parts import ConfigError, Part, http_url


class CabinetSettings(Part):
    """The cabinet API (cabinet/openapi.yaml) and its bearer token. Unset: the sandbox cabinet,
    mounted on this app's web server at {PUBLIC_URL}/sandbox/cabinet. `events_url`: the
    sandbox's only, where its signed events go (default {PUBLIC_URL}/events)."""

    model_config = SettingsConfigDict(env_prefix="CABINET_")

    url: str | None = None
    token: SecretStr | None = None
    events_url: str | None = None

    _urls = field_validator("url", "events_url")(http_url)


class EventsSettings(Part):
    """The HMAC key of the events the cabinet sends to {PUBLIC_URL}/events. Unset with the
    embedded sandbox: a random key for this process."""

    model_config = SettingsConfigDict(env_prefix="EVENTS_")

    secret: SecretStr | None = None


class SandboxSettings(Part):
    """`cabinet-bot sandbox`: where it listens, and the address browsers reach it at (its pay
    pages; default http://SANDBOX_HOST:SANDBOX_PORT)."""

    model_config = SettingsConfigDict(env_prefix="SANDBOX_")

    host: str = "127.0.0.1"
    port: int = Field(default=8090, ge=1, le=65535)
    public_url: str | None = None

    _urls = field_validator("public_url")(http_url)


def require_sandbox_secrets(cabinet: CabinetSettings, events: EventsSettings) -> tuple[str, bytes]:
    """`cabinet-bot sandbox` runs apart from the bot: both must know the same secrets."""
    token, secret = cabinet.token, events.secret
    if token is None or not token.get_secret_value():
        raise ConfigError("CABINET_TOKEN: is required by the sandbox (the bot must use it too)")
    if secret is None or not secret.get_secret_value():
        raise ConfigError("EVENTS_SECRET: is required by the sandbox (it signs the events)")
    return token.get_secret_value(), secret.get_secret_value().encode()
