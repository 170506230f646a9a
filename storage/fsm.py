"""aiogram's FSM storage in Redis, with one saving for aiogram-dialog's hot path."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage

_REMEMBERED = 10_000


class FSMStorage(RedisStorage):
    """RedisStorage that skips deleting a record it has just read as empty.

    aiogram-dialog reads the user's dialog stack on every update and writes it back at the
    end, which for an empty stack is a DEL of a key that does not exist: one wasted round
    trip per update outside a dialog. A handler runs under its user's lock (aiogram's
    RedisEventIsolation), so "read as empty" still holds when the write comes; any read
    that finds data clears the memo.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._read_empty: OrderedDict[str, None] = OrderedDict()

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        data = await super().get_data(key)
        redis_key = self.key_builder.build(key, "data")
        if data:
            self._read_empty.pop(redis_key, None)
        else:
            self._read_empty[redis_key] = None
            if len(self._read_empty) > _REMEMBERED:
                self._read_empty.popitem(last=False)
        return data

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        redis_key = self.key_builder.build(key, "data")
        was_empty = self._read_empty.pop(redis_key, 0) is None
        if not data and was_empty:
            return
        await super().set_data(key, data)

    async def close(self) -> None:
        """Not ours to close: the Redis client belongs to the process's resources (opened and
        closed by the bot's wiring), and updates still finishing at shutdown need it."""
