"""Alerts: each event type makes the right outbox row (text, buttons, file) in both privacy
modes; categories switched off make none; quiet hours hold the non-urgent ones until their
end; the settings screen; the alert buttons open their flows, and a forged id is refused."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import uuid
from collections.abc import AsyncIterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy import select

from bot.factory.worker import create_worker
from bot.i18n import create_core
from cabinet.models import EVENT
from notify.alerts import AlertAction, Recipient, Support, quiet_until, render
from storage.models import AuditRecord, OutboxMessage, RenewalOrder, User
from tests.conftest import Backend
from tests.fake_telegram import render_text
from tests.flows import linked_bot
from tests.harness import RunningBot
from tests.test_events import customer_of, post
from tests.test_linking import ALICE, BOB, linked

MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy) as running:
        yield running


def event(customer_id: str, kind: str, data: dict[str, Any]) -> dict[str, Any]:
    return {
        "event_id": str(uuid.uuid4()),
        "type": kind,
        "customer_id": customer_id,
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        "data": data,
    }


async def rows_of(app: RunningBot, event_id: str) -> list[OutboxMessage]:
    async with app.resources.session_factory() as session:
        found = await session.scalars(
            select(OutboxMessage).where(OutboxMessage.event_id == event_id)
        )
        return list(found.all())


async def alert(app: RunningBot, kind: str, **data: Any) -> OutboxMessage | None:
    """POST the event for ALICE's customer; the one alert row it made (or None)."""
    body = event(await customer_of(app), kind, data)
    response = await post(app, body)
    assert response.status_code == 204, response.text
    rows = await rows_of(app, body["event_id"])
    assert len(rows) <= 1
    return rows[0] if rows else None


def callbacks(row: OutboxMessage) -> list[tuple[str, str]]:
    return [
        (button["text"], button["callback_data"])
        for line in row.payload.get("buttons", [])
        for button in line
    ]


async def ids(app: RunningBot) -> tuple[str, str, str]:
    """ALICE's renewable policy, an open claim, and a closed one."""
    customer_id = await customer_of(app)
    policies = (await app.resources.cabinet.policies(customer_id, page_size=100)).value.items
    claims = (await app.resources.cabinet.claims(customer_id, page_size=100)).value.items
    renewable = next(p.id for p in policies if p.renewable)
    open_claim = next(c.id for c in claims if not c.status.is_final)
    closed = next(c.id for c in claims if c.status.is_final)
    return renewable, open_claim, closed


async def set_prefs(app: RunningBot, **values: Any) -> None:
    async with app.resources.session_factory() as session:
        user = await session.get(User, ALICE)
        assert user is not None
        for name, value in values.items():
            setattr(user, name, value)
        await session.commit()


NO_QUIET = {"quiet_from": "00:00", "quiet_to": "00:00"}


# ----------------------------------------------------------------------------- each type


@pytest.mark.backends("embedded")  # its subject is texts and buttons
async def test_each_event_type_makes_its_alert(app: RunningBot, privacy: str) -> None:
    await set_prefs(app, **NO_QUIET)
    strict = privacy == "strict"
    policy_id, claim_id, _ = await ids(app)

    row = await alert(
        app,
        "claim.status_changed",
        claim_id=claim_id,
        claim_number="У-2026-004512",
        status="approved",
        previous_status="in_review",
    )
    assert row is not None
    assert row.chat_id == ALICE
    assert row.kind == "alert"
    text = row.payload["text"]
    assert "Новый статус: выплата одобрена" in text
    assert "Деньги поступят" in text  # what happens next
    assert ("№ …4512" in text) == strict
    assert ("У-2026-004512" in text) == (not strict)
    assert callbacks(row) == [
        ("📋 Открыть обращение", AlertAction(action="claim", id=claim_id).pack())
    ]

    # To awaiting_documents: told once, by claim.documents_requested (with the list).
    folded = await alert(
        app,
        "claim.status_changed",
        claim_id=claim_id,
        claim_number="У-2026-004512",
        status="awaiting_documents",
        previous_status="in_review",
    )
    assert folded is None
    row = await alert(
        app,
        "claim.documents_requested",
        claim_id=claim_id,
        claim_number="У-2026-004512",
        documents=["Справка о ДТП из ГИБДД", "Фото <повреждений>"],
    )
    assert row is not None
    text = row.payload["text"]
    assert "Нужны документы" in text
    if strict:
        assert "Запрошено документов: 2" in text
        assert "ГИБДД" not in text
    else:
        assert "• Справка о ДТП из ГИБДД" in text
        assert "Фото &lt;повреждений&gt;" in text  # names are text, never markup
    assert callbacks(row)[0] == (
        "📎 Добавить документ",
        AlertAction(action="upload", id=claim_id).pack(),
    )

    row = await alert(app, "certificate.ready", order_id="cro-1", number="СП-2026-000318")
    assert row is not None
    assert "Справка № " in row.payload["text"]
    assert ("№ …0318" in row.payload["text"]) == strict
    assert ("одноразовой ссылке" in row.payload["text"]) == strict
    assert row.payload["file"] == {
        "kind": "certificate-pdf",
        "ref": {"order_id": "cro-1"},
        "user_id": ALICE,
        "customer_id": await customer_of(app),
    }

    for days, words in ((30, "через 30 дней"), (7, "через 7 дней"), (1, "через 1 день")):
        row = await alert(
            app,
            "policy.expiring",
            policy_id=policy_id,
            number="ХХХ 0312345678",
            ends_on="2026-12-09",
            days_left=days,
        )
        assert row is not None
        assert words in row.payload["text"]
        assert "09.12.2026" in row.payload["text"]
        assert callbacks(row) == [("🔄 Продлить", AlertAction(action="renew", id=policy_id).pack())]

    row = await alert(
        app,
        "payment.succeeded",
        order_id="ord-1",
        policy_id=policy_id,
        amount={"amount": "8790.40", "currency": "RUB"},
    )
    assert row is not None
    assert "Оплата получена" in row.payload["text"]
    assert ("₽" in row.payload["text"]) == (not strict)

    # An installment, not a renewal: no «Продлеваем полис», what is left to pay instead.
    for next_due, words in (("2027-03-01", "Следующий взнос — до 01.03.2027"), (None, "оплачен")):
        more = {"next_due_on": next_due} if next_due else {}
        row = await alert(
            app,
            "payment.succeeded",
            order_id="ipm-1",
            policy_id=policy_id,
            amount={"amount": "23450.00", "currency": "RUB"},
            installment=2,
            number="КС-26-0001873",
            **more,
        )
        assert row is not None
        text = row.payload["text"]
        assert "Оплата получена" in text
        assert "взнос № 2" in text
        assert "Продлеваем" not in text
        assert words in text
        assert ("₽" in text) == (not strict)
        assert ("КС-26-0001873" in text) == (not strict)

    for status, words in (("due", "Напоминаем об оплате"), ("overdue", "просрочен")):
        row = await alert(
            app,
            "payment.due",
            policy_id=policy_id,
            number="КС-26-0001873",
            installment=2,
            amount={"amount": "23450.00", "currency": "RUB"},
            due_on="2026-12-20",
            status=status,
            **({"days_left": 7} if status == "due" else {}),
        )
        assert row is not None
        text = row.payload["text"]
        assert words in text
        assert "20.12.2026" in text
        assert bool(re.search(r"23[\s\u00a0\u202f]450,00 ₽", text)) == (not strict)
        assert ("№ …1873" in text) == strict
        assert callbacks(row) == [("💳 Оплатить", AlertAction(action="pay", id=policy_id).pack())]

    row = await alert(
        app,
        "policy.renewed",
        policy_id=policy_id,
        number="ХХХ 0312345678",
        new_ends_on="2027-12-09",
    )
    assert row is not None
    assert "Полис продлён" in row.payload["text"]
    assert "09.12.2027" in row.payload["text"]
    assert ("0312345678" in row.payload["text"]) == (not strict)
    assert row.payload["file"]["kind"] == "policy-pdf"
    assert row.payload["file"]["ref"] == {"policy_id": policy_id}

    row = await alert(
        app,
        "policy.issued",
        order_id="npo_1",
        policy_id=policy_id,
        number="НП-26-100001",
        product_id="travel",
        starts_on="2026-12-10",
        ends_on="2027-12-09",
    )
    assert row is not None
    assert "Полис оформлен" in row.payload["text"]
    assert "с 10.12.2026 по 09.12.2027" in row.payload["text"]
    assert ("НП-26-100001" in row.payload["text"]) == (not strict)
    assert row.payload["file"]["kind"] == "policy-pdf"
    assert row.payload["file"]["ref"] == {"policy_id": policy_id}

    row = await alert(
        app,
        "payout.sent",
        payout_id="pay-1",
        amount={"amount": "64200.00", "currency": "RUB"},
        claim_id=claim_id,
    )
    assert row is not None
    assert "Выплата отправлена" in row.payload["text"]
    assert ("64" in row.payload["text"] and "₽" in row.payload["text"]) == (not strict)
    assert callbacks(row)[0][0] == "💰 Открыть выплату"

    row = await alert(
        app,
        "payout.sent",
        payout_id="pay-2",
        amount={"amount": "4120.00", "currency": "RUB"},
        type="premium_refund",
        policy_id=policy_id,
        policy_number="ДМС-26-0457712",
    )
    assert row is not None
    assert "Возврат премии" in row.payload["text"]
    assert ("по полису № …7712" in row.payload["text"]) == strict
    assert ("ДМС-26-0457712" in row.payload["text"]) == (not strict)
    assert ("₽" in row.payload["text"]) == (not strict)
    assert callbacks(row) == [
        ("💰 Открыть выплату", AlertAction(action="payouts", id="pay-2").pack())
    ]

    for status, words in (("failed", "не прошла"), ("returned", "вернулась")):
        row = await alert(
            app,
            "payout.failed",
            payout_id="pay-1",
            amount={"amount": "64200.00", "currency": "RUB"},
            claim_id=claim_id,
            status=status,
            reason="Счёт получателя закрыт.",
        )
        assert row is not None
        assert words in row.payload["text"]
        assert "реквизиты" in row.payload["text"]
        assert ("Счёт получателя закрыт" in row.payload["text"]) == (not strict)
        assert ("₽" in row.payload["text"]) == (not strict)
        assert callbacks(row)[0][0] == "💰 Открыть выплату"

    row = await alert(
        app,
        "certificate.rejected",
        order_id="cro-1",
        number="СП-2026-000318",
        reason="За этот период договоров не было.",
    )
    assert row is not None
    assert "подготовить не удалось" in row.payload["text"]
    assert ("За этот период договоров не было" in row.payload["text"]) == (not strict)
    assert ("№ …0318" in row.payload["text"]) == strict


@pytest.mark.backends("embedded")  # its subject is texts and buttons
async def test_alerts_in_the_users_language(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        await set_prefs(app, locale="en", **NO_QUIET)
        row = await alert(
            app,
            "policy.expiring",
            policy_id="P-1",
            number="ХХХ 0312345678",
            ends_on="2026-12-09",
            days_left=7,
        )
        assert row is not None
        assert "in 7 days" in row.payload["text"]
        assert callbacks(row)[0][0] == "🔄 Renew"


async def test_payment_marks_the_renewal_order_paid(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        customer_id = await customer_of(app)
        async with app.resources.session_factory() as session:
            session.add(
                RenewalOrder(
                    order_id="ord-77",
                    user_id=ALICE,
                    customer_id=customer_id,
                    policy_id="P-1",
                    term_months=12,
                )
            )
            await session.commit()
        await alert(
            app,
            "payment.succeeded",
            order_id="ord-77",
            policy_id="P-1",
            amount={"amount": "100.00", "currency": "RUB"},
        )
        async with app.resources.session_factory() as session:
            order = await session.get(RenewalOrder, "ord-77")
        assert order is not None
        assert order.status == "paid"
        assert order.paid_at is not None


# ----------------------------------------------------------------------------- preferences


async def test_a_category_switched_off_in_settings_makes_no_alert(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        settings = await app.say(ALICE, "/settings")
        alerts = await app.press(ALICE, settings, "Уведомления")
        assert "Тихие часы: 22:00–09:00" in (alerts.text or "")
        assert "Часовой пояс: Москва (UTC+3)" in (alerts.text or "")
        assert "Новости и предложения: не получаю" in (alerts.text or "")
        off = await app.press(ALICE, alerts, "✅ Полисы")
        assert app.tg.button(off, "🔕 Полисы")
        # Marketing is a consent of its own (38-ФЗ), with its text: not a mere switch.
        consent = await app.press(ALICE, off, "Новости и предложения")
        assert "Согласие на рекламу</b> (версия" in (consent.text or "")
        given = await app.press(ALICE, consent, "Даю согласие")
        main = await app.press(ALICE, given, "Назад")
        marketing = await app.press(ALICE, main, "Уведомления")
        assert "Новости и предложения: получаю" in (marketing.text or "")
        quiet = await app.press(ALICE, marketing, "Тихие часы")
        back = await app.press(ALICE, quiet, "23:00–08:00")
        assert "Тихие часы: 23:00–08:00" in (back.text or "")
        zones = await app.press(ALICE, back, "Часовой пояс")
        back = await app.press(ALICE, zones, "Владивосток")
        assert "Часовой пояс: Владивосток (UTC+10)" in (back.text or "")
        async with app.resources.session_factory() as session:
            user = await session.get(User, ALICE)
        assert user is not None
        assert user.alerts_off == ["policies"]
        assert user.marketing is True
        assert (user.quiet_from, user.quiet_to) == ("23:00", "08:00")
        assert user.time_zone == "Asia/Vladivostok"
        profile = await app.resources.redis.get(f"cabinet:profile:v2:{ALICE}")
        assert profile is None or b"Asia/Vladivostok" in profile

        muted = await alert(
            app,
            "policy.expiring",
            policy_id="P-1",
            number="ХХХ 0312345678",
            ends_on="2026-12-09",
            days_left=7,
        )
        assert muted is None
        still = await alert(app, "certificate.ready", order_id="cro-1", number="СП-1")
        assert still is not None


async def test_quiet_hours_hold_non_urgent_alerts_until_they_end(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        # Quiet hours around now, in the user's zone: from an hour ago to two hours on.
        zone = ZoneInfo("Asia/Yekaterinburg")
        now = dt.datetime.now(zone)
        start, end = now - dt.timedelta(hours=1), now + dt.timedelta(hours=2)
        await set_prefs(
            app,
            time_zone="Asia/Yekaterinburg",
            quiet_from=start.strftime("%H:%M"),
            quiet_to=end.strftime("%H:%M"),
        )
        held = await alert(app, "certificate.ready", order_id="cro-1", number="СП-1")
        assert held is not None
        expected = end.replace(second=0, microsecond=0).astimezone(dt.UTC)
        assert abs((held.not_before - expected).total_seconds()) < 61
        urgent = await alert(
            app,
            "claim.documents_requested",
            claim_id="clm-1",
            claim_number="У-1",
            documents=["Справка"],
        )
        assert urgent is not None
        assert urgent.not_before <= dt.datetime.now(dt.UTC)


def at(hour: int, minute: int = 0, day: int = 10) -> dt.datetime:
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=MOSCOW)


@pytest.mark.parametrize(
    ("local", "until"),
    [
        (at(23, 30), at(9, 0, day=11)),  # the evening: the next morning
        (at(3, 0), at(9, 0)),  # the night: this morning
        (at(8, 59), at(9, 0)),
        (at(9, 0), None),  # the day
        (at(21, 59), None),
        (at(22, 0), at(9, 0, day=11)),
    ],
)
def test_quiet_until_default_hours(local: dt.datetime, until: dt.datetime | None) -> None:
    recipient = Recipient(user_id=1)
    assert quiet_until(recipient, local.astimezone(dt.UTC)) == (
        until.astimezone(dt.UTC) if until else None
    )


def test_quiet_hours_inside_a_day_and_none() -> None:
    daytime = Recipient(user_id=1, quiet_from="13:00", quiet_to="15:00")
    assert quiet_until(daytime, at(14)) == at(15).astimezone(dt.UTC)
    assert quiet_until(daytime, at(16)) is None
    none = Recipient(user_id=1, quiet_from="00:00", quiet_to="00:00")
    assert quiet_until(none, at(3)) is None


async def test_every_type_renders_in_both_languages_and_modes() -> None:
    core = create_core("ru")
    await core.startup()
    samples: dict[str, dict[str, Any]] = {
        "claim.status_changed": {
            "claim_id": "c",
            "claim_number": "N-1",
            "status": "closed",
            "previous_status": "paid",
        },
        "claim.documents_requested": {"claim_id": "c", "claim_number": "N", "documents": ["D"]},
        "certificate.ready": {"order_id": "o", "number": "N"},
        "policy.expiring": {
            "policy_id": "p",
            "number": "N",
            "ends_on": "2026-01-02",
            "days_left": 1,
        },
        "payment.succeeded": {
            "order_id": "o",
            "policy_id": "p",
            "amount": {"amount": "1.00", "currency": "RUB"},
        },
        "policy.renewed": {"policy_id": "p", "number": "N", "new_ends_on": "2027-01-02"},
        "policy.issued": {
            "order_id": "o",
            "policy_id": "p",
            "number": "N",
            "product_id": "travel",
            "starts_on": "2026-12-10",
            "ends_on": "2027-12-09",
        },
        "payout.sent": {
            "payout_id": "x",
            "amount": {"amount": "1.00", "currency": "RUB"},
            "claim_id": "c",
        },
        "payout.failed": {
            "payout_id": "x",
            "amount": {"amount": "1.00", "currency": "RUB"},
            "claim_id": "c",
            "status": "returned",
        },
        "certificate.rejected": {"order_id": "o", "number": "N", "reason": "R"},
        "claim.message_received": {
            "claim_id": "c",
            "claim_number": "N",
            "message_id": "m",
            "text": "T",
            "handler_name": "H",
        },
        "contacts.changed": {"kind": "email", "value": "i•••@mail.ru", "source": "call_center"},
    }
    refund = {
        "payout_id": "x",
        "amount": {"amount": "1.00", "currency": "RUB"},
        "type": "premium_refund",
        "policy_id": "p",
        "policy_number": "ДМС-26-0000001",
    }
    events = [EVENT.validate_python(event("C", kind, data)) for kind, data in samples.items()]
    events += [
        EVENT.validate_python(event("C", "payout.sent", refund)),
        EVENT.validate_python(event("C", "payout.failed", refund | {"status": "failed"})),
    ]
    for parsed in events:
        for locale in ("ru", "en"):
            for strict in (False, True):
                payload = render(
                    parsed,
                    Recipient(user_id=1, locale=locale),
                    core=core,
                    strict=strict,
                    support=Support("8 800 555-00-55", "support@example.com"),
                )
                assert payload is not None, parsed.type
                assert payload["text"].strip()
                assert "{" not in payload["text"], payload["text"]


# ----------------------------------------------------------------------------- buttons


async def show_alert(app: RunningBot, row: OutboxMessage) -> dict[str, Any]:
    """Send the alert's text and buttons to the fake Telegram as the engine would: the
    message its buttons are pressed under."""
    keyboard = InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text=b["text"], callback_data=b["callback_data"]) for b in line]
            for line in row.payload.get("buttons", [])
        ]
    )
    sent = await app.bot.send_message(ALICE, row.payload["text"], reply_markup=keyboard)
    return app.tg.message(ALICE, sent.message_id)


@pytest.mark.backends("embedded")  # its subject is texts and buttons
async def test_the_buttons_open_their_flows(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        await set_prefs(app, **NO_QUIET)
        policy_id, claim_id, closed_id = await ids(app)
        row = await alert(
            app,
            "policy.expiring",
            policy_id=policy_id,
            number="ХХХ 0312345678",
            ends_on="2026-12-09",
            days_left=7,
        )
        assert row is not None
        message = await show_alert(app, row)
        check = await app.press(ALICE, message, "Продлить")  # type: ignore[arg-type]
        assert "Проверьте данные полиса" in (check.text or "")  # renewal's first step
        terms = await app.press(ALICE, check, "Всё верно")
        assert "Выберите срок" in (terms.text or "")
        quote = await app.press(ALICE, terms, "12 мес.")
        assert "Расчёт продления" in (quote.text or "")

        row = await alert(
            app,
            "claim.documents_requested",
            claim_id=claim_id,
            claim_number="У-1",
            documents=["Справка"],
        )
        assert row is not None
        message = await show_alert(app, row)
        upload = await app.press(ALICE, message, "Добавить документ")  # type: ignore[arg-type]
        assert "PDF, JPG или PNG до 5 МБ" in (upload.text or "")
        back = await app.press(ALICE, upload, "Назад")
        assert "Обращение №" in (back.text or "")

        opened = await app.press(ALICE, message, "Открыть обращение")  # type: ignore[arg-type]
        assert "Обращение №" in (opened.text or "")

        # A closed claim takes no documents: its card instead.
        mark = app.tg.mark()
        app.tg.callback(ALICE, message, AlertAction(action="upload", id=closed_id).pack())
        card = await app.tg.wait_for(
            ("sendMessage", "editMessageText"),
            lambda c: c.ok and c.params.get("chat_id") == ALICE,
            after=mark,
        )
        assert "Обращение №" in (card.text or "")

        # A payout that did not arrive: its card, with why; «Назад» to the list.
        customer_id = await customer_of(app)
        payouts = (await app.resources.cabinet.payouts(customer_id, page_size=100)).value.items
        failed = next(p for p in payouts if p.status.value == "failed")
        row = await alert(
            app,
            "payout.failed",
            payout_id=failed.id,
            amount={"amount": str(failed.amount.amount), "currency": "RUB"},
            claim_id=failed.claim_id,
            status="failed",
        )
        assert row is not None
        message = await show_alert(app, row)
        card = await app.press(ALICE, message, "Открыть выплату")  # type: ignore[arg-type]
        assert f"Выплата от {failed.paid_on:%d.%m.%Y}" in (card.text or "")
        assert "Почему не дошла: Счёт получателя закрыт" in (card.text or "")
        listing = await app.press(ALICE, card, "Назад")
        assert "<b>Выплаты</b>" in (listing.text or "")


@pytest.mark.backends("embedded")  # its subject is the check of a button, not storage
@pytest.mark.parametrize(
    "forged",
    [
        AlertAction(action="renew", id="P-someone-else"),
        AlertAction(action="upload", id="clm-someone-else"),
        AlertAction(action="payouts", id="pay-someone-else"),
    ],
)
async def test_a_forged_alert_button_is_refused_and_audited(
    migrated: Backend, forged: AlertAction
) -> None:
    async with linked_bot(migrated) as app:
        await set_prefs(app, **NO_QUIET)
        row = await alert(
            app,
            "policy.expiring",
            policy_id="P-1",
            number="ХХХ 0312345678",
            ends_on="2026-12-09",
            days_left=7,
        )
        assert row is not None
        message = await show_alert(app, row)
        mark = app.tg.mark()
        app.tg.callback(ALICE, message, forged.pack())
        said = await app.tg.wait_for(
            "sendMessage", lambda c: "Этого нет среди ваших данных" in (c.text or ""), after=mark
        )
        assert said.params["chat_id"] == ALICE
        await app.tg.wait_for("sendMessage", lambda c: "Главное меню" in (c.text or ""), after=mark)
        async with app.resources.session_factory() as session:
            refused = (
                await session.scalars(
                    select(AuditRecord).where(AuditRecord.action == "callback.refused")
                )
            ).all()
        assert [r.actor_id for r in refused] == [ALICE]


@pytest.mark.backends("embedded")  # its subject is a text
async def test_a_list_of_documents_of_any_length_fits_in_one_message(migrated: Backend) -> None:
    """The contract puts no limit on the list: 700 documents (~7,000 characters) are accepted
    and shortened to what a message holds, the rest counted."""
    async with linked_bot(migrated) as app:
        documents = [f"Документ «{n}» <копия> & оригинал" for n in range(700)]
        row = await alert(
            app,
            "claim.documents_requested",
            claim_id="c-1",
            claim_number="У-1",
            documents=documents,
        )
        assert row is not None
        shown = render_text(row.payload["text"], "HTML")
        assert len(shown) <= 4096
        assert "Документ «0» <копия> & оригинал" in shown
        assert re.search(r"… и ещё \d+", shown)


# ----------------------------------------------------------------------------- a lost link


async def ended(app: RunningBot, row_id: int) -> OutboxMessage | None:
    """The row once a worker is done with it (None: it was deleted)."""
    for _ in range(200):
        async with app.resources.session_factory() as session:
            row = await session.get(OutboxMessage, row_id)
        if row is None or row.status != "pending":
            return row
        await asyncio.sleep(0.05)
    raise AssertionError(f"outbox row {row_id} still pending")


@pytest.mark.parametrize("change", ["logout", "move", "revoke"])
async def test_an_alert_never_reaches_a_chat_that_lost_the_link_while_it_waited(
    migrated: Backend, change: str
) -> None:
    """The alert is queued (quiet hours, a 429 or a busy worker may hold it for hours); then the
    person signs out, signs in from another account, or withdraws consent; then it is sent."""
    async with linked_bot(migrated) as app:
        await set_prefs(app, **NO_QUIET)
        row = await alert(app, "certificate.ready", order_id="cro-1", number="СП-1")
        assert row is not None
        if change == "logout":
            confirm = await app.say(ALICE, "/logout")
            await app.press(ALICE, confirm, "Выйти")
        elif change == "move":
            async with httpx.AsyncClient(timeout=10) as browser:
                await linked(app, browser, BOB)
        else:
            question = await app.say(ALICE, "/revoke")
            await app.press(ALICE, question, "Отозвать")
        await app.settle()
        mark = app.tg.mark()
        worker = await create_worker(app.settings, app.resources, app.bot)
        await worker.start()
        try:
            final = await ended(app, row.id)
        finally:
            await worker.stop()
        if change == "revoke":
            assert final is None, "withdrawing consent deletes what was queued"
        else:
            assert final is not None
            assert final.status == "unlinked"
        sent_to_alice = [c for c in app.tg.calls[mark:] if c.chat_id == ALICE]
        assert not [c for c in sent_to_alice if "СП-1" in (c.text or "")], sent_to_alice
        assert all(c.chat_id != BOB for c in app.tg.calls[mark:] if "СП-1" in (c.text or ""))
