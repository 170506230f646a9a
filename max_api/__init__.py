"""The Max Bot API (VK's messenger): a small client and what a message to Max looks like.
Imports nothing of the bot: the conversations (`bot/max_messenger/`) and the outbox
(`notify/ports/max_messenger.py`) both use it."""

from max_api.client import (
    CHAT_DENIED,
    NOT_READY,
    GroupChat,
    MaxApi,
    MaxError,
    Recipient,
    Updates,
    User,
)

__all__ = [
    "CHAT_DENIED",
    "NOT_READY",
    "GroupChat",
    "MaxApi",
    "MaxError",
    "Recipient",
    "Updates",
    "User",
]
