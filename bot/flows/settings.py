"""Settings: the interface language; «🔔 Уведомления»: which alert categories come, the
quiet hours and the time zone they are counted in; «🎁 Предложения и новости»: the consent to
advertising (38-ФЗ: only by opt-in, `bot/flows/marketing.py`; the alerts screen's «Новости и
предложения» opens it too); «🗂 Мои данные» (`bot/flows/my_data.py`); «📇 Контактные данные»
(`bot/flows/contacts.py`: linked chats; an unlinked one is asked to sign in first and lands
there after).

Preferences live on the user's row (`User.alerts_off`, `quiet_from`/`quiet_to`,
`time_zone`, `marketing`); the time zone is also in the cached profile, refreshed after a
change. Every id a button carries is user input: only the known ones are taken.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, Column, Row, Start, SwitchTo
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.deps import deps
from bot.flows.marketing import marketing_window
from bot.flows.my_data import my_data_windows
from bot.flows.preferences import QUIET_PRESETS, ZONES, quiet_label, zone_label
from bot.flows.screen import Screen
from bot.flows.sections import open_section
from bot.flows.states import LogoutSG, SettingsSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of
from notify.alerts import CATEGORIES
from storage.models import User, utcnow
from storage.profiles import ProfileStore
from storage.repositories import UserRepository

MARKETING = "marketing"


async def settings_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    return {"language": i18n.get("language-name"), "linked": profile_of(dialog_manager).linked}


async def on_contacts(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await open_section(manager, "contacts")


async def on_language(_: CallbackQuery, button: Button, manager: DialogManager) -> None:
    locale = (button.widget_id or "").removeprefix("lang_")
    await i18n_of(manager).set_locale(locale)


# ----------------------------------------------------------------------------- notifications


async def _user(manager: DialogManager) -> User:
    session: AsyncSession = deps(manager).session
    profile = profile_of(manager)
    return await UserRepository(session).get_or_create(
        profile.user_id, locale=profile.locale, time_zone=profile.time_zone
    )


async def _save(manager: DialogManager, user: User) -> None:
    session: AsyncSession = deps(manager).session
    user.updated_at = utcnow()
    await session.commit()


async def alerts_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    user = await _user(dialog_manager)
    off = set(user.alerts_off or ())
    categories = [
        (
            name,
            i18n.get(
                "alerts-off" if name in off else "alerts-on",
                name=i18n.get(f"alerts-category-{name}"),
            ),
        )
        for name in CATEGORIES
    ]
    categories.append(
        (
            MARKETING,
            i18n.get(
                "alerts-on" if user.marketing else "alerts-off",
                name=i18n.get("alerts-category-marketing"),
            ),
        )
    )
    quiet = quiet_label(i18n, user.quiet_from, user.quiet_to)
    return {
        "categories": categories,
        "quiet": quiet,
        "zone": zone_label(i18n_of(dialog_manager), user.time_zone),
        "marketing": i18n.get("alerts-marketing-yes" if user.marketing else "alerts-marketing-no"),
    }


async def on_category(_: CallbackQuery, __: Any, manager: DialogManager, name: str) -> None:
    if name == MARKETING:  # a consent of its own, with its text: not a mere switch
        await manager.switch_to(SettingsSG.marketing)
        return
    if name not in CATEGORIES:
        return  # not a category: a forged button
    user = await _user(manager)
    off = list(user.alerts_off or ())
    user.alerts_off = [c for c in off if c != name] if name in off else [*off, name]
    await _save(manager, user)


async def quiet_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    i18n = i18n_of(dialog_manager)
    presets = [
        (
            key,
            i18n.get("alerts-quiet-none-button")
            if start == end
            else i18n.get("alerts-quiet-range", **{"from": start, "to": end}),
        )
        for key, (start, end) in QUIET_PRESETS.items()
    ]
    return {"presets": presets}


async def on_quiet(_: CallbackQuery, __: Any, manager: DialogManager, preset: str) -> None:
    if preset not in QUIET_PRESETS:
        return
    user = await _user(manager)
    user.quiet_from, user.quiet_to = QUIET_PRESETS[preset]
    await _save(manager, user)
    await manager.switch_to(SettingsSG.alerts)


async def zone_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"zones": [(zone, zone_label(i18n_of(dialog_manager), zone)) for zone in ZONES]}


async def on_zone(_: CallbackQuery, __: Any, manager: DialogManager, zone: str) -> None:
    if zone not in ZONES:
        return
    user = await _user(manager)
    user.time_zone = zone
    await _save(manager, user)
    profiles: ProfileStore = deps(manager).profiles
    await profiles.refresh(user.id, locale=user.locale)
    await manager.switch_to(SettingsSG.alerts)


def settings_dialog() -> Dialog:
    return Dialog(
        Screen(
            T("settings-title"),
            Row(
                Button(T("settings-language-ru"), id="lang_ru", on_click=on_language),
                Button(T("settings-language-en"), id="lang_en", on_click=on_language),
            ),
            SwitchTo(T("settings-alerts"), id="alerts", state=SettingsSG.alerts),
            Button(T("settings-contacts"), id="contacts", on_click=on_contacts),
            SwitchTo(T("settings-marketing"), id="marketing", state=SettingsSG.marketing),
            SwitchTo(T("settings-my-data"), id="my_data", state=SettingsSG.my_data),
            Start(T("settings-logout"), id="logout", state=LogoutSG.confirm, when="linked"),
            back_to_menu(),
            state=SettingsSG.main,
            getter=settings_getter,
        ),
        Screen(
            T("alerts-settings"),
            T("alerts-settings-note"),
            Column(choices("category", "categories", on_category)),
            Row(
                SwitchTo(T("alerts-quiet-button"), id="quiet", state=SettingsSG.quiet),
                SwitchTo(T("alerts-zone-button"), id="zone", state=SettingsSG.zone),
            ),
            SwitchTo(T("button-back"), id="back", state=SettingsSG.main),
            state=SettingsSG.alerts,
            getter=alerts_getter,
        ),
        Screen(
            T("alerts-quiet-title"),
            Column(choices("quiet", "presets", on_quiet)),
            SwitchTo(T("button-back"), id="back", state=SettingsSG.alerts),
            state=SettingsSG.quiet,
            getter=quiet_getter,
        ),
        Screen(
            T("alerts-zone-title"),
            Column(choices("zone", "zones", on_zone)),
            SwitchTo(T("button-back"), id="back", state=SettingsSG.alerts),
            state=SettingsSG.zone,
            getter=zone_getter,
        ),
        marketing_window(),
        *my_data_windows(),
    )
