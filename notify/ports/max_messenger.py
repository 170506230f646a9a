"""Max's delivery port.

The bot's Max `Bot` is an aiogram `Bot` whose session speaks Max (`bot/max_messenger`): the
same calls as Telegram's, Max's answers turned into aiogram's exceptions (a 429 with Max's
Retry-After, a stopped bot as a 403, a refusal as a 400). So the outbox sends to Max the way it
sends to Telegram — the port is Telegram's, with Max's channel and limits, and no paid
broadcasts. A document made at send time is uploaded and sent (Max's upload token); an outbox
row carrying a Telegram file id (a broadcast's picture) cannot be sent in Max and ends dead,
saying so. (Named `max_messenger`, not `max`: a submodule `max` would become the name `max`
inside `notify.ports` and hide the builtin there.)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from notify.outbox import Claimed
from notify.ports import Limits
from notify.ports.telegram import TelegramPort

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
    channel: ClassVar[str] = MAX
    limits: ClassVar[Limits] = MAX_LIMITS

    def is_paid(self, row: Claimed) -> bool:
        return False
