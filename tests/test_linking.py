"""Linking as a user goes through it, over real HTTP: the bot (polling a fake Bot API), this
app's linking pages, the sandbox ESIA and the sandbox cabinet on one web server, and an HTTP
client in the browser's place."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlalchemy import make_url, select

from bot.factory.worker import create_worker
from linking.codes import CodeKind
from sandbox.esia import AMBIGUOUS_CUSTOMER_OID, CITIZENS, NOT_A_CUSTOMER_OID
from storage.accounts import Channel, account_id
from storage.models import AuditRecord, Link, OutboxMessage
from tests.conftest import Backend
from tests.esia_browser import through_esia
from tests.fake_telegram import Call
from tests.harness import Chat, RunningBot, running_bot
from tests.oidc_mock import TRUSTED
from tests.sandbox_server import SandboxServer

ALICE, BOB = 3001, 3002
IVANOV = "1000299654"
UNCONFIRMED = next(c.oid for c in CITIZENS if not c.verified)
CONTACTS = "help@insurer.example"


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with running_bot(
        migrated, web_server=True, flood_rate=50, support_contacts=CONTACTS
    ) as running:
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=10) as client:
        yield client


def login_url(app: Chat, menu: Call) -> str:
    button = next(b for b in app.tg.buttons(menu) if b["text"] == "🔑 Войти через Госуслуги")
    url: str = button["url"]
    assert url.startswith(f"{app.settings.web.public_url}/link/")
    return url


@dataclass
class Finish:
    page: httpx.Response
    command: str | None  # "/start b_…" shown on the success page


async def sign_in(
    app: Chat, browser: httpx.AsyncClient, url: str, *, oid: str, decision: str = "allow"
) -> Finish:
    started = await browser.get(url)
    assert started.status_code == 302, started.text
    back = await through_esia(browser, started.headers["location"], oid=oid, decision=decision)
    assert back.startswith(f"{app.settings.web.public_url}/link/callback?")
    page = await browser.get(back)
    found = re.search(r"<code>(/start b_[A-Za-z0-9_-]+)</code>", page.text)
    return Finish(page, found[1] if found else None)


async def test_signing_in_links_the_chat_and_greets_by_masked_name(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    menu = await app.consent(ALICE)
    assert "войдите через Госуслуги" in (menu.text or "")
    finish = await sign_in(app, browser, login_url(app, menu), oid=IVANOV)
    assert finish.page.status_code == 200
    assert "Готово — вернитесь в Telegram" in finish.page.text
    assert finish.command is not None
    deep_link = f"https://t.me/{app.tg.bot_username}?start={finish.command.split()[1]}"
    assert deep_link in finish.page.text
    assert finish.page.headers["referrer-policy"] == "no-referrer"
    assert "default-src 'none'" in finish.page.headers["content-security-policy"]

    mark = app.tg.mark()
    reply = await app.say(ALICE, finish.command)
    assert "Вы вошли как Иван И." in (reply.text or ""), "one message: the menu, who is in"
    home = await app.tg.wait_for(
        "sendMessage", lambda c: "Главное меню" in (c.text or ""), after=mark
    )
    assert "Вы вошли как Иван И." in (home.text or "")
    assert "🔑 Войти через Госуслуги" not in [b["text"] for b in app.tg.buttons(home)]

    async with app.resources.session_factory() as session:
        link = await session.get(Link, ALICE)
        actions = (await session.execute(select(AuditRecord.action))).scalars().all()
    assert link is not None
    assert (link.provider, link.subject, link.level) == ("sandbox", IVANOV, "trusted")
    assert link.customer_id.startswith("cus_")
    assert link.display_name == "Иван И."
    assert "link.bound" in actions

    again = await app.say(ALICE, finish.command)
    assert "устарела или уже использована" in (again.text or "")


async def test_a_return_link_of_a_sign_in_begun_in_max_binds_nothing_in_telegram(
    app: RunningBot,
) -> None:
    """The same number in another messenger is another person: a bind code made for Max's
    user 1001 is refused in Telegram's chat 1001, and the code is spent."""
    await app.consent(ALICE)
    max_alice = account_id(Channel.MAX, ALICE)
    payload = {
        "user_id": max_alice,
        "chat_id": max_alice,
        "provider": "esia",
        "subject": IVANOV,
        "level": "verified",
        "customer_id": "cus_7f3a9c1e",
        "display_name": "Иван И.",
    }
    code = await app.resources.link_flow.codes.issue(CodeKind.BIND, payload)
    reply = await app.say(ALICE, f"/start b_{code}")
    assert "из другого мессенджера" in (reply.text or "")
    async with app.resources.session_factory() as session:
        assert (await session.execute(select(Link))).scalars().all() == []
    again = await app.say(ALICE, f"/start b_{code}")
    assert "устарела или уже использована" in (again.text or "")


@pytest.mark.parametrize("bob_consented", [True, False])
async def test_a_login_link_finished_from_another_telegram_binds_nothing(
    app: RunningBot, browser: httpx.AsyncClient, bob_consented: bool
) -> None:
    url = login_url(app, await app.consent(ALICE))
    if bob_consented:
        await app.consent(BOB)
    finish = await sign_in(app, browser, url, oid=IVANOV)  # Alice's link, finished by Bob
    assert finish.command is not None
    reply = await app.say(BOB, finish.command)
    assert "из другого аккаунта Telegram" in (reply.text or ""), "refused even before consent"
    async with app.resources.session_factory() as session:
        links = (await session.execute(select(Link))).scalars().all()
        refused = (
            (await session.execute(select(AuditRecord).where(AuditRecord.action == "link.refused")))
            .scalars()
            .all()
        )
    assert links == []
    assert [r.actor_id for r in refused] == [BOB]
    retry = await app.say(ALICE, finish.command)
    assert "устарела или уже использована" in (retry.text or ""), "the code was spent"


@pytest.mark.parametrize(
    ("oid", "decision", "status", "expected", "in_chat", "button"),
    [
        (IVANOV, "deny", 200, "Вы отказались предоставить доступ", "не разрешили доступ", "Войти"),
        (
            UNCONFIRMED,
            "allow",
            200,
            "Учётная запись Госуслуг не подтверждена",
            "не подтверждена",
            "Войти",
        ),
        (NOT_A_CUSTOMER_OID, "allow", 200, CONTACTS, "полисов на ваше имя", "поддержку"),
        (
            AMBIGUOUS_CUSTOMER_OID,
            "allow",
            200,
            "несколько записей клиента",
            "назовите код",
            "поддержку",
        ),
    ],
)
async def test_each_failure_has_its_page_and_is_told_in_the_chat(
    app: RunningBot,
    browser: httpx.AsyncClient,
    oid: str,
    decision: str,
    status: int,
    expected: str,
    in_chat: str,
    button: str,
) -> None:
    url = login_url(app, await app.consent(ALICE))
    finish = await sign_in(app, browser, url, oid=oid, decision=decision)
    assert finish.page.status_code == status
    assert expected in finish.page.text
    assert finish.command is None
    async with app.resources.session_factory() as session:
        rows = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == ALICE))
        ).all()
    told = [row.payload for row in rows if in_chat in row.payload["text"]]
    assert len(told) == 1, [row.payload["text"] for row in rows]
    assert button in told[0]["buttons"][0][0]["text"], "and what to do next"


async def test_a_provider_error_is_explained_with_its_code(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    esia = f"{app.settings.web.public_url}/sandbox/esia"
    await browser.put(f"{esia}/switches", json={"token_error": "ESIA-007053"})
    url = login_url(app, await app.consent(ALICE))
    finish = await sign_in(app, browser, url, oid=IVANOV)
    assert finish.page.status_code == 503
    assert "Не удалось войти через Госуслуги" in finish.page.text
    assert "ESIA-007053" in finish.page.text
    assert "временный сбой" in finish.page.text


async def test_an_answer_that_does_not_verify_is_not_called_an_expired_link(
    app: RunningBot, browser: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """An ID token for another system: its own page and reason, not «link expired»."""
    esia = f"{app.settings.web.public_url}/sandbox/esia"
    await browser.put(f"{esia}/switches", json={"id_token_audience": "another-system"})
    finish = await sign_in(app, browser, login_url(app, await app.consent(ALICE)), oid=IVANOV)
    assert finish.page.status_code == 502
    assert "Вход не подтверждён" in finish.page.text
    assert "wrong_aud" in finish.page.text
    assert "устарела" not in finish.page.text
    assert finish.command is None
    logged = caplog.text
    assert "link_provider_failed" in logged
    assert "wrong_aud" in logged


async def test_a_cabinet_outage_at_sign_in_is_not_blamed_on_gosuslugi(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    sandbox = app.resources.wiring.sandbox
    assert sandbox is not None
    await SandboxServer(app.settings.web.public_url, sandbox).switches(down=True)
    finish = await sign_in(app, browser, login_url(app, await app.consent(ALICE)), oid=IVANOV)
    assert finish.page.status_code == 503
    assert "личный кабинет страховой компании сейчас не отвечает" in finish.page.text
    assert "Госуслуги сейчас не ответили" not in finish.page.text


async def test_a_callback_with_a_forged_code_gets_the_expired_page(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    started = await browser.get(login_url(app, await app.consent(ALICE)))
    back = await through_esia(browser, started.headers["location"], oid=IVANOV)
    forged = re.sub(r"code=[^&]+", "code=forged-code", back)
    page = await browser.get(forged)
    assert page.status_code == 410
    assert "Ссылка устарела или уже использована" in page.text


async def test_used_expired_or_tampered_links_get_the_expired_page(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    url = login_url(app, await app.consent(ALICE))
    started = await browser.get(url)
    assert started.status_code == 302

    back = await through_esia(browser, started.headers["location"], oid=IVANOV)
    assert (await browser.get(back)).status_code == 200
    replayed = await browser.get(back)
    assert replayed.status_code == 410
    forged = await browser.get(
        f"{app.settings.web.public_url}/link/callback",
        params={"code": "x", "state": "6f1c1f9e-2b7a-4f0e-9d55-0d8f5c3e1a42"},
    )
    assert forged.status_code == 410
    english = await browser.get(
        f"{app.settings.web.public_url}/link/{'A' * 43}", headers={"Accept-Language": "en-GB"}
    )
    assert "This link has expired or was already used" in english.text


async def linked(app: Chat, browser: httpx.AsyncClient, user_id: int, oid: str = IVANOV) -> None:
    """`user_id` signed in as the test citizen `oid` (Иванов unless told)."""
    finish = await sign_in(app, browser, login_url(app, await app.consent(user_id)), oid=oid)
    assert finish.command is not None
    mark = app.tg.mark()
    reply = await app.say(user_id, finish.command)
    assert "Вы вошли" in (reply.text or "")  # "как Иван И.", or no name in strict mode
    await app.tg.wait_for(  # and the menu after it, before the test goes on
        "sendMessage",
        lambda c: "Главное меню" in (c.text or "") and c.params.get("chat_id") == user_id,
        after=mark,
    )


async def test_linking_the_same_person_elsewhere_moves_the_link_and_tells_the_old_chat(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    await linked(app, browser, ALICE)
    mark = app.tg.mark()
    await linked(app, browser, BOB)
    async with app.resources.session_factory() as session:
        (queued,) = await session.scalars(select(OutboxMessage))
    assert (queued.chat_id, queued.kind) == (ALICE, "notice"), "queued with the move"
    worker = await create_worker(app.settings, app.resources, app.bot)
    await worker.start()  # the outbox sends it
    try:
        notice = await app.tg.wait_for(
            "sendMessage", lambda c: c.params.get("chat_id") == ALICE, after=mark
        )
    finally:
        await worker.stop()
    assert "подключён к другому Telegram" in (notice.text or "")
    assert CONTACTS in (notice.text or "")
    async with app.resources.session_factory() as session:
        assert await session.get(Link, ALICE) is None
        assert await session.get(Link, BOB) is not None
    menu = await app.say(ALICE, "/menu")
    assert "🔑 Войти через Госуслуги" in [b["text"] for b in app.tg.buttons(menu)]


async def test_two_accounts_binding_one_person_at_the_same_moment(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    """Both return links opened at once: one bind follows the other, as if a moment apart; the
    later account has the link, the earlier one is told it moved, and nobody meets an error."""
    commands = {}
    for user in (ALICE, BOB):
        finish = await sign_in(app, browser, login_url(app, await app.consent(user)), oid=IVANOV)
        assert finish.command is not None
        commands[user] = finish.command
    mark = app.tg.mark()
    for user, command in commands.items():
        app.tg.user_message(user, command)
    await app.settle()
    said = [c for c in app.tg.calls[mark:] if c.chat_id in (ALICE, BOB) and c.text]
    assert not [c for c in said if "инцидент" in (c.text or "")], app.tg.summary(mark)
    assert {c.chat_id for c in said if "Вы вошли" in (c.text or "")} == {ALICE, BOB}
    async with app.resources.session_factory() as session:
        links = (await session.scalars(select(Link))).all()
        (notice,) = await session.scalars(select(OutboxMessage))
    assert len(links) == 1
    (winner,) = links
    assert notice.chat_id == ({ALICE, BOB} - {winner.user_id}).pop()
    assert "подключён к другому Telegram" in notice.payload["text"]


@pytest.mark.backends("embedded")  # SQLite's files: what stays on the disk
async def test_withdrawn_data_does_not_stay_in_the_database_files(
    app: RunningBot, browser: httpx.AsyncClient, backend: Backend
) -> None:
    await linked(app, browser, ALICE)
    async with app.resources.session_factory() as session:
        link = await session.get(Link, ALICE)
    assert link is not None
    traces = [link.subject.encode(), link.customer_id.encode(), "Иван И.".encode()]
    question = await app.say(ALICE, "/revoke")
    await app.press(ALICE, question, "Отозвать")
    await app.settle()
    database = Path(make_url(backend.database_url).database or "")
    for path in database.parent.glob(database.name + "*"):  # bot.db, bot.db-wal, bot.db-shm
        content = path.read_bytes()
        assert not [trace for trace in traces if trace in content], path.name


async def test_logout_unlinks_after_a_confirmation(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    await linked(app, browser, ALICE)
    question = await app.say(ALICE, "/logout")
    assert "Выйти из аккаунта Госуслуг?" in (question.text or "")
    kept = await app.press(ALICE, question, "Остаться")
    assert "Вы вошли как Иван И." in (kept.text or "")
    question = await app.say(ALICE, "/logout")
    done = await app.press(ALICE, question, "Выйти")
    assert "Вы вышли" in (done.text or "")
    async with app.resources.session_factory() as session:
        assert await session.get(Link, ALICE) is None
    settings = await app.say(ALICE, "/settings")
    assert "🚪 Выйти из аккаунта Госуслуг" not in [b["text"] for b in app.tg.buttons(settings)]


async def test_settings_offers_logout_to_a_linked_user(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    await linked(app, browser, ALICE)
    settings = await app.say(ALICE, "/settings")
    question = await app.press(ALICE, settings, "🚪 Выйти из аккаунта Госуслуг")
    assert "Выйти из аккаунта Госуслуг?" in (question.text or "")


async def test_revoke_unlinks_and_says_so(app: RunningBot, browser: httpx.AsyncClient) -> None:
    await linked(app, browser, ALICE)
    question = await app.say(ALICE, "/revoke")
    done = await app.press(ALICE, question, "Отозвать")
    assert "привязка к аккаунту Госуслуг" in (done.text or "")
    async with app.resources.session_factory() as session:
        assert await session.get(Link, ALICE) is None


async def test_a_return_link_opened_in_a_group_binds_nothing(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    finish = await sign_in(app, browser, login_url(app, await app.consent(ALICE)), oid=IVANOV)
    assert finish.command is not None
    group = -100777
    app.tg.user_message(ALICE, finish.command, chat_id=group, chat_type="group")
    refused = await app.tg.wait_for("sendMessage", lambda c: c.params.get("chat_id") == group)
    assert "в личном чате" in (refused.text or "")
    reply = await app.say(ALICE, finish.command)  # spent: opening it in a group burned it
    assert "устарела или уже использована" in (reply.text or "")
    async with app.resources.session_factory() as session:
        assert await session.get(Link, ALICE) is None
        reasons = (
            (
                await session.execute(
                    select(AuditRecord.details).where(AuditRecord.action == "link.refused")
                )
            )
            .scalars()
            .all()
        )
    assert reasons == [{"reason": "not_a_private_chat"}]


async def test_an_oidc_provider_signs_in_just_the_same(
    migrated: Backend, browser: httpx.AsyncClient, oidc_issuer: str
) -> None:
    async with running_bot(
        migrated,
        web_server=True,
        flood_rate=50,
        idp="oidc",
        oidc_issuer=oidc_issuer,
        oidc_client_id="cabinet-bot",
        oidc_client_secret="s3cret",
        oidc_require_claim="trusted=true",
    ) as app:
        started = await browser.get(login_url(app, await app.consent(ALICE)))
        authorize = started.headers["location"]
        assert authorize.startswith(oidc_issuer)
        assert (await browser.get(authorize)).status_code == 200
        answer = await browser.post(authorize, data={"sub": TRUSTED.sub})
        page = await browser.get(answer.headers["location"])
        command = re.search(r"<code>(/start b_[A-Za-z0-9_-]+)</code>", page.text)
        assert command, page.text
        reply = await app.say(ALICE, command[1])
        assert "Вы вошли как Алиса С." in (reply.text or "")
        async with app.resources.session_factory() as session:
            link = await session.get(Link, ALICE)
        assert link is not None
        assert (link.provider, link.subject) == ("oidc", TRUSTED.sub)


async def test_a_sign_in_begun_before_revoke_cannot_finish(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    url = login_url(app, await app.consent(ALICE))
    started = await browser.get(url)
    question = await app.say(ALICE, "/revoke")
    await app.press(ALICE, question, "Отозвать")
    back = await through_esia(browser, started.headers["location"], oid=IVANOV)
    assert (await browser.get(back)).status_code == 410
    # The person asked to be forgotten: the old menus' «Войти» leads nowhere either.
    page = await browser.get(url)
    assert page.status_code == 410


async def test_a_sign_in_begun_before_logout_cannot_finish(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    url = login_url(app, await app.consent(ALICE))
    early = await browser.get(url)  # begun in one tab, left at Gosuslugi
    finish = await sign_in(app, browser, url, oid=IVANOV)  # and finished in another
    assert finish.command is not None
    mark = app.tg.mark()
    await app.say(ALICE, finish.command)
    await app.tg.wait_for("sendMessage", lambda c: "Главное меню" in (c.text or ""), after=mark)
    question = await app.say(ALICE, "/logout")
    await app.press(ALICE, question, "Выйти")
    back = await through_esia(browser, early.headers["location"], oid=IVANOV)
    page = await browser.get(back)
    assert page.status_code == 410
    # The «Войти» button of the old menu still signs in afresh.
    assert (await browser.get(url)).status_code == 302


async def test_a_login_button_in_an_old_menu_still_signs_in(
    app: RunningBot, browser: httpx.AsyncClient
) -> None:
    """Every menu carries the same «Войти» address, and each press starts a new sign-in: a
    button scrolled back to, pressed twice or after a failed attempt never says «Ссылка
    устарела»."""
    old = login_url(app, await app.consent(ALICE))
    assert login_url(app, await app.say(ALICE, "/menu")) == old
    failed = await sign_in(app, browser, old, oid=IVANOV, decision="deny")
    assert failed.command is None
    finish = await sign_in(app, browser, old, oid=IVANOV)
    assert finish.command is not None
    reply = await app.say(ALICE, finish.command)
    assert "Вы вошли как" in (reply.text or "")


async def test_several_customer_records_are_not_called_not_a_customer(
    app: RunningBot, browser: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    url = login_url(app, await app.consent(ALICE))
    finish = await sign_in(app, browser, url, oid=AMBIGUOUS_CUSTOMER_OID)
    assert "Мы не нашли вас" not in finish.page.text
    found = re.search(r"назовите код ([0-9A-F]{8})", finish.page.text)
    assert found, finish.page.text
    assert CONTACTS in finish.page.text
    assert found[1] in caplog.text, "support finds the attempt by the code"
