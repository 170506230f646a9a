"""Every dialog screen answers every message: `Screen` is aiogram-dialog's `Window` that hands
what none of its inputs took (text on a screen of buttons, a file, a sticker, a voice message)
to an `unhandled` handler instead of redrawing the same screen in silence.

By default that is the free-text router (`bot/flows/intents.py`): the one or two actions the
person most likely wants, as buttons (`GoTo`, handled by `bot/handlers/goto.py`); «Не понял»
with the main actions otherwise; and for a file or a voice message, where it can go. A screen
may bring its own (the claim card offers to attach a file or to send a text to the handler).
The answer is one message with buttons; the screen above stays as it was.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_dialog import DialogManager, DialogProtocol, ShowMode, Window

from bot.flows.home import has_consent
from bot.flows.intents import Action, recognise
from bot.flows.widgets import i18n_of

Unhandled = Callable[[Message, DialogManager], Awaitable[None]]

#: What «Не понял» offers: the things people come for most.
MAIN = (Action.FILE_CLAIM, Action.CLAIM_STATUS, Action.RENEW, Action.SUPPORT)
MENU = "menu"
RETRY = "retry"  # show the current screen again (after the cabinet was unavailable)


class GoTo(CallbackData, prefix="go"):
    """A button of the free-text answer: an `Action`, or `menu`."""

    action: str


def _button(manager: DialogManager, action: str) -> list[InlineKeyboardButton]:
    text = i18n_of(manager).get(f"intent-{action}")
    return [InlineKeyboardButton(text=text, callback_data=GoTo(action=action).pack())]


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
    markup = InlineKeyboardMarkup(inline_keyboard=[_button(manager, a) for a in actions])
    await message.answer(i18n.get(key), reply_markup=markup)


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
