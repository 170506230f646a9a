"""Reliability under a flood: 1,000 concurrent requests from one address to the public routes
while 50 people talk to the bot. Nothing fails (no 5xx), every person is answered."""

from __future__ import annotations

import asyncio
import collections

import httpx
import pytest

from tests.conftest import Backend
from tests.harness import running_bot

pytestmark = pytest.mark.reliability

FLOOD = 1000
PEOPLE = range(800_000, 800_050)


async def test_a_flood_on_the_public_routes_fails_nothing_and_delays_no_one(
    migrated: Backend,
) -> None:
    async with running_bot(migrated, web_server=True, flood_rate=50) as app:
        base = app.settings.public_url
        limits = httpx.Limits(max_connections=FLOOD, max_keepalive_connections=0)
        async with httpx.AsyncClient(timeout=60, limits=limits) as attacker:
            paths = ("/link/", "/d/", "/events")
            flood = [
                attacker.post(base + "/events", content=b"{}")
                if paths[n % 3] == "/events"
                else attacker.get(f"{base}{paths[n % 3]}junk{n}")
                for n in range(FLOOD)
            ]
            mark = app.tg.mark()
            for person in PEOPLE:
                app.tg.user_message(person, "/help")
            answers = await asyncio.gather(*flood, return_exceptions=True)
            await app.settle()
        statuses = collections.Counter(
            (paths[n % 3], a.status_code if isinstance(a, httpx.Response) else type(a).__name__)
            for n, a in enumerate(answers)
        )
        assert all(isinstance(s, int) and s < 500 for _, s in statuses), statuses
        helped = {c.chat_id for c in app.tg.calls[mark:] if "Служба поддержки" in (c.text or "")}
        assert helped == set(PEOPLE)
