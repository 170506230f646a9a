"""Broadcast delivery: two `cabinet-bot worker` processes against a fake Bot API process.

1. limited: the fake enforces 30 messages/s globally and 1/s per chat (429 with retry_after
   when exceeded); a broadcast to 3,000 recipients. Targets: ≥ 28 messages/s, 0 × 429,
   every recipient exactly once.
2. unlimited: the fake enforces nothing, TELEGRAM_RATE_LIMIT is out of the way: the engine's
   own ceiling with two workers. Target: ≥ 1,000 messages/s.
3. max: the same broadcast to people in Max, two workers in Max alone against the fake Max
   refusing more than 30 requests a second (Max's budget per bot): MAX_RATE_LIMIT (20) leaves
   the rest to replies. Targets: about 20 messages/s, 0 × 429, every recipient exactly once.

    uv run python -m bench.broadcast                       # both, PostgreSQL + Redis
    uv run python -m bench.broadcast --only unlimited --recipients 20000
    uv run python -m bench.broadcast --only max --max-recipients 1000
    uv run python -m bench.broadcast --database-url postgresql+asyncpg://…/db --redis-url redis://…/14

The database and the Redis db are wiped first: never point it at data you keep.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
from redis.asyncio import Redis

from notify import outbox
from storage import migrate
from storage.accounts import Channel, account_id
from storage.db import create_engine, create_session_factory
from tests.fake_max import DEFAULT_TOKEN as MAX_TOKEN

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "123456:BENCH-token-0000000000000000000000000"


async def wipe(database_url: str, redis_url: str) -> None:
    connection = await asyncpg.connect(database_url.replace("+asyncpg", ""))
    try:
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    client = Redis.from_url(redis_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()
    await asyncio.to_thread(migrate.upgrade, database_url)


async def start_fake(fake: str, *limits: str) -> tuple[asyncio.subprocess.Process, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        fake,
        "--port",
        "0",
        *limits,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.DEVNULL,
    )
    assert proc.stdout is not None
    url = (await proc.stdout.readline()).decode().strip()
    return proc, url


async def start_workers(
    n: int, messenger: str, api: str, database_url: str, redis_url: str, **env: str
) -> list[asyncio.subprocess.Process]:
    own = ("TELEGRAM_", "MAX_", "REDIS_")
    base = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    if messenger == "max":
        base.update(MAX_BOT_TOKEN=MAX_TOKEN, MAX_API_URL=api)
    else:
        base.update(TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_URL=api)
    base.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        LOG_LEVEL="WARNING",
        WEB_PORT="0",  # each worker's /healthz and /metrics on a free port of its own
        PYTHONPATH=str(ROOT),
        **env,
    )
    return [
        await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "worker",
            cwd=ROOT,
            env=base,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        for _ in range(n)
    ]


async def run_case(
    name: str,
    args: argparse.Namespace,
    recipients: int,
    limits: list[str],
    env: dict[str, str],
    messenger: str = "telegram",
) -> dict[str, Any]:
    in_max = messenger == "max"
    await wipe(args.database_url, args.redis_url)
    fake, api = await start_fake(f"tests.fake_{messenger}", *limits)
    workers = await start_workers(2, messenger, api, args.database_url, args.redis_url, **env)
    engine = create_engine(args.database_url)
    sessions = create_session_factory(engine)
    try:
        async with aiohttp.ClientSession() as http:
            # The workers are up when they have warmed their connection (getMe).
            while True:
                async with http.get(f"{api}/_fake/stats") as response:
                    stats = (await response.json())["result"]
                if stats["counts"].get("getMyInfo" if in_max else "getMe", 0) >= 2:
                    break
                await asyncio.sleep(0.1)
            people = range(10_000_000, 10_000_000 + recipients)
            accounts = [account_id(Channel.MAX, n) for n in people] if in_max else people
            started = time.monotonic()
            async with sessions() as session:
                await outbox.enqueue_many(session, accounts, {"text": "Новость"}, kind="broadcast")
                await session.commit()
            if not in_max:  # the fake Telegram says when; Max's is polled through the outbox
                async with http.get(
                    f"{api}/_fake/wait",
                    params={"method": "sendMessage", "count": str(recipients), "timeout": "900"},
                ) as response:
                    await response.read()
            while True:  # and recorded as sent
                counts = await outbox.depth(sessions)
                if counts["sent"] >= recipients:
                    break
                await asyncio.sleep(0.05)
            wall = time.monotonic() - started
            async with http.get(f"{api}/_fake/calls", params={"method": "sendMessage"}) as resp:
                calls = (await resp.json())["result"]
    finally:
        for process in workers:
            process.send_signal(signal.SIGTERM)
        for process in workers:
            await process.wait()
        fake.send_signal(signal.SIGTERM)
        await fake.wait()
        await engine.dispose()
    ok = [c for c in calls if c["status"] == 200]
    refused = sum(1 for c in calls if c["status"] == 429)
    per_chat = Counter(c["params"]["user_id" if in_max else "chat_id"] for c in ok)
    stamps = sorted(c["at"] for c in ok)
    return {
        "case": name,
        "recipients": recipients,
        "delivered": len(per_chat),
        "exactly_once": len(per_chat) == recipients and set(per_chat.values()) == {1},
        "rate_per_s": round(len(ok) / (stamps[-1] - stamps[0]), 1),
        "wall_s": round(wall, 2),
        "429s": refused,
    }


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--only", choices=["limited", "unlimited", "max"])
    parser.add_argument("--recipients", type=int, default=3000, help="limited case")
    parser.add_argument("--unlimited-recipients", type=int, default=20000)
    parser.add_argument("--max-recipients", type=int, default=1000, help="max case")
    parser.add_argument("--concurrency", type=int, default=64, help="unlimited case, per worker")
    parser.add_argument(
        "--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/cabinet_bench"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    return parser.parse_args()


async def main(args: argparse.Namespace) -> None:
    results = []
    if args.only in (None, "limited"):
        results.append(
            await run_case(
                "limited: fake 30/s global + 1/s per chat",
                args,
                args.recipients,
                ["--rate-limit-global", "30", "--rate-limit-per-chat", "1"],
                {"TELEGRAM_RATE_LIMIT": "30", "WORKER_CONCURRENCY": "8"},
            )
        )
    if args.only in (None, "unlimited"):
        results.append(
            await run_case(
                "unlimited: the engine's ceiling",
                args,
                args.unlimited_recipients,
                [],
                {"TELEGRAM_RATE_LIMIT": "1000000", "WORKER_CONCURRENCY": str(args.concurrency)},
            )
        )
    if args.only in (None, "max"):
        results.append(
            await run_case(
                "max: fake Max 30 requests/s, MAX_RATE_LIMIT 20",
                args,
                args.max_recipients,
                ["--rate-limit", "30"],
                {"MAX_RATE_LIMIT": "20", "WORKER_CONCURRENCY": "8"},
                messenger="max",
            )
        )
    for result in results:
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(
                f"{result['case']}: {result['recipients']} recipients, "
                f"{result['rate_per_s']} messages/s ({result['wall_s']} s), "
                f"429s: {result['429s']}, every recipient exactly once: {result['exactly_once']}"
            )


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
