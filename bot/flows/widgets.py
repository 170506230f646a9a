"""Widgets shared by every dialog."""

from __future__ import annotations

import html
import operator
from datetime import date
from decimal import Decimal
from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.kbd import Button, Select
from aiogram_dialog.widgets.kbd.select import OnItemClick
from aiogram_dialog.widgets.text import Format, Text
from aiogram_i18n import I18nContext

from bot.flows.deps import deps
from bot.flows.states import MenuSG
from storage.profiles import Profile

_FLUENT_TYPES = (str, int, float, Decimal, date)


def i18n_of(manager: DialogManager) -> I18nContext:
    i18n: I18nContext = deps(manager).i18n
    return i18n


class T(Text):
    """A Fluent message from `locales/`; its variables come from the window's getter data."""

    def __init__(self, key: str, when: WhenCondition = None) -> None:
        super().__init__(when=when)
        self.key = key

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        # Messages are HTML: a value is text, never markup.
        variables = {
            k: html.escape(v) if isinstance(v, str) else v
            for k, v in data.items()
            if isinstance(v, _FLUENT_TYPES)
        }
        return i18n_of(manager).get(self.key, **variables)


async def _back_to_menu(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    if len(manager.current_stack().intents) > 1:
        await manager.done()  # opened from the menu: it is right below
    else:
        await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)  # opened by a command


def back_to_menu() -> Button:
    """The "Назад" of a top-level section: the main menu, however the section was opened."""
    return Button(T("button-back"), id="back", on_click=_back_to_menu)


def choices(widget_id: str, items: str, on_click: OnItemClick[Any, str]) -> Select[str]:
    """Buttons for a getter's list of `(id, label)` pairs; `on_click` gets the id, which is
    user input (a forged callback can carry any id)."""
    return Select(
        Format("{item[1]}"),
        id=widget_id,
        item_id_getter=operator.itemgetter(0),
        items=items,
        on_click=on_click,
    )


def profile_of(manager: DialogManager) -> Profile:
    profile: Profile = deps(manager).profile
    return profile


async def say(manager: DialogManager, key: str, **variables: Any) -> None:
    """A message in the chat about what the person sent or pressed; the step's screen is sent
    again below it, so the buttons stay at the bottom."""
    bot: Bot = deps(manager).bot
    await bot.send_message(deps(manager).event_chat.id, i18n_of(manager).get(key, **variables))
    manager.show_mode = ShowMode.SEND
