"""/logout (and Settings → «Выйти из Госуслуг»): unlink after a confirmation."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import Button, Row

from bot.flows.deps import deps
from bot.flows.home import open_home
from bot.flows.screen import Screen
from bot.flows.states import LogoutSG
from bot.flows.widgets import T, i18n_of, profile_of
from linking.service import LinkService


async def logout_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"linked": profile_of(dialog_manager).linked}


async def on_confirm(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    use = deps(manager)
    profile = profile_of(manager)
    customer_id = await LinkService(use.session).unlink(profile.user_id)
    await use.session.commit()
    await use.link_flow.forget_user(profile.user_id, customer_id)
    await use.document_links.forget_user(profile.user_id)
    use.profile = await use.profiles.refresh(profile.user_id, locale=profile.locale)
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
