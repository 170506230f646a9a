"""Translations: Fluent catalogues in `locales/`, the per-user locale stored in the database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from aiogram_i18n import I18nMiddleware
from aiogram_i18n.cores import FluentRuntimeCore
from aiogram_i18n.managers import BaseManager

from bot.config import Locale

if TYPE_CHECKING:
    from aiogram.types import User as TelegramUser

    from storage.models import User

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
SUPPORTED = tuple(locale.value for locale in Locale)


def locale_for(language_code: str | None, default: str) -> str:
    """The first locale of a new user: Telegram's language if we speak it, the default otherwise."""
    if language_code:
        code = language_code.split("-")[0].lower()
        if code in SUPPORTED:
            return code
    return default


class UserLocaleManager(BaseManager):
    """The locale lives on the user's database row, loaded by the database middleware."""

    async def get_locale(
        self,
        db_user: User | None = None,
        event_from_user: TelegramUser | None = None,
    ) -> str:
        if db_user is not None:
            return db_user.locale
        language_code = event_from_user.language_code if event_from_user else None
        return locale_for(language_code, str(self.default_locale))

    async def set_locale(self, locale: str, db_user: User | None = None) -> None:
        if db_user is not None:
            db_user.locale = locale


def create_core(default_locale: str) -> FluentRuntimeCore:
    return FluentRuntimeCore(path=LOCALES_DIR / "{locale}", default_locale=default_locale)


def create_i18n_middleware(default_locale: str) -> I18nMiddleware:
    return I18nMiddleware(
        core=create_core(default_locale),
        manager=UserLocaleManager(default_locale=default_locale),
        default_locale=default_locale,
    )
