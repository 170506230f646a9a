"""The production shape, on this machine: two `cabinet-bot web` replicas behind a round-robin
load balancer, two `cabinet-bot worker` processes and `cabinet-bot sandbox`, on PostgreSQL and
Redis; the fake Bot API POSTs every update as a webhook through the balancer."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

import httpx
import pytest

from bot.max_messenger.webhook import SECRET_HEADER
from storage.accounts import Channel, account_id
from storage.db import create_engine, create_session_factory
from tests.conftest import Backend
from tests.deployment import MAX_WEBHOOK_PATH, WEBHOOK_PATH, Deployment, deployment
from tests.harness import Chat
from tests.test_broadcasts import add_linked
from tests.test_certificates import TAX, confirmed, ordering, today
from tests.test_linking import ALICE, linked

pytestmark = pytest.mark.backends("servers")


async def seed_linked(backend: Backend, users: Iterable[int]) -> None:
    engine = create_engine(backend.database_url)
    try:
        async with create_session_factory(engine)() as session:
            await add_linked(session, users)
            await session.commit()
    finally:
        await engine.dispose()


def received(app: Deployment, text: str) -> Counter[int]:
    """Who got a message reading `text`, how many times."""
    sent = app.tg.calls_of("sendMessage", ok=True)
    return Counter(int(call.params["chat_id"]) for call in sent if call.text == text)


def greeted(app: Deployment) -> set[int]:
    """Who got the consent screen (the answer to a first /start)."""
    sent = app.tg.calls_of("sendMessage", ok=True)
    return {int(call.params["chat_id"]) for call in sent if "152" in (call.text or "")}


async def test_a_conversation_split_across_replicas_and_a_broadcast_across_workers(
    migrated: Backend, tmp_path: Path
) -> None:
    async with deployment(migrated, tmp_path) as app, httpx.AsyncClient(timeout=10) as browser:
        assert app.tg.count("setWebhook") == 1, "two replicas started, the webhook set once"
        webhook = app.tg.calls_of("setWebhook")[0].params
        assert webhook["url"] == app.public_url + WEBHOOK_PATH

        chat = Chat(app.tg, migrated.settings(public_url=app.public_url))
        await linked(chat, browser, ALICE)  # consent, Gosuslugi, back to Telegram, the menu
        period = await ordering(chat, TAX)
        purpose = await chat.press(ALICE, period, f"За прошлый год ({today().year - 1})")
        confirm = await chat.press(ALICE, purpose, "Для налогового вычета в ФНС")
        await confirmed(chat, confirm)
        await app.tg.drain()
        split = app.lb.hits_on(WEBHOOK_PATH)
        assert sorted(split) == sorted(w.url for w in app.webs), split
        assert min(split.values()) >= 3, f"updates went to both replicas: {split}"
        refused = [d for d in app.tg.webhook_deliveries if d.status != 200]
        assert refused == [], "every update was taken at the first attempt"

        for web in app.webs:  # straight to a replica, past the balancer
            async with httpx.AsyncClient(base_url=web.url) as http:
                for secret in (None, b"wrong", "не тот".encode()):
                    headers = {b"X-Telegram-Bot-Api-Secret-Token": secret} if secret else {}
                    forged = await http.post(WEBHOOK_PATH, json={"update_id": 1}, headers=headers)
                    assert forged.status_code == 401

        audience = range(5000, 5060)
        await seed_linked(migrated, audience)
        created = await app.admin(
            "POST", "/broadcasts", json={"text": "Плановые работы", "audience": {"kind": "all"}}
        )
        assert created["total"] == len(audience) + 1  # and ALICE
        status = await app.broadcast_done(created["id"])
        assert status["sent"] == len(audience) + 1
        assert received(app, "Плановые работы") == Counter([*audience, ALICE])

        for worker in app.workers:  # what the orchestrator and Prometheus see
            async with httpx.AsyncClient(base_url=worker.url) as http:
                assert (await http.get("/readyz")).status_code == 200
                metrics = (await http.get("/metrics")).text
            assert 'cabinet_outbox_sends_total{result="sent"}' in metrics
        counts = []
        for worker in app.workers:
            await worker.stop()
            (stopped,) = worker.events("outbox_worker_stopped")
            counts.append(stopped.get("sent", 0))
        assert all(counts), f"both workers sent: {counts}"


async def test_sigterm_drains_and_a_restart_finishes_the_broadcast(
    migrated: Backend, tmp_path: Path
) -> None:
    async with deployment(migrated, tmp_path, TELEGRAM_RATE_LIMIT="40") as app:
        audience = range(6000, 6200)
        await seed_linked(migrated, audience)
        created = await app.admin(
            "POST", "/broadcasts", json={"text": "Новости", "audience": {"kind": "all"}}
        )
        await app.tg.wait_count("sendMessage", 40, timeout=30)

        # A rolling restart: both workers and one replica get SIGTERM mid-broadcast while
        # users keep writing; the balancer takes the stopped replica out when it refuses. Every
        # Bot API call now takes 1.5 s, so handlers and sends are in flight at the signal.
        app.tg.latency = 1.5
        for user in range(7000, 7010):
            app.tg.user_message(user, "/start")
        await asyncio.sleep(0.5)
        took = await asyncio.gather(*(worker.stop() for worker in app.workers), app.webs[0].stop())
        assert max(took) < 10, f"each process stopped within 10 s: {took}"
        app.tg.latency = 0
        released = [w.events("outbox_worker_stopped")[0]["released"] for w in app.workers]
        assert sum(released) > 0, "the claimed rows were given back"
        sent_before = sum(received(app, "Новости").values())
        assert 0 < sent_before < len(audience)

        for user in range(7010, 7020):
            app.tg.user_message(user, "/start")
        await app.tg.drain()  # every update acknowledged (by either replica) ...
        assert greeted(app) >= set(range(7000, 7020)), "... and answered: none was dropped"

        app.workers.clear()
        await asyncio.gather(app.start_worker("worker3"), app.start_worker("worker4"))
        status = await app.broadcast_done(created["id"])
        assert status["sent"] == len(audience)
        assert received(app, "Новости") == Counter(audience), "everyone once, nobody twice"
        drained = [e for w in app.workers for e in w.events("outbox_redelivery")]
        assert drained == [], "a drained worker leaves nothing in flight"


async def test_the_bot_in_max_alone_across_replicas(migrated: Backend, tmp_path: Path) -> None:
    """`cabinet-bot web` with MAX_BOT_TOKEN and no Telegram token: every replica subscribes
    Max's webhook, a conversation's updates go to either replica through the balancer and
    are answered once each, a forged one is refused, and a broadcast reaches the people in
    Max through the worker's Max lane, once each."""
    async with deployment(migrated, tmp_path, workers=1, messengers=("max",)) as app:
        mx = app.mx
        assert mx is not None
        assert mx.subscription is not None
        assert mx.subscription.url == app.public_url + MAX_WEBHOOK_PATH
        assert mx.count("subscribe") == 2, "each replica subscribed as it started"
        assert app.tg.calls == [], "no Telegram at all"

        ivan = 7001
        mark = mx.mark()
        mx.bot_started(ivan)
        consent = await mx.wait_for("sendMessage", lambda c: "152" in (c.text or ""), after=mark)
        mark = mx.mark()
        mx.press(ivan, consent, "✅")
        menu = await mx.wait_for("editMessage", lambda c: c.text is not None, after=mark)
        for section in ("Справки", "Поддержка"):
            mark = mx.mark()
            mx.press(ivan, menu, section)
            await mx.wait_for("editMessage", lambda c: c.text is not None, after=mark)
            mark = mx.mark()
            mx.press(ivan, menu, "Назад")
            await mx.wait_for("editMessage", lambda c: c.text is not None, after=mark)
        split = app.lb.hits_on(MAX_WEBHOOK_PATH)
        assert sorted(split) == sorted(w.url for w in app.webs), split
        assert [d for d in mx.webhook_deliveries if not d.ok] == [], "each taken at once"
        await mx.wait_deliveries(6)  # Start and five presses, each acknowledged once handled
        consents = [c for c in mx.calls_of("sendMessage") if "152" in (c.text or "")]
        assert len(consents) == 1, "bot_started answered once"
        screens = [c for c in mx.calls_of("editMessage", ok=True) if c.text is not None]
        assert len(screens) == 5, "each press answered with one screen, by one replica"

        for web in app.webs:
            async with httpx.AsyncClient(base_url=web.url) as http:
                forged = await http.post(
                    MAX_WEBHOOK_PATH, json=mx.bot_started(ivan, feed=False),
                    headers={SECRET_HEADER: "not-the-secret"},
                )  # fmt: skip
                assert forged.status_code == 401

        people = range(8001, 8031)
        await seed_linked(migrated, [account_id(Channel.MAX, n) for n in people])
        created = await app.admin(
            "POST", "/broadcasts", json={"text": "Плановые работы", "audience": {"kind": "all"}}
        )
        status = await app.broadcast_done(created["id"])
        assert status["sent"] == len(people)
        sent = [c for c in mx.calls_of("sendMessage", ok=True) if c.text == "Плановые работы"]
        assert Counter(c.params["user_id"] for c in sent) == Counter(people)
