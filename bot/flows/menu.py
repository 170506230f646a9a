"""The main menu. Entries appear only when they work (later issues add theirs here)."""

from __future__ import annotations

from typing import Any

from aiogram_dialog import Dialog, Window
from aiogram_dialog.widgets.kbd import Row, Start, SwitchTo

from bot.config import Settings
from bot.flows.states import MenuSG, SettingsSG
from bot.flows.widgets import T


async def help_getter(settings: Settings, **_: Any) -> dict[str, Any]:
    return {"contacts": settings.support_contacts}


def menu_dialog() -> Dialog:
    return Dialog(
        Window(
            T("menu-title"),
            Row(
                Start(T("menu-settings"), id="settings", state=SettingsSG.main),
                SwitchTo(T("menu-help"), id="help", state=MenuSG.help),
            ),
            state=MenuSG.main,
        ),
        Window(
            T("help-text"),
            SwitchTo(T("button-back"), id="back", state=MenuSG.main),
            state=MenuSG.help,
            getter=help_getter,
        ),
    )
