"""The outbox: one row per message per chat (`storage.models.OutboxMessage`).

Producers (alerts, broadcasts, support answers, link-moved notices) call `enqueue` inside their
own transaction, so a message exists exactly when what caused it was committed; those someone
is waiting for then ring the workers' doorbell (`notify.doorbell`). The delivery workers take
rows with `claim` and record the outcome.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify.payload import Payload
from storage.accounts import Channel, account_of
from storage.models import Link, OutboxMessage, User, utcnow

KINDS = frozenset({"alert", "broadcast", "reply", "notice"})


async def enqueue(
    session: AsyncSession,
    chat_id: int,
    payload: Payload,
    *,
    kind: str,
    not_before: dt.datetime | None = None,
    broadcast_id: int | None = None,
    event_id: str | None = None,
    customer_id: str | None = None,
) -> None:
    """Add one message to the outbox (committed by the caller). With `customer_id` it is that
    customer's personal alert: it goes out only while the chat is still linked to them.
    `chat_id` is an account's (`storage/accounts.py`): the row goes through its messenger (a
    worker with that messenger's port sends it)."""
    await enqueue_many(
        session,
        [chat_id],
        payload,
        kind=kind,
        not_before=not_before,
        broadcast_id=broadcast_id,
        event_id=event_id,
        customer_id=customer_id,
    )


async def enqueue_many(
    session: AsyncSession,
    chat_ids: Iterable[int],
    payload: Payload,
    *,
    kind: str,
    not_before: dt.datetime | None = None,
    broadcast_id: int | None = None,
    event_id: str | None = None,
    customer_id: str | None = None,
) -> int:
    """The same message to many chats in one INSERT (a broadcast's chunk); how many rows."""
    if kind not in KINDS:
        raise ValueError(f"unknown outbox kind {kind!r}")
    when = not_before or utcnow()
    rows = [
        {
            "chat_id": chat_id,
            "channel": account_of(chat_id).channel.value,
            "kind": kind,
            "payload": dict(payload),
            "status": "pending",
            "attempts": 0,
            "not_before": when,
            "broadcast_id": broadcast_id,
            "event_id": event_id,
            "customer_id": customer_id,
            "created_at": utcnow(),
        }
        for chat_id in chat_ids
    ]
    if rows:
        await session.execute(insert(OutboxMessage), rows)
    return len(rows)


# -- delivery: claim, then record the outcome --------------------------------------------------

#: What a row ends as; `pending` rows are waiting (maybe claimed by a worker).
FINAL = ("sent", "blocked", "dead", "cancelled", "unlinked")
_ERROR_LIMIT = 255


@dataclass(frozen=True, slots=True)
class Claimed:
    """A row a worker took. `previous_claim`: the worker whose lease on it had expired (it
    may have crashed mid-send), None for a row nobody had taken before."""

    id: int
    chat_id: int
    kind: str
    payload: dict[str, Any]
    attempts: int
    broadcast_id: int | None
    previous_claim: str | None
    customer_id: str | None = None  # a personal alert's customer
    channel: str = Channel.TELEGRAM.value  # the messenger it goes through


def _due(now: dt.datetime, channels: Collection[str] | None = None) -> Any:
    due = and_(
        OutboxMessage.status == "pending",
        OutboxMessage.not_before <= now,
        or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
    )
    if channels is None:
        return due
    return and_(due, OutboxMessage.channel.in_(sorted(channels)))


async def claim(
    session_factory: async_sessionmaker[AsyncSession],
    worker_id: str,
    limit: int,
    lease: float,
    channels: Collection[str] | None = None,
) -> list[Claimed]:
    """Take up to `limit` due rows for `lease` seconds, oldest first. PostgreSQL: FOR UPDATE
    SKIP LOCKED, so workers never wait for each other; SQLite: one write transaction. The
    UPDATE repeats the due condition, so a row is never taken by two workers at once.
    `channels`: only rows of these messengers (those the worker has a port for; None: all) —
    a row of another stays pending, untouched, for a worker that can send it."""
    now = utcnow()
    until = now + dt.timedelta(seconds=lease)
    async with session_factory() as session, session.begin():
        picked = (
            await session.execute(
                select(OutboxMessage.id, OutboxMessage.claimed_by)
                .where(_due(now, channels))
                .order_by(OutboxMessage.not_before, OutboxMessage.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        ).all()
        if not picked:
            return []
        previous = {row.id: row.claimed_by for row in picked}
        rows = (
            await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(previous), _due(now))
                .values(claimed_by=worker_id, claimed_until=until)
                .returning(
                    OutboxMessage.id,
                    OutboxMessage.chat_id,
                    OutboxMessage.kind,
                    OutboxMessage.payload,
                    OutboxMessage.attempts,
                    OutboxMessage.broadcast_id,
                    OutboxMessage.customer_id,
                    OutboxMessage.channel,
                ),
                execution_options={"synchronize_session": False},
            )
        ).all()
    claimed = [
        Claimed(
            row.id,
            row.chat_id,
            row.kind,
            row.payload,
            row.attempts,
            row.broadcast_id,
            previous.get(row.id),
            row.customer_id,
            row.channel,
        )
        for row in rows
    ]
    claimed.sort(key=lambda c: c.id)
    return claimed


def _reason(text: str) -> str:
    return text if len(text) <= _ERROR_LIMIT else text[: _ERROR_LIMIT - 1] + "…"


async def mark_sent(session: AsyncSession, ids: Sequence[int]) -> None:
    """The messages went out (even if their broadcast was cancelled meanwhile: they did)."""
    if ids:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids))
            .values(
                status="sent",
                sent_at=utcnow(),
                claimed_by=None,
                claimed_until=None,
                attempts=OutboxMessage.attempts + 1,
            ),
            execution_options={"synchronize_session": False},
        )


async def mark_retry(
    session: AsyncSession, row_id: int, *, delay: float, reason: str, count: bool = True
) -> None:
    """Send it again in `delay` seconds; `count=False` for a delay that is not the row's fault
    (a 429, a busy chat): its attempts stay as they are."""
    values: dict[str, Any] = {
        "not_before": utcnow() + dt.timedelta(seconds=delay),
        "claimed_by": None,
        "claimed_until": None,
        "last_error": _reason(reason),
    }
    if count:
        values["attempts"] = OutboxMessage.attempts + 1
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
        .values(**values),
        execution_options={"synchronize_session": False},
    )


async def mark_ended(session: AsyncSession, row_id: int, *, status: str, reason: str) -> None:
    """Not sent, for good: `dead` (given up) or `unlinked`. The row stays, with why."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == row_id, OutboxMessage.status == "pending")
        .values(
            status=status,
            last_error=_reason(reason),
            attempts=OutboxMessage.attempts + 1,
            claimed_by=None,
            claimed_until=None,
        ),
        execution_options={"synchronize_session": False},
    )


async def mark_blocked(
    session: AsyncSession,
    row_id: int,
    chat_id: int,
    *,
    reason: str,
) -> int:
    """403: the chat blocked the bot. This row and every other pending row of the chat end as
    blocked, and the account is inactive; how many rows."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            or_(
                OutboxMessage.id == row_id,
                and_(
                    OutboxMessage.chat_id == chat_id,
                    OutboxMessage.status == "pending",
                ),
            ),
            OutboxMessage.status == "pending",
        )
        .values(status="blocked", last_error=_reason(reason), claimed_by=None, claimed_until=None),
        execution_options={"synchronize_session": False},
    )
    await session.execute(
        update(User)
        .where(User.id == chat_id, User.is_active.is_(True))
        .values(is_active=False, updated_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def still_linked(session: AsyncSession, chat_id: int, customer_id: str) -> bool:
    """Whether the chat is linked to that customer now: a personal alert's last check."""
    linked_to = await session.scalar(select(Link.customer_id).where(Link.user_id == chat_id))
    return linked_to == customer_id


async def release(
    session_factory: async_sessionmaker[AsyncSession],
    worker_id: str,
    ids: Sequence[int] | None = None,
) -> int:
    """Give rows back (a worker stopping): its pending claimed rows, or only `ids`."""
    condition = and_(OutboxMessage.claimed_by == worker_id, OutboxMessage.status == "pending")
    if ids is not None:
        if not ids:
            return 0
        condition = and_(condition, OutboxMessage.id.in_(ids))
    async with session_factory() as session, session.begin():
        result = await session.execute(
            update(OutboxMessage).where(condition).values(claimed_by=None, claimed_until=None),
            execution_options={"synchronize_session": False},
        )
    return int(getattr(result, "rowcount", 0) or 0)


async def depth(session_factory: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """Rows by status (pending split into `pending` and `claimed`)."""
    now = utcnow()
    claimed = and_(OutboxMessage.claimed_until.is_not(None), OutboxMessage.claimed_until >= now)
    async with session_factory() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.status, claimed.label("claimed"), func.count()).group_by(
                    OutboxMessage.status, claimed
                )
            )
        ).all()
    counts = dict.fromkeys(("pending", "claimed", *FINAL), 0)
    for status, is_claimed, count in rows:
        key = "claimed" if status == "pending" and is_claimed else status
        counts[key] = counts.get(key, 0) + int(count)
    return counts
