"""What every part of the settings shares: plain upper-case environment variables (and an
optional `.env` file), an empty value meaning "not set", unknown variables ignored, and the
checks more than one part makes."""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class ConfigError(Exception):
    """A setting is missing or malformed; the message names the variable."""


class Part(BaseSettings):
    """One concern's settings: its variables are `{PREFIX}{FIELD}` (the field upper-cased)."""

    model_config = SettingsConfigDict(
        env_file=".env",
        env_file_encoding="utf-8",
        case_sensitive=False,
        extra="ignore",
        env_ignore_empty=True,  # `SUPPORT_CHAT_ID=` means "not set"
    )
    #: Why a field is missing, said after "NAME: is required" (a part whose fields are
    #: required only in some deployments, like the identity provider's).
    required_because: ClassVar[str] = ""

    @classmethod
    def prefix(cls) -> str:
        return str(cls.model_config.get("env_prefix", "")).upper()

    @classmethod
    def variable(cls, field: str) -> str:
        """The environment variable of a field."""
        return f"{cls.prefix()}{field}".upper()

    def secret_values(self) -> list[str]:
        values = (getattr(self, name) for name in type(self).model_fields)
        return [v.get_secret_value() for v in values if isinstance(v, SecretStr)]


def http_url(value: str | None) -> str | None:
    """An http(s) URL without its trailing slash."""
    if value is None:
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError("must start with http:// or https://")
    return value.rstrip("/")


def existing_file(value: str | None, what: str) -> str | None:
    if value is not None and not Path(value).is_file():
        raise ValueError(f"{value!r} is not a file ({what})")
    return value


def split_csv(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    return value
