"""One rate limiter for every process that sends: a Lua script in Redis, atomic per call.

* a global rate (`TELEGRAM_RATE_LIMIT`, 30 messages/s): a GCRA schedule — each send reserves
  the next free slot `1/rate` after the previous one, so senders in any number of processes
  are spaced evenly instead of bursting and tripping Telegram's own limit;
* at most one message per second per chat;
* a global pause: a 429 from Telegram sets `{prefix}:tg:pause` for `retry_after`, and every
  sender waits for it to end;
* paid broadcasts (`TELEGRAM_PAID_BROADCAST=true`) are scheduled on a bucket of their own at
  `TELEGRAM_PAID_RATE` (1000/s);
* replies first: the bot's direct replies take global slots too (`reserve_reply`), and may
  reserve up to `REPLY_AHEAD_MS` ahead where the outbox may reserve `MAX_AHEAD_MS`: a reply
  is never refused, waits at most about `MAX_AHEAD_MS` behind a broadcast, and the outbox
  makes room for it (its next reservation finds the schedule full).

The clock is Redis's (`TIME`), so processes on different hosts agree on it. Each messenger
has a limiter of its own (`channel`: `tg` for Telegram, `max` for Max, in every key), so a 429
from one never pauses the other, and each keeps its own rates.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from redis.asyncio import Redis

#: How far ahead an outbox sender may reserve a global slot (then it sleeps until the slot).
MAX_AHEAD_MS = 1000
#: How far ahead a direct reply may: far enough that replies are never refused.
REPLY_AHEAD_MS = 10_000
#: Sends leave the limiter evenly spaced but reach Telegram with some jitter (the event loop,
#: the network): a send that arrives a few ms late next to one on time would make N+1 in a
#: second. So the schedule runs 3 % under the configured rate (30 → 29.1/s: ~30 ms of slack
#: per second) and a chat's next message waits 1.1 s.
RATE_SAFETY = 0.97
CHAT_INTERVAL = 1.1

# KEYS: pause, global bucket, chat key, in-flight set (optional: "" = none)
# ARGV: interval ms (float), chat interval ms (0: no per-chat rule), max ahead ms, member for
# the in-flight set
# Returns {code, wait_ms}: 0 = reserved (sleep wait_ms, then send), 1 = paused (retry after
# wait_ms), 2 = the chat is busy (its next slot in wait_ms), 3 = the global schedule is full
# (retry after wait_ms).
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local pause = redis.call('PTTL', KEYS[1])
if pause > 0 then
  return {1, pause}
end
local chat_gap = tonumber(ARGV[2])
if chat_gap > 0 then
  local chat_next = tonumber(redis.call('GET', KEYS[3]) or '0')
  if chat_next > now then
    return {2, math.ceil(chat_next - now)}
  end
end
local interval = tonumber(ARGV[1])
local tat = tonumber(redis.call('GET', KEYS[2]) or '0')
local at = math.max(tat, now)
local ahead = at - now
if ahead > tonumber(ARGV[3]) then
  return {3, math.ceil(ahead - tonumber(ARGV[3]))}
end
redis.call('SET', KEYS[2], string.format('%.3f', at + interval), 'PX',
  math.ceil(ahead + interval) + 1000)
if chat_gap > 0 then
  redis.call('SET', KEYS[3], string.format('%.3f', at + chat_gap), 'PX',
    math.ceil(ahead + chat_gap) + 1000)
end
if KEYS[4] ~= '' then
  redis.call('SADD', KEYS[4], ARGV[4])
end
return {0, math.floor(ahead)}
"""

# KEYS: pause. ARGV: ms. Never shortens a longer pause already set.
_PAUSE = """
local current = redis.call('PTTL', KEYS[1])
local wanted = tonumber(ARGV[1])
if current < wanted then
  redis.call('SET', KEYS[1], '1', 'PX', wanted)
  return wanted
end
return current
"""

RESERVED, PAUSED, CHAT_BUSY, FULL = 0, 1, 2, 3


@dataclass(frozen=True, slots=True)
class Decision:
    """What the limiter said: `code` (RESERVED, PAUSED, CHAT_BUSY, FULL) and a wait in s."""

    code: int
    wait: float

    @property
    def reserved(self) -> bool:
        return self.code == RESERVED


class Limiter:
    """The shared limiter. `acquire` is one Redis round trip."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        rate: float = 30.0,
        paid_rate: float = 1000.0,
        chat_interval: float = CHAT_INTERVAL,
        safety: float = RATE_SAFETY,
        channel: str = "tg",
    ) -> None:
        if rate <= 0 or paid_rate <= 0:
            raise ValueError("rates must be positive")
        self.redis = redis
        self.prefix = f"{prefix}:{channel}"
        self.rate = rate * safety
        self.paid_rate = paid_rate * safety
        self.chat_interval = chat_interval
        self._acquire: Any = redis.register_script(_ACQUIRE)
        self._pause: Any = redis.register_script(_PAUSE)

    @property
    def pause_key(self) -> str:
        return f"{self.prefix}:pause"

    def chat_key(self, chat_id: int) -> str:
        return f"{self.prefix}:chat:{chat_id}"

    async def acquire(
        self,
        chat_id: int,
        *,
        paid: bool = False,
        in_flight: tuple[str, str] | None = None,
    ) -> Decision:
        """Reserve a slot for one message to `chat_id`; with `in_flight=(set key, member)`,
        the member is added to that set in the same step (crash accounting)."""
        rate = self.paid_rate if paid else self.rate
        bucket = f"{self.prefix}:rate:{'paid' if paid else 'global'}"
        set_key, member = in_flight if in_flight else ("", "")
        code, wait_ms = await self._acquire(
            keys=[self.pause_key, bucket, self.chat_key(chat_id), set_key],
            args=[1000.0 / rate, self.chat_interval * 1000.0, MAX_AHEAD_MS, member],
        )
        return Decision(int(code), int(wait_ms) / 1000.0)

    async def reserve_reply(self) -> Decision:
        """A global slot for one direct reply (no per-chat rule: an answer and its menu go
        together). RESERVED with the wait until the slot, or PAUSED after a 429."""
        code, wait_ms = await self._acquire(
            keys=[self.pause_key, f"{self.prefix}:rate:global", "", ""],
            args=[1000.0 / self.rate, 0, REPLY_AHEAD_MS, ""],
        )
        return Decision(int(code), int(wait_ms) / 1000.0)

    async def pause(self, seconds: float) -> None:
        """Every sender waits `seconds` (a 429's retry_after); a longer pause is kept."""
        await self._pause(keys=[self.pause_key], args=[max(1, int(seconds * 1000))])

    async def paused_for(self) -> float:
        """Seconds left of the global pause (0: none)."""
        ttl = int(await self.redis.pttl(self.pause_key))
        return ttl / 1000.0 if ttl > 0 else 0.0
