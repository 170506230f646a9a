"""Feedback rows: a number, its author and where it was posted in the staff chat.

The text itself is not kept here: it lives in the cabinet and in the staff chat's post.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Feedback, utcnow


class FeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_number(self, number: str) -> Feedback | None:
        result = await self.session.execute(select(Feedback).where(Feedback.number == number))
        return result.scalar_one_or_none()

    async def record(
        self, *, number: str, user_id: int, topic: str, rating: int, linked: bool
    ) -> Feedback:
        """The feedback with this number, created on first sight (a retried submission finds
        the row its first attempt made)."""
        feedback = await self.of_number(number)
        if feedback is None:
            feedback = Feedback(
                number=number, user_id=user_id, topic=topic, rating=rating, linked=linked
            )
            self.session.add(feedback)
            await self.session.flush()
        return feedback

    async def posted(self, feedback: Feedback, *, chat_id: int, message_id: int) -> None:
        feedback.staff_chat_id = chat_id
        feedback.staff_message_id = message_id
        await self.session.flush()

    async def of_post(self, chat_id: int, message_id: int) -> Feedback | None:
        """The feedback whose staff-chat post this is, if any."""
        result = await self.session.execute(
            select(Feedback).where(
                Feedback.staff_chat_id == chat_id, Feedback.staff_message_id == message_id
            )
        )
        return result.scalar_one_or_none()

    async def answered(self, feedback: Feedback, *, by: int) -> None:
        feedback.answered_at = utcnow()
        feedback.answered_by = by
        await self.session.flush()

    async def unanswered_since(self, cutoff: datetime) -> list[Feedback]:
        """Feedback left before `cutoff` and still without an answer, oldest first."""
        result = await self.session.execute(
            select(Feedback)
            .where(Feedback.answered_at.is_(None), Feedback.created_at < cutoff)
            .order_by(Feedback.created_at, Feedback.id)
        )
        return list(result.scalars())
