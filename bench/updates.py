"""Updates per second: the full middleware stack against a bare aiogram dispatcher.

Both dispatchers use the same Redis storage (RedisStorage + RedisEventIsolation, same key
builder) and answer each update with one message; the Bot API is an in-memory session, so
the figure is the dispatcher's own cost, not HTTP. The full stack adds what every update of
the real bot goes through: metrics, flood control, event isolation, a database session with
the user lookup, i18n, aiogram-dialog, the consent filter and the handler's own reply.

    ./dev bench                                   # PostgreSQL (db cabinet_bench) + Redis db 14
    ./dev bench --embedded                        # SQLite + fakeredis
    ./dev bench --updates 5000 --users 500 --concurrency 100

Target (issue #2): the full stack keeps at least half of bare aiogram's rate.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import statistics
import tempfile
import time
from collections.abc import AsyncGenerator, Awaitable
from typing import Any

from aiogram import Bot, Dispatcher, Router
from aiogram.client.session.base import BaseSession
from aiogram.filters import Command
from aiogram.fsm.storage.base import DefaultKeyBuilder
from aiogram.fsm.storage.redis import RedisEventIsolation, RedisStorage
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Message, Update, User

from bot.config import load_settings
from bot.factory.resources import Resources, open_resources
from bot.factory.telegram import build_dispatcher
from linking.consent import ConsentService
from storage import migrate
from storage.redis import KEY_PREFIX
from storage.repositories import UserRepository

TOKEN = "123456:BENCH-token-0000000000000000000000000"


class MemorySession(BaseSession):
    """A Bot API that answers every call at once: sendMessage gets a plausible Message."""

    def __init__(self) -> None:
        super().__init__()
        self.calls = 0

    async def make_request(
        self,
        bot: Bot,
        method: TelegramMethod[TelegramType],
        timeout: int | None = None,  # noqa: ASYNC109 - aiogram's signature
    ) -> TelegramType:
        self.calls += 1
        name = type(method).__name__
        if name in {"SendMessage", "EditMessageText"}:
            params = method.model_dump()
            result: Any = Message.model_validate(
                {
                    "message_id": self.calls,
                    "date": int(time.time()),
                    "chat": {"id": params["chat_id"], "type": "private"},
                    "text": params.get("text") or "",
                },
                context={"bot": bot},
            )
            return result  # type: ignore[no-any-return]
        if name == "GetMe":
            return User(id=123456, is_bot=True, first_name="Bench", username="bench_bot")  # type: ignore[return-value]
        return True  # type: ignore[return-value]

    async def close(self) -> None:
        pass

    async def stream_content(self, *args: Any, **kwargs: Any) -> AsyncGenerator[bytes, None]:
        yield b""


def message_update(update_id: int, user_id: int, text: str) -> Update:
    return Update.model_validate(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "Bench"},
                "from": {
                    "id": user_id,
                    "is_bot": False,
                    "first_name": "Bench",
                    "language_code": "ru",
                },
                "text": text,
                "entities": [{"type": "bot_command", "offset": 0, "length": len(text)}],
            },
        }
    )


def add_store_args(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """The database and Redis a multi-process bench wipes and uses, and --json."""
    parser.add_argument("--database-url", help="default: db cabinet_bench on the local server")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--json", action="store_true", help="print JSON lines")
    return parser


async def ensure_bench_database() -> str:
    """A database of its own on the local server (the bench drops its tables)."""
    import asyncpg  # noqa: PLC0415

    connection = await asyncpg.connect("postgresql://postgres@127.0.0.1:5432/postgres")
    try:
        if not await connection.fetchval(
            "SELECT 1 FROM pg_database WHERE datname = 'cabinet_bench'"
        ):
            await connection.execute("CREATE DATABASE cabinet_bench")
    finally:
        await connection.close()
    return "postgresql+asyncpg://postgres@127.0.0.1:5432/cabinet_bench"


def bare_dispatcher(resources: Resources) -> Dispatcher:
    key_builder = DefaultKeyBuilder(
        prefix=KEY_PREFIX + "-bare", with_bot_id=True, with_destiny=True
    )
    dp = Dispatcher(
        storage=RedisStorage(resources.redis, key_builder=key_builder),
        events_isolation=RedisEventIsolation(
            resources.redis, key_builder=key_builder, lock_kwargs={"timeout": 60, "sleep": 0.01}
        ),
    )
    router = Router()

    @router.message(Command("help"))
    async def help_(message: Message) -> None:
        await message.answer("Помощь")

    dp.include_router(router)
    return dp


async def prepare_users(resources: Resources, users: int) -> None:
    """Consented users, as in production: the consented routers are on every update's path."""
    async with resources.session_factory() as session:
        for user_id in range(1, users + 1):
            await UserRepository(session).get_or_create(user_id, locale="ru", time_zone="UTC")
            await ConsentService(session).accept(user_id, text_hash="0" * 64, locale="ru")
        await session.commit()


_update_ids = itertools.count(1)


async def measure(dp: Dispatcher, bot: Bot, *, updates: int, users: int, concurrency: int) -> float:
    """Updates a second for `updates` /help messages from `users` users, `concurrency` at once."""
    semaphore = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with semaphore:
            update = message_update(next(_update_ids), i % users + 1, "/help")
            await dp.feed_update(bot, update)

    started = time.perf_counter()
    await asyncio.gather(*(one(i) for i in range(updates)))
    return updates / (time.perf_counter() - started)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--updates", type=int, default=3000)
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--embedded", action="store_true", help="SQLite + fakeredis")
    parser.add_argument("--json", action="store_true", help="print one JSON line")
    parser.add_argument("--uvloop", action="store_true", help="run on uvloop, as `run` does")
    return parser.parse_args()


async def main(args: argparse.Namespace) -> None:

    if args.embedded:
        workdir = tempfile.mkdtemp(prefix="bench-")
        database_url = f"sqlite+aiosqlite:///{workdir}/bench.db"
        redis_url = None
    else:
        database_url = os.environ.get("BENCH_DATABASE_URL") or await ensure_bench_database()
        redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")
    settings = load_settings(
        telegram_bot_token=TOKEN,
        database_url=database_url,
        redis_url=redis_url,
        flood_rate=1000,  # users in the bench send faster than people; throttling still runs
        # Replies still take their slot of the shared budget (a Redis call each), but the
        # budget is not the limit: Telegram's 30/s would be the figure measured otherwise.
        telegram_rate_limit=1_000_000,
        log_level="WARNING",
        _env_file=None,
    )
    await asyncio.to_thread(migrate.downgrade, database_url, "base")
    await asyncio.to_thread(migrate.upgrade, database_url)

    async with open_resources(settings) as resources:
        await resources.redis.flushdb()
        await prepare_users(resources, max(args.users, args.updates))
        bot, bare_bot = Bot(TOKEN, session=MemorySession()), Bot(TOKEN, session=MemorySession())
        full = build_dispatcher(settings, resources)
        bare = bare_dispatcher(resources)
        await full.emit_startup(bot=bot, dispatcher=full, **full.workflow_data)  # paces `bot`

        def rate(dp: Dispatcher, *, updates: int, users: int) -> Awaitable[float]:
            return measure(
                dp,
                bot if dp is full else bare_bot,
                updates=updates,
                users=users,
                concurrency=args.concurrency,
            )

        # Warm up both: imports, connection pools, and every user's cached profile (steady
        # state; a user's first update after an hour of silence also reads the database).
        for dp in (bare, full):
            await rate(dp, updates=max(200, args.users * 2), users=args.users)
        rates: dict[str, list[float]] = {"bare": [], "full": [], "full_cold": []}
        for _ in range(args.rounds):
            rates["bare"].append(await rate(bare, updates=args.updates, users=args.users))
            rates["full"].append(await rate(full, updates=args.updates, users=args.users))
            # Cold: every update from a user whose profile is not cached, so each one reads
            # the database (a user's first update, or their first after an hour of silence).
            for key in await resources.redis.keys(f"{KEY_PREFIX}:profile:*"):
                await resources.redis.delete(key)
            rates["full_cold"].append(await rate(full, updates=args.updates, users=args.updates))
        await full.emit_shutdown(bot=bot, dispatcher=full, **full.workflow_data)
        backend = f"{resources.engine.dialect.name} + {'redis' if redis_url else 'fakeredis'}"

    bare_rate = statistics.median(rates["bare"])
    full_rate = statistics.median(rates["full"])
    cold_rate = statistics.median(rates["full_cold"])
    result = {
        "backend": backend,
        "updates": args.updates,
        "users": args.users,
        "concurrency": args.concurrency,
        "bare_updates_per_s": round(bare_rate),
        "full_updates_per_s": round(full_rate),
        "ratio": round(full_rate / bare_rate, 3),
        "full_cold_updates_per_s": round(cold_rate),
        "cold_ratio": round(cold_rate / bare_rate, 3),
        "target_ratio": 0.5,
        "loop": "uvloop" if args.uvloop else "asyncio",
    }
    if args.json:
        print(json.dumps(result))
        return
    print(
        f"backend: {backend}; loop: {result['loop']}; {args.updates} updates from "
        f"{args.users} users, {args.concurrency} at a time, median of {args.rounds} rounds"
    )
    print(f"bare aiogram + RedisStorage : {bare_rate:8.0f} updates/s")
    print(f"full cabinet-bot stack      : {full_rate:8.0f} updates/s")
    print(f"ratio                       : {full_rate / bare_rate:8.2f} (target >= 0.50)")
    print(f"full stack, profiles cold   : {cold_rate:8.0f} updates/s (every update reads the DB)")
    print(f"ratio, cold                 : {cold_rate / bare_rate:8.2f}")


if __name__ == "__main__":
    arguments = parse_args()
    if arguments.uvloop:
        import uvloop

        uvloop.run(main(arguments))
    else:
        asyncio.run(main(arguments))
