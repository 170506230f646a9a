"""Where state lives: the database (DATABASE_URL) and Redis (REDIS_URL)."""

from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import SettingsConfigDict

from bot.config.parts import Part


class DatabaseSettings(Part):
    """SQLite by default (one process), PostgreSQL in production. repr=False: the URL may
    carry a password."""

    model_config = SettingsConfigDict(env_prefix="DATABASE_")

    url: str = Field(default="sqlite+aiosqlite:///var/cabinet-bot.db", repr=False)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("must start with sqlite+aiosqlite:// or postgresql+asyncpg://")
        return value


class RedisSettings(Part):
    """Unset: an in-process Redis (one process only). repr=False: it may carry a password."""

    model_config = SettingsConfigDict(env_prefix="REDIS_")

    url: str | None = Field(default=None, repr=False)

    @field_validator("url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("redis://", "rediss://", "unix://")):
            raise ValueError("must start with redis://, rediss:// or unix://")
        return value or None
