"""`PRIVACY_MODE`: what a chat message may carry.

`full` shows everything in the chat. `strict` keeps personal data out of Telegram: no names,
no SNILS/passport/INN, no addresses, no amounts or bank details, no documents, and policy and
claim numbers masked to their last 4 characters. Details and documents open through a
one-time link instead (`bot/flows/documents.py`).
"""

from __future__ import annotations

from aiogram_dialog import DialogManager

from bot.config import PrivacyMode, Settings
from bot.flows.deps import deps

VISIBLE = 4


def is_strict(manager: DialogManager) -> bool:
    settings: Settings = deps(manager).settings
    return settings.chat.privacy_mode is PrivacyMode.STRICT


def masked(number: str) -> str:
    """ "ОСАГО-2024-000123" → "…0123"."""
    return number if len(number) <= VISIBLE else "…" + number[-VISIBLE:]


def number_for(manager: DialogManager, number: str) -> str:
    """A policy, claim or order number as this chat may show it."""
    return masked(number) if is_strict(manager) else number
