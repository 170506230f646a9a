"""Max's updates by webhook (`cabinet-bot web`): Max POSTs each update to MAX_WEBHOOK_URL.

* The secret (`X-Max-Bot-Api-Secret`) is checked on every request in constant time; a wrong or
  missing one gets 401, logged without its value and counted.
* An update is handled before it is acknowledged: 200 only once its handlers are done, so one
  whose replica stopped mid-way comes again.
* Max retries an update for hours until it gets a 200, so the same update may come twice (a
  slow answer, a replica restarted): each is remembered a day by its content
  (`update_key`), and handled once — a copy arriving while the first is being handled gets
  503 (Max sends it again later, and then it is a 200).
* Redis down: as Telegram's, 503 and Max sends it again later.
* Every replica subscribes as it starts (`subscribe`: the same subscription again replaces
  Max's one, so replicas starting together are harmless).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from ipaddress import ip_network
from typing import Any
from urllib.parse import urlsplit

import structlog
from aiogram import Bot, Dispatcher
from aiohttp import web
from redis.asyncio import Redis

from bot.max_messenger.session import MaxSession
from bot.max_messenger.updates import update_key
from bot.middlewares.outage import REDELIVERY, Redelivery
from bot.webhook import secret_refused
from storage.redis import KEY_PREFIX

log = structlog.get_logger(__name__)

SECRET_HEADER = "X-Max-Bot-Api-Secret"  # noqa: S105 - a name, not a secret
#: What the bot handles; Max sends nothing else.
UPDATE_TYPES = (
    "message_created",
    "message_callback",
    "bot_started",
    "bot_stopped",
    "dialog_removed",
)
SEEN_TTL = 24 * 3600  # longer than Max goes on retrying
HANDLING_TTL = 120  # a replica that died while handling: the next copy is handled after it
_HANDLING, _DONE = b"handling", b"done"


class MaxWebhook:
    def __init__(
        self,
        dp: Dispatcher,
        bot: Bot,
        redis: Redis,
        *,
        secret: str,
        trusted_proxies: Sequence[str] = (),
    ) -> None:
        if not isinstance(bot.session, MaxSession):
            raise TypeError("the Max webhook needs the Max bot")
        self.dp, self.bot, self.redis = dp, bot, redis
        self.session: MaxSession = bot.session
        self.secret = secret.encode()
        self.trusted = [ip_network(item, strict=False) for item in trusted_proxies]

    async def handle(self, request: web.Request) -> web.Response:
        refused = secret_refused(request, SECRET_HEADER, self.secret, self.trusted, messenger="max")
        if refused is not None:
            return refused
        try:
            update = json.loads(await request.read())
        except ValueError:
            return web.Response(status=400)
        if not isinstance(update, dict):
            return web.Response(status=400)
        seen = f"{KEY_PREFIX}:max:seen:{update_key(update)}"
        if not await self.redis.set(seen, _HANDLING, nx=True, ex=HANDLING_TTL):
            done = await self.redis.get(seen) == _DONE
            return web.json_response({}) if done else _again()
        try:
            redelivery = await self._handle(update)
        except BaseException:
            await self.redis.delete(seen)
            raise
        if redelivery:
            await self.redis.delete(seen)
            return _again()
        await self.redis.set(seen, _DONE, ex=SEEN_TTL)
        return web.json_response({})

    async def _handle(self, update: dict[str, Any]) -> bool:
        """Feed the update's aiogram updates in order; True: Redis is down, send it again."""
        redelivery = Redelivery()
        for one in await self.session.reader.read(update):
            await self.dp.feed_update(self.bot, one, **{REDELIVERY: redelivery})
            if redelivery.asked:
                return True
        return False


def _again() -> web.Response:
    return web.Response(status=503, headers={"Retry-After": "10"})


def add_max_webhook_route(
    app: web.Application,
    dp: Dispatcher,
    bot: Bot,
    redis: Redis,
    *,
    url: str,
    secret: str,
    trusted_proxies: Sequence[str] = (),
) -> None:
    """The POST route at MAX_WEBHOOK_URL's path."""
    handler = MaxWebhook(dp, bot, redis, secret=secret, trusted_proxies=trusted_proxies)
    app.router.add_post(urlsplit(url).path or "/", handler.handle)


async def subscribe(bot: Bot, *, url: str, secret: str) -> None:
    """Have Max send the bot's updates to `url` with `secret`. Every replica does it as it
    starts: Max keeps one subscription per URL and a new one replaces it, so a changed secret
    takes effect with the first replica of a deploy (Max cannot tell which secret it holds)."""
    if not isinstance(bot.session, MaxSession):
        raise TypeError("a Max subscription needs the Max bot")
    await bot.session.max.subscribe(url, secret=secret, update_types=UPDATE_TYPES)
    log.info("max_webhook_subscribed")
