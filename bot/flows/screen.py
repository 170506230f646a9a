"""Every dialog screen answers every message: `Screen` is aiogram-dialog's `Window` that hands
what none of its inputs took (text on a screen of buttons, a file, a sticker, a voice message)
to an `unhandled` handler instead of redrawing the same screen in silence.

By default that is the free-text router (`bot/flows/intents.py`): the one or two actions the
person most likely wants, as buttons (`GoTo`, handled by `bot/handlers/goto.py`); «Не понял»
with the main actions otherwise; and for a file or a voice message, where it can go. A screen
may bring its own (the claim card offers to attach a file or to send a text to the handler).
The answer is one message with buttons; the screen above stays as it was.

A screen whose data the cabinet cannot give (unavailable while reading, nothing cached) is
drawn as that: «Не удалось получить данные…» with «Повторить» and «Меню», in the screen's own
message. The dialog stands at the screen that failed, so «Повторить» draws it again where it
is, and the section the person was opening opens — not the screen they had pressed on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, DialogProtocol, ShowMode, Window
from aiogram_dialog.api.entities import NewMessage
from aiogram_i18n import I18nContext

from bot.flows.deps import deps
from bot.flows.home import has_consent
from bot.flows.intents import Action, recognise
from bot.flows.widgets import i18n_of
from cabinet import CabinetUnavailable

log = structlog.get_logger(__name__)

Unhandled = Callable[[Message, DialogManager], Awaitable[None]]

#: What «Не понял» offers: the things people come for most.
MAIN = (Action.FILE_CLAIM, Action.CLAIM_STATUS, Action.RENEW, Action.SUPPORT)
MENU = "menu"
RETRY = "retry"  # show the current screen again (after the cabinet was unavailable)


class GoTo(CallbackData, prefix="go"):
    """A button of the free-text answer: an `Action`, or `menu`."""

    action: str


def go_buttons(i18n: I18nContext, *actions: str) -> InlineKeyboardMarkup:
    """A column of `GoTo` buttons, labelled `intent-{action}`."""
    rows = [
        [InlineKeyboardButton(text=i18n.get(f"intent-{a}"), callback_data=GoTo(action=a).pack())]
        for a in actions
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def answer_free_text(message: Message, manager: DialogManager) -> None:
    """The router's answer to a message no screen input took. Before consent there is nothing
    to route to: the consent screen is shown again."""
    if not has_consent(manager):
        manager.show_mode = ShowMode.SEND
        await manager.show()
        return
    i18n = i18n_of(manager)
    actions: list[str] = list(recognise(message.text or "")) if message.text else []
    if actions:
        key = "intent-maybe"
    elif message.text:
        key, actions = "intent-not-understood", [*MAIN, MENU]
    else:  # a file, a photo, a sticker, a voice message
        key, actions = "intent-not-text", [Action.CLAIM_STATUS, Action.FILE_CLAIM, MENU]
    await message.answer(i18n.get(key), reply_markup=go_buttons(i18n, *actions))


class Screen(Window):
    def __init__(self, *widgets: Any, unhandled: Unhandled | None = None, **kwargs: Any) -> None:
        super().__init__(*widgets, **kwargs)
        self.unhandled = unhandled or answer_free_text

    async def process_message(
        self, message: Message, dialog: DialogProtocol, manager: DialogManager
    ) -> bool:
        if await super().process_message(message, dialog, manager):
            return True
        await self.unhandled(message, manager)
        return True

    async def render(self, dialog: DialogProtocol, manager: DialogManager) -> NewMessage:
        try:
            return await super().render(dialog, manager)
        except CabinetUnavailable as exc:
            if not exc.reading:
                raise
            log.info("screen_not_loaded", state=self.state.state)
            i18n = i18n_of(manager)
            return NewMessage(
                chat=deps(manager).event_chat,
                thread_id=deps(manager).event_context.thread_id,
                text=i18n.get("cabinet-unavailable-reading"),
                reply_markup=go_buttons(i18n, RETRY, MENU),
            )
