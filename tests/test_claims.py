"""Обращения, as a linked user sees them in both privacy modes: the list with status badges, a
claim's timeline and next step, a clarification, documents (and the files refused before they
are downloaded), the report PDF, a cabinet outage that loses nothing, and a forged button."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from bot.flows.claims_input import safe_filename
from cabinet.models import ClaimStatus
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import button_starting, linked_bot, open_section, press_forged, receive, sandbox_of
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_events import customer_of
from tests.test_linking import ALICE

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

SPACE = r"[\s\u00a0\u202f]"  # between a Russian number's groups of digits
RUSSIAN_AMOUNT = rf"\d{{1,3}}({SPACE}\d{{3}})*,\d{{2}} ₽"
MB = 1024 * 1024
PDF = b"%PDF-1.4\n% a scan of the traffic police certificate\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy) as running:
        yield running


async def claim(app: RunningBot, badge: str) -> Call:
    """The details of the customer's claim with that status badge (the sandbox gives Иванов
    one claim in each of: 📥 awaiting documents, 🔍 in review, ✅ approved, 💸 paid, 🗂 closed)."""
    listing = await open_section(app, "📋 Обращения")
    assert "Ваши обращения" in (listing.text or "")
    return await app.press(ALICE, listing, button_starting(app, listing, badge))


def screen_after(app: RunningBot, mark: int) -> Call:
    """The first screen (a message with buttons) sent after `mark`, already received."""
    return next(
        c
        for c in app.tg.calls[mark:]
        if c.method == "sendMessage" and c.params.get("chat_id") == ALICE and app.tg.buttons(c)
    )


async def answered(app: RunningBot, mark: int) -> tuple[str, Call]:
    """What the bot said about the user's input, and the step's screen sent again below it."""
    said = await app.tg.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == ALICE, after=mark
    )
    await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and bool(app.tg.buttons(c)),
        after=mark,
    )
    return said.text or "", screen_after(app, mark)


async def send(app: RunningBot, text: str | None = None, **media: Any) -> tuple[str, Call]:
    mark = app.tg.mark()
    app.tg.user_message(ALICE, text, **media)
    return await answered(app, mark)


async def press(app: RunningBot, screen: Call, button: str) -> tuple[str, Call]:
    mark = app.tg.mark()
    app.tg.press(ALICE, screen, button)
    return await answered(app, mark)


async def operator_page(app: RunningBot) -> str:
    """The sandbox's operator console: each claim's documents and last messages."""
    async with httpx.AsyncClient(timeout=10) as browser:
        page = await browser.get(sandbox_of(app).base_url + "/operator")
    page.raise_for_status()
    return page.text


async def test_the_list_and_the_details(app: RunningBot, privacy: str) -> None:
    listing = await open_section(app, "📋 Обращения")
    texts = [str(b["text"]) for b in app.tg.buttons(listing)]
    for label in (
        "📥 нужны документы",
        "🔍 на рассмотрении",
        "✅ одобрено",
        "💸 выплачено",
        "🗂 закрыто",
    ):
        assert any(text.startswith(label) for text in texts), (label, texts)
    waiting = button_starting(app, listing, "📥")
    detail = await app.press(ALICE, listing, waiting)
    text = detail.text or ""
    assert "Обращение №" in text
    assert "Повреждение автомобиля" in text
    assert re.search(r"Заявлено: \d\d\.\d\d\.\d{4}", text), text
    timeline = text.split("Ход рассмотрения")[1].split("Что дальше")[0]
    steps = re.findall(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d — (.+)", timeline)
    assert steps == ["зарегистрировано", "на рассмотрении", "ждём документы"], timeline
    assert "Загрузите запрошенные документы" in text
    for button in ("Запросить уточнение", "Добавить документ", "Сохранить отчёт"):
        assert app.tg.button(detail, button)
    if privacy == "full":
        assert "…" not in waiting
        assert re.search(f"Заявленная сумма: {RUSSIAN_AMOUNT}", text), text
        assert "Полис №" in text
        assert "справка из ГИБДД" in text  # the handler's comment and the documents asked for
    else:  # no amounts, no policy, no comments; the number masked to its last 4 characters
        assert re.search(r"№ …\d{4} ·", waiting), waiting
        assert re.search(r"Обращение № …\d{4}</b>", text), text
        assert "₽" not in text
        assert "Полис" not in text
        assert "ГИБДД" not in text
        page = await receive(app, detail, "Подробнее")
        assert page.content_type.startswith("text/html")
        body = page.content.decode()
        assert re.search(RUSSIAN_AMOUNT, body)
        assert "справка из ГИБДД" in body
        assert "ждём документы" in body
    back = await app.press(ALICE, detail, "Назад")
    assert "Ваши обращения" in (back.text or "")
    menu = await app.press(ALICE, back, "Назад")
    assert "Главное меню" in (menu.text or "")


async def test_a_closed_claim_takes_nothing_more(app: RunningBot) -> None:
    detail = await claim(app, "🗂")
    text = detail.text or ""
    assert "Статус: 🗂 закрыто" in text
    assert "Дело закрыто. Действий не требуется." in text
    texts = [str(b["text"]) for b in app.tg.buttons(detail)]
    assert not any("Запросить уточнение" in t or "Добавить документ" in t for t in texts)
    assert any("Сохранить отчёт" in t for t in texts)


async def test_the_report_pdf(app: RunningBot, privacy: str) -> None:
    report = await receive(app, await claim(app, "💸"), "Сохранить отчёт")
    assert report.content.startswith(b"%PDF")
    assert report.filename
    assert report.filename.endswith(".pdf")
    assert (report.link is None) == (privacy == "full")


async def test_a_clarification(app: RunningBot) -> None:
    detail = await claim(app, "📥")
    prompt = await app.press(ALICE, detail, "Запросить уточнение")
    assert re.search(rf"до 2{SPACE}000 символов", prompt.text or ""), prompt.text
    back = await app.press(ALICE, prompt, "Назад")
    assert "Обращение №" in (back.text or "")
    prompt = await app.press(ALICE, back, "Запросить уточнение")

    app.tg.add_file("photo-1", JPEG)
    said, again = await send(app, photo="photo-1")
    assert "только текстом" in said
    assert "Запрос уточнения" in (again.text or "")  # the step repeats
    said, again = await send(app, "а" * 2001)
    assert re.search(rf"длиннее 2{SPACE}000 символов \(в нём 2{SPACE}001\)", said), said
    assert "Запрос уточнения" in (again.text or "")

    question = "Когда ждать решения по справке из ГИБДД?"
    said, screen = await send(app, question)
    assert "Сообщение отправлено" in said
    assert "Обращение №" in (screen.text or "")
    assert (await operator_page(app)).count(question) == 1


async def test_adding_documents(app: RunningBot, privacy: str) -> None:
    detail = await claim(app, "📥")
    uploaded = re.search(r"Загружено документов: (\d+)", detail.text or "")
    prompt = await app.press(ALICE, detail, "Добавить документ")
    assert "PDF, JPG или PNG до 5 МБ" in (prompt.text or "")
    back = await app.press(ALICE, prompt, "Назад")
    assert "Обращение №" in (back.text or "")
    await app.press(ALICE, back, "Добавить документ")

    said, again = await send(app, "вот мой документ")
    assert "Нужен файл" in said
    assert "Добавить документ" in (again.text or "")
    # Refused from what Telegram says about the file, before anything is downloaded.
    downloads = app.tg.count("getFile")
    big = app.tg.add_file(
        "big", PDF, file_size=6 * MB, file_name="scan.pdf", mime_type="application/pdf"
    )
    said, again = await send(app, document=big)
    assert "Файл слишком большой: 6 МБ, а можно не больше 5 МБ" in said
    assert "Добавить документ" in (again.text or "")
    word = app.tg.add_file("word", PDF, file_name="заявление.docx", mime_type="application/msword")
    said, _ = await send(app, document=word)
    assert "принимаются только PDF, JPG и PNG" in said
    assert app.tg.count("getFile") == downloads
    # A name that lies about the content is caught after the download.
    fake = app.tg.add_file("fake", b"MZ\x90\x00", file_name="scan.pdf", mime_type="application/pdf")
    said, _ = await send(app, document=fake)
    assert "принимаются только PDF, JPG и PNG" in said

    scan = app.tg.add_file("scan", PDF, file_name="gibdd.pdf", mime_type="application/pdf")
    said, screen = await send(app, document=scan)
    assert "Документ добавлен" in said
    assert "Обращение №" in (screen.text or "")
    await app.press(ALICE, screen, "Добавить документ")
    app.tg.add_file("damage", JPEG)
    said, screen = await send(app, photo="damage")
    assert "Документ добавлен" in said
    page = await operator_page(app)
    assert page.count("gibdd.pdf") == 1
    assert page.count("photo-") == 1
    if privacy == "full":
        assert re.search(r"Загруженные документы: .*gibdd\.pdf, photo-\w+\.jpg", screen.text or "")
    else:
        assert uploaded is not None
        assert f"Загружено документов: {int(uploaded[1]) + 2}" in (screen.text or "")
        assert "gibdd" not in (screen.text or "")


async def test_a_conversation_with_the_handler(migrated: Backend, privacy: str) -> None:
    """The handler asks on the operator page; the alert brings the question (full) and a
    button to answer; the answer goes back; the card shows both and whose turn it is."""
    async with linked_bot(migrated, privacy=privacy, workers=True) as app:
        await set_prefs(app, **NO_QUIET)
        customer_id = await customer_of(app)
        claims = (await app.resources.cabinet.claims(customer_id, page_size=100)).value.items
        in_review = next(c for c in claims if c.status is ClaimStatus.IN_REVIEW)
        question = "Уточните, пожалуйста, где стоял автомобиль?"
        mark = app.tg.mark()
        await sandbox_of(app).operator(
            "POST", f"/claims/{in_review.id}/messages", json={"text": question}
        )
        alert = await app.tg.wait_for(
            "sendMessage",
            lambda c: c.params.get("chat_id") == ALICE and "специалист" in (c.text or "").lower(),
            after=mark,
            timeout=20,
        )
        text = alert.text or ""
        if privacy == "full":
            assert question in text
            assert in_review.number in text
            assert re.search(r"Ответьте, пожалуйста, до \d\d\.\d\d\.\d{4}", text), text
        else:
            assert question not in text
            assert in_review.number not in text
            assert f"…{in_review.number[-4:]}" in text

        prompt = await app.press(ALICE, alert, "↩️ Ответить")
        assert "Напишите" in (prompt.text or "")
        answer = "У подъезда дома 5, на гостевой парковке."
        said, card = await send(app, answer)
        assert "Сообщение отправлено" in said
        card_text = card.text or ""
        assert "Переписка со специалистом" in card_text
        assert re.search(r"Ожидает ответа специалиста — до \d\d\.\d\d\.\d{4}", card_text)
        if privacy == "full":
            lines = card_text.split("Переписка со специалистом")[1]
            assert lines.index(question) < lines.index(answer)
            assert re.search(r"Специалист \w+ \w\., \d\d\.\d\d\.\d{4}, \d\d:\d\d: ", lines)
            assert re.search(r"Вы, \d\d\.\d\d\.\d{4}, \d\d:\d\d: У подъезда", lines)
        else:
            assert question not in card_text
            assert answer not in card_text
            assert "Сообщений в переписке: 2" in card_text
            page = (await receive(app, card, "Подробнее")).content.decode()
            assert question in page
            assert answer in page


async def test_an_outage_loses_nothing(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        sandbox = sandbox_of(app)
        detail = await claim(app, "🔍")
        await app.press(ALICE, detail, "Запросить уточнение")
        # The cabinet takes the message, but every answer to it is lost on the way back.
        await sandbox.switches(lose_next=3)
        question = "Нужно ли что-то ещё от меня?"
        said, kept = await send(app, question)
        assert "временно недоступен" in said
        assert "всё, что вы ввели, сохранено" in said
        assert "ещё не отправлено" in (kept.text or "")
        said, detail = await press(app, kept, "Отправить ещё раз")
        assert "Сообщение отправлено" in said
        assert (await operator_page(app)).count(question) == 1

        await app.press(ALICE, detail, "Добавить документ")
        await sandbox.switches(down=True)
        scan = app.tg.add_file("scan", PNG, file_name="receipt.png", mime_type="image/png")
        said, kept = await send(app, document=scan)
        assert "временно недоступен" in said
        assert "ещё не отправлен" in (kept.text or "")
        await sandbox.switches(down=False)
        said, detail = await press(app, kept, "Отправить ещё раз")
        assert "Документ добавлен" in said
        assert "receipt.png" in (detail.text or "")
        assert (await operator_page(app)).count("receipt.png") == 1


async def test_what_the_cabinet_refuses_is_said_and_may_be_sent_again(
    migrated: Backend,
) -> None:
    """A 422 the bot could not foresee: a clear message, the step still open, and the next
    try is a request of its own (not the refused one replayed)."""
    async with linked_bot(migrated) as app:
        sandbox = sandbox_of(app)
        detail = await claim(app, "🔍")
        await app.press(ALICE, detail, "Запросить уточнение")
        await sandbox.switches(refuse_next=1)
        question = "Есть ли новости по моему обращению?"
        said, again = await send(app, question)
        assert "Страховая компания не приняла это сообщение" in said
        assert "Запрос уточнения" in (again.text or "")
        said, detail = await send(app, question)
        assert "Сообщение отправлено" in said
        assert (await operator_page(app)).count(question) == 1

        await app.press(ALICE, detail, "Добавить документ")
        await sandbox.switches(refuse_next=1)
        scan = app.tg.add_file("scan", PNG, file_name="receipt.png", mime_type="image/png")
        said, again = await send(app, document=scan)
        assert "Страховая компания не приняла этот файл" in said
        assert "Добавить документ" in (again.text or "")
        said, _ = await send(app, document=scan)
        assert "Документ добавлен" in said


async def test_the_list_when_the_cabinet_is_down(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        listing = await open_section(app, "📋 Обращения")
        app.resources.cabinet.cache.fresh_for = 0  # as if the fresh period had passed
        await sandbox_of(app).switches(down=True)
        back = await app.press(ALICE, listing, "Назад")
        again = await app.press(ALICE, back, "📋 Обращения")
        assert "Кабинет временно недоступен, данные на" in (again.text or "")
        assert button_starting(app, again, "📥")


async def test_a_forged_claim_button_is_refused_and_audited(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        await press_forged(app, await open_section(app, "📋 Обращения"), "📥", "C-someone-else")


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("справка ГИБДД.pdf", "справка ГИБДД.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\ivan\\scan.JPG", "scan.JPG"),
        ("<script>alert(1)</script>.png", "script.png"),
        ("отчёт <итог> & «фото».jpeg", "отчёт _итог_ _ _фото.jpeg"),
        ("line\nbreak\x00null.pdf", "line_break_null.pdf"),
        ("a" * 300 + ".pdf", "a" * 96 + ".pdf"),
        ("...", ""),
    ],
)
def test_a_file_name_reaches_the_cabinet_cleaned(sent: str, stored: str) -> None:
    assert safe_filename(sent) == stored
