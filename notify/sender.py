"""The names the delivery engine had before the ports (`notify.ports`): `Sender` is
Telegram's port (`notify.ports.telegram.TelegramPort`), the outcomes and `Backoff` are the
ports' own, `Documents` lives with the files (`notify.ports.files`)."""

from __future__ import annotations

from notify.ports import (
    BLOCKED,
    DEAD,
    RATE_LIMITED,
    RETRY,
    SENT,
    UNLINKED,
    Backoff,
    Outcome,
)
from notify.ports.files import Documents
from notify.ports.telegram import TelegramPort as Sender

__all__ = [
    "BLOCKED",
    "DEAD",
    "RATE_LIMITED",
    "RETRY",
    "SENT",
    "UNLINKED",
    "Backoff",
    "Documents",
    "Outcome",
    "Sender",
]
