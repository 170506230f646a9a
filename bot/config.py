"""Settings: plain upper-case environment variables (and an optional `.env` file).

Every variable is documented in `.env.example` and the README. No secret has a default;
secrets are `SecretStr`, so they never show up in a repr or a log line.
"""

from __future__ import annotations

import enum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class PrivacyMode(enum.StrEnum):
    FULL = "full"
    STRICT = "strict"


class LogFormat(enum.StrEnum):
    JSON = "json"
    CONSOLE = "console"


class Locale(enum.StrEnum):
    RU = "ru"
    EN = "en"


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

    public_url: str = "http://127.0.0.1:8080"
    web_host: str = "127.0.0.1"
    web_port: int = Field(default=8080, ge=0, le=65535)

    # repr=False: the URLs may carry passwords.
    database_url: str = Field(default="sqlite+aiosqlite:///var/cabinet-bot.db", repr=False)
    redis_url: str | None = Field(default=None, repr=False)

    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    support_chat_id: int | None = None
    support_contacts: str = "support@example.com"

    default_locale: Locale = Locale.RU
    default_time_zone: str = "Europe/Moscow"
    privacy_mode: PrivacyMode = PrivacyMode.FULL
    log_format: LogFormat = LogFormat.CONSOLE
    log_level: str = "INFO"

    flood_rate: int = Field(default=5, ge=1, description="updates per second per user")
    fsm_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _admin_ids(cls, value: object) -> object:
        return _split_csv(value)

    @field_validator("public_url", "telegram_api_url")
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
        return Settings(**overrides)  # type: ignore[arg-type]
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f".env: cannot be read ({type(exc).__name__})") from None
    except ValidationError as exc:
        error = exc.errors()[0]
        name = str(error["loc"][0]).upper() if error["loc"] else "settings"
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
