"""Event → alert latency: a signed `POST /events` until the alert's sendMessage reaches the
fake Bot API, at a steady rate of events a second.

The deployment is `tests/deployment.py`'s, as production runs it: one `cabinet-bot web` takes
the events, `--workers` `cabinet-bot worker` processes send the alerts, PostgreSQL and Redis.
Each event is a `claim.status_changed` for its own linked customer (one chat each, so Telegram's
1 message/s per chat never queues an alert), with quiet hours off. TELEGRAM_RATE_LIMIT is
raised to `--telegram-rate` so that Telegram's own 30 messages/s does not queue them either:
the figure is the engine's, not the limit's. A few seconds of events at the first rate warm
the processes up first and are not counted. The fake Bot API and the event client run in this
process and share the machine's cores with everything else.

    uv run python -m bench.events                          # 100 and 20 events/s
    uv run python -m bench.events --rates 100 --events 2000 --json

The database (cabinet_bench) and the Redis db (14) are wiped first: never point it at data you
keep.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import aiohttp

from bench.broadcast import wipe
from bench.link_callback import percentile
from bench.updates import add_store_args, ensure_bench_database
from bot.config import load_settings
from bot.factory.resources import open_resources
from cabinet.events import sign
from linking.consent import ConsentService
from storage.models import Link
from storage.repositories import UserRepository
from tests.conftest import TEST_TOKEN, Backend
from tests.deployment import EVENTS_SECRET, deployment

FIRST_USER = 5_000_000


def customer(n: int) -> str:
    return f"BENCH-{n:06d}"


async def prepare(database_url: str, redis_url: str, count: int) -> None:
    """`count` consented users, each linked to a customer of its own, quiet hours off."""
    settings = load_settings(
        telegram_bot_token=TEST_TOKEN,
        database_url=database_url,
        redis_url=redis_url,
        _env_file=None,
    )
    async with open_resources(settings) as resources, resources.session_factory() as session:
        users = UserRepository(session)
        for n in range(count):
            user = await users.get_or_create(FIRST_USER + n, locale="ru", time_zone="UTC")
            user.quiet_from = user.quiet_to = "00:00"
            await ConsentService(session).accept(user.id, text_hash="0" * 64, locale="ru")
            session.add(
                Link(
                    user_id=user.id,
                    provider="sandbox",
                    subject=str(n),
                    customer_id=customer(n),
                    level="verified",
                    display_name="Бенч Б.",
                )
            )
        await session.commit()


def event(n: int) -> bytes:
    body = {
        "event_id": str(uuid.uuid4()),
        "type": "claim.status_changed",
        "customer_id": customer(n),
        "occurred_at": "2026-11-20T09:15:00Z",
        "data": {
            "claim_id": f"CL-{n}",
            "claim_number": f"У-2026-{n:06d}",
            "status": "approved",
            "previous_status": "in_review",
        },
    }
    return json.dumps(body, ensure_ascii=False).encode()


async def run_rate(
    url: str, first: int, count: int, rate: float
) -> tuple[dict[int, float], list[float]]:
    """POST `count` events at `rate` a second; (chat id → when its POST began, POST durations)."""
    started: dict[int, float] = {}
    durations: list[float] = []
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(url, connector=connector) as http:

        async def post(n: int) -> None:
            body = event(n)
            ts = int(time.time())
            headers = {
                "Content-Type": "application/json",
                "X-Timestamp": str(ts),
                "X-Signature": sign(EVENTS_SECRET.encode(), ts, body),
            }
            started[FIRST_USER + n] = time.time()
            began = time.perf_counter()
            async with http.post("/events", data=body, headers=headers) as response:
                durations.append(time.perf_counter() - began)
                assert response.status == 204, await response.text()

        loop = asyncio.get_running_loop()
        origin = loop.time()
        tasks = []
        for i in range(count):
            delay = origin + i / rate - loop.time()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(post(first + i)))
        await asyncio.gather(*tasks)
    return started, durations


def summary(values: list[float]) -> dict[str, float]:
    ms = sorted(v * 1000 for v in values)
    return {
        "p50_ms": round(percentile(ms, 0.50), 1),
        "p99_ms": round(percentile(ms, 0.99), 1),
        "max_ms": round(ms[-1], 1),
    }


async def main(args: argparse.Namespace) -> None:
    database_url = args.database_url or await ensure_bench_database()
    await wipe(database_url, args.redis_url)
    warmup = int(args.warmup * args.rates[0])
    total = warmup + args.events * len(args.rates)
    await prepare(database_url, args.redis_url, total)
    backend = Backend("servers", database_url, args.redis_url)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-events-") as logs:
        async with deployment(
            backend,
            Path(logs),
            webs=1,
            workers=args.workers,
            TELEGRAM_RATE_LIMIT=str(args.telegram_rate),
            WORKER_CONCURRENCY=str(args.concurrency),
            RATE_LIMIT_EVENTS="1000000",
        ) as app:
            await asyncio.sleep(2)  # settled after start-up
            # Warm-up, not counted: the pools open their connections and asyncpg prepares its
            # statements on each, as a replica that has been running for a while has done.
            await run_rate(app.webs[0].url, 0, warmup, args.rates[0])
            await app.tg.wait_count("sendMessage", warmup, timeout=600)
            first = warmup
            for rate in args.rates:
                before = app.tg.count("sendMessage")
                # This process is the client and the fake Bot API: its own garbage collection
                # (the fake keeps every call) would stall both and count as the bot's latency.
                gc.disable()
                try:
                    started, durations = await run_rate(app.webs[0].url, first, args.events, rate)
                    await app.tg.wait_count("sendMessage", before + args.events, timeout=600)
                finally:
                    gc.enable()
                arrived = {
                    call.params["chat_id"]: call.at
                    for call in reversed(app.tg.calls_of("sendMessage", ok=True))
                }
                latencies = [arrived[chat] - at for chat, at in started.items()]
                results.append(
                    {
                        "events_per_s": rate,
                        "events": args.events,
                        "workers": args.workers,
                        "event_to_send": summary(latencies),
                        "post": summary(durations),
                    }
                )
                first += args.events
    for result in results:
        if args.json:
            print(json.dumps(result))
            continue
        send, post = result["event_to_send"], result["post"]
        print(
            f"{result['events_per_s']} events/s ({result['events']} events, "
            f"{result['workers']} worker(s)): event → sendMessage p50 {send['p50_ms']} ms, "
            f"p99 {send['p99_ms']} ms, max {send['max_ms']} ms; "
            f"POST /events p50 {post['p50_ms']} ms, p99 {post['p99_ms']} ms"
        )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--rates", type=float, nargs="+", default=[100.0, 20.0])
    parser.add_argument("--events", type=int, default=1000, help="per rate")
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds at the first rate")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--concurrency", type=int, default=16, help="sends per worker")
    parser.add_argument("--telegram-rate", type=float, default=1000.0)
    return add_store_args(parser).parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
