"""Поддержка, as a person and the support staff see it: a question with and without a
screenshot (linked, in both privacy modes, and unlinked), the post in the staff chat, a staff
answer reaching the person, the person writing more (the thread goes on), «Мои вопросы в
поддержку», a review with its rating, /overdue, bad inputs, and sending again after an outage."""

from __future__ import annotations

import asyncio
import datetime as dt
import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import select, update

from bot.flows.support_questions import SupportReply
from storage.models import Feedback, User
from storage.repositories import UserRepository
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import linked_bot, open_section, press_forged, sandbox_of
from tests.harness import RunningBot, running_bot
from tests.test_linking import ALICE, BOB

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

SUPPORT = -100123
LIMIT = "2\u00a0000"  # 2000, as Russian writes it
STAFF = 4001
TEXT = "После нажатия «Оплатить» открывается пустая страница <b>&</b> ничего не происходит."
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64 + b"\xff\xd9"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63606060f80f0000040001e2a1e5e60000000049454e44ae426082"
)


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy, support_chat_id=SUPPORT) as running:
        yield running


async def send(app: RunningBot, user: int = ALICE, text: str | None = None, **kwargs: Any) -> Call:
    """The user sends a message (text, photo, document…): the first thing the bot says back."""
    mark = app.tg.mark()
    app.tg.user_message(user, text, **kwargs)
    return await app.tg.wait_for(
        ("sendMessage", "editMessageText"), lambda c: c.params.get("chat_id") == user, after=mark
    )


SECTION = "💬 Поддержка и отзывы"
DUE = r"\d\d\.\d\d\.\d{4}, \d\d:\d\d"


async def up_to_the_text(app: RunningBot, user: int = ALICE) -> Call:
    start = await open_section(app, SECTION, user)
    assert "ответит здесь, в этом чате, в течение 48 часов" in (start.text or "")
    topics = await app.press(user, start, "❓ Задать вопрос в поддержку")
    assert "О чём ваш вопрос?" in (topics.text or "")
    text = await app.press(user, topics, "🐞 Ошибка")  # a question is not rated
    assert f"до {LIMIT} символов" in (text.text or "")
    return text


async def up_to_the_confirm(app: RunningBot, user: int = ALICE, **screenshot: Any) -> Call:
    """Topic "Ошибка", TEXT, and the screenshot given (photo=/document=) or skipped."""
    await up_to_the_text(app, user)
    attach = await send(app, user, TEXT)
    assert "Скриншот" in (attach.text or "")
    if screenshot:
        return await send(app, user, **screenshot)
    return await app.press(user, attach, "Пропустить")


async def ask(app: RunningBot, user: int = ALICE, **screenshot: Any) -> str:
    """The whole flow; the number the user is given."""
    return await confirmed(app, await up_to_the_confirm(app, user, **screenshot), user)


async def confirmed(app: RunningBot, confirm: Call, user: int = ALICE) -> str:
    """ "Отправить" on the confirm screen; the number the user is given."""
    done = await app.press(user, confirm, "Отправить")
    text = done.message["text"] if done.message else ""
    sent = re.search(
        rf"Вопрос № (\S+) отправлен\nСпециалист поддержки ответит здесь, в этом чате, до {DUE}\.",
        text,
    )
    assert sent, app.tg.summary()
    return sent[1]


async def refused(app: RunningBot, prompt: str, **message: Any) -> str:
    """Send something a step does not take: what the bot says, after which the step's own
    screen (with `prompt`) comes again."""
    mark = app.tg.mark()
    said = await send(app, ALICE, **message)
    await app.tg.wait_for(
        "sendMessage", lambda c: c.chat_id == ALICE and prompt in (c.text or ""), after=mark
    )
    return said.text or ""


def staff_post(app: RunningBot, number: str) -> dict[str, Any]:
    """The question's or review's post in the staff chat, as it stands now."""
    posts = [
        call.message
        for call in app.tg.calls_of("sendMessage", ok=True)
        if call.chat_id == SUPPORT and call.message and f"№{number}\n" in call.message["text"]
    ]
    assert len(posts) == 1, app.tg.summary()
    return app.tg.message(SUPPORT, posts[0]["message_id"])


async def rows(app: RunningBot) -> list[Feedback]:
    async with app.resources.session_factory() as session:
        return list((await session.scalars(select(Feedback).order_by(Feedback.id))).all())


def staff_says(app: RunningBot, text: str, **kwargs: Any) -> dict[str, Any]:
    return app.tg.user_message(
        STAFF, text, chat_id=SUPPORT, chat_type="supergroup", first_name="Ольга", **kwargs
    )


async def staff_command(app: RunningBot, command: str) -> Call:
    mark = app.tg.mark()
    staff_says(app, command)
    return await app.tg.wait_for("sendMessage", lambda c: c.chat_id == SUPPORT, after=mark)


# ----------------------------------------------------------------------------- the flow


async def test_a_question_without_a_screenshot(app: RunningBot, privacy: str) -> None:
    confirm = await up_to_the_confirm(app)
    summary = confirm.message["text"] if confirm.message else ""
    assert summary.startswith("Проверьте вопрос\nТема: 🐞 Ошибка\n\n")
    assert TEXT in summary  # the user's own text, shown as typed (not as markup)
    assert "Скриншот приложен" not in summary
    assert "Оценка" not in summary  # a question is not rated

    assert await confirmed(app, confirm) == "F-000101"

    post = staff_post(app, "F-000101")
    assert post["text"].startswith("Вопрос №F-000101\nТема: 🐞 Ошибка\n")
    assert re.search(rf"\nОтветить до {DUE}\n", post["text"])
    assert post["text"].endswith("\n\n" + TEXT)
    assert "Клиент вошёл через Госуслуги" in post["text"]
    assert ("Иван И." in post["text"]) == (privacy == "full")
    assert "Иванов" not in post["text"]
    assert app.tg.calls_of("sendPhoto") == []
    [row] = await rows(app)
    assert (row.number, row.user_id, row.kind, row.topic, row.rating, row.linked) == (
        "F-000101",
        ALICE,
        "question",
        "bug",
        None,
        True,
    )
    assert (row.staff_chat_id, row.staff_message_id) == (SUPPORT, post["message_id"])
    assert row.answered_at is None


async def test_a_question_with_a_photo(app: RunningBot) -> None:
    photo = app.tg.add_file("photo-1", JPEG)
    confirm = await up_to_the_confirm(app, photo=photo)
    assert "📎 Скриншот приложен" in (confirm.text or "")
    number = await confirmed(app, confirm)
    post = staff_post(app, number)
    shot = await app.tg.wait_for("sendPhoto", lambda c: c.chat_id == SUPPORT)
    assert shot.message is not None
    assert shot.message["photo"][-1]["file_id"] == "photo-1"
    assert shot.message["caption"] == f"Скриншот к №{number}"
    assert shot.message["reply_to_message"]["message_id"] == post["message_id"]


async def test_back_at_every_step(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT) as app:
        confirm = await up_to_the_confirm(app)
        attach = await app.press(ALICE, confirm, "Назад")
        assert "Скриншот" in (attach.text or "")
        text = await app.press(ALICE, attach, "Назад")
        assert "Напишите его одним сообщением" in (text.text or "")
        topics = await app.press(ALICE, text, "Назад")
        assert "О чём ваш вопрос?" in (topics.text or "")
        start = await app.press(ALICE, topics, "Назад")
        assert "в течение 48 часов" in (start.text or "")
        rating = await app.press(ALICE, start, "⭐ Оставить отзыв о боте")
        comment = await app.press(ALICE, rating, "5")
        assert "Ваша оценка: 5 из 5" in (comment.text or "")
        rating = await app.press(ALICE, comment, "Назад")
        assert "Насколько удобно пользоваться ботом?" in (rating.text or "")
        start = await app.press(ALICE, rating, "Назад")
        menu = await app.press(ALICE, start, "Назад")
        assert "Главное меню" in (menu.text or "")
        assert await rows(app) == []


async def test_an_unlinked_user_asks_with_an_image_file(migrated: Backend) -> None:
    async with running_bot(
        migrated,
        web_server=True,
        workers=True,
        http=True,  # the file is downloaded from Telegram and uploaded to the staff chat
        flood_rate=50,
        privacy_mode="strict",
        support_chat_id=SUPPORT,
    ) as app:
        await app.consent(ALICE)
        image = app.tg.add_file("png-1", PNG, file_name="screen.png", mime_type="image/png")
        number = await ask(app, document=image)
        assert number.startswith("TG-")
        post = staff_post(app, number)
        assert "Не вошёл через Госуслуги" in post["text"]
        shot = await app.tg.wait_for("sendDocument", lambda c: c.chat_id == SUPPORT)
        assert shot.message is not None
        assert shot.message["document"]["file_id"] == "png-1"
        [row] = await rows(app)
        assert (row.number, row.linked, row.staff_message_id) == (
            number,
            False,
            post["message_id"],
        )

        # The answer comes in the user's language.
        async with app.resources.session_factory() as session:
            await UserRepository(session).set_locale(ALICE, "en")
            await session.commit()
        mark = app.tg.mark()
        staff_says(app, "We are on it.", reply_to_message_id=post["message_id"])
        answer = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == ALICE, after=mark)
        assert answer.message is not None
        assert answer.message["text"] == (
            f"Support's answer to your question No. {number}\n\nWe are on it."
        )
        assert [b["text"] for b in app.tg.buttons(answer)] == ["✍️ Reply"]


# ----------------------------------------------------------------------------- bad inputs


async def test_wrong_inputs_get_a_clear_message_and_the_step_repeats(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT) as app:
        await up_to_the_text(app)
        text_prompt = f"до {LIMIT} символов"
        too_long = await refused(app, text_prompt, text="я" * 2001)
        assert "слишком длинный: 2\u00a0001 символов, можно не больше 2\u00a0000" in too_long
        sticker = {
            "file_id": "sticker-1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
        }
        photo = app.tg.add_file("photo-1", JPEG)
        not_text: list[dict[str, Any]] = [{"extra": {"sticker": sticker}}, {"photo": photo}]
        for message in not_text:
            assert "Пришлите текст" in await refused(app, text_prompt, **message)

        attach = await send(app, ALICE, "я" * 2000)  # exactly the limit
        assert "Скриншот" in (attach.text or "")
        pdf = app.tg.add_file("pdf-1", b"%PDF-1.4", file_name="a.pdf", mime_type="application/pdf")
        huge = app.tg.add_file(
            "big-1", JPEG, file_size=6 * 1024 * 1024, file_name="b.jpg", mime_type="image/jpeg"
        )
        not_an_image: list[tuple[dict[str, Any], str]] = [
            ({"text": "вот скриншот"}, "Нужна картинка"),
            ({"document": pdf}, "Нужна картинка"),
            ({"document": huge}, "больше 5 МБ"),
        ]
        for message, reason in not_an_image:
            assert reason in await refused(app, "пришлите снимок экрана", **message)
        assert await rows(app) == []


async def test_confirming_again_after_an_outage_submits_once(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT) as app:
        confirm = await up_to_the_confirm(app)
        # The cabinet registers the feedback, but every answer to it is lost on the way back.
        await sandbox_of(app).switches(lose_next=3)
        failed = await app.press(ALICE, confirm, "Отправить")
        assert "временно недоступен" in (failed.text or "")
        assert "всё, что вы ввели, сохранено" in (failed.text or "")
        assert await rows(app) == []

        assert await confirmed(app, confirm) == "F-000101"  # the first one, not a second
        staff_post(app, "F-000101")  # posted once
        assert [row.number for row in await rows(app)] == ["F-000101"]


async def test_texts_at_their_limits_with_the_worst_characters(migrated: Backend) -> None:
    """2,000 characters of feedback and a 4,000-character staff answer, every one of which
    HTML-escaping makes longer: both arrive whole."""
    async with linked_bot(migrated, support_chat_id=SUPPORT, workers=True) as app:
        feedback = ("'<>&\"" * 400)[:2000]
        await up_to_the_text(app)
        attach = await send(app, ALICE, feedback)
        confirm = await app.press(ALICE, attach, "Пропустить")
        assert confirm.message is not None
        assert feedback in confirm.message["text"]  # as the person sees it
        number = await confirmed(app, confirm)
        post = staff_post(app, number)
        assert feedback in post["text"]

        answer = ("'<>&\"" * 800)[:4000]
        mark = app.tg.mark()
        staff_says(app, answer, reply_to_message_id=post["message_id"])
        got = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == ALICE, after=mark)
        assert got.message is not None
        assert got.message["text"] == f"Ответ поддержки на ваш вопрос № {number}\n\n{answer}"


# ----------------------------------------------------------------------------- the staff chat


async def test_a_staff_reply_reaches_the_user_and_marks_the_post(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT, workers=True) as app:
        number = await ask(app)
        post = staff_post(app, number)
        mark = app.tg.mark()
        photo = app.tg.add_file("staff-photo", JPEG)
        app.tg.user_message(
            STAFF, chat_id=SUPPORT, chat_type="supergroup", photo=photo,
            reply_to_message_id=post["message_id"],
        )  # fmt: skip
        said = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == SUPPORT, after=mark)
        assert "только текстовые ответы" in (said.text or "")

        mark = app.tg.mark()
        staff_says(app, "Исправим <сегодня> & сообщим.", reply_to_message_id=post["message_id"])
        answer = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == ALICE, after=mark)
        assert answer.message is not None
        assert answer.message["text"] == (
            f"Ответ поддержки на ваш вопрос № {number}\n\nИсправим <сегодня> & сообщим."
        )
        await app.tg.wait_for("editMessageText", lambda c: c.chat_id == SUPPORT, after=mark)
        marked = app.tg.message(SUPPORT, post["message_id"])["text"]
        assert marked == post["text"] + "\n\n✅ Отвечено"
        [row] = await rows(app)
        assert row.answered_by == STAFF
        assert row.answered_at is not None

        # A second answer is delivered too; the post stays marked once.
        mark = app.tg.mark()
        staff_says(app, "Готово.", reply_to_message_id=post["message_id"])
        await app.tg.wait_for("sendMessage", lambda c: c.chat_id == ALICE, after=mark)
        await app.tg.drain()
        assert app.tg.message(SUPPORT, post["message_id"])["text"] == marked


async def test_other_messages_in_the_staff_chat_are_ignored(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT) as app:
        await ask(app)
        mark = app.tg.mark()
        chatter = staff_says(app, "Коллеги, кто сегодня дежурит?")
        staff_says(app, "Я.", reply_to_message_id=chatter["message"]["message_id"])
        await app.tg.drain()
        await app.tg.assert_no_call("sendMessage", within=0.5, after=mark)
        await app.tg.assert_no_call("editMessageText", within=0.1, after=mark)


async def test_an_answer_to_a_user_who_blocked_the_bot(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT, workers=True) as app:
        number = await ask(app)
        post = staff_post(app, number)
        app.tg.blocked_chats.add(ALICE)
        # The outbox tries the first answer; Telegram's 403 marks the user as blocked.
        staff_says(app, "Ответ.", reply_to_message_id=post["message_id"])
        for _ in range(100):
            async with app.resources.session_factory() as session:
                user = await session.get(User, ALICE)
                assert user is not None
                if not user.is_active:
                    break
            await asyncio.sleep(0.1)
        assert user is not None
        assert not user.is_active
        mark = app.tg.mark()
        staff_says(app, "Ещё ответ.", reply_to_message_id=post["message_id"])
        said = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == SUPPORT, after=mark)
        assert f"Ответ на №{number} не доставлен" in (said.text or "")


async def test_overdue_lists_questions_waiting_over_48_hours(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT) as app:
        none = await staff_command(app, "/overdue")
        assert "Вопросов без ответа дольше 48 ч нет" in (none.text or "")

        old, fresh = await ask(app), await ask(app)
        async with app.resources.session_factory() as session:
            await session.execute(
                update(Feedback)
                .where(Feedback.number == old)
                .values(asked_at=dt.datetime.now(dt.UTC) - dt.timedelta(hours=50, minutes=5))
            )
            await session.commit()
        listing = await staff_command(app, "/overdue")
        text = listing.text or ""
        post = staff_post(app, old)
        assert "Вопросы без ответа дольше 48 ч: 1" in text
        assert f"№{old} · 🐞 Ошибка · 50 ч" in text
        assert f'href="https://t.me/c/123/{post["message_id"]}"' in text
        assert fresh not in text

        mark = app.tg.mark()
        staff_says(app, "Разобрались.", reply_to_message_id=post["message_id"])
        await app.tg.wait_for("editMessageText", lambda c: c.chat_id == SUPPORT, after=mark)
        after = await staff_command(app, "/overdue")
        assert "нет" in (after.text or "")


# ----------------------------------------------------------------------------- reviews


async def test_a_review_asks_a_rating_and_an_optional_comment(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT) as app:
        start = await open_section(app, SECTION)
        rating = await app.press(ALICE, start, "⭐ Оставить отзыв о боте")
        assert "1 — очень неудобно, 5 — отлично" in (rating.text or "")
        comment = await app.press(ALICE, rating, "4")
        assert "Ваша оценка: 4 из 5" in (comment.text or "")
        thanks = await app.press(ALICE, comment, "Отправить без комментария")
        assert "Спасибо за отзыв!" in (thanks.text or "")
        assert "Ваша оценка: 4 из 5" in (thanks.text or "")
        post = staff_post(app, "F-000101")
        assert post["text"].startswith("Отзыв №F-000101\nОценка: 4 из 5\n")
        assert post["text"].endswith("\n\n(без комментария)")

        # With a comment: sent as soon as it is typed, no rating asked twice.
        rating = await app.press(
            ALICE, await open_section(app, SECTION), "⭐ Оставить отзыв о боте"
        )
        comment = await app.press(ALICE, rating, "2")
        thanks = await send(app, ALICE, "Долго грузятся выплаты.")
        assert "Ваша оценка: 2 из 5" in (thanks.text or "")
        assert staff_post(app, "F-000102")["text"].endswith("\n\nДолго грузятся выплаты.")

        reviews = await rows(app)
        assert [(r.kind, r.rating, r.topic) for r in reviews] == [
            ("review", 4, None),
            ("review", 2, None),
        ]
        # A review waits for no answer: /overdue never lists it, and it is not «Мои вопросы».
        async with app.resources.session_factory() as session:
            await session.execute(
                update(Feedback).values(asked_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=3))
            )
            await session.commit()
        overdue = await staff_command(app, "/overdue")
        assert "Вопросов без ответа дольше 48 ч нет" in (overdue.text or "")
        start = await open_section(app, SECTION)
        assert "📋 Мои вопросы в поддержку" not in [b["text"] for b in app.tg.buttons(start)]


# ----------------------------------------------------------------------------- the thread


async def test_the_person_replies_to_the_answer_and_the_thread_goes_on(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT, workers=True) as app:
        number = await ask(app)
        post = staff_post(app, number)
        mark = app.tg.mark()
        staff_says(app, "Какой у вас браузер?", reply_to_message_id=post["message_id"])
        answer = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == ALICE, after=mark)
        await app.tg.wait_for("editMessageText", lambda c: c.chat_id == SUPPORT, after=mark)

        prompt = await app.press(ALICE, answer, "✍️ Ответить")
        assert f"Вопрос № {number}" in (prompt.text or "")
        assert "Напишите, что хотите добавить или ответить поддержке" in (prompt.text or "")
        mark = app.tg.mark()
        done = await send(app, ALICE, "Яндекс Браузер на Android.")
        assert f"Сообщение к вопросу № {number} отправлено" in (done.text or "")
        assert re.search(rf"ответит здесь, в этом чате, до {DUE}", done.message["text"])  # type: ignore[index]
        follow_up = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == SUPPORT, after=mark)
        assert follow_up.message is not None
        text = follow_up.message["text"]
        assert text.startswith(f"Вопрос №{number}: клиент дописал\n")
        assert text.endswith("\n\nЯндекс Браузер на Android.")
        assert follow_up.message["reply_to_message"]["message_id"] == post["message_id"]
        [row] = await rows(app)
        assert row.answered_at is None  # waiting for support again

        # The staff answer the follow-up itself: it reaches the person as the same question's.
        mark = app.tg.mark()
        staff_says(app, "Обновите браузер.", reply_to_message_id=follow_up.message["message_id"])
        again = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == ALICE, after=mark)
        assert again.message is not None
        assert again.message["text"] == (
            f"Ответ поддержки на ваш вопрос № {number}\n\nОбновите браузер."
        )
        [row] = await rows(app)
        assert row.answered_at is not None


async def test_my_questions_show_what_waits_and_what_is_answered(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT, workers=True) as app:
        start = await open_section(app, SECTION)
        assert "📋 Мои вопросы в поддержку" not in [b["text"] for b in app.tg.buttons(start)]
        answered, waiting = await ask(app), await ask(app)
        mark = app.tg.mark()
        staff_says(app, "Ответ.", reply_to_message_id=staff_post(app, answered)["message_id"])
        await app.tg.wait_for("editMessageText", lambda c: c.chat_id == SUPPORT, after=mark)
        # The answer reaches the person through the outbox: let it arrive before the menu.
        await app.tg.wait_for(
            "sendMessage", lambda c: c.chat_id == ALICE and "Ответ." in (c.text or ""), after=mark
        )

        mine = await app.press(ALICE, await open_section(app, SECTION), "📋 Мои вопросы")
        labels = [b["text"] for b in app.tg.buttons(mine)]
        assert labels[:2] == [f"⏳ № {waiting} · 🐞 Ошибка", f"✅ № {answered} · 🐞 Ошибка"]
        card = await app.press(ALICE, mine, f"⏳ № {waiting}")
        text = card.message["text"] if card.message else ""
        assert re.search(rf"Задан: {DUE}\n⏳ Ждёт ответа: поддержка ответит до {DUE}\.", text)
        card = await app.press(ALICE, await app.press(ALICE, card, "Назад"), f"✅ № {answered}")
        assert "✅ Поддержка ответила — ответ пришёл в этот чат" in (card.text or "")
        prompt = await app.press(ALICE, card, "✍️ Дописать к вопросу")
        assert f"Вопрос № {answered}" in (prompt.text or "")
        done = await send(app, ALICE, "Спасибо, а когда исправите?")
        assert f"Сообщение к вопросу № {answered} отправлено" in (done.text or "")
        mine = await app.press(ALICE, done, "📋 Мои вопросы в поддержку")
        assert f"⏳ № {answered} · 🐞 Ошибка" in [b["text"] for b in app.tg.buttons(mine)]


async def test_someone_elses_question_is_refused(migrated: Backend) -> None:
    """The question's id in «Мои вопросы» and under an answer's «Ответить» is user input."""
    async with linked_bot(migrated, support_chat_id=SUPPORT) as app:
        mine = await ask(app)
        async with app.resources.session_factory() as session:
            await UserRepository(session).get_or_create(BOB, locale="ru", time_zone="UTC")
            session.add(Feedback(number="F-OTHER", user_id=BOB, kind="question", topic="bug"))
            await session.commit()
        theirs = next(r.id for r in await rows(app) if r.number == "F-OTHER")
        listing = await app.press(ALICE, await open_section(app, SECTION), "📋 Мои вопросы")
        assert f"⏳ № {mine} · 🐞 Ошибка" in [b["text"] for b in app.tg.buttons(listing)]
        await press_forged(app, listing, f"№ {mine}", str(theirs))

        mark = app.tg.mark()
        app.tg.callback(ALICE, listing.message or {}, SupportReply(id=theirs).pack())
        said = await app.tg.wait_for(
            "sendMessage", lambda c: "Этого нет среди ваших данных" in (c.text or ""), after=mark
        )
        assert said.chat_id == ALICE


async def test_the_support_section_in_english(migrated: Backend) -> None:
    async with linked_bot(migrated, support_chat_id=SUPPORT) as app:
        settings = await open_section(app, "Настройки")
        await app.press(ALICE, settings, "English")
        start = await open_section(app, "💬 Support and reviews")
        assert "a support specialist will answer here, in this chat, within 48 hours" in (
            start.text or ""
        )
        topics = await app.press(ALICE, start, "❓ Ask support a question")
        text = await app.press(ALICE, topics, "🐞 Something is broken")
        attach = await send(app, ALICE, "The payment page is blank.")
        confirm = await app.press(ALICE, attach, "Skip")
        done = await app.press(ALICE, confirm, "Send")
        sent = done.message["text"] if done.message else ""
        assert re.search(
            r"Question No\. F-000101 sent\nA support specialist will answer here, in this chat, "
            r"by [A-Z][a-z]{2} \d{1,2}, \d{4}, \d{1,2}:\d\d\u202f[AP]M\.",
            sent,
        ), sent
        assert "Оценка" not in (text.text or "")
