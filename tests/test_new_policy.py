"""Buying a new policy, end to end through the fake Bot API and the sandbox: «🛒 Оформить полис»
in «📄 Полисы» → a product → its questions (a wrong amount or date refused with a clear message
and asked again, nothing answered lost) → the start date → the quote → «Оформить и оплатить» →
the payment page → the `policy.issued` alert with the PDF → the policy in the list. An expired
quote is priced again; strict mode asks a product's personal questions on a one-time page
(offered by the product's screen here, filled in a browser in tests/test_new_policy_strict.py).

The sandbox sells «Страхование путешественников» (no personal data: region, medical cover,
sport), «Страхование квартиры» (asks the address and, optionally, the cadastral number) and
«Страхование от несчастного случая» (asks the date of birth)."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import linked_bot, open_section, sandbox_of
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_linking import ALICE

pytestmark = pytest.mark.backends("embedded")

AMOUNT = r"\d{1,3}([\s\u00a0\u202f]\d{3})*,\d{2} ₽"


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    # Workers deliver the alerts; whatever the time of day, no quiet hours hold them.
    async with linked_bot(migrated, privacy=privacy, workers=True) as running:
        await set_prefs(running, **NO_QUIET)
        yield running


def in_days(days: int) -> str:
    """A day as typed, counted from today in Moscow (the chat's and the insurer's day)."""
    today = dt.datetime.now(ZoneInfo("Europe/Moscow")).date()
    return (today + dt.timedelta(days=days)).strftime("%d.%m.%Y")


async def travel_quote(app: RunningBot, *, policies: str = "📄 Полисы") -> Call:
    """From the policies list to the quote of a travel policy (Europe, 3 000 000, no sport)."""
    listing = await open_section(app, policies)
    products = await app.press(ALICE, listing, "🛒")
    about = await app.press(ALICE, products, "Страхование путешественников")
    question = await app.press(ALICE, about, "▶️")
    question = await app.press(ALICE, question, "Европа и Шенген")
    question = await app.say(ALICE, "3 000 000")
    await app.press(ALICE, question, "Нет")
    return await app.say(ALICE, in_days(3))


async def test_buying_a_travel_policy_up_to_the_policy_in_the_list(
    app: RunningBot, privacy: str
) -> None:
    listing = await open_section(app, "📄 Полисы")
    products = await app.press(ALICE, listing, "🛒 Оформить полис")
    text = products.text or ""
    assert "Оформить полис" in text
    assert [b["text"] for b in app.tg.buttons(products)][:3] == [
        "Страхование квартиры",
        "Страхование от несчастного случая",
        "Страхование путешественников",
    ]
    about = await app.press(ALICE, products, "Страхование путешественников")
    assert "Годовой полис" in (about.text or "")
    assert app.tg.button(about, "📄 Правила страхования")["url"].endswith("/terms/travel")
    first = await app.press(ALICE, about, "▶️ Рассчитать стоимость")
    assert "Шаг 1 из 4. Куда вы ездите" in (first.text or "")
    second = await app.press(ALICE, first, "Европа и Шенген")
    assert "Шаг 2 из 4. Сумма на лечение" in (second.text or "")

    # A wrong amount: refused with the reason, the same question asked again below.
    refused = await app.say(ALICE, "сто рублей")
    assert "Не получилось прочитать сумму" in (refused.text or "")
    too_small = await app.say(ALICE, "1000")
    assert "Сумма должна быть от 2" in (too_small.text or "")
    await app.settle()
    third = await app.say(ALICE, "3 000 000")
    assert "Шаг 3 из 4. Активный отдых" in (third.text or "")
    start = await app.press(ALICE, third, "Нет")
    assert "Шаг 4 из 4. С какого дня" in (start.text or "")

    # A start date the product does not allow: refused, asked again.
    past = await app.say(ALICE, in_days(-1))
    assert "Полис может начать действовать с" in (past.text or "")
    await app.settle()
    quote = await app.say(ALICE, in_days(3))
    text = quote.text or ""
    assert "Расчёт: Страхование путешественников" in text
    assert re.search(f"Цена: {AMOUNT} за 12 мес.", text), text
    assert "Медицинские расходы за рубежом — до 3 000 000,00 ₽" in text.replace("\u00a0", " ")
    assert "Расчёт действует до" in text

    pay = await app.press(ALICE, quote, "✅ Оформить и оплатить")
    assert "Полис почти готов" in (pay.text or "")
    url = str(app.tg.button(pay, "💳 Оплатить")["url"])
    assert "/pay/npo_" in url

    mark = app.tg.mark()
    async with httpx.AsyncClient(timeout=10) as browser:
        page = await browser.get(url)
        assert page.status_code == 200
        assert "Оплата нового полиса" in page.text
    await sandbox_of(app).operator("POST", f"/payments/{url.rpartition('/')[2]}/pay")

    alert = await app.tg.wait_for(
        ("sendDocument", "sendMessage"),
        lambda c: c.params.get("chat_id") == ALICE and "Полис оформлен" in (c.text or ""),
        after=mark,
        timeout=20,
    )
    number = re.search(r"№ (\S+|…\S+), действует", alert.text or "")
    assert number, alert.text
    if privacy == "full":
        assert alert.method == "sendDocument"
        assert alert.params["document"].content.startswith(b"%PDF")
    else:  # the number masked, the PDF behind a one-time link
        assert alert.method == "sendMessage"
        assert number[1].startswith("…")
        assert [b for b in app.tg.buttons(alert) if "/d/" in b.get("url", "")]

    listing = await open_section(app, "📄 Полисы")
    wanted = "Страхование путешественников" if privacy == "full" else "Страхование путешествий"
    assert [b for b in app.tg.buttons(listing) if b["text"].startswith(wanted)], listing.text


async def test_an_expired_quote_is_priced_again(app: RunningBot) -> None:
    quote = await travel_quote(app)
    quote_id = await _only_quote_id(app)
    await sandbox_of(app).operator("POST", f"/policy-quotes/{quote_id}/expire")
    mark = app.tg.mark()
    app.tg.press(ALICE, quote, "✅ Оформить и оплатить")
    told = await app.tg.wait_for(
        "answerCallbackQuery", lambda c: "Расчёт устарел" in str(c.params.get("text")), after=mark
    )
    assert told.params.get("show_alert")
    renewed = await app.tg.wait_for(
        ("sendMessage", "editMessageText"),
        lambda c: "Прежний расчёт устарел" in (c.text or ""),
        after=mark,
    )
    assert "Расчёт: Страхование путешественников" in (renewed.text or "")
    assert await _only_quote_id(app) != quote_id
    pay = await app.press(ALICE, renewed, "✅ Оформить и оплатить")
    assert "/pay/npo_" in str(app.tg.button(pay, "💳 Оплатить")["url"])


async def _only_quote_id(app: RunningBot) -> str:
    """The newest quote the sandbox made (its operator console lists them)."""
    async with httpx.AsyncClient(timeout=10) as browser:
        console = await browser.get(f"{sandbox_of(app).base_url}/operator")
    found = re.findall(r"pqu_[A-Za-z0-9]+", console.text)
    assert found, "no quote on the operator console"
    return str(found[-1])


async def test_answers_are_kept_when_going_back(app: RunningBot) -> None:
    listing = await open_section(app, "📄 Полисы")
    products = await app.press(ALICE, listing, "🛒")
    about = await app.press(ALICE, products, "Страхование от несчастного случая")
    birth = await app.press(ALICE, about, "▶️")
    assert "Дата рождения" in (birth.text or "")
    refused = await app.say(ALICE, "31.02.1990")
    assert "Не получилось прочитать дату" in (refused.text or "")
    await app.settle()
    too_young = await app.say(ALICE, in_days(-365))
    assert "Дата должна быть не раньше" in (too_young.text or "")
    await app.settle()
    occupation = await app.say(ALICE, "14.05.1985")
    assert "Род занятий" in (occupation.text or "")
    back = await app.press(ALICE, occupation, "⬅️ Назад")
    assert "Сейчас: 14.05.1985" in (back.text or "")


async def test_strict_mode_asks_personal_questions_on_a_one_time_page(migrated: Backend) -> None:
    """The page itself is tested in a browser (tests/test_new_policy_strict.py)."""
    async with linked_bot(migrated, privacy="strict") as app:
        listing = await open_section(app, "📄 Полисы")
        products = await app.press(ALICE, listing, "🛒")
        about = await app.press(ALICE, products, "Страхование квартиры")
        text = about.text or ""
        assert "не принимаем через мессенджер" in text
        assert "защищённой анкете" in text
        assert "действует 30 минут" in text
        assert not [b for b in app.tg.buttons(about) if b["text"].startswith("▶️")]
        form = str(app.tg.button(about, "📝 Заполнить анкету")["url"])
        assert form.startswith(f"{app.settings.web.public_url}/q/")
        # The insurer's website stays a second way.
        website = str(app.tg.button(about, "🌐 Оформить на сайте")["url"])
        assert website.endswith("/buy/apartment")
        async with httpx.AsyncClient(timeout=10) as browser:
            assert (await browser.get(website)).status_code == 200
        # A product without personal questions is bought in the chat as in full mode.
        back = await app.press(ALICE, about, "⬅️ Назад")
        travel = await app.press(ALICE, back, "Страхование путешественников")
        assert app.tg.button(travel, "▶️ Рассчитать стоимость")
        assert not [b for b in app.tg.buttons(travel) if b["text"].startswith("📝")]


async def test_full_mode_asks_personal_questions_in_the_chat(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        listing = await open_section(app, "📄 Полисы")
        products = await app.press(ALICE, listing, "🛒")
        about = await app.press(ALICE, products, "Страхование квартиры")
        assert not [b for b in app.tg.buttons(about) if b["text"].startswith(("📝", "🌐"))]
        first = await app.press(ALICE, about, "▶️ Рассчитать стоимость")
        assert "Шаг 1 из 5. Страховая сумма отделки" in (first.text or "")


async def test_in_english(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        settings = await app.press(ALICE, await app.say(ALICE, "/menu"), "Настройки")
        await app.press(ALICE, settings, "English")
        listing = await open_section(app, "📄 Policies")
        products = await app.press(ALICE, listing, "🛒 Buy a policy")
        about = await app.press(ALICE, products, "Travel insurance")
        assert "An annual policy" in (about.text or "")
        first = await app.press(ALICE, about, "▶️ Work out the price")
        assert "Step 1 of 4. Where you travel" in (first.text or "")
        await app.press(ALICE, first, "Europe and Schengen")
        refused = await app.say(ALICE, "lots")
        assert "read the amount" in (refused.text or ""), refused.text
        await app.settle()
        third = await app.say(ALICE, "3000000")
        start = await app.press(ALICE, third, "No")
        assert "From which day" in (start.text or "")
        quote = await app.say(ALICE, in_days(2))
        text = quote.text or ""
        assert "Quote: Travel insurance" in text
        assert re.search(r"Price: [\d,]+\.\d\d RUB for 12 months", text), text
        pay = await app.press(ALICE, quote, "✅ Buy and pay")
        assert "almost ready" in (pay.text or "")


async def test_asking_in_words_opens_the_products(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        await app.say(ALICE, "/menu")
        offer = await app.say(ALICE, "хочу купить страховку для путешествия")
        products = await app.press(ALICE, offer, "🛒 Оформить полис")
        assert "Выберите страховку" in (products.text or "")
        assert app.tg.button(products, "Страхование путешественников")


async def test_a_new_date_after_an_outage_gets_its_own_quote(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        listing = await open_section(app, "📄 Полисы")
        products = await app.press(ALICE, listing, "🛒")
        about = await app.press(ALICE, products, "Страхование путешественников")
        question = await app.press(ALICE, about, "▶️")
        question = await app.press(ALICE, question, "Весь мир")
        question = await app.say(ALICE, "2 000 000")
        await app.press(ALICE, question, "Да")
        # The cabinet prices the first date, but every answer to it is lost on the way back.
        await sandbox_of(app).switches(lose_next=3)
        failed = await app.say(ALICE, in_days(3))
        assert "временно недоступен" in (failed.text or "")
        await app.settle()
        # Another date, the same step: a new request, priced as such (not refused as a
        # reuse of the lost request's key).
        quote = await app.say(ALICE, in_days(4))
        assert "Расчёт: Страхование путешественников" in (quote.text or ""), quote.text
        assert in_days(4) in (quote.text or "")
