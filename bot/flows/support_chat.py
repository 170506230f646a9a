"""The staff chat (SUPPORT_CHAT_ID) as the support flows write to it: a question, a review, a
follow-up to a question (a reply to the question's post, so the thread reads in one place).

It speaks the default locale and time zone, whoever's update writes to it. In strict privacy
mode a post carries no name.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import structlog
from aiogram import Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import BufferedInputFile, ReplyParameters
from aiogram_i18n import I18nContext

from bot.config import Settings
from storage.profiles import Profile

log = structlog.get_logger(__name__)


class StaffChatUnavailable(Exception):
    """A post could not be made in the staff chat: sending again retries."""


@dataclass(frozen=True)
class StaffChat:
    bot: Bot
    chat_id: int
    i18n: I18nContext
    locale: str
    time_zone: str
    origin: Bot | None = None
    """The bot of the person's messenger, when it is not the staff chat's (Max): their files
    are copied from it, as a file id of one messenger means nothing in the other."""

    @classmethod
    def of(
        cls, bot: Bot, settings: Settings, i18n: I18nContext, *, origin: Bot | None = None
    ) -> StaffChat | None:
        if settings.staff.chat_key is None:
            return None
        chat = cls.at(bot, settings.staff.chat_key, settings, i18n)
        return chat if origin is None or origin is bot else replace(chat, origin=origin)

    @classmethod
    def at(cls, bot: Bot, chat_id: int, settings: Settings, i18n: I18nContext) -> StaffChat:
        return cls(
            bot, chat_id, i18n, settings.chat.default_locale.value, settings.chat.default_time_zone
        )

    def text(self, key: str, **variables: Any) -> str:
        return self.i18n.get(key, self.locale, **variables)

    def topic(self, topic: str) -> str:
        return self.text(f"feedback-topic-{topic}")

    def author(self, profile: Profile, *, strict: bool) -> str:
        """Who wrote, as the staff may see it: never a name in strict privacy mode."""
        if not profile.linked:
            return self.text("staff-author-unlinked")
        if strict or not profile.display_name:
            return self.text("staff-author-linked")
        return self.text("staff-author-linked-as", name=html.escape(profile.display_name))

    async def post(
        self,
        text: str,
        *,
        number: str,
        screenshot: Mapping[str, Any] | None = None,
        reply_to: int | None = None,
    ) -> int:
        """A post (a reply to `reply_to`, if it is still there), and its screenshot as a reply
        to it; the post's message id."""
        thread = (
            None
            if reply_to is None
            else ReplyParameters(message_id=reply_to, allow_sending_without_reply=True)
        )
        try:
            post = await self.bot.send_message(self.chat_id, text, reply_parameters=thread)
            if screenshot is not None:
                photo = screenshot["kind"] == "photo"
                send = self.bot.send_photo if photo else self.bot.send_document
                await send(
                    self.chat_id,
                    await self._file(screenshot),
                    caption=self.text("staff-feedback-screenshot", number=number),
                    reply_parameters=ReplyParameters(message_id=post.message_id),
                )
        except TelegramAPIError as exc:  # not the user's chat: not their block, not their error
            log.error("support_post_failed", number=number, error=type(exc).__name__)
            raise StaffChatUnavailable(number) from exc
        return post.message_id

    async def _file(self, sent: Mapping[str, Any]) -> str | BufferedInputFile:
        """A file the person sent, as the staff chat's bot can send it."""
        if self.origin is None:
            return str(sent["file_id"])
        content = await self.origin.download(str(sent["file_id"]))
        assert content is not None  # no destination given: the bytes come back
        return BufferedInputFile(content.read(), filename=str(sent.get("filename") or "file"))
