"""Whatever no other handler took in a private chat: say so and lead home."""

from __future__ import annotations

from aiogram import Router
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_i18n import I18nContext

from bot.flows.filing_intent import asks_to_file_a_claim
from bot.flows.home import has_consent, open_home
from bot.flows.sections import open_section


def build_router() -> Router:
    router = Router(name="fallback")
    router.message.register(unknown_message)
    router.callback_query.register(stale_button)
    return router


async def unknown_message(
    message: Message, dialog_manager: DialogManager, i18n: I18nContext
) -> None:
    if has_consent(dialog_manager) and asks_to_file_a_claim(message.text or ""):
        await open_section(dialog_manager, "file_claim")  # or the sign-in, then there
        return
    await message.answer(i18n.get("unknown-message"))
    await open_home(dialog_manager)


async def stale_button(
    callback: CallbackQuery, dialog_manager: DialogManager, i18n: I18nContext
) -> None:
    """A button this process does not know (from before a restart, or no longer allowed)."""
    await callback.answer(i18n.get("stale-button"))
    await open_home(dialog_manager, show_mode=ShowMode.SEND)
