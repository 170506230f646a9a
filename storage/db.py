"""The database engine and session factory (SQLite via aiosqlite, PostgreSQL via asyncpg)."""

from __future__ import annotations

from pathlib import Path

import structlog
from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

log = structlog.get_logger(__name__)


def create_engine(url: str) -> AsyncEngine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(
            url,
            connect_args={"timeout": 30},
            hide_parameters=True,
            pool_size=20,  # as PostgreSQL's below; SQLAlchemy's default is 5 (+10)
            max_overflow=0,
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left
            cursor.close()

        return engine
    # hide_parameters: bound values (personal data) never appear in errors and logs.
    # A fixed pool of 20, no overflow: under a burst, requests wait for a connection instead
    # of opening and closing overflow connections one request at a time (a connection costs
    # far more than the request's queries, and that churn made a busy replica collapse).
    return create_async_engine(
        url, pool_size=20, max_overflow=0, pool_pre_ping=True, hide_parameters=True
    )


async def erase_deleted(session: AsyncSession) -> None:
    """After deleting personal data (committed): SQLite keeps the old pages in its write-ahead
    log until a checkpoint; this one writes them back (zeroed, with secure_delete) and empties
    the log. PostgreSQL reuses the space itself (VACUUM)."""
    if session.get_bind().dialect.name == "sqlite":
        busy, _, _ = (await session.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))).one()
        if busy:  # a reader held the log: the next checkpoint (SQLite makes them) finishes it
            log.warning("sqlite_checkpoint_incomplete")


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def ping(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
