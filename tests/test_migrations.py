"""Every Alembic revision goes up, down and up again, and the head matches the models."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, Table, inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from storage import migrate
from storage.accounts import Channel, account_id
from storage.db import create_engine
from storage.models import Base
from tests.conftest import Backend


async def _tables(url: str) -> set[str]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            names = await connection.run_sync(lambda c: set(inspect(c).get_table_names()))
    finally:
        await engine.dispose()
    return names - {"alembic_version"}


async def _diff(url: str) -> list[object]:
    def compare(connection: Connection) -> list[object]:
        return list(compare_metadata(MigrationContext.configure(connection), Base.metadata))

    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return await connection.run_sync(compare)
    finally:
        await engine.dispose()


async def test_upgrade_downgrade_upgrade_every_revision(backend: Backend) -> None:
    url = backend.database_url
    revisions = migrate.revisions(url)
    assert revisions, "no migrations found"
    previous = "base"
    for revision in revisions:
        await asyncio.to_thread(migrate.upgrade, url, revision)
        after_up = await _tables(url)
        await asyncio.to_thread(migrate.downgrade, url, previous)
        await asyncio.to_thread(migrate.upgrade, url, revision)
        assert await _tables(url) == after_up, revision
        previous = revision
    assert await _tables(url) == set(Base.metadata.tables)
    await asyncio.to_thread(migrate.downgrade, url, "base")
    assert await _tables(url) == set()


async def test_head_matches_the_models(backend: Backend) -> None:
    await asyncio.to_thread(migrate.upgrade, backend.database_url)
    assert await _diff(backend.database_url) == []


_NOW = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
_USER = {
    "locale": "ru",
    "time_zone": "Europe/Moscow",
    "is_active": True,
    "alerts_off": [],
    "quiet_from": "22:00",
    "quiet_to": "09:00",
    "marketing": False,
    "created_at": _NOW,
    "updated_at": _NOW,
}
_LINK = {
    "provider": "esia",
    "subject": "1000000001",
    "customer_id": "cus_1",
    "level": "verified",
    "display_name": "Иван И.",
    "linked_at": _NOW,
}
_CONSENT = {"version": "1", "text_sha256": "0" * 64, "locale": "ru", "accepted_at": _NOW}


async def _write(url: str, rows: list[tuple[str, dict[str, Any]]]) -> None:
    """Rows as the schema of the moment has them (reflected, not the models of today)."""

    def write(connection: Connection) -> None:
        for table, values in rows:
            connection.execute(Table(table, MetaData(), autoload_with=connection).insert(), values)

    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(write)
    finally:
        await engine.dispose()


async def _read(url: str, query: str) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            return [tuple(row) for row in await connection.execute(text(query))]
    finally:
        await engine.dispose()


async def test_accounts_keep_every_telegram_user_and_let_a_person_link_from_max_too(
    backend: Backend,
) -> None:
    """0010: every user from before is a Telegram account with its own id (their consents and
    links stay: SQLite's table copy cascades nothing); afterwards the same person can be
    linked from a Max account as well; going down takes the Max account away, not Telegram's."""
    url = backend.database_url
    await asyncio.to_thread(migrate.upgrade, url, "0009")
    await _write(
        url,
        [
            ("users", {"id": 1001, **_USER}),
            ("consents", {"user_id": 1001, **_CONSENT}),
            ("links", {"user_id": 1001, **_LINK}),
        ],
    )
    await asyncio.to_thread(migrate.upgrade, url, "0010")
    assert await _read(url, "SELECT id, channel, external_id FROM users") == [
        (1001, "telegram", 1001)
    ]
    assert await _read(url, "SELECT user_id, channel FROM links") == [(1001, "telegram")]
    assert await _read(url, "SELECT user_id FROM consents") == [(1001,)]

    max_account = account_id(Channel.MAX, 1001)
    await _write(
        url,
        [
            ("users", {"id": max_account, "channel": "max", "external_id": 1001, **_USER}),
            ("consents", {"user_id": max_account, **_CONSENT}),
            ("links", {"user_id": max_account, "channel": "max", **_LINK}),
        ],
    )
    with pytest.raises(IntegrityError):  # still one link per identity in each messenger
        await _write(
            url,
            [
                ("users", {"id": 1002, "channel": "telegram", "external_id": 1002, **_USER}),
                ("links", {"user_id": 1002, "channel": "telegram", **_LINK}),
            ],
        )
    assert len(await _read(url, "SELECT user_id FROM links")) == 2

    await asyncio.to_thread(migrate.downgrade, url, "0009")
    assert await _read(url, "SELECT id FROM users") == [(1001,)]
    assert await _read(url, "SELECT user_id FROM links") == [(1001,)]
    assert await _read(url, "SELECT user_id FROM consents") == [(1001,)]
