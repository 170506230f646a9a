"""Translations: Fluent catalogues in `locales/`, the per-user locale stored in the database."""

from __future__ import annotations

import datetime as dt
import functools
import re
from contextvars import ContextVar
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aiogram_i18n import I18nMiddleware
from aiogram_i18n.cores import FluentRuntimeCore
from aiogram_i18n.managers import BaseManager
from fluent.runtime import FluentBundle
from fluent.runtime.types import fluent_date

from bot.config import Locale
from storage.repositories import UserRepository

if TYPE_CHECKING:
    from aiogram.types import User as TelegramUser
    from sqlalchemy.ext.asyncio import AsyncSession

    from storage.profiles import Profile, ProfileStore

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
#: The messenger of the update being handled, as the texts name it (`$messenger`, unless a
#: text is given its own): set by `bot.middlewares.messenger`; "unknown" outside an update.
MESSENGER: ContextVar[str] = ContextVar("messenger", default="unknown")
SUPPORTED = tuple(locale.value for locale in Locale)


def locale_for(language_code: str | None, default: str) -> str:
    """The first locale of a new user: Telegram's language if we speak it, the default otherwise."""
    if language_code:
        code = language_code.split("-")[0].lower()
        if code in SUPPORTED:
            return code
    return default


class UserLocaleManager(BaseManager):
    """The locale lives on the user's row; every update reads it from the cached profile."""

    async def get_locale(
        self,
        profile: Profile | None = None,
        event_from_user: TelegramUser | None = None,
    ) -> str:
        if profile is not None:
            return profile.locale
        language_code = event_from_user.language_code if event_from_user else None
        return locale_for(language_code, str(self.default_locale))

    async def set_locale(
        self, locale: str, profile: Profile, session: AsyncSession, profiles: ProfileStore
    ) -> None:
        await UserRepository(session).set_locale(profile.user_id, locale)
        await session.commit()
        await profiles.refresh(profile.user_id, locale=locale)


@functools.cache
def _catalogues() -> dict[str, FluentBundle]:
    return FluentRuntimeCore(path=LOCALES_DIR / "{locale}").find_locales()


#: fluent.runtime refuses a string placeable longer than this (a guard against a hostile
#: catalogue). Our variables are user text (a feedback, a staff answer, a list of documents from
#: the cabinet), HTML-escaped, so they may be longer; `get` inserts them after formatting.
_PLACEABLE_LIMIT = 2500
_MARKER = "\ue000{}\ue001"  # private-use characters: never in a catalogue
_MARKERS = re.compile("\ue000(\\d+)\ue001")
_MARKER_CHARS = str.maketrans("", "", "\ue000\ue001")


#: One way to write a day per locale, everywhere (screens, alerts, documents, web pages):
#: Russian «04.12.2026», English "Dec 4, 2026" (a short "12/4/26" reads differently in
#: Britain and America). A moment is the day and the time: «04.12.2026, 15:30», "Dec 4,
#: 2026, 3:30 PM" — in the time zone of the datetime given, so a flow converts it to the
#: person's zone first. Catalogues write a date bare (`{ $on }`); Fluent's own DATETIME
#: formats it with these options.
DATE_STYLES = {"ru": "short", "en": "medium"}


def _dated(value: Any, locale: str) -> Any:
    """A date or a datetime as Fluent's DATETIME with the locale's one style."""
    if isinstance(value, dt.datetime):
        return fluent_date(value, dateStyle=DATE_STYLES[locale], timeStyle="short")
    if isinstance(value, dt.date):
        return fluent_date(value, dateStyle=DATE_STYLES[locale])
    return value


class _SharedCatalogues(FluentRuntimeCore):
    """The catalogues are parsed and compiled once per process (about 0.4 s): the dispatcher,
    the web server and a worker of one process share them, read-only. Dates take the locale's
    one style (`DATE_STYLES`); long string variables are inserted after formatting (see
    `_PLACEABLE_LIMIT`); `$messenger` is the update's (`MESSENGER`) unless given: the one
    place every flow's text goes through."""

    def find_locales(self) -> dict[str, FluentBundle]:
        return dict(_catalogues())

    def get(self, message_id: str, locale: str | None = None, /, **kwargs: Any) -> str:
        kwargs.setdefault("messenger", MESSENGER.get())
        style = locale if locale in DATE_STYLES else self.default_locale
        kwargs = {name: _dated(value, str(style)) for name, value in kwargs.items()}
        long = [
            name
            for name, value in kwargs.items()
            if isinstance(value, str) and len(value) >= _PLACEABLE_LIMIT
        ]
        if not long:
            return super().get(message_id, locale, **kwargs)
        # A value cannot bring a marker of its own: the characters are taken out of every one.
        values = {
            name: value.translate(_MARKER_CHARS) if isinstance(value, str) else value
            for name, value in kwargs.items()
        }
        markers = {name: _MARKER.format(n) for n, name in enumerate(long)}
        text = super().get(message_id, locale, **{**values, **markers})
        return _MARKERS.sub(lambda found: str(values[long[int(found[1])]]), text)


def create_core(default_locale: str) -> FluentRuntimeCore:
    return _SharedCatalogues(path=LOCALES_DIR / "{locale}", default_locale=default_locale)


def create_i18n_middleware(default_locale: str) -> I18nMiddleware:
    return I18nMiddleware(
        core=create_core(default_locale),
        manager=UserLocaleManager(default_locale=default_locale),
        default_locale=default_locale,
    )
