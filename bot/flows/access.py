"""The cabinet as a flow sees it: always for the chat's own customer.

Every id a button carries is user input (aiogram-dialog hands a Select's item id over as it
arrived, whether or not it was ever shown). A flow therefore loads every policy, claim, order
or payout through `owned()`: with the profile's own customer id, so the cabinet answers 404
for anybody else's, and a 404 is audited and refused (the errors router brings the user back
to the menu with a plain message).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import NoReturn, TypeVar

import structlog
from aiogram_dialog import DialogManager
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.deps import deps
from bot.flows.widgets import profile_of
from cabinet import CabinetClient, CabinetNotFound
from storage.repositories import AuditRepository

log = structlog.get_logger(__name__)
T = TypeVar("T")


class NotLinked(Exception):
    """A linked-only screen was reached by a chat that is not linked (any more)."""


class Refused(Exception):
    """An object that is not this customer's: from an old button, or forged."""

    def __init__(self, section: str) -> None:
        super().__init__(section)
        self.section = section


def cabinet_of(manager: DialogManager) -> CabinetClient:
    cabinet: CabinetClient = deps(manager).cabinet
    return cabinet


def customer_of(manager: DialogManager) -> str:
    customer_id = profile_of(manager).customer_id
    if customer_id is None:
        raise NotLinked
    return customer_id


async def owned(manager: DialogManager, section: str, call: Awaitable[T]) -> T:
    """The cabinet's answer about one object of this customer; a 404 is a refusal."""
    try:
        return await call
    except CabinetNotFound:
        await refuse(manager, section)


async def refuse(manager: DialogManager, section: str) -> NoReturn:
    """An object that is not the person's (a forged or an old button): audited, and refused
    (the errors router says so and brings them to the menu)."""
    session: AsyncSession = deps(manager).session
    await AuditRepository(session).record(
        "callback.refused", actor_id=profile_of(manager).user_id, section=section
    )
    await session.commit()
    log.warning("callback_refused", section=section)
    raise Refused(section)
