"""The fake Telegram server, exercised by a real aiogram Bot over real HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import pytest_asyncio
from aiogram import Bot, Dispatcher, F, Router
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramRetryAfter,
)
from aiogram.filters import CommandStart
from aiogram.methods import SendMessage
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from tests.balancer import Balancer
from tests.fake_telegram import Call, FakeTelegram, UploadedFile

TOKEN = "42:TEST"
ROOT = Path(__file__).resolve().parent.parent


class QuickCloseSession(AiohttpSession):
    """AiohttpSession without the 0.25 s sleep in close() (it is there for SSL sockets; the
    fake is plain HTTP). Requests go through the unchanged AiohttpSession code."""

    async def close(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()


def make_bot(tg: FakeTelegram) -> Bot:
    return Bot(token=TOKEN, session=QuickCloseSession(api=TelegramAPIServer.from_base(tg.base_url)))


@pytest_asyncio.fixture
async def tg() -> AsyncIterator[FakeTelegram]:
    async with FakeTelegram() as fake:
        yield fake


@pytest_asyncio.fixture
async def bot(tg: FakeTelegram) -> AsyncIterator[Bot]:
    bot = make_bot(tg)
    try:
        yield bot
    finally:
        await bot.session.close()


def keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[
            [InlineKeyboardButton(text="⚙️ Settings", callback_data="menu:settings")],
            [
                InlineKeyboardButton(text="Help", callback_data="menu:help"),
                InlineKeyboardButton(text="Site", url="https://example.com"),
            ],
        ]
    )


@pytest.mark.asyncio
async def test_get_me(tg: FakeTelegram, bot: Bot) -> None:
    me = await bot.get_me()
    assert me.id == tg.bot_id == 123456
    assert me.is_bot
    assert me.username == "cabinet_test_bot"
    assert me.first_name == "Cabinet Test Bot"
    assert me.can_read_all_group_messages is False
    assert me.supports_inline_queries is False
    assert [c.method for c in tg.calls] == ["getMe"]


@pytest.mark.asyncio
async def test_send_message_keyboard_and_button(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(1001, "<b>Hello</b> &amp; welcome", reply_markup=keyboard(),
                                  parse_mode="HTML")  # fmt: skip
    assert sent.message_id == 1
    assert sent.chat.id == 1001
    assert sent.chat.type == "private"
    assert sent.from_user is not None
    assert sent.from_user.id == tg.bot_id
    assert sent.text == "Hello & welcome"  # rendered like Telegram does
    assert sent.reply_markup is not None

    call = tg.calls_of("sendmessage")[0]  # method names are case-insensitive
    assert call.method == "sendMessage"
    assert call.params["chat_id"] == 1001  # coerced to int
    assert call.params["text"] == "<b>Hello</b> &amp; welcome"  # raw parameter kept
    assert isinstance(call.params["reply_markup"], dict)  # JSON decoded back

    assert [b["text"] for b in tg.buttons(call)] == ["⚙️ Settings", "Help", "Site"]
    assert tg.button(call, "Settings")["callback_data"] == "menu:settings"
    assert tg.button(sent, "Site")["url"] == "https://example.com"  # aiogram objects too
    with pytest.raises(AssertionError, match="Settings"):
        tg.button(call, "Nope")

    second = await bot.send_message(1001, "again")
    assert second.message_id == 2  # per-chat counter
    assert (await bot.send_message(-1001234, "group")).chat.type == "supergroup"
    assert tg.sent_texts(1001) == ["Hello & welcome", "again"]


@pytest.mark.asyncio
async def test_edit_message_text(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_message(1001, "v1", reply_markup=keyboard())
    edited = await bot.edit_message_text(text="v2", chat_id=1001, message_id=sent.message_id)
    assert isinstance(edited, Message)
    assert edited.text == "v2"
    assert edited.message_id == sent.message_id
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # edit without reply_markup drops the keyboard
    assert tg.message(1001, sent.message_id)["text"] == "v2"
    assert tg.sent_texts() == ["v1", "v2"]

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(text="v2", chat_id=1001, message_id=sent.message_id)
    await bot.edit_message_reply_markup(
        chat_id=1001, message_id=sent.message_id, reply_markup=keyboard()
    )
    assert tg.sent_texts() == ["v1", "v2"]  # a markup-only edit adds no text
    assert tg.buttons(tg.message(1001, sent.message_id))[0]["text"] == "⚙️ Settings"
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text(text="x", chat_id=1001, message_id=999)
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(1001, "<b>unclosed", parse_mode="HTML")
    markup = InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="y" * 65)]]
    )
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(1001, "long data", reply_markup=markup)


@pytest.mark.asyncio
async def test_get_updates_long_poll_and_offset(tg: FakeTelegram, bot: Bot) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    assert not poll.done()  # long-polling: nothing queued yet
    fed = tg.user_message(1001, "/start deep-link", username="ivan")
    updates = await asyncio.wait_for(poll, 1)
    assert [u.update_id for u in updates] == [fed["update_id"]]
    message = updates[0].message
    assert message is not None
    assert message.text == "/start deep-link"
    assert message.entities is not None
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == len("/start")

    # not confirmed yet: delivered again
    assert [u.update_id for u in await bot.get_updates(timeout=0)] == [fed["update_id"]]
    # offset confirms it
    assert await bot.get_updates(offset=fed["update_id"] + 1, timeout=0) == []
    assert tg.pending_updates == 0

    # limit and allowed_updates
    tg.user_message(1001, "a")
    tg.user_message(1001, "b")
    tg.my_chat_member(1001, "private", "kicked")
    first = await bot.get_updates(limit=1, timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in first if u.message] == ["a"]
    rest = await bot.get_updates(offset=first[0].update_id + 1, timeout=0)
    assert [u.message.text for u in rest if u.message] == ["b"]
    assert len(tg.dropped_updates) == 1  # my_chat_member was not allowed


@pytest.mark.asyncio
async def test_429_injection(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail("sendMessage", 429, retry_after=3)
    with pytest.raises(TelegramRetryAfter) as info:
        await bot.send_message(1001, "hi")
    assert info.value.retry_after == 3
    assert "retry after 3" in info.value.message
    ok = await bot.send_message(1001, "hi")  # only the next call failed
    assert ok.text == "hi"
    assert [c.status for c in tg.calls] == [429, 200]
    assert tg.sent_texts() == ["hi"]  # failed calls are not "sent"


@pytest.mark.asyncio
async def test_403_injection_and_blocked_chats(tg: FakeTelegram, bot: Bot) -> None:
    tg.fail("sendMessage", 403)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(1001, "hi")
    await bot.send_message(1001, "hi")

    tg.blocked_chats.add(2002)
    with pytest.raises(TelegramForbiddenError):
        await bot.send_message(2002, "hi")
    tg.my_chat_member(-1009, "supergroup", "kicked")  # being kicked blocks the chat too
    with pytest.raises(TelegramForbiddenError, match="kicked from the supergroup"):
        await bot.send_message(-1009, "hi")
    tg.fail("answerCallbackQuery", 500, times=2)
    for _ in range(2):
        with pytest.raises(Exception, match="Internal Server Error"):
            await bot.answer_callback_query("1")
    assert await bot.answer_callback_query("1") is True


@pytest.mark.asyncio
async def test_rate_limit_per_chat() -> None:
    async with FakeTelegram(rate_limit_per_chat=1, rate_limit_global=30) as tg:
        bot = make_bot(tg)
        try:
            await bot.send_message(1001, "first")
            with pytest.raises(TelegramRetryAfter) as info:
                await bot.send_message(1001, "second")
            assert info.value.retry_after >= 1
            assert tg.rate_limited == 1
            await bot.send_message(1002, "other chat is fine")
            await bot.send_chat_action(1001, "typing")  # not a message: not limited
        finally:
            await bot.session.close()
    assert tg.sent_texts() == ["first", "other chat is fine"]


@pytest.mark.asyncio
async def test_files_upload_and_download(tg: FakeTelegram, bot: Bot) -> None:
    sent = await bot.send_document(
        1001, BufferedInputFile(b"%PDF-1.4 fake", filename="report.pdf"), caption="Report"
    )
    assert sent.document is not None
    assert sent.caption == "Report"
    call = tg.calls_of("sendDocument")[0]
    upload = call.params["document"]  # attach://... resolved to the multipart file part
    assert isinstance(upload, UploadedFile)
    assert upload.filename == "report.pdf"
    assert upload.content == b"%PDF-1.4 fake"
    downloaded = await bot.download(sent.document.file_id)
    assert downloaded is not None
    assert downloaded.read() == b"%PDF-1.4 fake"

    doc = tg.add_file("user-doc-1", b"hello", file_name="a.txt", mime_type="text/plain")
    update = tg.user_message(1001, "see attached", document=doc, feed=False)
    assert update["message"]["caption"] == "see attached"
    file = await bot.get_file("user-doc-1")
    assert file.file_path is not None
    downloaded = await bot.download_file(file.file_path)
    assert downloaded is not None
    assert downloaded.read() == b"hello"

    tg.add_file("huge", b"", file_size=50 * 1024 * 1024)
    with pytest.raises(TelegramBadRequest, match="file is too big"):
        await bot.get_file("huge")


@pytest.mark.asyncio
async def test_dispatcher_polling_answers_start(tg: FakeTelegram) -> None:
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        name = message.from_user.first_name if message.from_user else "?"
        await message.answer(f"Hello, {name}!", reply_markup=keyboard())

    @router.callback_query(F.data == "menu:settings")
    async def settings(query: CallbackQuery) -> None:
        assert isinstance(query.message, Message)
        await query.message.edit_text("Settings")
        await query.answer()

    dp = Dispatcher()
    dp.include_router(router)
    bot = make_bot(tg)
    polling = asyncio.create_task(dp.start_polling(bot, handle_signals=False, polling_timeout=1))
    try:
        mark = tg.mark()
        tg.user_message(1001, "/start", first_name="Ivan")
        reply = await tg.wait_for("sendMessage", after=mark, timeout=3)
        assert reply.params["chat_id"] == 1001
        assert reply.text == "Hello, Ivan!"

        tg.press(1001, reply, "Settings")
        edit = await tg.wait_for(
            "editMessageText", lambda c: c.params.get("text") == "Settings", timeout=3
        )
        assert edit.message is not None
        assert edit.message["message_id"] == reply.result["message_id"]
        await tg.wait_for("answerCallbackQuery", timeout=3)
        assert tg.sent_texts(1001) == ["Hello, Ivan!", "Settings"]
        await tg.drain(timeout=3)  # the bot confirmed every update
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 3)


@pytest.mark.asyncio
async def test_raw_http_shapes(tg: FakeTelegram) -> None:
    async with aiohttp.ClientSession() as http:
        resp = await http.post(f"{tg.base_url}/botnot-a-token/getMe")
        assert resp.status == 401
        assert await resp.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}

        resp = await http.post(
            f"{tg.base_url}/bot{TOKEN}/SENDMESSAGE",
            json={"chat_id": 5, "text": "[1, 2]", "reply_markup": '{"inline_keyboard": []}'},
        )
        body = await resp.json()
        assert body["ok"] is True
        assert body["result"]["text"] == "[1, 2]"  # free text is never JSON-decoded
        resp = await http.get(f"{tg.base_url}/bot{TOKEN}/getWebhookInfo?x=1")
        assert (await resp.json())["result"] == {
            "url": "",
            "has_custom_certificate": False,
            "pending_update_count": 0,
        }
        resp = await http.post(f"{tg.base_url}/bot{TOKEN}/someFutureMethod", data={"a": "1"})
        assert await resp.json() == {"ok": True, "result": True}

    assert [c.method for c in tg.calls] == ["sendMessage", "getWebhookInfo", "someFutureMethod"]
    assert tg.calls[0].params["reply_markup"] == {"inline_keyboard": []}
    assert tg.calls[2].params == {"a": "1"}

    with pytest.raises(AssertionError, match="sendPhoto"):
        await tg.wait_for("sendPhoto", timeout=0.05)
    await tg.assert_no_call("sendPhoto", within=0.01)


@pytest.mark.asyncio
async def test_standalone_process() -> None:
    proc = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.fake_telegram", "--port", "0"),
        *("--rate-limit-per-chat", "1"),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert proc.stdout is not None
        base = (await asyncio.wait_for(proc.stdout.readline(), 10)).decode().strip()
        assert base.startswith("http://127.0.0.1:")
        async with aiohttp.ClientSession() as http:
            resp = await http.post(f"{base}/_fake/user_message", json={"user_id": 7, "text": "/a"})
            assert (await resp.json())["ok"] is True
            resp = await http.post(f"{base}/bot{TOKEN}/getUpdates", data={"timeout": "0"})
            updates = (await resp.json())["result"]
            assert updates[0]["message"]["text"] == "/a"
            for _ in range(2):
                await http.post(
                    f"{base}/bot{TOKEN}/sendMessage", data={"chat_id": "7", "text": "x"}
                )
            resp = await http.get(f"{base}/_fake/stats")
            stats = (await resp.json())["result"]
            assert stats["counts"]["sendMessage"] == 2
            assert stats["rate_limited"] == 1
            resp = await http.get(f"{base}/_fake/calls", params={"method": "sendMessage"})
            calls = (await resp.json())["result"]
            assert [c["status"] for c in calls] == [200, 429]
            assert json.dumps(calls)  # serialisable
    finally:
        if proc.returncode is None:
            proc.terminate()
        await asyncio.wait_for(proc.wait(), 5)
    assert proc.returncode == 0


def test_call_helpers() -> None:
    call = Call("sendMessage", {"chat_id": 1, "text": "hi"}, 0.0, result={"message_id": 1})
    assert call.ok
    assert call.chat_id == 1
    assert call.text == "hi"
    assert call.message is None  # a MessageId, not a Message


# --------------------------------------------------------------------------------------------
# Webhook mode
# --------------------------------------------------------------------------------------------


@contextlib.asynccontextmanager
async def serving(app: web.Application) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 and a free port; yield its base URL."""
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=0.5)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    port = next(a[1] for a in runner.addresses if isinstance(a, tuple))
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


def hook_app(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]) -> web.Application:
    app = web.Application()
    app.router.add_post("/hook", handler)
    return app


async def eventually(predicate: Callable[[], bool], timeout: float = 5.0) -> None:  # noqa: ASYNC109
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


@pytest.mark.asyncio
async def test_webhook_delivers_queued_and_fed_updates(tg: FakeTelegram, bot: Bot) -> None:
    received: list[tuple[dict[str, Any], str | None, str]] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(
            (
                await request.json(),
                request.headers.get("X-Telegram-Bot-Api-Secret-Token"),
                request.content_type,
            )
        )
        return web.json_response({})

    async with serving(hook_app(hook)) as base:
        early = tg.user_message(1001, "queued before setWebhook")
        assert await bot.set_webhook(
            f"{base}/hook", secret_token="s3cret", max_connections=5, allowed_updates=["message"]
        )
        tg.user_message(1001, "one")
        tg.callback(1001, early["message"]["message_id"], "not allowed")  # filtered out
        async with aiohttp.ClientSession() as http:  # the control API feeds as well
            resp = await http.post(
                f"{tg.base_url}/_fake/user_message", json={"user_id": 7, "text": "two"}
            )
            assert resp.status == 200
        await tg.drain(timeout=5)

        assert [u["message"]["text"] for u, _, _ in received] == [
            "queued before setWebhook",
            "one",
            "two",
        ]
        assert {(secret, ctype) for _, secret, ctype in received} == {
            ("s3cret", "application/json")
        }
        assert [d.status for d in tg.webhook_deliveries] == [200, 200, 200]
        assert len(tg.dropped_updates) == 1
        info = await bot.get_webhook_info()
        assert info.url == f"{base}/hook"
        assert info.pending_update_count == 0
        assert info.max_connections == 5
        assert info.allowed_updates == ["message"]
        assert info.last_error_date is None
        assert tg.webhook_info["url"] == info.url
        with pytest.raises(TelegramConflictError):
            await bot.get_updates(timeout=0)

        assert await bot.delete_webhook()
        tg.user_message(1001, "after deleteWebhook")
        await asyncio.sleep(0.2)
        assert len(received) == 3
        updates = await bot.get_updates(timeout=0)
        assert [u.message.text for u in updates if u.message] == ["after deleteWebhook"]


@pytest.mark.asyncio
async def test_webhook_retries_until_2xx(tg: FakeTelegram, bot: Bot) -> None:
    tg.webhook_retry_base = 0.05
    answers = [500, 500, 200]

    async def hook(request: web.Request) -> web.Response:
        return web.json_response({}, status=answers.pop(0))

    async with serving(hook_app(hook)) as base:
        await bot.set_webhook(f"{base}/hook")
        update = tg.user_message(1001, "hi")
        await tg.drain(timeout=5)  # returns only after the 200

    deliveries = tg.webhook_deliveries
    assert [(d.update_id, d.status) for d in deliveries] == [
        (update["update_id"], s) for s in (500, 500, 200)
    ]
    assert deliveries[1].at - deliveries[0].at >= 0.05
    assert deliveries[2].at - deliveries[1].at >= 0.1  # doubling backoff
    info = tg.webhook_info
    assert (
        info["last_error_message"] == "Wrong response from the webhook: 500 Internal Server Error"
    )
    assert isinstance(info["last_error_date"], int)

    # The receiver is gone now: connection errors are retried too, until deleteWebhook.
    tg.user_message(1001, "nobody listens")
    await eventually(lambda: len(tg.webhook_deliveries) >= 5)
    assert {d.status for d in tg.webhook_deliveries[3:]} == {None}
    assert tg.webhook_info["pending_update_count"] == 1
    assert "Connection refused" in str(tg.webhook_info["last_error_message"])
    with pytest.raises(AssertionError, match="last webhook error: Connection refused"):
        await tg.drain(timeout=0.05)
    await bot.delete_webhook(drop_pending_updates=True)
    await tg.drain(timeout=1)
    attempts = len(tg.webhook_deliveries)
    await asyncio.sleep(0.2)
    assert len(tg.webhook_deliveries) == attempts


@pytest.mark.asyncio
@pytest.mark.parametrize("max_connections", [1, 5])
async def test_webhook_max_connections(tg: FakeTelegram, bot: Bot, max_connections: int) -> None:
    active = peak = 0
    order: list[int] = []
    all_in = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        nonlocal active, peak
        active += 1
        peak = max(peak, active)
        order.append((await request.json())["update_id"])
        if active == 5:
            all_in.set()
        with contextlib.suppress(TimeoutError):  # 5 at once is possible only if allowed
            await asyncio.wait_for(all_in.wait(), 0.05)
        active -= 1
        return web.json_response({})

    async with serving(hook_app(hook)) as base:
        await bot.set_webhook(f"{base}/hook", max_connections=max_connections)
        ids = [tg.user_message(1001, f"m{i}")["update_id"] for i in range(5)]  # one user
        await tg.drain(timeout=5)

    assert peak == max_connections
    assert sorted(order) == ids
    if max_connections == 1:
        assert order == ids


@pytest.mark.asyncio
async def test_webhook_answer_with_a_method_is_executed(tg: FakeTelegram, bot: Bot) -> None:
    writer = SimpleRequestHandler(Dispatcher(), bot)  # only for its multipart answer builder
    answers: list[web.Response] = [
        web.Response(
            body=writer._build_response_writer(
                bot,
                SendMessage(
                    chat_id=1001,
                    text="<b>multipart</b>",
                    parse_mode="HTML",
                    reply_markup=keyboard(),
                ),
            )
        ),
        web.json_response({"method": "sendMessage", "chat_id": 1001, "text": "json"}),
        web.json_response({}),
    ]

    async def hook(request: web.Request) -> web.Response:
        return answers.pop(0)

    async with serving(hook_app(hook)) as base:
        await bot.set_webhook(f"{base}/hook")
        mark = tg.mark()
        for text in ("a", "b", "c"):
            tg.user_message(1001, text)
        await tg.drain(timeout=5)

    sends = tg.calls_of("sendMessage")
    assert [c.text for c in sends] == ["<b>multipart</b>", "json"]
    assert sends[0].params["chat_id"] == 1001
    assert sends[0].params["parse_mode"] == "HTML"
    assert tg.buttons(sends[0])[0]["callback_data"] == "menu:settings"
    assert tg.sent_texts(1001) == ["multipart", "json"]
    assert [c.method for c in tg.calls[mark:]] == ["sendMessage", "sendMessage"]


@pytest.mark.asyncio
async def test_webhook_end_to_end_with_aiogram(tg: FakeTelegram, bot: Bot) -> None:
    tg.webhook_retry_base = 0.05
    router = Router()

    @router.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer("Welcome!")  # a real API call

    @router.message()
    async def echo(message: Message) -> SendMessage:
        return message.answer(f"echo: {message.text}")  # answered in the webhook response

    dp = Dispatcher()
    dp.include_router(router)
    app = web.Application()
    SimpleRequestHandler(dp, bot, secret_token="right", handle_in_background=False).register(
        app, path="/hook"
    )
    async with serving(app) as base:
        await bot.set_webhook(f"{base}/hook", secret_token="wrong")
        mark = tg.mark()
        tg.user_message(1001, "/start")
        await eventually(lambda: any(d.status == 401 for d in tg.webhook_deliveries))
        assert "401" in str((await bot.get_webhook_info()).last_error_message)
        assert tg.pending_updates == 1

        await bot.set_webhook(f"{base}/hook", secret_token="right")
        reply = await tg.wait_for("sendMessage", after=mark, timeout=5)
        assert reply.text == "Welcome!"
        tg.user_message(1001, "ping")
        echo_call = await tg.wait_for("sendMessage", lambda c: c.text == "echo: ping", timeout=5)
        assert echo_call.params["chat_id"] == 1001
        await tg.drain(timeout=5)

    statuses = [d.status for d in tg.webhook_deliveries]
    assert statuses[-2:] == [200, 200]
    assert set(statuses[:-2]) == {401}


@pytest.mark.asyncio
async def test_webhook_delivery_stops_when_closed(tg: FakeTelegram, bot: Bot) -> None:
    arrived = asyncio.Event()

    async def hook(request: web.Request) -> web.Response:
        arrived.set()
        await asyncio.sleep(30)  # never answers in time
        return web.json_response({})

    async with serving(hook_app(hook)) as base:
        await bot.set_webhook(f"{base}/hook")
        tg.user_message(1001, "hi")
        tg.feed({"message": {"message_id": 99, "date": 0, "chat": {"id": 5, "type": "private"}}})
        await asyncio.wait_for(arrived.wait(), 5)
        await asyncio.wait_for(tg.stop(), 2)  # cancels the requests in flight
    assert tg.pending_updates == 2
    assert tg.webhook_deliveries == []


# --------------------------------------------------------------------------------------------
# The load balancer
# --------------------------------------------------------------------------------------------


def replica(name: str) -> web.Application:
    async def echo(request: web.Request) -> web.Response:
        return web.json_response(
            {
                "name": name,
                "method": request.method,
                "path": request.path,
                "query": dict(request.query),
                "body": (await request.read()).decode(),
                "forwarded_for": request.headers.get("X-Forwarded-For"),
                "custom": request.headers.get("X-Custom"),
            },
            status=201 if request.method == "POST" else 200,
            headers={"X-Replica": name, "Set-Cookie": f"r={name}"},
        )

    async def redirect(request: web.Request) -> web.Response:
        raise web.HTTPFound("/elsewhere?x=1")

    async def big(request: web.Request) -> web.Response:
        resp = web.Response(text="z" * 10_000)
        resp.enable_compression()
        return resp

    app = web.Application()
    app.router.add_get("/redirect", redirect)
    app.router.add_get("/big", big)
    app.router.add_route("*", "/{tail:.*}", echo)
    return app


@pytest.mark.asyncio
async def test_balancer_round_robin_and_failover() -> None:
    async with (
        serving(replica("a")) as url_a,
        contextlib.AsyncExitStack() as stack,
        aiohttp.ClientSession() as http,
    ):
        url_b = await stack.enter_async_context(serving(replica("b")))
        async with Balancer([url_a, url_b]) as lb:
            names = []
            for _ in range(4):
                async with http.get(f"{lb.base_url}/echo/x?q=1") as resp:
                    names.append((await resp.json())["name"])
            assert names == ["a", "b", "a", "b"]
            assert lb.hits_on("/echo") == {url_a: 2, url_b: 2}

            async with http.post(
                f"{lb.base_url}/form?k=v",
                data=b"payload",
                headers={"X-Custom": "1", "X-Forwarded-For": "10.0.0.1"},
            ) as resp:
                assert resp.status == 201
                assert resp.headers["X-Replica"] == "a"
                assert resp.cookies["r"].value == "a"
                assert await resp.json() == {
                    "name": "a",
                    "method": "POST",
                    "path": "/form",
                    "query": {"k": "v"},
                    "body": "payload",
                    "forwarded_for": "10.0.0.1, 127.0.0.1",
                    "custom": "1",
                }
            async with http.get(f"{lb.base_url}/redirect", allow_redirects=False) as resp:
                assert resp.status == 302
                assert resp.headers["Location"] == "/elsewhere?x=1"
            async with http.get(f"{lb.base_url}/big") as resp:
                assert await resp.text() == "z" * 10_000

            await stack.aclose()  # replica b goes down: a answers everything
            for _ in range(3):
                async with http.get(f"{lb.base_url}/after") as resp:
                    assert (await resp.json())["name"] == "a"
            assert lb.hits_on("/after") == {url_a: 3}

            lb.upstreams = [url_b]  # only a dead one
            async with http.get(f"{lb.base_url}/after") as resp:
                assert resp.status == 502
            assert lb.hits[-1][2] == "/after"
            assert len(lb.hits_on("/after")) == 1
