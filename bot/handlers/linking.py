"""`/start b_{code}`: the return from the sign-in page binds the chat, and `/logout`.

Binding happens here only: the code must be alive, and the user who opens it must be the one
who started the sign-in, in the same private chat. Anything else spends the code, binds
nothing and is audited. This router sits above the groups router: a return link opened in a
group is refused here too.
"""

from __future__ import annotations

import hashlib
import html
from typing import Any

import structlog
from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.filters import Command, CommandObject, CommandStart
from aiogram.types import Message
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_i18n import I18nContext
from redis.asyncio import Redis
from redis.exceptions import LockError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.flows.deps import deps
from bot.flows.home import has_consent, open_home
from bot.flows.sections import take_destination
from bot.flows.states import LogoutSG
from cabinet import CabinetClient
from linking.channels import channel_of, messenger_name
from linking.codes import CodeKind
from linking.flow import BIND_PREFIX, LinkFlow
from linking.service import Binding, LinkService
from notify.doorbell import Doorbell
from notify.outbox import enqueue
from storage.accounts import account_of
from storage.profiles import ProfileStore
from storage.redis import KEY_PREFIX
from storage.repositories import UserRepository

log = structlog.get_logger(__name__)


def build_router() -> Router:
    router = Router(name="linking")
    router.message.register(
        bind, CommandStart(deep_link=True, magic=F.args.startswith(BIND_PREFIX))
    )
    return router


def build_consented_router() -> Router:
    router = Router(name="linking-consented")
    router.message.register(logout, Command("logout"))
    return router


async def bind(
    message: Message,
    command: CommandObject,
    *,
    dialog_manager: DialogManager,
    i18n: I18nContext,
    link_flow: LinkFlow,
    session: AsyncSession,
    profiles: ProfileStore,
    settings: Settings,
    cabinet: CabinetClient,
    redis: Redis,
    doorbell: Doorbell,
) -> None:
    assert message.from_user is not None
    user_id = message.from_user.id
    code = (command.args or "").removeprefix(BIND_PREFIX)
    payload = await link_flow.codes.take(CodeKind.BIND, code)  # spent whatever follows
    service = LinkService(session)
    if payload is None:
        await message.answer(i18n.get("link-code-expired"))
        if message.chat.type == ChatType.PRIVATE:
            await open_home(dialog_manager)
        return
    reason = _refusal(payload, user_id, message.chat.id, message.chat.type)
    if reason is not None:
        await service.refuse(user_id, reason=reason)
        await session.commit()
        log.warning("link_refused", reason=reason)
        messenger = messenger_name(account_of(user_id).channel)
        await message.answer(i18n.get(_REFUSALS[reason], messenger=messenger))
        return
    if not has_consent(dialog_manager):  # withdrawn since the sign-in began: ask again
        await message.answer(i18n.get("link-code-expired"))
        await open_home(dialog_manager, consented=False)
        return
    binding = await _bind_alone(
        redis, service, user_id, payload, session=session, i18n=i18n, settings=settings,
        profiles=profiles,
    )  # fmt: skip
    if binding.moved_from is not None:
        await doorbell.ring()
    # The menu below is drawn from this update's profile: it must be the linked one.
    deps(dialog_manager).profile = await profiles.refresh(user_id, locale=i18n.locale)
    if binding.replaced_customer_id not in (None, binding.customer_id):
        await cabinet.forget(binding.replaced_customer_id)
    # One message: the section they were opening when asked to sign in, or the menu, which
    # says who they are signed in as («Вы вошли как Иван И.»; strict: with no name).
    destination = await take_destination(redis, user_id)
    if destination is None:
        await open_home(dialog_manager)
        return
    await open_home(dialog_manager, show_mode=ShowMode.NO_UPDATE)  # «Назад» leads there
    await dialog_manager.start(destination, show_mode=ShowMode.SEND)


async def _bind_alone(
    redis: Redis,
    service: LinkService,
    user_id: int,
    payload: dict[str, Any],
    *,
    session: AsyncSession,
    i18n: I18nContext,
    settings: Settings,
    profiles: ProfileStore,
) -> Binding:
    """One bind of a person at a time (two accounts may open their return links at once, on
    two replicas): the later one sees the earlier one's link, moves it, and tells that chat."""
    person = hashlib.sha256(f"{payload['provider']}:{payload['subject']}".encode()).hexdigest()
    lock = redis.lock(f"{KEY_PREFIX}:bind:{person}", timeout=30, blocking_timeout=30)
    await lock.acquire()
    try:
        binding = await service.bind(
            user_id,
            provider=payload["provider"],
            subject=payload["subject"],
            customer_id=payload["customer_id"],
            level=payload["level"],
            display_name=payload["display_name"],
        )
        if binding.moved_from is not None:
            await _tell_the_old_chat(session, binding.moved_from, i18n, settings)
        await session.commit()
        if binding.moved_from is not None:  # the old chat's cached profile loses the link now
            await profiles.refresh(binding.moved_from, locale=i18n.locale)
    finally:
        try:
            await lock.release()
        except LockError:  # it expired (30 s): the bind was committed all the same
            log.warning("bind_lock_expired")
    return binding


_REFUSALS = {
    "not_a_private_chat": "link-private-only",
    "another_telegram_account": "link-foreign",
    "another_messenger": "link-other-messenger",
}


def _refusal(payload: dict[str, Any], user_id: int, chat_id: int, chat_type: str) -> str | None:
    """Why this return link must not bind here, if it must not: it binds in a private chat of
    the same account whose chat began the sign-in (one begun in another messenger binds
    nothing)."""
    if chat_type != ChatType.PRIVATE:
        return "not_a_private_chat"
    if channel_of(payload) is not account_of(user_id).channel:
        return "another_messenger"
    if payload["user_id"] != user_id or payload["chat_id"] != chat_id:
        return "another_telegram_account"
    return None


async def _tell_the_old_chat(
    session: AsyncSession, user_id: int, i18n: I18nContext, settings: Settings
) -> None:
    """Queue the notice for the chat the link moved away from, in the bind's transaction: the
    outbox sends it (a chat that blocked the bot is marked, and the move stands)."""
    old = await UserRepository(session).get(user_id)
    locale = old.locale if old is not None else i18n.locale
    text = i18n.core.get(
        "link-moved-away",
        locale,
        contacts=html.escape(settings.staff.support_contacts),
        messenger=messenger_name(account_of(user_id).channel),
    )
    await enqueue(session, user_id, {"text": text}, kind="notice")


async def logout(_: Message, dialog_manager: DialogManager) -> None:
    await dialog_manager.start(LogoutSG.confirm, mode=StartMode.RESET_STACK)
