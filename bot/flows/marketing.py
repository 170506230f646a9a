"""«🎁 Предложения и новости» in Настройки: the consent to advertising (38-ФЗ ст. 18) —
separate, optional, never asked as a condition of anything, withdrawable at any time here.

The text's hash is taken from exactly what the screen showed (as the personal-data consent
does, `bot/flows/consent.py`). After a change the profile is refreshed: the menu shows or drops
«🎁 Предложения для вас» at once.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button, SwitchTo
from aiogram_dialog.widgets.text import Multi
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.deps import deps
from bot.flows.screen import Screen
from bot.flows.states import SettingsSG
from bot.flows.widgets import T, i18n_of, profile_of
from linking.consent import text_sha256
from linking.marketing import MARKETING_VERSION, MarketingConsents
from storage.models import User
from storage.profiles import ProfileStore
from storage.repositories import MarketingConsentRepository, UserRepository


async def _user(manager: DialogManager) -> User:
    session: AsyncSession = deps(manager).session
    profile = profile_of(manager)
    return await UserRepository(session).get_or_create(
        profile.user_id, locale=profile.locale, time_zone=profile.time_zone
    )


async def marketing_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session: AsyncSession = deps(dialog_manager).session
    profile = profile_of(dialog_manager)
    i18n = i18n_of(dialog_manager)
    shown = i18n.get("marketing-consent-text", version=MARKETING_VERSION)
    dialog_manager.dialog_data["marketing_shown"] = {
        "sha256": text_sha256(shown),
        "locale": i18n.locale,
    }
    consent = await MarketingConsentRepository(session).current(profile.user_id)
    data: dict[str, Any] = {
        "version": MARKETING_VERSION,
        "given": consent is not None,
        "not_given": consent is None,
    }
    if consent is not None:
        data["given_on"] = consent.given_at.astimezone(ZoneInfo(profile.time_zone)).date()
        data["given_version"] = consent.version
    return data


async def _refresh(manager: DialogManager) -> None:
    session: AsyncSession = deps(manager).session
    await session.commit()  # stored before the menu changes, not after
    profile = profile_of(manager)
    profiles: ProfileStore = deps(manager).profiles
    deps(manager).profile = await profiles.refresh(profile.user_id, locale=profile.locale)


async def on_give(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    shown = manager.dialog_data["marketing_shown"]
    session: AsyncSession = deps(manager).session
    await MarketingConsents(session).give(
        await _user(manager), text_sha256=shown["sha256"], locale=shown["locale"]
    )
    await _refresh(manager)


async def on_withdraw(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    session: AsyncSession = deps(manager).session
    await MarketingConsents(session).withdraw(await _user(manager))
    await _refresh(manager)


def marketing_window() -> Screen:
    return Screen(
        Multi(
            T("marketing-consent-text"),
            T("marketing-consent-given", when="given"),
            T("marketing-consent-not-given", when="not_given"),
            sep="\n\n",
        ),
        Button(T("marketing-consent-give"), id="give", on_click=on_give, when="not_given"),
        Button(T("marketing-consent-withdraw"), id="withdraw", on_click=on_withdraw, when="given"),
        SwitchTo(T("button-back"), id="back", state=SettingsSG.main),
        state=SettingsSG.marketing,
        getter=marketing_getter,
    )
