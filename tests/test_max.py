"""The bot in Max (issue 19), end to end on the fake Max Bot API over HTTP, beside Telegram on
the same dispatcher: what a policyholder in Max sees and does."""

from __future__ import annotations

import asyncio
import html
import os
import re
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot.max_messenger.webhook import SECRET_HEADER
from storage.accounts import Channel, account_id
from storage.models import Consent, Link, OutboxMessage, User
from tests.conftest import Backend
from tests.esia_browser import through_esia
from tests.fake_max import FakeMax
from tests.harness import MAX_SECRET, RunningBot, running_bot
from tests.sandbox_server import free_port
from tests.test_events import event_body, post
from tests.test_linking import IVANOV
from tests.test_my_data import personal_data

ROOT = Path(__file__).resolve().parent.parent
IVAN = 7001  # Max's id of a person


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with running_bot(migrated, web_server=True, max_messenger=True) as running:
        yield running


async def test_consent_then_the_main_menu_in_max(app: RunningBot) -> None:
    assert app.mx is not None
    mark = app.mx.mark()
    hello = await app.max.start(IVAN)
    assert "Здравствуйте" in (hello.text or "")
    consent = await app.mx.wait_for("sendMessage", lambda c: "152-ФЗ" in (c.text or ""), after=mark)
    assert consent.user_id == IVAN
    assert app.mx.buttons(consent), "the consent screen has its buttons"

    menu = await app.max.press(IVAN, consent, "✅")
    assert "Главное меню" in (menu.text or "")
    labels = [b["text"] for b in app.mx.buttons(menu)]
    assert any("Госуслуги" in label for label in labels), labels

    async with app.resources.session_factory() as session:
        user = await session.get(User, account_id(Channel.MAX, IVAN))
        consents = list(await session.scalars(select(Consent.user_id)))
    assert user is not None
    assert (user.channel, user.external_id) == ("max", IVAN)
    assert consents == [account_id(Channel.MAX, IVAN)], "the consent is Max's account's"


async def sign_in_from_max(app: RunningBot, user: int, oid: str = IVANOV) -> httpx.Response:
    """/start, the consent, «Войти через Госуслуги» and the sandbox ESIA, as a Max user:
    the page the sign-in ends on."""
    assert app.mx is not None
    menu = await app.max.consent(user)
    button = app.mx.button(menu, "Госуслуги")
    assert button["type"] == "link"
    async with httpx.AsyncClient(timeout=10) as browser:
        started = await browser.get(button["url"])
        assert started.status_code == 302, started.text
        back = await through_esia(browser, started.headers["location"], oid=oid)
        return await browser.get(back)


def start_payload(page: httpx.Response) -> str:
    """The deep link's start parameter on the page a sign-in ends on."""
    deep_link = re.search(r"href='(https://max\.ru/cabinet_test_bot\?start=[^']+)'", page.text)
    assert deep_link is not None, page.text
    return parse_qs(urlsplit(html.unescape(deep_link[1])).query)["start"][0]


async def linked_in_max(app: RunningBot, user: int = IVAN) -> None:
    """The Max user signed in (as Иванов) and back in the chat."""
    assert app.mx is not None
    payload = start_payload(await sign_in_from_max(app, user))
    mark = app.mx.mark()
    await app.max.start(user, payload)
    await app.mx.wait_for(
        "sendMessage", lambda c: "Иван И." in (c.text or "") and c.user_id == user, after=mark
    )


async def test_signing_in_from_max_returns_by_maxs_deep_link_and_links_the_chat(
    app: RunningBot,
) -> None:
    assert app.mx is not None
    page = await sign_in_from_max(app, IVAN)
    assert page.status_code == 200
    assert "вернитесь в Max" in page.text
    payload = start_payload(page)
    typed = re.search(r"<code>(/start b_[A-Za-z0-9_-]+)</code>", page.text)
    assert typed is not None
    assert typed[1] == f"/start {payload}", "the copyable fallback is the same code"

    mark = app.mx.mark()
    await app.max.start(IVAN, payload)
    linked = await app.mx.wait_for(
        "sendMessage", lambda c: "Иван И." in (c.text or "") and c.user_id == IVAN, after=mark
    )
    assert "Главное меню" in (linked.text or "") or app.mx.buttons(linked)
    async with app.resources.session_factory() as session:
        link = await session.get(Link, account_id(Channel.MAX, IVAN))
    assert link is not None
    assert (link.channel, link.subject) == ("max", IVANOV)


async def test_the_typed_start_command_links_the_chat_in_max(app: RunningBot) -> None:
    """Where the deep link does not open the dialog (Max on a computer), the person types the
    command the page shows."""
    assert app.mx is not None
    page = await sign_in_from_max(app, IVAN)
    typed = re.search(r"<code>(/start b_[A-Za-z0-9_-]+)</code>", page.text)
    assert typed is not None
    linked = await app.max.say(IVAN, typed[1])
    assert "Иван И." in (linked.text or ""), linked.text
    async with app.resources.session_factory() as session:
        link = await session.get(Link, account_id(Channel.MAX, IVAN))
    assert link is not None


async def test_an_alert_reaches_a_person_in_max_through_the_outbox(migrated: Backend) -> None:
    """The cabinet's event → an alert row for the Max account → the worker's Max lane sends it
    (quiet hours off for the test)."""
    async with running_bot(migrated, web_server=True, max_messenger=True, workers=True) as app:
        assert app.mx is not None
        await linked_in_max(app)
        account = account_id(Channel.MAX, IVAN)
        async with app.resources.session_factory() as session:
            user = await session.get(User, account)
            link = await session.get(Link, account)
            assert user is not None
            assert link is not None
            user.quiet_from = user.quiet_to = "00:00"
            customer = link.customer_id
            await session.commit()
        body = event_body(customer)
        event_id = body["event_id"]
        mark = app.mx.mark()
        assert (await post(app, body)).status_code == 204
        alert = await app.mx.wait_for(
            "sendMessage", lambda c: "7 дн" in (c.text or "") and c.user_id == IVAN, after=mark
        )
        assert any("Продлить" in b["text"] for b in app.mx.buttons(alert)), "its button too"
        assert await row_of(app, event_id, status="sent"), "recorded as sent, in Max"


async def row_of(app: RunningBot, event_id: str, *, status: str) -> bool:
    """Whether the event's outbox row is a Max row that came to `status` (the worker records
    after the send: waited for, up to 10 s)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while loop.time() < deadline:
        async with app.resources.session_factory() as session:
            row = await session.scalar(
                select(OutboxMessage).where(OutboxMessage.event_id == event_id)
            )
        if row is not None and (row.channel, row.status) == ("max", status):
            return True
        await asyncio.sleep(0.05)
    return False


@pytest.mark.e2e
@pytest.mark.backends("embedded")
async def test_cabinet_bot_run_in_max_alone(backend: Backend, tmp_path: Path) -> None:
    """`cabinet-bot run` with MAX_BOT_TOKEN and no Telegram token: the bot in Max only, as a
    deployment would start it, its token never in the log."""
    port = free_port()
    own = ("TELEGRAM_", "MAX_", "REDIS_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    async with FakeMax() as mx:
        env.update(
            MAX_BOT_TOKEN=mx.token,
            MAX_API_URL=mx.base_url,
            DATABASE_URL=backend.database_url,
            WEB_PORT=str(port),
            PUBLIC_URL=f"http://127.0.0.1:{port}",
            LOG_FORMAT="json",
            LOG_LEVEL="DEBUG",
            PYTHONPATH=str(ROOT),
        )
        log = tmp_path / "bot.log"
        with log.open("wb") as out:
            proc = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "bot", "run", cwd=tmp_path, env=env, stdout=out, stderr=out
            )
        try:
            await mx.wait_polling(timeout=60)
            mark = mx.mark()
            mx.bot_started(IVAN)
            consent = await mx.wait_for(
                "sendMessage", lambda c: "152-ФЗ" in (c.text or ""), after=mark, timeout=30
            )
            mark = mx.mark()
            mx.press(IVAN, consent, "✅")
            menu = await mx.wait_for("editMessage", after=mark, timeout=30)
            assert "Главное меню" in (mx.message(menu.message_id or "")["body"]["text"] or "")
        finally:
            proc.send_signal(signal.SIGTERM)
            code = await asyncio.wait_for(proc.wait(), 20)
    text = log.read_text("utf-8")
    assert code == 0, text[-2000:]
    assert mx.token not in text
    assert "Traceback" not in text


@pytest.fixture
async def hooked(migrated: Backend) -> AsyncIterator[RunningBot]:
    """The bot taking Max's updates by webhook (`cabinet-bot web`), Telegram's by polling."""
    async with running_bot(migrated, max_webhook=True) as running:
        yield running


async def test_maxs_webhook_brings_updates_and_answers_200_once_handled(
    hooked: RunningBot,
) -> None:
    assert hooked.mx is not None
    mx = hooked.mx
    assert mx.subscription is not None, "the bot subscribed at start"
    menu = await hooked.max.consent(IVAN)
    assert "Главное меню" in (menu.text or "")
    deliveries = await mx.wait_deliveries(2)
    assert all(d.ok for d in deliveries), [d.status for d in deliveries]
    assert {d.secret for d in deliveries} == {MAX_SECRET}


async def test_maxs_webhook_refuses_a_wrong_secret_and_handles_a_repeat_once(
    hooked: RunningBot,
) -> None:
    assert hooked.mx is not None
    mx = hooked.mx
    url = str(hooked.settings.max.webhook_url)
    update = mx.bot_started(IVAN + 1, feed=False)
    counted = REGISTRY.get_sample_value("cabinet_webhook_refused_total", {"messenger": "max"})
    async with httpx.AsyncClient(timeout=10) as http:
        refused = await http.post(url, json=update, headers={SECRET_HEADER: "not-the-secret"})
        assert refused.status_code == 401
        assert (await http.post(url, json=update)).status_code == 401, "no secret: refused"
        refusals = REGISTRY.get_sample_value("cabinet_webhook_refused_total", {"messenger": "max"})
        assert (refusals or 0) - (counted or 0) == 2, "each refusal counted, as Max's"
        mark = mx.mark()
        first = await http.post(url, json=update, headers={SECRET_HEADER: MAX_SECRET})
        again = await http.post(url, json=update, headers={SECRET_HEADER: MAX_SECRET})
    assert (first.status_code, again.status_code) == (200, 200)
    await hooked.settle()
    greetings = [
        call
        for call in mx.calls[mark:]
        if call.method == "sendMessage"
        and call.user_id == IVAN + 1
        and "Здравствуйте" in (call.text or "")
    ]
    assert len(greetings) == 1, "Max's retry of an update is not handled twice"


async def test_a_person_who_stops_the_bot_in_max_is_not_written_to_until_they_start_it(
    app: RunningBot,
) -> None:
    """Max's `bot_stopped` marks the account inactive (alerts and broadcasts skip it; a send
    would get 403 chat.denied); starting the bot again makes it active and greets them."""
    assert app.mx is not None
    await app.max.consent(IVAN)
    account = account_id(Channel.MAX, IVAN)
    app.mx.bot_stopped(IVAN)
    await app.settle()
    assert await is_active(app, account) is False

    hello = await app.max.start(IVAN)
    assert "Здравствуйте" in (hello.text or "") or "Главное меню" in (hello.text or "")
    assert await is_active(app, account) is True


async def is_active(app: RunningBot, account: int) -> bool | None:
    async with app.resources.session_factory() as session:
        user = await session.get(User, account)
    return None if user is None else user.is_active


async def test_revoke_in_max_withdraws_maxs_consent_and_tells_the_cabinet_so(
    app: RunningBot,
) -> None:
    """/revoke in Max: the Max account's data goes, and the cabinet hears that the consent
    for Max — not Telegram's — was withdrawn."""
    assert app.mx is not None
    await linked_in_max(app)
    async with app.resources.session_factory() as session:
        link = await session.get(Link, account_id(Channel.MAX, IVAN))
    assert link is not None
    question = await app.max.say(IVAN, "/revoke")
    done = await app.max.press(IVAN, question, "Отозвать")
    assert "согласие для Max отозвано" in (done.text or "")
    await app.settle()
    (withdrawal,) = (await personal_data(app, link.customer_id))["consent_withdrawals"]
    assert withdrawal["channel"] == "max"
    assert await is_active(app, account_id(Channel.MAX, IVAN)) is None, "the account is gone"
