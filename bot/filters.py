"""Filters set at router level."""

from __future__ import annotations

from aiogram.filters import Filter
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession

from linking.consent import ConsentService
from storage.models import User


class HasConsent(Filter):
    """The user gave the current personal-data consent."""

    async def __call__(
        self, _: TelegramObject, session: AsyncSession, db_user: User | None = None
    ) -> bool:
        return db_user is not None and await ConsentService(session).has_current(db_user.id)
