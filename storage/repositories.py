"""Repositories: the only place that knows how rows are found and changed."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.accounts import Channel, account_of
from storage.models import (
    AuditRecord,
    Consent,
    ContactChange,
    Link,
    MarketingConsent,
    OutboxMessage,
    User,
    utcnow,
)


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

    async def delete(self, user_id: int) -> int:
        """Delete the user and, by cascade, their consents, feedback, renewal orders and
        contact changes; and the messages to their private chat in the outbox (queued or sent:
        it keeps their text). Returns how many messages."""
        messages = await self.session.execute(
            delete(OutboxMessage).where(OutboxMessage.chat_id == user_id)
        )
        await self.session.execute(delete(User).where(User.id == user_id))
        return int(getattr(messages, "rowcount", 0) or 0)

    async def set_active(self, user_id: int, *, active: bool) -> None:
        """Whether the user's private chat is open to the bot (False after a block)."""
        await self.session.execute(
            update(User).where(User.id == user_id).values(is_active=active, updated_at=utcnow())
        )

    async def set_locale(self, user_id: int, locale: str) -> None:
        await self.session.execute(
            update(User).where(User.id == user_id).values(locale=locale, updated_at=utcnow())
        )


class ConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, user_id: int) -> Consent | None:
        """The newest consent, in any version (a withdrawn one is deleted, see /revoke)."""
        result = await self.session.execute(
            select(Consent)
            .where(Consent.user_id == user_id)
            .order_by(Consent.accepted_at.desc(), Consent.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def accept(self, user_id: int, *, version: str, text_sha256: str, locale: str) -> Consent:
        consent = Consent(user_id=user_id, version=version, text_sha256=text_sha256, locale=locale)
        self.session.add(consent)
        await self.session.flush()
        return consent

    async def versions(self, user_id: int) -> list[str]:
        """Versions of every consent the user gave, oldest first."""
        result = await self.session.execute(
            select(Consent.version).where(Consent.user_id == user_id).order_by(Consent.id)
        )
        return list(result.scalars())


class MarketingConsentRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def current(self, user_id: int) -> MarketingConsent | None:
        """The consent to advertising in force, or None."""
        result = await self.session.execute(
            select(MarketingConsent)
            .where(MarketingConsent.user_id == user_id, MarketingConsent.withdrawn_at.is_(None))
            .order_by(MarketingConsent.given_at.desc(), MarketingConsent.id.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()


class AuditRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def record(self, action: str, *, actor_id: int | None, **details: Any) -> None:
        self.session.add(AuditRecord(action=action, actor_id=actor_id, details=details))
        await self.session.flush()

    async def anonymize(self, actor_id: int) -> int:
        """Detach a person from their audit records (the records stay, without them)."""
        result = await self.session.execute(
            update(AuditRecord).where(AuditRecord.actor_id == actor_id).values(actor_id=None)
        )
        return int(result.rowcount or 0)  # type: ignore[attr-defined]


class LinkRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_user(self, user_id: int) -> Link | None:
        return await self.session.get(Link, user_id)

    async def of_identity(self, provider: str, subject: str, channel: Channel) -> Link | None:
        """The identity's link in that messenger (it may have one in each)."""
        result = await self.session.execute(
            select(Link).where(
                Link.provider == provider, Link.subject == subject, Link.channel == channel.value
            )
        )
        return result.scalar_one_or_none()

    async def replace(self, link: Link) -> None:
        """Make `link` the account's only link and the identity's only link in the account's
        messenger (its link from another messenger stays)."""
        channel = account_of(link.user_id).channel
        await self.session.execute(
            delete(Link).where(
                (Link.user_id == link.user_id)
                | (
                    (Link.provider == link.provider)
                    & (Link.subject == link.subject)
                    & (Link.channel == channel.value)
                )
            )
        )
        self.session.add(link)
        await self.session.flush()

    async def delete(self, user_id: int) -> bool:
        result = await self.session.execute(delete(Link).where(Link.user_id == user_id))
        return bool(result.rowcount)  # type: ignore[attr-defined]


class ContactChangeRepository:
    """The phone and e-mail changes chats started (`ContactChange`)."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def started(self, *, change_id: str, user_id: int, customer_id: str, kind: str) -> None:
        """This chat started the change (a retry of the same start is the same row)."""
        await self.session.merge(
            ContactChange(change_id=change_id, user_id=user_id, customer_id=customer_id, kind=kind)
        )

    async def chats_of(self, change_id: str, customer_id: str) -> set[int]:
        """The chat that started this change of this customer (none: it was made elsewhere)."""
        found = await self.session.scalars(
            select(ContactChange.user_id).where(
                ContactChange.change_id == change_id, ContactChange.customer_id == customer_id
            )
        )
        return set(found)
