"""What the bot itself keeps about a person (152-ФЗ ст. 14: they may ask), read in one place
for «Мои данные». Whatever a feature stores about a user must be counted here too."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import (
    AuditRecord,
    Base,
    Consent,
    ContactChange,
    Feedback,
    Link,
    MarketingConsent,
    OutboxMessage,
    RenewalOrder,
    User,
)
from storage.repositories import ConsentRepository, LinkRepository, MarketingConsentRepository


@dataclass(frozen=True)
class Kept:
    user: User
    link: Link | None
    consent: Consent | None  # to personal-data processing, the newest
    marketing: MarketingConsent | None  # to advertising, in force
    queued: int  # messages to their chat waiting to be sent
    sent: int  # messages to their chat sent or given up (the outbox keeps their text)
    questions: int  # to support
    reviews: int
    renewals: int  # renewals confirmed in the chat (waiting for payment or paid)
    contact_changes: int  # phone or e-mail changes started in the chat (ids and kinds only)
    audit: int  # activity log records naming them (no personal data in them)


async def _count(session: AsyncSession, model: type[Base], *where: ColumnElement[bool]) -> int:
    query = select(func.count()).select_from(model).where(*where)
    return int((await session.execute(query)).scalar_one())


async def kept_about(session: AsyncSession, user: User) -> Kept:
    mine = OutboxMessage.chat_id == user.id
    pending = OutboxMessage.status == "pending"
    return Kept(
        user=user,
        link=await LinkRepository(session).of_user(user.id),
        consent=await ConsentRepository(session).current(user.id),
        marketing=await MarketingConsentRepository(session).current(user.id),
        queued=await _count(session, OutboxMessage, mine, pending),
        sent=await _count(session, OutboxMessage, mine, ~pending),
        questions=await _count(
            session, Feedback, Feedback.user_id == user.id, Feedback.kind == "question"
        ),
        reviews=await _count(
            session, Feedback, Feedback.user_id == user.id, Feedback.kind == "review"
        ),
        renewals=await _count(session, RenewalOrder, RenewalOrder.user_id == user.id),
        contact_changes=await _count(session, ContactChange, ContactChange.user_id == user.id),
        audit=await _count(session, AuditRecord, AuditRecord.actor_id == user.id),
    )
