"""Where a user lands: the main menu once they consented, the consent screen before that."""

from __future__ import annotations

from aiogram_dialog import DialogManager, ShowMode, StartMode
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.states import ConsentSG, MenuSG
from linking.consent import ConsentService
from storage.models import User


async def has_consent(manager: DialogManager) -> bool:
    session: AsyncSession = manager.middleware_data["session"]
    db_user: User = manager.middleware_data["db_user"]
    return await ConsentService(session).has_current(db_user.id)


async def open_home(
    manager: DialogManager,
    *,
    show_mode: ShowMode = ShowMode.SEND,
    consented: bool | None = None,
) -> None:
    if consented is None:
        consented = await has_consent(manager)
    state = MenuSG.main if consented else ConsentSG.ask
    await manager.start(state, mode=StartMode.RESET_STACK, show_mode=show_mode)
