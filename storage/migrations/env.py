"""Alembic environment: async engine, URL from the caller's config or DATABASE_URL."""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy import text
from sqlalchemy.engine import Connection

from storage.db import create_engine
from storage.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    return url or os.environ.get("DATABASE_URL", "sqlite+aiosqlite:///var/cabinet-bot.db")


# Replicas starting together must not migrate at the same time.
_MIGRATION_LOCK = 7_240_913_554


def _run(connection: Connection) -> None:
    if connection.dialect.name == "sqlite":
        # Batch mode copies a table and drops the old one: with foreign keys on, SQLite would
        # delete every row referring to it by cascade (a revision altering `users` would take
        # the consents with it). Off for this connection only, before any transaction.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
    finally:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})


async def _run_async() -> None:
    engine = create_engine(_url())
    try:
        async with engine.connect() as connection:
            await connection.run_sync(_run)
            await connection.commit()
    finally:
        await engine.dispose()


if context.is_offline_mode():
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    asyncio.run(_run_async())
