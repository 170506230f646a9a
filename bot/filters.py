"""Filters set at router level."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject

from linking.consent import has_current_consent
from storage.profiles import Profile


class HasConsent(Filter):
    """The user gave the current personal-data consent."""

    async def __call__(self, _: TelegramObject, profile: Profile | None = None) -> bool:
        return has_current_consent(profile)
