"""A person's questions to support: «Мои вопросы в поддержку» (each with its state: waiting
for the answer, and until when, or answered), and writing more to one — from its card, or from
«Ответить» under support's answer. A follow-up is posted in the staff chat as a reply to the
question's post, so the thread continues there, and the question waits for an answer again.

The question's id in a button is user input: it is looked up among the person's own questions.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from aiogram.filters.callback_data import CallbackData
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Column, SwitchTo
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.access import refuse
from bot.flows.deps import deps
from bot.flows.screen import Screen
from bot.flows.states import FeedbackSG
from bot.flows.support_chat import StaffChat
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of, say
from bot.privacy import is_strict
from storage.feedback import ANSWER_WITHIN, FeedbackRepository
from storage.models import Feedback

log = structlog.get_logger(__name__)

SECTION = "support"
TEXT_LIMIT = 2000
QUESTIONS_SHOWN = 20


class SupportReply(CallbackData, prefix="sq"):
    """«Ответить» under support's answer: write more to question `id` (the person's own)."""

    id: int


def answer_due(asked_at: dt.datetime, time_zone: str) -> dt.datetime:
    """When support answers a question asked (or followed up) at `asked_at`, in `time_zone`."""
    return (_utc(asked_at) + ANSWER_WITHIN).astimezone(ZoneInfo(time_zone))


async def checked_text(message: Message, manager: DialogManager) -> str | None:
    """The text the person sent for a question, a comment or a follow-up; None (and the reason
    said) for anything else."""
    text = message.text or ""
    if not text.strip():
        await say(manager, "feedback-text-needed")
        return None
    if len(text) > TEXT_LIMIT:
        await say(manager, "feedback-text-too-long", limit=TEXT_LIMIT, length=len(text))
        return None
    return text


def _repository(manager: DialogManager) -> FeedbackRepository:
    session: AsyncSession = deps(manager).session
    return FeedbackRepository(session)


async def _own_question(manager: DialogManager, question_id: Any) -> Feedback | None:
    if not str(question_id).isdigit():
        return None
    user_id = profile_of(manager).user_id
    return await _repository(manager).question_of(user_id, int(question_id))


async def _pressed_question(manager: DialogManager, question_id: Any) -> Feedback:
    """The question a button names: the person's own, or refused (forged, or someone else's)."""
    question = await _own_question(manager, question_id)
    if question is None:
        await refuse(manager, SECTION)
    return question


# ------------------------------------------------------------------------------ the steps


async def on_question(_: CallbackQuery, __: Any, manager: DialogManager, question_id: str) -> None:
    question = await _pressed_question(manager, question_id)
    manager.dialog_data["question"] = question.id
    await manager.switch_to(FeedbackSG.question)


async def on_follow_up(message: Message, _: MessageInput, manager: DialogManager) -> None:
    text = await checked_text(message, manager)
    if text is None:
        return
    question = await _own_question(manager, manager.dialog_data.get("question"))
    if question is None:  # deleted since (/revoke in another session): back to the list
        await manager.switch_to(FeedbackSG.mine)
        return
    await _post_follow_up(manager, question, text)
    await manager.switch_to(FeedbackSG.followed_up)


async def _post_follow_up(manager: DialogManager, question: Feedback, text: str) -> None:
    session: AsyncSession = deps(manager).session
    staff = StaffChat.of(deps(manager).staff_bot, deps(manager).settings, i18n_of(manager))
    if staff is None:
        log.warning("follow_up_not_posted_no_support_chat", number=question.number)
        await _repository(manager).reopened(question)
    else:
        post = staff.text(
            "staff-follow-up-post",
            number=question.number,
            author=staff.author(profile_of(manager), strict=is_strict(manager)),
            due=answer_due(dt.datetime.now(dt.UTC), staff.time_zone),
            text=html.escape(text),
        )
        # A reply to the question's post, if that post is in this staff chat (it may have
        # moved to the other messenger since: a number there means nothing here).
        here = question.staff_chat_id == staff.chat_id
        reply_to = question.staff_message_id if here else None
        post_id = await staff.post(post, number=question.number, reply_to=reply_to)
        await _repository(manager).followed_up(question, chat_id=staff.chat_id, message_id=post_id)
    await session.commit()
    log.info("feedback_followed_up", number=question.number)


async def on_answer_reply(
    callback: CallbackQuery, callback_data: SupportReply, dialog_manager: DialogManager
) -> None:
    """«Ответить» under support's answer: the follow-up step of that question."""
    question = await _pressed_question(dialog_manager, callback_data.id)
    await dialog_manager.start(
        FeedbackSG.follow_up, data={"question": question.id}, mode=StartMode.RESET_STACK
    )
    await callback.answer()


# ------------------------------------------------------------------------------ the windows


async def take_start_data(_: Any, manager: DialogManager) -> None:
    """Opened from «Ответить»: the question comes as start data."""
    if isinstance(manager.start_data, dict) and "question" in manager.start_data:
        manager.dialog_data["question"] = manager.start_data["question"]


def _status(manager: DialogManager, question: Feedback) -> str:
    i18n = i18n_of(manager)
    if question.answered_at is None:
        return i18n.get("feedback-question-waiting")
    return i18n.get("feedback-question-answered")


async def has_questions_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    user_id = profile_of(dialog_manager).user_id
    return {"has_questions": bool(await _repository(dialog_manager).questions_of(user_id, limit=1))}


async def mine_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    user_id = profile_of(dialog_manager).user_id
    questions = await _repository(dialog_manager).questions_of(user_id, limit=QUESTIONS_SHOWN)
    i18n = i18n_of(dialog_manager)
    return {
        "questions": [
            (
                str(q.id),
                i18n.get(
                    "feedback-question-line",
                    status=_status(dialog_manager, q),
                    number=q.number,
                    topic=i18n.get(f"feedback-topic-{q.topic or 'other'}"),
                ),
            )
            for q in questions
        ],
        "none": not questions,
    }


async def question_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    question = await _own_question(dialog_manager, dialog_manager.dialog_data.get("question"))
    if question is None:  # not the person's own (a forged id), or erased since
        return {"found": False, "gone": True}
    zone = profile_of(dialog_manager).time_zone
    return {
        "found": True,
        "gone": False,
        "number": question.number,
        "topic": i18n_of(dialog_manager).get(f"feedback-topic-{question.topic or 'other'}"),
        "created": _utc(question.created_at).astimezone(ZoneInfo(zone)),
        "due": answer_due(question.asked_at, zone),
        "answered": 0 if question.answered_at is None else 1,
    }


def _utc(moment: dt.datetime) -> dt.datetime:
    """A stored moment: SQLite gives it back naive, in UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.UTC)


def questions_button() -> SwitchTo:
    """«Мои вопросы в поддержку», on a screen whose getter says the person has any."""
    return SwitchTo(
        T("feedback-my-questions"), id="mine", state=FeedbackSG.mine, when="has_questions"
    )


def support_question_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            T("feedback-mine"),
            T("feedback-mine-none", when="none"),
            Column(choices("question", "questions", on_question)),
            SwitchTo(T("button-back"), id="back", state=FeedbackSG.start),
            state=FeedbackSG.mine,
            getter=mine_getter,
        ),
        Screen(
            T("feedback-question", when="found"),
            T("feedback-question-gone", when="gone"),
            SwitchTo(
                T("feedback-follow-up"), id="follow_up", state=FeedbackSG.follow_up, when="found"
            ),
            SwitchTo(T("button-back"), id="back", state=FeedbackSG.mine),
            state=FeedbackSG.question,
            getter=question_getter,
        ),
        Screen(
            T("feedback-enter-follow-up", when="found"),
            T("feedback-question-gone", when="gone"),
            MessageInput(on_follow_up),
            SwitchTo(T("button-back"), id="back", state=FeedbackSG.mine),
            state=FeedbackSG.follow_up,
            getter=question_getter,
        ),
        Screen(
            T("feedback-followed-up", when="found"),
            T("feedback-question-gone", when="gone"),
            SwitchTo(T("feedback-my-questions"), id="mine", state=FeedbackSG.mine),
            back_to_menu(),
            state=FeedbackSG.followed_up,
            getter=question_getter,
        ),
    )
