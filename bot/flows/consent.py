"""The consent screen: its own text and version, "Согласен" / "Не согласен"."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.states import ConsentSG, MenuSG
from bot.flows.widgets import T, i18n_of
from linking.consent import CONSENT_VERSION, ConsentService
from storage.profiles import Profile, ProfileStore


async def consent_getter(**_: Any) -> dict[str, Any]:
    return {"version": CONSENT_VERSION}


async def on_accept(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    i18n = i18n_of(manager)
    session: AsyncSession = manager.middleware_data["session"]
    profile: Profile = manager.middleware_data["profile"]
    profiles: ProfileStore = manager.middleware_data["profiles"]
    # Hash exactly the text the window shows.
    text = i18n.get("consent-text", version=CONSENT_VERSION)
    await ConsentService(session).accept(profile.user_id, text=text, locale=i18n.locale)
    await session.commit()  # stored before the menu shows, not after
    await profiles.forget(profile.user_id)
    await callback.answer(i18n.get("consent-accepted"))
    await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


async def on_decline(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    session: AsyncSession = manager.middleware_data["session"]
    profile: Profile = manager.middleware_data["profile"]
    await ConsentService(session).decline(profile.user_id)
    await manager.switch_to(ConsentSG.declined)


def consent_dialog() -> Dialog:
    return Dialog(
        Window(
            T("consent-text"),
            Row(
                Button(T("consent-accept"), id="accept", on_click=on_accept),
                Button(T("consent-decline"), id="decline", on_click=on_decline),
            ),
            state=ConsentSG.ask,
            getter=consent_getter,
        ),
        Window(T("consent-declined"), state=ConsentSG.declined),
    )
