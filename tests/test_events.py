"""`POST /events` over real HTTP: the signature and its time, malformed and oversized bodies,
a replayed event (one alert), an event for nobody (stored and counted), and the sandbox
cabinet's own signed events arriving."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from cabinet.events import InvalidSignature, sign, verify
from storage.models import Event, Link, OutboxMessage
from tests.conftest import Backend
from tests.flows import linked_bot, sandbox_of
from tests.harness import RunningBot
from tests.test_linking import ALICE


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated) as running:
        yield running


def event_body(customer_id: str, kind: str = "policy.expiring", **data: Any) -> dict[str, Any]:
    defaults: dict[str, dict[str, Any]] = {
        "policy.expiring": {
            "policy_id": "P-1",
            "number": "ОСАГО-2026-000123",
            "ends_on": "2026-12-31",
            "days_left": 7,
        },
    }
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "customer_id": customer_id,
        "occurred_at": "2026-11-20T09:15:00Z",
        "data": {**defaults.get(kind, {}), **data},
    }


async def post(
    app: RunningBot,
    body: bytes | dict[str, Any],
    *,
    timestamp: int | None = None,
    signature: str | None = None,
    secret: bytes | None = None,
) -> httpx.Response:
    """POST a body to the bot's /events, signed as the cabinet signs (unless told otherwise)."""
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    ts = int(time.time()) if timestamp is None else timestamp
    key = app.resources.wiring.events_secret if secret is None else secret
    headers = {
        "Content-Type": "application/json",
        "X-Timestamp": str(ts),
        "X-Signature": signature if signature is not None else sign(key, ts, raw),
    }
    async with httpx.AsyncClient(timeout=10) as http:
        return await http.post(
            f"{app.settings.web.public_url}/events", content=raw, headers=headers
        )


async def customer_of(app: RunningBot, user_id: int = ALICE) -> str:
    async with app.resources.session_factory() as session:
        link = await session.get(Link, user_id)
    assert link is not None
    return link.customer_id


async def counts(app: RunningBot) -> tuple[int, int]:
    """(events rows, outbox rows)."""
    async with app.resources.session_factory() as session:
        events = await session.scalar(select(func.count()).select_from(Event))
        rows = await session.scalar(select(func.count()).select_from(OutboxMessage))
    return int(events or 0), int(rows or 0)


async def test_only_signed_fresh_well_formed_events_are_taken(app: RunningBot) -> None:
    body = event_body(await customer_of(app))
    raw = json.dumps(body).encode()

    wrong_key = await post(app, raw, secret=b"not-the-secret")
    assert wrong_key.status_code == 401
    assert wrong_key.headers["content-type"].startswith("application/problem+json")
    assert (await post(app, raw, signature="")).status_code == 401
    assert (await post(app, raw, signature="sha256=" + "0" * 64)).status_code == 401
    old = int(time.time()) - 6 * 60
    assert (await post(app, raw, timestamp=old)).status_code == 401  # signed, but too old
    future = int(time.time()) + 6 * 60
    assert (await post(app, raw, timestamp=future)).status_code == 401
    # A body changed after signing.
    ts = int(time.time())
    tampered = raw.replace(b'"days_left": 7', b'"days_left": 1')
    forged = await post(app, tampered, timestamp=ts, signature=sign(b"x", ts, raw))
    assert forged.status_code == 401
    assert await counts(app) == (0, 0)

    malformed = await post(app, b"{not json")
    assert malformed.status_code == 400
    assert malformed.json()["code"] == "validation_failed"
    missing = {**body, "data": {"policy_id": "P-1"}}
    invalid = await post(app, missing)
    assert invalid.status_code == 400
    assert "data" in invalid.json()["detail"]
    unknown = await post(app, {**body, "type": "policy.exploded"})
    assert unknown.status_code == 400
    oversized = await post(app, {**body, "padding": "x" * (64 * 1024)})
    assert oversized.status_code == 413
    assert await counts(app) == (0, 0)

    taken = await post(app, body)
    assert taken.status_code == 204
    assert await counts(app) == (1, 1)


async def test_a_replayed_event_makes_one_alert(app: RunningBot) -> None:
    body = event_body(await customer_of(app))
    first = await post(app, body)
    again = await post(app, body)  # the cabinet retries: a fresh timestamp and signature
    together = await asyncio.gather(*(post(app, body) for _ in range(5)))
    assert first.status_code == again.status_code == 204
    assert {r.status_code for r in together} == {204}
    assert await counts(app) == (1, 1)
    async with app.resources.session_factory() as session:
        stored = await session.get(Event, body["event_id"])
        rows = (await session.scalars(select(OutboxMessage))).all()
    assert stored is not None
    assert stored.recipients == 1
    assert [(r.chat_id, r.kind, r.event_id) for r in rows] == [(ALICE, "alert", body["event_id"])]


async def test_an_event_for_nobody_is_stored_and_counted(app: RunningBot) -> None:
    def unlinked() -> float:
        value = REGISTRY.get_sample_value(
            "cabinet_events_unlinked_total", {"type": "policy.expiring"}
        )
        return value or 0.0

    before = unlinked()
    body = event_body("C-nobody-linked")
    assert (await post(app, body)).status_code == 204
    async with app.resources.session_factory() as session:
        stored = await session.get(Event, body["event_id"])
    assert stored is not None
    assert stored.recipients == 0
    assert stored.customer_id == "C-nobody-linked"
    assert await counts(app) == (1, 0)
    assert unlinked() == before + 1
    async with httpx.AsyncClient(timeout=10) as http:
        metrics = await http.get(f"{app.settings.web.public_url}/metrics")
    if metrics.status_code == 200:
        assert "cabinet_events_unlinked_total" in metrics.text


async def test_the_sandbox_cabinet_delivers_its_signed_events(app: RunningBot) -> None:
    customer_id = await customer_of(app)
    policies = await app.resources.cabinet.policies(customer_id, page_size=100)
    renewable = next(p for p in policies.value.items if p.renewable)
    fired = await sandbox_of(app).operator(
        "POST", f"/policies/{renewable.id}/expiring", json={"days_left": 30}
    )
    event_id = fired["events"][0]["event_id"]
    for _ in range(100):
        async with app.resources.session_factory() as session:
            stored = await session.get(Event, event_id)
            rows = (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.event_id == event_id)
                )
            ).all()
        if stored is not None:
            break
        await asyncio.sleep(0.1)
    assert stored is not None, "the sandbox's event did not arrive"
    assert stored.type == "policy.expiring"
    assert [r.chat_id for r in rows] == [ALICE]
    assert "30 дней" in rows[0].payload["text"]


@pytest.mark.parametrize("timestamp", ["²", "1" * 4400, "-5", "+1733300000", " 1733300000", ""])
def test_an_odd_timestamp_is_refused_as_unauthorised(timestamp: str) -> None:
    """Before authentication, whatever the header holds: a 401, never a 500."""
    with pytest.raises(InvalidSignature, match="X-Timestamp"):
        verify(b"secret", timestamp=timestamp, signature="sha256=00", body=b"{}")
