"""Webhook mode (`cabinet-bot web`): Telegram POSTs updates to replicas behind a load balancer.

* The webhook is set once, not by each replica: the first replica to start takes a Redis lock,
  sets it and leaves a marker (an HMAC of the URL, secret, update types and connection limit);
  the others see the marker, check with `getWebhookInfo` that Telegram still has it, and leave
  it alone. A changed setting changes the marker, so the next deploy sets the webhook again;
  one deleted behind our back is set again by the next replica that starts. `cabinet-bot run`
  (long polling) deletes both.
* Updates are handled before they are acknowledged (`handle_in_background=False`): Telegram
  gets its 200 only once the handler is done, so an update acknowledged is an update handled,
  and one whose replica stopped mid-way comes again. The secret is checked on every request
  (in constant time); a wrong or missing one gets 401, is logged as `webhook_secret_refused`
  (the client's address, never the header's value) and is counted in
  `cabinet_webhook_refused_total`.
* Redis down: an update waits for it up to 10 s, then gets a 503 and Telegram sends it again
  later (`bot.middlewares.outage`).
* One user's updates are serialised across replicas by aiogram's event isolation in Redis
  (`build_dispatcher`), so it does not matter which replica the balancer picks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Any
from urllib.parse import urlsplit

import structlog
from aiogram import Bot, Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from redis.asyncio import Redis

from bot import metrics
from bot.middlewares.outage import REDELIVERY, Redelivery
from bot.updates import readable
from bot.web_guard import client_ip
from storage.redis import KEY_PREFIX

log = structlog.get_logger(__name__)

MARKER_KEY = f"{KEY_PREFIX}:webhook:set"
LOCK_KEY = f"{KEY_PREFIX}:webhook:lock"
#: After a day a starting replica checks again (and sets it again: harmless, idempotent).
MARKER_TTL = 24 * 3600
#: The header Telegram sends the secret back in.
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"  # noqa: S105 - a name, not a secret


def webhook_path(url: str) -> str:
    return urlsplit(url).path or "/"


def _digest(bot: Bot, url: str, secret: str, updates: Sequence[str], connections: int) -> str:
    """What the marker holds: keyed with the bot's token, so Redis never holds anything from
    which the secret could be guessed offline."""
    material = json.dumps([url, secret, sorted(updates), connections]).encode()
    return hmac.new(bot.token.encode(), material, hashlib.sha256).hexdigest()


async def _marker(redis: Redis) -> str | None:
    value = await redis.get(MARKER_KEY)
    return value.decode() if isinstance(value, bytes) else value


async def _telegram_has(
    bot: Bot, url: str, allowed_updates: Sequence[str], max_connections: int
) -> bool:
    """Whether Telegram's webhook is ours (it does not tell the secret: the marker does)."""
    info = await bot.get_webhook_info()
    return (
        info.url == url
        and sorted(info.allowed_updates or ()) == sorted(allowed_updates)
        and info.max_connections == max_connections
    )


async def ensure_webhook(
    bot: Bot,
    redis: Redis,
    *,
    url: str,
    secret: str,
    allowed_updates: Sequence[str],
    max_connections: int,
) -> bool:
    """Set the webhook unless a replica already has with these settings and Telegram still has
    it (someone may have deleted it since); True if this replica set it."""
    digest = _digest(bot, url, secret, allowed_updates, max_connections)

    async def current() -> bool:
        return await _marker(redis) == digest and await _telegram_has(
            bot, url, allowed_updates, max_connections
        )

    if await current():
        return False
    # Longer than a Bot API call may take, so the lock cannot expire under its holder.
    async with redis.lock(LOCK_KEY, timeout=120, blocking_timeout=120):
        if await current():  # another replica did while we waited
            return False
        await bot.set_webhook(
            url,
            secret_token=secret,
            allowed_updates=list(allowed_updates),
            max_connections=max_connections,
            drop_pending_updates=False,
        )
        await redis.set(MARKER_KEY, digest, ex=MARKER_TTL)
    log.info("webhook_set", max_connections=max_connections)
    return True


async def forget_webhook(bot: Bot, redis: Redis) -> None:
    """Long polling instead: delete the webhook and the marker (pending updates are kept)."""
    await redis.delete(MARKER_KEY)
    await bot.delete_webhook(drop_pending_updates=False)


class _Handler(SimpleRequestHandler):
    def __init__(
        self, dispatcher: Dispatcher, bot: Bot, *, secret: str, trusted_proxies: Sequence[str]
    ) -> None:
        super().__init__(dispatcher, bot, handle_in_background=False, secret_token=secret)
        self.trusted = [ip_network(item, strict=False) for item in trusted_proxies]

    async def handle(self, request: web.Request) -> web.Response:
        """As aiogram's, with a refused secret logged and counted: a 401 is either a secret
        changed in a rolling update or someone other than Telegram posting to the webhook."""
        bot = await self.resolve_bot(request)
        expected = (self.secret_token or "").encode()
        refused = secret_refused(
            request, SECRET_HEADER, expected, self.trusted, messenger="telegram"
        )
        if refused is not None:
            return refused
        if self.handle_in_background:
            return await self._handle_request_background(bot=bot, request=request)
        return await self._handle_request(bot=bot, request=request)

    async def _handle_request(self, bot: Bot, request: web.Request) -> web.Response:
        """An update aiogram cannot parse is acknowledged (logged by id, counted): a 500 would
        have Telegram send it again for hours, and log the person's message with it."""
        try:
            update = readable(await request.json(loads=bot.session.json_loads), bot)
        except ValueError:  # not JSON, or not Telegram's (no update_id): refused
            return web.Response(status=400)
        if update is None:
            return web.json_response({})
        # As aiogram's own, with the update parsed once.
        redelivery = Redelivery()
        data: dict[str, Any] = {**self.data, REDELIVERY: redelivery}
        result: TelegramMethod[Any] | None = await self.dispatcher.feed_webhook_update(
            bot, update, **data
        )
        if redelivery.asked:  # Redis is down: Telegram sends it again later
            return web.Response(status=503, headers={"Retry-After": "10"})
        return web.Response(body=self._build_response_writer(bot=bot, result=result))


def secret_refused(
    request: web.Request,
    header: str,
    expected: bytes,
    trusted: Sequence[IPv4Network | IPv6Network],
    *,
    messenger: str,
) -> web.Response | None:
    """None when the request carries the webhook's secret (compared in constant time, as bytes:
    a header that is not ASCII is a 401, not a 500); else the 401, counted and logged with the
    client's address, never the header's value. A 401 is either a secret changed in a rolling
    update or someone other than the messenger posting to the webhook."""
    given = request.headers.get(header, "").encode("utf-8", "surrogateescape")
    if hmac.compare_digest(given, expected):
        return None
    metrics.WEBHOOK_REFUSED.labels(messenger).inc()
    log.warning(
        "webhook_secret_refused",
        messenger=messenger,
        header="wrong" if header in request.headers else "missing",
        client=client_ip(request, trusted),
    )
    return web.Response(body="Unauthorized", status=401)


def add_webhook_route(
    app: web.Application,
    dp: Dispatcher,
    bot: Bot,
    *,
    url: str,
    secret: str,
    trusted_proxies: Sequence[str] = (),
) -> None:
    """The POST route at the webhook URL's path. Not `SimpleRequestHandler.register`: that
    closes the bot's session on shutdown, before the in-flight updates are done.
    `trusted_proxies` (`TRUSTED_PROXIES`): whose X-Forwarded-For names the client in the log
    of a refused request."""
    handler = _Handler(dp, bot, secret=secret, trusted_proxies=trusted_proxies)
    app.router.add_post(webhook_path(url), handler.handle)
