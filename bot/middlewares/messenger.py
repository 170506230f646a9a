"""Which messenger an update came from, for its texts: every message rendered while the update
is handled may use `$messenger` ("Telegram" or "Max", as the linking pages name them) and
choose a variant by it — Max's shorter button labels, say. A text made for someone else (an
answer queued for a person, a post in the staff chat) passes its own `messenger` if it uses
one.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from aiogram.types import User as TelegramUser

from bot.i18n import MESSENGER
from linking.channels import messenger_name
from storage.accounts import account_of


class MessengerMiddleware(BaseMiddleware):
    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        user: TelegramUser | None = data.get("event_from_user")
        account = account_of(user.id) if user is not None else None
        token = MESSENGER.set(messenger_name(account.channel) if account else MESSENGER.get())
        try:
            return await handler(event, data)
        finally:
            MESSENGER.reset(token)
