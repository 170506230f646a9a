"""Whatever no other handler took in a private chat: say so and lead home."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_i18n import I18nContext

from bot.flows.home import has_consent, open_home
from bot.flows.screen import answer_free_text


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_message)
    router.callback_query.register(stale_button)
    return router


async def unknown_message(
    message: Message, dialog_manager: DialogManager, i18n: I18nContext
) -> None:
    if has_consent(dialog_manager):  # what they seem to want, as buttons
        await answer_free_text(message, dialog_manager)
        return
    await message.answer(i18n.get("unknown-message"))
    await open_home(dialog_manager)


async def stale_button(
    callback: CallbackQuery, dialog_manager: DialogManager, i18n: I18nContext
) -> None:
    """A button this process does not know (from before a restart, or no longer allowed)."""
    await callback.answer(i18n.get("stale-button"))
    await open_home(dialog_manager, show_mode=ShowMode.SEND)
