"""A change to a policy whose questions are personal data (a new driver) in
`PRIVACY_MODE=strict`: the chat asks none of them and offers «📝 Заполнить анкету»; the
questions, the surcharge, the confirmation and the payment link are on a one-time page (`/q`),
filled in a real Chromium on a phone-sized screen; the chat is told, with nothing personal,
and the `policy.changed` alerts follow the payment."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, expect

from tests.browser import PHONE, snapshot
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import linked_bot, sandbox_of
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_linking import ALICE
from tests.test_new_policy_strict import chat_texts
from tests.test_policy_change import card

pytestmark = pytest.mark.backends("embedded")
DRIVER = "Петров Пётр Петрович"


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy="strict", workers=True) as running:
        await set_prefs(running, **NO_QUIET)
        yield running


async def add_driver(app: RunningBot) -> Call:
    options = await app.press(ALICE, await card(app, "ОСАГО"), "✏️ Изменить полис")
    return await app.press(ALICE, options, "Добавить водителя")


async def test_a_driver_added_through_the_one_time_questionnaire(
    app: RunningBot, browser: Browser
) -> None:
    about = await add_driver(app)
    assert "защищённой анкете" in (about.text or "")
    assert not [b for b in app.tg.buttons(about) if b["text"].startswith("▶️")]
    assert app.tg.button(about, "🌐 Изменить на сайте")
    url = str(app.tg.button(about, "📝 Заполнить анкету")["url"])
    assert url.startswith(f"{app.settings.web.public_url}/q/")

    context = await browser.new_context(viewport=PHONE, is_mobile=True, locale="ru-RU")
    page = await context.new_page()
    await page.goto(url)
    await expect(page.locator("h1")).to_have_text("Добавить водителя")
    await expect(page.locator("body")).to_contain_text("Полис № ХХХ")  # the page may say it
    await expect(page.locator("label[for=q-full_name]")).to_have_text("ФИО водителя")
    await snapshot(page, "change-form-empty")

    # A driver too young: refused next to the date, the rest kept.
    await page.fill("#q-full_name", DRIVER)
    await page.fill("#q-birth_date", "2015-01-01")
    await page.fill("#q-licence", "77 12 345678")
    await page.fill("#q-driving_since", "2020-09-01")
    await page.click("button[type=submit]")
    await expect(page.locator("#q-birth_date-error")).to_contain_text("Дата должна быть")
    await expect(page.locator("#q-full_name")).to_have_value(DRIVER)

    await page.fill("#q-birth_date", "1990-05-14")
    await page.click("button[type=submit]")
    await expect(page.locator("h1")).to_have_text("Добавить водителя")
    price = await page.locator("#price").inner_text()
    assert re.match(r"Доплата: [\d\s\u00a0]+,\d\d ₽", price), price
    await snapshot(page, "change-form-quote")

    mark = app.tg.mark()
    await page.click("button[value=confirm]")
    await expect(page.locator("h1")).to_have_text("Осталось оплатить")
    payment = await page.get_attribute("#pay", "href")
    assert payment
    assert "/pay/pch_" in payment
    told = await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and "Анкета заполнена" in (c.text or ""),
        after=mark,
        timeout=20,
    )
    assert "«Добавить водителя», полис № …" in (told.text or "")
    assert "Петров" not in (told.text or "")

    await page.click("#pay")
    await page.click("button:has-text('Оплатить')")
    await expect(page.locator("body")).to_contain_text("Оплачено")
    await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and "Оплата получена" in (c.text or ""),
        after=mark,
        timeout=20,
    )
    change_id = payment.rpartition("/")[2]
    await sandbox_of(app).operator("POST", f"/policy-changes/{change_id}/apply")
    applied = await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and "Новая версия полиса" in (c.text or ""),
        after=mark,
        timeout=20,
    )
    assert [b for b in app.tg.buttons(applied) if "/d/" in b.get("url", "")]
    assert not [t for t in chat_texts(app) if "Петров" in t or "345678" in t]
    await context.close()
