"""Test backends: every test whose subject is storage runs on both

* `embedded` — SQLite + fakeredis, what `cabinet-bot run` uses with no configuration;
* `servers`  — PostgreSQL + Redis (`TEST_DATABASE_URL`, `TEST_REDIS_URL`, defaulting to the
  local servers). Skipped when unreachable, except under `CI=true`, where that is a failure.

Tests run in parallel (pytest-xdist): each worker has a PostgreSQL database of its own
(`test_gw0`, `test_gw1`, … next to `TEST_DATABASE_URL`'s, created at the worker's start and
dropped at its end) and a Redis db of its own (below `TEST_REDIS_URL`'s: 14 for gw0, 13 for
gw1, …; a serial run uses `TEST_REDIS_URL`'s own). They are wiped before each test that uses
them.
"""

from __future__ import annotations

import asyncio
import inspect
import os
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import pytest
from playwright.async_api import Browser
from redis.asyncio import Redis
from sqlalchemy import make_url

from bot.config import Settings, load_settings
from bot.logging import configure_logging
from storage import migrate

BASE_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
)
BASE_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", …; "" when run serially


def _worker_urls(database_url: str, redis_url: str, worker: str) -> tuple[str, str]:
    """This worker's own database (`test_gw1`) and Redis db (15 - 1 - 1 = 13): below the
    serial run's, so a serial run beside a parallel one shares nothing with it."""
    if not worker:
        return database_url, redis_url
    database = make_url(database_url)
    database = database.set(database=f"{database.database}_{worker}")
    redis = urlsplit(redis_url)
    db = int(redis.path.strip("/") or 0) - 1 - int(worker.removeprefix("gw"))
    if db < 0:
        raise pytest.UsageError(f"too many workers for TEST_REDIS_URL={redis_url}: use fewer")
    return (
        database.render_as_string(hide_password=False),
        urlunsplit(redis._replace(path=f"/{db}")),
    )


TEST_DATABASE_URL, TEST_REDIS_URL = _worker_urls(BASE_DATABASE_URL, BASE_REDIS_URL, WORKER)
pytest_plugins = ("tests.oidc_mock",)  # the `oidc_issuer` fixture

IN_CI = os.environ.get("CI", "").lower() == "true"
TEST_TOKEN = "123456:TEST-token-for-the-fake-bot-api-000000"


def _plain_pg(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _pg_reachable() -> str | None:
    try:
        connection = await asyncpg.connect(_plain_pg(BASE_DATABASE_URL), timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        return f"{type(exc).__name__}: {exc}"
    await connection.close()
    return None


async def _redis_reachable() -> str | None:
    client = Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=3)
    try:
        await client.ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    finally:
        await client.aclose()
    return None


async def _probe() -> tuple[str | None, str | None]:
    return await _pg_reachable(), await _redis_reachable()


_PG_PROBLEM, _REDIS_PROBLEM = asyncio.run(_probe())


def pytest_report_header() -> list[str]:
    pg = "PostgreSQL: " + ("yes" if _PG_PROBLEM is None else f"NO ({_PG_PROBLEM})")
    redis = "Redis: " + ("yes" if _REDIS_PROBLEM is None else f"NO ({_REDIS_PROBLEM})")
    return [
        "backends: embedded (SQLite + fakeredis) always;"
        " servers (PostgreSQL + Redis) when reachable",
        f"  {pg} at {BASE_DATABASE_URL} (each xdist worker: a database of its own beside it)",
        f"  {redis} at {BASE_REDIS_URL} (each xdist worker: a db below that one)",
        f"  CI={IN_CI}: unreachable servers are {'a failure' if IN_CI else 'skipped'}",
    ]


@pytest.fixture(scope="session", autouse=True)
def _logging() -> None:
    configure_logging(json=False, level="WARNING")


async def _recreate_worker_database(*, create: bool) -> None:
    """Drop this worker's database (a leftover of a run that was killed) and create it anew."""
    connection = await asyncpg.connect(_plain_pg(BASE_DATABASE_URL))
    name = make_url(TEST_DATABASE_URL).database
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        if create:
            await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()


@pytest.fixture(scope="session", autouse=True)
def _worker_database() -> Iterator[None]:
    if not WORKER or _PG_PROBLEM is not None:
        yield
        return
    asyncio.run(_recreate_worker_database(create=True))
    yield
    asyncio.run(_recreate_worker_database(create=False))


@dataclass(frozen=True)
class Backend:
    name: str
    database_url: str
    redis_url: str | None

    def settings(self, **overrides: object) -> Settings:
        values: dict[str, object] = {
            "telegram_bot_token": TEST_TOKEN,
            "database_url": self.database_url,
            "redis_url": self.redis_url,
        }
        values.update(overrides)
        return load_settings(None, **values)


def _require_servers() -> None:
    problems = [p for p in (_PG_PROBLEM, _REDIS_PROBLEM) if p]
    if problems:
        message = "PostgreSQL/Redis unreachable: " + "; ".join(problems)
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


async def _wipe_servers() -> None:
    connection = await asyncpg.connect(_plain_pg(TEST_DATABASE_URL))
    try:
        # A bot stopped mid-update may leave a connection behind: it must not block the wipe.
        await connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        await connection.execute("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;")
    finally:
        await connection.close()
    client = Redis.from_url(TEST_REDIS_URL)
    try:
        await client.flushdb()
    finally:
        await client.aclose()


BACKENDS = ("embedded", "servers")
PRIVACY_MODES = ("full", "strict")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "backends(*names): the backends a test runs on, when it is not both: a test whose"
        " subject is the conversation (texts and buttons) runs on `embedded` alone",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """`backend` (and `migrated`): both backends unless a `backends` mark says otherwise.
    `privacy`: both modes for a test that names it, `full` for one that does not look."""
    if "backend" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("backends")
        metafunc.parametrize("backend", marker.args if marker else BACKENDS, indirect=True)
    if "privacy" in inspect.signature(metafunc.function).parameters:
        metafunc.parametrize("privacy", PRIVACY_MODES, indirect=True)


@pytest.fixture
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    if request.param == "embedded":
        yield Backend("embedded", f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}", None)
        return
    _require_servers()
    asyncio.run(_wipe_servers())
    yield Backend("servers", TEST_DATABASE_URL, TEST_REDIS_URL)


@pytest.fixture
async def migrated(backend: Backend) -> Backend:
    await asyncio.to_thread(migrate.upgrade, backend.database_url)
    return backend


@pytest.fixture
def privacy(request: pytest.FixtureRequest) -> str:
    """PRIVACY_MODE of a conversation test: both for a test that names `privacy` (it looks at
    what differs), `full` for the rest."""
    mode: str = getattr(request, "param", "full")
    return mode


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium under Playwright, for a test of the web pages (`tests/browser.py`)."""
    from tests.browser import chromium  # noqa: PLC0415 - tests/browser.py imports this module

    async with chromium() as running:
        yield running
