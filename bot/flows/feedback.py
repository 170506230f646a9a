"""Поддержка: ask support a question, or review the bot.

* A question: topic → text → an optional screenshot → check → «Вопрос № … отправлен», with
  when the answer comes (`ANSWER_WITHIN`, 48 hours). Support answers in the staff chat; the
  answer reaches the person with «Ответить», and the thread goes on (`support_questions.py`).
* A review: a rating 1–5 → an optional comment → «Спасибо за отзыв». A rating is asked only
  here: a question is not rated.

Open to every consented user. A linked user's question or review is registered in the
cabinet, which gives its number. The cabinet knows only its customers, so an unlinked user's
is numbered by the bot (`TG-…`, from the flow's idempotency key) and lives in the staff chat
only. Either way it is posted to the staff chat and a `feedback` row remembers the post, so
that a staff reply finds its author (`bot/handlers/staff.py`). The text stays in the dialog's
data until it is sent; the database never keeps it.

The idempotency key is made by the handler that leads to the sending step (a handler that
fails keeps no changes to the dialog's data): sending again after an outage registers and
posts it once.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import Bot
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Group, Select, SwitchTo
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.access import cabinet_of, customer_of
from bot.flows.deps import deps
from bot.flows.keys import fresh_keys, key_of
from bot.flows.screen import Screen
from bot.flows.states import FeedbackSG
from bot.flows.support_chat import StaffChat
from bot.flows.support_questions import (
    TEXT_LIMIT,
    answer_due,
    checked_text,
    has_questions_getter,
    questions_button,
    support_question_windows,
    take_start_data,
)
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of, say
from bot.privacy import is_strict
from cabinet import CabinetRejected
from cabinet.models import FeedbackAttachment, FeedbackKind, FeedbackRequest, FeedbackTopic
from storage.feedback import FeedbackRepository

log = structlog.get_logger(__name__)

SCREENSHOT_LIMIT = 5 * 1024 * 1024  # what the cabinet takes, checked with Telegram's file size
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
TOPICS = tuple(topic.value for topic in FeedbackTopic)
RATINGS = ("1", "2", "3", "4", "5")
LOCAL_PREFIX = "TG-"
# The cabinet refusing the attachment (not an image of the declared type, too large).
_SCREENSHOT_REFUSED = frozenset(
    {"validation_failed", "payload_too_large", "unsupported_media_type"}
)


@dataclass(frozen=True)
class Draft:
    """What the person entered, as the dialog's data keeps it."""

    kind: FeedbackKind
    topic: str | None
    rating: int | None
    text: str | None
    screenshot: dict[str, Any] | None

    @classmethod
    def of(cls, manager: DialogManager) -> Draft:
        data = manager.dialog_data
        return cls(
            FeedbackKind(data["kind"]),
            data.get("topic"),
            data.get("rating"),
            data.get("text"),
            data.get("screenshot"),
        )


# ------------------------------------------------------------------------------ the steps


async def on_ask(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.clear()
    manager.dialog_data["kind"] = FeedbackKind.QUESTION.value
    await manager.switch_to(FeedbackSG.topic)


async def on_review(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.clear()
    manager.dialog_data["kind"] = FeedbackKind.REVIEW.value
    await manager.switch_to(FeedbackSG.rating)


async def on_topic(_: CallbackQuery, __: Any, manager: DialogManager, topic: str) -> None:
    if topic in TOPICS:  # anything else is a forged button: nothing to do
        manager.dialog_data["topic"] = topic
        await manager.switch_to(FeedbackSG.text)


async def on_text(message: Message, _: MessageInput, manager: DialogManager) -> None:
    text = await checked_text(message, manager)
    if text is not None:
        manager.dialog_data["text"] = text
        await manager.switch_to(FeedbackSG.screenshot)


def screenshot_of(message: Message) -> dict[str, Any] | None:
    """The image a message carries (a photo, or a JPEG/PNG sent as a file), or None."""
    if message.photo:
        photo = message.photo[-1]  # the largest size
        return {
            "kind": "photo",
            "file_id": photo.file_id,
            "size": photo.file_size or 0,
            "content_type": "image/jpeg",
            "filename": "screenshot.jpg",
        }
    document = message.document
    if document is not None and document.mime_type in IMAGE_TYPES:
        return {
            "kind": "document",
            "file_id": document.file_id,
            "size": document.file_size or 0,
            "content_type": document.mime_type,
            "filename": (document.file_name or "")[-255:]
            or f"screenshot.{IMAGE_TYPES[document.mime_type]}",
        }
    return None


async def on_screenshot(message: Message, _: MessageInput, manager: DialogManager) -> None:
    screenshot = screenshot_of(message)
    if screenshot is None:
        await say(manager, "feedback-screenshot-wrong")
    elif screenshot["size"] > SCREENSHOT_LIMIT:
        await say(manager, "feedback-screenshot-too-big")
    else:
        manager.dialog_data["screenshot"] = screenshot
        await _to_confirm(manager)


async def on_skip(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("screenshot", None)
    await _to_confirm(manager)


async def _to_confirm(manager: DialogManager) -> None:
    fresh_keys(manager, "feedback")
    await manager.switch_to(FeedbackSG.confirm)


async def on_send_question(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    draft = Draft.of(manager)
    try:
        number = await _register(manager, draft)
    except CabinetRejected as exc:
        if draft.screenshot is None or exc.code not in _SCREENSHOT_REFUSED:
            raise
        await callback.answer(i18n_of(manager).get("feedback-screenshot-refused"), show_alert=True)
        manager.dialog_data.pop("screenshot")
        await manager.switch_to(FeedbackSG.screenshot)
        return
    asked_at = await _record_and_post(manager, number, draft)
    _sent(manager, number)
    manager.dialog_data["due"] = answer_due(asked_at, profile_of(manager).time_zone).isoformat()
    await manager.switch_to(FeedbackSG.sent)


async def on_rating(_: CallbackQuery, __: Any, manager: DialogManager, rating: str) -> None:
    if rating in RATINGS:
        manager.dialog_data["rating"] = int(rating)
        fresh_keys(manager, "feedback")  # the review is sent from the next step
        await manager.switch_to(FeedbackSG.comment)


async def on_comment(message: Message, _: MessageInput, manager: DialogManager) -> None:
    text = await checked_text(message, manager)
    if text is not None:
        manager.dialog_data["text"] = text
        await _send_review(manager)


async def on_no_comment(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("text", None)
    await _send_review(manager)


async def _send_review(manager: DialogManager) -> None:
    draft = Draft.of(manager)
    number = await _register(manager, draft)
    await _record_and_post(manager, number, draft)
    _sent(manager, number)
    manager.dialog_data["rating"] = draft.rating
    await manager.switch_to(FeedbackSG.reviewed)


def _sent(manager: DialogManager, number: str) -> None:
    """The text is the staff's now: not kept in Redis any longer."""
    manager.dialog_data.clear()
    manager.dialog_data["number"] = number


# ------------------------------------------------------------------------------ sending


async def _register(manager: DialogManager, draft: Draft) -> str:
    """The number: from the cabinet for a customer, made here for anybody else."""
    profile = profile_of(manager)
    key = key_of(manager, "feedback")
    if not profile.linked:
        return LOCAL_PREFIX + key.hex[:10].upper()
    bot: Bot = deps(manager).bot
    request = FeedbackRequest(
        kind=draft.kind,
        topic=FeedbackTopic(draft.topic) if draft.topic else None,
        rating=draft.rating,
        text=draft.text,
        attachment=await _attachment(bot, draft.screenshot),
    )
    receipt = await cabinet_of(manager).submit_feedback(
        customer_of(manager), request, idempotency_key=key, locale=profile.locale
    )
    return receipt.number


async def _attachment(bot: Bot, screenshot: dict[str, Any] | None) -> FeedbackAttachment | None:
    if screenshot is None:
        return None
    content = await bot.download(screenshot["file_id"])
    assert content is not None  # no destination given: the file comes back in memory
    return FeedbackAttachment(
        filename=screenshot["filename"],
        content_type=screenshot["content_type"],
        content_base64=base64.b64encode(content.read()).decode("ascii"),
    )


async def _record_and_post(manager: DialogManager, number: str, draft: Draft) -> dt.datetime:
    """The `feedback` row, then the staff post once (a retry finds both done); when it was
    asked."""
    session: AsyncSession = deps(manager).session
    profile = profile_of(manager)
    feedbacks = FeedbackRepository(session)
    feedback = await feedbacks.record(
        number=number,
        user_id=profile.user_id,
        kind=draft.kind.value,
        topic=draft.topic,
        rating=draft.rating,
        linked=profile.linked,
    )
    await session.commit()
    log.info("feedback_left", number=number, kind=draft.kind.value, rating=draft.rating)
    staff = StaffChat.of(
        deps(manager).staff_bot, deps(manager).settings, i18n_of(manager), origin=deps(manager).bot
    )
    if staff is None:
        log.warning("feedback_not_posted_no_support_chat", number=number)
        return feedback.asked_at
    if feedback.staff_message_id is not None:
        return feedback.asked_at
    author = staff.author(profile, strict=is_strict(manager))
    text = html.escape(draft.text) if draft.text else staff.text("staff-no-comment")
    if draft.kind is FeedbackKind.QUESTION:
        assert draft.topic is not None  # a question's first step
        post = staff.text(
            "staff-question-post",
            number=number,
            topic=staff.topic(draft.topic),
            author=author,
            due=answer_due(feedback.asked_at, staff.time_zone),
            text=text,
        )
    else:
        post = staff.text(
            "staff-review-post", number=number, rating=draft.rating, author=author, text=text
        )
    post_id = await staff.post(post, number=number, screenshot=draft.screenshot)
    await feedbacks.posted(feedback, chat_id=staff.chat_id, message_id=post_id)
    await session.commit()
    return feedback.asked_at


# ------------------------------------------------------------------------------ the windows


async def topics_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    return {"topics": [(topic, i18n.get(f"feedback-topic-{topic}")) for topic in TOPICS]}


async def text_getter(**_: Any) -> dict[str, Any]:
    return {"limit": TEXT_LIMIT}


async def confirm_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    draft = Draft.of(dialog_manager)
    return {
        "topic": i18n_of(dialog_manager).get(f"feedback-topic-{draft.topic}"),
        "text": draft.text,
        "screenshot": draft.screenshot is not None,
    }


async def sent_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    return {
        "number": data["number"],
        "due": dt.datetime.fromisoformat(data["due"]),
        "has_questions": True,
    }


async def reviewed_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"rating": dialog_manager.dialog_data["rating"]}


async def comment_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"rating": dialog_manager.dialog_data["rating"], "limit": TEXT_LIMIT}


def _back(state: Any) -> SwitchTo:
    return SwitchTo(T("button-back"), id="back", state=state)


def feedback_dialog() -> Dialog:
    return Dialog(
        Screen(
            T("feedback-start"),
            Button(T("feedback-ask"), id="ask", on_click=on_ask),
            Button(T("feedback-review"), id="review", on_click=on_review),
            questions_button(),
            back_to_menu(),
            state=FeedbackSG.start,
            getter=has_questions_getter,
        ),
        # a question
        Screen(
            T("feedback-choose-topic"),
            Column(choices("topic", "topics", on_topic)),
            _back(FeedbackSG.start),
            state=FeedbackSG.topic,
            getter=topics_getter,
        ),
        Screen(
            T("feedback-enter-text"),
            MessageInput(on_text),
            _back(FeedbackSG.topic),
            state=FeedbackSG.text,
            getter=text_getter,
        ),
        Screen(
            T("feedback-attach"),
            MessageInput(on_screenshot),
            Button(T("feedback-skip"), id="skip", on_click=on_skip),
            _back(FeedbackSG.text),
            state=FeedbackSG.screenshot,
        ),
        Screen(
            T("feedback-summary"),
            T("feedback-summary-screenshot", when="screenshot"),
            Button(T("feedback-send"), id="send", on_click=on_send_question),
            _back(FeedbackSG.screenshot),
            state=FeedbackSG.confirm,
            getter=confirm_getter,
        ),
        Screen(
            T("feedback-sent"),
            questions_button(),
            back_to_menu(),
            state=FeedbackSG.sent,
            getter=sent_getter,
        ),
        # a review
        Screen(
            T("feedback-choose-rating"),
            Group(
                Select(
                    Format("{item}"),
                    id="rating",
                    item_id_getter=str,
                    items=RATINGS,
                    on_click=on_rating,
                ),
                width=len(RATINGS),
            ),
            _back(FeedbackSG.start),
            state=FeedbackSG.rating,
        ),
        Screen(
            T("feedback-enter-comment"),
            MessageInput(on_comment),
            Button(T("feedback-no-comment"), id="no_comment", on_click=on_no_comment),
            _back(FeedbackSG.rating),
            state=FeedbackSG.comment,
            getter=comment_getter,
        ),
        Screen(
            T("feedback-reviewed"),
            Button(T("feedback-ask"), id="ask", on_click=on_ask),
            back_to_menu(),
            state=FeedbackSG.reviewed,
            getter=reviewed_getter,
        ),
        *support_question_windows(),
        on_start=take_start_data,
    )
