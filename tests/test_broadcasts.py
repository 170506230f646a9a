"""Staff broadcasts: the /broadcast dialog through the fake Bot API (formatting, button,
audience, category, a preview equal to what recipients get, the rows made), marketing consent,
who may use it, the admin API (401, 400, 202, status, cancel), the command line, and the
delivery engine sending a broadcast once per recipient and stopping on cancel."""

from __future__ import annotations

import asyncio
import io
import json
import math
import os
from collections.abc import AsyncIterator, Iterable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.factory.web_app import create_app
from cabinet.client import Reading
from cabinet.models import Page, PolicySummary
from notify import broadcasts
from notify.admin_api import run_broadcast_command
from notify.broadcasts import Audience, build_payload, create_broadcast, recipients
from storage.accounts import Channel
from storage.models import Broadcast, Link, OutboxMessage, User, utcnow
from tests.conftest import Backend
from tests.harness import RunningBot, running_bot

ADMIN, STRANGER = 5001, 5002
RU_PLAIN, EN_OPTED, RU_INACTIVE, RU_UNLINKED, RU_OPTED = 3101, 3102, 3103, 3104, 3105
TOKEN = "admin-api-token-for-tests"


async def add_linked(session: AsyncSession, users: Iterable[int], *, locale: str = "ru") -> None:
    """Policyholders who have talked to the bot and signed in: a broadcast's audience."""
    users = list(users)
    session.add_all(User(id=user_id, locale=locale) for user_id in users)
    await session.flush()
    session.add_all(link_of(user_id) for user_id in users)


def link_of(user_id: int) -> Link:
    """The user signed in (a made-up customer of their own)."""
    return Link(
        user_id=user_id,
        provider="sandbox",
        subject=f"subject-{user_id}",
        customer_id=f"cus_{user_id}",
        level="trusted",
        display_name="Тест Т.",
    )


async def seed(session_factory: async_sessionmaker[AsyncSession]) -> None:
    """Five users: two linked ru (one opted in to marketing), one linked en (opted in), one
    linked but inactive (blocked the bot), one not linked."""
    people = [
        (RU_PLAIN, "ru", True, False, True),
        (EN_OPTED, "en", True, True, True),
        (RU_INACTIVE, "ru", False, True, True),
        (RU_UNLINKED, "ru", True, True, False),
        (RU_OPTED, "ru", True, True, True),
    ]
    async with session_factory() as session:
        for user_id, locale, active, marketing, _linked in people:
            session.add(User(id=user_id, locale=locale, is_active=active, marketing=marketing))
        await session.flush()
        for user_id, *_, linked in people:
            if linked:
                session.add(link_of(user_id))
        await session.commit()


async def rows_of(
    session_factory: async_sessionmaker[AsyncSession], broadcast_id: int
) -> list[OutboxMessage]:
    async with session_factory() as session:
        query = select(OutboxMessage).where(OutboxMessage.broadcast_id == broadcast_id)
        return list((await session.scalars(query.order_by(OutboxMessage.chat_id))).all())


# ----------------------------------------------------------------------------- the dialog


async def answer(app: RunningBot, user: int, *, after: int, contains: str) -> Any:
    return await app.tg.wait_for(
        ("sendMessage", "editMessageText"),
        lambda c: c.ok and c.chat_id == user and contains in (c.text or ""),
        after=after,
    )


async def test_the_admin_composes_previews_and_sends_a_broadcast(migrated: Backend) -> None:
    async with running_bot(migrated, admin_ids=[ADMIN], flood_rate=50) as app:
        await seed(app.resources.session_factory)
        compose = await app.say(ADMIN, "/broadcast")
        assert "Новая рассылка" in (compose.text or "")

        mark = app.tg.mark()
        app.tg.user_message(
            ADMIN,
            "Важно: полис & скидка",
            extra={
                "entities": [
                    {"type": "bold", "offset": 0, "length": 5},
                    {"type": "italic", "offset": 7, "length": 5},
                ]
            },
        )
        await answer(app, ADMIN, after=mark, contains="Кнопка-ссылка")
        mark = app.tg.mark()
        app.tg.user_message(ADMIN, "без ссылки")
        await answer(app, ADMIN, after=mark, contains="Не получилось разобрать кнопку")
        mark = app.tg.mark()
        app.tg.user_message(ADMIN, "Подробнее | https://example.ru/sale")
        audience = await answer(app, ADMIN, after=mark, contains="Кому отправить?")
        category = await app.press(ADMIN, audience, "Всем подключённым")
        assert "Категория" in (category.text or "")

        mark = app.tg.mark()
        app.tg.press(ADMIN, category, "Сервисная")
        confirm = await answer(app, ADMIN, after=mark, contains="Проверьте рассылку")
        assert "Получателей: 3" in (confirm.text or "")  # linked and active: 3101, 3102, 3105
        [preview] = [
            c
            for c in app.tg.calls[mark:]
            if c.method == "sendMessage" and c.chat_id == ADMIN and "полис" in (c.text or "")
        ]
        expected_text = "<b>Важно</b>: <i>полис</i> &amp; скидка"
        assert preview.text == expected_text
        assert app.tg.buttons(preview) == [{"text": "Подробнее", "url": "https://example.ru/sale"}]

        mark = app.tg.mark()
        app.tg.press(ADMIN, confirm, "Отправить")
        board = await answer(app, ADMIN, after=mark, contains="Рассылка №")
        assert "Остановить" in str(app.tg.buttons(board))

        async with app.resources.session_factory() as session:
            [broadcast] = (await session.scalars(select(Broadcast))).all()
        assert (broadcast.created_by, broadcast.category, broadcast.total) == (ADMIN, "service", 3)
        rows = await rows_of(app.resources.session_factory, broadcast.id)
        assert [row.chat_id for row in rows] == [RU_PLAIN, EN_OPTED, RU_OPTED]
        assert {row.kind for row in rows} == {"broadcast"}
        # What each recipient will be sent is what the admin saw.
        for row in rows:
            assert row.payload == {
                "text": expected_text,
                "buttons": [[{"text": "Подробнее", "url": "https://example.ru/sale"}]],
            }

        # The report can be asked for again; Stop cancels what is left.
        mark = app.tg.mark()
        again = await app.say(ADMIN, f"/broadcast {broadcast.id}")
        assert f"Рассылка №{broadcast.id}" in (again.text or "")
        mark = app.tg.mark()
        app.tg.press(ADMIN, again, "Остановить")
        stopped = await answer(app, ADMIN, after=mark, contains="остановлена")
        assert "Не отправлено: 3" in (stopped.text or "")
        assert {row.status for row in await rows_of(app.resources.session_factory, 1)} == {
            "cancelled"
        }


async def test_a_photo_broadcast_by_language_for_marketing(migrated: Backend) -> None:
    async with running_bot(migrated, admin_ids=[ADMIN], flood_rate=50) as app:
        await seed(app.resources.session_factory)
        await app.say(ADMIN, "/broadcast")
        photo = app.tg.add_file("photo-b1", b"\xff\xd8\xff\xe0" + b"\x00" * 32)
        mark = app.tg.mark()
        app.tg.user_message(ADMIN, "Новый продукт", photo=photo)
        button = await answer(app, ADMIN, after=mark, contains="Кнопка-ссылка")
        audience = await app.press(ADMIN, button, "Без кнопки")
        locales = await app.press(ADMIN, audience, "По языку")
        category = await app.press(ADMIN, locales, "Русский")
        mark = app.tg.mark()
        app.tg.press(ADMIN, category, "Рекламная")
        confirm = await answer(app, ADMIN, after=mark, contains="Проверьте рассылку")
        assert "Получателей: 1" in (confirm.text or "")  # ru, active, linked, opted in: 3105
        [preview] = [c for c in app.tg.calls_of("sendPhoto", ok=True) if c.chat_id == ADMIN]
        assert preview.text == "Новый продукт"
        mark = app.tg.mark()
        app.tg.press(ADMIN, confirm, "Отправить")
        await answer(app, ADMIN, after=mark, contains="Рассылка №")
        rows = await rows_of(app.resources.session_factory, 1)
        assert [row.chat_id for row in rows] == [RU_OPTED]
        assert rows[0].payload == {"text": "Новый продукт", "photo": "photo-b1"}


async def test_only_admins_have_broadcast(migrated: Backend) -> None:
    async with running_bot(migrated, admin_ids=[ADMIN], flood_rate=50) as app:
        said = await app.say(STRANGER + 1, "/broadcast")  # a new user, no conversation open
        assert "Я не понял сообщение" in (said.text or "")
        # In the menu: whatever any unknown command gets there.
        await app.consent(STRANGER)
        unknown = await app.say(STRANGER, "/no_such_command")
        for command in ("/broadcast", "/broadcast 1"):
            said = await app.say(STRANGER, command)
            assert (said.method, said.text) == (unknown.method, unknown.text)
        async with app.resources.session_factory() as session:
            assert (await session.scalars(select(Broadcast))).all() == []


# ----------------------------------------------------------------------------- the audience


class Policies:
    """The cabinet's policies: customer → products held (or an error)."""

    def __init__(self, held: dict[str, list[str]]) -> None:
        self.held = held
        self.calls = 0

    async def policies(
        self, customer_id: str, *, page: int = 1, page_size: int = 20, locale: str = "ru"
    ) -> Reading[Page[PolicySummary]]:
        from cabinet import CabinetUnavailable  # noqa: PLC0415

        self.calls += 1
        if customer_id not in self.held:
            raise CabinetUnavailable("down")
        items = [
            PolicySummary.model_validate(
                {
                    "id": f"p-{customer_id}-{product}",
                    "number": "XXX 0000000001",
                    "product": product,
                    "title": product,
                    "status": "active",
                    "starts_on": "2026-01-01",
                    "ends_on": "2027-01-01",
                    "premium": {"amount": "1000.00", "currency": "RUB"},
                    "renewable": True,
                }
            )
            for product in self.held[customer_id]
        ]
        value = Page[PolicySummary](items=items, page=page, page_size=page_size, total=len(items))
        return Reading(value=value, fetched_at=utcnow())


async def test_audiences_and_consent_to_marketing(migrated: Backend) -> None:
    from storage.db import create_engine, create_session_factory  # noqa: PLC0415

    engine = create_engine(migrated.database_url)
    factory = create_session_factory(engine)
    try:
        await seed(factory)
        async with factory() as session:
            every = await recipients(session, Audience("all"), "service")
            assert every.chat_ids == [RU_PLAIN, EN_OPTED, RU_OPTED]
            opted = await recipients(session, Audience("all"), "marketing")
            assert opted.chat_ids == [EN_OPTED, RU_OPTED]
            english = await recipients(session, Audience("locale", "en"), "service")
            assert english.chat_ids == [EN_OPTED]
            policies = Policies({f"cus_{RU_PLAIN}": ["osago", "dms"], f"cus_{EN_OPTED}": ["kasko"]})
            holders = await recipients(
                session, Audience("product", "osago"), "service", policies=policies
            )
            assert holders.chat_ids == [RU_PLAIN]
            assert holders.unknown == 1  # RU_OPTED's policies could not be read
        with pytest.raises(broadcasts.AudienceError):
            Audience("product", "yacht")
        with pytest.raises(broadcasts.AudienceError):
            Audience("locale", "de")

        async with factory() as session:
            empty = await create_broadcast(
                session,
                payload=build_payload("Тест"),
                audience=Audience("locale", "en"),
                category="marketing",
                chunk=1,
            )
            assert (empty.total, empty.status) == (1, "sending")
    finally:
        await engine.dispose()


# ----------------------------------------------------------------------------- the admin API


async def _stream(parts: Iterator[bytes]) -> AsyncIterator[bytes]:
    """A body without Content-Length (chunked)."""
    for part in parts:
        yield part


async def test_the_admin_api(migrated: Backend) -> None:
    async with (
        running_bot(migrated, web_server=True, admin_api_token=TOKEN) as app,
        httpx.AsyncClient(base_url=app.settings.web.public_url + "/admin", timeout=10) as http,
    ):
        await seed(app.resources.session_factory)
        body = {
            "text": "<b>Плановые работы</b> ночью",
            "parse_mode": "HTML",
            "audience": {"kind": "all"},
            "category": "service",
            "button": {"text": "Подробнее", "url": "https://example.ru/works"},
        }
        assert (await http.post("/broadcasts", json=body)).status_code == 401
        wrong = {"Authorization": "Bearer not-the-token"}
        assert (await http.post("/broadcasts", json=body, headers=wrong)).status_code == 401
        auth = {"Authorization": f"Bearer {TOKEN}"}
        assert (await http.get("/broadcasts/1", headers=wrong)).status_code == 401

        bad = {
            **body,
            "text": "<b>не закрыт",
            "category": "spam",
            "button": {"text": "x", "url": "ftp://x"},
        }
        refused = await http.post("/broadcasts", json=bad, headers=auth)
        assert refused.status_code == 400
        reasons = " ".join(refused.json()["reasons"])
        for field in ("text", "category", "button.url"):
            assert field in reasons
        not_json = await http.post("/broadcasts", content=b"{", headers=auth)
        assert not_json.status_code == 400
        padded = {**body, "padding": "x" * 70 * 1024}  # over the 64 KB limit, said or not
        assert (await http.post("/broadcasts", json=padded, headers=auth)).status_code == 413
        chunked = (json.dumps(padded)[i : i + 4096].encode() for i in range(0, 80 * 1024, 4096))
        streamed = await http.post("/broadcasts", content=_stream(chunked), headers=auth)
        assert streamed.status_code == 413
        no_product = {**body, "audience": {"kind": "product", "value": "yacht"}}
        assert (await http.post("/broadcasts", json=no_product, headers=auth)).status_code == 400

        created = await http.post("/broadcasts", json=body, headers=auth)
        assert created.status_code == 202, created.text
        broadcast_id = created.json()["id"]
        status = (await http.get(f"/broadcasts/{broadcast_id}", headers=auth)).json()
        assert {k: status[k] for k in ("status", "total", "sent", "failed", "blocked")} == {
            "status": "sending",
            "total": 3,
            "sent": 0,
            "failed": 0,
            "blocked": 0,
        }
        assert status["pending"] == 3
        rows = await rows_of(app.resources.session_factory, broadcast_id)
        assert rows[0].payload["buttons"] == [[body["button"]]]

        stopped = await http.post(f"/broadcasts/{broadcast_id}/cancel", headers=auth)
        assert stopped.status_code == 200
        assert (stopped.json()["status"], stopped.json()["pending"]) == ("cancelled", 0)
        rows = await rows_of(app.resources.session_factory, broadcast_id)
        assert {row.status for row in rows} == {"cancelled"}
        assert (await http.get("/broadcasts/999", headers=auth)).status_code == 404
        assert (await http.post("/broadcasts/abc/cancel", headers=auth)).status_code == 404


async def test_no_token_no_admin_api(migrated: Backend) -> None:
    async with running_bot(migrated) as app:
        web_app = create_app(app.settings, app.resources, bot_usernames={Channel.TELEGRAM: "b"})
        paths = [resource.canonical for resource in web_app.router.resources()]
        assert not any(path.startswith("/admin") for path in paths)


# ----------------------------------------------------------------------------- command line


class _Watched(io.StringIO):
    """What a command printed, with an event set when `words` are printed."""

    def __init__(self, words: str) -> None:
        super().__init__()
        self.words = words
        self.warned = asyncio.Event()

    def write(self, text: str) -> int:
        if self.words in text:
            self.warned.set()
        return super().write(text)


async def test_the_command_line_creates_and_follows(migrated: Backend, tmp_path: Path) -> None:
    from storage.db import create_engine, create_session_factory  # noqa: PLC0415

    engine = create_engine(migrated.database_url)
    factory = create_session_factory(engine)
    text = tmp_path / "message.html"
    text.write_text("<b>Новость</b> для всех\n", "utf-8")
    try:
        await seed(factory)
        out = io.StringIO()
        code = await run_broadcast_command(
            factory,
            text_file=text,
            audience="all",
            category="marketing",
            button_text="Открыть",
            button_url="https://example.ru",
            wait=False,
            out=out,
        )
        assert code == 0
        assert "broadcast 1: 2 recipients" in out.getvalue()
        rows = await rows_of(factory, 1)
        assert [row.chat_id for row in rows] == [EN_OPTED, RU_OPTED]
        assert rows[0].payload["text"] == "<b>Новость</b> для всех"

        # Following: a stand-in worker that starts late sends the rows — only once the
        # command has said it sees none (a fixed sleep here raced the command's own clock on
        # a loaded machine); the bar ends with "done".
        async def deliver() -> None:
            await asyncio.wait_for(watched.warned.wait(), 30)
            async with factory() as session:
                for row in await session.scalars(select(OutboxMessage)):
                    row.status, row.sent_at = "sent", utcnow()
                await session.commit()

        out = watched = _Watched("is a worker running")
        delivery = asyncio.create_task(deliver())
        code = await run_broadcast_command(
            factory,
            text_file=text,
            audience="locale:ru",
            category="service",
            button_text=None,
            button_url=None,
            out=out,
            poll_interval=0.1,
            no_worker_after=0.15,
        )
        await delivery
        assert code == 0
        shown = out.getvalue()
        assert "broadcast 2: 2 recipients" in shown
        assert "is a worker running" in shown
        assert "100%" in shown
        assert "broadcast 2: done" in shown

        with pytest.raises(broadcasts.AudienceError):
            await run_broadcast_command(
                factory,
                text_file=text,
                audience="all",
                category="service",
                button_text="only the text",
                button_url=None,
            )
    finally:
        await engine.dispose()


def test_cabinet_bot_broadcast_embedded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from bot.cli import main  # noqa: PLC0415
    from storage import migrate  # noqa: PLC0415
    from storage.db import create_engine, create_session_factory  # noqa: PLC0415

    url = f"sqlite+aiosqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.chdir(tmp_path)
    for name in list(os.environ):
        if name in {"DATABASE_URL", "REDIS_URL", "CABINET_URL", "IDP"}:
            monkeypatch.delenv(name)
    monkeypatch.setenv("DATABASE_URL", url)
    migrate.upgrade(url)

    async def prepare() -> None:
        engine = create_engine(url)
        try:
            await seed(create_session_factory(engine))
        finally:
            await engine.dispose()

    asyncio.run(prepare())
    message = tmp_path / "m.html"
    message.write_text("Сервис <i>недоступен</i> с 2:00 до 3:00", "utf-8")
    assert main(["broadcast", "--text-file", str(message), "--no-wait"]) == 0
    assert "broadcast 1: 3 recipients" in capsys.readouterr().out
    assert main(["broadcast", "--text-file", str(message), "--audience", "locale:de"]) == 2
    assert "locale must be one of" in capsys.readouterr().err


# ----------------------------------------------------------------------------- with the engine


async def test_workers_deliver_once_and_cancel_stops_the_rest(migrated: Backend) -> None:
    from bot.factory.worker import create_worker  # noqa: PLC0415
    from notify.broadcasts import cancel, progress  # noqa: PLC0415
    from notify.worker import CANCEL_CHECK_SECONDS  # noqa: PLC0415

    async with running_bot(migrated, telegram_rate_limit=4) as app:
        factory = app.resources.session_factory
        await seed(factory)
        many = range(6000, 6020)
        async with factory() as session:
            await add_linked(session, many)
            await session.commit()
        worker = await create_worker(
            app.settings, app.resources, app.bot, poll_interval=0.05, depth_interval=0
        )
        await worker.start()
        try:
            async with factory() as session:
                broadcast = await create_broadcast(
                    session,
                    payload=build_payload("<b>Всем</b>"),
                    audience=Audience("locale", "en"),
                    category="service",
                )
            now = None
            for _ in range(100):
                async with factory() as session:
                    now = await progress(session, broadcast.id)
                if now is not None and now.final:
                    break
                await asyncio.sleep(0.1)
            assert now is not None
            assert (now.status, now.sent) == ("done", 1)
            assert [c.chat_id for c in app.tg.calls_of("sendMessage", ok=True)] == [EN_OPTED]

            async with factory() as session:
                big = await create_broadcast(
                    session,
                    payload=build_payload("Много"),
                    audience=Audience("all"),
                    category="service",
                )
            await asyncio.sleep(1.0)
            async with factory() as session:
                stopped = await cancel(session, big.id)
            assert stopped is not None
            assert stopped.status == "cancelled"
            assert 0 < stopped.sent < big.total
            await asyncio.sleep(1.0)
            await worker.stop()  # what was in flight lands and is recorded; nothing more
            async with factory() as session:
                final = await progress(session, big.id)
            assert final is not None
            sends = [c for c in app.tg.calls_of("sendMessage", ok=True) if c.text == "Много"]
            assert len(sends) == final.sent == len({c.chat_id for c in sends})
            assert final.sent + final.cancelled == big.total
            # In flight when it was cancelled: a row per sender, and those whose sender had
            # looked at the broadcast's status within the last CANCEL_CHECK_SECONDS.
            in_flight = app.settings.delivery.concurrency + math.ceil(4 * CANCEL_CHECK_SECONDS)
            assert final.sent <= stopped.sent + in_flight
        finally:
            await worker.stop()
