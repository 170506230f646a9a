"""One database session per update, and the private chat's user row (`db_user`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.enums import ChatType
from aiogram.types import Chat, TelegramObject
from aiogram.types import User as TelegramUser
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.i18n import locale_for
from storage.repositories import UserRepository


class DatabaseMiddleware(BaseMiddleware):
    """Commits when the handler returns, rolls back when it raises.

    A user row exists only for people who wrote to the bot privately: group members
    are never stored.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        *,
        default_locale: str,
        default_time_zone: str,
    ) -> None:
        self.session_factory = session_factory
        self.default_locale = default_locale
        self.default_time_zone = default_time_zone

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        async with self.session_factory() as session:
            data["session"] = session
            data["db_user"] = None
            from_user: TelegramUser | None = data.get("event_from_user")
            chat: Chat | None = data.get("event_chat")
            if from_user is not None and not from_user.is_bot and _is_private(chat, from_user):
                data["db_user"] = await UserRepository(session).get_or_create(
                    from_user.id,
                    locale=locale_for(from_user.language_code, self.default_locale),
                    time_zone=self.default_time_zone,
                )
            result = await handler(event, data)
            await session.commit()
            return result


def _is_private(chat: Chat | None, from_user: TelegramUser) -> bool:
    # Updates with no chat (e.g. an inline query) come from the user themselves.
    return chat is None or (chat.type == ChatType.PRIVATE and chat.id == from_user.id)
