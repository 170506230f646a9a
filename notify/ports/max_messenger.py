"""Max's delivery port.

The bot's Max `Bot` is an aiogram `Bot` whose session speaks Max (`bot/max_messenger`): the
same calls as Telegram's, Max's answers turned into aiogram's exceptions (a 429 with Max's
Retry-After, a stopped bot as a 403, a refusal as a 400). So the outbox sends to Max the way it
sends to Telegram — the port is Telegram's, with Max's channel and limits, and no paid
broadcasts. A document made at send time is uploaded and sent (Max's upload token).

A broadcast's picture or file is a Telegram file id (the admin sent it in Telegram), which
means nothing in Max: the first Max row of it downloads the file from Telegram once, uploads
it to Max once in the send, and keeps Max's token in Redis (under a lock, for every worker);
every other Max recipient is sent that token — one upload, however many recipients.
(Named `max_messenger`, not `max`: a submodule `max` would become the name `max`
inside `notify.ports` and hide the builtin there.)
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import ClassVar, cast

from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.types import BufferedInputFile, Message
from redis.asyncio import Redis
from redis.exceptions import LockError

from max_api.messages import UPLOADED
from notify.outbox import Claimed
from notify.payload import Payload
from notify.ports import Limits
from notify.ports.telegram import TelegramPort
from storage.redis import KEY_PREFIX

#: How long Max's token of a broadcast's file is reused (a broadcast is over well before; a
#: token Max refuses sooner is dropped and the file carried again).
CARRIED_SECONDS = 7 * 24 * 3600
#: Seconds one worker may hold the carrying (below the outbox's lease, so a row waiting on it
#: is not claimed again meanwhile), and a second waits for it before trying its row later.
CARRY_LOCK, CARRY_WAIT = 30, 5

#: The outbox's value for Max rows.
MAX = "max"

#: Max's published limits: 4000 characters of text, 1024 bytes of a callback payload, about
#: 30 requests a second per bot — replies included, so the outbox takes less (`MAX_RATE_LIMIT`)
#: — and no published per-chat rate (Telegram's one a second is kept).
MAX_LIMITS = Limits(
    key="max",
    text=4000,
    caption=4000,
    button_text=None,  # Max cuts long labels on the screen; not published
    button_data=1024,
    rate=30.0,
    chat_interval=1.0,
)


@dataclass
class MaxPort(TelegramPort):
    """`source`: the Telegram bot, whose file ids broadcasts carry; `redis`: where Max's
    tokens of those files are shared by the workers."""

    source: Bot | None = None
    redis: Redis | None = None

    channel: ClassVar[str] = MAX
    limits: ClassVar[Limits] = MAX_LIMITS

    def is_paid(self, row: Claimed) -> bool:
        return False

    async def _call(self, row: Claimed, payload: Payload) -> Message:
        kind = next((k for k in ("photo", "document") if k in payload), None)
        file_id = str(payload.get(kind, "")) if kind else ""
        if kind is None or file_id.startswith(UPLOADED):
            return await super()._call(row, payload)
        if self.source is None or self.redis is None:
            raise ValueError("a Telegram file id, and no Telegram bot to fetch it from")
        key = f"{KEY_PREFIX}:max:carried:{hashlib.sha256(file_id.encode()).hexdigest()[:32]}"
        if carried := await self.redis.get(key):
            return await self._send_carried(row, payload, kind, _text(carried), key)
        return await self._carry(row, payload, kind, file_id, key)

    async def _send_carried(
        self, row: Claimed, payload: Payload, kind: str, token: str, key: str
    ) -> Message:
        """The row with the file Max already has (its token)."""
        assert self.redis is not None
        try:
            return await super()._call(row, cast(Payload, {**payload, kind: token}))
        except TelegramBadRequest:  # Max no longer knows the token: carry the file again
            await self.redis.delete(key)
            raise CarryAgain(key) from None

    async def _carry(
        self, row: Claimed, payload: Payload, kind: str, file_id: str, key: str
    ) -> Message:
        """The file from Telegram to Max in this row's send, its token kept for the others —
        by one worker at a time (`CARRY_LOCK`); another that finds the lock taken tries its
        row again shortly, when the token is there."""
        assert self.source is not None
        assert self.redis is not None
        lock = self.redis.lock(f"{key}:lock", timeout=CARRY_LOCK, blocking_timeout=CARRY_WAIT)
        if not await lock.acquire():
            raise CarryAgain(file_id)
        try:
            if carried := await self.redis.get(key):  # carried while this one waited
                return await self._send_carried(row, payload, kind, _text(carried), key)
            file = await self.source.get_file(file_id)
            assert file.file_path is not None
            content = await self.source.download_file(file.file_path)
            assert content is not None  # no destination: the bytes come back
            upload = BufferedInputFile(content.read(), PurePosixPath(file.file_path).name)
            # The payload's file is a file id everywhere else; here, the bytes, sent once.
            sent = await super()._call(row, cast(Payload, {**payload, kind: upload}))
            media = sent.photo[-1] if sent.photo else sent.document
            if media is not None:
                await self.redis.set(key, media.file_id, ex=CARRIED_SECONDS)
            return sent
        finally:
            with contextlib.suppress(LockError):  # expired meanwhile: the send stands
                await lock.release()


class CarryAgain(OSError):
    """The row's file is being carried to Max by another worker, or must be carried again: a
    passing condition, so the row is tried again (not dead)."""


def _text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value
