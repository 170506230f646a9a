"""What a user notices in the chat: consent, menu, language, /cancel, groups, flood, errors."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import AsyncIterator
from types import SimpleNamespace

import pytest
from redis.asyncio import Redis
from sqlalchemy import select, text, update

from bot.factory.resources import open_resources
from bot.factory.telegram import build_bot, build_dispatcher
from bot.middlewares import user as user_middleware
from linking.consent import CONSENT_VERSION, text_sha256
from notify import outbox
from storage.models import AuditRecord, Consent, OutboxMessage, User
from storage.profiles import ProfileStore
from tests.conftest import Backend
from tests.fake_session import FakeTelegramSession
from tests.fake_telegram import FakeTelegram
from tests.flows import sandbox_of
from tests.harness import Chat, RunningBot, running_bot

# The subject is the conversation (texts and buttons): one backend is enough.
pytestmark = pytest.mark.backends("embedded")

ALICE = 1001
BOB = 1002  # someone else
STAFF_CHAT = -100500


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    # Tests click faster than people: flood control has its own test below.
    async with running_bot(migrated, support_chat_id=STAFF_CHAT, flood_rate=50) as running:
        yield running


async def test_start_shows_greeting_then_a_separate_consent_screen(app: RunningBot) -> None:
    greeting = await app.say(ALICE, "/start")
    assert "Здравствуйте" in (greeting.text or "")
    screen = await app.tg.wait_for("sendMessage", after=app.tg.calls.index(greeting) + 1)
    assert f"версия {CONSENT_VERSION}" in (screen.text or "")
    labels = [b["text"] for b in app.tg.buttons(screen)]
    assert labels == ["✅ Согласен", "Не согласен"]


async def test_accepting_consent_stores_it_and_opens_the_menu(app: RunningBot) -> None:
    await app.say(ALICE, "/start")
    screen = await app.tg.wait_for("sendMessage", lambda c: "152" in (c.text or ""))
    menu = await app.press(ALICE, screen, "Согласен")
    assert "Главное меню" in (menu.text or "")
    assert [b["text"] for b in app.tg.buttons(menu)] == [
        "🔑 Войти через Госуслуги",
        "📝 Заявить о страховом случае",
        "📄 Полисы",
        "📋 Обращения",
        "🧾 Справки",
        "💰 Выплаты",
        "🗂 Мои документы",
        "💬 Поддержка и отзывы",
        "⚙️ Настройки",
        "❓ Помощь",
    ]

    async with app.resources.session_factory() as session:
        stored = (await session.execute(select(Consent))).scalar_one()
    assert stored.user_id == ALICE
    assert stored.version == CONSENT_VERSION
    assert stored.locale == "ru"
    assert stored.accepted_at.tzinfo is not None
    # The hash is of exactly the text the user saw on the screen (HTML as sent).
    assert stored.text_sha256 == text_sha256(screen.params["text"])

    again = await app.say(ALICE, "/start")
    assert "Главное меню" in (again.text or ""), "a second /start goes straight to the menu"


async def test_declining_explains_and_stops(app: RunningBot) -> None:
    await app.say(ALICE, "/start")
    screen = await app.tg.wait_for("sendMessage", lambda c: "152" in (c.text or ""))
    declined = await app.press(ALICE, screen, "Не согласен")
    assert "не может" in (declined.text or "")
    assert [b["text"] for b in app.tg.buttons(declined)] == ["📄 Прочитать согласие ещё раз"]
    async with app.resources.session_factory() as session:
        assert (await session.execute(select(Consent))).first() is None
        actions = (await session.execute(select(AuditRecord.action))).scalars().all()
    assert "consent.declined" in actions

    # Without consent the menu is not reachable: the bot repeats what it needs.
    reply = await app.say(ALICE, "/settings")
    assert "Без согласия" in (reply.text or "")
    assert "Настройки" not in str(app.tg.buttons(reply))
    again = await app.press(ALICE, reply, "Прочитать согласие ещё раз")
    assert "152" in (again.text or ""), "the consent, to read and accept"


async def test_first_language_comes_from_telegram(app: RunningBot) -> None:
    english = await app.say(2002, "/start", language_code="en-GB")
    assert "Hello" in (english.text or "")
    german = await app.say(3003, "/start", language_code="de")
    assert "Здравствуйте" in (german.text or "")


async def test_language_switch_changes_every_screen(app: RunningBot) -> None:
    menu = await app.consent(ALICE)
    settings = await app.press(ALICE, menu, "Настройки")
    assert "Язык: Русский" in (settings.text or "")
    switched = await app.press(ALICE, settings, "English")
    assert "Language: English" in (switched.text or "")
    back = await app.press(ALICE, switched, "Back")
    assert "Main menu" in (back.text or "")
    helped = await app.say(ALICE, "/help")
    assert "The insurer's support" in (helped.text or "")
    async with app.resources.session_factory() as session:
        assert (await session.get(User, ALICE)).locale == "en"  # type: ignore[union-attr]


async def test_help_shows_the_configured_contacts_when_the_cabinet_cannot_say(
    app: RunningBot,
) -> None:
    reply = await app.say(ALICE, "/help")  # this bot has no cabinet to ask
    assert app.settings.staff.support_contacts in (reply.text or "")


async def test_help_shows_the_insurers_contacts_from_the_cabinet(migrated: Backend) -> None:
    async with running_bot(migrated, web_server=True, flood_rate=50) as app:
        reply = await app.say(ALICE, "/help")
        text = reply.text or ""
        line = "📞 8 800 555-00-55 · ✉️ care@insurer.example · 🕘 Круглосуточно, без выходных"
        assert line in text
        assert "🌐 https://insurer.example" in text
        assert app.settings.staff.support_contacts not in text
        menu = await app.consent(ALICE)
        help_ = await app.press(ALICE, menu, "Помощь")
        assert line in (help_.text or "")
        advice = await app.press(ALICE, help_, "Не получается войти")
        assert line in (advice.text or "")

        english = await app.say(BOB, "/help", language_code="en")
        assert "🕘 24/7, every day" in (english.text or "")


async def test_help_falls_back_to_the_configured_contacts_when_the_cabinet_is_down(
    migrated: Backend,
) -> None:
    async with running_bot(migrated, web_server=True, flood_rate=50) as app:
        await sandbox_of(app).switches(down=True)
        reply = await app.say(ALICE, "/help")
        assert app.settings.staff.support_contacts in (reply.text or "")
        assert "care@insurer.example" not in (reply.text or "")


async def test_help_in_the_menu_explains_what_to_do_when_sign_in_fails(app: RunningBot) -> None:
    menu = await app.consent(ALICE)
    help_ = await app.press(ALICE, menu, "Помощь")
    assert "/logout" in (help_.text or "")
    advice = await app.press(ALICE, help_, "Не получается войти")
    text = advice.text or ""
    for case in ("Не подходит пароль", "не подтверждена", "Не приходит СМС", "не нашли вас"):
        assert case in text, case
    assert "8 800 100-70-10" in text, "Gosuslugi's own support"
    assert app.settings.staff.support_contacts in text
    back = await app.press(ALICE, advice, "Назад")
    assert "Помощь" in (back.text or "")


async def test_cancel_returns_to_the_menu(app: RunningBot) -> None:
    menu = await app.consent(ALICE)
    await app.press(ALICE, menu, "Настройки")
    mark = app.tg.mark()
    app.tg.user_message(ALICE, "/cancel")
    cancelled = await app.tg.wait_for("sendMessage", after=mark)
    assert "отменено" in (cancelled.text or "")
    home = await app.tg.wait_for(
        "sendMessage", lambda c: "Главное меню" in (c.text or ""), after=mark
    )
    assert app.tg.buttons(home)


async def test_groups_get_one_notice_and_the_staff_chat_none(app: RunningBot) -> None:
    group = -200
    mark = app.tg.mark()
    app.tg.user_message(ALICE, "/start", chat_id=group, chat_type="supergroup")
    notice = await app.tg.wait_for("sendMessage", after=mark)
    assert notice.params["chat_id"] == group
    assert "личных сообщениях" in (notice.text or "")
    assert "@" + app.tg.bot_username in (notice.text or "")
    mark = app.tg.mark()
    app.tg.user_message(ALICE, "hello", chat_id=group, chat_type="supergroup")
    app.tg.user_message(ALICE, "/help", chat_id=STAFF_CHAT, chat_type="supergroup")
    await app.tg.drain()
    await app.tg.assert_no_call("sendMessage", within=0.5, after=mark)
    async with app.resources.session_factory() as session:
        assert await session.get(User, ALICE) is None, "group members are not stored"


async def test_bot_added_to_a_group_says_so(app: RunningBot) -> None:
    mark = app.tg.mark()
    app.tg.my_chat_member(-300, "group", "member", user_id=ALICE)
    notice = await app.tg.wait_for("sendMessage", after=mark)
    assert notice.params["chat_id"] == -300


@pytest.mark.backends("embedded", "servers")  # flood control counts in Redis
async def test_flood_is_slowed_down_with_one_notice(migrated: Backend) -> None:
    async with running_bot(migrated, flood_rate=5) as app:
        for _ in range(20):
            app.tg.user_message(ALICE, "/help")
        await app.settle()
        texts = [call.text or "" for call in app.tg.calls_of("sendMessage")]
        notices = [t for t in texts if "Слишком много" in t]
        answered = [t for t in texts if "Служба поддержки" in t]
        assert len(notices) == 1
        assert 1 <= len(answered) <= 10, "the rest were dropped"
        await asyncio.sleep(1.2)
        reply = await app.say(ALICE, "/help")
        assert "Служба поддержки" in (reply.text or ""), "not banned: answers after a pause"


@pytest.mark.backends("embedded", "servers")  # flood control counts in Redis
async def test_blocking_the_bot_in_a_flood_is_remembered_all_the_same(
    migrated: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Flood control drops what a person sends too fast, never the blocking itself: the account
    must stop receiving alerts and broadcasts. (Flood control's clock stands still here, so
    every update falls in the same second.)"""
    monkeypatch.setattr(user_middleware, "time", SimpleNamespace(time=lambda: 1_000_000.0))
    async with running_bot(migrated, flood_rate=5) as app:
        await app.say(ALICE, "/help")
        for _ in range(10):
            app.tg.user_message(ALICE, "/help")
        await app.settle()  # the flood is on: what comes next in this second is too much
        app.tg.my_chat_member(ALICE, "private", "kicked", user_id=ALICE, old_status="member")
        await app.settle()
        async with app.resources.session_factory() as session:
            user = await session.get(User, ALICE)
        assert user is not None
        assert user.is_active is False


async def test_unexpected_error_apologises_with_an_incident_id(
    app: RunningBot, caplog: pytest.LogCaptureFixture
) -> None:
    async with app.resources.engine.begin() as connection:
        await connection.execute(text("DROP TABLE consents"))
    reply = await app.say(ALICE, "/start")
    body = reply.text or ""
    assert "Извините" in body
    match = re.search(r"Номер инцидента: <code>([0-9A-F]{8})</code>", body)
    assert match, body
    logged = [r.msg for r in caplog.records if isinstance(r.msg, dict)]
    logged = [event for event in logged if event.get("incident") == match.group(1)]
    assert logged, "the incident id is in the log"
    assert isinstance(logged[0]["exc_info"], Exception), "with the stack trace"


async def test_stale_button_after_a_restart_leads_home(migrated: Backend) -> None:
    async with running_bot(migrated) as first:
        menu = await first.consent(ALICE)
        menu_message = menu.message or {}
    if migrated.redis_url:  # a server keeps dialogs across restarts: forget them as a TTL would
        redis = Redis.from_url(migrated.redis_url)
        for key in await redis.keys("*aiogd*"):
            await redis.delete(key)
        await redis.aclose()
    async with running_bot(migrated) as second:
        second.tg.messages[(ALICE, menu_message["message_id"])] = menu_message
        mark = second.tg.mark()
        second.tg.press(ALICE, menu_message, "Настройки")
        answer = await second.tg.wait_for("answerCallbackQuery", after=mark)
        assert "устарела" in str(answer.params.get("text"))
        home = await second.tg.wait_for("sendMessage", after=mark)
        assert "Главное меню" in (home.text or "")
        assert not any("инцидент" in (c.text or "") for c in second.tg.calls[mark:])


async def test_forged_callback_data_is_harmless(app: RunningBot) -> None:
    menu = await app.consent(ALICE)
    for forged in ("../../admin", "x" * 64, "\x1dsettings", "0\x1d"):
        mark = app.tg.mark()
        app.tg.callback(ALICE, menu.message or {}, forged)
        await app.tg.wait_for("answerCallbackQuery", after=mark)
        await app.tg.drain()
        assert not any("инцидент" in (c.text or "") for c in app.tg.calls[mark:]), forged
    reply = await app.say(ALICE, "/menu")
    assert "Главное меню" in (reply.text or ""), "the bot still works"


async def test_revoke_deletes_what_the_bot_keeps_and_asks_consent_again(app: RunningBot) -> None:
    await app.consent(ALICE)
    async with app.resources.session_factory() as session:  # a support answer and an alert
        await outbox.enqueue_many(session, [ALICE], {"text": "Ответ по обращению"}, kind="reply")
        await outbox.enqueue_many(session, [ALICE, BOB], {"text": "Статус"}, kind="alert")
        await session.commit()
    confirm = await app.say(ALICE, "/revoke")
    assert "Отозвать согласие" in (confirm.text or "")
    for plain in ("вы выйдете из аккаунта Госуслуг", "уведомления", "перестанут приходить"):
        assert plain in (confirm.text or "")
    assert "хранит по закону" in (confirm.text or ""), "what the insurer keeps"
    done = await app.press(ALICE, confirm, "Отозвать согласие")
    assert "Согласие отозвано" in (done.text or "")
    assert "записи о согласии — 1" in (done.text or "")
    assert "сообщения бота в очереди отправки и их история — 2" in (done.text or "")

    async with app.resources.session_factory() as session:
        assert await session.get(User, ALICE) is None
        assert (await session.execute(select(Consent))).first() is None
        left = (await session.execute(select(OutboxMessage.chat_id))).scalars().all()
        assert left == [BOB], "only someone else's message is left"
        audit = (await session.execute(select(AuditRecord))).scalars().all()
    assert {record.actor_id for record in audit} == {None}, "the log keeps no one's id"
    assert "consent.withdrawn" in {record.action for record in audit}

    greeting = await app.say(ALICE, "/start")
    assert "Здравствуйте" in (greeting.text or ""), "a new start, with consent asked again"


async def test_keeping_consent_at_revoke_changes_nothing(app: RunningBot) -> None:
    await app.consent(ALICE)
    confirm = await app.say(ALICE, "/revoke")
    home = await app.press(ALICE, confirm, "Не отзывать")
    assert "Главное меню" in (home.text or "")
    async with app.resources.session_factory() as session:
        assert (await session.execute(select(Consent))).scalar_one().user_id == ALICE


async def test_a_new_consent_version_is_asked_again(app: RunningBot) -> None:
    await app.consent(ALICE)
    async with app.resources.session_factory() as session:
        await session.execute(update(Consent).values(version="2020-01-01"))
        await session.commit()
    profiles: ProfileStore = app.dp["profiles"]
    await profiles.forget(ALICE)  # what the cache TTL does after a release

    mark = app.tg.mark()
    app.tg.user_message(ALICE, "/menu")
    screen = await app.tg.wait_for("sendMessage", lambda c: "152-ФЗ" in (c.text or ""), after=mark)
    assert "✅ Согласен" in [b["text"] for b in app.tg.buttons(screen)]
    assert not any("Главное меню" in (c.text or "") for c in app.tg.calls[mark:])


@pytest.mark.backends("embedded", "servers")  # flood control counts in Redis
async def test_flood_from_a_user_who_blocked_the_bot_is_not_an_incident(
    migrated: Backend, caplog: pytest.LogCaptureFixture
) -> None:
    async with running_bot(migrated, flood_rate=2) as app:
        app.tg.blocked_chats.add(ALICE)
        for _ in range(8):
            app.tg.user_message(ALICE, "/help")
        await app.settle()
        assert app.tg.calls_of("sendMessage", ok=False), "Telegram refused the sends (403)"
        async with app.resources.session_factory() as session:
            user = await session.get(User, ALICE)
            assert user is not None
            assert not user.is_active, "remembered as blocked"
    incidents = [r for r in caplog.records if "unhandled_error" in str(r.msg)]
    assert incidents == []


async def test_support_contacts_are_text_not_markup(migrated: Backend) -> None:
    async with running_bot(migrated, support_contacts="Поддержка <help@insurer.ru> & Co") as app:
        reply = await app.say(ALICE, "/help")
        assert reply.ok
        assert "<help@insurer.ru> & Co" in app.tg.sent_texts(ALICE)[-1]


async def test_blocking_and_unblocking_the_bot_is_remembered(app: RunningBot) -> None:
    await app.say(ALICE, "/help")

    async def active() -> bool:
        async with app.resources.session_factory() as session:
            user = await session.get(User, ALICE)
            assert user is not None
            return user.is_active

    app.tg.my_chat_member(ALICE, "private", "kicked", user_id=ALICE, old_status="member")
    await app.settle()
    assert not await active()
    app.tg.my_chat_member(ALICE, "private", "member", user_id=ALICE, old_status="kicked")
    await app.settle()
    assert await active()


async def test_channels_get_one_notice(app: RunningBot) -> None:
    channel = -1009000
    mark = app.tg.mark()
    app.tg.channel_post(channel, "новости")
    notice = await app.tg.wait_for("sendMessage", after=mark)
    assert notice.params["chat_id"] == channel
    assert "личных сообщениях" in (notice.text or "")
    mark = app.tg.mark()
    app.tg.channel_post(channel, "ещё новости")
    await app.tg.drain()
    await app.tg.assert_no_call("sendMessage", within=0.5, after=mark)


async def test_a_403_in_a_group_does_not_mark_the_member_as_blocked(app: RunningBot) -> None:
    await app.say(ALICE, "/help")
    app.tg.fail("sendMessage", 403, description="Forbidden: bot was kicked from the group chat")
    mark = app.tg.mark()
    app.tg.user_message(ALICE, "hi", chat_id=-777, chat_type="supergroup")
    await app.tg.wait_for("sendMessage", after=mark)
    await app.settle()
    async with app.resources.session_factory() as session:
        user = await session.get(User, ALICE)
        assert user is not None
        assert user.is_active, "Alice's private chat is still open"


async def test_an_update_that_cannot_be_read_is_skipped_and_polling_goes_on(
    app: RunningBot,
) -> None:
    """A message without a chat (aiogram cannot parse it) used to fail every getUpdates from
    then on, even after a restart: nobody was answered again."""
    app.tg.feed({"message": {"message_id": 1, "date": 1, "text": "без чата"}})
    reply = await app.say(ALICE, "/help")
    assert "Служба поддержки" in (reply.text or "")


async def test_a_reply_to_a_message_without_a_sender_is_answered(app: RunningBot) -> None:
    """Telegram leaves out `from` for some messages (a channel's, say): a reply to one used
    to crash inside aiogram-dialog, and the person got an apology."""
    await app.consent(ALICE)
    mark = app.tg.mark()
    chat = {"id": ALICE, "type": "private", "first_name": "Алиса"}
    sender = {"id": ALICE, "is_bot": False, "first_name": "Алиса", "language_code": "ru"}
    app.tg.feed(
        {
            "message": {
                "message_id": 900,
                "date": 1,
                "chat": chat,
                "from": sender,
                "text": "/help",
                "entities": [{"type": "bot_command", "offset": 0, "length": 5}],
                "reply_to_message": {"message_id": 899, "date": 1, "chat": chat, "text": "x"},
            }
        }
    )
    reply = await app.tg.wait_for("sendMessage", lambda c: c.chat_id == ALICE, after=mark)
    assert "Служба поддержки" in (reply.text or "")


@pytest.mark.parametrize("status", [500, 400])
async def test_a_refused_command_menu_does_not_stop_the_bot(
    migrated: Backend, caplog: pytest.LogCaptureFixture, status: int
) -> None:
    """setMyCommands (the command menu, set at start-up) is cosmetic: Telegram refusing it, or
    being down, stopped polling before the first update. Now a warning, and the bot answers."""
    async with FakeTelegram() as tg:
        tg.fail("setMyCommands", status, times=10)
        settings = migrated.settings(telegram_api_url=tg.base_url)
        async with open_resources(settings) as resources:
            bot = build_bot(settings, session=FakeTelegramSession(tg))
            dp = build_dispatcher(settings, resources)
            polling = asyncio.create_task(
                dp.start_polling(bot, handle_signals=False, polling_timeout=1)
            )
            try:
                await tg.wait_polling()
                reply = await Chat(tg, settings).say(ALICE, "/help")
            finally:
                with contextlib.suppress(RuntimeError):  # "not started" when startup failed
                    await dp.stop_polling()
                with contextlib.suppress(asyncio.CancelledError, RuntimeError):
                    await asyncio.wait_for(polling, 10)
                await bot.session.close()
    assert "Служба поддержки" in (reply.text or "")
    assert tg.calls_of("setMyCommands", ok=False), "Telegram did refuse it"
    logged = [r for r in caplog.records if "set_commands_failed" in str(r.msg)]
    assert [r.levelno for r in logged] == [logging.WARNING], "once, not once per language"
    error = "TelegramServerError" if status == 500 else "TelegramBadRequest"
    assert isinstance(logged[0].msg, dict)
    fields = {k: v for k, v in logged[0].msg.items() if k not in {"level", "logger", "timestamp"}}
    assert fields == {"event": "set_commands_failed", "error": error}, "the type only"
