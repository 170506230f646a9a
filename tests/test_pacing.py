"""Replies and the outbox share Telegram's one global budget, replies first: during a
broadcast at the limit, every person who writes gets their answer, not an apology."""

from __future__ import annotations

from notify.broadcasts import Audience, build_payload, create_broadcast
from tests.conftest import Backend
from tests.harness import running_bot
from tests.test_broadcasts import add_linked

RATE = 30  # Telegram's messages per second, which the fake enforces (429 beyond)
AUDIENCE = range(600_000, 600_150)  # five seconds of broadcast at the limit
ASKING = range(700_000, 700_040)


async def test_during_a_broadcast_at_the_limit_every_reply_is_delivered(
    migrated: Backend,
) -> None:
    async with running_bot(migrated, workers=True, telegram_rate_limit=RATE, flood_rate=50) as app:
        app.tg.set_rate_limits(rate_limit_global=RATE)
        async with app.resources.session_factory() as session:
            await add_linked(session, AUDIENCE)
            await session.commit()
            await create_broadcast(
                session,
                payload=build_payload("Плановые работы ночью"),
                audience=Audience("all"),
                category="service",
            )
        await app.tg.wait_count("sendMessage", 30, timeout=10)  # the broadcast is going
        mark = app.tg.mark()
        for user in ASKING:
            app.tg.user_message(user, "/help")
        await app.settle()
        answered = {
            c.chat_id
            for c in app.tg.calls[mark:]
            if c.ok and c.chat_id in ASKING and "Служба поддержки" in (c.text or "")
        }
        apologies = [c for c in app.tg.calls[mark:] if "инцидент" in (c.text or "")]
        assert apologies == []
        assert answered == set(ASKING), f"{len(ASKING) - len(answered)} people got no answer"


async def test_a_reply_refused_with_a_429_or_a_5xx_is_sent_again_and_stops_no_one(
    migrated: Backend,
) -> None:
    """One chat's 429 (a group's own limit, say) holds back that reply only: the global pause
    the outbox honours is not set, and the person gets the answer, not an apology."""
    async with running_bot(migrated, flood_rate=50) as app:
        app.tg.fail("sendMessage", 429, retry_after=1, chat_id=ASKING[0])
        app.tg.fail("sendMessage", 502, chat_id=ASKING[1])
        mark = app.tg.mark()
        for user in ASKING[:2]:
            app.tg.user_message(user, "/help")
        await app.settle()
        answered = [c.chat_id for c in app.tg.calls[mark:] if c.ok and c.method == "sendMessage"]
        assert set(answered) == set(ASKING[:2])
        assert not [c for c in app.tg.calls[mark:] if "инцидент" in (c.text or "")]
        assert await app.resources.limiter.paused_for() == 0
