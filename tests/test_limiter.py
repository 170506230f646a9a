"""The shared limiter: its rules on both backends, and the global and per-chat rates held
across two `cabinet-bot worker` processes against a fake Bot API that enforces them."""

from __future__ import annotations

import asyncio
import itertools
import signal
import time
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from redis.asyncio import Redis

from notify.limiter import CHAT_BUSY, FULL, PAUSED, RATE_SAFETY, RESERVED, Limiter
from storage.redis import create_redis
from tests.conftest import Backend
from tests.fake_telegram import FakeTelegram
from tests.test_delivery import Engine, _worker_env, log_events, start_worker


@pytest.fixture
async def redis(backend: Backend) -> AsyncIterator[Redis]:
    client = create_redis(backend.redis_url)
    try:
        yield client
    finally:
        await client.aclose()


async def test_global_slots_are_spaced_at_the_rate(redis: Redis) -> None:
    limiter = Limiter(redis, prefix="t", rate=20)
    slots = []  # (earliest, latest) time of each slot: the call's own duration is unknown
    for chat in range(10):
        before = time.monotonic()
        decision = await limiter.acquire(chat)
        after = time.monotonic()
        assert decision.code == RESERVED
        slots.append((before + decision.wait, after + decision.wait + 0.001))  # wait is floored
        if chat == 0:
            assert decision.wait == 0, "the first slot is now"
    # Reserved back to back: each slot 50 ms (+3 % of slack) after the previous one.
    interval = 1 / (20 * RATE_SAFETY)
    for (earliest, latest), (next_earliest, next_latest) in itertools.pairwise(slots):
        assert next_earliest - latest <= interval <= next_latest - earliest


async def test_a_full_schedule_says_when_to_come_back(redis: Redis) -> None:
    limiter = Limiter(redis, prefix="t", rate=5)
    results = [await limiter.acquire(chat) for chat in range(7)]
    # 4.85/s: slots at 0, 206, 412, 619, 825 ms; the next one is over 1 s ahead.
    assert [r.code for r in results[:5]] == [RESERVED] * 5
    assert results[5].code == FULL
    assert 0 < results[5].wait <= 0.25


async def test_one_message_per_second_per_chat(redis: Redis) -> None:
    limiter = Limiter(redis, prefix="t", rate=1000)
    assert (await limiter.acquire(7)).code == RESERVED
    busy = await limiter.acquire(7)
    assert busy.code == CHAT_BUSY
    assert 1.0 <= busy.wait <= 1.1
    assert (await limiter.acquire(8)).code == RESERVED, "other chats are not held back"


async def test_a_pause_holds_every_sender_and_is_never_shortened(redis: Redis) -> None:
    limiter = Limiter(redis, prefix="t", rate=1000)
    other = Limiter(redis, prefix="t", rate=1000)  # another process, same Redis
    await limiter.pause(2)
    await limiter.pause(1)
    decision = await other.acquire(1)
    assert decision.code == PAUSED
    assert 1.8 <= decision.wait <= 2.0
    assert 1.8 <= await other.paused_for() <= 2.0


async def test_a_429_from_one_messenger_never_pauses_the_other(redis: Redis) -> None:
    telegram = Limiter(redis, prefix="t", rate=1000)
    max_ = Limiter(redis, prefix="t", rate=1000, channel="max")
    await max_.pause(30)
    assert (await max_.acquire(7)).code == PAUSED
    assert (await telegram.acquire(7)).reserved, "Telegram's chat 7 is not Max's"
    assert (await telegram.reserve_reply()).reserved
    assert await telegram.paused_for() == 0
    assert await redis.exists("t:tg:rate:global")
    assert await redis.exists("t:max:pause")


async def test_paid_broadcasts_have_their_own_rate(redis: Redis) -> None:
    limiter = Limiter(redis, prefix="t", rate=1, paid_rate=1000)
    assert (await limiter.acquire(1)).wait == 0
    assert (await limiter.acquire(2)).code == FULL, "the free rate: 1/s"
    paid = [await limiter.acquire(100 + n, paid=True) for n in range(50)]
    assert all(p.code == RESERVED for p in paid)
    assert paid[-1].wait <= 0.06, "50 paid messages within 50 ms"


async def test_the_in_flight_set_is_marked_in_the_same_step(redis: Redis) -> None:
    limiter = Limiter(redis, prefix="t", rate=1000)
    await limiter.acquire(1, in_flight=("t:inflight:w", "42"))
    assert await redis.smembers("t:inflight:w") == {b"42"}


@pytest.mark.backends("servers")
async def test_two_worker_processes_hold_the_global_and_per_chat_rates(
    migrated: Backend, tmp_path: Path
) -> None:
    rate = 20
    async with FakeTelegram(rate_limit_global=rate, rate_limit_per_chat=1) as tg:
        from bot.factory.telegram import build_bot  # noqa: PLC0415
        from storage.db import create_engine, create_session_factory  # noqa: PLC0415

        settings = migrated.settings(telegram_api_url=tg.base_url)
        engine = create_engine(settings.database.url)
        client = create_redis(settings.redis.url)
        bot = build_bot(settings)
        delivery = Engine(tg, bot, engine, create_session_factory(engine), client)
        try:
            many = list(range(2000, 2060))  # 60 chats, one message each
            busy = [3001] * 4 + [3002] * 4  # two chats with 4 messages each
            await delivery.enqueue(many + busy, {"text": "Hi"}, kind="broadcast")
            # The workers run 4 messages/s under the fake's exact sliding window. Sends leave
            # the limiter evenly spaced, but a sleeping sender can wake late next to one on
            # time: at 19/s a window may take 20 × (1 + lateness), so lateness past ~50 ms (a
            # loaded machine) made a 429 (seen twice with three test runs on two cores). At
            # 16/s the window holds with 250 ms of lateness, and a limiter not shared by the
            # two processes (32/s) still fails at once. Telegram's real limit is not that
            # exact either.
            env = _worker_env(
                migrated, tg, TELEGRAM_RATE_LIMIT=str(rate - 4), WORKER_CONCURRENCY="8"
            )
            logs = [tmp_path / "a.log", tmp_path / "b.log"]
            workers = [await start_worker(env, log) for log in logs]
            try:
                rows = await delivery.settled(timeout=90)
            finally:
                for process in workers:
                    if process.returncode is None:
                        process.send_signal(signal.SIGTERM)
            for process, log in zip(workers, logs, strict=True):
                assert await asyncio.wait_for(process.wait(), 20) == 0, log.read_text()[-2000:]
        finally:
            await bot.session.close()
            await client.aclose()
            await engine.dispose()

        assert {r.status for r in rows} == {"sent"}
        refused = [
            (c.chat_id, round(c.at - tg.calls[0].at, 3)) for c in tg.calls if c.status == 429
        ]
        assert tg.rate_limited == 0, f"no 429: the limits held; {refused}"
        sends = [c for c in tg.calls_of("sendMessage") if c.ok]
        assert Counter(c.chat_id for c in sends) == Counter(many + busy)
        stamps = sorted(c.at for c in sends)
        for i in range(len(stamps) - rate):
            assert stamps[i + rate] - stamps[i] > 0.9, "at most `rate` in any second"
        for chat in (3001, 3002):
            times = sorted(c.at for c in sends if c.chat_id == chat)
            assert all(b - a >= 0.9 for a, b in itertools.pairwise(times))
        counts = [log_events(log, "outbox_worker_stopped")[0].get("sent", 0) for log in logs]
        assert all(n > 0 for n in counts), f"both processes sent: {counts}"
        assert sum(counts) == len(many + busy)
        spread = sorted(c.at for c in sends if c.chat_id in set(many))
        achieved = len(many) / (spread[-1] - spread[0])
        assert achieved >= (rate - 4) * 0.7, f"{achieved:.1f}/s"
