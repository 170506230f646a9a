"""Max has no menu button beside the input, where Telegram opens the bot's commands: a message
the bot sends a person in Max with no buttons of its own gets one to the main menu, in the
person's language, so no message leaves them without a way on (/help, «Действие отменено»).

Only the bot's answers to a person's update carry it (the update's translations are current
then), and only in a person's chat (never the staff's group chat); the outbox's messages
bring their own buttons or none.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import Response, SendDocument, SendMessage, SendPhoto, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import InlineKeyboardMarkup
from aiogram_i18n import I18nContext

from storage.accounts import is_max_group

if TYPE_CHECKING:
    from aiogram import Bot

MenuMarkup = Callable[[I18nContext], InlineKeyboardMarkup]


class MenuButton(BaseRequestMiddleware):
    """A request middleware of the Max bot's session: `markup` makes the button."""

    def __init__(self, markup: MenuMarkup) -> None:
        self.markup = markup

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        bare = (
            isinstance(method, SendMessage | SendDocument | SendPhoto)
            and not method.reply_markup
            and isinstance(method.chat_id, int)
            and not is_max_group(method.chat_id)  # the staff's chat: not a person's menu
        )
        i18n = I18nContext.get_current(no_error=True) if bare else None
        if i18n is not None:
            method = method.model_copy(update={"reply_markup": self.markup(i18n)})
        return await make_request(bot, method)
