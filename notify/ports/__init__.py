"""The delivery port: what a messenger must offer the outbox and the alerts, one per channel.

A port sends one outbox row (text with buttons, a photo or a document, a file rendered at send
time), edits a message it sent, says what its messenger allows (`Limits`) and turns the
messenger's answers into an `Outcome` the worker records — it never raises for them:

* `sent`;
* `blocked`: the person stopped the bot (Telegram's 403): the chat's rows end, the user is
  inactive; never retried;
* `rate_limited` with `delay` (a 429's retry-after): that channel's limiter pauses every sender
  of the channel, the row waits as long, its attempts are not counted; other channels go on;
* `dead`: rejected (a 400: bad markup, a chat that does not exist, a bad payload);
* `retry` with `delay`: transient (5xx, the network), with backoff until `max_attempts`;
* `unlinked` is the worker's own (a personal alert whose chat is no longer linked).

Each row names its channel (`outbox.channel`, `telegram` for every row from before); a worker
is given one port per channel it serves (`notify.worker.Lane`, with that channel's limiter,
`Limiter(..., channel=port.limits.key)`) and claims only rows of those channels, so a row of a
messenger this process has no port for stays pending for a process that has one.

`notify.ports.telegram.TelegramPort` is Telegram's.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from notify.outbox import Claimed
from notify.payload import Button

SENT, RETRY, DEAD, BLOCKED, RATE_LIMITED = "sent", "retry", "dead", "blocked", "rate_limited"
UNLINKED = "unlinked"  # a personal alert whose chat is no longer linked to its customer


@dataclass(frozen=True, slots=True)
class Outcome:
    """`result`: sent | retry | rate_limited | dead | blocked | unlinked; `delay` for the two
    waits."""

    result: str
    reason: str = ""
    delay: float = 0.0


@dataclass(frozen=True, slots=True)
class Limits:
    """What a messenger allows (its published figures; the deployment may send slower).

    `key` names the channel in the limiter's Redis keys (`tg` for Telegram, as always); `text`
    and `caption` in characters; `button_text` in characters (None: not published);
    `button_data` in bytes (a callback button's payload); `rate` messages a second for the
    whole bot, `chat_interval` seconds between two messages to one chat; `paid_broadcast`:
    whether the messenger sells a higher broadcast rate (`paid_rate`)."""

    key: str
    text: int
    caption: int
    button_text: int | None
    button_data: int
    rate: float
    chat_interval: float
    paid_broadcast: bool = False
    paid_rate: float | None = None


@dataclass
class Backoff:
    """Retries of 5xx and network errors: base·2ⁿ⁻¹ seconds (±20 %), at most `cap`; the row
    is dead once it has been tried `max_attempts` times."""

    base: float = 2.0
    cap: float = 300.0
    max_attempts: int = 5

    def delay(self, attempts: int) -> float:
        raw = min(self.cap, self.base * 2 ** max(0, attempts - 1))
        return float(raw * random.uniform(0.8, 1.2))  # noqa: S311 - jitter, not a secret


@runtime_checkable
class DeliveryPort(Protocol):
    """One messenger, as the delivery engine sees it. `channel` is the outbox's value for it
    (`telegram`, `max`)."""

    @property
    def channel(self) -> str: ...

    @property
    def limits(self) -> Limits: ...

    async def warm_up(self) -> None:
        """Open the connection before the first send (never raises)."""

    def is_paid(self, row: Claimed) -> bool:
        """Whether the row goes at the paid broadcast rate (its own limiter bucket)."""

    async def send(self, row: Claimed) -> Outcome:
        """Send the row's payload (`notify.payload`) to its chat."""

    async def edit(
        self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]] | None = None
    ) -> Outcome:
        """Replace the text (and buttons) of a message the bot sent; an unchanged text is
        `sent`."""
