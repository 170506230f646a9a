"""Groups and channels: one short notice that the bot works in private chats only.

The staff chat (SUPPORT_CHAT_ID) is excluded here: later issues give it its own router.
"""

from __future__ import annotations

from aiogram import Bot, F, Router
from aiogram.enums import ChatType
from aiogram.filters import JOIN_TRANSITION, ChatMemberUpdatedFilter
from aiogram.types import ChatMemberUpdated, Message
from aiogram_i18n import I18nContext
from redis.asyncio import Redis

NOT_PRIVATE = F.chat.type.in_({ChatType.GROUP, ChatType.SUPERGROUP, ChatType.CHANNEL})


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
    if await redis.set(f"cabinet:{bot.id}:group-notice:{chat_id}", 1, nx=True):
        me = await bot.me()
        await bot.send_message(chat_id, i18n.get("private-only", bot_username=me.username or ""))
