"""«📇 Контактные данные» in Настройки, as a linked policyholder meets it: the phone and the
e-mail (in full, or masked in strict mode), changing the e-mail with the code the sandbox
cabinet "sent" (read from its operator console, as a tester would), wrong codes, three of
them, an expired code, an address the bot or the cabinet does not take, and an unlinked user.
The strict mode's web page is in tests/test_contacts_strict.py."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import linked_bot, sandbox_of
from tests.harness import RunningBot, running_bot
from tests.test_linking import ALICE, IVANOV, login_url, sign_in

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

NEW = "new.address@example.org"


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy) as running:
        yield running


@pytest.fixture
async def full(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated) as running:
        yield running


async def contacts(app: RunningBot, settings_button: str = "Настройки") -> Call:
    menu = await app.say(ALICE, "/menu")
    settings = await app.press(ALICE, menu, settings_button)
    return await app.press(ALICE, settings, "📇")


async def typed(app: RunningBot, text: str) -> Call:
    """Type `text`: the one message the bot answers with (the step, with what happened)."""
    answer = await app.say(ALICE, text)
    await app.settle()
    assert answer.method == "sendMessage"
    return answer


async def code_sent(app: RunningBot, to: str) -> str:
    """The last code the sandbox cabinet "sent" to `to`: its operator console lists them."""
    sent = await sandbox_of(app).operator("GET", "/messages")
    return str(next(m["code"] for m in sent if m["to"] == to))


async def changes(app: RunningBot) -> list[str]:
    """The ids of the contact changes the sandbox sent codes for, newest first."""
    sent = await sandbox_of(app).operator("GET", "/messages")
    return [str(m["change_id"]) for m in sent]


def wrong(code: str, n: int = 1) -> str:
    return f"{(int(code) + n) % 10**6:06d}"


async def asked_for_a_code(app: RunningBot, address: str = NEW) -> Call:
    screen = await contacts(app)
    ask = await app.press(ALICE, screen, "Изменить e-mail")
    assert "Введите новый адрес электронной почты" in (ask.text or "")
    sent = await typed(app, address)
    assert f"Мы отправили письмо с кодом на <b>{address}</b>" in (sent.text or "")
    return sent


async def test_the_contacts_in_russian_and_in_english(app: RunningBot, privacy: str) -> None:
    screen = await contacts(app)
    text = screen.text or ""
    assert "📇 Контактные данные" in text
    buttons = [b["text"] for b in app.tg.buttons(screen)]
    assert "✉️ Изменить e-mail" in buttons
    assert "📱 Изменить телефон" in buttons
    if privacy == "full":
        assert re.search(r"Телефон: \+7 9\d\d \d{3}-\d\d-\d\d\b", text), text
        assert re.search(r"E-mail: [a-z]+\.[a-z]+@example\.ru", text), text
        assert not any(b.get("url") for b in app.tg.buttons(screen))
    else:  # nothing personal in the chat: masked, and changed on a one-time page
        assert re.search(r"Телефон: \+7 ••• •••-••-\d\d\b", text), text
        assert re.search(r"E-mail: [a-z]•••@example\.ru", text), text
        assert "защищённой странице" in text
        urls = [str(b.get("url", "")) for b in app.tg.buttons(screen)]
        assert sum(u.startswith(f"{app.settings.web.public_url}/c/") for u in urls) == 2

    back = await app.press(ALICE, screen, "Назад")
    english = await app.press(ALICE, back, "English")
    assert "Language: English" in (english.text or "")
    menu = await app.say(ALICE, "/menu")
    settings = await app.press(ALICE, menu, "Settings")
    shown = await app.press(ALICE, settings, "📇 Contact details")
    text = shown.text or ""
    assert "Phone: +7" in text
    assert "E-mail: " in text
    assert "Change e-mail" in str(app.tg.buttons(shown))


async def test_an_email_changed_with_the_code(full: RunningBot) -> None:
    app = full
    before = (await contacts(app)).text or ""
    await asked_for_a_code(app)
    done = await typed(app, await code_sent(app, NEW))
    text = done.text or ""
    assert "✅ E-mail изменён." in text
    assert f"E-mail: {NEW}" in text
    assert re.search(r"Телефон: \+7 9", text)
    assert before.split("Телефон: ")[1].split("\n")[0] in text, "the phone as it was"
    again = await contacts(app)
    assert f"E-mail: {NEW}" in (again.text or "")
    assert "изменён" not in (again.text or ""), "said once"


async def test_two_wrong_codes_then_the_right_one(full: RunningBot) -> None:
    app = full
    await asked_for_a_code(app)
    code = await code_sent(app, NEW)
    first = await typed(app, wrong(code))
    assert "❌ Код не подходит. Осталось 2 попытки." in (first.text or "")
    assert f"на <b>{NEW}</b>" in (first.text or ""), "the address is kept: nothing to retype"
    second = await typed(app, wrong(code, 2))
    assert "Осталась 1 попытка." in (second.text or "")
    done = await typed(app, code)
    assert "✅ E-mail изменён." in (done.text or "")
    assert f"E-mail: {NEW}" in (done.text or "")


async def test_three_wrong_codes_cancel_the_change(full: RunningBot) -> None:
    app = full
    before = (await contacts(app)).text or ""
    await asked_for_a_code(app)
    code = await code_sent(app, NEW)
    await typed(app, wrong(code))
    await typed(app, wrong(code, 2))
    cancelled = await typed(app, wrong(code, 3))
    text = cancelled.text or ""
    assert "Код введён неверно 3 раза, поэтому смена e-mail отменена" in text
    assert NEW not in text
    assert before.split("E-mail: ")[1].split("\n")[0] in text, "the old e-mail stays"
    assert "✉️ Изменить e-mail" in str(app.tg.buttons(cancelled)), "and they can start again"
    await app.press(ALICE, cancelled, "Изменить e-mail")
    sent = await typed(app, NEW)
    assert "Мы отправили письмо с кодом" in (sent.text or "")
    assert "Попыток: 3" in (sent.text or "")


async def test_an_expired_code_and_a_new_one(full: RunningBot) -> None:
    app = full
    await asked_for_a_code(app)
    old = await code_sent(app, NEW)
    change = (await changes(app))[0]
    await sandbox_of(app).operator("POST", f"/contact-changes/{change}/expire")
    expired = await typed(app, old)
    assert "Срок действия кода истёк" in (expired.text or "")
    resent = await app.press(ALICE, expired, "Отправить код ещё раз")
    assert "Отправили новый код" in (resent.text or "")
    new = await code_sent(app, NEW)
    assert (await changes(app))[0] != change
    done = await typed(app, new)
    assert "✅ E-mail изменён." in (done.text or "")


async def test_addresses_the_bot_or_the_cabinet_does_not_take(full: RunningBot) -> None:
    app = full
    screen = await contacts(app)
    current = re.search(r"E-mail: (\S+)", screen.text or "")
    assert current
    await app.press(ALICE, screen, "Изменить e-mail")
    for bad in ("не адрес", "ivan@mail", "ivan..petrov@mail.ru"):
        said = await typed(app, bad)
        assert "не похоже на адрес электронной почты" in (said.text or ""), bad
        assert "Введите новый адрес" in (said.text or ""), "the step again, in the same message"
    assert await changes(app) == [], "nothing went to the cabinet"
    local, _, domain = current[1].partition("@")
    same = await typed(app, f" {local}@{domain.upper()} ")  # the domain's case does not matter
    assert "уже указан у вас и подтверждён" in (same.text or "")

    back = await app.press(ALICE, same, "Назад")
    ask = await app.press(ALICE, back, "Изменить телефон")
    assert "номер мобильного телефона" in (ask.text or "")
    said = await typed(app, "12-34")
    assert "Не получилось прочитать номер" in (said.text or "")
    sent = await typed(app, "8 (999) 000-11-22")
    assert "Мы отправили SMS с кодом на <b>+7 999 000-11-22</b>" in (sent.text or "")
    done = await typed(app, await code_sent(app, "+79990001122"))
    assert "✅ Телефон изменён." in (done.text or "")
    assert "Телефон: +7 999 000-11-22" in (done.text or "")


async def test_an_unlinked_user_is_asked_to_sign_in_and_lands_there(migrated: Backend) -> None:
    async with (
        httpx.AsyncClient(timeout=10) as browser,
        running_bot(migrated, web_server=True, flood_rate=50) as app,
    ):
        menu = await app.consent(ALICE)
        settings = await app.press(ALICE, menu, "Настройки")
        gate = await app.press(ALICE, settings, "📇 Контактные данные")
        assert "доступен после входа через Госуслуги" in (gate.text or "")
        finish = await sign_in(app, browser, login_url(app, gate), oid=IVANOV)
        assert finish.command is not None
        mark = app.tg.mark()
        await app.say(ALICE, finish.command)
        await app.tg.wait_for(
            ("sendMessage", "editMessageText"),
            lambda c: "📇 Контактные данные" in (c.text or ""),
            after=mark,
        )


async def test_the_cabinet_down_loses_nothing_typed(full: RunningBot) -> None:
    app = full
    screen = await contacts(app)
    await app.press(ALICE, screen, "Изменить e-mail")
    await sandbox_of(app).switches(down=True)
    down = await typed(app, NEW)
    assert "не ответил, код не отправлен" in (down.text or "")
    await sandbox_of(app).switches(down=False)
    sent = await app.press(ALICE, down, f"Отправить код на {NEW}")
    assert f"Мы отправили письмо с кодом на <b>{NEW}</b>" in (sent.text or "")
    await sandbox_of(app).switches(down=True)
    code = await code_sent(app, NEW)
    later = await typed(app, code)
    assert "Введите код ещё раз через минуту" in (later.text or "")
    await sandbox_of(app).switches(down=False)
    done = await typed(app, code)
    assert "✅ E-mail изменён." in (done.text or "")


async def test_asked_in_words_anywhere(full: RunningBot) -> None:
    app = full
    await app.say(ALICE, "/menu")
    answer = await typed(app, "хочу сменить телефон")
    assert "Похоже, вам нужно вот это" in (answer.text or "")
    screen = await app.press(ALICE, answer, "📇 Контактные данные")
    assert "📱 Телефон: +7" in (screen.text or "")
