"""Consent to personal-data processing (152-ФЗ): separate, versioned, provable, withdrawable.

The text lives in the locale catalogues (`consent-text`); what is stored is the version, the
SHA-256 of the exact text the user saw, its language and the time.
"""

from __future__ import annotations

import hashlib

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Consent
from storage.repositories import AuditRepository, ConsentRepository

#: Bump when the consent text changes in substance: every user is asked again.
CONSENT_VERSION = "2026-11-01"


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ConsentService:
    def __init__(self, session: AsyncSession) -> None:
        self.consents = ConsentRepository(session)
        self.audit = AuditRepository(session)

    async def has_current(self, user_id: int) -> bool:
        consent = await self.consents.current(user_id)
        return consent is not None and consent.version == CONSENT_VERSION

    async def accept(self, user_id: int, *, text: str, locale: str) -> Consent:
        consent = await self.consents.accept(
            user_id, version=CONSENT_VERSION, text_sha256=text_sha256(text), locale=locale
        )
        await self.audit.record("consent.accepted", actor_id=user_id, version=CONSENT_VERSION)
        return consent

    async def decline(self, user_id: int) -> None:
        await self.audit.record("consent.declined", actor_id=user_id, version=CONSENT_VERSION)
