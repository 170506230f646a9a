"""Filters set at router level."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from linking.consent import is_current
from storage.profiles import Profile


class HasConsent(Filter):
    """The user gave the current personal-data consent."""

    async def __call__(self, _: TelegramObject, profile: Profile | None = None) -> bool:
        return profile is not None and is_current(profile.consent_version)
