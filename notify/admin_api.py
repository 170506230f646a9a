"""Broadcasts for integrations, mounted at `/admin` when `ADMIN_API_TOKEN` is set (404 when it
is not: the routes do not exist), and the same from the command line (`cabinet-bot broadcast`).

```
POST /admin/broadcasts              {"text": "<b>HTML</b>", "parse_mode": "HTML",
                                     "audience": {"kind": "all" | "product" | "locale",
                                                  "value": "osago" | "en" | null},
                                     "category": "service" | "marketing",
                                     "button": {"text": "...", "url": "https://..."}}
                                    → 202 {"id": 7, "total": 1234}
GET  /admin/broadcasts/{id}         → 200 {"status", "total", "sent", "failed", "blocked",
                                           "pending", "cancelled", "eta_seconds"}
POST /admin/broadcasts/{id}/cancel  → 200 the same, after the rows not yet sent are cancelled
```

Every request carries `Authorization: Bearer {ADMIN_API_TOKEN}` (compared in constant time;
401 otherwise). A body that does not validate gets 400 with the reasons.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hmac
import json
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, Literal, TextIO

import structlog
from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify.bodies import TooLarge, read_limited
from notify.broadcasts import (
    Audience,
    AudienceError,
    PolicyReader,
    Progress,
    build_payload,
    cancel,
    create_broadcast,
    html_problem,
    progress,
    url_problem,
)

log = structlog.get_logger(__name__)

BODY_LIMIT = 64 * 1024
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class ButtonIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=64)
    url: str

    @field_validator("url")
    @classmethod
    def _url(cls, value: str) -> str:
        problem = url_problem(value)
        if problem:
            raise ValueError(problem)
        return value


class AudienceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Literal["all", "product", "locale"]
    value: str | None = None


class BroadcastIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1)
    parse_mode: Literal["HTML"] = "HTML"
    audience: AudienceIn
    category: Literal["service", "marketing"] = "service"
    button: ButtonIn | None = None

    @field_validator("text")
    @classmethod
    def _text(cls, value: str) -> str:
        problem = html_problem(value)
        if problem:
            raise ValueError(f"not HTML that Telegram takes: {problem}")
        return value


def _problem(status: int, error: str, reasons: list[str] | None = None) -> web.Response:
    body: dict[str, Any] = {"error": error}
    if reasons:
        body["reasons"] = reasons
    return web.json_response(body, status=status)


def _reasons(exc: ValidationError) -> list[str]:
    reasons = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "body"
        reasons.append(f"{where}: {error['msg'].removeprefix('Value error, ')}")
    return reasons


@dataclasses.dataclass(frozen=True)
class _Context:
    sessions: async_sessionmaker[AsyncSession]
    policies: PolicyReader | None
    token: bytes = dataclasses.field(repr=False)
    paid: bool


CONTEXT = web.AppKey("admin_api", _Context)


@web.middleware
async def _bearer(request: web.Request, handler: Handler) -> web.StreamResponse:
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    expected = request.app[CONTEXT].token
    if scheme.lower() != "bearer" or not hmac.compare_digest(given.strip().encode(), expected):
        log.warning("admin_api_unauthorized", path=request.path)
        response = _problem(401, "unauthorized")
        response.headers["WWW-Authenticate"] = 'Bearer realm="admin"'
        return response
    return await handler(request)


async def create(request: web.Request) -> web.Response:
    try:
        raw = await read_limited(request, BODY_LIMIT)
    except TooLarge:
        return _problem(413, "payload_too_large", [f"body: at most {BODY_LIMIT // 1024} KB"])
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return _problem(400, "invalid_body", ["body: must be a JSON object"])
    try:
        body = BroadcastIn.model_validate(data)
    except ValidationError as exc:
        return _problem(400, "invalid_body", _reasons(exc))
    try:
        audience = Audience(body.audience.kind, body.audience.value)
        payload = build_payload(
            body.text,
            button=(body.button.text, body.button.url) if body.button else None,
            paid=request.app[CONTEXT].paid,
        )
        async with request.app[CONTEXT].sessions() as session:
            broadcast = await create_broadcast(
                session,
                payload=payload,
                audience=audience,
                category=body.category,
                policies=request.app[CONTEXT].policies,
            )
    except AudienceError as exc:
        return _problem(400, "invalid_body", [str(exc)])
    return web.json_response({"id": broadcast.id, "total": broadcast.total}, status=202)


def _id(request: web.Request) -> int | None:
    value = request.match_info["id"]
    return int(value) if value.isdigit() and len(value) < 19 else None


async def status(request: web.Request) -> web.Response:
    broadcast_id = _id(request)
    found: Progress | None = None
    if broadcast_id is not None:
        async with request.app[CONTEXT].sessions() as session:
            found = await progress(session, broadcast_id)
    if found is None:
        return _problem(404, "not_found")
    return web.json_response(found.as_json())


async def stop(request: web.Request) -> web.Response:
    broadcast_id = _id(request)
    found: Progress | None = None
    if broadcast_id is not None:
        async with request.app[CONTEXT].sessions() as session:
            found = await cancel(session, broadcast_id)
    if found is None:
        return _problem(404, "not_found")
    return web.json_response(found.as_json())


def create_admin_app(
    *,
    token: str,
    session_factory: async_sessionmaker[AsyncSession],
    policies: PolicyReader | None = None,
    paid: bool = False,
) -> web.Application:
    """The `/admin` sub-application; `token` must not be empty."""
    if not token:
        raise ValueError("the admin API needs a token")
    app = web.Application(middlewares=[_bearer])
    app[CONTEXT] = _Context(session_factory, policies, token.encode(), paid)
    app.router.add_post("/broadcasts", create)
    app.router.add_get("/broadcasts/{id}", status)
    app.router.add_post("/broadcasts/{id}/cancel", stop)
    return app


# ------------------------------------------------------------------------------ command line

NO_WORKER_AFTER = 30.0  # seconds without a row sent: say that no worker seems to run
POLL_INTERVAL = 1.0


async def run_broadcast_command(
    session_factory: async_sessionmaker[AsyncSession],
    *,
    text_file: Path,
    audience: str,
    category: str,
    button_text: str | None,
    button_url: str | None,
    wait: bool = True,
    policies: PolicyReader | None = None,
    paid: bool = False,
    out: TextIO | None = None,
    no_worker_after: float = NO_WORKER_AFTER,
    poll_interval: float = POLL_INTERVAL,
) -> int:
    """`cabinet-bot broadcast`: create the broadcast from an HTML text file, then show a
    progress bar until it is done (the workers of `cabinet-bot run`/`worker` send it)."""
    out = out or sys.stdout
    if (button_text is None) != (button_url is None):
        raise AudienceError("--button-text and --button-url go together")
    try:
        text = (await asyncio.to_thread(text_file.read_text, "utf-8")).strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise AudienceError(f"--text-file: cannot be read ({type(exc).__name__})") from None
    problem = html_problem(text)
    if problem:
        raise AudienceError(f"--text-file: not HTML that Telegram takes: {problem}")
    button = (button_text, button_url) if button_text and button_url else None
    payload = build_payload(text, button=button, paid=paid)
    async with session_factory() as session:
        broadcast = await create_broadcast(
            session,
            payload=payload,
            audience=Audience.parse(audience),
            category=category,
            policies=policies,
        )
    print(f"broadcast {broadcast.id}: {broadcast.total} recipients", file=out, flush=True)
    if not wait or broadcast.total == 0:
        return 0
    return await _follow(session_factory, broadcast.id, out, no_worker_after, poll_interval)


async def _follow(
    session_factory: async_sessionmaker[AsyncSession],
    broadcast_id: int,
    out: TextIO,
    no_worker_after: float,
    poll_interval: float,
) -> int:
    last_done, last_change, warned = -1, time.monotonic(), False
    while True:
        async with session_factory() as session:
            now = await progress(session, broadcast_id)
        assert now is not None
        done = now.sent + now.failed + now.blocked
        out.write("\r" + progress_bar(now))
        out.flush()
        if now.final:
            out.write("\n")
            print(f"broadcast {broadcast_id}: {now.status}", file=out, flush=True)
            return 0
        if done != last_done:
            last_done, last_change = done, time.monotonic()
        elif not warned and time.monotonic() - last_change > no_worker_after:
            warned = True
            out.write(
                "\nno message was sent for a while: is a worker running "
                "(`cabinet-bot run` or `cabinet-bot worker`)? The broadcast waits for one; "
                f"Ctrl+C stops watching (it does not cancel broadcast {broadcast_id}).\n"
            )
            out.flush()
        await asyncio.sleep(poll_interval)


def progress_bar(now: Progress, width: int = 30) -> str:
    done = now.sent + now.failed + now.blocked + now.cancelled
    share = done / now.total if now.total else 1.0
    filled = round(width * share)
    eta = f" ETA {now.eta_seconds}s" if now.eta_seconds is not None else ""
    return (
        f"[{'#' * filled}{'.' * (width - filled)}] {share:4.0%} "
        f"sent {now.sent} failed {now.failed} blocked {now.blocked} "
        f"remaining {now.pending}{eta}  "
    )
