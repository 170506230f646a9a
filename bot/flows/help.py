"""Помощь and /help: the insurer's support contacts, as the cabinet gives them
(getInsurerContacts, cached like every reading), or the configured `SUPPORT_CONTACTS` when the
cabinet cannot say (down with nothing cached): help must always answer."""

from __future__ import annotations

import structlog

from bot.config import Settings
from cabinet import CabinetClient, CabinetError

log = structlog.get_logger(__name__)


async def support_contacts(cabinet: CabinetClient, settings: Settings, locale: str) -> str:
    """One line of plain text: «📞 8 800 … · ✉️ … · 🕘 … · 🌐 …»."""
    try:
        contacts = (await cabinet.insurer_contacts(locale=locale)).value
    except CabinetError as exc:
        log.info("insurer_contacts_from_settings", error=type(exc).__name__)
        return settings.staff.support_contacts
    parts = (
        ("📞", contacts.phone),
        ("✉️", contacts.email),
        ("🕘", contacts.hours),
        ("🌐", contacts.website),
    )
    return " · ".join(f"{icon} {value}" for icon, value in parts if value)
