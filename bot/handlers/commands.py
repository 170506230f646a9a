"""Commands: /start, /help, /cancel for everyone; /menu and /settings after consent."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command, CommandStart
from aiogram.fsm.context import FSMContext
from aiogram.types import Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_i18n import I18nContext

from bot.config import Settings
from bot.flows.home import open_home
from bot.flows.states import MenuSG, SettingsSG

router = Router(name="commands")
consented_router = Router(name="consented-commands")


@router.message(CommandStart())
async def start(message: Message, dialog_manager: DialogManager, i18n: I18nContext) -> None:
    await message.answer(i18n.get("start-greeting"))
    await open_home(dialog_manager)


@router.message(Command("help"))
async def help_(message: Message, i18n: I18nContext, settings: Settings) -> None:
    await message.answer(i18n.get("help-text", contacts=settings.support_contacts))


@router.message(Command("cancel"))
async def cancel(
    message: Message, dialog_manager: DialogManager, state: FSMContext, i18n: I18nContext
) -> None:
    await state.clear()
    await message.answer(i18n.get("cancel-done"))
    await open_home(dialog_manager)


@consented_router.message(Command("menu"))
async def menu(_: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


@consented_router.message(Command("settings"))
async def settings_(_: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(SettingsSG.main, mode=StartMode.RESET_STACK)
