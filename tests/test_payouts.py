"""Выплаты, as a linked user sees them in both privacy modes: a period's payouts with their
total, paging, the XLSX and PDF exports of the shown period, strict mode's "Подробнее", and
the cabinet being down."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import time
from collections.abc import AsyncIterator
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from bot.flows import payouts, payouts_statement
from cabinet import Reading
from cabinet.models import Payout, PayoutDetail, PayoutStatus, PayoutType
from storage.models import Link
from tests.conftest import Backend
from tests.fake_telegram import Call, JSONDict, render_text
from tests.flows import STALE, linked_bot, open_section, press_forged, receive, sandbox_of
from tests.harness import RunningBot
from tests.test_certificates import press_day
from tests.test_linking import ALICE
from tests.test_sandbox_cabinet import pdf_text

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

RUSSIAN_AMOUNT = r"\d{1,3}(?:[\s\u00a0\u202f]\d{3})*,\d{2} ₽"


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy) as running:
        yield running


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Moscow")).date()


def last_year() -> tuple[dt.date, dt.date]:
    year = today().year - 1
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def twelve_months() -> tuple[dt.date, dt.date]:
    period = payouts_statement.PRESETS["last_12_months"](today())
    return period.date_from, period.date_to


async def customer_of(app: RunningBot) -> str:
    async with app.resources.session_factory() as session:
        customer_id = await session.scalar(select(Link.customer_id).where(Link.user_id == ALICE))
    assert customer_id is not None
    return customer_id


async def cabinet_payouts(app: RunningBot, date_from: dt.date, date_to: dt.date) -> list[Payout]:
    """What the cabinet holds for ALICE's customer in the period (the sandbox has one sent
    payout last year and one this year, or both last year on 1 January)."""
    reading = await app.resources.cabinet.payouts(
        await customer_of(app), date_from=date_from, date_to=date_to, page_size=100
    )
    return reading.value.items


STATUS_RU = {
    PayoutStatus.SENT: "отправлена",
    PayoutStatus.SCHEDULED: "запланирована",
    PayoutStatus.FAILED: "не прошла",
    PayoutStatus.RETURNED: "возвращена",
}


def claim_of(payout: Payout) -> str:
    """The claim a payout is made under (Иванов's payouts all are: no premium refund)."""
    assert payout.claim_number is not None, payout
    return payout.claim_number


def sent_total(payouts: list[Payout]) -> Decimal:
    """What reached the customer: the total the list and the statements show unfiltered."""
    return sum((p.amount.amount for p in payouts if p.status is PayoutStatus.SENT), Decimal(0))


def russian(amount: Decimal) -> str:
    """45000.50 → "45 000,50" with whatever space the catalogue groups digits by."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",")


def shows_amount(text: str, amount: Decimal) -> bool:
    return re.sub(r"[\s\u00a0\u202f]", " ", text).find(russian(amount) + " ₽") >= 0


async def pay_open_claims(app: RunningBot) -> None:
    """The insurer pays the customer's three open claims today: three more payouts."""
    customer_id = await customer_of(app)
    claims = (await app.resources.cabinet.claims(customer_id, page_size=100)).value.items
    steps = {
        "awaiting_documents": ("in_review", "approved", "paid"),
        "in_review": ("approved", "paid"),
        "approved": ("paid",),
    }
    for claim in claims:
        for status in steps.get(claim.status.value, ()):
            await sandbox_of(app).operator(
                "POST", f"/claims/{claim.id}/advance", json={"status": status}
            )


def seen(screen: Call) -> str:
    """The screen's text as the user sees it (markup removed)."""
    return render_text(screen.text or "", "HTML")


def claims_in(screen: Call) -> list[str]:
    return re.findall(r"обращение № (\S+)", seen(screen))


async def last_years_payouts(app: RunningBot) -> Call:
    listing = await open_section(app, "💰 Выплаты")
    return await app.press(ALICE, listing, "Прошлый год")


async def test_this_year_first_then_another_period(app: RunningBot, privacy: str) -> None:
    listing = await open_section(app, "💰 Выплаты")
    first = f"01.01.{today().year} — {today():%d.%m.%Y}"
    assert f"Выплаты · {first}" in seen(listing)
    assert app.tg.button(listing, "✅ Этот год")

    shown = await app.press(ALICE, listing, "Прошлый год")
    text = seen(shown)
    start, end = last_year()
    assert f"Выплаты · {start:%d.%m.%Y} — {end:%d.%m.%Y}" in text
    assert app.tg.button(shown, "✅ Прошлый год")
    expected = await cabinet_payouts(app, start, end)
    assert expected, "the sandbox pays one claim last year"
    for payout in expected:
        assert f"{payout.paid_on:%d.%m.%Y} · " in text
        assert "отправлена" in text
    if privacy == "full":
        for payout in expected:
            assert f"обращение № {payout.claim_number}" in text
            assert shows_amount(text, payout.amount.amount), text
            assert f"Получатель {payout.recipient}" in text
        total = sum((p.amount.amount for p in expected), Decimal(0))
        assert f"Выплат: {len(expected)} · всего отправлено:" in text
        assert shows_amount(text.rpartition("всего отправлено:")[2], total), text
    else:  # no amounts, no recipient, the claim number masked to its last 4 characters
        assert "₽" not in text
        assert "••••" not in text
        for payout in expected:
            assert f"обращение № …{claim_of(payout)[-4:]}" in text
            assert claim_of(payout) not in text
        assert f"Выплат: {len(expected)}." in text

    back = await app.press(ALICE, shown, "Назад")
    assert "Главное меню" in seen(back)


async def test_the_xlsx_holds_what_the_chat_showed(app: RunningBot, privacy: str) -> None:
    await pay_open_claims(app)
    shown = await open_section(app, "💰 Выплаты")
    start, end = dt.date(today().year, 1, 1), today()
    expected = await cabinet_payouts(app, start, end)
    xlsx = await receive(app, shown, "Excel")
    assert xlsx.filename == f"payouts-{start.isoformat()}-{end.isoformat()}.xlsx"
    assert (xlsx.link is None) == (privacy == "full")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == f"Выплаты · {start:%d.%m.%Y} — {end:%d.%m.%Y}"
    assert len(expected) >= 3
    assert rows[1] == (
        "Дата",
        "Сумма, ₽",
        "Статус",
        "Получатель",
        "Обращение",
        "Полис (возврат премии)",
    )
    body, totals = rows[2:-1], rows[-1]
    assert [(r[0].date(), r[2], r[3], r[4]) for r in body] == [
        (p.paid_on, STATUS_RU[p.status], p.recipient, p.claim_number) for p in expected
    ]
    amounts = [r[1] for r in body]
    assert all(isinstance(a, int | float) for a in amounts), amounts  # numbers, not text
    assert [Decimal(str(a)) for a in amounts] == [p.amount.amount for p in expected]
    assert totals[0] == "Всего отправлено"
    assert Decimal(str(totals[1])) == sent_total(expected)
    # The sheet's rows are the chat's: the same claims, and in `full` the same amounts.
    claims = [r[4] for r in body]
    if privacy == "full":
        assert claims_in(shown) == claims
        for amount in amounts:
            assert shows_amount(seen(shown), Decimal(str(amount)))
        assert shows_amount(seen(shown).rpartition("отправлено:")[2], Decimal(str(totals[1])))
    else:
        assert claims_in(shown) == [f"…{claim[-4:]}" for claim in claims]


async def test_the_pdf_statement(app: RunningBot, privacy: str) -> None:
    shown = await last_years_payouts(app)
    start, end = last_year()
    expected = await cabinet_payouts(app, start, end)
    pdf = await receive(app, shown, "PDF")
    assert pdf.content.startswith(b"%PDF")
    assert pdf.filename == f"payouts-{start.isoformat()}-{end.isoformat()}.pdf"
    assert (pdf.link is None) == (privacy == "full")
    text = pdf_text(pdf.content)
    assert "Выплаты" in text
    assert "Всего отправлено" in text
    assert re.search(RUSSIAN_AMOUNT, text), text
    for payout in expected:
        assert claim_of(payout) in text


async def test_strict_details_open_by_a_one_time_link(migrated: Backend) -> None:
    async with linked_bot(migrated, privacy="strict") as app:
        shown = await last_years_payouts(app)
        assert "₽" not in seen(shown)
        page = await receive(app, shown, "Подробнее")
        assert page.content_type.startswith("text/html")
        body = page.content.decode()
        start, end = last_year()
        for payout in await cabinet_payouts(app, start, end):
            assert claim_of(payout) in body
            assert payout.recipient in body
        assert re.search(RUSSIAN_AMOUNT, body)
        assert "всего отправлено" in body


async def test_a_long_period_pages_through_every_cabinet_page(
    migrated: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payouts, "PAGE_SIZE", 2)  # two payouts a screen
    monkeypatch.setattr(payouts_statement, "CABINET_PAGE_SIZE", 1)  # a request per payout
    async with linked_bot(migrated) as app:
        await pay_open_claims(app)
        expected = await cabinet_payouts(app, dt.date(today().year, 1, 1), today())
        assert len(expected) in {4, 5}  # three paid today, the paid claim's two
        pages = (len(expected) + 1) // 2
        first = await open_section(app, "💰 Выплаты")
        assert app.tg.button(first, f"1/{pages}")
        screens = [first]
        for page in range(2, pages + 1):
            screens.append(await app.press(ALICE, screens[-1], "▶️"))
            assert app.tg.button(screens[-1], f"{page}/{pages}")
        shown = [claim for screen in screens for claim in claims_in(screen)]
        assert shown == [p.claim_number for p in expected]
        for screen in screens:
            assert f"Выплат: {len(expected)} ·" in seen(screen)
        back = await app.press(ALICE, screens[1], "◀️")
        assert claims_in(back) == claims_in(first)


async def test_a_forged_period_button_shows_the_default_period(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        listing = await open_section(app, "💰 Выплаты")
        last = await app.press(ALICE, listing, "Прошлый год")
        intent, _, _preset = app.tg.button(last, "Этот год")["callback_data"].rpartition(":")
        mark = app.tg.mark()
        app.tg.callback(ALICE, last.message or {}, f"{intent}:all_time")
        screen = await app.tg.wait_for(
            ("sendMessage", "editMessageText"), lambda c: c.chat_id == ALICE, after=mark
        )
        assert app.tg.button(screen, "✅ Этот год")
        assert f"01.01.{today().year} — " in seen(screen)


@pytest.mark.parametrize(
    ("today", "preset", "period"),
    [
        ("2026-11-22", "this_year", ("2026-01-01", "2026-11-22")),
        ("2026-11-22", "last_year", ("2025-01-01", "2025-12-31")),
        ("2026-11-22", "last_12_months", ("2025-11-23", "2026-11-22")),
        ("2024-02-29", "last_12_months", ("2023-03-01", "2024-02-29")),
    ],
)
def test_the_presets(today: str, preset: str, period: tuple[str, str]) -> None:
    made = payouts_statement.PRESETS[preset](dt.date.fromisoformat(today))
    assert (made.date_from.isoformat(), made.date_to.isoformat()) == period


async def test_a_payout_without_a_sent_status_is_not_in_the_total() -> None:
    """The total is what reached the customer: a failed or returned payout did not."""
    period = payouts_statement.Period(dt.date(2026, 1, 1), dt.date(2026, 1, 31))

    def payout(amount: str, status: PayoutStatus) -> Payout:
        return Payout.model_validate(
            {
                "id": f"pay_{status.value}",
                "paid_on": "2026-01-10",
                "amount": {"amount": amount, "currency": "RUB"},
                "status": status.value,
                "type": "indemnity",
                "recipient": "•••• 1234",
                "claim_id": "clm_1",
                "claim_number": "У-2026-001234",
            }
        )

    reading = Reading(
        [payout("100.00", PayoutStatus.SENT), payout("50.00", PayoutStatus.FAILED)],
        dt.datetime.now(dt.UTC),
    )
    assert payouts_statement.Statement(period, reading).total == Decimal("100.00")


async def test_the_cabinet_down_is_said_within_seconds(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        await sandbox_of(app).switches(down=True)
        started = time.monotonic()
        listing = await open_section(app, "💰 Выплаты")
        assert time.monotonic() - started < 5
        assert "временно недоступен" in seen(listing)
        assert app.tg.button(listing, "Назад")
        assert "Excel" not in str(app.tg.buttons(listing))


async def test_the_cabinet_down_shows_the_last_known_payouts_with_their_time(
    migrated: Backend,
) -> None:
    async with linked_bot(migrated) as app:
        opened = await open_section(app, "💰 Выплаты")  # this year's, then last year's: cached
        live = await app.press(ALICE, opened, "Прошлый год")
        app.resources.cabinet.cache.fresh_for = 0  # as if the fresh period had passed
        await sandbox_of(app).switches(down=True)
        this_year = await app.press(ALICE, live, "Этот год")
        assert "данные на" in seen(this_year)
        stale = await app.press(ALICE, this_year, "Прошлый год")
        text = seen(stale)
        assert re.search("^⚠️ " + STALE, text), text
        assert text.endswith(seen(live))
        never = await app.press(ALICE, stale, "12 месяцев")  # never fetched: nothing to show
        assert "выплаты сейчас не загрузить" in seen(never)


# ----------------------------------------------------------------------------- in depth


async def press_data(app: RunningBot, screen: Call, data: str) -> Call:
    """Press a button of `screen` by its callback data: the screen the bot shows then."""
    await app.settle()
    mark = app.tg.mark()
    app.tg.callback(ALICE, screen.message or {}, data)
    return await app.tg.wait_for(
        ("sendMessage", "editMessageText"),
        lambda call: call.ok and call.params.get("chat_id") == ALICE,
        after=mark,
    )


def payout_button(app: RunningBot, screen: Call, payout_id: str) -> JSONDict:
    buttons = app.tg.buttons(screen)
    found = [b for b in buttons if str(b.get("callback_data", "")).endswith(f":{payout_id}")]
    assert found, f"no button of {payout_id}: {[b['text'] for b in buttons]}"
    return found[0]


async def open_payout(app: RunningBot, screen: Call, payout_id: str) -> Call:
    return await press_data(app, screen, payout_button(app, screen, payout_id)["callback_data"])


async def detail(app: RunningBot, payout_id: str) -> PayoutDetail:
    reading = await app.resources.cabinet.payout(await customer_of(app), payout_id)
    return reading.value


def failed_one(payouts: list[Payout]) -> Payout:
    return next(p for p in payouts if p.status is PayoutStatus.FAILED)


async def test_a_payout_opens_its_card_and_comes_back_to_the_same_page(
    migrated: Backend, privacy: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(payouts, "PAGE_SIZE", 2)  # the list is built with it
    async with linked_bot(migrated, privacy=privacy) as app:
        await on_the_second_page(app, privacy)


async def on_the_second_page(app: RunningBot, privacy: str) -> None:
    await pay_open_claims(app)
    expected = await cabinet_payouts(app, dt.date(today().year, 1, 1), today())
    first = await open_section(app, "💰 Выплаты")
    second = await app.press(ALICE, first, "▶️")
    assert "2/" in str(app.tg.buttons(second))
    # Only the page's own payouts are buttons.
    with pytest.raises(AssertionError):
        payout_button(app, second, expected[0].id)
    chosen = expected[2]
    card = await open_payout(app, second, chosen.id)
    text = seen(card)
    full = await detail(app, chosen.id)
    assert f"Выплата от {chosen.paid_on:%d.%m.%Y}" in text
    assert "Статус: отправлена · страховое возмещение" in text
    if privacy == "full":
        assert f"Обращение № {chosen.claim_number}" in text
        assert shows_amount(text, chosen.amount.amount), text
        assert f"Получатель: {full.recipient_name}" in text
        assert f"Банк: ПАО Сбербанк, счёт {full.account}" in text
        assert f"Назначение платежа: Страховое возмещение по убытку {chosen.claim_number}" in text
        assert "Подробнее" not in str(app.tg.buttons(card))
    else:  # date, status, type and the masked claim number; the rest on a one-time page
        assert f"Обращение № …{claim_of(chosen)[-4:]}" in text
        for secret in ("₽", "••••", "Сбербанк", full.recipient_name, claim_of(chosen)):
            assert secret not in text
        page = await receive(app, card, "Подробнее")
        body = page.content.decode()
        assert page.content_type.startswith("text/html")
        assert claim_of(chosen) in body
        assert "ПАО Сбербанк" in body
        assert html.escape(full.account) in body or full.account in body
        assert re.search(RUSSIAN_AMOUNT, body)

    back = await app.press(ALICE, card, "Назад")
    assert claims_in(back) == claims_in(second)  # the same page of the same list
    assert app.tg.button(back, "2/")


async def test_the_payout_card_opens_its_claim_and_comes_back(app: RunningBot) -> None:
    start, end = last_year()
    (chosen,) = await cabinet_payouts(app, start, end)
    listing = await last_years_payouts(app)
    card = await open_payout(app, listing, chosen.id)
    claim = await app.press(ALICE, card, "Открыть обращение")
    assert claim.params["chat_id"] == ALICE
    number = claim_of(chosen) if "Получатель" in seen(card) else f"…{claim_of(chosen)[-4:]}"
    assert number in seen(claim)
    assert "Обращение" in seen(claim)
    again = await app.press(ALICE, claim, "Назад")
    assert f"Выплата от {chosen.paid_on:%d.%m.%Y}" in seen(again)
    listing = await app.press(ALICE, again, "Назад")
    assert app.tg.button(listing, "✅ Прошлый год")


async def test_failed_only_the_list_the_total_and_the_xlsx_follow(
    app: RunningBot, privacy: str
) -> None:
    # The paid claim's failed payout is within 150 days: in the last 12 months, always.
    start, end = twelve_months()
    every = await cabinet_payouts(app, start, end)
    failed = failed_one(every)
    assert len(every) > 1
    listing = await app.press(ALICE, await open_section(app, "💰 Выплаты"), "12 месяцев")
    choosing = await app.press(ALICE, listing, "Фильтр")
    assert "Фильтр выплат" in seen(choosing)
    assert app.tg.button(choosing, "✅ Все статусы")
    chosen = await app.press(ALICE, choosing, "не прошла")
    assert app.tg.button(chosen, "✅ не прошла")
    shown = await app.press(ALICE, chosen, "Показать")
    text = seen(shown)
    assert "Фильтр: не прошла" in text
    assert "отправлена" not in text
    assert f"{failed.paid_on:%d.%m.%Y} · " in text
    if privacy == "full":
        assert claims_in(shown) == [failed.claim_number]
        assert "Выплат: 1 · всего не прошло:" in text
        assert shows_amount(text.rpartition("не прошло:")[2], failed.amount.amount), text
    else:
        assert "₽" not in text
        assert "Выплат: 1." in text
    payout_button(app, shown, failed.id)

    xlsx = await receive(app, shown, "Excel")
    assert xlsx.filename == f"payouts-{start.isoformat()}-{end.isoformat()}-failed.xlsx"
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"Выплаты · {start:%d.%m.%Y} — {end:%d.%m.%Y} · не прошла"
    body, totals = rows[2:-1], rows[-1]
    assert [(r[2], r[4]) for r in body] == [("не прошла", failed.claim_number)]
    assert totals[0] == "Всего не прошло"
    assert Decimal(str(totals[1])) == failed.amount.amount

    # Its card says why it did not arrive (strict: on the one-time page).
    card = await open_payout(app, shown, failed.id)
    assert "Статус: не прошла · возмещение расходов" in seen(card)
    if privacy == "full":
        assert "Почему не дошла: Счёт получателя закрыт" in seen(card)
    else:
        assert "Счёт получателя" not in seen(card)
    # Clearing the filter shows every payout again.
    choosing = await app.press(ALICE, await app.press(ALICE, card, "Назад"), "Фильтр")
    cleared = await app.press(ALICE, choosing, "Сбросить фильтр")
    assert "Фильтр:" not in seen(cleared)
    assert len(claims_in(cleared)) == len(every)


async def test_the_filter_by_type_and_the_card_in_english(app: RunningBot, privacy: str) -> None:
    settings = await app.press(ALICE, await app.say(ALICE, "/menu"), "Настройки")
    await app.press(ALICE, settings, "English")
    every = await cabinet_payouts(app, *twelve_months())
    expenses = [p for p in every if p.type is PayoutType.EXPENSES]
    assert expenses, "the sandbox reimburses the paid claim's towing"
    listing = await app.press(ALICE, await open_section(app, "💰 Payouts"), "12 months")
    choosing = await app.press(ALICE, listing, "Filter")
    assert app.tg.button(choosing, "✅ All types")
    shown = await app.press(ALICE, await app.press(ALICE, choosing, "reimbursed expenses"), "Show")
    text = seen(shown)
    assert "Filter: reimbursed expenses" in text
    assert re.findall(r"claim No\. (\S+)", text) == [
        claim_of(p) if privacy == "full" else f"…{claim_of(p)[-4:]}" for p in expenses
    ]
    card = await open_payout(app, shown, expenses[0].id)
    text = seen(card)
    assert f"Payout of {expenses[0].paid_on:%b} {expenses[0].paid_on.day}, " in text
    assert "Status: failed · reimbursed expenses" in text
    if privacy == "full":
        assert "Why it did not arrive: The recipient's account is closed." in text
        assert "Payment purpose: Reimbursement of towing expenses" in text
        assert "RUB" in text
    else:
        assert "RUB" not in text
        assert 'behind "Details"' in text
    assert app.tg.button(card, "📋 Open the claim")


async def test_any_period_through_the_calendar(app: RunningBot, privacy: str) -> None:
    await pay_open_claims(app)  # payouts today: the period holds some
    start, end = today().replace(day=1), today()
    listing = await open_section(app, "💰 Выплаты")
    calendar = await app.press(ALICE, listing, "Другой период")
    assert "Выплаты: начало периода" in seen(calendar)
    end_calendar = await press_day(app, calendar, 1)
    assert f"Начало: {start:%d.%m.%Y}" in seen(end_calendar)
    shown = await press_day(app, end_calendar, end.day)
    text = seen(shown)
    assert f"Выплаты · {start:%d.%m.%Y} — {end:%d.%m.%Y}" in text
    assert app.tg.button(shown, "✅ 📅 Другой период")
    expected = await cabinet_payouts(app, start, end)
    assert len(claims_in(shown)) == len(expected)
    xlsx = await receive(app, shown, "Excel")
    assert xlsx.filename == f"payouts-{start.isoformat()}-{end.isoformat()}.xlsx"
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"Выплаты · {start:%d.%m.%Y} — {end:%d.%m.%Y}"
    assert [r[4] for r in rows[2:-1]] == [p.claim_number for p in expected]
    # A preset again leaves the picked period.
    this_year = await app.press(ALICE, shown, "Этот год")
    assert app.tg.button(this_year, "✅ Этот год")


async def test_a_typed_date_that_is_not_one_is_explained(app: RunningBot) -> None:
    listing = await open_section(app, "💰 Выплаты")
    await app.press(ALICE, listing, "Другой период")
    said = await app.say(ALICE, "вчера")
    assert "Это не дата" in seen(said)
    end_calendar = await app.say(ALICE, f"01.01.{today().year}")
    assert f"Начало: 01.01.{today().year}" in seen(end_calendar)
    said = await app.say(ALICE, f"31.12.{today().year - 1}")
    assert "не может быть раньше его начала" in seen(said)


async def test_a_forged_payout_is_refused(app: RunningBot) -> None:
    listing = await last_years_payouts(app)
    start, end = last_year()
    (payout,) = await cabinet_payouts(app, start, end)
    await press_forged(app, listing, payout_button(app, listing, payout.id)["text"], "pay_nobody")
