"""Feedback rows (questions to support and reviews): a number, its author, where it was posted
in the staff chat, and whether a question waits for an answer.

The texts are not kept here: they live in the cabinet and in the staff chat's posts.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Feedback, FeedbackPost, utcnow

QUESTION = "question"
#: Support answers a question within this time from when the person last wrote.
ANSWER_WITHIN = timedelta(hours=48)


class FeedbackRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def of_number(self, number: str) -> Feedback | None:
        result = await self.session.execute(select(Feedback).where(Feedback.number == number))
        return result.scalar_one_or_none()

    async def record(
        self,
        *,
        number: str,
        user_id: int,
        kind: str,
        topic: str | None,
        rating: int | None,
        linked: bool,
    ) -> Feedback:
        """The feedback with this number, created on first sight (a retried submission finds
        the row its first attempt made)."""
        feedback = await self.of_number(number)
        if feedback is None:
            feedback = Feedback(
                number=number,
                user_id=user_id,
                kind=kind,
                topic=topic,
                rating=rating,
                linked=linked,
            )
            self.session.add(feedback)
            await self.session.flush()
        return feedback

    async def posted(self, feedback: Feedback, *, chat_id: int, message_id: int) -> None:
        feedback.staff_chat_id = chat_id
        feedback.staff_message_id = message_id
        await self.session.flush()

    async def of_post(self, chat_id: int, message_id: int) -> Feedback | None:
        """The feedback whose staff-chat post this is (its own, or a follow-up's), if any."""
        follow_ups = select(FeedbackPost.feedback_id).where(
            FeedbackPost.staff_chat_id == chat_id, FeedbackPost.staff_message_id == message_id
        )
        result = await self.session.execute(
            select(Feedback).where(
                or_(
                    (Feedback.staff_chat_id == chat_id) & (Feedback.staff_message_id == message_id),
                    Feedback.id.in_(follow_ups),
                )
            )
        )
        return result.scalars().first()

    async def question_of(self, user_id: int, feedback_id: int) -> Feedback | None:
        """The user's own question with this id; anybody else's is nothing."""
        result = await self.session.execute(
            select(Feedback).where(
                Feedback.id == feedback_id, Feedback.user_id == user_id, Feedback.kind == QUESTION
            )
        )
        return result.scalar_one_or_none()

    async def questions_of(self, user_id: int, *, limit: int) -> list[Feedback]:
        """The user's questions, the latest first."""
        result = await self.session.execute(
            select(Feedback)
            .where(Feedback.user_id == user_id, Feedback.kind == QUESTION)
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            .limit(limit)
        )
        return list(result.scalars())

    async def followed_up(self, feedback: Feedback, *, chat_id: int, message_id: int) -> None:
        """The person wrote more, posted in the staff chat as `message_id`."""
        self.session.add(
            FeedbackPost(
                feedback_id=feedback.id, staff_chat_id=chat_id, staff_message_id=message_id
            )
        )
        await self.reopened(feedback)

    async def reopened(self, feedback: Feedback) -> None:
        """The person wrote more: the question waits for an answer again, from now."""
        feedback.asked_at = utcnow()
        feedback.answered_at = None
        await self.session.flush()

    async def answered(self, feedback: Feedback, *, by: int) -> None:
        feedback.answered_at = utcnow()
        feedback.answered_by = by
        await self.session.flush()

    async def unanswered_since(self, cutoff: datetime) -> list[Feedback]:
        """Questions asked (or followed up) before `cutoff` and still without an answer,
        oldest first. A review waits for nothing."""
        result = await self.session.execute(
            select(Feedback)
            .where(
                Feedback.kind == QUESTION,
                Feedback.answered_at.is_(None),
                Feedback.asked_at < cutoff,
            )
            .order_by(Feedback.asked_at, Feedback.id)
        )
        return list(result.scalars())
