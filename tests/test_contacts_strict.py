"""Changing the e-mail in `PRIVACY_MODE=strict`: the chat shows the contacts masked and takes
none; the new address and the code go through a one-time web page, in a real Chromium on a
phone-sized screen (screenshots in tests/artifacts/), and the chat is told, masked — once: the
cabinet's `contacts.changed` for the change does not warn it again."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.browser import PHONE, snapshot
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import linked_bot
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, rows_of, set_prefs
from tests.test_contacts import code_sent, contacts, typed, wrong
from tests.test_contacts_alerts import WARNING, delivered
from tests.test_linking import ALICE

pytestmark = pytest.mark.backends("embedded")
NEW = "new.address@example.org"


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy="strict", workers=True) as running:
        await set_prefs(running, **NO_QUIET)
        yield running


def page_link(app: RunningBot, screen: Call, button: str) -> str:
    url = str(app.tg.button(screen, button)["url"])
    assert url.startswith(f"{app.settings.web.public_url}/c/")
    return url


async def test_an_email_changed_on_the_one_time_page(app: RunningBot, browser: Browser) -> None:
    screen = await contacts(app)
    assert re.search(r"E-mail: [a-z]•••@example\.ru", screen.text or "")
    said = await typed(app, NEW)
    assert "контакты не принимаются в чате" in (said.text or "")
    sent = [c.text or "" for c in app.tg.calls if c.method in ("sendMessage", "editMessageText")]
    assert not any(NEW in text for text in sent), "what was typed is not repeated in the chat"
    url = page_link(app, said, "Изменить e-mail")

    context = await browser.new_context(viewport=PHONE, is_mobile=True, locale="ru-RU")
    page = await context.new_page()
    await page.goto(url)
    await expect(page.locator("h1")).to_have_text("Новый адрес электронной почты")
    await expect(page.locator("body")).to_contain_text(re.compile(r"Сейчас: \S+@example\.ru"))
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no sideways scrolling on a phone"
    await snapshot(page, "contacts-page-empty")

    await page.fill("#value", "ivan@mail")  # the browser's own check passes it; ours does not
    await page.click("button[type=submit]")
    await expect(page.locator("#value-error")).to_contain_text("не похоже на адрес")
    await expect(page.locator("#value")).to_have_value("ivan@mail")  # kept
    await page.fill("#value", NEW)
    await page.click("button[type=submit]")
    await expect(page.locator("body")).to_contain_text(f"Код отправлен на {NEW}")
    await expect(page.locator("body")).to_contain_text("Попыток: 3")
    await snapshot(page, "contacts-page-code")

    code = await code_sent(app, NEW)
    await page.fill("#code", wrong(code))
    await page.click("button[value=confirm]")
    await expect(page.locator("#code-error")).to_contain_text("Осталось 2 попытки")
    await page.click("button[value=resend]")
    await expect(page.locator(".note")).to_contain_text("Отправили новый код")
    fresh = await code_sent(app, NEW)
    await page.fill("#code", fresh)
    await page.click("button[value=confirm]")
    await expect(page.locator("h1")).to_have_text("E-mail изменён")
    await snapshot(page, "contacts-page-done")

    told = await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and "E-mail изменён" in (c.text or ""),
        timeout=20,
    )
    assert NEW not in (told.text or "")
    assert "n•••@example.org" in (told.text or "")
    shown = await app.press(ALICE, told, "Контактные данные")
    assert "E-mail: n•••@example.org" in (shown.text or "")
    # The cabinet's `contacts.changed` for this change warns nobody a second time.
    event = await delivered(app, "contacts.changed")
    assert event["data"]["source"] == "bot"
    assert await rows_of(app, event["event_id"]) == []
    assert not [c for c in app.tg.calls if WARNING in (c.text or "")]

    async with httpx.AsyncClient(timeout=10) as other:
        again = await other.get(url)
        forged = await other.post(
            f"{app.settings.web.public_url}/c/", data={"csrf": "made-up", "value": NEW}
        )
    assert again.status_code == 410, "the link opens once"
    assert forged.status_code == 410
    await context.close()


async def test_three_wrong_codes_on_the_page_cancel_the_change(
    app: RunningBot, browser: Browser
) -> None:
    screen = await contacts(app)
    phone = re.search(r"Телефон: (.+)", screen.text or "")
    assert phone
    page = await browser.new_page(viewport=PHONE)
    await page.goto(page_link(app, screen, "Изменить телефон"))
    await page.fill("#value", "8 999 000-11-22")
    await page.click("button[type=submit]")
    await expect(page.locator("body")).to_contain_text("Код отправлен на +7 999 000-11-22")
    code = await code_sent(app, "+79990001122")
    for n in (1, 2, 3):
        await page.fill("#code", wrong(code, n))
        await page.click("button[value=confirm]")
    await expect(page.locator("h1")).to_have_text("Смена отменена")
    again = await contacts(app)
    assert f"Телефон: {phone[1]}" in (again.text or ""), "the phone as it was"
