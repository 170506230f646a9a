"""Обратная связь: topic → rating 1–5 → text → an optional screenshot → confirm → the number.

Open to every consented user. A linked user's feedback is registered in the cabinet, which
gives its number. The cabinet knows only its customers, so an unlinked user's feedback is
numbered by the bot (`TG-…`, from the flow's idempotency key) and lives in the staff chat only.

Either way it is posted to the staff chat (SUPPORT_CHAT_ID) with its topic, rating, number,
link status and text, and a `feedback` row remembers the post, so that a staff reply finds
its author (`bot/handlers/staff.py`). The text stays in the dialog's data until it is sent;
the database never keeps it. In strict privacy mode the post carries no name.

The idempotency key is made by the handler that leads to the confirm step (a handler that
fails keeps no changes to the dialog's data): confirming again after an outage registers
and posts the feedback once.
"""

from __future__ import annotations

import base64
import html
import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, Message, ReplyParameters
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Group, Select, SwitchTo
from aiogram_dialog.widgets.text import Format
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.flows.access import cabinet_of, customer_of
from bot.flows.keys import fresh_keys, key_of
from bot.flows.screen import Screen
from bot.flows.states import FeedbackSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of
from bot.privacy import is_strict
from cabinet import CabinetRejected
from cabinet.models import FeedbackAttachment, FeedbackRequest, FeedbackTopic
from storage.feedback import FeedbackRepository
from storage.profiles import Profile

log = structlog.get_logger(__name__)

TEXT_LIMIT = 2000
SCREENSHOT_LIMIT = 5 * 1024 * 1024  # what the cabinet takes, checked with Telegram's file size
IMAGE_TYPES = {"image/jpeg": "jpg", "image/png": "png"}
TOPICS = tuple(topic.value for topic in FeedbackTopic)
RATINGS = ("1", "2", "3", "4", "5")
LOCAL_PREFIX = "TG-"
# The cabinet refusing the attachment (not an image of the declared type, too large).
_SCREENSHOT_REFUSED = frozenset(
    {"validation_failed", "payload_too_large", "unsupported_media_type"}
)


class StaffChatUnavailable(Exception):
    """The feedback could not be posted to the staff chat: confirming again retries."""


@dataclass(frozen=True)
class StaffChat:
    """The support chat. It speaks the default locale, whoever's update writes to it."""

    bot: Bot
    chat_id: int
    i18n: I18nContext
    locale: str

    @classmethod
    def of(cls, bot: Bot, settings: Settings, i18n: I18nContext) -> StaffChat | None:
        if settings.support_chat_id is None:
            return None
        return cls(bot, settings.support_chat_id, i18n, settings.default_locale.value)

    def text(self, key: str, **variables: Any) -> str:
        return self.i18n.get(key, self.locale, **variables)

    def topic(self, topic: str) -> str:
        return self.text(f"feedback-topic-{topic}")


@dataclass(frozen=True)
class Draft:
    """What the user entered, as the dialog's data keeps it."""

    topic: str
    rating: int
    text: str
    screenshot: dict[str, Any] | None
    key: uuid.UUID

    @classmethod
    def of(cls, manager: DialogManager) -> Draft:
        data = manager.dialog_data
        return cls(
            data["topic"],
            data["rating"],
            data["text"],
            data.get("screenshot"),
            key_of(manager, "feedback"),
        )


# ------------------------------------------------------------------------------ the steps


async def on_topic(_: CallbackQuery, __: Any, manager: DialogManager, topic: str) -> None:
    if topic in TOPICS:  # anything else is a forged button: nothing to do
        manager.dialog_data["topic"] = topic
        await manager.switch_to(FeedbackSG.rating)


async def on_rating(_: CallbackQuery, __: Any, manager: DialogManager, rating: str) -> None:
    if rating in RATINGS:
        manager.dialog_data["rating"] = int(rating)
        await manager.switch_to(FeedbackSG.text)


async def _refuse(message: Message, manager: DialogManager, key: str, **variables: Any) -> None:
    """Say what was wrong with the input; the step's window comes again after it."""
    await message.answer(i18n_of(manager).get(key, **variables))


async def on_text(message: Message, _: MessageInput, manager: DialogManager) -> None:
    text = message.text or ""
    if not text.strip():
        await _refuse(message, manager, "feedback-text-needed")
    elif len(text) > TEXT_LIMIT:
        await _refuse(
            message, manager, "feedback-text-too-long", limit=TEXT_LIMIT, length=len(text)
        )
    else:
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
        await _refuse(message, manager, "feedback-screenshot-wrong")
    elif screenshot["size"] > SCREENSHOT_LIMIT:
        await _refuse(message, manager, "feedback-screenshot-too-big")
    else:
        manager.dialog_data["screenshot"] = screenshot
        await _to_confirm(manager)


async def on_skip(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("screenshot", None)
    await _to_confirm(manager)


async def _to_confirm(manager: DialogManager) -> None:
    fresh_keys(manager, "feedback")
    await manager.switch_to(FeedbackSG.confirm)


async def on_send(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
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
    await _record_and_post(manager, number, draft)
    manager.dialog_data.clear()  # the text is the staff's now: not kept in Redis any longer
    manager.dialog_data["number"] = number
    await manager.switch_to(FeedbackSG.done)


# ------------------------------------------------------------------------------ sending


async def _register(manager: DialogManager, draft: Draft) -> str:
    """The feedback's number: from the cabinet for a customer, made here for anybody else."""
    profile = profile_of(manager)
    if not profile.linked:
        return LOCAL_PREFIX + draft.key.hex[:10].upper()
    bot: Bot = manager.middleware_data["bot"]
    request = FeedbackRequest(
        topic=FeedbackTopic(draft.topic),
        rating=draft.rating,
        text=draft.text,
        attachment=await _attachment(bot, draft.screenshot),
    )
    receipt = await cabinet_of(manager).submit_feedback(
        customer_of(manager), request, idempotency_key=draft.key, locale=profile.locale
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


async def _record_and_post(manager: DialogManager, number: str, draft: Draft) -> None:
    """The `feedback` row, then the staff post once (a retry finds both done)."""
    session: AsyncSession = manager.middleware_data["session"]
    profile = profile_of(manager)
    feedbacks = FeedbackRepository(session)
    feedback = await feedbacks.record(
        number=number,
        user_id=profile.user_id,
        topic=draft.topic,
        rating=draft.rating,
        linked=profile.linked,
    )
    await session.commit()
    log.info("feedback_left", number=number, topic=draft.topic, rating=draft.rating)
    staff = StaffChat.of(
        manager.middleware_data["bot"], manager.middleware_data["settings"], i18n_of(manager)
    )
    if staff is None:
        log.warning("feedback_not_posted_no_support_chat", number=number)
        return
    if feedback.staff_message_id is not None:
        return
    post_id = await _post(staff, number, draft, author=_author(staff, profile, is_strict(manager)))
    await feedbacks.posted(feedback, chat_id=staff.chat_id, message_id=post_id)
    await session.commit()


def _author(staff: StaffChat, profile: Profile, strict: bool) -> str:
    """Who left it, as the staff may see it: never a name in strict privacy mode."""
    if not profile.linked:
        return staff.text("staff-author-unlinked")
    if strict or not profile.display_name:
        return staff.text("staff-author-linked")
    return staff.text("staff-author-linked-as", name=html.escape(profile.display_name))


async def _post(staff: StaffChat, number: str, draft: Draft, *, author: str) -> int:
    """The feedback post (and its screenshot, as a reply to it); the post's message id."""
    text = staff.text(
        "staff-feedback-post",
        number=number,
        topic=staff.topic(draft.topic),
        rating=draft.rating,
        author=author,
        text=html.escape(draft.text),
    )
    try:
        post = await staff.bot.send_message(staff.chat_id, text)
        if draft.screenshot is not None:
            send = (
                staff.bot.send_photo
                if draft.screenshot["kind"] == "photo"
                else staff.bot.send_document
            )
            await send(
                staff.chat_id,
                draft.screenshot["file_id"],
                caption=staff.text("staff-feedback-screenshot", number=number),
                reply_parameters=ReplyParameters(message_id=post.message_id),
            )
    except TelegramAPIError as exc:  # not the user's chat: not their block, not their error
        log.error("feedback_not_posted", number=number, error=type(exc).__name__)
        raise StaffChatUnavailable(number) from exc
    return post.message_id


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
        "rating": draft.rating,
        "text": draft.text,
        "screenshot": draft.screenshot is not None,
    }


async def done_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"number": dialog_manager.dialog_data["number"]}


def _back(state: Any) -> SwitchTo:
    return SwitchTo(T("button-back"), id="back", state=state)


def feedback_dialog() -> Dialog:
    return Dialog(
        Screen(
            T("feedback-choose-topic"),
            Column(choices("topic", "topics", on_topic)),
            back_to_menu(),
            state=FeedbackSG.topic,
            getter=topics_getter,
        ),
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
            _back(FeedbackSG.topic),
            state=FeedbackSG.rating,
        ),
        Screen(
            T("feedback-enter-text"),
            MessageInput(on_text),
            _back(FeedbackSG.rating),
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
            Button(T("feedback-send"), id="send", on_click=on_send),
            _back(FeedbackSG.screenshot),
            state=FeedbackSG.confirm,
            getter=confirm_getter,
        ),
        Screen(
            T("feedback-done"),
            back_to_menu(),
            state=FeedbackSG.done,
            getter=done_getter,
        ),
    )
