"""/broadcast for the staff (ADMIN_IDS, private chats): no argument opens the composer
(`bot/flows/broadcast.py`), a number shows that broadcast's progress or report again
(`bot/broadcast_board.py`); the progress message's Stop and Refresh buttons. Anyone outside
ADMIN_IDS never reaches these handlers (router-level `IsAdmin`): /broadcast is then an
unknown command like any other.
"""

from __future__ import annotations

import contextlib

from aiogram import F, Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, StartMode
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.broadcast_board import Board, BoardAction, ProgressBoard, render
from bot.filters import IsAdmin
from bot.flows.states import BroadcastSG
from notify.broadcasts import cancel, progress


async def command(
    message: Message,
    *,
    command: CommandObject,
    dialog_manager: DialogManager,
    i18n: I18nContext,
    broadcast_board: ProgressBoard,
) -> None:
    argument = (command.args or "").strip()
    if not argument:
        await dialog_manager.start(BroadcastSG.compose, mode=StartMode.RESET_STACK)
        return
    if not argument.isdigit() or not await broadcast_board.show(
        i18n.locale, message.chat.id, int(argument)
    ):
        await message.answer(i18n.get("broadcast-not-found"))


async def button(
    callback: CallbackQuery,
    *,
    callback_data: BoardAction,
    i18n: I18nContext,
    session_factory: async_sessionmaker[AsyncSession],
    broadcast_board: ProgressBoard,
) -> None:
    async with session_factory() as session:
        if callback_data.action == "stop":
            now = await cancel(session, callback_data.id)
        else:
            now = await progress(session, callback_data.id)
    message = callback.message
    if now is None or not isinstance(message, Message):
        await callback.answer(i18n.get("broadcast-not-found"))
        return
    await callback.answer(i18n.get("broadcast-stopped") if callback_data.action == "stop" else None)
    text, markup = render(i18n.core, i18n.locale, now)
    with contextlib.suppress(TelegramBadRequest):  # not modified
        await message.edit_text(text, reply_markup=markup)
    if not now.final:  # after a restart, Refresh brings the updater back
        target = Board(message.chat.id, message.message_id, now.id, i18n.locale)
        await broadcast_board.keep(target, text)


def build_router(board: ProgressBoard) -> Router:
    """To go before the other dialogs; `board` starts and stops with the dispatcher."""
    router = Router(name="broadcast")
    router.message.filter(IsAdmin())
    router.callback_query.filter(IsAdmin())
    router.message.register(command, Command("broadcast"), F.chat.type == "private")
    router.callback_query.register(button, BoardAction.filter(F.action.in_({"stop", "refresh"})))
    router.startup.register(board.start)
    router.shutdown.register(board.close)
    return router
