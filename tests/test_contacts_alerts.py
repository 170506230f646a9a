"""The phone or the e-mail changed in the cabinet, as the person is warned of it: changed by
the insurer's staff (the sandbox operator console) → a security alert in the chat, sent at once
during quiet hours and with every alert category switched off, with the new value masked as
the cabinet masks it and the insurer's hotline, in both privacy modes; changed in the chat
itself → that chat, which said «E-mail изменён», is not told again, and another chat linked to
the same customer is; the configured support contacts while the cabinet cannot give the
hotline. The strict mode's web page: tests/test_contacts_strict.py."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from notify.alerts import CATEGORIES
from storage.models import Event, Link
from tests.conftest import Backend
from tests.fake_telegram import Call, render_text
from tests.flows import linked_bot, sandbox_of
from tests.harness import RunningBot
from tests.test_alerts import event, rows_of, set_prefs
from tests.test_contacts import NEW, asked_for_a_code, code_sent, typed
from tests.test_events import customer_of, post
from tests.test_linking import ALICE, BOB

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

MOSCOW = ZoneInfo("Europe/Moscow")
WARNING = "в личном кабинете изменён"
HOTLINE = "8 800 555-00-55"  # the sandbox cabinet's getInsurerContacts


def seen(call: Call) -> str:
    return render_text(call.text or "", "HTML")


def quiet_now() -> dict[str, Any]:
    """Quiet hours from an hour ago to two hours on (Moscow): a non-urgent alert would wait."""
    now = dt.datetime.now(MOSCOW)
    start, end = now - dt.timedelta(hours=1), now + dt.timedelta(hours=2)
    return {"quiet_from": start.strftime("%H:%M"), "quiet_to": end.strftime("%H:%M")}


async def delivered(app: RunningBot, kind: str) -> dict[str, Any]:
    """The newest event of `kind` the sandbox cabinet made, once the bot acknowledged it (so
    its alert rows, if any, are committed)."""
    deadline = asyncio.get_running_loop().time() + 20
    while True:
        deliveries = await sandbox_of(app).operator("GET", "/events")
        found = [d for d in deliveries if d["event"]["type"] == kind]
        if found and found[-1]["status"] == "delivered":
            return dict(found[-1]["event"])
        assert asyncio.get_running_loop().time() < deadline, f"no {kind} delivered: {found}"
        await asyncio.sleep(0.05)


async def test_a_phone_changed_at_the_office_warns_the_chat_at_once(
    migrated: Backend, privacy: str
) -> None:
    async with linked_bot(migrated, privacy=privacy, workers=True) as app:
        await set_prefs(app, alerts_off=list(CATEGORIES), **quiet_now())
        customer = await customer_of(app)
        mark = app.tg.mark()

        answer = await sandbox_of(app).operator(
            "POST",
            f"/customers/{customer}/contacts",
            json={"kind": "phone", "value": "+79161234567", "source": "office"},
        )

        (event,) = answer["events"]
        assert event["data"] == {"kind": "phone", "value": "+7 ••• •••-••-67", "source": "office"}
        at = dt.datetime.fromisoformat(event["occurred_at"]).astimezone(MOSCOW)
        sent = await app.tg.wait_for(
            "sendMessage",
            lambda c: c.chat_id == ALICE and WARNING in (c.text or ""),
            after=mark,
            timeout=20,
        )
        # The same words in both modes: the cabinet masked the number, nothing else is personal.
        assert seen(sent) == (
            f"🔐 Телефон в личном кабинете изменён на +7 ••• •••-••-67 — {at:%d.%m.%Y, %H:%M}, "
            "в офисе страховой компании.\n"
            f"Если это были не вы — сразу позвоните в страховую компанию: {HOTLINE}."
        )
        assert "916" not in (sent.text or "")
        shown = await app.press(ALICE, sent, "📇 Контактные данные")
        phone = "+7 916 123-45-67" if privacy == "full" else "+7 ••• •••-••-67"
        assert f"Телефон: {phone}" in (shown.text or ""), "the contacts as they are now"


async def test_an_email_changed_in_the_chat_is_not_told_there_twice(migrated: Backend) -> None:
    """ALICE changes the e-mail in the chat; BOB's chat is linked to the same customer (another
    identity the cabinet resolves to the same person): BOB is warned, ALICE only sees her own
    «E-mail изменён»."""
    async with linked_bot(migrated, workers=True) as app:
        customer = await customer_of(app)
        await app.consent(BOB)
        async with app.resources.session_factory() as session:
            session.add(
                Link(
                    user_id=BOB,
                    provider="oidc",
                    subject="the-same-person-at-the-gateway",
                    customer_id=customer,
                    level="trusted",
                    display_name="Иван И.",
                )
            )
            await session.commit()
        mark = app.tg.mark()

        await asked_for_a_code(app)
        done = await typed(app, await code_sent(app, NEW))
        assert "✅ E-mail изменён." in (done.text or "")

        warned = await app.tg.wait_for(
            "sendMessage",
            lambda c: c.chat_id == BOB and WARNING in (c.text or ""),
            after=mark,
            timeout=20,
        )
        assert seen(warned).startswith("🔐 E-mail в личном кабинете изменён на n•••@example.org — ")
        assert ", в чат-боте.\n" in seen(warned)
        event = await delivered(app, "contacts.changed")
        assert event["data"]["source"] == "bot"
        assert event["data"]["change_id"]
        assert [row.chat_id for row in await rows_of(app, event["event_id"])] == [BOB]
        to_alice = [c for c in app.tg.calls[mark:] if c.chat_id == ALICE]
        assert to_alice, "ALICE's own screens"
        assert not [c for c in to_alice if WARNING in (c.text or "")]


async def test_a_change_made_elsewhere_warns_even_the_chat_that_changed_the_other_contact(
    migrated: Backend,
) -> None:
    """The chat remembers the changes it made, not the customer: the website's change of the
    phone after the chat changed the e-mail is told to the chat."""
    async with linked_bot(migrated, workers=True) as app:
        await asked_for_a_code(app)
        await typed(app, await code_sent(app, NEW))
        bot_event = await delivered(app, "contacts.changed")
        assert await rows_of(app, bot_event["event_id"]) == []
        mark = app.tg.mark()
        await sandbox_of(app).operator(
            "POST",
            f"/customers/{await customer_of(app)}/contacts",
            json={"kind": "phone", "value": "+79990001122", "source": "website"},
        )
        sent = await app.tg.wait_for(
            "sendMessage",
            lambda c: c.chat_id == ALICE and WARNING in (c.text or ""),
            after=mark,
            timeout=20,
        )
        assert "Телефон в личном кабинете изменён на +7 ••• •••-••-22" in seen(sent)
        assert ", на сайте страховой компании." in seen(sent)


async def test_the_support_contacts_stand_in_while_the_cabinet_is_down(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        await sandbox_of(app).switches(down=True)
        data = {"kind": "email", "value": "i•••@mail.ru", "source": "mobile_app"}
        body = event(await customer_of(app), "contacts.changed", data)
        assert (await post(app, body)).status_code == 204
        (row,) = await rows_of(app, body["event_id"])
        text = render_text(row.payload["text"], "HTML")
        assert "E-mail в личном кабинете изменён на i•••@mail.ru" in text
        assert "в мобильном приложении" in text
        support = app.settings.staff.support_contacts
        assert f"Если это были не вы — сразу свяжитесь со страховой компанией: {support}." in text
        async with app.resources.session_factory() as session:
            stored = await session.get(Event, body["event_id"])
        assert stored is not None
        assert stored.recipients == 1


async def test_the_settings_say_it_cannot_be_switched_off(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        settings = await app.say(ALICE, "/settings")
        alerts = await app.press(ALICE, settings, "Уведомления")
        assert "Предупреждения о смене контактов не отключаются" in (alerts.text or "")
        buttons = [str(b["text"]) for b in app.tg.buttons(alerts)]
        assert not [b for b in buttons if "онтакт" in b], buttons
