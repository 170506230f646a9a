"""The staff chat (SUPPORT_CHAT_ID): answers to questions and reviews, and /overdue.

A staff member who replies to a question's post (or to a follow-up the person wrote to it), or
to a review's, has the reply delivered to the person, in their language, as «Ответ поддержки на
ваш вопрос № N» — with «Ответить», which lets the person write more to the same question (the
follow-up comes back here as a reply to the question's post). The post is then marked answered.
Replies to anything else are the staff talking among themselves: ignored. `/overdue` lists the
questions waiting for an answer for more than 48 hours since the person last wrote.

Answers go through the outbox (`notify/`): a row per answer, sent by the delivery workers.
"""

from __future__ import annotations

import datetime as dt
import html

import structlog
from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.flows.support_chat import StaffChat
from bot.flows.support_questions import SupportReply
from notify.doorbell import Doorbell
from notify.outbox import enqueue
from notify.payload import Payload
from storage.accounts import Channel
from storage.feedback import ANSWER_WITHIN, QUESTION, FeedbackRepository
from storage.models import Feedback, utcnow
from storage.repositories import UserRepository

log = structlog.get_logger(__name__)

OVERDUE = ANSWER_WITHIN
OVERDUE_SHOWN = 30  # one message's worth
ANSWER_LIMIT = 4000  # with its heading, the answer must fit in one Telegram message (4096)


def build_router(*, support_chat_id: int | None) -> Router:
    router = Router(name="staff")
    # None: no staff chat, nothing matches. Never a person's private chat, whatever its id.
    router.message.filter(F.chat.id == support_chat_id, F.chat.type != ChatType.PRIVATE)
    router.message.register(overdue, Command("overdue"))
    router.message.register(answer, F.reply_to_message)
    return router


def _staff(message: Message, bot: Bot, settings: Settings, i18n: I18nContext) -> StaffChat:
    return StaffChat.at(bot, message.chat.id, settings, i18n)


async def answer(
    message: Message,
    *,
    bot: Bot,
    session: AsyncSession,
    settings: Settings,
    i18n: I18nContext,
    doorbell: Doorbell,
) -> None:
    post = message.reply_to_message
    assert post is not None  # the router's filter
    feedbacks = FeedbackRepository(session)
    feedback = await feedbacks.of_post(message.chat.id, post.message_id)
    if feedback is None:
        return  # not a feedback post
    staff = _staff(message, bot, settings, i18n)
    if not message.text or len(message.text) > ANSWER_LIMIT:
        await message.reply(staff.text("staff-reply-text-only", limit=ANSWER_LIMIT))
        return
    if not await _deliver(staff, session, feedback, message.text):
        await message.reply(staff.text("staff-not-delivered", number=feedback.number))
        return
    await doorbell.ring()
    if feedback.answered_at is None:
        assert message.from_user is not None  # a message in a group has an author
        await feedbacks.answered(feedback, by=message.from_user.id)
        await session.commit()
        await bot.edit_message_text(
            post.html_text + "\n\n" + staff.text("staff-answered"),
            chat_id=message.chat.id,
            message_id=post.message_id,
        )
    log.info("feedback_answered", number=feedback.number)


async def _deliver(staff: StaffChat, session: AsyncSession, feedback: Feedback, text: str) -> bool:
    """Queue the answer for the feedback's author, in their language (the outbox sends it);
    False if they are known to have blocked the bot."""
    user = await UserRepository(session).get(feedback.user_id)
    if user is None or not user.is_active:
        log.info("feedback_answer_blocked", number=feedback.number)
        return False
    question = feedback.kind == QUESTION
    answer_text = staff.i18n.get(
        "feedback-answer-question" if question else "feedback-answer-review",
        user.locale,
        number=feedback.number,
        text=html.escape(text),
    )
    payload: Payload = {"text": answer_text}
    if question:
        label = staff.i18n.get("feedback-answer-reply", user.locale)
        payload["buttons"] = [
            [{"text": label, "callback_data": SupportReply(id=feedback.id).pack()}]
        ]
    await enqueue(session, feedback.user_id, payload, kind="reply")
    await session.commit()
    return True


async def overdue(
    message: Message, bot: Bot, session: AsyncSession, settings: Settings, i18n: I18nContext
) -> None:
    staff = _staff(message, bot, settings, i18n)
    hours = int(OVERDUE.total_seconds() // 3600)
    now = utcnow()
    waiting = await FeedbackRepository(session).unanswered_since(now - OVERDUE)
    if not waiting:
        await message.reply(staff.text("staff-overdue-none", hours=hours))
        return
    lines = [staff.text("staff-overdue-title", hours=hours, count=len(waiting))]
    linked = settings.staff.support_chat_messenger is Channel.TELEGRAM  # t.me links
    lines += [
        _overdue_line(staff, feedback, now, linked=linked) for feedback in waiting[:OVERDUE_SHOWN]
    ]
    if len(waiting) > OVERDUE_SHOWN:
        lines.append(staff.text("staff-overdue-more", count=len(waiting) - OVERDUE_SHOWN))
    await message.reply("\n".join(lines))


def _overdue_line(staff: StaffChat, feedback: Feedback, now: dt.datetime, *, linked: bool) -> str:
    variables = {
        "number": html.escape(feedback.number),
        "topic": staff.topic(feedback.topic or "other"),
        "age": int((now - feedback.asked_at).total_seconds() // 3600),
    }
    link = post_link(feedback) if linked else None
    if link is None:
        return staff.text("staff-overdue-item", **variables)
    return staff.text("staff-overdue-item-link", link=link, **variables)


def post_link(feedback: Feedback) -> str | None:
    """A t.me link to the feedback's post: supergroups have them, basic groups do not."""
    chat = str(feedback.staff_chat_id or "")
    if not chat.startswith("-100") or feedback.staff_message_id is None:
        return None
    return f"https://t.me/c/{chat.removeprefix('-100')}/{feedback.staff_message_id}"
