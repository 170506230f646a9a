"""A premium refund among the payouts, as Ли (the sandbox's test citizen whose DMS programme
lost its dental cover, and part of the premium came back) sees it: in the list it names the
policy, not a claim; its card offers «📄 Открыть полис», and the policy's «Назад» comes back;
the type filter shows it alone; the XLSX and PDF statements carry its policy; and a refund the
insurer makes (the operator console) is announced, and fails, with the policy named — in both
privacy modes."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import AsyncIterator
from decimal import Decimal

import httpx
import pytest
from openpyxl import load_workbook

from cabinet.models import Payout, PayoutStatus, PayoutType, PolicySummary
from tests.conftest import Backend
from tests.flows import linked_bot, open_section, receive, sandbox_of
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_contacts_alerts import seen
from tests.test_events import customer_of
from tests.test_linking import ALICE
from tests.test_payouts import open_payout, shows_amount, twelve_months
from tests.test_sandbox_cabinet import pdf_text

pytestmark = pytest.mark.backends("embedded")

LEE = "1000322318"  # the sandbox ESIA's Ли Александр: a premium refund among his payouts
PURPOSE = "из программы исключена стоматология"


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy, oid=LEE) as running:
        yield running


async def the_refund(app: RunningBot) -> Payout:
    reading = await app.resources.cabinet.payouts(
        await customer_of(app), kind=PayoutType.PREMIUM_REFUND, page_size=100
    )
    (refund,) = reading.value.items
    assert refund.policy_number is not None
    assert refund.claim_id is None
    return refund


def shown_number(number: str, privacy: str) -> str:
    return number if privacy == "full" else f"…{number[-4:]}"


async def test_the_refund_in_the_list_and_its_card_opens_the_policy(
    app: RunningBot, privacy: str
) -> None:
    refund = await the_refund(app)
    assert refund.policy_number is not None
    number = shown_number(refund.policy_number, privacy)
    listing = await app.press(ALICE, await open_section(app, "💰 Выплаты"), "12 месяцев")
    text = seen(listing)
    assert f"{refund.paid_on:%d.%m.%Y} · " in text
    assert f"возврат премии по полису № {number}" in text
    assert "обращение № " in text, "the payouts under claims are there too"
    if privacy == "full":
        assert f"Получатель {refund.recipient} · возврат премии по полису № {number}" in text
        assert shows_amount(text, refund.amount.amount), text
    else:
        assert refund.policy_number not in text
        assert "₽" not in text

    card = await open_payout(app, listing, refund.id)
    text = seen(card)
    assert f"Выплата от {refund.paid_on:%d.%m.%Y}" in text
    assert "Статус: отправлена · возврат премии" in text
    assert f"Полис № {number}" in text
    assert "Обращение" not in text
    buttons = [str(b["text"]) for b in app.tg.buttons(card)]
    assert "📄 Открыть полис" in buttons
    assert not [b for b in buttons if "обращение" in b], buttons
    if privacy == "full":
        assert shows_amount(text, refund.amount.amount)
        assert (
            f"Назначение платежа: Возврат части страховой премии по полису "
            f"{refund.policy_number}: {PURPOSE}. НДС не облагается." in text
        )
    else:
        assert "₽" not in text
        assert PURPOSE not in text
        page = await receive(app, card, "Подробнее")
        assert refund.policy_number in page.content.decode()
        assert PURPOSE in page.content.decode()

    policy = await app.press(ALICE, card, "Открыть полис")
    assert f"Полис № {number}" in seen(policy)
    assert "ДМС" in seen(policy)
    back = await app.press(ALICE, policy, "Назад")
    assert f"Выплата от {refund.paid_on:%d.%m.%Y}" in seen(back), "back to the refund's card"
    listing = await app.press(ALICE, back, "Назад")
    assert app.tg.button(listing, "✅ 12 месяцев")


async def test_the_type_filter_and_the_statements(app: RunningBot, privacy: str) -> None:
    refund = await the_refund(app)
    assert refund.policy_number is not None
    start, end = twelve_months()
    listing = await app.press(ALICE, await open_section(app, "💰 Выплаты"), "12 месяцев")

    pdf = await receive(app, listing, "PDF")  # every payout of the period
    text = " ".join(pdf_text(pdf.content).split())  # a table cell's text wraps
    assert "Обращение Полис (возврат премии)" in text
    assert refund.policy_number in text

    choosing = await app.press(ALICE, listing, "Фильтр")
    assert app.tg.button(choosing, "возврат премии")
    chosen = await app.press(ALICE, choosing, "возврат премии")
    assert app.tg.button(chosen, "✅ возврат премии")
    shown = await app.press(ALICE, chosen, "Показать")
    text = seen(shown)
    assert "Фильтр: возврат премии" in text
    assert "обращение № " not in text
    assert f"возврат премии по полису № {shown_number(refund.policy_number, privacy)}" in text
    if privacy == "full":
        assert "Выплат: 1 · всего отправлено:" in text
        assert shows_amount(text.rpartition("отправлено:")[2], refund.amount.amount)
    else:
        assert "Выплат: 1." in text

    xlsx = await receive(app, shown, "Excel")
    assert xlsx.filename == f"payouts-{start.isoformat()}-{end.isoformat()}-premium_refund.xlsx"
    rows = list(load_workbook(io.BytesIO(xlsx.content)).active.iter_rows(values_only=True))
    assert rows[0][0] == f"Выплаты · {start:%d.%m.%Y} — {end:%d.%m.%Y} · возврат премии"
    assert rows[1][4:] == ("Обращение", "Полис (возврат премии)")
    (row,) = rows[2:-1]
    assert row[0].date() == refund.paid_on
    assert Decimal(str(row[1])) == refund.amount.amount
    assert row[2:] == ("отправлена", refund.recipient, None, refund.policy_number)
    assert rows[-1][0] == "Всего отправлено"
    assert Decimal(str(rows[-1][1])) == refund.amount.amount


async def dms_of(app: RunningBot) -> PolicySummary:
    policies = await app.resources.cabinet.policies(await customer_of(app), page_size=100)
    return next(p for p in policies.value.items if p.product.value == "dms")


async def test_a_refund_the_insurer_makes_is_announced_and_its_failure_too(
    migrated: Backend, privacy: str
) -> None:
    async with linked_bot(migrated, privacy=privacy, oid=LEE, workers=True) as app:
        await set_prefs(app, **NO_QUIET)
        dms = await dms_of(app)
        number = shown_number(dms.number, privacy)
        mark = app.tg.mark()
        made = await sandbox_of(app).operator(
            "POST", f"/policies/{dms.id}/refund", json={"amount": "1250.50", "reason": PURPOSE}
        )
        (event,) = made["events"]
        assert event["data"]["type"] == "premium_refund"
        assert "claim_id" not in event["data"]
        sent = await app.tg.wait_for(
            "sendMessage",
            lambda c: c.chat_id == ALICE and "озврат премии" in (c.text or ""),
            after=mark,
            timeout=20,
        )
        text = seen(sent)
        if privacy == "full":
            assert text.startswith("💸 Возврат премии отправлен: ")
            assert shows_amount(text, Decimal("1250.50"))
            assert f"по полису № {dms.number}." in text
        else:
            assert text.startswith(f"💸 Возврат премии по полису № {number} отправлен.")
            assert "₽" not in text
            assert dms.number not in text
        card = await app.press(ALICE, sent, "Открыть выплату")
        assert f"Выплата от {dt.datetime.now(dt.UTC):%d.%m.%Y}" in seen(card)
        assert "Статус: отправлена · возврат премии" in seen(card)
        assert app.tg.button(card, "Открыть полис")

        payout_id = event["data"]["payout_id"]
        mark = app.tg.mark()
        await sandbox_of(app).operator(
            "POST",
            f"/payouts/{payout_id}/fail",
            json={"status": "returned", "reason": "Счёт закрыт."},
        )
        back = await app.tg.wait_for(
            "sendMessage",
            lambda c: c.chat_id == ALICE and "вернулся" in (c.text or ""),
            after=mark,
            timeout=20,
        )
        assert f"по полису № {number} вернулся" in seen(back)
        assert ("Счёт закрыт." in seen(back)) == (privacy == "full")
        card = await app.press(ALICE, back, "Открыть выплату")
        assert "Статус: возвращена · возврат премии" in seen(card)
        reading = await app.resources.cabinet.payouts(
            await customer_of(app), status=PayoutStatus.RETURNED, page_size=100
        )
        assert [p.id for p in reading.value.items] == [payout_id]


async def test_a_refund_is_more_than_nothing_and_no_more_than_the_premium(
    migrated: Backend,
) -> None:
    async with linked_bot(migrated, oid=LEE) as app:
        dms = await dms_of(app)
        path = f"{app.settings.web.public_url}/sandbox/cabinet/operator/policies/{dms.id}/refund"
        async with httpx.AsyncClient(timeout=10) as http:
            for amount in ("0", f"{dms.premium.amount + 1:.2f}", "-5", "много"):
                answer = await http.post(path, json={"amount": amount, "reason": PURPOSE})
                assert answer.status_code == 422, (amount, answer.text)
                assert re.search("validation_failed", answer.text)
