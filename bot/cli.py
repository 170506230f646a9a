"""`cabinet-bot` (same as `python -m bot`): run, web, worker, sandbox, broadcast, migrate."""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

import structlog

from bot.config import ConfigError, LogFormat, Settings, load_settings
from bot.config.cabinet import require_sandbox_secrets
from bot.logging import configure_logging, scrub

PROG = "cabinet-bot"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="The Telegram front end of an insurer's personal cabinet.",
        epilog="Settings come from environment variables (see .env.example).",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "run",
        help="everything in one process: long polling, the web server, migrations on start",
        description="Migrate the database, start the web server and long polling.",
    )
    commands.add_parser(
        "web",
        help="one web replica: Telegram updates by webhook, the linking pages, /events, health",
        description=(
            "Serve TELEGRAM_WEBHOOK_URL's path, the linking pages, /events, /admin, /healthz, "
            "/readyz and /metrics on WEB_HOST:WEB_PORT; several replicas share PostgreSQL and "
            "Redis. Run `cabinet-bot migrate` first and `cabinet-bot worker` to send."
        ),
    )
    commands.add_parser(
        "sandbox",
        help="the sandbox cabinet alone on SANDBOX_HOST:SANDBOX_PORT (demo data, operator page)",
        description=(
            "Serve the sandbox cabinet at http://SANDBOX_HOST:SANDBOX_PORT/sandbox/cabinet for a "
            "bot in another process (CABINET_URL). Requires CABINET_TOKEN and EVENTS_SECRET."
        ),
    )
    commands.add_parser(
        "worker",
        help="delivery workers only: send the outbox (alerts, broadcasts) until stopped",
        description=(
            "Send outbox messages with WORKER_CONCURRENCY concurrent sends, sharing the rate "
            "limit (TELEGRAM_RATE_LIMIT) with every other process through REDIS_URL."
        ),
    )
    broadcast = commands.add_parser(
        "broadcast",
        help="send a broadcast (an HTML text file) and show its progress",
        description=(
            "Create a broadcast and follow it until it is done; the workers of a running "
            "`cabinet-bot run` or `cabinet-bot worker` send it."
        ),
    )
    broadcast.add_argument("--text-file", required=True, type=Path, help="the message, HTML")
    broadcast.add_argument(
        "--audience", default="all", help="all (default), product:osago, locale:en…"
    )
    broadcast.add_argument("--category", choices=("service", "marketing"), default="service")
    broadcast.add_argument("--button-text")
    broadcast.add_argument("--button-url")
    broadcast.add_argument("--no-wait", action="store_true", help="create it and exit")
    commands.add_parser(
        "migrate",
        help="apply database migrations (DATABASE_URL) and exit",
        description="Apply every pending Alembic migration to DATABASE_URL.",
    )
    return parser


def _fail(message: str, code: int) -> int:
    print(f"{PROG}: {scrub(message)}", file=sys.stderr)
    return code


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = load_settings()
        if args.command in {"run", "worker", "web"}:
            settings.require_messenger()
        if args.command == "web":
            settings.require_web()
        if args.command == "sandbox":
            require_sandbox_secrets(settings.cabinet, settings.events)
    except ConfigError as exc:
        return _fail(f"configuration error: {exc}", 2)

    configure_logging(
        json=settings.log.format == LogFormat.JSON,
        level=settings.log.level,
        secrets=settings.secret_values(),
    )
    try:
        return _event_loop_runner()(_dispatch(args, settings))
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # noqa: BLE001 - one clear line instead of a traceback
        return _report_startup_failure(exc)


def _event_loop_runner() -> Callable[[Coroutine[Any, Any, int]], int]:
    """uvloop where it exists (5-12% more updates a second in bench/updates.py), else asyncio."""
    try:
        import uvloop  # noqa: PLC0415
    except ImportError:
        return asyncio.run
    return uvloop.run


def _report_startup_failure(exc: Exception) -> int:
    # aiogram is imported here, not at the top: `--help` and config errors stay fast.
    from aiogram.exceptions import (  # noqa: PLC0415
        TelegramNetworkError,
        TelegramUnauthorizedError,
    )

    if isinstance(exc, ConfigError):  # found at start-up, e.g. by asking the OIDC provider
        return _fail(f"configuration error: {exc}", 2)
    if isinstance(exc, TelegramUnauthorizedError):
        return _fail("configuration error: TELEGRAM_BOT_TOKEN: rejected by Telegram", 2)
    if isinstance(exc, TelegramNetworkError):
        return _fail(f"cannot reach the Telegram Bot API: {exc}", 1)
    structlog.get_logger(PROG).error("stopped_by_error", exc_info=exc)
    return _fail(f"stopped by an error: {type(exc).__name__}: {exc}", 1)


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    command = args.command
    if command == "migrate":
        from storage import migrate  # noqa: PLC0415

        await asyncio.to_thread(migrate.upgrade, settings.database.url)
        print("database is up to date")
        return 0
    if command == "broadcast":
        return await _broadcast(args, settings)
    # One runner per command, imported only when it runs (`bot/factory`): `--help` stays fast,
    # and a worker or the sandbox does not load what only the others use.
    if command == "worker":
        from bot.factory.worker import run_worker  # noqa: PLC0415

        await run_worker(settings)
    elif command == "web":
        from bot.factory.web import run_web  # noqa: PLC0415

        await run_web(settings)
    elif command == "sandbox":
        from bot.factory.sandbox import run_sandbox  # noqa: PLC0415

        await run_sandbox(settings)
    else:
        from bot.factory.run import run  # noqa: PLC0415

        await run(settings)
    return 0


async def _broadcast(args: argparse.Namespace, settings: Settings) -> int:
    from bot.factory.resources import open_resources  # noqa: PLC0415
    from notify.admin_api import run_broadcast_command  # noqa: PLC0415
    from notify.broadcasts import AudienceError  # noqa: PLC0415
    from storage import migrate  # noqa: PLC0415

    await asyncio.to_thread(migrate.upgrade, settings.database.url)
    async with open_resources(settings) as resources:
        try:
            return await run_broadcast_command(
                resources.session_factory,
                text_file=args.text_file,
                audience=args.audience,
                category=args.category,
                button_text=args.button_text,
                button_url=args.button_url,
                wait=not args.no_wait,
                policies=resources.cabinet,
            )
        except AudienceError as exc:
            return _fail(str(exc), 2)
