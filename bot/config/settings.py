"""Settings: plain upper-case environment variables (and an optional `.env` file), one class
per concern (`bot/config/*.py`), gathered here.

Every variable is documented in `.env.example` and the README. No secret has a default;
secrets are `SecretStr`, so they never show up in a repr or a log line. `load_settings` reads
them all and turns any mistake into one line that names the variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ValidationError

from bot.config.cabinet import CabinetSettings, EventsSettings, SandboxSettings
from bot.config.delivery import DeliverySettings
from bot.config.identity import PROVIDERS, IdentityProvider, IdpChoice, SandboxIdp
from bot.config.messengers import MaxSettings, TelegramSettings
from bot.config.parts import ConfigError, Part
from bot.config.people import ChatSettings, LogSettings, StaffSettings
from bot.config.storage import DatabaseSettings, RedisSettings
from bot.config.web import WebSettings
from storage.accounts import Channel

#: Where `cabinet-bot sandbox` serves its cabinet: a CABINET_URL ending so is a sandbox.
SANDBOX_CABINET_PATH = "/sandbox/cabinet"
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


class Settings(BaseModel):
    """The deployment's settings, by concern."""

    telegram: TelegramSettings
    max: MaxSettings
    web: WebSettings
    database: DatabaseSettings
    redis: RedisSettings
    cabinet: CabinetSettings
    events: EventsSettings
    sandbox: SandboxSettings
    idp: IdentityProvider
    delivery: DeliverySettings
    staff: StaffSettings
    chat: ChatSettings
    log: LogSettings

    def secret_values(self) -> list[str]:
        """Every secret this deployment holds, for the log redactor to remove literally."""
        parts = (getattr(self, name) for name in type(self).model_fields)
        return [value for part in parts for value in part.secret_values()]

    @property
    def max_alone(self) -> bool:
        """The bot is in Max only (MAX_BOT_TOKEN without TELEGRAM_BOT_TOKEN)."""
        return self.telegram.bot_token is None and self.max.bot_token is not None

    def require_messenger(self) -> None:
        """`run` and `worker`: a bot in at least one messenger (Telegram unless only
        MAX_BOT_TOKEN is set); a Telegram token, when given, shaped as @BotFather's."""
        if not self.max_alone:
            self.telegram.require_token()
        staff = self.staff.support_chat_messenger
        in_max = staff is Channel.MAX
        if self.staff.support_chat_id is not None and (
            self.max.bot_token is None if in_max else self.telegram.bot_token is None
        ):
            token = "MAX_BOT_TOKEN" if in_max else "TELEGRAM_BOT_TOKEN"
            raise ConfigError(
                f"SUPPORT_CHAT_ID: the staff chat is in {staff.value.capitalize()} "
                f"(SUPPORT_CHAT_MESSENGER={staff.value}), so it needs {token}"
            )

    def require_web(self) -> None:
        """`cabinet-bot web` runs as one of several replicas: each messenger's webhook and
        everything the replicas must share are configured, not made up per process."""
        if self.telegram.bot_token is not None:
            self.telegram.require_webhook()
        if self.max.bot_token is not None:
            self.max.require_webhook()
        shared = (
            ("CABINET_URL", self.cabinet.url,
             "replicas share one cabinet; to try it, run `cabinet-bot sandbox`"),
            ("CABINET_TOKEN", self.cabinet.token, "the cabinet's bearer token"),
            ("EVENTS_SECRET", self.events.secret,
             "every replica checks the cabinet's events with the same key"),
        )  # fmt: skip
        for name, value, why in shared:
            if not value:
                raise ConfigError(f"{name}: is required by `cabinet-bot web` ({why})")
        if isinstance(self.idp, SandboxIdp) and not self.idp.url:
            raise ConfigError(
                "ESIA_URL: is required by `cabinet-bot web` with IDP=sandbox (the sandbox ESIA "
                "of `cabinet-bot sandbox`, e.g. http://127.0.0.1:8090/sandbox/esia)"
            )


#: The concerns, by their field in `Settings` (the identity provider's class is the one IDP
#: names, see `load_settings`).
_PARTS: dict[str, type[Part]] = {
    "telegram": TelegramSettings,
    "max": MaxSettings,
    "web": WebSettings,
    "database": DatabaseSettings,
    "redis": RedisSettings,
    "cabinet": CabinetSettings,
    "events": EventsSettings,
    "sandbox": SandboxSettings,
    "delivery": DeliverySettings,
    "staff": StaffSettings,
    "chat": ChatSettings,
    "log": LogSettings,
}


def load_settings(_env_file: Path | str | None = ".env", **overrides: Any) -> Settings:
    """Read the settings, turning pydantic's report into one line that names the variable.
    `overrides` name variables in lower case (`telegram_bot_token=...`), as tests and
    benchmarks give them; each goes to its concern."""
    overrides = dict(overrides)
    try:
        choice = _build(IdpChoice, _env_file, overrides)
        assert isinstance(choice, IdpChoice)
        chosen = {**_PARTS, "idp": PROVIDERS[choice.idp]}
        parts = {name: _build(part, _env_file, overrides) for name, part in chosen.items()}
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f".env: cannot be read ({type(exc).__name__})") from None
    if overrides:
        raise TypeError(f"no such settings: {', '.join(sorted(overrides))}")
    settings = Settings(**parts)
    if settings.cabinet.url and not settings.cabinet.token:
        raise ConfigError("CABINET_TOKEN: is required when CABINET_URL is set")
    if isinstance(settings.idp, SandboxIdp):
        _refuse_sandbox_sign_in_to_a_real_cabinet(settings.cabinet)
    return settings


def _build(part: type[Part], env_file: Path | str | None, overrides: dict[str, Any]) -> Part:
    """The part, from the environment and the overrides that are its own (taken out of
    `overrides`); a mistake as one line naming the variable."""
    variables = {field: part.variable(field).lower() for field in part.model_fields}
    own = {field: overrides.pop(name) for field, name in variables.items() if name in overrides}
    try:
        return part(_env_file=env_file, **own)
    except ValidationError as exc:
        error = exc.errors()[0]
        field = str(error["loc"][0]) if error["loc"] else ""
        name = part.variable(field) if field in part.model_fields else "settings"
        if error["type"] == "missing" and part.required_because:
            raise ConfigError(f"{name}: is required {part.required_because}") from None
        message = error["msg"].removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None


def _refuse_sandbox_sign_in_to_a_real_cabinet(cabinet: CabinetSettings) -> None:
    """The sandbox ESIA lets anyone pick a test citizen: never in front of a real cabinet."""
    url = urlsplit(cabinet.url) if cabinet.url else None
    if (
        url is not None
        and url.hostname not in _LOOPBACK
        and not url.path.rstrip("/").endswith(SANDBOX_CABINET_PATH)
    ):
        raise ConfigError(
            "IDP: the sandbox's test citizens cannot sign in to a real cabinet (CABINET_URL is "
            "set); set IDP=esia or IDP=oidc"
        )
