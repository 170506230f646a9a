"""The messengers a person can link a chat from, and how each one's deep links look.

Telegram today, Max (VK's messenger, the one Russian law favours for financial organisations)
next, on the same core. A sign-in is for one account (`storage/accounts.py`), and an account
is of one messenger: the return link at the sign-in's end is that messenger's own deep link,
and the bind code binds only in the same account (a return link opened in another messenger
binds nothing).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from storage.accounts import Channel, account_of

__all__ = ["Channel", "channel_of", "deep_link", "messenger_name", "payload_limit"]

_PAYLOAD_LIMITS = {Channel.TELEGRAM: 64, Channel.MAX: 128}
_HOSTS = {Channel.TELEGRAM: "t.me", Channel.MAX: "max.ru"}
_NAMES = {Channel.TELEGRAM: "Telegram", Channel.MAX: "Max"}


def messenger_name(channel: Channel) -> str:
    """How the texts name the messenger (`$messenger` in the Fluent messages)."""
    return _NAMES[channel]


def payload_limit(channel: Channel) -> int:
    """The longest start parameter a deep link of this messenger carries."""
    return _PAYLOAD_LIMITS[channel]


def deep_link(channel: Channel, bot: str, payload: str) -> str:
    """The link that opens the bot's chat in `channel` and starts it with `payload`."""
    limit = payload_limit(channel)
    if len(payload) > limit:
        raise ValueError(f"a {channel.value} start payload is at most {limit}")
    return f"https://{_HOSTS[channel]}/{quote(bot)}?start={quote(payload)}"


def channel_of(payload: Mapping[str, Any]) -> Channel:
    """The messenger of the account a code's payload signs in."""
    return account_of(int(payload["user_id"])).channel
