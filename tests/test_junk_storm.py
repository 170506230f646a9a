"""A storm of 3,000 updates of every kind Telegram can send (and some it cannot), with ten
people asking for help in the middle of it: each of them is answered, and nothing Telegram
can really send ends as an incident."""

from __future__ import annotations

import logging
import random
from typing import Any

import pytest

from tests.conftest import Backend
from tests.harness import running_bot

pytestmark = [pytest.mark.reliability, pytest.mark.backends("embedded")]

STORM = 3000
PEOPLE = range(900_000, 900_010)
TEXTS = ["", " ", "/", "/start x y z", "/unknown", "👍" * 50, "<b>не закрыт", "&amp;", "a" * 4096,
         "\u202e\u200b", "SELECT * FROM users;", "Как подать заявление о ДТП?"]  # fmt: skip
EXTRAS: list[dict[str, Any]] = [
    {"sticker": {"file_id": "s", "file_unique_id": "s", "type": "regular", "width": 512,
                 "height": 512, "is_animated": False, "is_video": False}},
    {"voice": {"file_id": "v", "file_unique_id": "v", "duration": 3}},
    {"location": {"latitude": 55.75, "longitude": 37.62}},
    {"contact": {"phone_number": "+79990000000", "first_name": "Иван"}},
    {"dice": {"emoji": "🎲", "value": 3}},
]  # fmt: skip


def junk(tg: Any, rng: random.Random, n: int) -> None:
    user = 950_000 + rng.randrange(300)
    kind = n % 8
    if kind == 0:
        tg.user_message(user, rng.choice(TEXTS))
    elif kind == 1:
        tg.user_message(user, None, extra=rng.choice(EXTRAS))
    elif kind == 2:
        message = {"message_id": rng.randrange(1, 10**6), "date": 1,
                   "chat": {"id": user, "type": "private"}, "text": "x"}  # fmt: skip
        tg.callback(user, message, rng.choice(["", "x" * 64, "\x1d", "a\x1db", "../.."]))
    elif kind == 3:
        tg.user_message(user, rng.choice(TEXTS), chat_id=-100 - rng.randrange(5),
                        chat_type="supergroup")  # fmt: skip
    elif kind == 4:
        tg.my_chat_member(user, "private", rng.choice(["kicked", "member"]), user_id=user)
    elif kind == 5:
        tg.channel_post(-1009000 - rng.randrange(3), rng.choice(TEXTS) or "x")
    elif kind == 6:
        tg.feed({"edited_message": {"message_id": 5, "date": 1, "edit_date": 2, "text": "x",
                 "chat": {"id": user, "type": "private"},
                 "from": {"id": user, "is_bot": False, "first_name": "x"}}})  # fmt: skip
    else:  # what Telegram cannot send: aiogram cannot parse it
        tg.feed({"message": {"message_id": 1, "date": 1, "text": "без чата"}})


@pytest.mark.timeout(300)
async def test_a_junk_storm_loses_no_ones_question(
    migrated: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    rng = random.Random(13)
    # Telegram's 30 messages/s is not the subject here (test_pacing's): a bot allowed more.
    async with running_bot(migrated, flood_rate=50, telegram_rate_limit=1000) as app:
        mark = app.tg.mark()
        for n in range(STORM):
            junk(app.tg, rng, n)
            if n % 300 == 150:
                app.tg.user_message(PEOPLE[n // 300], "/help")
        await app.settle(timeout=240)
        helped = {c.chat_id for c in app.tg.calls[mark:] if "Служба поддержки" in (c.text or "")}
        assert set(PEOPLE) <= helped, [
            (c.method, c.chat_id, (c.text or "")[:40], c.error)
            for c in app.tg.calls[mark:]
            if c.chat_id in PEOPLE
        ]
        incidents = [c for c in app.tg.calls[mark:] if "инцидент" in (c.text or "")]
        assert incidents == [], app.tg.summary(mark)
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [f"{r.name}: {r.getMessage()[:200]}" for r in errors[:5]]
