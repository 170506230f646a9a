"""The delivery port (`notify.ports`): Telegram's answers as outcomes, over real HTTP with the
fake Bot API, and a worker that serves several messengers — each row through its channel's
port, each channel with its own limiter."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import pytest
from aiogram import Bot
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.factory.telegram import build_bot
from notify import outbox
from notify.limiter import Limiter
from notify.outbox import Claimed
from notify.payload import Button, Payload
from notify.ports import (
    BLOCKED,
    DEAD,
    RATE_LIMITED,
    RETRY,
    SENT,
    Backoff,
    DeliveryPort,
    Limits,
    Outcome,
)
from notify.ports.telegram import TELEGRAM_LIMITS, TelegramPort
from notify.worker import Lane, Worker
from storage.accounts import Channel, account_id, account_of
from storage.db import create_engine, create_session_factory
from storage.models import OutboxMessage, User
from storage.redis import KEY_PREFIX, create_redis
from tests.conftest import Backend
from tests.fake_telegram import FakeTelegram

MAX_30 = account_id(Channel.MAX, 30)


@dataclass
class Wired:
    tg: FakeTelegram
    bot: Bot
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: Redis

    async def enqueue(self, chat_ids: list[int], text: str) -> None:
        async with self.sessions() as session:
            await outbox.enqueue_many(session, chat_ids, {"text": text}, kind="alert")
            await session.commit()

    async def rows(self) -> list[OutboxMessage]:
        async with self.sessions() as session:
            result = await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return list(result)


@pytest.fixture
async def wired(migrated: Backend) -> AsyncIterator[Wired]:
    async with FakeTelegram() as tg:
        settings = migrated.settings(telegram_api_url=tg.base_url)
        engine = create_engine(settings.database.url)
        redis = create_redis(settings.redis.url)
        bot = build_bot(settings)
        try:
            yield Wired(tg, bot, engine, create_session_factory(engine), redis)
        finally:
            await bot.session.close()
            await redis.aclose()
            await engine.dispose()


def _row(chat_id: int, payload: dict[str, Any], attempts: int = 0) -> Claimed:
    return Claimed(1, chat_id, "alert", payload, attempts, None, None)


@dataclass
class OtherPort:
    """A second messenger in a test: it records what it was asked to send."""

    channel: ClassVar[str] = "max"
    limits: ClassVar[Limits] = Limits(
        key="max", text=4000, caption=4000, button_text=None, button_data=1024, rate=30.0,
        chat_interval=1.0,
    )  # fmt: skip
    sent: list[tuple[int, str]] = field(default_factory=list)
    arrived: asyncio.Event = field(default_factory=asyncio.Event)
    expected: int = 0
    answer: Outcome = field(default_factory=lambda: Outcome(SENT))

    async def warm_up(self) -> None:
        return None

    def is_paid(self, row: Claimed) -> bool:
        return False

    async def send(self, row: Claimed) -> Outcome:
        self.sent.append((row.chat_id, str(row.payload["text"])))
        if len(self.sent) >= self.expected:
            self.arrived.set()
        return self.answer

    async def edit(
        self, chat_id: int, message_id: int, text: str, buttons: list[list[Button]] | None = None
    ) -> Outcome:
        return Outcome(SENT)


def test_telegrams_limits_and_both_ports_fit_the_interface() -> None:
    assert TELEGRAM_LIMITS.key == "tg", "the limiter's Redis keys stay as they were"
    assert (TELEGRAM_LIMITS.text, TELEGRAM_LIMITS.caption, TELEGRAM_LIMITS.button_data) == (
        4096,
        1024,
        64,
    )
    assert (TELEGRAM_LIMITS.rate, TELEGRAM_LIMITS.chat_interval) == (30.0, 1.0)
    assert TELEGRAM_LIMITS.paid_broadcast is True
    assert TelegramPort.channel == "telegram"
    assert isinstance(OtherPort(), DeliveryPort)


async def test_telegrams_answers_become_outcomes(wired: Wired) -> None:
    tg = wired.tg
    port = TelegramPort(wired.bot, backoff=Backoff(base=0.05, max_attempts=3))

    assert await port.send(_row(10, {"text": "Hello"})) == Outcome(SENT)
    assert tg.last_message(10)["text"] == "Hello"

    tg.fail("sendMessage", 429, retry_after=7)
    limited = await port.send(_row(11, {"text": "Hi"}))
    assert (limited.result, limited.delay) == (RATE_LIMITED, 7)

    tg.blocked_chats.add(12)
    blocked = await port.send(_row(12, {"text": "Hi"}))
    assert blocked.result == BLOCKED
    assert blocked.reason.startswith("403: ")

    rejected = await port.send(_row(13, {"text": "<b>unclosed"}))
    assert rejected.result == DEAD
    assert rejected.reason.startswith("400: ")

    tg.fail("sendMessage", 502, times=2)
    transient = await port.send(_row(14, {"text": "Hi"}))
    assert transient.result == RETRY
    assert transient.delay > 0
    last_try = await port.send(_row(14, {"text": "Hi"}, attempts=2))
    assert last_try.result == DEAD
    assert last_try.reason.startswith("gave up after 3 attempts")

    bad = await port.send(_row(15, {"no": "text"}))
    assert bad.result == DEAD
    assert bad.reason.startswith("bad payload")
    assert tg.count("sendMessage") == 6, "a bad payload never reaches Telegram"


async def test_an_edit_through_the_port(wired: Wired) -> None:
    port = TelegramPort(wired.bot)
    message = await wired.bot.send_message(20, "Progress: 1/3")
    buttons: list[list[Button]] = [[{"text": "Stop", "callback_data": "stop"}]]

    assert await port.edit(20, message.message_id, "Progress: 2/3", buttons) == Outcome(SENT)
    edited = wired.tg.message(20, message.message_id)
    assert edited["text"] == "Progress: 2/3"
    assert wired.tg.buttons(edited)[0]["text"] == "Stop"

    same = await port.edit(20, message.message_id, "Progress: 2/3", buttons)
    assert same == Outcome(SENT), "an unchanged text is not a failure"
    gone = await port.edit(20, 999_999, "Progress: 3/3")
    assert gone.result == DEAD

    wired.tg.fail("editMessageText", 429, retry_after=3)
    limited = await port.edit(20, message.message_id, "Progress: 3/3")
    assert (limited.result, limited.delay) == (RATE_LIMITED, 3)


def _worker(wired: Wired, *lanes: Lane, **options: Any) -> Worker:
    return Worker(
        session_factory=wired.sessions,
        redis=wired.redis,
        lanes=lanes,
        prefix=KEY_PREFIX,
        concurrency=4,
        depth_interval=0,
        poll_interval=0.05,
        **options,
    )


async def _until(condition: Callable[[], bool], timeout: float = 10.0) -> None:  # noqa: ASYNC109
    deadline = time.monotonic() + timeout
    while True:
        if condition():
            return
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        await asyncio.sleep(0.02)


def _telegram_lane(wired: Wired) -> Lane:
    limiter = Limiter(wired.redis, prefix=KEY_PREFIX, rate=1000, channel=TELEGRAM_LIMITS.key)
    return Lane(TelegramPort(wired.bot), limiter)


async def test_a_row_of_a_channel_without_a_port_here_stays_pending(wired: Wired) -> None:
    await wired.enqueue([MAX_30], "For Max")
    await wired.enqueue([31], "For Telegram")
    worker = _worker(wired, _telegram_lane(wired))
    await worker.start()
    try:
        await wired.tg.wait_for("sendMessage", ok=True)
        # Two more full claim rounds, with the Max row due all along.
        for _ in range(2):
            worker.idle.clear()
            await asyncio.wait_for(worker.idle.wait(), 10)
        max_row, telegram_row = await wired.rows()
    finally:
        await worker.stop()

    assert (telegram_row.channel, telegram_row.status) == ("telegram", "sent")
    assert (max_row.channel, max_row.status) == ("max", "pending")
    assert (max_row.attempts, max_row.claimed_by, max_row.last_error) == (0, None, None)
    assert [c.chat_id for c in wired.tg.calls_of("sendMessage")] == [31]
    assert worker.counts == {"sent": 1}

    other = OtherPort(expected=1)  # a process with Max's port sends it
    max_worker = _worker(
        wired, Lane(other, Limiter(wired.redis, prefix=KEY_PREFIX, rate=1000, channel="max"))
    )
    await max_worker.start()
    try:
        await asyncio.wait_for(other.arrived.wait(), 10)
    finally:
        await max_worker.stop()
    assert other.sent == [(MAX_30, "For Max")]
    assert [r.status for r in await wired.rows()] == ["sent", "sent"]


async def test_a_429_on_telegram_leaves_the_other_channel_sending(wired: Wired) -> None:
    telegram = _telegram_lane(wired)
    other = OtherPort(expected=3)
    max_limiter = Limiter(wired.redis, prefix=KEY_PREFIX, rate=1000, channel="max")
    worker = _worker(wired, telegram, Lane(other, max_limiter))
    wired.tg.fail("sendMessage", 429, retry_after=5)
    await wired.enqueue([40], "Telegram, refused")
    await worker.start()
    try:
        await wired.tg.wait_for("sendMessage")
        await _until(lambda: worker.counts["rate_limited"] == 1)  # the pause is set before
        assert await telegram.limiter.paused_for() > 0
        await wired.enqueue([41], "Telegram, during the pause")
        await wired.enqueue([account_id(Channel.MAX, n) for n in (42, 43, 44)], "Max")
        await asyncio.wait_for(other.arrived.wait(), 4)
        telegram_paused = await telegram.limiter.paused_for()
        max_paused = await max_limiter.paused_for()
    finally:
        await worker.stop()

    assert sorted(account_of(chat).external_id for chat, _ in other.sent) == [42, 43, 44]
    assert telegram_paused > 0, "Max went out while Telegram was still paused"
    assert max_paused == 0
    assert wired.tg.count("sendMessage") == 1, "nothing more to Telegram during its pause"
    rows = {r.chat_id: r for r in await wired.rows()}
    assert rows[40].status == rows[41].status == "pending"


async def test_each_channel_needs_a_port_and_a_limiter_of_its_own(wired: Wired) -> None:
    shared = Limiter(wired.redis, prefix=KEY_PREFIX, rate=1000)
    with pytest.raises(ValueError, match="limiter of its own"):
        _worker(wired, Lane(TelegramPort(wired.bot), shared), Lane(OtherPort(), shared))
    with pytest.raises(ValueError, match="two ports"):
        _worker(wired, _telegram_lane(wired), _telegram_lane(wired))
    with pytest.raises(ValueError, match="delivery port"):
        _worker(wired)


async def test_a_row_goes_through_its_accounts_messenger(wired: Wired) -> None:
    """The outbox takes the channel from the account: Telegram's user 7 and Max's user 7 are
    two chats in two lanes; and there is no account 0."""
    await wired.enqueue([7, account_id(Channel.MAX, 7)], "Hi")
    assert [(r.chat_id, r.channel) for r in await wired.rows()] == [
        (7, "telegram"),
        (account_id(Channel.MAX, 7), "max"),
    ]
    payload: Payload = {"text": "Hi"}
    async with wired.sessions() as session:
        with pytest.raises(ValueError, match="no account"):
            await outbox.enqueue(session, 0, payload, kind="alert")


async def test_a_user_who_stopped_the_bot_in_max_is_no_longer_sent_to_there_only(
    wired: Wired,
) -> None:
    """A 403 from Max ends that account's pending rows and marks it inactive; the same
    number's Telegram account goes on receiving."""
    max_7 = account_id(Channel.MAX, 7)
    async with wired.sessions() as session:
        session.add_all([User(id=7, locale="ru"), User(id=max_7, locale="ru")])
        await session.commit()
    await wired.enqueue([max_7, max_7, 7], "Hi")
    other = OtherPort(expected=1, answer=Outcome(BLOCKED, "chat.denied"))
    max_lane = Lane(other, Limiter(wired.redis, prefix=KEY_PREFIX, rate=1000, channel="max"))
    worker = _worker(wired, _telegram_lane(wired), max_lane)
    await worker.start()
    try:
        await wired.tg.wait_for("sendMessage", ok=True)
        await asyncio.wait_for(other.arrived.wait(), 10)
        await _until(lambda: worker.counts["blocked"] == 1)
    finally:
        await worker.stop()

    assert other.sent == [(max_7, "Hi")], "the second Max row was not tried after the 403"
    assert [r.status for r in await wired.rows()] == ["blocked", "blocked", "sent"]
    async with wired.sessions() as session:
        users = {u.id: u for u in await session.scalars(select(User))}
    assert (users[max_7].is_active, users[max_7].channel, users[max_7].external_id) == (
        False,
        "max",
        7,
    )
    assert (users[7].is_active, users[7].channel, users[7].external_id) == (True, "telegram", 7)
