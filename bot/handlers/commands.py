"""Commands: /start, /help, /cancel for everyone; /menu and /settings after consent."""

from __future__ import annotations

import html

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_i18n import I18nContext

from bot.config import Settings
from bot.flows.help import support_contacts
from bot.flows.home import has_consent, open_home
from bot.flows.states import MenuSG, RevokeSG, SettingsSG
from cabinet import CabinetClient


def build_router() -> Router:
    router = Router(name="commands")
    router.message.register(start, CommandStart())
    router.message.register(help_, Command("help"))
    router.message.register(cancel, Command("cancel"))
    router.message.register(revoke, Command("revoke"))
    return router


def build_consented_router() -> Router:
    router = Router(name="consented-commands")
    router.message.register(menu, Command("menu"))
    router.message.register(settings_, Command("settings"))
    return router


async def start(message: Message, dialog_manager: DialogManager, i18n: I18nContext) -> None:
    consented = has_consent(dialog_manager)
    if not consented:
        await message.answer(i18n.get("start-greeting"))
    await open_home(dialog_manager, consented=consented)


async def help_(
    message: Message, i18n: I18nContext, settings: Settings, cabinet: CabinetClient
) -> None:
    contacts = await support_contacts(cabinet, settings, i18n.locale)
    await message.answer(i18n.get("help-text", contacts=html.escape(contacts)))


async def cancel(
    message: Message, dialog_manager: DialogManager, state: FSMContext, i18n: I18nContext
) -> None:
    await state.clear()
    await message.answer(i18n.get("cancel-done"))
    await open_home(dialog_manager)


async def revoke(_: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(RevokeSG.confirm, mode=StartMode.RESET_STACK)


async def menu(_: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


async def settings_(_: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(SettingsSG.main, mode=StartMode.RESET_STACK)
