"""Binding a chat to a verified person, moving the link, unlinking: rows and audit records."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from storage.accounts import account_of
from storage.models import Link
from storage.repositories import AuditRepository, LinkRepository


@dataclass(frozen=True)
class Binding:
    display_name: str
    customer_id: str
    moved_from: int | None  # the account (same messenger) whose link this identity had, if any
    replaced_customer_id: str | None  # the customer this chat was linked to before, if any


class LinkService:
    def __init__(self, session: AsyncSession) -> None:
        self.links = LinkRepository(session)
        self.audit = AuditRepository(session)

    async def bind(
        self,
        user_id: int,
        *,
        provider: str,
        subject: str,
        customer_id: str,
        level: str,
        display_name: str,
    ) -> Binding:
        previous = await self.links.of_identity(provider, subject, account_of(user_id).channel)
        moved_from = previous.user_id if previous and previous.user_id != user_id else None
        own = await self.links.of_user(user_id)
        if own is not None and (own.provider, own.subject) != (provider, subject):
            await self.audit.record("link.replaced", actor_id=user_id, provider=own.provider)
        await self.links.replace(
            Link(
                user_id=user_id,
                provider=provider,
                subject=subject,
                customer_id=customer_id,
                level=level,
                display_name=display_name,
            )
        )
        await self.audit.record(
            "link.bound", actor_id=user_id, provider=provider, moved=moved_from is not None
        )
        if moved_from is not None:
            await self.audit.record("link.moved_away", actor_id=moved_from, provider=provider)
        return Binding(
            display_name, customer_id, moved_from, own.customer_id if own is not None else None
        )

    async def refuse(self, user_id: int, *, reason: str) -> None:
        """A return link used by someone else than who started the flow, or in a group."""
        await self.audit.record("link.refused", actor_id=user_id, reason=reason)

    async def unlink(self, user_id: int) -> str | None:
        """The customer id the chat was linked to (its cached data must go too), or None."""
        link = await self.links.of_user(user_id)
        if link is None:
            return None
        await self.links.delete(user_id)
        await self.audit.record("link.unlinked", actor_id=user_id, provider=link.provider)
        return link.customer_id
