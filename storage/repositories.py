"""Repositories: the only place that knows how rows are found and changed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AuditRecord, Consent, User, utcnow


class UserRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def get(self, user_id: int) -> User | None:
        return await self.session.get(User, user_id)

    async def get_or_create(self, user_id: int, *, locale: str, time_zone: str) -> User:
        user = await self.get(user_id)
        if user is None:
            user = User(id=user_id, locale=locale, time_zone=time_zone, is_active=True)
            self.session.add(user)
            await self.session.flush()
        return user

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(locale=locale, updated_at=utcnow())
        )


class ConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, user_id: int) -> Consent | None:
        """The newest consent that was not withdrawn, in any version."""
        result = await self.session.execute(
            select(Consent)
            .where(Consent.user_id == user_id, Consent.withdrawn_at.is_(None))
            .order_by(Consent.accepted_at.desc(), Consent.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def accept(self, user_id: int, *, version: str, text_sha256: str, locale: str) -> Consent:
        consent = Consent(user_id=user_id, version=version, text_sha256=text_sha256, locale=locale)
        self.session.add(consent)
        await self.session.flush()
        return consent

    async def withdraw_all(self, user_id: int, at: datetime | None = None) -> int:
        result = await self.session.execute(
            update(Consent)
            .where(Consent.user_id == user_id, Consent.withdrawn_at.is_(None))
            .values(withdrawn_at=at or utcnow())
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, action: str, *, actor_id: int | None, **details: Any) -> None:
        self.session.add(AuditRecord(action=action, actor_id=actor_id, details=details))
        await self.session.flush()

    async def for_actor(self, actor_id: int) -> list[AuditRecord]:
        result = await self.session.execute(
            select(AuditRecord).where(AuditRecord.actor_id == actor_id).order_by(AuditRecord.id)
        )
        return list(result.scalars())
