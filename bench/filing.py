"""Filing a typical ОСАГО claim in the chat: how many taps and messages it takes a person,
and the bot's own time per step (the cabinet's time subtracted).

The whole bot runs in this process with its web server, the sandbox ESIA and the sandbox
cabinet, against the fake Bot API of the tests; a user signs in once, then files the same
claim `--runs` times: the accident today, the place typed, «Европротокол», «Нет», the
damage typed, the circumstances typed, the notice as a PDF, three photos as an album, the
optional police report skipped, «Отправить». Each update's handling is timed by an outer
middleware; the time the cabinet client spent in HTTP calls during it (its
`cabinet_call_seconds` histogram) is subtracted.

    uv run python -m bench.filing                  # SQLite + fakeredis
    uv run python -m bench.filing --servers        # PostgreSQL (db cabinet_bench) + Redis db 14
    uv run python -m bench.filing --runs 50 --json

Targets (issue #15): at most 12 taps plus the text and the files; p99 < 50 ms per step.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from typing import Any

import httpx
from aiogram.types import TelegramObject
from redis.asyncio import Redis

from cabinet.client import CALL_SECONDS
from storage import migrate
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.harness import RunningBot, running_bot
from tests.test_linking import ALICE, linked

PDF = b"%PDF-1.4\n% the accident notice\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def cabinet_seconds() -> float:
    return sum(
        sample.value
        for metric in CALL_SECONDS.collect()
        for sample in metric.samples
        if sample.name.endswith("_sum")
    )


class StepTimer:
    """An outer middleware: each update's handling time, and the cabinet's share of it."""

    def __init__(self) -> None:
        self.samples: list[tuple[float, float]] = []

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> Any:
        cabinet, started = cabinet_seconds(), time.perf_counter()
        try:
            return await handler(event, data)
        finally:
            self.samples.append((time.perf_counter() - started, cabinet_seconds() - cabinet))


class Person:
    """Taps and messages, counted; each waits until the bot has answered."""

    def __init__(self, app: RunningBot) -> None:
        self.app = app
        self.taps = 0
        self.texts = 0
        self.files = 0

    def screen(self, mark: int) -> Call:
        tg = self.app.tg
        return [
            c
            for c in tg.calls[mark:]
            if c.ok and c.method in ("sendMessage", "editMessageText") and tg.buttons(c)
        ][-1]

    async def tap(self, screen: Call, text: str) -> Call:
        self.taps += 1
        mark = self.app.tg.mark()
        self.app.tg.press(ALICE, screen, text)
        await self.app.settle()
        return self.screen(mark)

    async def type(self, text: str) -> Call:
        self.texts += 1
        mark = self.app.tg.mark()
        self.app.tg.user_message(ALICE, text)
        await self.app.settle()
        return self.screen(mark)

    async def send(self, *files: dict[str, Any]) -> Call:
        self.files += len(files)
        mark = self.app.tg.mark()
        for media in files:
            self.app.tg.user_message(ALICE, **media)
        await self.app.settle()
        return self.screen(mark)


async def file_a_claim(app: RunningBot, run: int) -> Person:
    person = Person(app)
    mark = app.tg.mark()
    app.tg.user_message(ALICE, "/menu")
    await app.settle()
    screen = person.screen(mark)
    screen = await person.tap(screen, "Заявить о страховом случае")
    if "незаконченное" in (screen.text or ""):
        screen = await person.tap(screen, "Новое заявление")
    screen = await person.tap(screen, "ОСАГО")
    screen = await person.tap(screen, "ДТП")
    screen = await person.tap(screen, "Сегодня")
    screen = await person.type("Москва, Тверская ул., 5")
    screen = await person.tap(screen, "Европротокол")
    screen = await person.tap(screen, "Нет")
    screen = await person.type("86 400")
    screen = await person.type("Стоял на светофоре, сзади въехал автомобиль.")
    notice = app.tg.add_file(
        f"notice-{run}", PDF, file_name="извещение.pdf", mime_type="application/pdf"
    )
    screen = await person.send({"document": notice})
    screen = await person.tap(screen, "Дальше")
    photos = []
    for n in range(3):
        app.tg.add_file(f"photo-{run}-{n}", JPEG + bytes([n, run % 256]))
        photos.append({"photo": f"photo-{run}-{n}", "extra": {"media_group_id": f"a{run}"}})
    screen = await person.send(*photos)
    screen = await person.tap(screen, "Дальше")
    screen = await person.tap(screen, "Пропустить")
    done = await person.tap(screen, "Отправить заявление")
    if "зарегистрировано" not in (done.text or ""):
        raise RuntimeError(f"the claim was not registered: {done.text}")
    return person


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def main(args: argparse.Namespace) -> dict[str, Any]:
    if args.servers:
        backend = Backend(
            "servers",
            "postgresql+asyncpg://postgres@127.0.0.1:5432/cabinet_bench",
            "redis://127.0.0.1:6379/14",
        )
    else:
        folder = tempfile.mkdtemp(prefix="bench-filing-")
        backend = Backend("embedded", f"sqlite+aiosqlite:///{folder}/bench.db", None)
    if args.servers:  # a clean database and Redis db of the bench's own
        await asyncio.to_thread(migrate.downgrade, backend.database_url, "base")
        redis = Redis.from_url(str(backend.redis_url))
        await redis.flushdb()
        await redis.aclose()
    await asyncio.to_thread(migrate.upgrade, backend.database_url)
    timer = StepTimer()
    async with (
        httpx.AsyncClient(timeout=10) as browser,
        running_bot(backend, web_server=True, flood_rate=1000) as app,
    ):
        await linked(app, browser, ALICE)
        app.dp.update.outer_middleware.register(timer)
        person = await file_a_claim(app, 0)  # warm-up: not counted
        timer.samples.clear()
        for run in range(1, args.runs + 1):
            person = await file_a_claim(app, run)
    server_ms = [max(total - cabinet, 0.0) * 1000 for total, cabinet in timer.samples]
    cabinet_ms = [cabinet * 1000 for _, cabinet in timer.samples]
    return {
        "backend": backend.name,
        "runs": args.runs,
        "taps": person.taps,
        "typed_messages": person.texts,
        "files": person.files,
        "updates_timed": len(server_ms),
        "server_ms_p50": round(statistics.median(server_ms), 2),
        "server_ms_p99": round(percentile(server_ms, 0.99), 2),
        "server_ms_max": round(max(server_ms), 2),
        "cabinet_ms_p50": round(statistics.median(cabinet_ms), 2),
    }


def cli() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--servers", action="store_true")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    result = asyncio.run(main(args))
    if args.json:
        print(json.dumps(result))
    else:
        for key, value in result.items():
            print(f"{key:>16}: {value}")


if __name__ == "__main__":
    cli()
