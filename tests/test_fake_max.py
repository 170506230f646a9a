"""The fake Max Bot API, exercised over real HTTP with httpx as a Max client would.

Every answer of the fake (errors included) is checked against ``tests/max_api.yaml`` by the
client's response hook, and every update it delivers (long polling, webhook) against the Update
schema: what a test reads here is what the published schema allows.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio
from aiohttp import web

from tests.fake_max import (
    CALLBACK_PAYLOAD_LIMIT,
    WEBHOOK_SECRET_HEADER,
    FakeMax,
    MaxApiError,
    MaxSchema,
)

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = MaxSchema()
USER = 1001


async def _check_response(response: httpx.Response) -> None:
    """Validate every answer of the fake against the schema (the upload host's too)."""
    request = response.request
    if request.url.path.startswith("/_fake/"):  # the control API: not Max's
        return
    await response.aread()
    ctype = response.headers.get("content-type", "").split(";")[0]
    body: Any = response.json() if ctype == "application/json" else response.text
    try:
        routed = SCHEMA.route(request.method, request.url.path)
    except MaxApiError:
        routed = None  # a known path, another method
    if routed is None:  # unknown paths, files: errors are Max errors all the same
        if response.status_code != 200:
            SCHEMA.validate("Error", body)
        return
    op, _ = routed
    SCHEMA.validate_response(op.operation_id, response.status_code, ctype, body)


def make_client(mx: FakeMax, token: str | None = None) -> httpx.AsyncClient:
    headers = {"Authorization": token if token is not None else mx.token}
    return httpx.AsyncClient(
        base_url=mx.base_url,
        headers=headers,
        timeout=10,
        event_hooks={"response": [_check_response]},
    )


@pytest_asyncio.fixture
async def mx() -> AsyncIterator[FakeMax]:
    async with FakeMax() as fake:
        yield fake


@pytest_asyncio.fixture
async def api(mx: FakeMax) -> AsyncIterator[httpx.AsyncClient]:
    async with make_client(mx) as client:
        yield client


def keyboard(*rows: list[dict[str, Any]]) -> dict[str, Any]:
    return {"type": "inline_keyboard", "payload": {"buttons": list(rows)}}


def callback(text: str, payload: str) -> dict[str, Any]:
    return {"type": "callback", "text": text, "payload": payload}


async def send(api: httpx.AsyncClient, body: dict[str, Any], user_id: int = USER) -> httpx.Response:
    return await api.post("/messages", params={"user_id": user_id}, json=body)


async def poll(api: httpx.AsyncClient, **params: Any) -> dict[str, Any]:
    response = await api.get("/updates", params=params)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


# -- auth --------------------------------------------------------------------------------------


async def test_the_token_goes_in_the_authorization_header(mx: FakeMax) -> None:
    async with make_client(mx, token="") as anonymous:
        missing = await anonymous.get("/me", headers={"Authorization": ""})
    async with make_client(mx, token="wrong") as stranger:
        wrong = await stranger.get("/me")
    async with make_client(mx) as client:
        me = await client.get("/me")
        bearer = await client.get("/me", headers={"Authorization": f"Bearer {mx.token}"})
    async with httpx.AsyncClient(base_url=mx.base_url) as legacy:
        by_query = await legacy.get("/me", params={"access_token": mx.token})

    assert (missing.status_code, missing.json()["code"]) == (401, "verify.token")
    assert (wrong.status_code, wrong.json()) == (
        401,
        {"code": "verify.token", "message": "Invalid access_token"},
    )
    assert bearer.status_code == 401  # the bare token, as the official clients send it
    assert me.status_code == 200
    assert me.json()["user_id"] == mx.bot_id
    assert me.json()["is_bot"] is True
    assert by_query.status_code == 200
    assert [c.status for c in mx.calls_of("getMyInfo")] == [401, 401, 200, 401, 200]


async def test_unknown_paths_and_methods(api: httpx.AsyncClient) -> None:
    assert (await api.get("/nope")).status_code == 404
    wrong = await api.patch("/messages", params={"message_id": "mid.1"})
    assert (wrong.status_code, wrong.json()["code"]) == (405, "method.not.allowed")


# -- messages ----------------------------------------------------------------------------------


async def test_send_edit_delete_a_message_with_a_keyboard(
    mx: FakeMax, api: httpx.AsyncClient
) -> None:
    mark = mx.mark()
    sent = await send(
        api,
        {
            "text": "<b>Полис</b> &laquo;ОСАГО&raquo;",
            "format": "html",
            "attachments": [
                keyboard(
                    [callback("Продлить", "renew:42"), callback("Отказаться", "decline:42")],
                    [{"type": "link", "text": "Сайт", "url": "https://example.com"}],
                )
            ],
        },
    )
    assert sent.status_code == 200
    message = sent.json()["message"]
    mid = message["body"]["mid"]
    assert message["body"]["text"] == "Полис «ОСАГО»"  # what the user sees
    assert message["recipient"] == {
        "chat_id": mx.chat_id(USER),
        "chat_type": "dialog",
        "user_id": USER,
    }
    call = await mx.wait_for("sendMessage", after=mark)
    assert call.text == "<b>Полис</b> &laquo;ОСАГО&raquo;"
    assert [b["text"] for b in mx.buttons(call)] == ["Продлить", "Отказаться", "Сайт"]

    # the user presses a button; the bot answers with a notification and an edit
    mx.press(USER, call, "Продлить")
    update = (await poll(api, timeout=0))["updates"][0]
    assert update["update_type"] == "message_callback"
    assert update["callback"]["payload"] == "renew:42"
    assert update["message"]["body"]["mid"] == mid
    answered = await api.post(
        "/answers",
        params={"callback_id": update["callback"]["callback_id"]},
        json={
            "notification": "Готово",
            "message": {
                "text": "Продлеваем…",
                "attachments": [keyboard([callback("Назад", "back")])],
            },
        },
    )
    assert answered.json() == {"success": True}
    assert mx.notifications == [(USER, "Готово")]
    assert [b["text"] for b in mx.buttons(mid)] == ["Назад"]

    # an edit: text changed, attachments null = kept; then attachments [] = removed
    edited = await api.put("/messages", params={"message_id": mid}, json={"text": "Продлено"})
    assert edited.json() == {"success": True}
    current = (await api.get(f"/messages/{mid}")).json()
    assert current["body"]["text"] == "Продлено"
    assert [b["text"] for b in mx.buttons(current)] == ["Назад"]
    await api.put("/messages", params={"message_id": mid}, json={"attachments": []})
    assert mx.buttons(mid) == []
    assert mx.sent_texts(USER) == ["Полис «ОСАГО»", "Продлеваем…", "Продлено", "Продлено"]

    deleted = await api.delete("/messages", params={"message_id": mid})
    assert deleted.json() == {"success": True}
    gone = await api.get(f"/messages/{mid}")
    assert (gone.status_code, gone.json()["code"]) == (404, "not.found")
    again = await api.put("/messages", params={"message_id": mid}, json={"text": "x"})
    assert again.status_code == 404
    # a press on a deleted message comes with message: null, as Max sends it
    mx.message_callback(USER, mid, "renew:42")
    assert (await poll(api, timeout=0))["updates"][-1]["message"] is None


async def test_markdown_reply_and_chat_id(mx: FakeMax, api: httpx.AsyncClient) -> None:
    incoming = mx.message_created(USER, "Привет")["message"]
    response = await api.post(
        "/messages",
        params={"chat_id": mx.chat_id(USER)},
        json={
            "text": "**Важно**: [кабинет](https://example.com) ++сегодня++",
            "format": "markdown",
            "link": {"type": "reply", "mid": incoming["body"]["mid"]},
        },
    )
    message = response.json()["message"]
    assert message["body"]["text"] == "Важно: кабинет сегодня"
    assert message["link"]["message"]["text"] == "Привет"
    assert message["recipient"]["user_id"] == USER
    stranger = await api.post("/messages", params={"chat_id": 1}, json={"text": "x"})
    assert (stranger.status_code, stranger.json()["code"]) == (404, "chat.not.found")


async def test_text_and_payload_limits(mx: FakeMax, api: httpx.AsyncClient) -> None:
    assert (await send(api, {"text": "я" * 4000})).status_code == 200
    too_long = await send(api, {"text": "я" * 4001})
    assert too_long.status_code == 400
    assert too_long.json() == {
        "code": "proto.payload",
        "message": "text: is longer than 4000 characters",
    }

    ascii_payload = "p" * CALLBACK_PAYLOAD_LIMIT
    ok = await send(api, {"text": "k", "attachments": [keyboard([callback("A", ascii_payload)])]})
    assert ok.status_code == 200
    cyrillic = "ж" * 513  # 513 characters, 1026 bytes
    over = await send(api, {"text": "k", "attachments": [keyboard([callback("A", cyrillic)])]})
    assert (over.status_code, over.json()["code"]) == (400, "proto.payload")
    assert "1024 bytes" in over.json()["message"]
    long_button = await send(
        api, {"text": "k", "attachments": [keyboard([callback("Б" * 129, "x")])]}
    )
    assert long_button.status_code == 400
    assert "text: is longer than 128 characters" in long_button.json()["message"]
    empty = await send(api, {"text": ""})
    assert (empty.status_code, empty.json()["code"]) == (400, "proto.payload")
    assert len(mx.calls_of("sendMessage", ok=True)) == 2


@pytest.mark.parametrize(
    ("params", "body", "reason"),
    [
        (
            {"user_id": USER},
            {"text": "x", "format": "bbcode"},
            "format: 'bbcode' is not one of ['markdown', 'html']",
        ),
        ({"user_id": "ivan"}, {"text": "x"}, "Invalid parameter user_id"),
        ({}, {"text": "x"}, "Either user_id or chat_id is required"),
        ({"user_id": USER}, {"text": 5}, "text: 5 is not of type 'string', 'null'"),
        (
            {"user_id": USER},
            {"text": "x", "attachments": [{"type": "sticker", "payload": {"code": "1"}}]},
            "attachments.0: unknown type 'sticker'",
        ),
        (
            {"user_id": USER},
            {"text": "x", "attachments": [keyboard([{"type": "link", "text": "A"}])]},
            "'url' is a required property",
        ),
        (
            {"user_id": USER},
            {"text": "x", "attachments": [keyboard([{"type": "callback", "text": "A"}])]},
            "'payload' is a required property",
        ),
    ],
)
async def test_a_schema_violation_is_answered_400(
    mx: FakeMax, api: httpx.AsyncClient, params: dict[str, Any], body: Any, reason: str
) -> None:
    response = await api.post("/messages", params=params, json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "proto.payload"
    assert reason in response.json()["message"]
    call = mx.calls_of("sendMessage")[-1]
    assert (call.status, call.error) == (400, "proto.payload")
    assert mx.messages == {}


async def test_bodies_that_are_not_json_and_bad_query_values(api: httpx.AsyncClient) -> None:
    broken = await api.post(
        "/messages",
        params={"user_id": USER},
        content=b"{text",
        headers={"Content-Type": "application/json"},
    )
    assert (broken.status_code, broken.json()["code"]) == (400, "proto.payload")
    missing = await api.post("/messages", params={"user_id": USER})
    assert missing.status_code == 400
    assert (await api.get("/updates", params={"timeout": 91})).status_code == 400
    assert (await api.get("/updates", params={"limit": 0})).status_code == 400
    assert (await api.post("/uploads", params={"type": "photo"})).status_code == 400
    assert (await api.post("/answers", params={"callback_id": " "}, json={})).status_code == 400


# -- uploads -----------------------------------------------------------------------------------


async def upload(api: httpx.AsyncClient, kind: str, content: bytes, name: str) -> Any:
    endpoint = (await api.post("/uploads", params={"type": kind})).json()
    async with httpx.AsyncClient(event_hooks={"response": [_check_response]}) as host:
        uploaded = await host.post(endpoint["url"], files={"data": (name, content)})
    assert uploaded.status_code == 200, uploaded.text
    return endpoint, uploaded


async def test_upload_not_ready_then_sent_and_the_token_reused(
    mx: FakeMax, api: httpx.AsyncClient
) -> None:
    endpoint, uploaded = await upload(api, "file", b"%PDF-1.7 policy", "policy.pdf")
    assert "token" not in endpoint  # a file's token comes with the upload's answer
    token = uploaded.json()["token"]
    body = {"text": "Ваш полис", "attachments": [{"type": "file", "payload": {"token": token}}]}

    first = await send(api, body)
    assert first.status_code == 400
    assert first.json()["code"] == "attachment.not.ready"
    second = await send(api, body)
    assert second.status_code == 200
    attachment = second.json()["message"]["body"]["attachments"][0]
    assert (attachment["filename"], attachment["size"]) == ("policy.pdf", 15)
    # the same token for other recipients, at once
    for user_id in (1002, 1003):
        assert (await send(api, body, user_id)).status_code == 200
    async with httpx.AsyncClient() as downloader:
        downloaded = await downloader.get(attachment["payload"]["url"])
    assert downloaded.content == b"%PDF-1.7 policy"

    # one upload per URL; one file per message; an unknown token
    async with httpx.AsyncClient() as host:
        reused = await host.post(endpoint["url"], files={"data": ("b.pdf", b"2")})
    assert reused.status_code == 400
    two_files = {"text": "x", "attachments": [body["attachments"][0]] * 2}
    assert "only one file" in (await send(api, two_files)).json()["message"]
    unknown = await send(api, {"attachments": [{"type": "file", "payload": {"token": "nope"}}]})
    assert (unknown.status_code, unknown.json()["code"]) == (400, "proto.payload")


async def test_images_video_and_a_readiness_delay(mx: FakeMax, api: httpx.AsyncClient) -> None:
    mx.attachment_not_ready = 0
    mx.attachment_ready_after = 0.3
    _, uploaded = await upload(api, "image", b"\x89PNG", "car.png")
    photos = uploaded.json()["photos"]
    started = time.monotonic()
    body = {"attachments": [{"type": "image", "payload": {"photos": photos}}]}
    statuses = []
    while (response := await send(api, body)).status_code != 200:  # a client's retry loop
        statuses.append(response.json()["code"])
        await asyncio.sleep(0.05)
    assert time.monotonic() - started >= 0.3
    assert statuses
    assert set(statuses) == {"attachment.not.ready"}
    assert response.json()["message"]["body"]["attachments"][0]["type"] == "image"

    # video: the token comes with the URL, and is not ready before the file arrives
    mx.attachment_ready_after = 0.0
    endpoint = (await api.post("/uploads", params={"type": "video"})).json()
    video = {"attachments": [{"type": "video", "payload": {"token": endpoint["token"]}}]}
    assert (await send(api, video)).json()["code"] == "attachment.not.ready"
    async with httpx.AsyncClient(event_hooks={"response": [_check_response]}) as host:
        done = await host.post(endpoint["url"], files={"data": ("clip.mp4", b"mp4")})
    assert "<retval>1</retval>" in done.text
    assert (await send(api, video)).status_code == 200

    by_url = {"attachments": [{"type": "image", "payload": {"url": "https://example.com/a.png"}}]}
    assert (await send(api, by_url)).status_code == 200


async def test_a_user_sends_a_file(mx: FakeMax, api: httpx.AsyncClient) -> None:
    file = mx.add_file(b"scan", "passport.jpg")
    mx.message_created(USER, "Документ", file=file, first_name="Анна", last_name="Ли")
    update = (await poll(api, timeout=0))["updates"][0]
    assert update["update_type"] == "message_created"
    attachment = update["message"]["body"]["attachments"][0]
    assert (attachment["type"], attachment["filename"]) == ("file", "passport.jpg")
    assert update["message"]["sender"]["name"] == "Анна Ли"
    async with httpx.AsyncClient() as downloader:
        assert (await downloader.get(attachment["payload"]["url"])).content == b"scan"


# -- long polling ------------------------------------------------------------------------------


async def test_long_polling_with_a_marker_loses_and_repeats_nothing(
    mx: FakeMax, api: httpx.AsyncClient
) -> None:
    total = 60

    async def producer() -> None:
        for i in range(total):
            mx.message_created(USER + i % 3, f"m{i}")
            if i % 7 == 0:
                await asyncio.sleep(0)  # let polls interleave with the feeding

    received: list[str] = []
    marker: int | None = None
    task = asyncio.create_task(producer())
    while len(received) < total:
        params: dict[str, Any] = {"limit": 5, "timeout": 5}
        if marker is not None:
            params["marker"] = marker
        page = await poll(api, **params)
        received += [u["message"]["body"]["text"] for u in page["updates"]]
        marker = page["marker"]
    await task
    assert received == [f"m{i}" for i in range(total)]
    # everything before the marker is confirmed; nothing comes twice
    assert (await poll(api, marker=marker, timeout=0))["updates"] == []
    assert mx.pending_updates == 0


async def test_without_a_marker_unconfirmed_updates_come_again(
    api: httpx.AsyncClient, mx: FakeMax
) -> None:
    mx.bot_started(USER, payload="ref-42")
    first = await poll(api, timeout=0)
    again = await poll(api, timeout=0)
    assert first["updates"] == again["updates"]
    assert first["updates"][0]["payload"] == "ref-42"
    confirmed = await poll(api, marker=first["marker"], timeout=0)
    assert confirmed["updates"] == []
    assert confirmed["marker"] == first["marker"]


async def test_a_long_poll_wakes_on_a_new_update(mx: FakeMax, api: httpx.AsyncClient) -> None:
    waiting = asyncio.create_task(poll(api, timeout=30))
    await mx.wait_polling()
    started = time.monotonic()
    mx.message_created(USER, "hello")
    page = await waiting
    assert time.monotonic() - started < 5
    assert [u["message"]["body"]["text"] for u in page["updates"]] == ["hello"]


async def test_types_filter(mx: FakeMax, api: httpx.AsyncClient) -> None:
    mx.message_created(USER, "text")
    mx.bot_started(USER)
    mx.bot_started(USER, payload="x" * 513)  # too long for a deep link: not passed
    page = await poll(api, types="bot_started,message_callback", timeout=0)
    assert [u["update_type"] for u in page["updates"]] == ["bot_started", "bot_started"]
    assert "payload" not in page["updates"][1]
    assert (await poll(api, marker=page["marker"], timeout=0))["updates"] == []


# -- webhook -----------------------------------------------------------------------------------


class Receiver:
    """A webhook endpoint answering the scripted statuses, then 200."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[tuple[str | None, dict[str, Any]]] = []
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        update = await request.json()
        SCHEMA.validate("Update", update)
        self.requests.append((request.headers.get(WEBHOOK_SECRET_HEADER), update))
        status = self.statuses.pop(0) if self.statuses else 200
        return web.Response(status=status, text="ok")

    async def __aenter__(self) -> Receiver:
        app = web.Application()
        app.router.add_post("/hook", self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}/hook"
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._runner is not None
        await self._runner.cleanup()


async def test_webhook_delivery_with_the_secret_and_retries_until_200(
    mx: FakeMax, api: httpx.AsyncClient
) -> None:
    mx.bot_started(USER, payload="before")  # pending before the subscription: delivered too
    async with Receiver([500, 204, 302]) as receiver:
        subscribed = await api.post(
            "/subscriptions",
            json={
                "url": receiver.url,
                "update_types": ["bot_started", "message_created"],
                "secret": "s3cret-Token_1",
            },
        )
        assert subscribed.json() == {"success": True}
        refused = await api.get("/updates", params={"timeout": 0})
        assert (refused.status_code, refused.json()["code"]) == (405, "method.not.allowed")

        await mx.drain()
        deliveries = mx.webhook_deliveries
        assert [d.status for d in deliveries] == [500, 204, 302, 200]  # only 200 confirms
        assert {d.seq for d in deliveries} == {1}
        assert {secret for secret, _ in receiver.requests} == {"s3cret-Token_1"}
        assert receiver.requests[-1][1]["payload"] == "before"

        mx.message_created(USER, "after")
        mx.bot_stopped(USER)  # not among update_types: dropped
        await mx.drain()
        assert receiver.requests[-1][1]["message"]["body"]["text"] == "after"
        assert [u["update_type"] for u in mx.dropped_updates] == ["bot_stopped"]

        listed = (await api.get("/subscriptions")).json()["subscriptions"]
        assert [(s["url"], sorted(s["update_types"])) for s in listed] == [
            (receiver.url, ["bot_started", "message_created"])
        ]
        await api.delete("/subscriptions", params={"url": receiver.url})
        assert (await api.get("/subscriptions")).json() == {"subscriptions": []}
        mx.message_created(USER, "polled")
        page = await poll(api, timeout=0)
        assert [u["message"]["body"]["text"] for u in page["updates"]] == ["polled"]


async def test_without_a_secret_there_is_no_secret_header(
    mx: FakeMax, api: httpx.AsyncClient
) -> None:
    async with Receiver([]) as receiver:
        await api.post("/subscriptions", json={"url": receiver.url})
        mx.dialog_removed(USER)
        await mx.drain()
    # delivered concurrently (as Max may): in any order
    assert sorted(u["update_type"] for _, u in receiver.requests) == [
        "bot_stopped",
        "dialog_removed",
    ]
    assert {secret for secret, _ in receiver.requests} == {None}


def test_every_operation_of_the_schema_is_served() -> None:
    served = {*FakeMax()._handlers, "getUpdates"}
    assert served == set(SCHEMA.operations)


async def test_a_waiting_poll_is_refused_when_a_subscription_is_made(
    mx: FakeMax, api: httpx.AsyncClient
) -> None:
    waiting = asyncio.create_task(api.get("/updates", params={"timeout": 30}))
    await mx.wait_polling()
    await api.post("/subscriptions", json={"url": "http://127.0.0.1:9/hook"})
    assert (await waiting).status_code == 405


async def test_an_unreachable_webhook_is_retried(mx: FakeMax, api: httpx.AsyncClient) -> None:
    await api.post("/subscriptions", json={"url": "http://127.0.0.1:9/hook", "secret": "abcde"})
    mx.message_created(USER, "x")
    deliveries = await mx.wait_deliveries(3)
    assert all(d.status is None and d.error for d in deliveries)
    assert mx.pending_updates == 1
    bad_secret = await api.post("/subscriptions", json={"url": "https://x.ru", "secret": "a b"})
    assert bad_secret.status_code == 400


# -- injected failures -------------------------------------------------------------------------


async def test_keyboards_within_maxs_limits(api: httpx.AsyncClient) -> None:
    def link(text: str) -> dict[str, Any]:
        return {"type": "link", "text": text, "url": "https://example.org"}

    def sent(*rows: list[dict[str, Any]]) -> Any:
        return send(api, {"text": "k", "attachments": [keyboard(*rows)]})

    seven = [callback(str(n), str(n)) for n in range(7)]
    assert (await sent(seven)).status_code == 200
    wide = await sent([*seven, callback("8", "8")])
    assert (wide.status_code, wide.json()["code"]) == (400, "proto.payload")
    assert "at most 7" in wide.json()["message"]
    assert (await sent([link("a"), link("b"), callback("c", "c")])).status_code == 200
    links = await sent([link("a"), link("b"), callback("c", "c"), callback("d", "d")])
    assert "at most 3" in links.json()["message"]
    assert (await sent(*[[callback(str(n), str(n))] for n in range(30)])).status_code == 200
    rows = await sent(*[[callback(str(n), str(n))] for n in range(31)])
    assert "at most 30" in rows.json()["message"]


async def test_a_group_chat(mx: FakeMax, api: httpx.AsyncClient) -> None:
    mx.add_group(-70555, "Поддержка")
    sent = await api.post("/messages", params={"chat_id": -70555}, json={"text": "Вопрос"})
    assert sent.status_code == 200
    message = sent.json()["message"]
    assert message["recipient"] == {"chat_id": -70555, "chat_type": "chat", "user_id": None}
    unknown = await api.post("/messages", params={"chat_id": -70556}, json={"text": "x"})
    assert (unknown.status_code, unknown.json()["code"]) == (404, "chat.not.found")
    update = mx.message_created(USER, "Ответ", chat_id=-70555, reply_to=message["body"]["mid"])
    said = update["message"]
    assert said["recipient"] == {"chat_id": -70555, "chat_type": "chat", "user_id": None}
    assert said["link"]["message"]["mid"] == message["body"]["mid"]


async def test_the_rate_limit(mx: FakeMax, api: httpx.AsyncClient) -> None:
    mx.rate_limit, mx.clock = 5, lambda: 100.0  # all within one second, however slow the machine
    answers = [(await send(api, {"text": str(n)})).status_code for n in range(7)]
    assert answers == [200] * 5 + [429] * 2
    limited = await send(api, {"text": "x"})
    assert (limited.json()["code"], limited.headers["Retry-After"]) == ("too.many.requests", "1")
    assert mx.rate_limited == 3


async def test_429_injection(mx: FakeMax, api: httpx.AsyncClient) -> None:
    mx.fail_next("sendMessage", 429, retry_after=3)
    limited = await send(api, {"text": "x"})
    assert limited.status_code == 429
    assert limited.json()["code"] == "too.many.requests"
    assert limited.headers["Retry-After"] == "3"
    assert (await send(api, {"text": "x"})).status_code == 200

    mx.fail_next(status=503, times=2)
    assert (await api.get("/me")).status_code == 503
    assert (await api.get("/updates", params={"timeout": 0})).status_code == 503
    assert (await api.get("/me")).status_code == 200
    assert [c.error for c in mx.calls if not c.ok] == [
        "too.many.requests",
        "service.unavailable",
        "service.unavailable",
    ]


async def test_a_user_who_stopped_the_bot(mx: FakeMax, api: httpx.AsyncClient) -> None:
    mx.bot_stopped(USER)
    denied = await send(api, {"text": "Напоминание"})
    assert denied.status_code == 403
    assert denied.json()["code"] == "chat.denied"
    assert (await send(api, {"text": "x"}, user_id=1002)).status_code == 200

    mx.bot_started(USER)
    assert (await send(api, {"text": "С возвращением"})).status_code == 200

    mx.dialog_removed(USER)
    page = await poll(api, timeout=0)
    assert [u["update_type"] for u in page["updates"]][-2:] == ["bot_stopped", "dialog_removed"]
    assert (await send(api, {"text": "x"})).status_code == 403


# -- standalone --------------------------------------------------------------------------------


async def test_standalone_server_prints_its_url_and_serves() -> None:
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "tests.fake_max", "--port", "0", "--token", "standalone-t"),
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        url = (await asyncio.wait_for(process.stdout.readline(), 30)).decode().strip()
        assert url.startswith("http://127.0.0.1:")
        async with httpx.AsyncClient(base_url=url) as client:
            me = await client.get("/me", headers={"Authorization": "standalone-t"})
            fed = await client.post("/_fake/message_created", json={"user_id": 5, "text": "hi"})
            page = await client.get(
                "/updates", params={"timeout": 0}, headers={"Authorization": "standalone-t"}
            )
        assert me.status_code == 200
        assert me.json()["is_bot"] is True
        assert fed.json()["ok"] is True
        assert page.json()["updates"][0]["message"]["body"]["text"] == "hi"
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)  # Ctrl+C
        await asyncio.wait_for(process.wait(), 10)
    assert process.returncode == 0  # a clean stop
