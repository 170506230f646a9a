"""«Мои данные» (152-ФЗ ст. 14, 21), /revoke reaching the cabinet, and the consent to
advertising with «🎁 Предложения для вас» (38-ФЗ), as a person sees them: what the bot keeps
(both privacy modes), a copy request and a correction request with their numbers and deadlines
(ru/en), a correction too long, the withdrawal told to the cabinet (also when it was down), and
the offers section appearing with the consent and gone without it."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from typing import Any

import pytest
from sqlalchemy import select

from bot.factory.worker import create_worker
from sandbox.cabinet.dates import working_days_after
from storage.models import (
    ConsentWithdrawalNotice,
    Feedback,
    Link,
    MarketingConsent,
    OutboxMessage,
)
from storage.models import User as UserRow
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import linked_bot, open_section, sandbox_of
from tests.harness import RunningBot, running_bot
from tests.test_linking import ALICE

pytestmark = pytest.mark.backends("embedded")

DAY = r"\d\d\.\d\d\.\d{4}"
EN_DAY = r"[A-Z][a-z]{2} \d{1,2}, \d{4}"
# What a long correction looks like; one character over the limit.
TOO_LONG = ("В адресе регистрации старый номер квартиры. " * 24)[:1001]


def text_of(call: Call) -> str:
    return (call.message or {}).get("text") or call.text or ""


def due_day() -> dt.date:
    """The sandbox's deadline for a request made now: 10 working days."""
    return working_days_after(dt.datetime.now(dt.UTC).date(), 10)


async def customer_of(app: RunningBot) -> str:
    async with app.resources.session_factory() as session:
        link = await session.get(Link, ALICE)
    assert link is not None
    return link.customer_id


async def personal_data(app: RunningBot, customer: str) -> dict[str, Any]:
    """What the insurer's staff see: the sandbox's record of requests and withdrawals."""
    found = await sandbox_of(app).operator("GET", f"/customers/{customer}/personal-data")
    assert isinstance(found, dict)
    return found


async def my_data(app: RunningBot) -> Call:
    settings = await open_section(app, "Настройки")
    return await app.press(ALICE, settings, "🗂 Мои данные")


# ----------------------------------------------------------------------------- Мои данные


async def test_my_data_lists_what_the_bot_keeps(migrated: Backend, privacy: str) -> None:
    async with linked_bot(migrated, privacy=privacy) as app:
        async with app.resources.session_factory() as session:
            session.add(OutboxMessage(chat_id=ALICE, kind="alert", payload={}))
            session.add(Feedback(number="F-000042", user_id=ALICE, kind="question", topic="bug"))
            await session.commit()
        screen = await my_data(app)
        text = text_of(screen)
        assert re.search(rf"Вход через Госуслуги: выполнен {DAY}", text), text
        assert ("(вы — Иван И.)" in text) == (privacy == "full")
        assert text.count("Вход через Госуслуги") == 1, "one line about signing in"
        assert "Иван" not in text or privacy == "full"  # strict: no name in the chat
        assert re.search(
            rf"Согласие на обработку персональных данных: версия 2026-11-01 от {DAY}\.", text
        )
        assert "Согласие на рекламу: не дано." in text
        assert (
            "Настройки: язык — Русский, часовой пояс — Москва (UTC+3), отключены уведомления — "
            "нет, тихие часы — 22:00–09:00." in text
        )
        assert "в очереди на отправку — 1" in text
        assert "Вопросы в поддержку — 1, отзывы — 0" in text
        assert "/revoke" in text
        assert app.tg.button(screen, "Запросить копию данных")
        assert app.tg.button(screen, "Исправить данные")


async def test_my_data_of_a_person_not_signed_in(migrated: Backend) -> None:
    async with running_bot(migrated, web_server=True) as app:
        await app.consent(ALICE)
        screen = await my_data(app)
        text = text_of(screen)
        assert "Вход через Госуслуги: не выполнен." in text
        buttons = [str(b["text"]) for b in app.tg.buttons(screen)]
        assert not any("копию" in b or "Исправить" in b for b in buttons), buttons


# ----------------------------------------------------------------------------- requests


async def test_a_copy_request_gets_its_number_and_deadline(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        confirm = await app.press(ALICE, await my_data(app), "Запросить копию данных")
        assert "10 рабочих дней" in text_of(confirm)
        done = await app.press(ALICE, confirm, "Отправить запрос")
        text = text_of(done)
        found = re.search(r"Запрос копии данных № (ПД-\d{4}-\d{6}) принят\.", text)
        assert found, text
        assert f"ответит не позднее {due_day():%d.%m.%Y}" in text
        assert app.tg.button(done, "Мои данные")
        recorded = (await personal_data(app, await customer_of(app)))["data_requests"]
        assert [(r["number"], r["kind"], r["description"]) for r in recorded] == [
            (found[1], "copy", None)
        ]


async def test_a_correction_request_in_english(migrated: Backend, privacy: str) -> None:
    async with linked_bot(migrated, privacy=privacy) as app:
        settings = await open_section(app, "Настройки")
        settings = await app.press(ALICE, settings, "English")
        screen = await app.press(ALICE, settings, "🗂 My data")
        assert "What the bot itself keeps about you" in text_of(screen)
        ask = await app.press(ALICE, screen, "Correct my data")
        assert "up to 1,000 characters" in text_of(ask)
        assert ("Do not write document numbers here" in text_of(ask)) == (privacy == "strict")
        wrong = "My registered address has an old flat number: it is 12 now, not 21."
        confirm = await app.say(ALICE, wrong)
        assert (wrong in text_of(confirm)) == (privacy == "full")
        if privacy == "strict":
            assert f"Text: {len(wrong)} characters" in text_of(confirm)
        done = await app.press(ALICE, confirm, "Send the request")
        text = text_of(done)
        found = re.search(r"Data correction request No\. (\S+) accepted\.", text)
        assert found, text
        assert f"The insurer will answer by {due_day():%b} {due_day().day}, {due_day().year}" in (
            text
        )
        recorded = (await personal_data(app, await customer_of(app)))["data_requests"]
        assert [(r["number"], r["kind"], r["description"]) for r in recorded] == [
            (found[1], "correction", wrong)
        ]


async def test_a_correction_too_long_is_refused_and_nothing_is_lost(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        ask = await app.press(ALICE, await my_data(app), "Исправить данные")
        assert "до 1\u00a0000 символов" in text_of(ask)
        assert len(TOO_LONG) == 1001
        mark = app.tg.mark()
        said = await app.say(ALICE, TOO_LONG)
        assert text_of(said) == (
            "Слишком длинно: 1\u00a0001 символов, а можно до 1\u00a0000. "
            "Сократите, пожалуйста, и отправьте ещё раз."
        )
        again = await app.tg.wait_for(  # the step's screen again, below the reason
            "sendMessage", lambda c: "Исправить данные" in (c.text or ""), after=mark
        )
        assert app.tg.button(again, "Назад")
        assert (await personal_data(app, await customer_of(app)))["data_requests"] == []
        confirm = await app.say(ALICE, TOO_LONG[:1000])
        assert "Проверьте запрос на исправление" in text_of(confirm)
        done = await app.press(ALICE, confirm, "Отправить запрос")
        assert re.search(r"Запрос на исправление данных № \S+ принят\.", text_of(done))


# ----------------------------------------------------------------------------- /revoke


async def test_revoke_tells_the_cabinet(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        customer = await customer_of(app)
        question = await app.say(ALICE, "/revoke")
        done = await app.press(ALICE, question, "Отозвать")
        assert "Страховой компании сообщаем, что согласие для Telegram отозвано" in text_of(done)
        await app.settle()
        (withdrawal,) = (await personal_data(app, customer))["consent_withdrawals"]
        assert withdrawal["channel"] == "telegram"
        assert withdrawal["consent_version"] == "2026-11-01"
        async with app.resources.session_factory() as session:
            assert (await session.scalars(select(ConsentWithdrawalNotice))).all() == []


async def test_revoke_works_while_the_cabinet_is_down_and_tells_it_later(
    migrated: Backend,
) -> None:
    async with linked_bot(migrated) as app:
        customer = await customer_of(app)
        sandbox = sandbox_of(app)
        await sandbox.switches(down=True)
        question = await app.say(ALICE, "/revoke")
        done = await app.press(ALICE, question, "Отозвать")
        assert "Согласие отозвано." in text_of(done)
        await app.settle()
        async with app.resources.session_factory() as session:
            assert await session.get(Link, ALICE) is None  # revoked all the same
            (notice,) = (await session.scalars(select(ConsentWithdrawalNotice))).all()
        assert (notice.customer_id, notice.attempts) == (customer, 1)
        await sandbox.switches(down=False)
        worker = await create_worker(app.settings, app.resources, app.bot)
        await worker.start()  # its first round of chores sends what is waiting
        try:
            async with asyncio.timeout(10):
                await worker.chores_done.wait()
        finally:
            await worker.stop()
        (withdrawal,) = (await personal_data(app, customer))["consent_withdrawals"]
        assert withdrawal["channel"] == "telegram"
        async with app.resources.session_factory() as session:
            assert (await session.scalars(select(ConsentWithdrawalNotice))).all() == []


# ----------------------------------------------------------------------------- offers


async def test_offers_appear_with_the_consent_to_advertising_and_go_without_it(
    migrated: Backend,
) -> None:
    async with linked_bot(migrated) as app:
        menu = await app.say(ALICE, "/menu")
        assert "Предложения для вас" not in str(app.tg.buttons(menu))
        settings = await app.press(ALICE, menu, "Настройки")
        consent = await app.press(ALICE, settings, "🎁 Предложения и новости")
        assert "Согласие на рекламу (версия 2026-12-01)" in text_of(consent)
        assert "Сейчас: согласие не дано." in text_of(consent)
        given = await app.press(ALICE, consent, "Даю согласие")
        assert re.search(rf"Сейчас: согласие дано {DAY} \(версия 2026-12-01\)", text_of(given))
        async with app.resources.session_factory() as session:
            (row,) = (await session.scalars(select(MarketingConsent))).all()
            user = await session.get(UserRow, ALICE)
        assert (row.version, row.locale, len(row.text_sha256), row.withdrawn_at) == (
            "2026-12-01",
            "ru",
            64,
            None,
        )
        assert user is not None
        assert user.marketing is True

        offers = await open_section(app, "🎁 Предложения для вас")
        text = text_of(offers)
        assert "<b>Страхование квартиры</b> — от 1\u00a0990,00 ₽" in (offers.params["text"])
        assert "Медицинская помощь за границей без франшизы." in text
        assert app.tg.button(offers, "Страхование квартиры")["url"] == (
            "https://insurer.example/products/home"
        )
        old_menu = await app.say(ALICE, "/menu")

        settings = await open_section(app, "Настройки")
        consent = await app.press(ALICE, settings, "🎁 Предложения и новости")
        withdrawn = await app.press(ALICE, consent, "Отозвать согласие")
        assert "Сейчас: согласие не дано." in text_of(withdrawn)
        menu = await app.say(ALICE, "/menu")
        assert "Предложения для вас" not in str(app.tg.buttons(menu))
        # A menu from before: no offer, back to today's menu.
        refused = await app.press(ALICE, old_menu, "Предложения для вас")
        assert "Страхование квартиры" not in text_of(refused)
        assert "Предложения для вас" not in str(app.tg.buttons(refused))
        async with app.resources.session_factory() as session:
            (row,) = (await session.scalars(select(MarketingConsent))).all()
        assert row.withdrawn_at is not None


async def test_offers_in_english(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        settings = await open_section(app, "Настройки")
        settings = await app.press(ALICE, settings, "English")
        consent = await app.press(ALICE, settings, "🎁 Offers and news")
        await app.press(ALICE, consent, "I agree")
        offers = await open_section(app, "🎁 Offers for you")
        assert "<b>Home insurance</b> — from 1,990.00 RUB" in offers.params["text"]
        assert app.tg.button(offers, "Travel insurance")["url"].startswith("https://")
