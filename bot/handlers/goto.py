"""The buttons of the free-text router's answers (`bot.flows.screen.GoTo`): open what the
person asked for. The action is user input: only the known ones do anything, and every
section still checks its own access (a linked-only one asks an unlinked user to sign in)."""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.api.exceptions import NoContextError

from bot.flows.intents import Action
from bot.flows.screen import MENU, RETRY, GoTo
from bot.flows.sections import open_section
from bot.flows.states import LogoutSG, MenuSG, SettingsSG
from bot.flows.widgets import profile_of

SECTIONS: dict[str, str] = {
    Action.FILE_CLAIM: "file_claim",
    Action.CLAIM_STATUS: "claims",
    Action.CERTIFICATE: "certificates",
    Action.PAYOUTS: "payouts",
    Action.RENEW: "policies",
    Action.BUY_POLICY: "buy_policy",
    Action.CHANGE_POLICY: "policies",  # which policy: the person picks it, then «Изменить»
    Action.POLICY_PDF: "policies",
    Action.DOCUMENTS: "documents",
    Action.SUPPORT: "feedback",
    Action.CONTACTS: "contacts",
}
SCREENS: dict[str, State] = {
    Action.SIGN_OUT: LogoutSG.confirm,
    Action.LANGUAGE: SettingsSG.main,
    Action.NOTIFICATIONS: SettingsSG.alerts,
    MENU: MenuSG.main,
}


async def on_go(
    callback: CallbackQuery, callback_data: GoTo, dialog_manager: DialogManager
) -> None:
    action = callback_data.action
    await callback.answer()
    if action in SECTIONS:
        await open_section(dialog_manager, SECTIONS[action], mode=StartMode.RESET_STACK)
    elif action == Action.SIGN_IN:
        linked = profile_of(dialog_manager).linked
        state = MenuSG.main if linked else MenuSG.sign_in
        await dialog_manager.start(state, mode=StartMode.RESET_STACK)
    elif action in SCREENS:
        await dialog_manager.start(SCREENS[action], mode=StartMode.RESET_STACK)
    elif action == RETRY:
        try:  # the screen that failed (in its own message), or the one pressed on (below)
            await dialog_manager.show(
                ShowMode.EDIT if _on_screen(callback, dialog_manager) else ShowMode.SEND
            )
        except NoContextError:
            await dialog_manager.start(MenuSG.main, mode=StartMode.RESET_STACK)


def _on_screen(callback: CallbackQuery, manager: DialogManager) -> bool:
    """Whether the button is on the dialog's own message (the screen drawn as unavailable)."""
    message = callback.message
    return message is not None and message.message_id == manager.current_stack().last_message_id


def build_router() -> Router:
    router = Router(name="goto")
    router.callback_query.register(
        on_go, GoTo.filter(F.action.in_({*SECTIONS, *SCREENS, Action.SIGN_IN, RETRY}))
    )
    return router
