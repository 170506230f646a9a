"""Conversations built with aiogram-dialog: one module per flow, states in `states.py`."""

from bot.flows.certificates import certificates_dialog
from bot.flows.claims import claims_dialog
from bot.flows.consent import consent_dialog
from bot.flows.contacts import contacts_dialog
from bot.flows.feedback import feedback_dialog
from bot.flows.filing import filing_dialog
from bot.flows.logout import logout_dialog
from bot.flows.menu import menu_dialog
from bot.flows.my_documents import documents_dialog
from bot.flows.offers import offers_dialog
from bot.flows.payouts import payouts_dialog
from bot.flows.policies import policies_dialog
from bot.flows.revoke import revoke_dialog
from bot.flows.settings import settings_dialog

__all__ = [
    "certificates_dialog",
    "claims_dialog",
    "consent_dialog",
    "contacts_dialog",
    "documents_dialog",
    "feedback_dialog",
    "filing_dialog",
    "logout_dialog",
    "menu_dialog",
    "offers_dialog",
    "payouts_dialog",
    "policies_dialog",
    "revoke_dialog",
    "settings_dialog",
]
