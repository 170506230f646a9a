"""`cabinet-bot run` as a user starts it: a subprocess talking to the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest

from tests.conftest import TEST_TOKEN, Backend
from tests.fake_telegram import FakeTelegram

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parent.parent
USER = 4242


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Process:
    proc: asyncio.subprocess.Process
    web: str
    log: Path


@pytest.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest.fixture
async def bot_process(backend: Backend, tg: FakeTelegram, tmp_path: Path) -> AsyncIterator[Process]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "REDIS_"))}
    env.update(
        TELEGRAM_BOT_TOKEN=TEST_TOKEN,
        TELEGRAM_API_URL=tg.base_url,
        DATABASE_URL=backend.database_url,
        WEB_PORT=str(port),
        LOG_FORMAT="json",
        SUPPORT_CONTACTS="help@insurer.example",
        PYTHONPATH=str(ROOT),
    )
    if backend.redis_url:
        env["REDIS_URL"] = backend.redis_url
    log = tmp_path / "bot.log"
    with log.open("wb") as out:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdout=out, stderr=out
        )
    process = Process(proc, f"http://127.0.0.1:{port}", log)
    try:
        await tg.wait_for("getUpdates", timeout=60)
        yield process
    finally:
        if proc.returncode is None:
            proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.wait_for(proc.wait(), 20)
            except TimeoutError:
                proc.kill()


async def test_start_consent_menu_language_cancel(bot_process: Process, tg: FakeTelegram) -> None:
    def to_user(call: object) -> bool:
        return getattr(call, "params", {}).get("chat_id") == USER

    mark = tg.mark()
    tg.user_message(USER, "/start", language_code="ru")
    greeting = await tg.wait_for("sendMessage", to_user, after=mark)
    assert "Здравствуйте" in (greeting.text or "")
    screen = await tg.wait_for("sendMessage", lambda c: "152-ФЗ" in (c.text or ""), after=mark)

    mark = tg.mark()
    tg.press(USER, screen, "Согласен")
    menu = await tg.wait_for("editMessageText", to_user, after=mark)
    assert "Главное меню" in (menu.text or "")

    mark = tg.mark()
    tg.press(USER, menu, "Настройки")
    settings = await tg.wait_for("editMessageText", to_user, after=mark)
    assert "Язык: Русский" in (settings.text or "")

    mark = tg.mark()
    tg.press(USER, settings, "English")
    english = await tg.wait_for("editMessageText", to_user, after=mark)
    assert "Language: English" in (english.text or "")
    assert "⬅️ Back" in [b["text"] for b in tg.buttons(english)]

    mark = tg.mark()
    tg.user_message(USER, "/cancel")
    cancelled = await tg.wait_for("sendMessage", to_user, after=mark)
    assert cancelled.text == "Cancelled."
    home = await tg.wait_for("sendMessage", lambda c: "Main menu" in (c.text or ""), after=mark)
    assert [b["text"] for b in tg.buttons(home)] == ["⚙️ Settings", "❓ Help"]

    commands = tg.calls_of("setMyCommands")
    assert {c.params.get("language_code") for c in commands} >= {"ru", "en"}


async def test_health_readiness_metrics_and_clean_shutdown(
    bot_process: Process, tg: FakeTelegram
) -> None:
    tg.user_message(USER, "/help")
    await tg.wait_for("sendMessage")
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{bot_process.web}/healthz") as response:
            assert response.status == 200
        async with http.get(f"{bot_process.web}/readyz") as response:
            assert response.status == 200
            assert (await response.json())["checks"] == {"database": "ok", "redis": "ok"}
        async with http.get(f"{bot_process.web}/metrics") as response:
            body = await response.text()
    assert 'cabinet_updates_total{type="message"}' in body

    bot_process.proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(bot_process.proc.wait(), 20) == 0
    log = bot_process.log.read_text("utf-8")
    assert TEST_TOKEN not in log
    assert "Traceback" not in log
