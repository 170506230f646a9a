"""Consent to personal-data processing (152-ФЗ): separate, versioned, provable, withdrawable.

The text lives in the locale catalogues (`consent-text`); what is stored is the version, the
SHA-256 of the exact text the user saw, its language and the time.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Consent
from storage.profiles import Profile
from storage.repositories import AuditRepository, ConsentRepository, UserRepository

#: Bump when the consent text changes in substance: every user is asked again.
CONSENT_VERSION = "2026-11-01"


@dataclass(frozen=True)
class Withdrawal:
    """What `/revoke` deleted."""

    consents: int
    messages: int
    audit_records_anonymized: int


def has_current_consent(profile: Profile | None) -> bool:
    """Whether the user (None: not known) gave today's version of the consent."""
    return profile is not None and profile.consent_version == CONSENT_VERSION


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ConsentService:
    def __init__(self, session: AsyncSession) -> None:
        self.users = UserRepository(session)
        self.consents = ConsentRepository(session)
        self.audit = AuditRepository(session)

    async def accept(self, user_id: int, *, text_hash: str, locale: str) -> Consent:
        consent = await self.consents.accept(
            user_id, version=CONSENT_VERSION, text_sha256=text_hash, locale=locale
        )
        await self.audit.record("consent.accepted", actor_id=user_id, version=CONSENT_VERSION)
        return consent

    async def decline(self, user_id: int) -> None:
        await self.audit.record("consent.declined", actor_id=user_id, version=CONSENT_VERSION)

    async def withdraw(self, user_id: int) -> Withdrawal:
        """Withdraw consent and delete what the bot keeps about the person.

        Deleted: the user's row (language, time zone), their consent records, and the bot's
        messages to them in the outbox. Kept: audit records, detached from the person, and one
        record that a consent was withdrawn.
        """
        versions = await self.consents.versions(user_id)
        messages = await self.users.delete(user_id)
        anonymized = await self.audit.anonymize(user_id)
        await self.audit.record("consent.withdrawn", actor_id=None, versions=versions)
        return Withdrawal(
            consents=len(versions), messages=messages, audit_records_anonymized=anonymized
        )
