"""Nothing a person sends is dropped: text on a screen of buttons goes through the free-text
router (ru and en), a file or text sent to a claim's card is offered for that claim, and
anything else gets an answer that moves the person on."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.flows.intents import Action, recognise
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import button_starting, linked_bot, open_section, sandbox_of
from tests.harness import RunningBot
from tests.intent_corpus import EN, RU
from tests.test_claims import JPEG, PDF, claim, operator_page
from tests.test_linking import ALICE

pytestmark = pytest.mark.backends("embedded")


def first(actions: list[Action]) -> Action | None:
    return actions[0] if actions else None


@pytest.mark.parametrize(("name", "corpus"), [("ru", RU), ("en", EN)])
def test_the_router_understands_the_corpus(
    name: str, corpus: list[tuple[str, Action | None]]
) -> None:
    assert len(corpus) >= 60
    misses = [
        (text, want, found) for text, want in corpus if first(found := recognise(text)) != want
    ]
    accuracy = 1 - len(misses) / len(corpus)
    print(f"{name}: {accuracy:.1%} of {len(corpus)}; missed: {misses}")
    assert accuracy >= 0.9, misses


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated) as running:
        yield running


async def answer_to(app: RunningBot, text: str | None = None, **media: object) -> Call:
    """What the bot answers to a message: its first message after it."""
    await app.settle()
    mark = app.tg.mark()
    app.tg.user_message(ALICE, text, **media)  # type: ignore[arg-type]
    await app.settle()
    return next(
        c
        for c in app.tg.calls[mark:]
        if c.ok
        and c.method in ("sendMessage", "editMessageText")
        and c.params.get("chat_id") == ALICE
    )


async def test_a_question_on_the_menu_gets_the_right_button(app: RunningBot) -> None:
    await app.say(ALICE, "/menu")
    answer = await answer_to(app, "нужна спрвка для налоговой")
    assert "Похоже, вам нужно" in (answer.text or "")
    labels = [str(b["text"]) for b in app.tg.buttons(answer)]
    assert labels[0] == "🧾 Заказать справку"
    certificates = await app.press(ALICE, answer, "Заказать справку")
    assert "Справки" in (certificates.text or "")


async def test_what_is_not_understood_gets_the_main_actions(app: RunningBot) -> None:
    await open_section(app, "📄 Полисы")
    answer = await answer_to(app, "ываываыва")
    assert "Я не понял сообщение" in (answer.text or "")
    labels = [str(b["text"]) for b in app.tg.buttons(answer)]
    assert labels == [
        "📝 Заявить о страховом случае",
        "📋 Мои обращения",
        "🔄 Продлить или оплатить полис",
        "✉️ Написать в поддержку",
        "🏠 Главное меню",
    ]
    menu = await app.press(ALICE, answer, "Главное меню")
    assert "Главное меню" in (menu.text or "")


async def test_a_sticker_or_a_voice_message_is_answered(app: RunningBot) -> None:
    await app.say(ALICE, "/menu")
    sticker = {
        "sticker": {
            "file_id": "s1",
            "file_unique_id": "s1",
            "type": "regular",
            "width": 1,
            "height": 1,
            "is_animated": False,
            "is_video": False,
        }
    }
    answer = await answer_to(app, extra=sticker)
    assert "Я понимаю текст и кнопки" in (answer.text or "")
    voice = {"voice": {"file_id": "v1", "file_unique_id": "v1", "duration": 3}}
    answer = await answer_to(app, extra=voice)
    assert "Я понимаю текст и кнопки" in (answer.text or "")


async def test_a_file_sent_to_a_claim_card_is_offered_for_it(app: RunningBot) -> None:
    card = await claim(app, "📥")
    number = (card.text or "").split("Обращение № ")[1].split("<")[0]
    scan = app.tg.add_file("gibdd", PDF, file_name="справка гибдд.pdf", mime_type="application/pdf")
    offer = await answer_to(app, document=scan)
    assert f"Прикрепить к обращению № {number} этот файл?" in (offer.text or "")
    mark = app.tg.mark()
    await app.press(ALICE, offer, "Прикрепить")
    await app.settle()
    said = [c.text or "" for c in app.tg.calls[mark:] if c.method == "sendMessage"]
    assert any("Добавлено к обращению: 1 файл — справка гибдд.pdf" in text for text in said), said
    assert "Обращение №" in said[-1], "the card again, below the confirmation"

    await app.settle()
    mark = app.tg.mark()
    for n in range(3):
        app.tg.add_file(f"dmg-{n}", JPEG + bytes([n]))
        app.tg.user_message(ALICE, photo=f"dmg-{n}", extra={"media_group_id": "card-album"})
    await app.settle()
    offers = [c for c in app.tg.calls[mark:] if "Прикрепить к обращению" in (c.text or "")]
    assert sum(c.method == "sendMessage" for c in offers) == 1, "one offer for the album"
    assert f"Прикрепить к обращению № {number} эти файлы (3)?" in (offers[-1].text or "")
    mark = app.tg.mark()
    await app.press(ALICE, offers[-1], "Прикрепить")
    said = [c.text or "" for c in app.tg.calls[mark:] if c.method == "sendMessage"]
    assert any("Добавлено к обращению: 3 файла" in text for text in said), said
    page = await operator_page(app)
    assert page.count("справка гибдд.pdf") == 1
    assert page.count("photo-") == 3


async def test_text_sent_to_a_claim_card_can_go_to_the_handler(app: RunningBot) -> None:
    card = await claim(app, "🔍")
    offer = await answer_to(app, "Подскажите, когда будет решение?")
    assert "Отправить это сообщение специалисту" in (offer.text or "")
    assert "«Подскажите, когда будет решение?»" in (offer.text or "")
    no = await app.press(ALICE, offer, "Нет")
    assert "Обращение №" in (no.text or "")
    offer = await answer_to(app, "Подскажите, когда будет решение?")
    mark = app.tg.mark()
    await app.press(ALICE, offer, "Отправить специалисту")
    await app.settle()
    said = [c.text or "" for c in app.tg.calls[mark:] if c.method == "sendMessage"]
    assert any("Сообщение отправлено" in text for text in said), said
    assert (await operator_page(app)).count("Подскажите, когда будет решение?") == 1
    assert card.text


async def test_a_closed_claims_card_does_not_offer(app: RunningBot) -> None:
    await claim(app, "🗂")
    answer = await answer_to(app, "где мои деньги")
    assert "Похоже, вам нужно" in (answer.text or "")
    assert button_starting(app, answer, "💰")


async def test_an_album_in_the_upload_step_is_taken_whole(app: RunningBot) -> None:
    card = await claim(app, "📥")
    await app.press(ALICE, card, "Добавить документ")
    await app.settle()
    mark = app.tg.mark()
    for n in range(3):
        app.tg.add_file(f"up-{n}", JPEG + bytes([n, 7]))
        app.tg.user_message(ALICE, photo=f"up-{n}", extra={"media_group_id": "upload-album"})
    await app.settle()
    screens = [c for c in app.tg.calls[mark:] if "Добавлено" in (c.text or "")]
    assert sum(c.method == "sendMessage" for c in screens) == 1, "one screen for the album"
    assert "✅ Добавлено 3 файла: photo-" in (screens[-1].text or "")
    back = await app.press(ALICE, screens[-1], "Готово")
    assert "Обращение №" in (back.text or "")
    assert (await operator_page(app)).count("photo-") == 3


async def test_the_cabinet_down_while_reading_says_so_and_offers_retry(app: RunningBot) -> None:
    sandbox = sandbox_of(app)
    menu = await app.say(ALICE, "/menu")
    await sandbox.switches(down=True)
    await app.settle()
    mark = app.tg.mark()
    app.tg.press(ALICE, menu, "📋 Обращения")  # never read before: nothing cached to show
    said = await app.tg.wait_for(
        ("sendMessage", "editMessageText"),
        lambda c: "временно недоступен" in (c.text or ""),
        after=mark,
    )
    assert said.method == "editMessageText", "in the screen's own message: one screen"
    assert "Не удалось получить данные" in (said.text or "")
    assert "всё, что вы ввели, сохранено" not in (said.text or ""), "nothing was typed"
    assert [str(b["text"]) for b in app.tg.buttons(said)] == ["🔁 Повторить", "🏠 Главное меню"]
    await sandbox.switches(down=False)
    # «Повторить» opens what the person was opening, in the same message.
    claims = await app.press(ALICE, said, "Повторить")
    assert claims.method == "editMessageText"
    assert "Ваши обращения" in (claims.text or "")
    menu = await app.press(ALICE, claims, "Назад")
    assert "Главное меню" in (menu.text or "")


async def test_a_failed_sending_keeps_the_screen_and_retry_shows_it(app: RunningBot) -> None:
    """Sending failed (the cabinet down while a card waits to be sent): «Повторить» brings the
    same screen back below, with what was typed, to send again."""
    sandbox = sandbox_of(app)
    start = await open_section(app, "💬 Поддержка и отзывы")
    rating = await app.press(ALICE, start, "⭐ Оставить отзыв о боте")
    await sandbox.switches(down=True)
    await app.settle()
    comment = await app.press(ALICE, rating, "4")
    said = await app.press(ALICE, comment, "Отправить без комментария")
    assert "всё, что вы ввели, сохранено" in (said.text or "")
    await sandbox.switches(down=False)
    again = await app.press(ALICE, said, "Повторить")
    assert again.method == "sendMessage"
    assert "Ваша оценка: 4 из 5" in (again.text or "")
    thanks = await app.press(ALICE, again, "Отправить без комментария")
    assert "Спасибо за отзыв!" in (thanks.text or "")
