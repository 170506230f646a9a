"""Справки, as a linked user sees them in both privacy modes: ordering with a preset period,
a period picked in the calendar or typed, the wrong inputs, confirming again after an
outage, the list of orders, a ready certificate's PDF, and a forged button."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Callable
from zoneinfo import ZoneInfo

import pytest

from tests.conftest import Backend
from tests.fake_telegram import Call, JSONDict
from tests.flows import button_starting, linked_bot, open_section, press_forged, receive, sandbox_of
from tests.harness import Chat, RunningBot
from tests.test_linking import ALICE

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

TAX = "Справка для налогового вычета"
NO_CLAIMS = "Справка об отсутствии убытков"


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy) as running:
        yield running


def today() -> dt.date:
    return dt.datetime.now(ZoneInfo("Europe/Moscow")).date()


def short(day: dt.date) -> str:
    return day.strftime("%d.%m.%Y")


async def section(app: Chat) -> Call:
    mark = app.tg.mark()
    menu = await open_section(app, "🧾 Справки")
    await app.tg.wait_for("answerCallbackQuery", after=mark)  # the press is fully handled
    assert "Закажите справку" in (menu.text or "")
    return menu


async def ordering(app: Chat, certificate: str) -> Call:
    """The step after choosing the type: the period, or the purpose for a type without one."""
    types = await app.press(ALICE, await section(app), "Заказать справку")
    assert "Какая справка нужна?" in (types.text or "")
    return await app.press(ALICE, types, certificate)


async def typed(app: RunningBot, text: str, *expected: str) -> Call:
    """Type `text`; the bot's messages that follow contain `expected`, in order: the last one."""
    mark = app.tg.mark()
    app.tg.user_message(ALICE, text)
    screen: Call | None = None
    for part in expected:
        screen = await app.tg.wait_for("sendMessage", containing(part), after=mark)
        mark = app.tg.calls.index(screen) + 1
    assert screen is not None
    return screen


def containing(part: str) -> Callable[[Call], bool]:
    return lambda call: part in (call.text or "")


async def handled(app: RunningBot, screen: Call, data: str) -> Call:
    """Press a button of `screen` by its callback data and wait until the bot has answered
    the press: the screen it shows then (the calendar redraws itself with the same text)."""
    mark = app.tg.mark()
    message = screen.message or int(screen.params["message_id"])
    query = app.tg.callback(ALICE, message, data)["callback_query"]["id"]
    await app.tg.wait_for(
        "answerCallbackQuery",
        lambda c: c.params["callback_query_id"] == query and "text" not in c.params,
        after=mark,
    )
    shown = [c for c in app.tg.calls[mark:] if c.method == "editMessageText" and c.ok]
    return shown[-1] if shown else screen


def day_button(app: RunningBot, calendar: Call, day: int) -> JSONDict:
    """A day of the month the calendar shows (its buttons read "01", "02", …, "[ 22 ]")."""
    return next(b for b in app.tg.buttons(calendar) if b["text"].strip("[ ]") == f"{day:02d}")


async def press_day(app: RunningBot, calendar: Call, day: int) -> Call:
    return await handled(app, calendar, day_button(app, calendar, day)["callback_data"])


async def previous_month(app: RunningBot, calendar: Call) -> Call:
    return await handled(app, calendar, app.tg.button(calendar, "◀️")["callback_data"])


async def confirmed(app: Chat, confirm: Call) -> Call:
    done = await app.press(ALICE, confirm, "Заказать")
    assert "Справка заказана" in (done.text or ""), done.text
    return done


async def test_an_order_for_last_year(app: RunningBot, privacy: str) -> None:
    period = await ordering(app, TAX)
    assert "За какой период?" in (period.text or "")
    year = today().year - 1
    purpose = await app.press(ALICE, period, f"За прошлый год ({year})")
    assert "Цель справки" in (purpose.text or "")
    confirm = await app.press(ALICE, purpose, "Для налогового вычета в ФНС")
    text = confirm.text or ""
    assert "Проверьте заказ" in text
    assert f"Справка: {TAX}" in text
    assert f"Период: 01.01.{year} — 31.12.{year}" in text
    assert "Цель: Для налогового вычета в ФНС" in text
    done = (await confirmed(app, confirm)).text or ""
    assert re.search(r"Ожидаемая дата готовности: \d\d\.\d\d\.\d{4} \(\d рабоч\w+ дн\w*\)", done)
    if privacy == "full":
        assert re.search(r"Заказ № С-\d{4}-\d{6} принят", done), done
    else:
        assert re.search(r"Заказ № …\d{4} принят", done), done
        assert "С-" not in done


async def test_back_at_every_step(app: RunningBot) -> None:
    period = await ordering(app, TAX)
    custom = await app.press(ALICE, period, "Другой период")
    assert "Начало периода" in (custom.text or "")
    period = await app.press(ALICE, custom, "Назад")
    purpose = await app.press(ALICE, period, "За прошлый год")
    confirm = await app.press(ALICE, purpose, "По месту работы")
    purpose = await app.press(ALICE, confirm, "Назад")
    assert "Цель справки" in (purpose.text or "")
    period = await app.press(ALICE, purpose, "Назад")
    assert "За какой период?" in (period.text or "")
    types = await app.press(ALICE, period, "Назад")
    assert "Какая справка нужна?" in (types.text or "")
    menu = await app.press(ALICE, types, "Назад")
    assert "Закажите справку" in (menu.text or "")
    main = await app.press(ALICE, menu, "Назад")
    assert "Главное меню" in (main.text or "")


async def test_a_period_picked_in_the_calendar(app: RunningBot) -> None:
    start = today().replace(day=1) - dt.timedelta(days=1)  # a day of last month
    calendar = await app.press(ALICE, await ordering(app, TAX), "Другой период")
    header = app.tg.buttons(calendar)[0]["text"]
    assert header.startswith("🗓 ")
    assert str(today().year) in header
    assert [b["text"] for b in app.tg.buttons(calendar)[1:3]] == ["Пн", "Вт"]
    # A day after today is neither shown nor taken from a forged button.
    shown = {b["text"].strip("[ ]") for b in app.tg.buttons(calendar)}
    assert f"{today().day:02d}" in shown
    assert not shown & {f"{day:02d}" for day in range(today().day + 1, 32)}
    widget = day_button(app, calendar, 1)["callback_data"].rpartition(":")[0]
    future = dt.date(today().year + 1, 1, 1) - dt.date(1970, 1, 1)
    mark = app.tg.mark()
    await handled(app, calendar, f"{widget}:{future.days * 86400}")
    alert = await app.tg.wait_for("answerCallbackQuery", lambda c: "text" in c.params, after=mark)
    assert "не может быть в будущем" in alert.params["text"]

    rows = calendar.params["reply_markup"]["inline_keyboard"]
    assert all(any(b.get("callback_data") for b in row) for row in rows), "no row of blanks"
    end_calendar = await press_day(app, await previous_month(app, calendar), 1)
    assert f"Начало: 01.{start:%m.%Y}" in (end_calendar.text or "")
    # The end date's calendar opens on the start date's month (last month), not today's.
    purpose = await press_day(app, end_calendar, 15)
    assert "Цель справки" in (purpose.text or "")
    confirm = await app.press(ALICE, purpose, "По месту работы")
    assert f"Период: 01.{start:%m.%Y} — 15.{start:%m.%Y}" in (confirm.text or "")
    await confirmed(app, confirm)


async def test_a_period_typed_and_the_wrong_inputs(app: RunningBot) -> None:
    year = today().year - 1
    await app.press(ALICE, await ordering(app, TAX), "Другой период")
    await typed(app, "вчера", "Это не дата", "Начало периода")
    await typed(app, "31.02.2024", "Это не дата", "Начало периода")
    await typed(app, short(today() + dt.timedelta(days=1)), "в будущем", "Начало периода")
    await typed(app, f"01.02.{year}", f"Начало: 01.02.{year}")
    await typed(app, f"01.01.{year}", "не может быть раньше его начала", "Конец периода")
    await typed(app, short(today() + dt.timedelta(days=3)), "в будущем", "Конец периода")
    await typed(app, f"31.03.{year}", "Цель справки")
    await typed(app, "ы" * 201, "до 200 символов", "Цель справки")
    confirm = await typed(app, "  Для   визы ", "Проверьте заказ")
    assert f"Период: 01.02.{year} — 31.03.{year}" in (confirm.text or "")
    assert "Цель: Для визы" in (confirm.text or "")
    await confirmed(app, confirm)


async def test_confirming_again_after_an_outage_orders_once(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        purpose = await ordering(app, NO_CLAIMS)  # no period for this type
        assert "Цель справки" in (purpose.text or "")
        confirm = await app.press(ALICE, purpose, "Для оформления кредита")
        assert "Период" not in (confirm.text or "")
        # The cabinet takes the order, but every answer to it is lost on the way back.
        await sandbox_of(app).switches(lose_next=3)
        failed = await app.press(ALICE, confirm, "Заказать")
        assert "временно недоступен" in (failed.text or "")
        assert "всё, что вы ввели, сохранено" in (failed.text or "")
        done = await confirmed(app, confirm)
        orders = await app.press(ALICE, done, "Мои заказы")
        accepted = [b for b in app.tg.buttons(orders) if "принят" in b["text"]]
        assert len(accepted) == 1, app.tg.buttons(orders)


async def test_the_orders_and_their_details(app: RunningBot, privacy: str) -> None:
    orders = await app.press(ALICE, await section(app), "Мои заказы")
    assert "Мои заказы справок" in (orders.text or "")
    ready = button_starting(app, orders, "✅ готова")
    preparing = button_starting(app, orders, "⏳ готовится")
    assert NO_CLAIMS in ready
    number = r"№ С-\d{4}-\d{6}" if privacy == "full" else r"№ …\d{4} "
    assert re.search(number, ready), ready
    detail = await app.press(ALICE, orders, preparing)
    text = detail.text or ""
    year = today().year - 1
    assert "Статус: ⏳ готовится" in text
    assert f"Период: 01.01.{year} — 31.12.{year}" in text
    assert "Ожидаемая дата готовности" in text
    assert not [b for b in app.tg.buttons(detail) if "PDF" in b["text"]]
    orders = await app.press(ALICE, detail, "Назад")
    detail = await app.press(ALICE, orders, ready)
    assert "Статус: ✅ готова" in (detail.text or "")
    assert "Ожидаемая дата" not in (detail.text or "")
    assert app.tg.button(detail, "Справка (PDF)")


async def test_a_ready_certificate_as_pdf(app: RunningBot, privacy: str) -> None:
    confirm = await app.press(ALICE, await ordering(app, NO_CLAIMS), "Для другой страховой")
    orders = await app.press(ALICE, await confirmed(app, confirm), "Мои заказы")
    mine = button_starting(app, orders, "📥 принят")
    order_id = app.tg.button(orders, mine)["callback_data"].rpartition(":")[2]
    for _ in ("preparing", "ready"):
        await sandbox_of(app).operator("POST", f"/certificate-orders/{order_id}/advance")
    detail = await app.press(ALICE, orders, mine)
    assert "Статус: ✅ готова" in (detail.text or "")
    pdf = await receive(app, detail, "Справка (PDF)")
    assert pdf.content.startswith(b"%PDF")
    assert (pdf.filename or "").endswith(".pdf")
    assert (pdf.link is None) == (privacy == "full")


async def test_a_forged_order_button_is_refused_and_audited(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        orders = await app.press(ALICE, await section(app), "Мои заказы")
        await press_forged(app, orders, "готова", "cro-someone-else")
