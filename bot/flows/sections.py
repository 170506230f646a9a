"""The menu's sections, and the way into them.

Полисы, Обращения (and filing a claim), Справки, Выплаты, Мои документы, Предложения and the
contacts (in Настройки) need a linked chat; Поддержка does not. «🎁 Предложения для вас» is in
the menu only for people who consented to advertising (`bot/flows/offers.py`). An unlinked
user who opens a linked-only section gets the "Войти через Госуслуги" prompt, and the section
is remembered (for half an hour: time to press «Войти» and sign in, which itself takes at
most `linking.codes.SIGN_IN_TTL`): the bind handler opens it after linking, so the user
lands where they were going.
"""

from __future__ import annotations

from aiogram.fsm.state import State
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, StartMode
from aiogram_dialog.widgets.common import WhenCondition
from aiogram_dialog.widgets.kbd import Button
from redis.asyncio import Redis

from bot.flows.deps import deps
from bot.flows.states import (
    CertificatesSG,
    ClaimsSG,
    ContactsSG,
    DocumentsSG,
    FeedbackSG,
    FilingSG,
    MenuSG,
    OffersSG,
    PayoutsSG,
    PoliciesSG,
)
from bot.flows.widgets import T, profile_of
from storage.redis import KEY_PREFIX

SECTIONS: dict[str, State] = {
    "policies": PoliciesSG.list,
    "buy_policy": PoliciesSG.buy_products,  # «🛒 Оформить полис», asked for in words
    "claims": ClaimsSG.list,
    "file_claim": FilingSG.policy,
    "certificates": CertificatesSG.menu,
    "payouts": PayoutsSG.list,
    "documents": DocumentsSG.list,
    "feedback": FeedbackSG.start,
    "offers": OffersSG.list,
    "contacts": ContactsSG.main,
}
DESTINATION_TTL = 30 * 60
LINKED_ONLY = frozenset(
    {
        "policies",
        "buy_policy",
        "claims",
        "file_claim",
        "certificates",
        "payouts",
        "offers",
        "contacts",
        "documents",
    }
)


def _key(user_id: int) -> str:
    return f"{KEY_PREFIX}:after-link:{user_id}"


async def take_destination(redis: Redis, user_id: int) -> State | None:
    """Where a user was going when they were asked to sign in (once)."""
    raw = await redis.getdel(_key(user_id))
    name = raw.decode() if isinstance(raw, bytes) else raw
    return SECTIONS.get(name) if name else None


async def open_section(
    manager: DialogManager, section: str, mode: StartMode = StartMode.NORMAL
) -> None:
    profile = profile_of(manager)
    if section in LINKED_ONLY and not profile.linked:
        redis: Redis = deps(manager).redis
        await redis.set(_key(profile.user_id), section, ex=DESTINATION_TTL)
        await manager.start(MenuSG.sign_in, mode=mode)
        return
    await manager.start(SECTIONS[section], mode=mode)


async def _on_section(_: CallbackQuery, button: Button, manager: DialogManager) -> None:
    await open_section(manager, button.widget_id or "")


def section_button(section: str, when: WhenCondition = None) -> Button:
    """A menu entry: `menu-{section}` from the catalogue, opening the section."""
    return Button(T(f"menu-{section}"), id=section, on_click=_on_section, when=when)
