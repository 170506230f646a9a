"""The messengers a person can link a chat from, and how each one's deep links look.

Telegram today, Max (VK's messenger, the one Russian law favours for financial organisations)
next, on the same core. A sign-in remembers the channel its chat is in: every code of it
carries the channel (`linking/codes.py`), the return link at its end is that channel's own
deep link, and the bind code binds only in the same channel and account (a return link
opened in another messenger binds nothing). Codes made before there were channels are
Telegram's.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote


class Channel(enum.StrEnum):
    TELEGRAM = "telegram"
    MAX = "max"

    @property
    def payload_limit(self) -> int:
        """The longest start parameter a deep link of this messenger carries."""
        return {Channel.TELEGRAM: 64, Channel.MAX: 128}[self]

    def deep_link(self, bot: str, payload: str) -> str:
        """The link that opens the bot's chat and starts it with `payload`."""
        if len(payload) > self.payload_limit:
            raise ValueError(f"a {self.value} start payload is at most {self.payload_limit}")
        host = {Channel.TELEGRAM: "t.me", Channel.MAX: "max.ru"}[self]
        return f"https://{host}/{quote(bot)}?start={quote(payload)}"


def channel_of(payload: Mapping[str, Any]) -> Channel:
    """The channel a code's payload names (none: a code from before channels, Telegram's)."""
    return Channel(payload.get("channel", Channel.TELEGRAM.value))
