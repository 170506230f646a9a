"""The deployment's settings, one class per concern; see `bot/config/settings.py`."""

from bot.config.identity import EsiaIdp, IdpKind, OidcIdp, SandboxIdp, TokenAuthMethod
from bot.config.parts import ConfigError
from bot.config.people import Locale, LogFormat, PrivacyMode
from bot.config.settings import SANDBOX_CABINET_PATH, Settings, load_settings

__all__ = [
    "SANDBOX_CABINET_PATH",
    "ConfigError",
    "EsiaIdp",
    "IdpKind",
    "Locale",
    "LogFormat",
    "OidcIdp",
    "PrivacyMode",
    "SandboxIdp",
    "Settings",
    "TokenAuthMethod",
    "load_settings",
]
