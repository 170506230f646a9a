"""Delivery workers: claim outbox rows → the shared limiter → send → record the outcome.

A `Worker` runs `concurrency` senders fed by one claimer. Rows are claimed only as fast as
the senders free up (at most `concurrency` rows wait in the worker), under a lease: if the
process dies, its rows become claimable again when the lease ends, and nothing is lost.

Exactly once, except in a crash: a row's slot is freed only after its outcome is committed
(outcomes are committed in groups by one recorder, so a busy worker writes once for many
rows). So at most `concurrency` rows are "sent but not recorded" at any moment — those, and
only those, may go out twice after a `kill -9`. Each is counted: the limiter adds the row to
the worker's in-flight set in Redis in the same step that lets it go, the recorder removes
it after the commit, and whoever takes a row over from a dead worker checks that set
(`cabinet_outbox_redelivered_total`, `Worker.redelivered`).

An idle worker looks for due rows every `poll_interval`, and at once when a producer rings
the doorbell (`notify.doorbell`) after committing rows someone is waiting for.

`stop()` lets the in-flight sends finish and be recorded and gives the other claimed rows
back at once.

Each row goes through the delivery port of its channel (`notify.ports`) with that channel's
limiter: a worker has one `Lane` (port + limiter) per messenger it serves, and claims only rows
of those channels — a row of a messenger it has no port for stays pending, untouched, for a
worker that has one (it is neither failed nor leased). A 429 pauses the lane's limiter only, so
the other messengers go on sending.

A `Worker` is built from what it uses (sessions, Redis, the doorbell, its lanes) by
`bot/factory/worker.py`; this module knows nothing of the bot's settings or resources.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import socket
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

import structlog
from redis.asyncio import Redis
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify import metrics, outbox
from notify.doorbell import Doorbell
from notify.limiter import CHAT_BUSY, FULL, PAUSED, Limiter
from notify.outbox import Claimed
from notify.ports import (
    BLOCKED,
    DEAD,
    RATE_LIMITED,
    RETRY,
    SENT,
    UNLINKED,
    DeliveryPort,
    Outcome,
)
from storage.models import Broadcast

log = structlog.get_logger(__name__)

POSTPONED = "postponed"  # the limiter said wait (a pause, a busy chat): not an attempt
IN_FLIGHT_TTL = 7 * 24 * 3600
CANCEL_CHECK_SECONDS = 0.5  # a cancelled broadcast stops within this (plus what is in flight)


def _lanes(
    sender: DeliveryPort | None, limiter: Limiter | None, lanes: Sequence[Lane]
) -> dict[str, Lane]:
    """The worker's lanes by channel: `lanes`, or the one of `sender` and `limiter`."""
    if sender is not None or limiter is not None:
        if sender is None or limiter is None or lanes:
            raise ValueError("give either sender and limiter, or lanes")
        lanes = [Lane(sender, limiter)]
    if not lanes:
        raise ValueError("a worker needs a delivery port")
    by_channel: dict[str, Lane] = {}
    for lane in lanes:
        if lane.port.channel in by_channel:
            raise ValueError(f"two ports for {lane.port.channel}")
        if any(lane.limiter.prefix == other.limiter.prefix for other in by_channel.values()):
            raise ValueError("each messenger needs a limiter of its own: a 429 pauses all of it")
        by_channel[lane.port.channel] = lane
    return by_channel


def new_worker_id() -> str:
    return f"{socket.gethostname()[:32]}:{os.getpid()}:{secrets.token_hex(3)}"


@dataclass(frozen=True)
class Lane:
    """One messenger of a worker: its delivery port and its own limiter
    (`Limiter(..., channel=port.limits.key)`)."""

    port: DeliveryPort
    limiter: Limiter


@dataclass
class _Record:
    row: Claimed
    outcome: Outcome
    done: asyncio.Future[None] = field(repr=False)


class Worker:
    """Delivery for one process. `await start()` … `await stop()`, or `await run()`."""

    def __init__(
        self,
        *,
        session_factory: async_sessionmaker[AsyncSession],
        redis: Redis,
        sender: DeliveryPort | None = None,
        limiter: Limiter | None = None,
        lanes: Sequence[Lane] = (),
        prefix: str,
        concurrency: int = 8,
        lease: float = 60.0,
        poll_interval: float = 0.5,
        depth_interval: float = 15.0,
        worker_id: str | None = None,
        doorbell: Doorbell | None = None,
        chores: Sequence[Callable[[], Awaitable[object]]] = (),
        chore_interval: float = 60.0,
    ) -> None:
        if concurrency < 1:
            raise ValueError("concurrency must be at least 1")
        self.session_factory = session_factory
        self.redis = redis
        self.lanes = _lanes(sender, limiter, lanes)
        first = next(iter(self.lanes.values()))
        #: The first lane's port and limiter (a one-messenger worker's).
        self.sender, self.limiter = first.port, first.limiter
        self.prefix = prefix
        self.concurrency = concurrency
        self.lease = lease
        self.poll_interval = poll_interval
        self.depth_interval = depth_interval
        self.id = worker_id or new_worker_id()
        self.doorbell = doorbell
        #: Small periodic jobs beside delivery (telling the cabinet what it missed while down).
        self.chores = tuple(chores)
        self.chore_interval = chore_interval
        self.chores_done = asyncio.Event()  # a round of chores ended (what a test waits for)
        self.counts: Counter[str] = Counter()
        self.redelivered = 0
        self._queue: asyncio.Queue[Claimed | None] = asyncio.Queue()
        self._records: asyncio.Queue[_Record | None] = asyncio.Queue()
        self._room = asyncio.Event()
        self._due = asyncio.Event()  # rows may be due: a ring, or stop()
        #: Set while the claimer has looked, found fewer rows than it has room for, and waits
        #: for a ring or its next poll (what a test waits for instead of sleeping).
        self.idle = asyncio.Event()
        self.rang = asyncio.Event()  # a ring was heard (the first comes on subscribing)
        self._stopping = asyncio.Event()
        self._busy = 0
        self._broadcasts: dict[int, tuple[float, bool]] = {}  # id → (asked at, cancelled)
        self._senders: list[asyncio.Task[None]] = []
        self._claimer: asyncio.Task[None] | None = None
        self._recorder: asyncio.Task[None] | None = None
        self._depth: asyncio.Task[None] | None = None
        self._listener: asyncio.Task[None] | None = None
        self._chores: asyncio.Task[None] | None = None

    def in_flight_key(self, worker_id: str | None = None) -> str:
        return f"{self.prefix}:outbox:inflight:{worker_id or self.id}"

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        if self._claimer is not None:
            raise RuntimeError("the worker is running already")
        for lane in self.lanes.values():
            await lane.port.warm_up()
        self._recorder = asyncio.create_task(self._record_loop(), name=f"outbox-recorder-{self.id}")
        self._senders = [
            asyncio.create_task(self._send_loop(), name=f"outbox-sender-{n}")
            for n in range(self.concurrency)
        ]
        self._claimer = asyncio.create_task(self._claim_loop(), name=f"outbox-claimer-{self.id}")
        if self.doorbell is not None:
            self._listener = asyncio.create_task(
                self.doorbell.listen(self._ring), name=f"outbox-doorbell-{self.id}"
            )
        if self.depth_interval > 0:
            self._depth = asyncio.create_task(self._depth_loop(), name="outbox-depth")
        if self.chores:
            self._chores = asyncio.create_task(self._chores_loop(), name="worker-chores")
        log.info("outbox_worker_started", worker=self.id, concurrency=self.concurrency)

    async def run(self) -> None:
        """Start, and work until `stop()` is called (from a signal handler, say)."""
        await self.start()
        await self._stopping.wait()
        await self._finish()

    async def stop(self) -> None:
        """Finish the in-flight sends, record them, give back every other claimed row."""
        if self._claimer is None:
            return
        self._stopping.set()
        await self._finish()

    async def _finish(self) -> None:
        claimer, self._claimer = self._claimer, None
        if claimer is None:
            return
        self._room.set()
        self._due.set()
        await claimer
        waiting: list[int] = []
        while not self._queue.empty():
            row = self._queue.get_nowait()
            if row is not None:
                waiting.append(row.id)
        for _ in self._senders:
            self._queue.put_nowait(None)
        await asyncio.gather(*self._senders)
        self._records.put_nowait(None)
        if self._recorder is not None:
            await self._recorder
        for task in (self._depth, self._listener, self._chores):  # they log their own failures
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await task
        released = await outbox.release(self.session_factory, self.id)
        await self.redis.delete(self.in_flight_key())
        log.info(
            "outbox_worker_stopped",
            worker=self.id,
            released=released,
            not_started=len(waiting),
            **dict(self.counts),
        )

    # -- claiming -----------------------------------------------------------------------------

    def _ring(self) -> None:
        self.rang.set()
        self.idle.clear()  # it looks again before it is idle again
        self._due.set()

    async def _claim_loop(self) -> None:
        low_water = max(1, self.concurrency // 2)
        while not self._stopping.is_set():
            room = self.concurrency - self._queue.qsize()
            if room < low_water:
                self._room.clear()
                await self._room.wait()
                continue
            self._due.clear()  # a ring from now on is for rows this claim may not see
            try:
                rows = await outbox.claim(
                    self.session_factory, self.id, room, self.lease, channels=self.lanes.keys()
                )
            except Exception:
                log.exception("outbox_claim_failed", worker=self.id)
                rows = []
            if rows:
                await self._check_redelivered(rows)
                for row in rows:
                    self._queue.put_nowait(row)
            if len(rows) < room:
                if not self._due.is_set():  # a ring during the claim: it looks again first
                    self.idle.set()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._due.wait(), self.poll_interval)
                self.idle.clear()

    async def _check_redelivered(self, rows: list[Claimed]) -> None:
        """Rows whose previous worker's lease ran out: the ones it had let go to Telegram
        (its in-flight set) may have been delivered; they are counted and logged."""
        taken_over = [r for r in rows if r.previous_claim and r.previous_claim != self.id]
        if not taken_over:
            return
        async with self.redis.pipeline(transaction=False) as pipe:
            for row in taken_over:
                pipe.srem(self.in_flight_key(row.previous_claim), str(row.id))
            removed = await pipe.execute()
        for row, was_in_flight in zip(taken_over, removed, strict=True):
            if was_in_flight:
                self.redelivered += 1
                metrics.OUTBOX_REDELIVERED.inc()
                log.warning(
                    "outbox_redelivery",
                    row=row.id,
                    previous_worker=row.previous_claim,
                    worker=self.id,
                )

    # -- sending ------------------------------------------------------------------------------

    async def _send_loop(self) -> None:
        while True:
            row = await self._queue.get()
            if row is None:
                return
            self._busy += 1
            self._room.set()
            try:
                outcome = await self._deliver(row)
                if outcome is not None:
                    await self._record(row, outcome)
            except Exception:
                log.exception("outbox_row_failed", row=row.id, worker=self.id)
            finally:
                self._busy -= 1

    async def _cancelled(self, row: Claimed) -> bool:
        """Whether the row's broadcast was cancelled; asked of the database at most twice a
        second."""
        broadcast_id = row.broadcast_id
        if broadcast_id is None:
            return False
        now = time.monotonic()
        known = self._broadcasts.get(broadcast_id)
        if known is not None and now - known[0] < CANCEL_CHECK_SECONDS:
            return known[1]
        async with self.session_factory() as session:
            status = await session.scalar(
                select(Broadcast.status).where(Broadcast.id == broadcast_id)
            )
        self._broadcasts[broadcast_id] = (now, status == "cancelled")
        return status == "cancelled"

    async def _deliver(self, row: Claimed) -> Outcome | None:  # noqa: PLR0911 - one per way out
        """The limiter's go, then the send; None: not sent and nothing to record (the worker
        is stopping and the row goes back, or its broadcast was cancelled meanwhile)."""
        if await self._cancelled(row):
            return None
        lane = self.lanes.get(row.channel)
        if lane is None:  # not claimed by this worker (see `claim`): given back as it was
            await outbox.release(self.session_factory, self.id, [row.id])
            return None
        port, limiter = lane.port, lane.limiter
        paid = port.is_paid(row)
        while True:
            decision = await limiter.acquire(
                row.chat_id, paid=paid, in_flight=(self.in_flight_key(), str(row.id))
            )
            if decision.code in (PAUSED, CHAT_BUSY):
                why = "paused after a 429" if decision.code == PAUSED else "chat busy"
                return Outcome(POSTPONED, why, decision.wait)
            if decision.code == FULL:  # it may wait long at a low rate: cancelled meanwhile?
                if self._stopping.is_set() or await self._cancelled(row):
                    return None
                await asyncio.sleep(decision.wait)
                continue
            break
        if decision.wait > 0:
            await asyncio.sleep(decision.wait)
            pause = await limiter.paused_for()
            if pause > 0:
                return Outcome(POSTPONED, "paused after a 429", pause)
        if await self._cancelled(row):
            return None  # cancelled while this row waited for its slot
        if row.customer_id is not None and not await self._still_linked(row):
            return Outcome(UNLINKED, "the chat is no longer linked to the alert's customer")
        with metrics.OUTBOX_SEND_SECONDS.time():
            outcome = await port.send(row)
        if outcome.result == RATE_LIMITED:
            metrics.OUTBOX_429.inc()
            await limiter.pause(outcome.delay)  # this messenger's senders only
            log.warning(f"{port.channel}_429", retry_after=outcome.delay, worker=self.id)
        return outcome

    async def _still_linked(self, row: Claimed) -> bool:
        """Checked right before the send, after any wait (quiet hours, a 429, the limiter): the
        person may have signed out, or moved to another account, while the alert waited."""
        assert row.customer_id is not None
        async with self.session_factory() as session:
            return await outbox.still_linked(session, row.chat_id, row.customer_id)

    async def _record(self, row: Claimed, outcome: Outcome) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._records.put_nowait(_Record(row, outcome, done))
        await done
        self.counts[outcome.result] += 1
        metrics.OUTBOX_SENDS.labels(outcome.result).inc()
        if outcome.result in (DEAD, BLOCKED, UNLINKED):
            log.info(
                "outbox_row_" + outcome.result,
                row=row.id,
                kind=row.kind,
                broadcast=row.broadcast_id,
                reason=outcome.reason,
            )

    # -- recording (group commit) -------------------------------------------------------------

    async def _record_loop(self) -> None:
        stop = False
        while not stop:
            first = await self._records.get()
            if first is None:
                return
            batch = [first]
            while not self._records.empty():
                item = self._records.get_nowait()
                if item is None:
                    stop = True
                    break
                batch.append(item)
            await self._commit(batch)

    async def _commit(self, batch: list[_Record]) -> None:
        delay = 0.5
        while True:
            try:
                await self._write(batch)
                break
            except Exception:
                log.exception("outbox_record_failed", worker=self.id, rows=len(batch))
                await asyncio.sleep(delay)
                delay = min(delay * 2, 10.0)
        try:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.srem(self.in_flight_key(), *(str(r.row.id) for r in batch))
                pipe.expire(self.in_flight_key(), IN_FLIGHT_TTL)
                await pipe.execute()
        except Exception:  # noqa: BLE001 - only the crash accounting is less exact
            log.warning("outbox_in_flight_cleanup_failed", worker=self.id)
        for record in batch:
            if not record.done.done():
                record.done.set_result(None)

    async def _write(self, batch: list[_Record]) -> None:
        async with self.session_factory() as session, session.begin():
            await outbox.mark_sent(session, [r.row.id for r in batch if r.outcome.result == SENT])
            for record in batch:
                row, outcome = record.row, record.outcome
                if outcome.result in (RETRY, RATE_LIMITED, POSTPONED):
                    await outbox.mark_retry(
                        session,
                        row.id,
                        delay=outcome.delay,
                        reason=outcome.reason,
                        count=outcome.result == RETRY,
                    )
                elif outcome.result in (DEAD, UNLINKED):
                    await outbox.mark_ended(
                        session, row.id, status=outcome.result, reason=outcome.reason
                    )
                elif outcome.result == BLOCKED:
                    await outbox.mark_blocked(session, row.id, row.chat_id, reason=outcome.reason)

    # -- metrics ------------------------------------------------------------------------------

    async def _chores_loop(self) -> None:
        while True:
            for chore in self.chores:
                try:
                    await chore()
                except Exception:
                    log.warning("worker_chore_failed", worker=self.id, exc_info=True)
            self.chores_done.set()
            await asyncio.sleep(self.chore_interval)

    async def _depth_loop(self) -> None:
        while True:
            try:
                for status, count in (await outbox.depth(self.session_factory)).items():
                    metrics.OUTBOX_DEPTH.labels(status).set(count)
            except Exception:  # noqa: BLE001
                log.warning("outbox_depth_failed", worker=self.id)
            await asyncio.sleep(self.depth_interval)
