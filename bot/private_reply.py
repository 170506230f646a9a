"""One message to the person whose update could not be handled, when the flows cannot speak."""

from __future__ import annotations

import structlog
from aiogram import Bot
from aiogram.enums import ChatType
from aiogram.types import InlineKeyboardMarkup, Update

log = structlog.get_logger(__name__)


async def reply_in_private(
    update: Update, bot: Bot, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Stop the button's spinner and say `text` (with `markup`'s buttons), in a private chat
    only (a group hears nothing); never raises."""
    chat_id = private_chat_id(update)
    if chat_id is None:
        return
    try:
        if update.callback_query is not None:
            await update.callback_query.answer()
        await bot.send_message(chat_id, text, reply_markup=markup)
    except Exception:  # noqa: BLE001
        log.warning("error_reply_failed", update_id=update.update_id)


def private_chat_id(update: Update) -> int | None:
    message = update.message or (
        update.callback_query.message if update.callback_query is not None else None
    )
    if message is not None and message.chat.type == ChatType.PRIVATE:
        return message.chat.id
    return None
