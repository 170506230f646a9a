"""The bot in each messenger the deployment has a token for, opened and closed together."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

from aiogram import Bot

from bot.config import Settings
from bot.factory.max import build_max_bot
from bot.factory.resources import Resources
from bot.factory.telegram import build_bot
from storage.accounts import Channel


@dataclass(frozen=True)
class Bots:
    telegram: Bot | None
    max: Bot | None

    @property
    def all(self) -> list[Bot]:
        """Telegram's last: aiogram's start-up hooks see the last bot as `bot` (the staff's)."""
        return [bot for bot in (self.max, self.telegram) if bot is not None]

    def of(self, channel: Channel) -> Bot | None:
        """The bot in that messenger (the staff chat's, for one)."""
        return self.telegram if channel is Channel.TELEGRAM else self.max

    async def usernames(self) -> dict[Channel, str]:
        """The bot's name in each messenger: a sign-in's return link opens its chat there."""
        names = {}
        for channel, bot in ((Channel.TELEGRAM, self.telegram), (Channel.MAX, self.max)):
            if bot is not None:
                names[channel] = (await bot.me()).username or ""
        return names


@contextlib.asynccontextmanager
async def open_bots(settings: Settings, resources: Resources) -> AsyncIterator[Bots]:
    """Telegram's bot unless only MAX_BOT_TOKEN is set, Max's when it is; their HTTP sessions
    are closed however this ends (a failing start-up call too)."""
    telegram = None if settings.max_alone else build_bot(settings)
    async with contextlib.AsyncExitStack() as stack:
        if telegram is not None:
            await stack.enter_async_context(telegram)
        max_bot = await build_max_bot(settings, resources)
        if max_bot is not None:
            stack.push_async_callback(max_bot.session.close)
        yield Bots(telegram, max_bot)
