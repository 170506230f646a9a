"""Paying a policy's installments, end to end through the fake Bot API and the sandbox, in both
privacy modes: the card's «К оплате» line, «💳 Оплатить» → the payment screen and its link,
paying on the sandbox's payment page → «Оплата получена»; the reminder and the overdue notice
with their «Оплатить»; a forged policy id in that button; an expired link → a new one.

The sandbox's КАСКО is paid in two installments: the first paid, the second due within two
weeks."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from cabinet.models import Product
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import button_starting, linked_bot, open_section, press_forged, sandbox_of
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_events import customer_of
from tests.test_linking import ALICE

pytestmark = pytest.mark.backends("embedded")

AMOUNT = r"\d{1,3}([\s\u00a0\u202f]\d{3})*,\d{2} ₽"
DAY = r"\d\d\.\d\d\.\d{4}"


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    # Workers deliver the alerts; whatever the time of day, no quiet hours hold them.
    async with linked_bot(migrated, privacy=privacy, workers=True) as running:
        await set_prefs(running, **NO_QUIET)
        yield running


async def card(app: RunningBot, product: str) -> Call:
    listing = await open_section(app, "📄 Полисы")
    return await app.press(ALICE, listing, button_starting(app, listing, product))


async def kasko_id(app: RunningBot) -> str:
    policies = await app.resources.cabinet.policies(await customer_of(app))
    return next(p.id for p in policies.value.items if p.product is Product.KASKO)


def payment_url(app: RunningBot, screen: Call) -> str:
    url = str(app.tg.button(screen, "💳 Оплатить")["url"])
    assert "/pay/ipm_" in url, url
    return url


async def alert_containing(app: RunningBot, words: str, mark: int) -> Call:
    return await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and words in (c.text or ""),
        after=mark,
        timeout=20,
    )


async def test_the_card_says_what_is_due(app: RunningBot, privacy: str) -> None:
    kasko = (await card(app, "КАСКО")).text or ""
    if privacy == "full":
        assert re.search(f"К оплате: {AMOUNT} до {DAY} включительно \\(взнос № 2\\)", kasko)
    else:  # no amounts in the chat
        assert re.search(f"К оплате: взнос № 2 до {DAY} включительно", kasko), kasko
        assert "₽" not in kasko
    osago = await card(app, "ОСАГО")
    assert "К оплате" not in (osago.text or "")
    assert not [b for b in app.tg.buttons(osago) if b["text"] == "💳 Оплатить"]


async def test_paying_an_installment(app: RunningBot, privacy: str) -> None:
    screen = await app.press(ALICE, await card(app, "КАСКО"), "💳 Оплатить")
    text = screen.text or ""
    assert "Оплата по полису №" in text
    assert "График платежей" in text
    assert re.search(f"✅ № 1 — .*оплачен {DAY}", text), text
    assert re.search(f"⏳ № 2 — .*до {DAY}", text), text
    assert re.search(f"ссылка действует до {DAY}, \\d\\d:\\d\\d", text), text
    if privacy == "full":
        assert re.search(f"Оплачено: {AMOUNT} из {AMOUNT} \\(взносов: 1 из 2\\)", text), text
        assert re.search(f"Сейчас к оплате: взнос № 2 — <b>{AMOUNT} до {DAY}</b>", text), text
    else:
        assert "Оплачено взносов: 1 из 2" in text
        assert "₽" not in text
    url = payment_url(app, screen)

    mark = app.tg.mark()
    async with httpx.AsyncClient(timeout=10) as browser:
        page = await browser.get(url)
        assert page.status_code == 200
        assert "Взнос № 2" in page.text
        paid = await browser.post(url, follow_redirects=True)
        assert "Оплачено — вернитесь в Telegram" in paid.text

    received = await alert_containing(app, "Оплата получена", mark)
    said = received.text or ""
    assert "взнос № 2 по полису №" in said
    assert "Полис оплачен полностью" in said
    assert "Продлеваем" not in said
    assert bool(re.search(AMOUNT, said)) == (privacy == "full")
    kasko = await card(app, "КАСКО")
    assert "К оплате" not in (kasko.text or "")
    assert not [b for b in app.tg.buttons(kasko) if b["text"] == "💳 Оплатить"]


async def test_the_reminder_and_the_overdue_notice_open_the_payment(
    app: RunningBot, privacy: str
) -> None:
    policy_id = await kasko_id(app)
    due = f"/policies/{policy_id}/payment-due"
    mark = app.tg.mark()
    await sandbox_of(app).operator("POST", due, json={"days_left": 3})
    reminder = await alert_containing(app, "Напоминаем об оплате", mark)
    assert "Взнос № 2" in (reminder.text or "")
    assert bool(re.search(AMOUNT, reminder.text or "")) == (privacy == "full")
    screen = await app.press(ALICE, reminder, "Оплатить")
    assert "Оплата по полису №" in (screen.text or "")
    assert payment_url(app, screen)

    mark = app.tg.mark()
    await sandbox_of(app).operator("POST", due, json={"overdue_days": 2})
    overdue = await alert_containing(app, "просрочен", mark)
    assert "как можно скорее" in (overdue.text or "")
    screen = await app.press(ALICE, overdue, "Оплатить")
    assert re.search(f"❗ № 2 — .*просрочен \\(срок был до {DAY}\\)", screen.text or "")
    kasko = (await card(app, "КАСКО")).text or ""
    assert re.search(f"Платёж просрочен: .*нужно было оплатить до {DAY}", kasko), kasko


async def test_a_forged_policy_id_in_the_pay_button_is_refused(migrated: Backend) -> None:
    async with linked_bot(migrated, workers=True) as app:
        await set_prefs(app, **NO_QUIET)
        mark = app.tg.mark()
        await sandbox_of(app).operator(
            "POST", f"/policies/{await kasko_id(app)}/payment-due", json={"days_left": 1}
        )
        reminder = await alert_containing(app, "Напоминаем об оплате", mark)
        await press_forged(app, reminder, "Оплатить", "pol_someone_else")


async def test_an_expired_link_gives_way_to_a_new_one(app: RunningBot) -> None:
    screen = await app.press(ALICE, await card(app, "КАСКО"), "💳 Оплатить")
    old = payment_url(app, screen)
    await sandbox_of(app).operator("POST", f"/payments/{old.rpartition('/')[2]}/expire")
    async with httpx.AsyncClient(timeout=10) as browser:
        expired = await browser.get(old)
        assert expired.status_code == 410
        assert "нажмите «Новая ссылка»" in expired.text
        renewed = await app.press(ALICE, screen, "Новая ссылка")
        new = payment_url(app, renewed)
        assert new != old
        assert renewed.method == "editMessageText", "the same screen, its link replaced"
        assert (await browser.get(new)).status_code == 200


async def test_in_english(app: RunningBot, privacy: str) -> None:
    settings = await app.press(ALICE, await app.say(ALICE, "/menu"), "Настройки")
    await app.press(ALICE, settings, "English")
    listing = await open_section(app, "📄 Policies")
    # The cabinet's titles are its own (Russian); strict shows the product, translated.
    product = "КАСКО" if privacy == "full" else "KASKO"
    kasko = await app.press(ALICE, listing, button_starting(app, listing, product))
    text = kasko.text or ""
    if privacy == "full":
        assert re.search(r"To pay: [\d,]+\.\d\d RUB by \w{3} \d{1,2}, \d{4} inclusive", text), text
    else:
        assert re.search(r"To pay: installment No\. 2 by \w{3} \d{1,2}, \d{4}", text), text
        assert "RUB" not in text
    screen = await app.press(ALICE, kasko, "💳 Pay")
    assert "Payment schedule" in (screen.text or "")
    assert "✅ No. 1" in (screen.text or "")
    assert app.tg.button(screen, "🔄 New payment link")
