"""Settings: the interface language (more sections join as later issues add them)."""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Button, Row

from bot.flows.states import SettingsSG
from bot.flows.widgets import T, back_to_menu, i18n_of


async def settings_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    return {"language": i18n.get("language-name")}


async def on_language(_: CallbackQuery, button: Button, manager: DialogManager) -> None:
    locale = (button.widget_id or "").removeprefix("lang_")
    await i18n_of(manager).set_locale(locale)


def settings_dialog() -> Dialog:
    return Dialog(
        Window(
            T("settings-title"),
            Row(
                Button(T("settings-language-ru"), id="lang_ru", on_click=on_language),
                Button(T("settings-language-en"), id="lang_en", on_click=on_language),
            ),
            back_to_menu(),
            state=SettingsSG.main,
            getter=settings_getter,
        ),
    )
