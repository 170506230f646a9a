"""The messengers the bot runs in: Telegram (TELEGRAM_*) and Max (MAX_*)."""

from __future__ import annotations

import re

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import SettingsConfigDict

from bot.config.parts import ConfigError, Part, existing_file, http_url


def _webhook(
    messenger: str, url: str | None, secret: SecretStr | None, length: str, when: str = ""
) -> tuple[str, str]:
    """`cabinet-bot web`: where the messenger POSTs updates and the secret it sends back."""
    prefix, by = messenger.upper(), f"is required by `cabinet-bot web`{when}"
    if not url:
        raise ConfigError(
            f"{prefix}_WEBHOOK_URL: {by} (the public https URL {messenger} sends updates to)"
        )
    if secret is None:
        raise ConfigError(
            f"{prefix}_WEBHOOK_SECRET: {by} ({length} characters of A-Z, a-z, 0-9, _ and -)"
        )
    return url, secret.get_secret_value()


def _secret(value: SecretStr | None, pattern: str, rule: str) -> SecretStr | None:
    if value is not None and not re.fullmatch(pattern, value.get_secret_value()):
        raise ValueError(f"must be {rule} characters of A-Z, a-z, 0-9, _ and -")
    return value


class TelegramSettings(Part):
    """The bot's token, another Bot API server if any, the webhook of `cabinet-bot web` (where
    Telegram POSTs updates, the replicas listening on its path, and the secret it sends back in
    X-Telegram-Bot-Api-Secret-Token), and the delivery engine's budget there: messages a second
    shared by every process (at most 1/s per chat), paid broadcasts (allow_paid_broadcast) at
    their own rate."""

    model_config = SettingsConfigDict(env_prefix="TELEGRAM_")

    bot_token: SecretStr | None = None
    api_url: str | None = None
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_max_connections: int = Field(default=40, ge=1, le=100)
    rate_limit: float = Field(default=30.0, gt=0)
    paid_broadcast: bool = False
    paid_rate: float = Field(default=1000.0, gt=0)

    _urls = field_validator("api_url", "webhook_url")(http_url)

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return _secret(value, r"[A-Za-z0-9_-]{16,256}", "16-256")

    def require_webhook(self) -> tuple[str, str]:
        return _webhook("Telegram", self.webhook_url, self.webhook_secret, "16-256")

    def require_token(self) -> SecretStr:
        if self.bot_token is None or not self.bot_token.get_secret_value():
            raise ConfigError("TELEGRAM_BOT_TOKEN: is required (the token from @BotFather)")
        head, _, tail = self.bot_token.get_secret_value().partition(":")
        if not head.isdigit() or not tail:
            raise ConfigError("TELEGRAM_BOT_TOKEN: must look like 123456:ABC-DEF (from @BotFather)")
        return self.bot_token


class MaxSettings(Part):
    """Max (VK's messenger), next to Telegram on the same core: the bot's token from
    business.max.ru, the Bot API's address (the public one unless set, as TELEGRAM_API_URL),
    where Max POSTs updates and the secret it sends back (X-Max-Bot-Api-Secret), and the CA
    bundle the Max API's certificate chains to (used by the Max client only, never
    system-wide; unset: the system's)."""

    model_config = SettingsConfigDict(env_prefix="MAX_")

    bot_token: SecretStr | None = None
    api_url: str = "https://platform-api.max.ru"
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    ca_bundle: str | None = None
    # Of Max's 30 requests a second per bot, what the outbox may take (replies take theirs
    # from the same budget first), shared by every process.
    rate_limit: float = Field(default=20.0, gt=0, le=30)

    _urls = field_validator("api_url", "webhook_url")(http_url)

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        return _secret(value, r"[A-Za-z0-9_-]{5,256}", "5-256")

    def require_webhook(self) -> tuple[str, str]:
        return _webhook(
            "Max", self.webhook_url, self.webhook_secret, "5-256", " with MAX_BOT_TOKEN"
        )

    @field_validator("ca_bundle")
    @classmethod
    def _ca_bundle(cls, value: str | None) -> str | None:
        return existing_file(value, "a PEM bundle of CA certificates")
