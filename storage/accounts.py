"""Accounts: one person in one messenger, the identity every row and key of the bot is about.

Telegram's user 5 and Max's user 5 are two people. Every table (users, consents, links,
the outbox, feedback, renewal orders, contact changes, the audit's actor) and every Redis key
that names a person names their *account id*, an integer that says both the messenger and
the messenger's own id:

* a Telegram account's id is the Telegram user id itself (every row from before channels
  stays what it was);
* a Max account's id is the Max user id negated.

Messengers give people positive ids, so the two ranges never meet, and the account id is
worked out from an update without a lookup on any replica. `users.channel` and
`users.external_id` spell the pair out for whoever reads the table. A third messenger would
need ids of its own (a sequence), not a third sign.
"""

from __future__ import annotations

import enum
from typing import NamedTuple


class Channel(enum.StrEnum):
    """The messengers a person can use the bot from."""

    TELEGRAM = "telegram"
    MAX = "max"


class Account(NamedTuple):
    channel: Channel
    external_id: int  # the messenger's own id of the person (and of their private chat)


def account_id(channel: Channel, external_id: int) -> int:
    """The account id of the messenger's user `external_id`."""
    if external_id <= 0:
        raise ValueError(f"a {channel.value} user id is positive, not {external_id}")
    return external_id if channel is Channel.TELEGRAM else -external_id


def account_of(account: int) -> Account:
    """Which messenger and which of its users an account id is."""
    if account > 0:
        return Account(Channel.TELEGRAM, account)
    if account < 0:
        return Account(Channel.MAX, -account)
    raise ValueError("0 is no account")


#: Max's group chats (the staff's) as the bot's handlers number them: below every account id,
#: since Max's ids (of people and of chats, which may be equal) are JSON-safe integers
#: (|id| < 2**53). A Max person's chat, −user_id, is never taken for a group chat.
_MAX_GROUPS = -(2**54)


def is_max_group(number: int) -> bool:
    """Whether a chat the handlers know is a Max group chat (`max_group`), not a person's."""
    return number < -(2**53)


def max_group(chat_id: int) -> int:
    """The number the bot's handlers know Max's group chat `chat_id` by."""
    if abs(chat_id) >= 2**53:
        raise ValueError(f"not a Max chat id: {chat_id}")
    return _MAX_GROUPS + chat_id
