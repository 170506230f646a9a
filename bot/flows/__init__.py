"""Conversations built with aiogram-dialog: one module per flow, states in `states.py`."""

from bot.flows.consent import consent_dialog
from bot.flows.menu import menu_dialog
from bot.flows.revoke import revoke_dialog
from bot.flows.settings import settings_dialog

__all__ = ["consent_dialog", "menu_dialog", "revoke_dialog", "settings_dialog"]
