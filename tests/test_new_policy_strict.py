"""Buying a policy whose questions are personal data in `PRIVACY_MODE=strict`: the chat asks
none of them and offers «📝 Заполнить анкету»; the questions, the start date, the quote, the
order and the payment link are on a one-time page (`/q`), filled in a real Chromium on a
phone-sized screen (screenshots in tests/artifacts/); the chat is told, with nothing personal,
and `policy.issued` brings the policy after the sandbox's payment page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, expect

from tests.browser import PHONE, snapshot
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import linked_bot, open_section, sandbox_of
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_linking import ALICE, BOB, linked
from tests.test_new_policy import AMOUNT, _only_quote_id

pytestmark = pytest.mark.backends("embedded")
ADDRESS = "Москва, ул. Ленина, д. 1, кв. 5"


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy="strict", workers=True) as running:
        await set_prefs(running, **NO_QUIET)
        yield running


async def apartment(app: RunningBot) -> Call:
    """The apartment insurance's screen in the chat."""
    listing = await open_section(app, "📄 Полисы")
    products = await app.press(ALICE, listing, "🛒")
    return await app.press(ALICE, products, "Страхование квартиры")


def form_link(app: RunningBot, about: Call) -> str:
    url = str(app.tg.button(about, "📝 Заполнить анкету")["url"])
    assert url.startswith(f"{app.settings.web.public_url}/q/")
    return url


def chat_texts(app: RunningBot) -> list[str]:
    """Everything the bot wrote to the chat: messages, edits and alerts' captions."""
    methods = ("sendMessage", "editMessageText", "sendDocument", "editMessageCaption")
    return [
        str(c.params.get("text") or c.params.get("caption") or "")
        for c in app.tg.calls
        if c.method in methods
    ]


async def test_a_policy_bought_through_the_one_time_questionnaire(
    app: RunningBot, browser: Browser
) -> None:
    about = await apartment(app)
    assert "защищённой анкете" in (about.text or "")
    assert not [b for b in app.tg.buttons(about) if b["text"].startswith("▶️")]
    assert app.tg.button(about, "🌐 Оформить на сайте")
    url = form_link(app, about)

    context = await browser.new_context(viewport=PHONE, is_mobile=True, locale="ru-RU")
    page = await context.new_page()
    await page.goto(url)
    await expect(page.locator("h1")).to_have_text("Страхование квартиры")
    body = page.locator("body")
    # Every question of the product, with its hint; the optional one says so; the start date.
    await expect(page.locator("label[for=q-sum_insured]")).to_have_text("Страховая сумма отделки")
    await expect(body).to_contain_text("От 300 000 до 10 000 000 ₽.")
    await expect(page.locator("label[for=q-address]")).to_have_text("Адрес квартиры")
    await expect(page.locator("label[for=q-cadastral_number]")).to_have_text(
        "Кадастровый номер квартиры (необязательно)"
    )
    await expect(page.locator("label[for=q-starts-on]")).to_have_text(
        "С какого дня начнёт действовать полис"
    )
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no sideways scrolling on a phone"
    await snapshot(page, "buy-form-empty")

    # One bad answer: refused next to its question, everything typed kept.
    start = await page.get_attribute("#q-starts-on", "min")
    assert start
    await page.fill("#q-sum_insured", "1000")
    await page.check("input[name=q-wooden][value=no]")
    await page.fill("#q-address", ADDRESS)
    await page.fill("#q-starts-on", start)
    await page.click("button[type=submit]")
    await expect(page.locator("#q-sum_insured-error")).to_contain_text("Сумма должна быть от")
    await expect(page.locator("#page-error")).to_contain_text("Проверьте отмеченные ответы")
    await expect(page.locator("#q-sum_insured")).to_have_value("1000")
    await expect(page.locator("#q-address")).to_have_value(ADDRESS)
    await expect(page.locator("#q-starts-on")).to_have_value(start)
    await expect(page.locator("input[name=q-wooden][value=no]")).to_be_checked()
    assert await page.locator("#q-address-error").count() == 0
    await snapshot(page, "buy-form-error")

    await page.fill("#q-sum_insured", "1 000 000")
    await page.click("button[type=submit]")
    await expect(page.locator("h1")).to_have_text("Расчёт: Страхование квартиры")
    price = await page.locator("#price").inner_text()
    assert re.fullmatch(f"Цена: {AMOUNT} за 12 мес.", price), price
    assert "3\u00a0000,00" in price  # 1 000 000 × 0.3 %
    await expect(body).to_contain_text("Отделка и инженерное оборудование — до 1")
    await expect(body).to_contain_text("Расчёт действует до")
    assert (await page.get_attribute("#terms", "href") or "").endswith("/terms/property")
    await snapshot(page, "buy-form-quote")

    # «Изменить ответы»: the questions again, as answered.
    await page.click("button[value=edit]")
    await expect(page.locator("#q-address")).to_have_value(ADDRESS)
    await expect(page.locator("#q-sum_insured")).to_have_value("1000000.00")
    await page.click("button[type=submit]")
    await expect(page.locator("h1")).to_have_text("Расчёт: Страхование квартиры")

    # The quote expires before it is accepted: priced again with the same answers, and said.
    expired = await _only_quote_id(app)
    await sandbox_of(app).operator("POST", f"/policy-quotes/{expired}/expire")
    mark = app.tg.mark()
    await page.click("button[value=accept]")
    await expect(page.locator("#requoted")).to_contain_text("Прежний расчёт устарел")
    await expect(page.locator("h1")).to_have_text("Расчёт: Страхование квартиры")
    assert await _only_quote_id(app) != expired

    await page.click("button[value=accept]")
    await expect(page.locator("h1")).to_have_text("Полис почти готов")
    await expect(body).to_contain_text("Оплатите его до")
    payment = await page.get_attribute("#pay", "href")
    assert payment
    assert "/pay/npo_" in payment
    await snapshot(page, "buy-form-pay")

    told = await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and "Анкета заполнена" in (c.text or ""),
        after=mark,
        timeout=20,
    )
    assert "Ссылка на оплату — на странице анкеты" in (told.text or "")
    assert "Ленина" not in (told.text or "")
    assert not re.search(r"\d", told.text or ""), "no amount, no date, no number"

    # Paid on the sandbox's payment page: the chat gets the issued policy.
    await page.click("#pay")
    await expect(page.locator("h1")).to_have_text("Оплата нового полиса")
    await page.click("button:has-text('Оплатить')")
    await expect(page.locator("body")).to_contain_text("Оплачено")
    issued = await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and "Полис оформлен" in (c.text or ""),
        after=mark,
        timeout=20,
    )
    assert re.search(r"№ …\S+", issued.text or ""), "the number masked"
    assert [b for b in app.tg.buttons(issued) if "/d/" in b.get("url", "")]

    # Nothing of the questions went through the chat.
    said = chat_texts(app)
    assert not [t for t in said if "Адрес квартиры" in t or "Ленина" in t or "Кадастров" in t]
    await context.close()


async def test_the_questionnaire_link_opens_once_and_only_for_its_chat(app: RunningBot) -> None:
    async with httpx.AsyncClient(timeout=10) as other:
        url = form_link(app, await apartment(app))
        first = await other.get(url)
        again = await other.get(url)
        forged = await other.post(
            f"{app.settings.web.public_url}/q/", data={"csrf": "made-up", "q-address": ADDRESS}
        )
        assert first.status_code == 200
        assert "Адрес квартиры" in first.text
        assert again.status_code == 410, "the link opens once"
        assert "Ссылка устарела или уже использована" in again.text
        assert forged.status_code == 410

        # A link of a chat that is no longer the person's (their Gosuslugi account moved to
        # another Telegram account) opens nothing.
        unopened = form_link(app, await apartment(app))
        await linked(app, other, BOB)
        refused = await other.get(unopened)
        assert refused.status_code == 410
        assert "Адрес квартиры" not in refused.text


async def test_a_page_posted_without_its_token_is_refused(
    app: RunningBot, browser: Browser
) -> None:
    """The page's own token is spent by its POST: the same form posted twice (the back button,
    a double submit) is refused, and what it carried is not taken."""
    page = await browser.new_page(viewport=PHONE)
    await page.goto(form_link(app, await apartment(app)))
    token = await page.get_attribute("input[name=csrf]", "value")
    assert token
    await page.fill("#q-sum_insured", "50")
    await page.click("button[type=submit]")
    await expect(page.locator("#q-sum_insured-error")).to_be_visible()
    async with httpx.AsyncClient(timeout=10) as other:
        replayed = await other.post(
            f"{app.settings.web.public_url}/q/", data={"csrf": token, "q-sum_insured": "500000"}
        )
    assert replayed.status_code == 410


async def test_the_questionnaire_in_english(app: RunningBot) -> None:
    settings = await app.press(ALICE, await app.say(ALICE, "/menu"), "Настройки")
    await app.press(ALICE, settings, "English")
    listing = await open_section(app, "📄 Policies")
    products = await app.press(ALICE, listing, "🛒 Buy a policy")
    about = await app.press(ALICE, products, "Accident insurance")
    assert "secure form" in (about.text or "")
    url = str(app.tg.button(about, "📝 Fill in the form")["url"])
    async with httpx.AsyncClient(timeout=10) as other:
        page = await other.get(url)
        token = re.search(r"name='csrf' value='([^']+)'", page.text)
        assert token
        posted = await other.post(
            f"{app.settings.web.public_url}/q/",
            data={"csrf": token[1], "q-birth_date": "2020-01-01", "q-occupation": "office"},
        )
    assert "<h1>Accident insurance</h1>" in page.text
    assert "Date of birth" in page.text
    assert "From which day the policy is valid" in page.text
    assert "Work out the price" in page.text
    assert posted.status_code == 422
    assert "The date must be no earlier than" in posted.text  # too young for the product
    assert "Answer this question." in posted.text  # the sum insured and the start date
    assert "<option value='office' selected>Office work</option>" in posted.text
