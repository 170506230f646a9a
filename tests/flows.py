"""Shared by the conversation tests: a running bot with ALICE linked (as Иванов, a customer of
the sandbox cabinet), in either privacy mode, and ways to receive what the bot delivers."""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
from sqlalchemy import select

from storage.models import AuditRecord
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.harness import Chat, RunningBot, running_bot
from tests.sandbox_server import SandboxServer
from tests.test_linking import ALICE, IVANOV, linked

#: The line above last known data while the cabinet is down, with the day and time it is from.
STALE = r"Кабинет временно недоступен, данные на \d\d\.\d\d\.\d{4}, \d\d:\d\d\."


@contextlib.asynccontextmanager
async def linked_bot(
    backend: Backend,
    *,
    privacy: str = "full",
    user: int = ALICE,
    oid: str = IVANOV,
    **overrides: Any,
) -> AsyncIterator[RunningBot]:
    """`running_bot` with its web server, the user signed in through the sandbox ESIA (as
    Иванов, or as the test citizen `oid`)."""
    async with (
        httpx.AsyncClient(timeout=10) as browser,
        running_bot(
            backend, web_server=True, flood_rate=50, privacy_mode=privacy, **overrides
        ) as app,
    ):
        await linked(app, browser, user, oid)
        yield app


async def open_section(app: Chat, section_button: str, user: int = ALICE) -> Call:
    """/menu, then the section's button: the section's first screen."""
    menu = await app.say(user, "/menu")
    return await app.press(user, menu, section_button)


def button_starting(app: RunningBot, screen: Call, prefix: str) -> str:
    """The text of the first button under `screen` that starts with `prefix`."""
    texts = [str(b["text"]) for b in app.tg.buttons(screen)]
    found = next((text for text in texts if text.startswith(prefix)), None)
    assert found is not None, f"no button starting with {prefix!r}: {texts}"
    return found


@dataclass
class Delivered:
    """A document the bot sent (`full`) or the page/file behind its one-time link (`strict`)."""

    filename: str | None
    content: bytes
    content_type: str
    link: str | None = None


async def delivered(app: RunningBot, screen: Call, button: str, user: int = ALICE) -> Call:
    """Press `button` on `screen`: the document the bot sent, or (strict mode) its message
    with a one-time link."""
    mark = app.tg.mark()
    app.tg.press(user, screen, button)
    return await app.tg.wait_for(
        ("sendDocument", "sendMessage"),
        lambda c: (
            c.params.get("chat_id") == user
            and (
                c.method == "sendDocument"
                or any("/d/" in b.get("url", "") for b in app.tg.buttons(c))
            )
        ),
        after=mark,
    )


def link_in(app: RunningBot, sent: Call) -> str:
    """The one-time link under a message."""
    return next(str(b["url"]) for b in app.tg.buttons(sent) if "/d/" in b.get("url", ""))


async def receive(app: RunningBot, screen: Call, button: str, user: int = ALICE) -> Delivered:
    """Press `button` on `screen` and take what comes back: the document itself, or (strict
    mode) the message with a one-time link, opened once over HTTP."""
    sent = await delivered(app, screen, button, user)
    if sent.method == "sendDocument":
        document = sent.params["document"]
        return Delivered(document.filename, document.content, document.content_type)
    url = link_in(app, sent)
    assert url.startswith(f"{app.settings.web.public_url}/d/")
    async with httpx.AsyncClient(timeout=10) as browser:
        opened = await browser.get(url)
    assert opened.status_code == 200, opened.text
    disposition = opened.headers.get("content-disposition", "")
    found = re.search(r'filename="([^"]+)"', disposition)
    filename = found[1] if found else None
    return Delivered(filename, opened.content, opened.headers["content-type"], link=url)


def sandbox_of(app: RunningBot) -> SandboxServer:
    """The sandbox cabinet the bot mounted on its own web server (operator API, switches)."""
    config = app.resources.wiring.sandbox
    assert config is not None, "the bot runs against an external cabinet"
    return SandboxServer(app.settings.web.public_url, config)


async def press_forged(app: RunningBot, screen: Call, button: str, forged_id: str) -> None:
    """Press `button`'s callback with its item id replaced by `forged_id` (another customer's
    object, say), and check what must follow: refused, audited, back at the menu."""
    data = app.tg.button(screen, button)["callback_data"]
    prefix, _, _item = data.rpartition(":")
    mark = app.tg.mark()
    app.tg.callback(ALICE, screen.message or {}, f"{prefix}:{forged_id}")
    said = await app.tg.wait_for(
        "sendMessage", lambda c: "Этого нет среди ваших данных" in (c.text or ""), after=mark
    )
    assert said.params["chat_id"] == ALICE
    await app.tg.wait_for("sendMessage", lambda c: "Главное меню" in (c.text or ""), after=mark)
    async with app.resources.session_factory() as session:
        actions = (await session.scalars(select(AuditRecord.action))).all()
    assert "callback.refused" in actions
