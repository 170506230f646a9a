"""A sign-in that failed is told in the chat too, not only on the browser page: what happened
and what to do next, with the button that does it («Войти ещё раз», or support). It goes
through the outbox like every message that is not a direct reply."""

from __future__ import annotations

import html
from typing import Any

from aiogram_i18n.cores import BaseCore
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.flows.intents import Action
from bot.flows.screen import GoTo
from linking.flow import CallbackResult, Outcome
from notify.outbox import enqueue
from notify.payload import Button

#: What the person can do next, per outcome: sign in again, or write to support.
NEXT = {
    Outcome.DENIED: Action.SIGN_IN,
    Outcome.UNVERIFIED: Action.SIGN_IN,
    Outcome.UNAVAILABLE: Action.SIGN_IN,
    Outcome.UNTRUSTED: Action.SIGN_IN,
    Outcome.CABINET_UNAVAILABLE: Action.SIGN_IN,
    Outcome.EXPIRED: Action.SIGN_IN,
    Outcome.NOT_CUSTOMER: Action.SUPPORT,
    Outcome.AMBIGUOUS: Action.SUPPORT,
}


class SignInNotice:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        core: BaseCore[Any],
        support_contacts: str,
    ) -> None:
        self.session_factory = session_factory
        self.core = core
        self.support_contacts = support_contacts

    async def __call__(self, result: CallbackResult) -> None:
        if result.chat_id is None or result.outcome not in NEXT:
            return
        locale = result.locale
        text = self.core.get(
            f"sign-in-failed-{result.outcome.value}",
            locale,
            contacts=html.escape(self.support_contacts),
            reference=result.reference or "",
            code=result.provider_code or "—",
        )
        action = NEXT[result.outcome]
        button: Button = {
            "text": self.core.get(f"intent-{action}", locale),
            "callback_data": GoTo(action=action).pack(),
        }
        async with self.session_factory() as session:
            await enqueue(
                session, result.chat_id, {"text": text, "buttons": [[button]]}, kind="notice"
            )
            await session.commit()
