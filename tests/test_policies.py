"""Полисы, as a linked user sees them in both privacy modes: the list, a policy's details and
PDF, renewal (check the data, the term, the quote, the terms) up to the payment button, the
sign-in gate, and a forged button."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import select

from storage.models import RenewalOrder
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import (
    button_starting,
    delivered,
    link_in,
    linked_bot,
    open_section,
    press_forged,
    receive,
    sandbox_of,
)
from tests.harness import RunningBot, running_bot
from tests.test_linking import ALICE, IVANOV, login_url, sign_in

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

VIN = r"VIN: [A-HJ-NPR-Z0-9]{17}"
RUSSIAN_AMOUNT = r"\d{1,3}([\s\u00a0\u202f]\d{3})*,\d{2} ₽"


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy) as running:
        yield running


async def policy(app: RunningBot, product: str) -> Call:
    """The details of the customer's policy of that product (the sandbox has one of each:
    ОСАГО expiring and renewable, КАСКО not renewable)."""
    listing = await open_section(app, "📄 Полисы")
    assert "Ваши полисы" in (listing.text or "")
    return await app.press(ALICE, listing, button_starting(app, listing, product))


async def renewal_terms(app: RunningBot, detail: Call) -> Call:
    """«Продлить» on a card, then «Всё верно» on «Проверьте данные»: the terms to choose."""
    check = await app.press(ALICE, detail, "Продлить")
    assert "Проверьте данные полиса" in (check.text or "")
    return await app.press(ALICE, check, "Всё верно")


async def test_the_list_and_the_details(app: RunningBot, privacy: str) -> None:
    listing = await open_section(app, "📄 Полисы")
    osago = button_starting(app, listing, "ОСАГО")
    assert button_starting(app, listing, "КАСКО")
    detail = await app.press(ALICE, listing, osago)
    text = detail.text or ""
    assert "Полис №" in text
    assert re.search(r"Срок: \d\d\.\d\d\.\d{4} — \d\d\.\d\d\.\d{4}", text), text
    if privacy == "full":
        assert "…" not in osago
        assert "Покрытие" in text
        assert re.search(f"Премия: {RUSSIAN_AMOUNT}", text), text
    else:  # no amounts, no insured object, the number masked to its last 4 characters
        assert re.search(r"№ …\w{4}$", osago), osago
        assert "₽" not in text
        assert "Покрытие" not in text
        assert re.search(r"Полис № …\w{4}\n", text), text
        page = await receive(app, detail, "Подробнее")
        assert "Покрытие" in page.content.decode()
        assert re.search(RUSSIAN_AMOUNT, page.content.decode())
        assert page.content_type.startswith("text/html")
    back = await app.press(ALICE, detail, "Назад")
    assert "Ваши полисы" in (back.text or "")


async def test_the_policy_pdf(app: RunningBot, privacy: str) -> None:
    detail = await policy(app, "КАСКО")
    pdf = await receive(app, detail, "📎 Полис (PDF)")
    assert pdf.content.startswith(b"%PDF")
    assert pdf.filename
    assert pdf.filename.endswith(".pdf")
    assert (pdf.link is None) == (privacy == "full")


async def test_a_one_time_link_opens_once(migrated: Backend) -> None:
    async with linked_bot(migrated, privacy="strict") as app:
        pdf = await receive(app, await policy(app, "КАСКО"), "📎 Полис (PDF)")
        assert pdf.link is not None
        async with httpx.AsyncClient() as browser:
            again = await browser.get(pdf.link)
            forged = await browser.get(pdf.link[:-3] + "abc")
        assert again.status_code == 410
        assert "Ссылка устарела" in again.text
        assert "Вернитесь в чат с ботом" in again.text, "a spent link knows no one"
        assert forged.status_code == 410


@pytest.mark.parametrize("leaving", ["/logout", "/revoke"])
async def test_signing_out_removes_the_one_time_links(migrated: Backend, leaving: str) -> None:
    """A link's grant names the person, their customer and the policy: it is removed with
    the link to Gosuslugi, not left in Redis until it expires."""
    async with linked_bot(migrated, privacy="strict") as app:
        url = link_in(app, await delivered(app, await policy(app, "КАСКО"), "📎 Полис (PDF)"))
        assert await app.resources.redis.keys("cabinet:doc:*")
        confirm = await app.say(ALICE, leaving)
        await app.press(ALICE, confirm, "Выйти" if leaving == "/logout" else "Отозвать")
        await app.settle()
        assert await app.resources.redis.keys("cabinet:doc:*") == []
        async with httpx.AsyncClient() as browser:
            assert (await browser.get(url)).status_code == 410


async def test_a_head_request_does_not_spend_a_one_time_link(migrated: Backend) -> None:
    """Link scanners (and some messengers' previews) probe a link with HEAD first."""
    async with linked_bot(migrated, privacy="strict") as app:
        url = link_in(app, await delivered(app, await policy(app, "КАСКО"), "📎 Полис (PDF)"))
        async with httpx.AsyncClient() as browser:
            probed = await browser.head(url)
            opened = await browser.get(url)
        assert probed.status_code == 405
        assert opened.status_code == 200
        assert opened.content.startswith(b"%PDF")


async def test_a_one_time_link_opens_nothing_after_logout(migrated: Backend) -> None:
    async with linked_bot(migrated, privacy="strict") as app:
        detail = await policy(app, "КАСКО")
        mark = app.tg.mark()
        app.tg.press(ALICE, detail, "Подробнее")
        sent = await app.tg.wait_for(
            "sendMessage", lambda c: "открывается один раз" in (c.text or ""), after=mark
        )
        url = app.tg.button(sent, "Открыть")["url"]
        await app.settle()
        # The card stays where it was, above the link: no second copy of it.
        assert not [c for c in app.tg.calls[mark:] if "Полис №" in (c.text or "")]
        confirm = await app.say(ALICE, "/logout")
        await app.press(ALICE, confirm, "Выйти")
        async with httpx.AsyncClient() as browser:
            opened = await browser.get(url)
        assert opened.status_code == 410
        assert "Покрытие" not in opened.text


@pytest.mark.backends("servers")  # the conversation outlives the process in a real Redis only
async def test_a_flow_survives_a_restart(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        terms = await renewal_terms(app, await policy(app, "ОСАГО"))
        assert terms.message is not None
        data = app.tg.button(terms, "12 мес.")["callback_data"]
    async with running_bot(migrated, web_server=True, flood_rate=50) as restarted:
        mark = restarted.tg.mark()
        restarted.tg.callback(ALICE, terms.message, data)
        quote = await restarted.tg.wait_for(
            ("sendMessage", "editMessageText"), lambda c: c.chat_id == ALICE, after=mark
        )
        assert "Расчёт продления" in (quote.text or "")


async def test_renewal_up_to_the_payment_button(app: RunningBot, privacy: str) -> None:
    detail = await policy(app, "ОСАГО")
    check = await app.press(ALICE, detail, "Продлить")
    text = check.text or ""
    assert "Проверьте данные полиса" in text
    assert "Допущен" in text  # the drivers: named (full), counted (strict)
    if privacy == "full":
        assert re.search(r"• \w+ \w+ \w+, \d\d\.\d\d\.\d{4}", text), text
        assert re.search(VIN, text), text
    else:  # no names, plate or VIN in the chat: the car, how many drivers; the rest by link
        assert "Допущено к управлению: 2 человека" in text
        assert "•" not in text
        assert not re.search(VIN, text), text
        page = await receive(app, check, "Посмотреть данные")
        assert page.content_type.startswith("text/html")
        assert re.search(r"• \w+ \w+ \w+, \d\d\.\d\d\.\d{4}", page.content.decode())
    assert not [b for b in app.tg.buttons(check) if "url" in b]
    terms = await app.press(ALICE, check, "Всё верно")
    assert "Выберите срок" in (terms.text or "")
    twelve = button_starting(app, terms, "12 мес.")
    assert ("₽" in twelve) == (privacy == "full")
    quote = await app.press(ALICE, terms, twelve)
    assert "Расчёт продления" in (quote.text or "")
    assert ("Премия" in (quote.text or "")) == (privacy == "full")
    consent = await app.press(ALICE, quote, "Подтвердить")
    assert "Согласие с условиями" in (consent.text or "")
    assert not [b for b in app.tg.buttons(consent) if "/pay/" in b.get("url", "")]
    rules = app.tg.button(consent, "Правила страхования")["url"]
    async with httpx.AsyncClient(timeout=10) as browser:
        opened = await browser.get(rules)
    assert opened.status_code == 200
    assert "Правила страхования" in opened.text
    pay = await app.press(ALICE, consent, "Согласен, перейти к оплате")
    assert "Заказ на продление создан" in (pay.text or "")
    # The link (1 h) and the quote (24 h) end at different times: one line says which is which.
    assert re.search(r"сам расчёт действует до \d\d\.\d\d\.\d{4}, \d\d:\d\d", pay.text or "")
    url = app.tg.button(pay, "Оплатить")["url"]
    assert "/pay/" in url
    async with app.resources.session_factory() as session:
        orders = (await session.scalars(select(RenewalOrder))).all()
    assert [(o.user_id, o.status, o.term_months) for o in orders] == [
        (ALICE, "awaiting_payment", 12)
    ]


async def test_confirming_again_after_an_outage_orders_once(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        terms = await renewal_terms(app, await policy(app, "ОСАГО"))
        quote = await app.press(ALICE, terms, button_starting(app, terms, "6 мес."))
        consent = await app.press(ALICE, quote, "Подтвердить")
        # The cabinet takes the order, but every answer to it is lost on the way back.
        await sandbox_of(app).switches(lose_next=3)
        failed = await app.press(ALICE, consent, "Согласен")
        assert "временно недоступен" in (failed.text or "")
        assert "всё, что вы ввели, сохранено" in (failed.text or "")
        pay = await app.press(ALICE, consent, "Согласен")
        assert "Заказ на продление создан" in (pay.text or "")
        async with app.resources.session_factory() as session:
            orders = (await session.scalars(select(RenewalOrder))).all()
        assert len(orders) == 1


async def test_data_to_change_is_changed_online_or_through_support(app: RunningBot) -> None:
    check = await app.press(ALICE, await policy(app, "ОСАГО"), "Продлить")
    change = await app.press(ALICE, check, "Нужно изменить")
    assert "Как изменить данные полиса" in (change.text or "")
    assert "Напишите в поддержку" in (change.text or "")
    support = await app.press(ALICE, change, "Задать вопрос в поддержку")
    assert "<b>Поддержка</b>" in (support.text or "")
    assert app.tg.button(support, "Задать вопрос в поддержку")
    back = await app.press(ALICE, support, "Назад")
    assert "Как изменить данные полиса" in (back.text or "")
    # A driver or a plate the person may change themselves (the cabinet allows it for ОСАГО).
    assert "Добавить водителя или вписать новый госномер можно и самим" in (back.text or "")
    options = await app.press(ALICE, back, "✏️ Изменить полис")
    assert "Добавить водителя" in [b["text"] for b in app.tg.buttons(options)]


async def test_a_forged_policy_button_is_refused_and_audited(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        await press_forged(app, await open_section(app, "📄 Полисы"), "КАСКО", "P-someone-else")


async def test_an_unlinked_user_signs_in_and_lands_in_policies(migrated: Backend) -> None:
    async with (
        httpx.AsyncClient(timeout=10) as browser,
        running_bot(migrated, web_server=True, flood_rate=50) as app,
    ):
        menu = await app.consent(ALICE)
        gate = await app.press(ALICE, menu, "📄 Полисы")
        assert "доступен после входа через Госуслуги" in (gate.text or "")
        finish = await sign_in(app, browser, login_url(app, gate), oid=IVANOV)
        assert finish.command is not None
        mark = app.tg.mark()
        await app.say(ALICE, finish.command)
        await app.tg.wait_for(
            ("sendMessage", "editMessageText"),
            lambda c: "Ваши полисы" in (c.text or ""),
            after=mark,
        )
        await app.settle()
        sent = [c.text for c in app.tg.calls[mark:] if c.method == "sendMessage"]
        assert len(sent) == 1, f"one message, the section they were opening: {sent}"


async def test_an_old_button_after_logout_leads_to_the_menu(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        listing = await open_section(app, "📄 Полисы")
        confirm = await app.say(ALICE, "/logout")
        await app.press(ALICE, confirm, "Выйти")
        await app.settle()  # logged out: the answer, then the menu
        mark = app.tg.mark()
        app.tg.press(ALICE, listing, "КАСКО")
        await app.tg.wait_for(
            "answerCallbackQuery",
            lambda c: c.params.get("text") == "Эта кнопка устарела.",
            after=mark,
        )
        menu = await app.tg.wait_for(
            "sendMessage", lambda c: "Главное меню" in (c.text or ""), after=mark
        )
        assert "войдите через Госуслуги" in (menu.text or "")


async def test_strict_mode_names_nobody(migrated: Backend) -> None:
    async with linked_bot(migrated, privacy="strict") as app:
        menu = await app.say(ALICE, "/menu")
        assert "Вы вошли через Госуслуги" in (menu.text or "")
        assert "Иван" not in (menu.text or "")
        greetings = [text for text in app.tg.sent_texts(ALICE) if "Вы вошли" in text]
        assert greetings
        assert not any("Иван" in text for text in greetings)
