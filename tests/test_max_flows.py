"""The policyholder's flows in Max (issue 19), end to end on the fake Max over HTTP: the same
dialogs as in Telegram, seen through Max's messages, buttons and files — a policy's PDF and its
renewal, filing a claim with a document, a certificate, the payouts export, a question to
support and its answer; and a broadcast to both messengers."""

from __future__ import annotations

import asyncio
import contextlib
import io
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from notify.broadcasts import Audience, Progress, build_payload, create_broadcast, progress
from storage.accounts import Channel, account_id
from storage.models import Feedback
from tests.conftest import Backend
from tests.fake_max import Call
from tests.flows import sandbox_of
from tests.harness import RunningBot, running_bot
from tests.test_broadcasts import add_linked
from tests.test_feedback import JPEG, SUPPORT, TEXT, ask, staff_post, staff_says
from tests.test_filing import FILE_CLAIM, PDF, operator_page
from tests.test_linking import ALICE
from tests.test_max import IVAN, linked_in_max


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with running_bot(
        migrated, web_server=True, max_messenger=True, flood_rate=50, support_chat_id=SUPPORT
    ) as running:
        await linked_in_max(running)
        yield running


def labels(app: RunningBot, screen: Call) -> list[str]:
    assert app.mx is not None
    return [str(b["text"]) for b in app.mx.buttons(screen)]


async def section(app: RunningBot, button: str) -> Call:
    """/menu, then the section's button: its first screen."""
    menu = await app.max.say(IVAN, "/menu")
    return await app.max.press(IVAN, menu, button)


async def received(app: RunningBot, screen: Call, button: str) -> tuple[str, bytes]:
    """Press `button`: the file the bot sent back in Max (uploaded, then sent by its token),
    its name and content."""
    assert app.mx is not None
    mark = app.mx.mark()
    app.mx.press(IVAN, screen, button)
    sent = await app.mx.wait_for(
        "sendMessage",
        lambda c: c.ok and c.user_id == IVAN and c.message is not None and _file_of(c) is not None,
        after=mark,
    )
    file = _file_of(sent)
    assert file is not None
    return str(file["filename"]), app.mx.file_content(file["payload"]["token"])


def _file_of(call: Call) -> dict[str, Any] | None:
    attachments = (call.message or {}).get("body", {}).get("attachments") or []
    return next((a for a in attachments if a.get("type") == "file"), None)


async def test_a_policys_pdf_and_its_renewal_up_to_the_payment_link(app: RunningBot) -> None:
    assert app.mx is not None
    listing = await section(app, "📄 Полисы")
    assert "Ваши полисы" in (listing.text or "")
    label = next(label for label in labels(app, listing) if label.startswith("ОСАГО"))
    assert re.fullmatch(r"ОСАГО · .+ · № …\w{4}", label), "Max's shorter label: " + label
    kasko = await app.max.press(IVAN, listing, "КАСКО")
    assert "Полис № КС-" in (kasko.text or "")
    name, pdf = await received(app, kasko, "📎 Полис (PDF)")
    assert pdf.startswith(b"%PDF")
    assert name.endswith(".pdf")

    listing = await section(app, "📄 Полисы")
    osago = await app.max.press(IVAN, listing, "ОСАГО")
    check = await app.max.press(IVAN, osago, "Продлить")
    assert "Проверьте данные полиса" in (check.text or "")
    terms = await app.max.press(IVAN, check, "Всё верно")
    quote = await app.max.press(IVAN, terms, "12 мес.")
    assert "Расчёт продления" in (quote.text or "")
    consent = await app.max.press(IVAN, quote, "Подтвердить")
    rules = app.mx.button(consent, "Правила страхования")
    assert rules["type"] == "link", "the terms open as a link button in Max"
    pay = await app.max.press(IVAN, consent, "Согласен, перейти к оплате")
    assert "Заказ на продление создан" in (pay.text or "")
    button = app.mx.button(pay, "Оплатить")
    assert (button["type"], "/pay/" in str(button["url"])) == ("link", True)


async def test_the_claims_list_is_labelled_for_max(app: RunningBot) -> None:
    listing = await section(app, "📋 Обращения")
    claims = [label for label in labels(app, listing) if "№ У-" in label]
    assert claims, labels(app, listing)
    for label in claims:  # the status as its icon only: «🔎 № У-2026-000123 · ДТП»
        assert re.fullmatch(r"\S+ № У-\d{4}-\d{6} · .+", label), label


async def test_filing_a_claim_with_a_document(app: RunningBot) -> None:
    assert app.mx is not None
    policies = await section(app, FILE_CLAIM)
    kinds = await app.max.press(IVAN, policies, "ОСАГО")
    screen = await app.max.press(IVAN, kinds, "ДТП")
    assert "Шаг 1 из 7. Дата ДТП" in (screen.text or "")
    assert "Пн" in labels(app, screen), "the calendar fits Max's rows of seven"
    screen = await app.max.press(IVAN, screen, "Сегодня")
    screen = await app.max.say(IVAN, "Москва, Тверская ул., 5")
    screen = await app.max.press(IVAN, screen, "Европротокол")
    screen = await app.max.press(IVAN, screen, "Нет")
    screen = await app.max.say(IVAN, "86 400")
    screen = await app.max.say(IVAN, "Стоял на светофоре, сзади въехал автомобиль.")
    assert "Шаг 7 из 7. Документы" in (screen.text or "")

    notice = app.mx.add_file(PDF, "извещение.pdf")
    screen = await app.max.say(IVAN, "", file=notice)
    assert "✅ Извещение о ДТП (европротокол) — 1 файл" in (screen.text or "")
    assert "Добавлено 1 файл: извещение.pdf" in (screen.text or "")
    screen = await app.max.press(IVAN, screen, "Дальше")
    screen = await app.max.press(IVAN, screen, "Добавлю позже")
    review = await app.max.press(IVAN, screen, "Пропустить")
    assert "Проверьте заявление" in (review.text or ""), review.text
    done = await app.max.press(IVAN, review, "Отправить заявление")
    number = re.search(r"Заявление № (У-\d{4}-\d{6}) зарегистрировано", done.text or "")
    assert number, done.text
    assert (await operator_page(app)).count("извещение.pdf") == 1, "the file reached the cabinet"
    claim = await app.max.press(IVAN, done, "Открыть обращение")
    assert f"Обращение № {number[1]}" in (claim.text or "")


async def test_a_certificate_ordered_then_received_when_ready(app: RunningBot) -> None:
    assert app.mx is not None
    menu = await section(app, "🧾 Справки")
    types = await app.max.press(IVAN, menu, "Заказать справку")
    purpose = await app.max.press(IVAN, types, "Справка об отсутствии убытков")
    confirm = await app.max.press(IVAN, purpose, "Для другой страховой")
    done = await app.max.press(IVAN, confirm, "Заказать")
    number = re.search(r"Заказ № (С-\d{4}-\d{6}) принят", done.text or "")
    assert number, done.text
    orders = await app.max.press(IVAN, done, "Мои заказы")
    mine = app.mx.button(orders, number[1])
    order_id = str(mine["payload"]).rpartition(":")[2]
    for _ in ("preparing", "ready"):
        await sandbox_of(app).operator("POST", f"/certificate-orders/{order_id}/advance")
    detail = await app.max.press(IVAN, orders, number[1])
    assert "Статус: ✅ готова" in (detail.text or "")
    name, pdf = await received(app, detail, "Справка (PDF)")
    assert pdf.startswith(b"%PDF")
    assert name.endswith(".pdf")


async def test_the_payouts_exported_to_excel(app: RunningBot) -> None:
    shown = await section(app, "💰 Выплаты")
    assert "Выплаты" in (shown.text or "")
    name, xlsx = await received(app, shown, "Excel")
    assert re.fullmatch(r"payouts-\d{4}-01-01-\d{4}-\d\d-\d\d\.xlsx", name), name
    rows = list(load_workbook(io.BytesIO(xlsx)).active.iter_rows(values_only=True))
    assert rows[0][0].startswith("Выплаты · 01.01.")
    assert rows[-1][0] == "Всего отправлено"


async def test_a_question_to_support_and_the_answer_in_max(migrated: Backend) -> None:
    """The question and its screenshot are posted to the staff chat (a Telegram group: the
    picture copied from Max); the staff's reply reaches the person in Max through the
    outbox's Max lane."""
    async with running_bot(
        migrated,
        web_server=True,
        max_messenger=True,
        workers=True,
        flood_rate=50,
        support_chat_id=SUPPORT,
    ) as app:
        assert app.mx is not None
        await linked_in_max(app)
        number = await asked_in_max(app)
        await app.tg.wait_for(
            "sendMessage", lambda c: c.chat_id == SUPPORT and number in (c.text or "")
        )
        post = staff_post(app, number)
        assert TEXT in post["text"]
        shot = await app.tg.wait_for("sendPhoto", lambda c: c.chat_id == SUPPORT)
        assert shot.params["photo"].content == JPEG, "Max's picture, copied into Telegram"

        mark = app.mx.mark()
        staff_says(app, "Исправим <сегодня> & сообщим.", reply_to_message_id=post["message_id"])
        answer = await app.mx.wait_for("sendMessage", lambda c: c.user_id == IVAN, after=mark)
        assert answer.message is not None
        assert answer.message["body"]["text"] == (
            f"Ответ поддержки на ваш вопрос № {number}\n\nИсправим <сегодня> & сообщим."
        )


async def test_a_broadcast_reaches_both_messengers_once_each_within_their_limits(
    migrated: Backend,
) -> None:
    """One broadcast to people in Telegram and in Max: each lane sends at its own messenger's
    pace (the fakes refuse more than 30 requests a second, Telegram's one a second per chat
    too), nobody gets it twice, nobody is left out, and no request is refused."""
    people = range(8001, 8041)
    async with running_bot(migrated, max_messenger=True, workers=True) as app:
        assert app.mx is not None
        app.tg.set_rate_limits(rate_limit_global=30, rate_limit_per_chat=1)
        app.mx.rate_limit = 30
        factory = app.resources.session_factory
        async with factory() as session:
            accounts = [*people, *(account_id(Channel.MAX, n) for n in people)]
            await add_linked(session, accounts)
            await session.commit()
            broadcast = await create_broadcast(
                session,
                payload=build_payload("<b>Плановые работы</b> в субботу"),
                audience=Audience("all"),
                category="service",
            )
        final = await finished(factory, broadcast.id)
        assert (final.status, final.sent, final.failed) == ("done", 2 * len(people), 0)
        in_telegram = [c.params["chat_id"] for c in app.tg.calls_of("sendMessage", ok=True)]
        in_max = [c.params["user_id"] for c in app.mx.calls_of("sendMessage", ok=True)]
        assert sorted(in_telegram) == list(people), "each Telegram user once"
        assert sorted(in_max) == list(people), "each Max user once"
        assert app.mx.sent_texts(people[0]) == ["Плановые работы в субботу"]
        assert (app.tg.rate_limited, app.mx.rate_limited) == (0, 0)


async def finished(
    factory: async_sessionmaker[AsyncSession],
    broadcast_id: int,
    timeout: float = 30,  # noqa: ASYNC109
) -> Progress:
    """The broadcast's progress once it is over (polled, within `timeout` seconds)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        async with factory() as session:
            now = await progress(session, broadcast_id)
        assert now is not None
        if now.final:
            return now
        assert loop.time() < deadline, now
        await asyncio.sleep(0.1)


async def test_a_message_without_buttons_has_the_menu_button_in_max(app: RunningBot) -> None:
    """Max has no menu button by the input: /help's answer (no buttons in Telegram, where that
    button is) comes with «🏠 Главное меню», which opens the menu."""
    assert app.mx is not None
    help_ = await app.max.say(IVAN, "/help")
    assert "Помощь" in (help_.text or "")
    assert labels(app, help_) == ["🏠 Главное меню"]
    menu = await app.max.press(IVAN, help_, "Главное меню")
    assert "Главное меню" in (menu.text or "")
    assert len(labels(app, menu)) > 1, "the menu's own buttons, not the extra one"


async def test_a_broadcasts_picture_is_uploaded_to_max_once_for_every_recipient(
    migrated: Backend,
) -> None:
    """The admin's picture is a Telegram file id: Telegram's recipients get it by that id;
    in Max it is downloaded from Telegram once, uploaded once, and every Max recipient gets
    the same upload."""
    people = range(8101, 8104)
    async with running_bot(migrated, max_messenger=True, workers=True) as app:
        assert app.mx is not None
        app.tg.add_file("broadcast-photo", JPEG)
        factory = app.resources.session_factory
        async with factory() as session:
            await add_linked(session, [8100, *(account_id(Channel.MAX, n) for n in people)])
            await session.commit()
            broadcast = await create_broadcast(
                session,
                payload=build_payload("Новый офис", photo="broadcast-photo"),
                audience=Audience("all"),
                category="service",
            )
        final = await finished(factory, broadcast.id)
        assert (final.sent, final.failed) == (1 + len(people), 0)
        (photo,) = app.tg.calls_of("sendPhoto", ok=True)
        assert (photo.params["chat_id"], photo.params["photo"]) == (8100, "broadcast-photo")
        assert app.mx.count("getUploadUrl") == 1, "one upload for every Max recipient"
        sent = app.mx.calls_of("sendMessage", ok=True)
        assert sorted(c.params["user_id"] for c in sent) == list(people)
        tokens = set()
        for call in sent:
            assert call.message is not None
            (image,) = call.message["body"]["attachments"]
            assert image["type"] == "image"
            tokens.add(image["payload"]["token"])
            assert call.message["body"]["text"] == "Новый офис"
        (token,) = tokens
        assert app.mx.file_content(token) == JPEG, "Telegram's picture, in Max"


async def test_the_staff_chat_in_max_answers_a_question_from_telegram(migrated: Backend) -> None:
    """SUPPORT_CHAT_MESSENGER=max: support works in a Max group chat. A question from
    Telegram (its screenshot copied into Max) is posted there; a staff member's reply in Max
    reaches the person in Telegram and marks the post; /overdue answers in the chat."""
    staff_chat, staff_member = STAFF_CHAT, 9001
    async with staff_in_max(migrated, workers=True) as app:
        assert app.mx is not None
        await app.consent(ALICE)
        number = await ask(app, ALICE, photo=app.tg.add_file("photo-1", JPEG))
        post = await app.mx.wait_for(
            "sendMessage", lambda c: c.chat_id == staff_chat and number in (c.text or "")
        )
        assert post.message is not None
        mid = post.message["body"]["mid"]
        assert app.mx.buttons(post) == [], "no person's menu button in the staff chat"
        async with app.resources.session_factory() as session:
            (row,) = await session.scalars(select(Feedback))
        assert row.staff_message_id == post.message["body"]["seq"], "Max's own, durable number"
        shot = await app.mx.wait_for(
            "sendMessage", lambda c: c.chat_id == staff_chat and _image_of(c) is not None
        )
        image = _image_of(shot)
        assert image is not None
        assert app.mx.file_content(image["payload"]["token"]) == JPEG, "copied from Telegram"
        assert shot.message is not None
        assert shot.message["link"]["message"]["mid"] == mid, "a reply to the post"

        mark = app.tg.mark()
        app.mx.message_created(
            staff_member, "Исправим <сегодня>.", chat_id=staff_chat, reply_to=mid
        )
        answer = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == ALICE, after=mark)
        assert answer.message is not None
        assert answer.message["text"] == (
            f"Ответ поддержки на ваш вопрос № {number}\n\nИсправим <сегодня>."
        )
        await app.mx.wait_for("editMessage", lambda c: c.message_id == mid)
        assert app.mx.message(mid)["body"]["text"].endswith("✅ Отвечено")

        # The staff deleted the post; the person writes more: the follow-up is posted anyway
        # (no reply to a message that is gone), and the staff's reply to it reaches them.
        del app.mx.messages[mid]
        prompt = await app.press(ALICE, answer, "✍️ Ответить")
        assert f"Вопрос № {number}" in (prompt.text or "")
        mark = app.mx.mark()
        app.tg.user_message(ALICE, "Яндекс Браузер на Android.")
        follow_up = await app.mx.wait_for(
            "sendMessage", lambda c: c.ok and c.chat_id == staff_chat, after=mark
        )
        assert follow_up.message is not None
        assert "Яндекс Браузер на Android." in follow_up.message["body"]["text"]
        assert "link" not in follow_up.message
        await app.settle()  # the follow-up recorded (the staff read it before they reply)
        mark = app.tg.mark()
        app.mx.message_created(
            staff_member, "Обновите браузер.", chat_id=staff_chat,
            reply_to=follow_up.message["body"]["mid"],
        )  # fmt: skip
        again = await app.tg.wait_for(
            "sendMessage",
            lambda c: c.chat_id == ALICE and "Обновите браузер." in (c.text or ""),
            after=mark,
        )
        assert again.message is not None
        assert again.message["text"] == (
            f"Ответ поддержки на ваш вопрос № {number}\n\nОбновите браузер."
        )

        mark = app.mx.mark()
        app.mx.message_created(staff_member, "/overdue", chat_id=staff_chat)
        listed = await app.mx.wait_for("sendMessage", lambda c: c.chat_id == staff_chat, after=mark)
        assert "48" in (listed.text or ""), listed.text

        # A person whose Max id is the staff chat's, negated, is a person: their chat is
        # theirs, and the staff's commands are not theirs.
        namesake = -staff_chat
        mark = app.mx.mark()
        hello = await app.max.start(namesake)
        assert hello.user_id == namesake
        app.mx.message_created(namesake, "/overdue")
        await app.settle()
        to_staff = [c for c in app.mx.calls[mark:] if c.chat_id == staff_chat]
        assert to_staff == [], "nothing of theirs reached the staff chat"
        assert not any("48" in text for text in app.mx.sent_texts(namesake))


async def test_a_question_from_max_with_a_picture_to_the_staff_chat_in_max(
    migrated: Backend,
) -> None:
    """Both in Max: the person's picture is a file of Max's, downloaded and uploaded again
    into the staff chat (Max sends only what the bot uploads)."""
    staff_chat = STAFF_CHAT
    async with staff_in_max(migrated) as app:
        assert app.mx is not None
        await app.max.consent(IVAN)
        await asked_in_max(app)
        shot = await app.mx.wait_for(
            "sendMessage", lambda c: c.chat_id == staff_chat and _image_of(c) is not None
        )
        image = _image_of(shot)
        assert image is not None
        assert app.mx.file_content(image["payload"]["token"]) == JPEG


STAFF_CHAT = -70555  # Max's id of the staff's group chat


@contextlib.asynccontextmanager
async def staff_in_max(migrated: Backend, **overrides: Any) -> AsyncIterator[RunningBot]:
    """The bot with its staff chat in Max (SUPPORT_CHAT_MESSENGER=max), the bot in it."""
    async with running_bot(
        migrated,
        max_messenger=True,
        flood_rate=50,
        support_chat_id=STAFF_CHAT,
        support_chat_messenger="max",
        **overrides,
    ) as app:
        assert app.mx is not None
        app.mx.add_group(STAFF_CHAT)
        yield app


async def asked_in_max(app: RunningBot) -> str:
    """A question from IVAN in Max, with a picture: its number."""
    assert app.mx is not None
    start = await section(app, "💬 Поддержка и отзывы")
    topics = await app.max.press(IVAN, start, "❓ Задать вопрос в поддержку")
    typing = await app.max.press(IVAN, topics, "🐞 Ошибка")
    assert "символов" in (typing.text or "")
    attach = await app.max.say(IVAN, TEXT)
    assert "Скриншот" in (attach.text or "")
    screenshot = app.mx.add_file(JPEG, "screen.jpg", kind="image")
    confirm = await app.max.say(IVAN, "", file=screenshot)
    assert "📎 Скриншот приложен" in (confirm.text or "")
    done = await app.max.press(IVAN, confirm, "Отправить")
    sent = re.search(r"Вопрос № (\S+) отправлен", done.text or "")
    assert sent, done.text
    return sent[1]


def _image_of(call: Call) -> dict[str, Any] | None:
    attachments = (call.message or {}).get("body", {}).get("attachments") or []
    return next((a for a in attachments if a.get("type") == "image"), None)
