"""Where a user lands: the main menu once they consented, the consent screen before that."""

from __future__ import annotations

from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.flows.deps import deps
from bot.flows.states import ConsentSG, MenuSG
from linking.consent import has_current_consent
from storage.profiles import Profile


def has_consent(manager: DialogManager) -> bool:
    profile: Profile | None = deps(manager).profile_or_none
    return has_current_consent(profile)


async def open_home(
    manager: DialogManager,
    *,
    show_mode: ShowMode = ShowMode.SEND,
    consented: bool | None = None,
) -> None:
    if consented is None:
        consented = has_consent(manager)
    state = MenuSG.main if consented else ConsentSG.ask
    await manager.start(state, mode=StartMode.RESET_STACK, show_mode=show_mode)
