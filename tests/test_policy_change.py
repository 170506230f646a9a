"""Changing a policy, end to end through the fake Bot API and the sandbox: «✏️ Изменить полис» on
a policy's card → what the cabinet allows → a change's questions (bad input refused and asked
again) → the price difference → «Подтвердить» → the payment page → `policy.changed`: paid and
in review, then applied with the new PDF, or rejected with the reason.

The sandbox offers, for КАСКО, «Добавить водителя», «Изменить страховую сумму» and «Новый
госномер» (ОСАГО: the driver and the plate; ДМС: nothing)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import button_starting, linked_bot, open_section, receive, sandbox_of
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_linking import ALICE
from tests.test_sandbox_cabinet import pdf_text

pytestmark = pytest.mark.backends("embedded")

AMOUNT = r"(<b>)?\d{1,3}([\s\u00a0\u202f]\d{3})*,\d{2} ₽(</b>)?"


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    # Workers deliver the alerts; whatever the time of day, no quiet hours hold them.
    async with linked_bot(migrated, privacy=privacy, workers=True) as running:
        await set_prefs(running, **NO_QUIET)
        yield running


async def card(app: RunningBot, product: str = "КАСКО") -> Call:
    listing = await open_section(app, "📄 Полисы")
    return await app.press(ALICE, listing, button_starting(app, listing, product))


async def changes(app: RunningBot) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await sandbox_of(app).operator("GET", "/policy-changes")
    return found


async def sum_quote(app: RunningBot, amount: str) -> Call:
    """From the КАСКО card to the price of a new sum insured."""
    options = await app.press(ALICE, await card(app), "✏️ Изменить полис")
    about = await app.press(ALICE, options, "Изменить страховую сумму")
    await app.press(ALICE, about, "▶️ Начать")
    return await app.say(ALICE, amount)


async def alert(app: RunningBot, mark: int, words: str, methods: Any = "sendMessage") -> Call:
    return await app.tg.wait_for(
        methods,
        lambda c: c.params.get("chat_id") == ALICE and words in (c.text or ""),
        after=mark,
        timeout=20,
    )


async def test_a_higher_sum_insured_paid_checked_and_applied(app: RunningBot, privacy: str) -> None:
    detail = await card(app)
    options = await app.press(ALICE, detail, "✏️ Изменить полис")
    text = options.text or ""
    assert "Изменить полис №" in text
    assert "Что хотите изменить?" in text
    buttons = [b["text"] for b in app.tg.buttons(options)]
    assert buttons[:3] == ["Добавить водителя", "Изменить страховую сумму", "Новый госномер"]

    about = await app.press(ALICE, options, "Изменить страховую сумму")
    assert "Вопросов: 1" in (about.text or "")
    question = await app.press(ALICE, about, "▶️ Начать")
    assert "Шаг 1 из 1. Новая страховая сумма" in (question.text or "")
    # Bad input: refused with the reason, the question asked again; nothing is lost.
    refused = await app.say(ALICE, "побольше")
    assert "Не получилось прочитать сумму" in (refused.text or "")
    await app.settle()
    too_small = await app.say(ALICE, "1000")
    assert "Сумма должна быть от 300" in (too_small.text or "")
    await app.settle()

    quote = await app.say(ALICE, "9 000 000")
    text = quote.text or ""
    assert "Изменить страховую сумму</b> — полис №" in (quote.params.get("text") or "")
    assert "Расчёт действует до" in text
    if privacy == "full":
        assert re.search(f"Доплата: {AMOUNT} за оставшийся срок", text), text
    else:
        assert "₽" not in text
        assert "сумму вы увидите на странице оплаты" in text
        assert re.search(r"полис № …\w{4}", text), text

    pay = await app.press(ALICE, quote, "✅ Подтвердить и оплатить")
    assert "Осталось оплатить" in (pay.text or "")
    url = str(app.tg.button(pay, "💳 Оплатить изменение")["url"])
    change_id = url.rpartition("/")[2]
    assert change_id.startswith("pch_")

    # While it waits for payment, no other change can begin; the list says what is waiting.
    waiting = await app.press(ALICE, await card(app), "✏️ Изменить полис")
    assert "ждёт оплаты до" in (waiting.text or "")
    assert "Пока одно изменение в работе" in (waiting.text or "")
    assert "Изменить страховую сумму" not in [b["text"] for b in app.tg.buttons(waiting)]
    assert app.tg.button(waiting, "💳 Оплатить изменение")["url"] == url

    mark = app.tg.mark()
    await sandbox_of(app).operator("POST", f"/payments/{change_id}/pay")
    paid = await alert(app, mark, "Оплата получена")
    assert "Изменение на проверке" in (paid.text or "")

    mark = app.tg.mark()
    await sandbox_of(app).operator("POST", f"/policy-changes/{change_id}/apply")
    applied = await alert(app, mark, "изменён", ("sendDocument", "sendMessage"))
    assert "«Изменить страховую сумму»" in (applied.text or "")
    if privacy == "full":
        assert applied.method == "sendDocument"
        assert "9 000 000,00" in pdf_text(applied.params["document"].content).replace("\xa0", " ")
        renewed = await card(app)
        assert "9 000 000,00 ₽" in (renewed.text or "").replace("\xa0", " ")
    else:  # the new PDF behind a one-time link
        assert [b for b in app.tg.buttons(applied) if "/d/" in b.get("url", "")]

    done = await app.press(ALICE, await card(app), "✏️ Изменить полис")
    assert "«Изменить страховую сумму» — сделано, действует с" in (done.text or "")
    assert "Что хотите изменить?" in (done.text or "")


@pytest.mark.parametrize("privacy", ["full"])
async def test_a_lower_sum_is_a_refund_and_a_rejection_says_why(app: RunningBot) -> None:
    quote = await sum_quote(app, "300 000")
    text = quote.text or ""
    assert re.search(f"Вернём часть премии: {AMOUNT}", text), text
    assert "✅ Подтвердить" in [b["text"] for b in app.tg.buttons(quote)]

    sent = await app.press(ALICE, quote, "✅ Подтвердить")
    assert "Заявка на изменение принята" in (sent.text or "")
    assert re.search(f"Часть премии — {AMOUNT} — вернём", sent.text or ""), sent.text
    change_id = (await changes(app))[0]["change_id"]

    mark = app.tg.mark()
    reason = "Сумма ниже рыночной стоимости автомобиля."
    await sandbox_of(app).operator(
        "POST", f"/policy-changes/{change_id}/reject", json={"reason": reason}
    )
    rejected = await alert(app, mark, "Изменение не принято")
    assert reason in (rejected.text or "")
    opened = await app.press(ALICE, rejected, "📄 Открыть полис")
    assert "Полис №" in (opened.text or "")
    assert "✏️ Изменить полис" in [b["text"] for b in app.tg.buttons(opened)]


@pytest.mark.parametrize("privacy", ["full"])
async def test_an_expired_price_is_worked_out_again(app: RunningBot) -> None:
    quote = await sum_quote(app, "5 000 000")
    first = (await changes(app))[0]["change_id"]
    await sandbox_of(app).operator("POST", f"/policy-changes/{first}/expire")
    mark = app.tg.mark()
    app.tg.press(ALICE, quote, "✅ Подтвердить и оплатить")
    told = await app.tg.wait_for(
        "answerCallbackQuery", lambda c: "Расчёт устарел" in str(c.params), after=mark
    )
    assert told.params.get("show_alert")
    again = await app.tg.wait_for(
        ("sendMessage", "editMessageText"),
        lambda c: "Прежний расчёт устарел" in (c.text or ""),
        after=mark,
    )
    assert re.search(f"Доплата: {AMOUNT}", again.text or "")
    latest = (await changes(app))[0]
    assert latest["change_id"] != first
    pay = await app.press(ALICE, again, "✅ Подтвердить и оплатить")
    assert latest["change_id"] in str(app.tg.button(pay, "💳 Оплатить изменение")["url"])


async def test_adding_a_driver(app: RunningBot, privacy: str) -> None:
    options = await app.press(ALICE, await card(app, "ОСАГО"), "✏️ Изменить полис")
    assert [b["text"] for b in app.tg.buttons(options)][:2] == [
        "Добавить водителя",
        "Новый госномер",
    ]
    about = await app.press(ALICE, options, "Добавить водителя")
    if privacy == "strict":  # names and licences are not taken through the messenger
        assert "их мы не принимаем через мессенджер" in (about.text or "")
        assert "▶️ Начать" not in [b["text"] for b in app.tg.buttons(about)]
        site = app.tg.button(about, "🌐 Изменить на сайте")["url"]
        assert site.endswith("/changes/add_driver")
        return
    question = await app.press(ALICE, about, "▶️ Начать")
    assert "Шаг 1 из 4. ФИО водителя" in (question.text or "")
    await app.say(ALICE, "Петров Пётр Петрович")
    too_young = await app.say(ALICE, "01.01.2015")
    assert "Дата должна быть не раньше" in (too_young.text or "")
    await app.settle()
    await app.say(ALICE, "14.05.1990")
    await app.say(ALICE, "77 12 345678")
    quote = await app.say(ALICE, "01.09.2024")  # less than three years: doubled
    assert re.search(f"Доплата: {AMOUNT}", quote.text or ""), quote.text
    pay = await app.press(ALICE, quote, "✅ Подтвердить и оплатить")
    change_id = str(app.tg.button(pay, "💳 Оплатить изменение")["url"]).rpartition("/")[2]
    await sandbox_of(app).operator("POST", f"/payments/{change_id}/pay")
    mark = app.tg.mark()
    await sandbox_of(app).operator("POST", f"/policy-changes/{change_id}/apply")
    applied = await alert(app, mark, "изменён", "sendDocument")
    assert "Петров Пётр Петрович" in pdf_text(applied.params["document"].content)


async def test_a_policy_the_cabinet_does_not_change_has_no_button(app: RunningBot) -> None:
    detail = await card(app, "ДМС")
    assert "Полис №" in (detail.text or "")
    assert "✏️ Изменить полис" not in [b["text"] for b in app.tg.buttons(detail)]


@pytest.mark.parametrize("privacy", ["full"])
async def test_the_pdf_of_the_policy_follows_the_change(app: RunningBot) -> None:
    """The policy's own «📎 Полис (PDF)» is the new version once the change is applied."""
    quote = await sum_quote(app, "8 000 000")
    pay = await app.press(ALICE, quote, "✅ Подтвердить и оплатить")
    change_id = str(app.tg.button(pay, "💳 Оплатить изменение")["url"]).rpartition("/")[2]
    mark = app.tg.mark()
    await sandbox_of(app).operator("POST", f"/payments/{change_id}/pay")
    await sandbox_of(app).operator("POST", f"/policy-changes/{change_id}/apply")
    # Both alerts in the chat first: a message arriving mid-conversation is not a screen.
    await alert(app, mark, "Оплата получена")
    await alert(app, mark, "изменён</b>", "sendDocument")
    pdf = await receive(app, await card(app), "📎 Полис (PDF)")
    assert "8 000 000,00" in pdf_text(pdf.content).replace("\xa0", " ")


@pytest.mark.parametrize("privacy", ["full"])
async def test_a_lower_sum_applied_refunds_the_premium(app: RunningBot) -> None:
    quote = await sum_quote(app, "1 000 000")
    refund = re.search(r"Вернём часть премии: (<b>)?([\d\s\u00a0]+,\d\d) ₽", quote.text or "")
    assert refund, quote.text
    await app.press(ALICE, quote, "✅ Подтвердить")
    change_id = (await changes(app))[0]["change_id"]
    mark = app.tg.mark()
    await sandbox_of(app).operator("POST", f"/policy-changes/{change_id}/apply")
    await alert(app, mark, "изменён</b>", ("sendDocument", "sendMessage"))
    sent = await alert(app, mark, "Возврат премии отправлен")
    assert refund[2] in (sent.text or "")
    payouts = await open_section(app, "💰 Выплаты")
    assert "возврат премии" in (payouts.text or "").lower(), payouts.text
