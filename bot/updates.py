"""Updates that aiogram cannot read.

aiogram validates a whole `getUpdates` answer at once: one update it cannot parse (a message
without a chat, a field of an unexpected type) fails the batch, and polling asks for the same
batch again, for ever, even after a restart, since the offset never moves past it. This
request middleware takes the batch apart instead: each update that parses is kept, one that
does not is dropped with a warning that names its id only (its content is a person's), and the
next `getUpdates` confirms it (its offset is moved past it when it came last).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import structlog
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.exceptions import ClientDecodeError
from aiogram.methods import GetUpdates, Response, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Update
from pydantic import ValidationError

from bot import metrics

if TYPE_CHECKING:
    from aiogram import Bot

log = structlog.get_logger(__name__)


class UnreadableUpdates(BaseRequestMiddleware):
    def __init__(self) -> None:
        self._skip_to = 0  # the offset past the last unreadable update seen

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        request = method  # as typed: narrowing below would lose TelegramType
        if not isinstance(method, GetUpdates):
            return await make_request(bot, request)
        if self._skip_to and (method.offset is None or 0 <= method.offset < self._skip_to):
            method.offset = self._skip_to  # confirms an unreadable update that came last
        try:
            return await make_request(bot, request)
        except ClientDecodeError as exc:
            batch = exc.data.get("result") if isinstance(exc.data, dict) else None
            if not isinstance(batch, list) or not exc.data.get("ok"):
                raise
            updates = []
            for item in batch:
                update = readable(item, bot)
                if update is None:
                    self._skip_to = max(self._skip_to, int(item["update_id"]) + 1)
                else:
                    updates.append(update)
            # The chain carries the method's result (aiogram's annotation says Response).
            return cast(Response[TelegramType], updates)


def readable(item: Any, bot: Bot) -> Update | None:
    """The update, or None (logged by id, counted) when aiogram cannot parse it. One without
    an integer `update_id` is not Telegram's: its ValidationError goes on."""
    try:
        return Update.model_validate(item, context={"bot": bot})
    except ValidationError:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if not isinstance(update_id, int):
            raise
        metrics.UPDATES_UNREADABLE.inc()
        log.warning("update_unreadable", update_id=update_id)
        return None
