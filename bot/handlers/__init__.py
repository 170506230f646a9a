"""The router tree: filters at router level, one module per menu area, thin handlers.

root
├── errors                      every unhandled exception (incident id), stale buttons
├── groups                      groups and channels: "private chats only", once
└── private                     private chats only
    ├── commands, dialogs       /start, /help, /cancel, /revoke; consent and revoke screens
    ├── consented               HasConsent: the menu, settings and every later section
    └── fallback                anything else
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.enums import ChatType

from bot.filters import HasConsent
from bot.flows import consent_dialog, menu_dialog, revoke_dialog, settings_dialog
from bot.handlers import commands, errors, fallback, groups


def build_root_router(*, support_chat_id: int | None) -> Router:
    private = Router(name="private")
    private.message.filter(F.chat.type == ChatType.PRIVATE)
    private.callback_query.filter(F.message.chat.type == ChatType.PRIVATE)

    consented = Router(name="consented")
    consented.message.filter(HasConsent())
    consented.callback_query.filter(HasConsent())
    consented.include_routers(commands.build_consented_router(), menu_dialog(), settings_dialog())

    private.include_routers(
        commands.build_router(),
        consent_dialog(),
        revoke_dialog(),
        consented,
        fallback.build_router(),
    )

    root = Router(name="root")
    root.include_routers(
        errors.build_router(),
        groups.build_router(support_chat_id=support_chat_id),
        groups.build_private_membership_router(),
        private,
    )
    return root
