"""«Заявить о страховом случае» in the chat, through the fake Bot API and the sandbox cabinet:
an ОСАГО accident with a PDF and an album of photos, a ДМС claim typed with mistakes, a
required document missing at the review, the cabinet down at the submit, a draft resumed
after a restart, and forged ids."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from storage.models import AuditRecord
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import button_starting, linked_bot, open_section, press_forged, sandbox_of
from tests.harness import RunningBot, running_bot
from tests.sandbox_server import TOKEN, running_sandbox
from tests.test_events import customer_of
from tests.test_linking import ALICE

pytestmark = pytest.mark.backends("embedded")

PDF = b"%PDF-1.4\n% the accident notice\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64
FILE_CLAIM = "📝 Заявить о страховом случае"
DATE = r"\d\d\.\d\d\.\d{4}"


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated) as running:
        yield running


def _screen(app: RunningBot, mark: int) -> Call | None:
    """The last screen (a message with buttons, sent or edited) after `mark`."""
    screens = [
        c
        for c in app.tg.calls[mark:]
        if c.ok
        and c.method in ("sendMessage", "editMessageText")
        and c.params.get("chat_id") == ALICE
        and app.tg.buttons(c)
    ]
    return screens[-1] if screens else None


def _said(app: RunningBot, mark: int) -> str:
    """Every message without buttons the bot sent after `mark` (what it said about the input)."""
    return "\n".join(
        c.text or ""
        for c in app.tg.calls[mark:]
        if c.method == "sendMessage" and c.params.get("chat_id") == ALICE and not app.tg.buttons(c)
    )


async def _settled(app: RunningBot, mark: int) -> tuple[str, Call]:
    await app.settle()
    screen = _screen(app, mark)
    assert screen is not None, [c.method for c in app.tg.calls[mark:]]
    return _said(app, mark), screen


async def type_(app: RunningBot, text: str | None = None, **media: Any) -> tuple[str, Call]:
    await app.settle()
    mark = app.tg.mark()
    app.tg.user_message(ALICE, text, **media)
    return await _settled(app, mark)


async def tap(app: RunningBot, screen: Call, button: str) -> tuple[str, Call]:
    await app.settle()
    mark = app.tg.mark()
    app.tg.press(ALICE, screen, button)
    return await _settled(app, mark)


async def album(app: RunningBot, name: str, count: int) -> tuple[str, Call]:
    """`count` photos sent at once, as one album."""
    await app.settle()
    mark = app.tg.mark()
    for n in range(count):
        app.tg.add_file(f"{name}-{n}", JPEG)
        app.tg.user_message(ALICE, photo=f"{name}-{n}", extra={"media_group_id": name})
    return await _settled(app, mark)


async def osago_accident(app: RunningBot) -> Call:
    """From the menu to the documents step of an ОСАГО accident, answering everything."""
    policies = await open_section(app, FILE_CLAIM)
    assert "Выберите полис" in (policies.text or "")
    kinds = await app.press(ALICE, policies, button_starting(app, policies, "ОСАГО"))
    _, screen = await tap(app, kinds, "ДТП")
    assert "Шаг 1 из 7. Дата ДТП" in (screen.text or "")
    _, screen = await tap(app, screen, "Сегодня")
    assert "Шаг 2 из 7. Где это случилось" in (screen.text or "")
    _, screen = await type_(app, "Москва, Тверская ул., 5")
    _, screen = await tap(app, screen, "Европротокол")
    _, screen = await tap(app, screen, "Нет")
    assert "Шаг 5 из 7. Примерная сумма ущерба" in (screen.text or "")
    _, screen = await type_(app, "86 400")
    assert "Шаг 6 из 7. Что случилось?" in (screen.text or "")
    _, screen = await type_(app, "Стоял на светофоре, сзади въехал автомобиль <Лада>.")
    assert "Шаг 7 из 7. Документы" in (screen.text or "")
    return screen


async def operator_page(app: RunningBot) -> str:
    async with httpx.AsyncClient(timeout=10) as browser:
        page = await browser.get(sandbox_of(app).base_url + "/operator")
    return page.text


async def test_an_osago_accident_with_a_pdf_and_an_album_of_photos(app: RunningBot) -> None:
    screen = await osago_accident(app)
    text = screen.text or ""
    assert "❗ Извещение о ДТП (европротокол) — обязательно" in text
    assert "⏳ Фотографии повреждений — нужно, можно прислать позже" in text
    assert "▫️ Справка или постановление ГИБДД — по желанию" in text

    notice = app.tg.add_file("notice", PDF, file_name="извещение.pdf", mime_type="application/pdf")
    said, screen = await type_(app, document=notice)
    assert not said
    assert "✅ Извещение о ДТП (европротокол) — 1 файл" in (screen.text or "")
    assert "Добавлено 1 файл: извещение.pdf" in (screen.text or "")
    _, screen = await tap(app, screen, "Дальше")
    assert "Пришлите: <b>Фотографии повреждений</b> — JPG, PNG" in (screen.text or "")

    mark = app.tg.mark()
    said, screen = await album(app, "damage", 3)
    assert not said
    assert "✅ Фотографии повреждений — 3 файла" in (screen.text or "")
    assert "Добавлено 3 файла: фото, фото, фото" in (screen.text or "")
    sent = [c for c in app.tg.calls[mark:] if c.method == "sendMessage"]
    assert len(sent) == 1, "one screen for the album, edited for its other photos"

    _, screen = await tap(app, screen, "Дальше")
    _, review = await tap(app, screen, "Пропустить")
    text = review.text or ""
    assert "Проверьте заявление" in text
    for line in (
        f"Дата ДТП — {DATE}",
        "Где это случилось — Москва, Тверская ул., 5",
        "Как оформлено ДТП — Европротокол",
        "Есть пострадавшие\\? — нет",
        "Примерная сумма ущерба, ₽ — 86[\\s\u00a0\u202f]400,00 ₽",
        "Что случилось: Стоял на светофоре, сзади въехал автомобиль &lt;Лада&gt;\\.",
    ):
        assert re.search(line, text), (line, text)
    assert "❗" not in text
    assert app.tg.button(review, "✏️ Где это случилось")

    _, done = await tap(app, review, "Отправить заявление")
    text = done.text or ""
    number = re.search(r"Заявление № (У-\d{4}-\d{6}) зарегистрировано", text)
    assert number, text
    assert re.search(f"Регистрацию подтвердим до {DATE}", text)
    assert re.search(rf"Решение — до {DATE} \(15 рабочих дней\)", text)
    assert "Осталось прислать" not in text

    claim = await app.press(ALICE, done, "Открыть обращение")
    assert f"Обращение № {number[1]}" in (claim.text or "")
    assert "Статус: 🆕 зарегистрировано" in (claim.text or "")
    listing = await open_section(app, "📋 Обращения")
    labels = [str(b["text"]) for b in app.tg.buttons(listing)]
    assert sum(number[1] in label for label in labels) == 1
    page = await operator_page(app)
    assert page.count("извещение.pdf") == 1
    assert page.count("photo-") == 3
    async with app.resources.session_factory() as session:
        actions = (await session.scalars(select(AuditRecord.action))).all()
    assert "claim.filed" in actions


async def test_a_dms_claim_typed_with_mistakes_and_a_document_left_for_later(
    app: RunningBot,
) -> None:
    policies = await open_section(app, FILE_CLAIM)
    kinds = await app.press(ALICE, policies, button_starting(app, policies, "ДМС"))
    assert [str(b["text"]) for b in app.tg.buttons(kinds)][:2] == [
        "Амбулаторное лечение",
        "Стационар",
    ]
    _, screen = await tap(app, kinds, "Амбулаторное лечение")
    assert "Дата приёма" in (screen.text or "")
    said, screen = await type_(app, "31.12.2999")
    assert "ещё не наступила" in said
    assert "Дата приёма" in (screen.text or ""), "the step repeats"
    said, _ = await type_(app, "вчера вечером")
    assert "Не получилось прочитать дату" in said
    said, _ = await type_(app, "01.01.2001")
    assert "вне срока действия полиса" in said
    said, screen = await type_(app, "выписка")  # a file? no: text, but not a date
    assert "Не получилось прочитать дату" in said
    _, screen = await tap(app, screen, "Сегодня")
    assert "Клиника" in (screen.text or "")
    _, screen = await type_(app, "Клиника «Здоровье», Москва")
    assert "Сколько вы заплатили" in (screen.text or "")
    said, _ = await type_(app, "двенадцать тысяч")
    assert "Не получилось прочитать сумму" in said
    said, _ = await type_(app, "0")
    assert "Сумма должна быть от 1,00" in said
    _, screen = await type_(app, "12 500,50")
    said, screen = await type_(app, "а" * 2001)
    assert "длиннее 2" in said
    _, screen = await type_(app, "Обратился к терапевту с ангиной, оплатил приём сам.")
    assert "Чек об оплате — обязательно" in (screen.text or "")
    receipt = app.tg.add_file("receipt", PDF, file_name="чек.pdf", mime_type="application/pdf")
    _, screen = await type_(app, document=receipt)
    _, screen = await tap(app, screen, "Дальше")
    assert "Выписка из медицинской карты" in (screen.text or "")
    _, review = await tap(app, screen, "Добавлю позже")
    assert "⏳ Выписка из медицинской карты — нужно, можно прислать позже" in (review.text or "")
    assert re.search("Сколько вы заплатили, ₽ — 12[\\s\u00a0\u202f]500,50 ₽", review.text or "")
    _, done = await tap(app, review, "Отправить заявление")
    text = done.text or ""
    assert "зарегистрировано" in text
    assert "(10 рабочих дней)" in text
    assert "Осталось прислать:\n• Выписка из медицинской карты" in text


async def test_a_missing_required_document_is_named_at_the_review(app: RunningBot) -> None:
    screen = await osago_accident(app)
    _, screen = await tap(app, screen, "Не сейчас")  # the notice, which cannot come later
    _, screen = await tap(app, screen, "Добавлю позже")
    _, review = await tap(app, screen, "Пропустить")
    text = review.text or ""
    assert "❗ Извещение о ДТП (европротокол) — обязательно" in text
    assert "Чтобы отправить заявление, заполните: Извещение о ДТП (европротокол)." in text
    labels = [str(b["text"]) for b in app.tg.buttons(review)]
    assert not any("Отправить заявление" in label for label in labels)

    _, screen = await tap(app, review, "✏️ Извещение о ДТП (европротокол)")
    notice = app.tg.add_file("notice", JPEG, file_name="notice.jpg", mime_type="image/jpeg")
    _, screen = await type_(app, document=notice)
    _, review = await tap(app, screen, "Дальше")  # back to the review, not the next document
    assert "Проверьте заявление" in (review.text or "")
    assert app.tg.button(review, "Отправить заявление")


async def test_files_at_the_wrong_step_are_kept_and_bad_files_refused(app: RunningBot) -> None:
    policies = await open_section(app, FILE_CLAIM)
    kinds = await app.press(ALICE, policies, button_starting(app, policies, "ОСАГО"))
    _, screen = await tap(app, kinds, "ДТП")
    app.tg.add_file("early", JPEG)
    said, screen = await type_(app, photo="early")
    assert "Файл сохранён (всего 1) — приложим его на шаге «Документы»" in said
    assert "Дата ДТП" in (screen.text or ""), "the question is asked again"
    said, screen = await type_(
        app,
        extra={
            "sticker": {
                "file_id": "s",
                "file_unique_id": "s",
                "type": "regular",
                "width": 1,
                "height": 1,
                "is_animated": False,
                "is_video": False,
            }
        },
    )
    assert "нужен ответ на вопрос" in said
    screen = await osago_rest(app, screen)

    word = app.tg.add_file("w", PDF, file_name="notice.docx", mime_type="application/msword")
    said, screen = await type_(app, document=word)
    assert "принимаются только PDF, JPG и PNG" in said
    _, screen = await tap(app, screen, "📎 Приложить сохранённые файлы (1)")
    assert "✅ Извещение о ДТП (европротокол) — 1 файл" in (screen.text or "")
    _, screen = await tap(app, screen, "Дальше")
    pdf = app.tg.add_file("p", PDF, file_name="photos.pdf", mime_type="application/pdf")
    said, screen = await type_(app, document=pdf)
    assert "принимается в формате JPG, PNG" in said
    assert "Фотографии повреждений — нужно" in (screen.text or "")


async def osago_rest(app: RunningBot, screen: Call) -> Call:
    """The ОСАГО accident's answers from the date on, up to the documents step."""
    _, screen = await tap(app, screen, "Сегодня")
    _, screen = await type_(app, "Москва")
    _, screen = await tap(app, screen, "Сотрудники ГИБДД")
    _, screen = await tap(app, screen, "Да")
    _, screen = await tap(app, screen, "Пропустить")
    _, screen = await type_(app, "Столкновение на перекрёстке.")
    return screen


async def test_the_cabinet_down_at_the_submit_registers_one_claim(app: RunningBot) -> None:
    screen = await osago_accident(app)
    notice = app.tg.add_file("notice", PDF, file_name="notice.pdf", mime_type="application/pdf")
    _, screen = await type_(app, document=notice)
    _, screen = await tap(app, screen, "Дальше")
    _, screen = await tap(app, screen, "Добавлю позже")
    _, review = await tap(app, screen, "Пропустить")
    sandbox = sandbox_of(app)
    await sandbox.switches(down=True)
    said, review = await tap(app, review, "Отправить заявление")
    assert "заявление не отправлено. Всё сохранено" in said
    assert "Проверьте заявление" in (review.text or ""), "everything still on the screen"
    assert "Москва, Тверская ул., 5" in (review.text or "")
    # Back up, the claim is registered but the answer is lost on the way: the retry replays.
    await sandbox.switches(down=False, lose_next=1)
    _, done = await tap(app, review, "Отправить заявление")
    number = re.search(r"Заявление № (\S+) зарегистрировано", done.text or "")
    assert number, done.text
    claims = await app.resources.cabinet.claims(await customer_of(app), page_size=100)
    assert [c.number for c in claims.value.items].count(number[1]) == 1
    assert "Осталось прислать:\n• Фотографии повреждений" in (done.text or "")


async def test_a_draft_is_resumed_or_deleted(app: RunningBot) -> None:
    policies = await open_section(app, FILE_CLAIM)
    kinds = await app.press(ALICE, policies, button_starting(app, policies, "КАСКО"))
    assert "Угон" in [str(b["text"]) for b in app.tg.buttons(kinds)]
    _, screen = await tap(app, kinds, "Угон")
    _, screen = await tap(app, screen, "Сегодня")
    await app.say(ALICE, "/cancel")
    await app.settle()

    resume = await open_section(app, FILE_CLAIM)
    assert "У вас есть незаконченное заявление" in (resume.text or "")
    assert re.search(f"Угон по полису № КС-\\S+, начато {DATE}", resume.text or "")
    _, screen = await tap(app, resume, "Продолжить заявление")
    assert "Шаг 2 из 5. Где это случилось" in (screen.text or "")
    await app.say(ALICE, "/cancel")
    await app.settle()

    resume = await open_section(app, FILE_CLAIM)
    said, screen = await tap(app, resume, "Удалить черновик")
    assert "Черновик удалён" in said
    assert "Выберите полис" in (screen.text or "")
    drafts = await app.resources.cabinet.claim_drafts(await customer_of(app))
    assert drafts.items == []


async def test_forged_policy_and_draft_ids_are_refused(app: RunningBot) -> None:
    policies = await open_section(app, FILE_CLAIM)
    await press_forged(app, policies, "ОСАГО", "pol_someone_else")


@pytest.mark.backends("servers")  # the conversation outlives the process in a real Redis only
async def test_a_restart_mid_draft_resumes_where_it_stopped(migrated: Backend) -> None:
    async with running_sandbox() as cabinet:
        external: dict[str, Any] = {"cabinet_url": cabinet.base_url, "cabinet_token": TOKEN}
        async with linked_bot(migrated, **external) as app:
            policies = await open_section(app, FILE_CLAIM)
            kinds = await app.press(ALICE, policies, button_starting(app, policies, "ОСАГО"))
            _, screen = await tap(app, kinds, "ДТП")
            _, screen = await tap(app, screen, "Сегодня")
            _, screen = await type_(app, "Москва")
            assert "Шаг 3 из 7" in (screen.text or "")
        async with running_bot(migrated, web_server=True, flood_rate=50, **external) as again:
            resume = await open_section(again, FILE_CLAIM)
            assert "У вас есть незаконченное заявление" in (resume.text or "")
            _, screen = await tap(again, resume, "Продолжить заявление")
            assert "Шаг 3 из 7. Как оформлено ДТП" in (screen.text or "")


async def test_a_question_about_filing_leads_there(app: RunningBot) -> None:
    await open_section(app, "📋 Обращения")  # a screen of buttons, no text input
    await app.settle()
    mark = app.tg.mark()
    app.tg.user_message(ALICE, "Как подать заявление о ДТП?")
    answer = await app.tg.wait_for(
        "sendMessage", lambda c: c.params.get("chat_id") == ALICE, after=mark
    )
    assert "Похоже, вам нужно" in (answer.text or "")
    policies = await app.press(ALICE, answer, "Заявить о страховом случае")
    assert "Выберите полис, по которому случилось событие" in (policies.text or "")
