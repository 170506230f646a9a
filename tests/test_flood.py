"""Reliability under a flood: 1,000 concurrent requests from one address to the public routes
while 50 people talk to the bot. Nothing fails (no 5xx), every person is answered — in `run`
mode (polling, on each backend) and in `web` mode (a real `cabinet-bot web` on PostgreSQL and
Redis, updates by webhook), whose memory stays flat from one flood to the next."""

from __future__ import annotations

import asyncio
import collections
from pathlib import Path

import httpx
import pytest

from tests.conftest import Backend
from tests.deployment import deployment
from tests.fake_telegram import FakeTelegram
from tests.harness import running_bot

pytestmark = pytest.mark.reliability

FLOOD = 1000
PATHS = ("/link/", "/d/", "/events")
HELP = "Служба поддержки"
Statuses = collections.Counter[tuple[str, object]]


async def flood_while_talking(tg: FakeTelegram, target: str, people: range) -> Statuses:
    """1,000 concurrent requests from one address to `target`'s public routes while `people`
    send /help; the statuses the flood got, by route."""
    limits = httpx.Limits(max_connections=FLOOD, max_keepalive_connections=0)
    async with httpx.AsyncClient(timeout=60, limits=limits) as attacker:
        flood = [
            attacker.post(target + "/events", content=b"{}")
            if PATHS[n % 3] == "/events"
            else attacker.get(f"{target}{PATHS[n % 3]}junk{n}")
            for n in range(FLOOD)
        ]
        for person in people:
            tg.user_message(person, "/help")
        answers = await asyncio.gather(*flood, return_exceptions=True)
    return collections.Counter(
        (PATHS[n % 3], a.status_code if isinstance(a, httpx.Response) else type(a).__name__)
        for n, a in enumerate(answers)
    )


def helped(tg: FakeTelegram, after: int) -> set[int]:
    return {c.chat_id for c in tg.calls[after:] if HELP in (c.text or "")}  # type: ignore[misc]


async def all_helped(tg: FakeTelegram, people: range, after: int, timeout: float = 60) -> None:  # noqa: ASYNC109
    deadline = asyncio.get_running_loop().time() + timeout
    while helped(tg, after) != set(people):
        missing = set(people) - helped(tg, after)
        assert asyncio.get_running_loop().time() < deadline, f"not answered: {sorted(missing)}"
        await asyncio.sleep(0.1)


def rss_mib(pid: int) -> float:
    """A process's resident memory in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


def no_server_error(statuses: Statuses) -> None:
    assert all(isinstance(s, int) and s < 500 for _, s in statuses), statuses


async def test_a_flood_on_the_public_routes_fails_nothing_and_delays_no_one(
    migrated: Backend,
) -> None:
    people = range(800_000, 800_050)
    async with running_bot(migrated, web_server=True, flood_rate=50) as app:
        mark = app.tg.mark()
        statuses = await flood_while_talking(app.tg, app.settings.web.public_url, people)
        await app.settle()
        no_server_error(statuses)
        assert helped(app.tg, mark) == set(people)


@pytest.mark.backends("servers")
async def test_web_mode_holds_repeated_floods_with_flat_memory(
    migrated: Backend, tmp_path: Path
) -> None:
    """Three floods on one `cabinet-bot web`: each answered without a 5xx and every person
    helped; the replica's memory after the third is what it was after the first (what a flood
    leaves behind — limiter keys, connections, tasks — is bounded, not kept)."""
    async with deployment(migrated, tmp_path, webs=1, workers=0) as app:
        (web,) = app.webs
        after_each = []
        for flood in range(3):
            people = range(810_000 + 100 * flood, 810_050 + 100 * flood)
            mark = app.tg.mark()
            statuses = await flood_while_talking(app.tg, web.url, people)
            no_server_error(statuses)
            await all_helped(app.tg, people, mark)
            assert statuses[("/link/", 429)] > 0, "the per-address limit refused the flood"
            after_each.append(rss_mib(web.proc.pid))
        growth = after_each[-1] - after_each[0]
        assert growth < 15, f"memory grew flood after flood (MiB): {after_each}"
        assert not web.events("update_failed"), web.tail()
