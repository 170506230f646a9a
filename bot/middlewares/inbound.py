"""Updates put in the shape the handlers (and aiogram-dialog) can take.

A reply to a message that has no sender (Telegram leaves out `from` for a channel's message,
and a forged update can too): aiogram-dialog reads `reply_to_message.from_user.id` and fails.
The bot has nothing to do with such a quoted message, so the update goes on without it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update


class InboundShape(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        if isinstance(event, Update) and event.message is not None:
            quoted = event.message.reply_to_message
            if quoted is not None and quoted.from_user is None:
                message = event.message.model_copy(update={"reply_to_message": None})
                event = event.model_copy(update={"message": message})
        return await handler(event, data)
