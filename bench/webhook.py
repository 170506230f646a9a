"""Webhook mode: updates a second through one `cabinet-bot web` replica against two (same run),
and the memory of an idle replica and of an idle worker.

The deployment is `tests/deployment.py`'s: the fake Bot API POSTs every update as a webhook
(up to `--connections` at once, like Telegram's `max_connections`) through a round-robin
balancer to the replicas, which answer each /help with one sendMessage back to the fake, on
PostgreSQL and Redis. The fake and the balancer run in this process; on a small machine they
share its cores with the replicas, so the figure is the whole system's, not a replica's.

    uv run python -m bench.webhook                        # db cabinet_bench, Redis db 14
    uv run python -m bench.webhook --updates 4000 --users 400 --json

The database and the Redis db are wiped first: never point it at data you keep.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.broadcast import wipe
from bench.updates import add_store_args, ensure_bench_database, prepare_users
from bot.config import load_settings
from bot.factory.resources import open_resources
from tests.conftest import TEST_TOKEN, Backend
from tests.deployment import Deployment, Process, deployment


def rss_mib(process: Process) -> float:
    """Resident memory of a process, from /proc (Linux)."""
    status = Path(f"/proc/{process.proc.pid}/status").read_text()
    kib = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return round(kib / 1024, 1)


async def updates_per_second(app: Deployment, *, updates: int, users: int) -> float:
    """Feed `updates` /help messages from `users` users; the rate at which they were answered."""
    before = app.tg.count("sendMessage")
    started = time.perf_counter()
    for i in range(updates):
        app.tg.user_message(i % users + 1, "/help")
    await app.tg.wait_count("sendMessage", before + updates, timeout=600)
    return updates / (time.perf_counter() - started)


async def measure(args: argparse.Namespace, backend: Backend, replicas: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="bench-webhook-") as logs:
        async with deployment(
            backend,
            Path(logs),
            webs=replicas,
            workers=1,
            FLOOD_RATE="1000",
            TELEGRAM_WEBHOOK_MAX_CONNECTIONS=str(args.connections),
        ) as app:
            await asyncio.sleep(2)  # settled after start-up
            idle = {
                "web_idle_rss_mib": rss_mib(app.webs[0]),
                "worker_idle_rss_mib": rss_mib(app.workers[0]),
            }
            await updates_per_second(app, updates=args.users * 2, users=args.users)  # warm-up
            rate = await updates_per_second(app, updates=args.updates, users=args.users)
            return {
                "replicas": replicas,
                "updates_per_s": round(rate, 1),
                "web_busy_rss_mib": max(rss_mib(w) for w in app.webs),
                **idle,
            }


async def main(args: argparse.Namespace) -> None:
    database_url = args.database_url or await ensure_bench_database()
    await wipe(database_url, args.redis_url)
    backend = Backend("servers", database_url, args.redis_url)
    settings = load_settings(
        telegram_bot_token=TEST_TOKEN,
        database_url=database_url,
        redis_url=args.redis_url,
        _env_file=None,
    )
    async with open_resources(settings) as resources:
        await prepare_users(resources, args.users)
    results = [await measure(args, backend, replicas) for replicas in (1, 2)]
    one, two = results[0]["updates_per_s"], results[1]["updates_per_s"]
    summary = {"updates": args.updates, "users": args.users, "scaling": round(two / one, 2)}
    if args.json:
        for result in results:
            print(json.dumps({**summary, **result}))
        return
    for result in results:
        print(
            f"{result['replicas']} replica(s): {result['updates_per_s']} updates/s; "
            f"RSS idle web {result['web_idle_rss_mib']} MiB, busy web "
            f"{result['web_busy_rss_mib']} MiB, idle worker {result['worker_idle_rss_mib']} MiB"
        )
    print(f"two replicas / one: {summary['scaling']}×")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--connections", type=int, default=40, help="webhook max_connections")
    return add_store_args(parser).parse_args()


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
