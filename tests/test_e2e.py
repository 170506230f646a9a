"""`cabinet-bot run` as a user starts it: a subprocess talking to the fake Bot API over HTTP."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import httpx
import pytest

from tests.conftest import TEST_TOKEN, Backend
from tests.esia_browser import through_esia
from tests.fake_telegram import FakeTelegram
from tests.sandbox_server import free_port

# `cabinet-bot run` as shipped runs on its embedded defaults; the health test checks that the
# process also reaches PostgreSQL and Redis. Each test has a process of its own: they change
# its state (consent, language, a link, a shutdown).
pytestmark = [pytest.mark.e2e, pytest.mark.backends("embedded")]
ROOT = Path(__file__).resolve().parent.parent
USER = 4242
CABINET_TOKEN = "e2e-cabinet-token"


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
        PUBLIC_URL=f"http://127.0.0.1:{port}",
        LOG_FORMAT="json",
        LOG_LEVEL="DEBUG",  # every line a deployment could log is checked
        SUPPORT_CONTACTS="help@insurer.example",
        CABINET_TOKEN=CABINET_TOKEN,
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
        await tg.wait_polling(timeout=60)
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
    assert [b["text"] for b in tg.buttons(home)] == [
        "🔑 Sign in with Gosuslugi",
        "📝 File a claim",
        "📄 Policies",
        "📋 Claims",
        "🧾 Certificates",
        "💰 Payouts",
        "🗂 My documents",
        "💬 Support and reviews",
        "⚙️ Settings",
        "❓ Help",
    ]

    commands = tg.calls_of("setMyCommands")
    assert {c.params.get("language_code") for c in commands} >= {"ru", "en"}


@pytest.mark.backends("embedded", "servers")
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
    assert "cabinet_breaker_state 0.0" in body

    bot_process.proc.send_signal(signal.SIGTERM)
    assert await asyncio.wait_for(bot_process.proc.wait(), 20) == 0
    log = bot_process.log.read_text("utf-8")
    assert TEST_TOKEN not in log
    assert CABINET_TOKEN not in log
    assert "Traceback" not in log


async def test_the_sandbox_cabinet_is_served_when_no_cabinet_is_configured(
    bot_process: Process,
) -> None:
    cabinet = f"{bot_process.web}/sandbox/cabinet"
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{cabinet}/v1/certificate-types") as response:
            assert response.status == 401, "the sandbox wants the bot's token too"
        headers = {"Authorization": f"Bearer {CABINET_TOKEN}"}
        async with http.get(f"{cabinet}/v1/certificate-types", headers=headers) as response:
            assert response.status == 200
            types = {item["id"] for item in (await response.json())["items"]}
        assert {"tax_deduction", "no_claims", "payouts_statement"} <= types
        async with http.get(f"{cabinet}/operator") as response:
            assert response.status == 200
            assert "text/html" in response.headers["Content-Type"]


async def test_signing_in_and_seeing_policies_through_the_running_process(
    bot_process: Process, tg: FakeTelegram
) -> None:
    """`cabinet-bot run` as shipped: its own linking pages, sandbox ESIA and sandbox cabinet."""
    mark = tg.mark()
    tg.user_message(USER, "/start", language_code="ru")
    screen = await tg.wait_for("sendMessage", lambda c: "152-ФЗ" in (c.text or ""), after=mark)
    mark = tg.mark()
    tg.press(USER, screen, "Согласен")
    menu = await tg.wait_for(
        "editMessageText", lambda c: "Главное меню" in (c.text or ""), after=mark
    )
    url = next(b["url"] for b in tg.buttons(menu) if b["text"] == "🔑 Войти через Госуслуги")
    async with httpx.AsyncClient(timeout=10) as browser:
        started = await browser.get(url)
        back = await through_esia(browser, started.headers["location"], oid="1000299654")
        page = await browser.get(back)
    command = re.search(r"<code>(/start b_[A-Za-z0-9_-]+)</code>", page.text)
    assert command, page.text
    mark = tg.mark()
    tg.user_message(USER, command[1])
    linked = await tg.wait_for(
        "sendMessage", lambda c: "Вы вошли как" in (c.text or ""), after=mark
    )
    assert "Вы вошли как Иван И." in (linked.text or "")
    home = await tg.wait_for("sendMessage", lambda c: "Главное меню" in (c.text or ""), after=mark)
    mark = tg.mark()
    tg.press(USER, home, "📄 Полисы")
    listing = await tg.wait_for(
        "editMessageText", lambda c: "Ваши полисы" in (c.text or ""), after=mark
    )
    assert any(b["text"].startswith("ОСАГО") for b in tg.buttons(listing))

    # The whole run's log, at DEBUG: nothing that identifies the citizen.
    log = bot_process.log.read_text("utf-8")
    assert '"level": "debug"' in log, "the log is at DEBUG"
    for trace in ("1000299654", "145-978-312 08", "14597831208", "Иванов", "Петрович"):
        assert trace not in log, trace
