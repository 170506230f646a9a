"""What an outsider can send is answered, and logged as a WARNING at most: no ERROR line, no
traceback, however malformed (an operator's alerts are for the bot's own faults)."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest

from tests.conftest import Backend
from tests.harness import running_bot
from tests.test_linking import ALICE

pytestmark = [pytest.mark.reliability, pytest.mark.backends("embedded")]

RAW_REQUESTS = [
    b"GARBAGE\r\n\r\n",
    b"GET /link/x HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n",
    b"POST /events HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: a\r\n\r\n",
    b"GET /d/\xff\xfe HTTP/1.1\r\nHost: a\r\n\r\n",
]


async def raw(port: int, request: bytes) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(request)
    await writer.drain()
    try:
        return await asyncio.wait_for(reader.read(200), 5)
    finally:
        writer.close()


async def test_hostile_requests_and_buttons_log_no_error(
    migrated: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(migrated, web_server=True, flood_rate=50) as app:
        base = app.settings.web.public_url
        async with httpx.AsyncClient(timeout=10) as http:
            hostile: list[tuple[dict[bytes, bytes], bytes]] = [
                ({b"X-Timestamp": "²".encode(), b"X-Signature": b"x"}, b"{}"),
                ({b"X-Timestamp": b"1" * 5000}, b"{}"),
                ({b"Content-Type": b"application/json"}, b"\xff\xfe not json"),
            ]
            for headers, body in hostile:
                answer = await http.post(base + "/events", content=body, headers=headers)
                assert answer.status_code < 500
            for path in ("/link/" + "x" * 500, "/link/callback?state=%00&code=%ff", "/d/%2e%2e"):
                assert (await http.get(base + path)).status_code < 500
        for request in RAW_REQUESTS:
            await raw(app.settings.web.web_port, request)
        menu = await app.consent(ALICE)
        for forged in ("../../admin", "x" * 64, "\x1dsettings", "0\x1d", "aa\x1d\x1d\x1d"):
            app.tg.callback(ALICE, menu.message or {}, forged)
        await app.settle()
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], [f"{r.name}: {r.getMessage()[:200]}" for r in errors]
