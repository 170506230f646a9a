"""The consent screen: its own text and version, "Согласен" / "Не согласен"."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode
from aiogram_dialog.widgets.kbd import Button, Row, SwitchTo
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.deps import deps
from bot.flows.screen import Screen
from bot.flows.states import ConsentSG, MenuSG
from bot.flows.widgets import T, i18n_of
from linking.consent import CONSENT_VERSION, ConsentService, text_sha256
from storage.profiles import Profile, ProfileStore


async def consent_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    # Remember the hash of exactly the text on the screen: that is what the user accepts,
    # even if a new release changes the catalogue before they press the button.
    shown = i18n.get("consent-text", version=CONSENT_VERSION)
    dialog_manager.dialog_data["shown"] = {"sha256": text_sha256(shown), "locale": i18n.locale}
    return {"version": CONSENT_VERSION}


async def on_accept(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    session: AsyncSession = deps(manager).session
    profile: Profile = deps(manager).profile
    profiles: ProfileStore = deps(manager).profiles
    shown = manager.dialog_data["shown"]
    await ConsentService(session).accept(
        profile.user_id, text_hash=shown["sha256"], locale=shown["locale"]
    )
    await session.commit()  # stored before the menu shows, not after
    await profiles.refresh(profile.user_id, locale=profile.locale)
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


async def on_decline(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    session: AsyncSession = deps(manager).session
    profile: Profile = deps(manager).profile
    await ConsentService(session).decline(profile.user_id)
    await session.commit()  # recorded before the screen says so, as accepting is
    await manager.switch_to(ConsentSG.declined)


def consent_dialog() -> Dialog:
    return Dialog(
        Screen(
            T("consent-text"),
            Row(
                Button(T("consent-accept"), id="accept", on_click=on_accept),
                Button(T("consent-decline"), id="decline", on_click=on_decline),
            ),
            state=ConsentSG.ask,
            getter=consent_getter,
        ),
        Screen(
            T("consent-declined"),
            SwitchTo(T("consent-read-again"), id="again", state=ConsentSG.ask),
            state=ConsentSG.declined,
        ),
    )
