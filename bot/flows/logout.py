"""/logout (and Settings → «Выйти из Госуслуг»): unlink after a confirmation."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import Button, Row
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.home import open_home
from bot.flows.screen import Screen
from bot.flows.states import LogoutSG
from bot.flows.widgets import T, i18n_of, profile_of
from linking.flow import LinkFlow
from linking.service import LinkService
from storage.profiles import ProfileStore


async def logout_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"linked": profile_of(dialog_manager).linked}


async def on_confirm(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    session: AsyncSession = data["session"]
    profile = profile_of(manager)
    profiles: ProfileStore = data["profiles"]
    flow: LinkFlow = data["link_flow"]
    customer_id = await LinkService(session).unlink(profile.user_id)
    await session.commit()
    await flow.forget_user(profile.user_id, customer_id)
    await data["document_links"].forget_user(profile.user_id)
    data["profile"] = await profiles.refresh(profile.user_id, locale=profile.locale)
    if callback.message is not None:
        await callback.message.answer(i18n_of(manager).get("logout-done"))
    await open_home(manager)


async def on_keep(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await open_home(manager, show_mode=ShowMode.EDIT)


def logout_dialog() -> Dialog:
    return Dialog(
        Screen(
            T("logout-confirm", when="linked"),
            T("logout-not-linked", when=~F["linked"]),
            Row(
                Button(T("logout-yes"), id="logout", on_click=on_confirm, when="linked"),
                Button(T("logout-no"), id="keep", on_click=on_keep),
            ),
            state=LogoutSG.confirm,
            getter=logout_getter,
        ),
    )
