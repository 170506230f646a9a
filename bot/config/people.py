"""The people around the bot (ADMIN_*, SUPPORT_*), how conversations go (DEFAULT_*,
PRIVACY_MODE, FLOOD_RATE, FSM_TTL_SECONDS) and the logs (LOG_*)."""

from __future__ import annotations

import enum
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from bot.config.parts import Part, split_csv
from storage.accounts import Channel, max_group


class PrivacyMode(enum.StrEnum):
    FULL = "full"
    STRICT = "strict"


class LogFormat(enum.StrEnum):
    JSON = "json"
    CONSOLE = "console"


class Locale(enum.StrEnum):
    RU = "ru"
    EN = "en"


class StaffSettings(Part):
    """Staff who may use admin commands (/broadcast), the broadcasts API's bearer token at
    {PUBLIC_URL}/admin (unset: no such API), the staff chat where support works (a Telegram
    group, or a Max group chat with SUPPORT_CHAT_MESSENGER=max), and what /help names."""

    admin_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    admin_api_token: SecretStr | None = None
    support_chat_id: int | None = None
    support_chat_messenger: Channel = Channel.TELEGRAM
    support_contacts: str = "support@example.com"

    @property
    def chat_key(self) -> int | None:
        """The staff chat as the bot's handlers see it: a Telegram group's id, or the number
        of a Max group chat (`storage.accounts.max_group`)."""
        if self.support_chat_id is None or self.support_chat_messenger is Channel.TELEGRAM:
            return self.support_chat_id
        return max_group(self.support_chat_id)

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _csv(cls, value: object) -> object:
        return split_csv(value)


class ChatSettings(Part):
    """The language and time zone of people the bot knows nothing of yet, whether personal data
    shows in the chat (`strict`: neutral texts, details behind one-time pages), updates a
    second one person may send, and how long a conversation's state lasts in Redis."""

    default_locale: Locale = Locale.RU
    default_time_zone: str = "Europe/Moscow"
    privacy_mode: PrivacyMode = PrivacyMode.FULL
    flood_rate: int = Field(default=5, ge=1, description="updates per second per user")
    fsm_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)

    @field_validator("default_time_zone")
    @classmethod
    def _time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must be an IANA time zone such as Europe/Moscow") from None
        return value


class LogSettings(Part):
    model_config = SettingsConfigDict(env_prefix="LOG_")

    format: LogFormat = LogFormat.CONSOLE
    level: str = "INFO"

    @field_validator("level")
    @classmethod
    def _level(cls, value: str) -> str:
        value = value.upper()
        if value not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be DEBUG, INFO, WARNING or ERROR")
        return value
