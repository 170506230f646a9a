"""The router tree: filters at router level, one module per menu area, thin handlers.

root
├── errors                      every unhandled exception (incident id), stale buttons
├── linking                     /start b_{code} in any chat: binds in the right private chat only
├── staff                       the staff chat (SUPPORT_CHAT_ID): answers to questions, /overdue
├── groups                      groups and channels: "private chats only", once
└── private                     private chats only
    ├── commands, dialogs       /start, /help, /cancel, /revoke; consent and revoke screens
    ├── broadcast               ADMIN_IDS: /broadcast and its buttons (composer: after consented)
    ├── consented               HasConsent: the menu, settings (and contacts), /logout, alert
    │                           buttons, «Ответить» under support's answers, and the sections:
    │                           policies, claims (filing one too), certificates, payouts,
    │                           support (questions and reviews)
    └── fallback                anything else
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType

from bot.broadcast_board import ProgressBoard
from bot.filters import HasConsent
from bot.flows.broadcast import broadcast_dialog
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
from bot.handlers import (
    alerts,
    broadcast,
    commands,
    errors,
    fallback,
    goto,
    groups,
    linking,
    staff,
    support,
)


def build_root_router(*, support_chat_id: int | None) -> Router:
    private = Router(name="private")
    private.message.filter(F.chat.type == ChatType.PRIVATE)
    private.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)

    consented = Router(name="consented")
    consented.message.filter(HasConsent())
    consented.callback_query.filter(HasConsent())
    consented.include_routers(
        commands.build_consented_router(),
        linking.build_consented_router(),
        alerts.build_router(),
        support.build_router(),
        goto.build_router(),
        menu_dialog(),
        settings_dialog(),
        contacts_dialog(),
        logout_dialog(),
        policies_dialog(),
        claims_dialog(),
        filing_dialog(),
        certificates_dialog(),
        payouts_dialog(),
        documents_dialog(),
        feedback_dialog(),
        offers_dialog(),
    )

    # ADMIN_IDS only (router-level IsAdmin): /broadcast before the dialogs, its composer after.
    private.include_routers(
        commands.build_router(),
        broadcast.build_router(ProgressBoard()),
        consent_dialog(),
        revoke_dialog(),
        consented,
        broadcast_dialog(),
        fallback.build_router(),
    )

    root = Router(name="root")
    root.include_routers(
        errors.build_router(),
        linking.build_router(),
        staff.build_router(support_chat_id=support_chat_id),
        groups.build_router(support_chat_id=support_chat_id),
        groups.build_private_membership_router(),
        private,
    )
    return root
