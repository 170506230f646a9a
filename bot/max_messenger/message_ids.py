"""Max's message ids (strings such as ``mid.00000000…``) as the integers aiogram and the dialogs
keep, in Redis, shared by every replica.

A Max message gets a number the first time the bot sees it (sent, received, or under a pressed
button) and keeps it as long as a dialog can still edit it; a number whose message is forgotten
reads as no message (an edit then sends a new one, as aiogram-dialog does for a message too old
to edit).

The staff's group chat is different: its posts are kept in the database by number, for good,
and a staff member answers a post weeks later. There a message's number is Max's own `seq` of
it (unique, never reused), pinned with no expiry (`pin`), so no lost or expired Redis key can
ever give an old post's number to another message.
"""

from __future__ import annotations

from redis.asyncio import Redis

#: How long a message's number lasts (longer than a dialog's state, `FSM_TTL_SECONDS`).
TTL_SECONDS = 30 * 24 * 3600


class MessageIds:
    def __init__(self, redis: Redis, *, prefix: str, ttl: int = TTL_SECONDS) -> None:
        self.redis = redis
        self.ttl = ttl
        self._seq = f"{prefix}:max:mid:seq"
        self._by_mid = f"{prefix}:max:mid:"
        self._by_number = f"{prefix}:max:msg:"

    async def number(self, mid: str) -> int:
        """The message's number, given it on first sight (two replicas racing agree: the
        first to write wins and the other reads its number)."""
        known = await self.redis.get(self._by_mid + mid)
        if known is not None:
            return int(known)
        candidate = int(await self.redis.incr(self._seq))
        if await self.redis.set(self._by_mid + mid, candidate, ex=self.ttl, nx=True):
            await self.redis.set(self._by_number + str(candidate), mid, ex=self.ttl)
            return candidate
        return int(await self.redis.get(self._by_mid + mid) or candidate)

    async def pin(self, mid: str, number: int) -> int:
        """Give the message a number of Max's own (its `seq`), for good."""
        await self.redis.set(self._by_mid + mid, number)
        await self.redis.set(self._by_number + str(number), mid)
        return number

    async def fresh(self) -> int:
        """A number of no Max message: for what Max says without one (the start of a dialog)."""
        return int(await self.redis.incr(self._seq))

    async def mid(self, number: int) -> str | None:
        """The Max message of a number, or None when there is none (any more)."""
        mid = await self.redis.get(self._by_number + str(number))
        if mid is None:
            return None
        return mid.decode() if isinstance(mid, bytes) else str(mid)

    async def forget(self, number: int) -> None:
        """The message was deleted."""
        mid = await self.mid(number)
        keys = [self._by_number + str(number)] + ([self._by_mid + mid] if mid else [])
        await self.redis.delete(*keys)
