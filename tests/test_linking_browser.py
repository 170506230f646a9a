"""Signing in with a real browser (Chromium + Playwright): the sandbox ESIA's login and consent
pages and this app's result page. Screenshots go to tests/artifacts/ (git-ignored)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, Page, expect

from tests.browser import snapshot
from tests.conftest import Backend
from tests.harness import RunningBot, running_bot
from tests.test_linking import ALICE, login_url

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with running_bot(migrated, web_server=True, flood_rate=50) as running:
        yield running


async def through_the_pages(page: Page, url: str, *, decision: str, shot: str) -> None:
    await page.goto(url)
    await expect(page.locator("body")).to_contain_text("Тестовая среда")
    await snapshot(page, f"{shot}-1-login")
    await page.get_by_role("button", name="Иванов Иван Петрович").click()
    choice = page.get_by_role("button", name=decision)
    await expect(choice).to_be_visible()
    await snapshot(page, f"{shot}-2-consent")
    await choice.click()


async def test_a_user_signs_in_in_a_browser_and_returns_to_telegram(
    app: RunningBot, browser: Browser
) -> None:
    url = login_url(app, await app.consent(ALICE))
    page = await browser.new_page()
    await through_the_pages(page, url, decision="Предоставить", shot="success")
    await expect(page.get_by_role("heading")).to_have_text("Готово — вернитесь в Telegram")
    await snapshot(page, "success-3-done")
    command = await page.locator("code").inner_text()
    button = page.get_by_role("link", name="Открыть Telegram")
    assert await button.get_attribute("href") == (
        f"https://t.me/{app.tg.bot_username}?start={command.split()[1]}"
    )
    reply = await app.say(ALICE, command)
    assert "Вы вошли как Иван И." in (reply.text or "")


async def test_a_user_who_declines_sees_what_to_do(app: RunningBot, browser: Browser) -> None:
    url = login_url(app, await app.consent(ALICE))
    page = await browser.new_page()
    await through_the_pages(page, url, decision="Отказать", shot="denied")
    await expect(page.get_by_role("heading")).to_have_text("Вы отказались предоставить доступ")
    await expect(page.locator("body")).to_contain_text("Войти через Госуслуги")
    await snapshot(page, "denied-3-result")
