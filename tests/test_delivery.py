"""The delivery engine over real HTTP with the fake Bot API: outbox rows → Telegram calls.

In-process workers on both backends; the crash-and-resume case starts `cabinet-bot worker`
processes (PostgreSQL + a real Redis: what several processes share).
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from aiogram import Bot
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.factory.telegram import build_bot
from notify import outbox
from notify.doorbell import Doorbell
from notify.limiter import Limiter
from notify.payload import Payload
from notify.sender import Backoff, Sender
from notify.worker import Worker
from storage.db import create_engine, create_session_factory
from storage.models import OutboxMessage, User
from storage.redis import KEY_PREFIX, create_redis
from tests.conftest import TEST_TOKEN, Backend
from tests.fake_telegram import FakeTelegram

ROOT = Path(__file__).resolve().parent.parent


@dataclass
class Engine:
    tg: FakeTelegram
    bot: Bot
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis

    def worker(
        self, *, rate: float = 1000.0, concurrency: int = 4, max_attempts: int = 5, **kw: Any
    ) -> Worker:
        return Worker(
            session_factory=self.sessions,
            redis=self.redis,
            sender=Sender(self.bot, backoff=Backoff(base=0.05, max_attempts=max_attempts)),
            limiter=Limiter(self.redis, prefix=KEY_PREFIX, rate=rate),
            prefix=KEY_PREFIX,
            concurrency=concurrency,
            depth_interval=0,
            **{"poll_interval": 0.05, **kw},
        )

    async def enqueue(self, chat_ids: list[int], payload: Payload, kind: str = "alert") -> None:
        async with self.sessions() as session:
            await outbox.enqueue_many(session, chat_ids, payload, kind=kind)
            await session.commit()

    async def rows(self) -> list[OutboxMessage]:
        async with self.sessions() as session:
            result = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return list(result)

    async def settled(self, timeout: float = 20.0) -> list[OutboxMessage]:  # noqa: ASYNC109
        """Wait until no row is pending; the rows."""
        deadline = time.monotonic() + timeout
        while True:
            rows = await self.rows()
            if all(r.status != "pending" for r in rows):
                return rows
            if time.monotonic() > deadline:
                raise AssertionError(Counter(r.status for r in rows))
            await asyncio.sleep(0.05)


@pytest.fixture
async def delivery(migrated: Backend) -> AsyncIterator[Engine]:
    async with FakeTelegram() as tg:
        settings = migrated.settings(telegram_api_url=tg.base_url)
        engine = create_engine(settings.database.url)
        redis = create_redis(settings.redis.url)
        bot = build_bot(settings)
        try:
            yield Engine(tg, bot, engine, create_session_factory(engine), redis)
        finally:
            await bot.session.close()
            await redis.aclose()
            await engine.dispose()


async def test_rows_are_sent_with_text_buttons_and_media(delivery: Engine) -> None:
    buttons = [
        [{"text": "Open", "url": "https://example.com/x"}],
        [{"text": "Go", "callback_data": "go"}],
    ]
    await delivery.enqueue([11], {"text": "<b>Hello</b>", "buttons": buttons})  # type: ignore[typeddict-item]
    await delivery.enqueue([12], {"text": "A photo", "photo": "AgACAgIAAxPHOTO"}, kind="broadcast")
    await delivery.enqueue([13], {"text": "A file", "document": "BQACAgIAAxDOC"}, kind="broadcast")
    worker = delivery.worker()
    await worker.start()
    rows = await delivery.settled()
    await worker.stop()

    assert [r.status for r in rows] == ["sent"] * 3
    assert all(r.sent_at is not None and r.claimed_by is None for r in rows)
    tg = delivery.tg
    (text,) = tg.calls_of("sendMessage", ok=True)
    assert text.chat_id == 11
    assert text.text == "<b>Hello</b>"
    assert text.params["parse_mode"] == "HTML"
    assert [
        [b["text"] for b in line] for line in text.params["reply_markup"]["inline_keyboard"]
    ] == [
        ["Open"],
        ["Go"],
    ]
    (photo,) = tg.calls_of("sendPhoto", ok=True)
    assert photo.chat_id == 12
    assert photo.params["photo"] == "AgACAgIAAxPHOTO"
    assert photo.text == "A photo"
    (document,) = tg.calls_of("sendDocument", ok=True)
    assert document.chat_id == 13
    assert document.params["document"] == "BQACAgIAAxDOC"
    assert "allow_paid_broadcast" not in photo.params
    assert worker.counts == {"sent": 3}


async def test_paid_broadcasts_go_with_allow_paid_broadcast(delivery: Engine) -> None:
    await delivery.enqueue([21], {"text": "Sale"}, kind="broadcast")
    await delivery.enqueue([22], {"text": "Alert"}, kind="alert")
    worker = delivery.worker()
    assert isinstance(worker.sender, Sender)
    worker.sender.paid_broadcast = True
    await worker.start()
    await delivery.settled()
    await worker.stop()
    by_chat = {c.chat_id: c for c in delivery.tg.calls_of("sendMessage", ok=True)}
    assert by_chat[21].params.get("allow_paid_broadcast") in {"true", True}
    assert "allow_paid_broadcast" not in by_chat[22].params


async def test_a_429_pauses_every_sender_and_the_row_goes_out_after_retry_after(
    delivery: Engine,
) -> None:
    delivery.tg.fail("sendMessage", 429, retry_after=1)
    await delivery.enqueue([31, 32, 33, 34], {"text": "Hi"})
    worker = delivery.worker(rate=10, concurrency=4)
    await worker.start()
    rows = await delivery.settled()
    await worker.stop()

    assert [r.status for r in rows] == ["sent"] * 4
    calls = delivery.tg.calls_of("sendMessage")
    refused = [c for c in calls if c.status == 429]
    assert len(refused) == 1
    after = [c for c in calls if c.ok and c.at > refused[0].at]
    assert after, "the refused row and the others were sent later"
    assert min(c.at for c in after) >= refused[0].at + 0.95, "nobody sent during the pause"
    assert sorted(int(c.chat_id or 0) for c in calls if c.ok) == [31, 32, 33, 34]
    assert worker.counts["rate_limited"] == 1
    refused_row = next(r for r in rows if r.chat_id == refused[0].chat_id)
    assert refused_row.attempts == 1, "a 429 is not counted as a failed attempt"


async def test_a_403_blocks_the_chat_and_its_other_rows_and_is_not_retried(
    delivery: Engine,
) -> None:
    async with delivery.sessions() as session:
        session.add(User(id=41, locale="ru"))
        await session.commit()
    delivery.tg.blocked_chats.add(41)
    await delivery.enqueue([41, 41, 41, 42], {"text": "Hi"})
    worker = delivery.worker()
    await worker.start()
    rows = await delivery.settled()
    await asyncio.sleep(0.3)
    await worker.stop()

    assert [(r.chat_id, r.status) for r in rows] == [
        (41, "blocked"),
        (41, "blocked"),
        (41, "blocked"),
        (42, "sent"),
    ]
    assert all("403" in (r.last_error or "") for r in rows if r.chat_id == 41)
    to_blocked = [c for c in delivery.tg.calls_of("sendMessage") if c.chat_id == 41]
    assert len(to_blocked) == 1, "one refusal, no retries, the chat's other rows not tried"
    async with delivery.sessions() as session:
        user = await session.get(User, 41)
        assert user is not None
        assert user.is_active is False


async def test_5xx_is_retried_with_backoff_then_dead_with_its_reason(delivery: Engine) -> None:
    delivery.tg.fail("sendMessage", 502, times=100, chat_id=51)
    delivery.tg.fail("sendMessage", 500, times=2, chat_id=52)
    await delivery.enqueue([51, 52], {"text": "Hi"})
    worker = delivery.worker(max_attempts=3)
    await worker.start()
    rows = await delivery.settled()
    await worker.stop()

    dead, sent = rows
    assert dead.status == "dead"
    assert dead.attempts == 3
    assert "gave up after 3 attempts" in (dead.last_error or "")
    assert "Bad Gateway" in (dead.last_error or "")
    assert sent.status == "sent"
    assert sent.attempts == 3
    calls = delivery.tg.calls_of("sendMessage")
    assert sum(c.chat_id == 51 for c in calls) == 3
    times = [c.at for c in calls if c.chat_id == 51]
    assert times[1] - times[0] >= 0.9, "the per-chat limit spaces retries too (1/s)"


async def test_a_bad_request_is_dead_at_once_with_telegrams_reason(delivery: Engine) -> None:
    await delivery.enqueue([61], {"text": "<b>unclosed"})
    worker = delivery.worker()
    await worker.start()
    (row,) = await delivery.settled()
    await worker.stop()
    assert row.status == "dead"
    assert (row.last_error or "").startswith("400: ")
    assert "parse" in (row.last_error or "")
    assert delivery.tg.count("sendMessage") == 1


async def test_stop_finishes_in_flight_sends_and_releases_the_claimed_rest(
    delivery: Engine,
) -> None:
    await delivery.enqueue(list(range(100, 140)), {"text": "Hi"}, kind="broadcast")
    worker = delivery.worker(rate=20, concurrency=8)
    await worker.start()
    await delivery.tg.wait_count("sendMessage", 5)
    await worker.stop()

    rows = await delivery.rows()
    sent = [r for r in rows if r.status == "sent"]
    assert all(r.claimed_by is None and r.claimed_until is None for r in rows)
    assert {r.status for r in rows} == {"sent", "pending"}
    assert 5 <= len(sent) < 40
    assert len(sent) == delivery.tg.count("sendMessage"), "every send is recorded"
    # Another worker takes the rest, and only the rest.
    second = delivery.worker(rate=200, concurrency=8)
    await second.start()
    await delivery.settled()
    await second.stop()
    per_chat = Counter(c.chat_id for c in delivery.tg.calls_of("sendMessage", ok=True))
    assert set(per_chat) == set(range(100, 140))
    assert set(per_chat.values()) == {1}
    assert second.redelivered == 0


async def test_a_ring_of_the_doorbell_wakes_an_idle_worker_at_once(delivery: Engine) -> None:
    """An alert someone waits for goes out at once, not at the worker's next poll."""
    # A channel of this test's own: Redis pub/sub ignores the database number, so another
    # test process ringing `cabinet:outbox:due` on its own db would wake this worker too.
    doorbell = Doorbell(delivery.redis, prefix=f"{KEY_PREFIX}-{uuid.uuid4().hex}")
    worker = delivery.worker(poll_interval=60, doorbell=doorbell)
    await worker.start()
    try:
        async with asyncio.timeout(10):
            await worker.rang.wait()  # it listens (it hears a ring on subscribing)
            # and has looked since, found nothing, and sleeps until its next poll (a fixed
            # sleep here failed on a loaded machine: that look came after the row)
            await worker.idle.wait()
        await delivery.enqueue([21], {"text": "Без звонка"})
        await asyncio.sleep(1)
        assert delivery.tg.count("sendMessage") == 0, "no ring: the row waits for the poll"
        await delivery.enqueue([22], {"text": "Со звонком"})
        started = time.monotonic()
        await doorbell.ring()
        await delivery.tg.wait_count("sendMessage", 2, timeout=5)
        assert time.monotonic() - started < 5
        assert {c.chat_id for c in delivery.tg.calls_of("sendMessage", ok=True)} == {21, 22}
    finally:
        await worker.stop()


# -- the crash-and-resume case: `kill -9` of a worker process mid-broadcast -------------------


def _worker_env(backend: Backend, tg: FakeTelegram, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REDIS_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=tg.base_url,
        DATABASE_URL=backend.database_url,
        LOG_FORMAT="json",
        PYTHONPATH=str(ROOT),
        WEB_PORT="0",  # health and metrics on any free port: several workers on one host
        **extra,
    )
    assert backend.redis_url is not None
    env["REDIS_URL"] = backend.redis_url
    return env


async def start_worker(env: dict[str, str], log: Path) -> asyncio.subprocess.Process:
    with log.open("wb") as out:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "worker", cwd=log.parent, env=env, stdout=out, stderr=out
        )


def log_events(log: Path, name: str) -> list[dict[str, Any]]:
    events = []
    for line in log.read_text("utf-8").splitlines():
        try:
            item = json.loads(line)
        except ValueError:
            continue
        if item.get("event") == name:
            events.append(item)
    return events


@pytest.mark.backends("servers")
async def test_kill_9_mid_broadcast_then_a_restart_delivers_everything_once(
    delivery: Engine, migrated: Backend, tmp_path: Path
) -> None:
    recipients = list(range(1000, 1300))
    await delivery.enqueue(recipients, {"text": "Новость"}, kind="broadcast")
    concurrency = 8
    env = _worker_env(
        migrated,
        delivery.tg,
        TELEGRAM_RATE_LIMIT="100",
        WORKER_CONCURRENCY=str(concurrency),
        WORKER_LEASE_SECONDS="2",
    )
    first = await start_worker(env, tmp_path / "first.log")
    try:
        await delivery.tg.wait_count("sendMessage", 80, timeout=60)
    finally:
        first.send_signal(signal.SIGKILL)
        await first.wait()
    sent_before = delivery.tg.count("sendMessage")
    assert sent_before < len(recipients), "killed mid-broadcast"

    second_log = tmp_path / "second.log"
    second = await start_worker(env, second_log)
    try:
        rows = await delivery.settled(timeout=60)
    finally:
        if second.returncode is None:
            second.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(second.wait(), 20) == 0, second_log.read_text("utf-8")[-2000:]

    assert {r.status for r in rows} == {"sent"}
    per_chat = Counter(c.chat_id for c in delivery.tg.calls_of("sendMessage", ok=True))
    assert set(per_chat) == set(recipients), "nobody was lost"
    twice = [chat for chat, n in per_chat.items() if n > 1]
    assert max(per_chat.values()) <= 2
    assert len(twice) <= concurrency, "only the in-flight rows may go out twice"
    counted = log_events(second_log, "outbox_redelivery")
    assert len(counted) <= concurrency
    redelivered_chats = {r.chat_id for r in rows if r.id in {e["row"] for e in counted}}
    assert set(twice) <= redelivered_chats, "every duplicate was counted"
    (stopped,) = log_events(second_log, "outbox_worker_stopped")
    assert stopped["sent"] == len(recipients) - (sent_before - len(twice))
