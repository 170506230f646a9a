"""Consent to advertising (38-ФЗ ст. 18): separate from the personal-data consent, optional,
never a condition of anything, withdrawable at any time in Настройки.

It opens «🎁 Предложения для вас» (the cabinet's recommendations, shown only when the person
opens the section) and lets the staff's marketing broadcasts reach them. What is stored is the
version, the SHA-256 of the exact text the person saw, its language, when it was given and
when withdrawn; `User.marketing` says whether one is in force.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import MarketingConsent, User, utcnow
from storage.repositories import AuditRepository, MarketingConsentRepository

#: Bump when the text changes in substance (a consent given before stays in force as given).
MARKETING_VERSION = "2026-12-01"


class MarketingConsents:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def give(self, user: User, *, text_sha256: str, locale: str) -> MarketingConsent:
        """Given (again: a consent in force is kept as it is)."""
        consent = await MarketingConsentRepository(self.session).current(user.id)
        if consent is None:
            consent = MarketingConsent(
                user_id=user.id, version=MARKETING_VERSION, text_sha256=text_sha256, locale=locale
            )
            self.session.add(consent)
            await AuditRepository(self.session).record(
                "marketing.given", actor_id=user.id, version=MARKETING_VERSION
            )
        user.marketing = True
        user.updated_at = utcnow()
        await self.session.flush()
        return consent

    async def withdraw(self, user: User) -> None:
        now = utcnow()
        await self.session.execute(
            update(MarketingConsent)
            .where(MarketingConsent.user_id == user.id, MarketingConsent.withdrawn_at.is_(None))
            .values(withdrawn_at=now)
        )
        if user.marketing:
            await AuditRepository(self.session).record("marketing.withdrawn", actor_id=user.id)
        user.marketing = False
        user.updated_at = now
        await self.session.flush()
