"""The bot in Max: an aiogram `Bot` whose session talks to the Max Bot API (`bot/max_messenger`),
driven by the same dispatcher as Telegram's."""

from __future__ import annotations

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.enums import ParseMode
from aiogram.types import User

from bot.config import Settings
from bot.factory.resources import Resources
from bot.flows.screen import MENU, go_buttons
from bot.max_messenger.menu_button import MenuButton
from bot.max_messenger.message_ids import MessageIds
from bot.max_messenger.session import MaxSession
from max_api import MaxApi
from notify.pacing import ReplyPacing
from storage.accounts import Channel
from storage.redis import KEY_PREFIX


async def build_max_bot(settings: Settings, resources: Resources) -> Bot | None:
    """The Max bot, or None when MAX_BOT_TOKEN is not set. Asks Max who the bot is (its id keys
    the dialogs' state, its username makes the deep links): a wrong token fails here, at
    start-up, not at the first person's message."""
    if settings.max.bot_token is None:
        return None
    api = MaxApi(
        settings.max.api_url,
        settings.max.bot_token.get_secret_value(),
        ca_bundle=settings.max.ca_bundle,
    )
    try:
        me = await api.me()
    except BaseException:
        await api.close()
        raise
    bot_user = User(
        id=int(me["user_id"]),
        is_bot=True,
        first_name=str(me.get("first_name") or me.get("name") or "bot"),
        username=me.get("username"),
    )
    staff = settings.staff
    session = MaxSession(
        api,
        MessageIds(resources.redis, prefix=KEY_PREFIX),
        bot_user=bot_user,
        staff_chat_id=staff.support_chat_id
        if staff.support_chat_messenger is Channel.MAX
        else None,
    )
    session.middleware(ReplyPacing(resources.max_limiter))  # replies first in Max's budget
    session.middleware(MenuButton(lambda i18n: go_buttons(i18n, MENU)))
    # aiogram wants a token shaped as Telegram's; Max's own stays in the session's client.
    return Bot(
        token=f"{bot_user.id}:max",
        session=session,
        default=DefaultBotProperties(parse_mode=ParseMode.HTML),
    )
