"""Updates that aiogram cannot read.

aiogram validates a whole `getUpdates` answer at once: one update it cannot parse (a message
without a chat, a field of an unexpected type) fails the batch, and polling asks for the same
batch again, for ever, even after a restart, since the offset never moves past it. This
request middleware takes the batch apart instead: each update that parses is kept, and one
that does not becomes an empty update with its id (handled as nothing, and confirmed by the
next offset), with a warning that names its id only (its content is a person's).
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
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        try:
            return await make_request(bot, method)
        except ClientDecodeError as exc:
            batch = exc.data.get("result") if isinstance(exc.data, dict) else None
            if not isinstance(method, GetUpdates) or not exc.data.get("ok") or not batch:
                raise
            # The chain carries the method's result (aiogram's annotation says Response).
            return cast(Response[TelegramType], [_readable(item, bot) for item in batch])


def _readable(item: Any, bot: Bot) -> Update:
    try:
        return Update.model_validate(item, context={"bot": bot})
    except ValidationError:
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if not isinstance(update_id, int):
            raise
        metrics.UPDATES_UNREADABLE.inc()
        log.warning("update_unreadable", update_id=update_id)
        return Update(update_id=update_id)
