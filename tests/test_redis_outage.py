"""Redis goes away and comes back (a restart, a failover): nobody's message is lost, nobody
gets an incident, and every page says in plain words that the service will be back.

Each test runs its own `redis-server` (on a free port), so that it can stop it."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import shutil
import subprocess
import time
from collections.abc import AsyncIterator

import httpx
import pytest
from aiohttp import web
from redis.asyncio import Redis

from bot import metrics
from bot.factory.resources import open_resources
from bot.factory.telegram import build_bot, build_dispatcher
from bot.middlewares import outage
from bot.webhook import add_webhook_route
from tests.conftest import IN_CI, Backend
from tests.fake_telegram import FakeTelegram
from tests.harness import RunningBot, running_bot
from tests.sandbox_server import free_port

pytestmark = [pytest.mark.reliability, pytest.mark.backends("embedded")]

HELP = "Служба поддержки"
INCIDENT = "Номер инцидента"
LATER = "временно"
URL = "https://bot.example.com/telegram/webhook"


@dataclasses.dataclass
class RedisServer:
    """A `redis-server` of this test alone, without persistence (a restart loses everything,
    as a failover to an empty replica would)."""

    port: int
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no"]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: ASYNC220
        client = Redis.from_url(self.url)
        try:
            for _ in range(100):
                with contextlib.suppress(OSError, ConnectionError, Exception):
                    if await client.ping():
                        return
                await asyncio.sleep(0.05)
        finally:
            await client.aclose()
        raise AssertionError("redis-server did not start")

    def stop(self) -> None:
        """As a crash: SIGKILL, every connection reset."""
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


@pytest.fixture
def redis_binary() -> None:
    if shutil.which("redis-server") is None:
        message = "redis-server is not installed (apt-get install redis-server)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


@contextlib.asynccontextmanager
async def own_redis() -> AsyncIterator[RedisServer]:
    server = RedisServer(free_port())
    await server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def helping(migrated: Backend) -> AsyncIterator[tuple[RedisServer, RunningBot]]:
    """A bot on a Redis of its own, shown to answer /help before the test stops Redis."""
    async with (
        own_redis() as redis,
        running_bot(dataclasses.replace(migrated, redis_url=redis.url)) as app,
    ):
        app.tg.user_message(1, "/help")
        await app.tg.wait_for("sendMessage", lambda c: HELP in (c.text or ""))
        yield redis, app


def texts_to(app: object, chat_id: int, after: int) -> list[str]:
    tg = app.tg  # type: ignore[attr-defined]
    return [c.text or "" for c in tg.calls[after:] if c.chat_id == chat_id and c.text]


@pytest.mark.usefixtures("redis_binary")
async def test_a_message_sent_while_redis_restarts_is_answered_once_it_is_back(
    migrated: Backend,
) -> None:
    async with helping(migrated) as (redis, app):
        mark = app.tg.mark()
        redis.stop()
        waited = metrics.REDIS_UNAVAILABLE.labels("update")._value.get()
        app.tg.user_message(2, "/help")  # written while Redis is down
        async with asyncio.timeout(10):  # it found Redis down and waits (not yet answered)
            while metrics.REDIS_UNAVAILABLE.labels("update")._value.get() == waited:  # noqa: ASYNC110 - a counter has no event
                await asyncio.sleep(0.05)
        assert not texts_to(app, 2, mark)
        await redis.start()
        await app.tg.wait_for(
            "sendMessage", lambda c: c.chat_id == 2 and HELP in (c.text or ""), after=mark
        )
        app.tg.user_message(1, "/help")  # its connections were reset while idle
        await app.tg.wait_for(
            "sendMessage", lambda c: c.chat_id == 1 and HELP in (c.text or ""), after=mark
        )
        await app.settle()
        answers = texts_to(app, 1, mark) + texts_to(app, 2, mark)
        assert not [t for t in answers if INCIDENT in t], answers
        assert len(answers) == 2, answers


@pytest.mark.usefixtures("redis_binary")
async def test_a_long_outage_tells_the_person_to_try_later_not_an_incident(
    migrated: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(outage, "HOLD_POLLING", 1.0)
    async with helping(migrated) as (redis, app):
        mark = app.tg.mark()
        redis.stop()
        app.tg.user_message(1, "/help")
        told = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == 1, after=mark)
        assert LATER in (told.text or ""), told.text
        assert INCIDENT not in (told.text or "")
        await redis.start()
        app.tg.user_message(1, "/help")
        await app.tg.wait_for("sendMessage", lambda c: HELP in (c.text or ""), after=mark)


@pytest.mark.usefixtures("redis_binary")
async def test_the_pages_say_the_service_is_temporarily_unavailable(migrated: Backend) -> None:
    async with (
        own_redis() as redis,
        running_bot(dataclasses.replace(migrated, redis_url=redis.url), web_server=True) as app,
        httpx.AsyncClient(base_url=app.settings.web.public_url) as browser,
    ):
        redis.stop()
        ru = await browser.get("/link/abcdefgh")
        assert ru.status_code == 503, ru.text
        assert "Сервис временно недоступен" in ru.text
        assert ru.headers["Retry-After"]
        en = await browser.get("/d/abcdefgh", headers={"Accept-Language": "en"})
        assert en.status_code == 503
        assert "temporarily unavailable" in en.text
        events = await browser.post("/events", content=b"{}")
        assert events.status_code == 503
        assert events.headers["Content-Type"].startswith("application/problem+json")
        ready = await browser.get("/readyz")
        assert ready.status_code == 503
        await redis.start()
        assert (await browser.get("/readyz")).status_code == 200


@pytest.mark.usefixtures("redis_binary")
async def test_a_webhook_update_is_given_back_to_telegram_until_redis_is_back(
    migrated: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`cabinet-bot web`: an update that cannot wait for Redis gets a 503 (Telegram sends it
    again later), not a 200 that would lose it, and is answered once it comes again."""
    monkeypatch.setattr(outage, "HOLD_WEBHOOK", 0.5)
    update = {
        "update_id": 9,
        "message": {
            "message_id": 1,
            "date": int(time.time()),
            "chat": {"id": 5, "type": "private"},
            "from": {"id": 5, "is_bot": False, "first_name": "A", "language_code": "ru"},
            "text": "/help",
            "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
        },
    }
    async with own_redis() as redis, FakeTelegram() as tg:
        settings = dataclasses.replace(migrated, redis_url=redis.url).settings(
            telegram_api_url=tg.base_url
        )
        async with open_resources(settings) as resources:
            bot = build_bot(settings)
            dp = build_dispatcher(settings, resources)
            app = web.Application()
            add_webhook_route(app, dp, bot, url=URL, secret="s1")
            runner = web.AppRunner(app)
            await runner.setup()
            port = free_port()
            await web.TCPSite(runner, "127.0.0.1", port).start()
            await dp.emit_startup(bot=bot, dispatcher=dp, bots=[bot], **dp.workflow_data)
            try:
                async with httpx.AsyncClient(
                    base_url=f"http://127.0.0.1:{port}",
                    headers={"X-Telegram-Bot-Api-Secret-Token": "s1"},
                    timeout=10,
                ) as telegram:
                    redis.stop()
                    refused = await telegram.post("/telegram/webhook", json=update)
                    assert refused.status_code == 503
                    assert refused.headers["Retry-After"]
                    assert not tg.calls_of("sendMessage"), "nobody was told anything yet"
                    await redis.start()
                    again = await telegram.post("/telegram/webhook", json=update)
                    assert again.status_code == 200
            finally:
                await runner.cleanup()
                await bot.session.close()
    (answer,) = [c for c in tg.calls_of("sendMessage") if c.chat_id == 5]
    assert HELP in (answer.text or "")
