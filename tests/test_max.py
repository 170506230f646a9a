"""The bot in Max (issue 19), end to end on the fake Max Bot API over HTTP, beside Telegram on
the same dispatcher: what a policyholder in Max sees and does."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import select

from storage.accounts import Channel, account_id
from storage.models import Consent, Link, User
from tests.conftest import Backend
from tests.esia_browser import through_esia
from tests.harness import RunningBot, running_bot
from tests.test_linking import IVANOV

IVAN = 7001  # Max's id of a person


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with running_bot(migrated, web_server=True, max_messenger=True) as running:
        yield running


async def test_consent_then_the_main_menu_in_max(app: RunningBot) -> None:
    assert app.mx is not None
    mark = app.mx.mark()
    hello = await app.max.start(IVAN)
    assert "Здравствуйте" in (hello.text or "")
    consent = await app.mx.wait_for("sendMessage", lambda c: "152-ФЗ" in (c.text or ""), after=mark)
    assert consent.user_id == IVAN
    assert app.mx.buttons(consent), "the consent screen has its buttons"

    menu = await app.max.press(IVAN, consent, "✅")
    assert "Главное меню" in (menu.text or "")
    labels = [b["text"] for b in app.mx.buttons(menu)]
    assert any("Госуслуги" in label for label in labels), labels

    async with app.resources.session_factory() as session:
        user = await session.get(User, account_id(Channel.MAX, IVAN))
        consents = list(await session.scalars(select(Consent.user_id)))
    assert user is not None
    assert (user.channel, user.external_id) == ("max", IVAN)
    assert consents == [account_id(Channel.MAX, IVAN)], "the consent is Max's account's"
    assert IVAN not in consents, "Telegram's user of the same number gave none"


async def test_signing_in_from_max_returns_by_maxs_deep_link_and_links_the_chat(
    app: RunningBot,
) -> None:
    assert app.mx is not None
    menu = await app.max.consent(IVAN)
    button = app.mx.button(menu, "Госуслуги")
    assert button["type"] == "link"
    async with httpx.AsyncClient(timeout=10) as browser:
        started = await browser.get(button["url"])
        assert started.status_code == 302, started.text
        back = await through_esia(browser, started.headers["location"], oid=IVANOV)
        page = await browser.get(back)
    assert page.status_code == 200
    assert "вернитесь в Max" in page.text
    deep_link = re.search(r"href='(https://max\.ru/cabinet_test_bot\?start=[^']+)'", page.text)
    assert deep_link is not None, page.text
    payload = parse_qs(urlsplit(html.unescape(deep_link[1])).query)["start"][0]
    typed = re.search(r"<code>(/start b_[A-Za-z0-9_-]+)</code>", page.text)
    assert typed is not None
    assert typed[1] == f"/start {payload}", "the copyable fallback is the same code"

    mark = app.mx.mark()
    await app.max.start(IVAN, payload)
    linked = await app.mx.wait_for(
        "sendMessage", lambda c: "Иван И." in (c.text or "") and c.user_id == IVAN, after=mark
    )
    assert "Главное меню" in (linked.text or "") or app.mx.buttons(linked)
    async with app.resources.session_factory() as session:
        link = await session.get(Link, account_id(Channel.MAX, IVAN))
    assert link is not None
    assert (link.channel, link.subject) == ("max", IVANOV)
