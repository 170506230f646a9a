"""Every Alembic revision goes up, down and up again, and the head matches the models."""

from __future__ import annotations

import asyncio

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage import migrate
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
