"""Filters set at router level."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from bot.config import Settings
from linking.consent import has_current_consent
from storage.profiles import Profile


class HasConsent(Filter):
    """The user gave the current personal-data consent."""

    async def __call__(self, _: TelegramObject, profile: Profile | None = None) -> bool:
        return has_current_consent(profile)


class IsAdmin(Filter):
    """The user is in ADMIN_IDS."""

    async def __call__(
        self, _: TelegramObject, settings: Settings, event_from_user: TelegramUser | None = None
    ) -> bool:
        return event_from_user is not None and event_from_user.id in settings.staff.admin_ids
