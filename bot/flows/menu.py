"""The main menu: every section for everyone who consented; the linked-only ones ask an
unlinked user to sign in first (`bot/flows/sections.py`)."""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Row, Start, SwitchTo, Url
from aiogram_dialog.widgets.text import Format

from bot.config import Settings
from bot.flows.access import cabinet_of
from bot.flows.deps import deps
from bot.flows.help import support_contacts
from bot.flows.screen import Screen
from bot.flows.sections import section_button
from bot.flows.states import MenuSG, SettingsSG
from bot.flows.widgets import T, back_to_menu, i18n_of
from bot.privacy import is_strict
from linking.flow import LinkFlow
from storage.profiles import Profile


async def help_getter(
    dialog_manager: DialogManager, settings: Settings, **_: Any
) -> dict[str, Any]:
    locale = i18n_of(dialog_manager).locale
    return {"contacts": await support_contacts(cabinet_of(dialog_manager), settings, locale)}


async def menu_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    """Linked: who the chat is signed in as. Not linked: the chat's login ticket."""
    profile: Profile = deps(dialog_manager).profile
    if profile.linked:  # strict privacy: no name in the chat, not even "Иван И."
        named = not is_strict(dialog_manager)
        return {
            "linked": True,
            "named": named,
            "name": profile.display_name,
            "login_url": "",
            "marketing": profile.marketing,
        }
    flow: LinkFlow = deps(dialog_manager).link_flow
    chat = deps(dialog_manager).event_chat
    url = await flow.login_url(user_id=profile.user_id, chat_id=chat.id, locale=profile.locale)
    return {
        "linked": False,
        "named": False,
        "name": "",
        "login_url": url,
        "marketing": profile.marketing,
    }


def _login_button() -> Url:
    return Url(T("menu-login"), Format("{login_url}"), id="login", when=~F["linked"])


def menu_dialog() -> Dialog:
    return Dialog(
        Screen(
            T("menu-title"),
            T("menu-linked-as", when="named"),
            T("menu-linked", when=F["linked"] & ~F["named"]),
            T("link-prompt", when=~F["linked"]),
            _login_button(),
            section_button("file_claim"),
            Row(section_button("policies"), section_button("claims")),
            Row(section_button("certificates"), section_button("payouts")),
            section_button("offers", when="marketing"),
            section_button("documents"),
            section_button("feedback"),
            Row(
                Start(T("menu-settings"), id="settings", state=SettingsSG.main),
                SwitchTo(T("menu-help"), id="help", state=MenuSG.help),
            ),
            state=MenuSG.main,
            getter=menu_getter,
        ),
        Screen(
            T("help-text"),
            SwitchTo(T("help-login-button"), id="login_help", state=MenuSG.login_help),
            SwitchTo(T("button-back"), id="back", state=MenuSG.main),
            state=MenuSG.help,
            getter=help_getter,
        ),
        Screen(  # «Не получается войти»: what to do in each case the source documents name
            T("help-login"),
            SwitchTo(T("button-back"), id="back", state=MenuSG.help),
            state=MenuSG.login_help,
            getter=help_getter,
        ),
        Screen(  # a linked-only section was opened by an unlinked user
            T("link-needed"),
            _login_button(),
            back_to_menu(),
            state=MenuSG.sign_in,
            getter=menu_getter,
        ),
    )
