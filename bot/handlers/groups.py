"""Chat membership. Groups and channels: one short notice that the bot works in private chats
only. Private chats: a user blocking or unblocking the bot.

The staff chat (SUPPORT_CHAT_ID) is excluded here: it has its own router (`staff.py`).
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import JOIN_TRANSITION, KICKED, MEMBER, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated, Message
from aiogram_i18n import I18nContext
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from storage.redis import KEY_PREFIX
from storage.repositories import UserRepository

NOT_PRIVATE = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL})


def build_private_membership_router() -> Router:
    """A user blocking (or unblocking) the bot in their private chat."""
    router = Router(name="private-membership")
    router.my_chat_member.filter(F.chat.type == ChatType.PRIVATE)
    router.my_chat_member.register(blocked, ChatMemberUpdatedFilter(KICKED))
    router.my_chat_member.register(unblocked, ChatMemberUpdatedFilter(MEMBER))
    return router


async def blocked(event: ChatMemberUpdated, session: AsyncSession) -> None:
    await UserRepository(session).set_active(event.chat.id, active=False)


async def unblocked(event: ChatMemberUpdated, session: AsyncSession) -> None:
    await UserRepository(session).set_active(event.chat.id, active=True)


def build_router(*, support_chat_id: int | None) -> Router:
    router = Router(name="groups")
    chat_filter = NOT_PRIVATE & (F.chat.id != support_chat_id)
    for observer in (router.message, router.channel_post, router.my_chat_member):
        observer.filter(chat_filter)
    router.message.register(notice)
    router.channel_post.register(notice)
    router.my_chat_member.register(added, ChatMemberUpdatedFilter(JOIN_TRANSITION))
    return router


async def notice(message: Message, bot: Bot, redis: Redis, i18n: I18nContext) -> None:
    await _notice_once(message.chat.id, bot, redis, i18n)


async def added(event: ChatMemberUpdated, bot: Bot, redis: Redis, i18n: I18nContext) -> None:
    await _notice_once(event.chat.id, bot, redis, i18n)


async def _notice_once(chat_id: int, bot: Bot, redis: Redis, i18n: I18nContext) -> None:
    if await redis.set(f"{KEY_PREFIX}:{bot.id}:group-notice:{chat_id}", 1, nx=True):
        me = await bot.me()
        await bot.send_message(chat_id, i18n.get("private-only", bot_username=me.username or ""))
