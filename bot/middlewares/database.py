"""One database session per update; it connects only if a handler uses it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class DatabaseMiddleware(BaseMiddleware):
    """Commits when the handler returns, rolls back when it raises.

    A session that never began a transaction holds no connection, and most updates (a
    menu click, /help) never touch the database: closing such a session is skipped, which
    is a measurable share of the per-update cost (see bench/updates.py).
    """

    def __init__(self, session_factory: async_sessionmaker[AsyncSession]) -> None:
        self.session_factory = session_factory

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        session = self.session_factory()
        data["session"] = session
        try:
            result = await handler(event, data)
            if session.in_transaction():
                await session.commit()
            return result
        finally:
            if session.in_transaction():
                await session.close()  # rolls back what the failed handler left open
