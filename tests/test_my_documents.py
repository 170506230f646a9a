"""«🗂 Мои документы», as a linked user sees it in both privacy modes: every document newest
first, a page at a time, filtered by kind; a policy's PDF opened (a one-time link in strict
mode); a certificate e-mailed, or the way to add an e-mail when the cabinet has none
confirmed; the bot's own reports as actions; a forged document button; and in English."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from pypdf import PdfReader

from cabinet import new_idempotency_key
from cabinet.models import DocumentKind
from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import button_starting, linked_bot, open_section, press_forged, receive, sandbox_of
from tests.harness import RunningBot, running_bot
from tests.test_events import customer_of
from tests.test_linking import ALICE, IVANOV, login_url, sign_in

pytestmark = pytest.mark.backends("embedded")

SECTION = "🗂 Мои документы"
ICONS = ("📄", "🧾", "📎")
DATE = re.compile(r"· (\d\d)\.(\d\d)\.(\d{4})$")


@pytest.fixture
async def app(migrated: Backend, privacy: str) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy=privacy) as running:
        yield running


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def items(app: RunningBot, screen: Call) -> list[str]:
    """The document buttons of a page of the list, top to bottom."""
    return [str(b["text"]) for b in app.tg.buttons(screen) if str(b["text"]).startswith(ICONS)]


def day(label: str) -> dt.date:
    found = DATE.search(label)
    assert found, label
    return dt.date(int(found[3]), int(found[2]), int(found[1]))


async def upload(app: RunningBot, count: int) -> list[str]:
    """Files the person uploaded to an open claim earlier (through the cabinet itself)."""
    customer_id = await customer_of(app)
    claims = (await app.resources.cabinet.claims(customer_id, page_size=100)).value.items
    claim = next(c for c in claims if not c.status.is_final)
    names = [f"Скан-{n}.pdf" for n in range(1, count + 1)]
    for name in names:
        await app.resources.cabinet.upload_claim_document(
            customer_id,
            claim.id,
            filename=name,
            content=b"%PDF-1.4\n% a scan\n%%EOF\n",
            content_type="application/pdf",
            idempotency_key=new_idempotency_key(),
        )
    return names


async def every_page(app: RunningBot, first: Call) -> list[str]:
    """The list's documents, page after page («Старше ▶️»), as the buttons read."""
    seen, screen = items(app, first), first
    while any(b["text"] == "Старше ▶️" for b in app.tg.buttons(screen)):
        screen = await app.press(ALICE, screen, "Старше ▶️")
        assert screen.method == "editMessageText", "one screen: the page is edited in place"
        seen += items(app, screen)
    return seen


async def test_every_document_newest_first_a_page_at_a_time(app: RunningBot, privacy: str) -> None:
    names = await upload(app, 5)
    listing = await open_section(app, SECTION)
    assert "Мои документы" in (listing.text or "")
    assert "Страница 1 из 2" in (listing.text or "")
    assert "✅ Все" in [b["text"] for b in app.tg.buttons(listing)]
    assert len(items(app, listing)) == 6
    seen = await every_page(app, listing)
    customer_id = await customer_of(app)
    whole = (await app.resources.cabinet.documents(customer_id, page_size=100)).value
    assert len(seen) == whole.total > 6
    days = [day(label) for label in seen]
    assert days == sorted(days, reverse=True), "newest first"
    uploaded = seen[: len(names)]  # uploaded just now: the newest
    assert all(label.startswith("📎") for label in uploaded)
    if privacy == "full":
        assert [label.split(" · ")[0] for label in uploaded] == [f"📎 {n}" for n in names[::-1]]
    else:  # a file's name is the person's: strict shows the kind and the masked claim number
        assert not any("Скан" in label for label in seen)
        assert all(re.match(r"📎 Файл к обращению № …\d+ ·", label) for label in uploaded)


async def test_filtered_by_kind(app: RunningBot, privacy: str) -> None:
    await upload(app, 1)
    listing = await open_section(app, SECTION)
    policies = await app.press(ALICE, listing, "Полисы")
    assert "✅ Полисы" in [b["text"] for b in app.tg.buttons(policies)]
    shown = items(app, policies)
    customer_id = await customer_of(app)
    cabinet = app.resources.cabinet
    expected = await cabinet.documents(customer_id, kind=DocumentKind.POLICY, page_size=100)
    assert len(shown) == expected.value.total > 0
    assert all(label.startswith("📄 Полис") for label in shown)
    if privacy == "strict":
        assert all(re.match(r"📄 Полис № …\d+ ·", label) for label in shown), "numbers masked"
    uploads = await app.press(ALICE, policies, "Загруженные мной")
    assert [label[:1] for label in items(app, uploads)] == ["📎"] * len(items(app, uploads))
    certificates = await app.press(ALICE, uploads, "Справки")
    assert all(label.startswith("🧾") for label in items(app, certificates))
    assert items(app, certificates)


async def test_a_policy_pdf_opens_from_the_list(app: RunningBot, privacy: str) -> None:
    policies = await app.press(ALICE, await open_section(app, SECTION), "Полисы")
    card = await app.press(ALICE, policies, items(app, policies)[0])
    assert "Вид: полис" in (card.text or "")
    pdf = await receive(app, card, "📎 Открыть")
    assert pdf.content.startswith(b"%PDF")
    assert "Полис" in pdf_text(pdf.content)
    assert (pdf.filename or "").endswith(".pdf")
    if privacy == "strict":
        assert pdf.link is not None
        async with httpx.AsyncClient(timeout=10) as browser:
            again = await browser.get(pdf.link)
        assert again.status_code == 410, "a one-time link opens once"
    else:
        assert pdf.link is None


async def test_a_file_the_person_uploaded_comes_back_as_it_was(
    app: RunningBot, privacy: str
) -> None:
    (name,) = await upload(app, 1)
    uploads = await app.press(ALICE, await open_section(app, SECTION), "Загруженные мной")
    card = await app.press(ALICE, uploads, items(app, uploads)[0])
    assert "Вид: файл, загруженный вами к обращению" in (card.text or "")
    assert not any("e-mail" in str(b["text"]) for b in app.tg.buttons(card)), "not e-mailed"
    assert (name in (card.text or "")) == (privacy == "full")
    opened = await receive(app, card, "📎 Открыть")
    assert opened.content == b"%PDF-1.4\n% a scan\n%%EOF\n"
    if privacy == "full":
        assert opened.filename == name, "under the name the person gave it"


async def test_a_certificate_by_email(app: RunningBot) -> None:
    certificates = await app.press(ALICE, await open_section(app, SECTION), "Справки")
    card = await app.press(ALICE, certificates, items(app, certificates)[0])
    assert "Вид: справка" in (card.text or "")
    sent = await app.press(ALICE, card, "📧 Отправить на e-mail")
    assert sent.method == "editMessageText", "the card says it, in place"
    text = sent.text or ""
    found = re.search(r"Отправили на (\S+@\S+)\.", text)
    assert found, text
    emails = await sandbox_of(app).operator("GET", "/emails")
    assert len(emails) == 1
    assert emails[0]["customer_id"] == await customer_of(app)
    assert emails[0]["document_id"].startswith("cdoc-")
    assert emails[0]["sent_to"] == found[1]
    assert "•" in found[1], "the address is masked"
    again = await app.press(ALICE, sent, "📧 Отправить на e-mail")
    assert f"Отправили на {found[1]} ещё раз — писем с этим документом: 2" in (again.text or "")
    assert len(await sandbox_of(app).operator("GET", "/emails")) == 2, "asked again: sent again"


async def test_no_confirmed_email_says_how_to_add_one(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        customer_id = await customer_of(app)
        await sandbox_of(app).operator(
            "POST", f"/customers/{customer_id}/email", json={"confirmed": False}
        )
        policies = await app.press(ALICE, await open_section(app, SECTION), "Полисы")
        card = await app.press(ALICE, policies, items(app, policies)[0])
        answer = await app.press(ALICE, card, "📧 Отправить на e-mail")
        text = answer.text or ""
        assert "нет подтверждённого адреса e-mail" in text
        assert "через поддержку" in text
        assert "📞" in text, "the support contacts, right there"
        support = await app.press(ALICE, answer, "Написать в поддержку")
        assert "Поддержка" in (support.text or "") or app.tg.buttons(support)
        assert await sandbox_of(app).operator("GET", "/emails") == []


async def test_reports_are_made_on_request(app: RunningBot, privacy: str) -> None:
    listing = await open_section(app, SECTION)
    claims = await app.press(ALICE, listing, "Обращения")
    assert "Отчёт по обращению" in (claims.text or "")
    report = await receive(app, claims, button_starting(app, claims, "🧾 Отчёт: обращение №"))
    assert report.content.startswith(b"%PDF")
    assert (report.link is None) == (privacy == "full")
    payouts = await app.press(ALICE, claims, "Выплаты")
    statement = await receive(app, payouts, "📊 Выписка по выплатам: Прошлый год")
    assert statement.content.startswith(b"%PDF")


async def test_forged_document_report_and_period_buttons_are_refused(migrated: Backend) -> None:
    async with linked_bot(migrated) as app:
        listing = await open_section(app, SECTION)
        await press_forged(app, listing, items(app, listing)[0], "pdoc-pol_someone_else")
        claims = await app.press(ALICE, await open_section(app, SECTION), "Обращения")
        report = button_starting(app, claims, "🧾 Отчёт")
        await press_forged(app, claims, report, "clm_someone_else")
        payouts = await app.press(ALICE, await open_section(app, SECTION), "Выплаты")
        await press_forged(app, payouts, "Выписка по выплатам", "next_century")


async def test_an_unlinked_user_signs_in_and_lands_in_the_documents(migrated: Backend) -> None:
    async with (
        httpx.AsyncClient(timeout=10) as browser,
        running_bot(migrated, web_server=True, flood_rate=50) as app,
    ):
        gate = await app.press(ALICE, await app.consent(ALICE), SECTION)
        assert "доступен после входа через Госуслуги" in (gate.text or "")
        finish = await sign_in(app, browser, login_url(app, gate), oid=IVANOV)
        assert finish.command is not None
        mark = app.tg.mark()
        await app.say(ALICE, finish.command)
        await app.tg.wait_for(
            ("sendMessage", "editMessageText"),
            lambda c: "Мои документы" in (c.text or ""),
            after=mark,
        )


async def test_typed_instead_of_pressed(app: RunningBot) -> None:
    await app.say(ALICE, "/menu")
    answer = await app.say(ALICE, "где все мои документы")
    assert "Похоже, вам нужно" in (answer.text or "")
    assert [str(b["text"]) for b in app.tg.buttons(answer)] == ["🗂 Мои документы"]
    listing = await app.press(ALICE, answer, "Мои документы")
    assert "Все ваши документы, сначала новые" in (listing.text or "")


async def test_in_english(app: RunningBot, privacy: str) -> None:
    settings = await app.press(ALICE, await app.say(ALICE, "/menu"), "Настройки")
    await app.press(ALICE, settings, "English")
    listing = await open_section(app, "🗂 My documents")
    assert "All your documents, newest first" in (listing.text or "")
    certificates = await app.press(ALICE, listing, "Certificates")
    label = items(app, certificates)[0]
    assert re.search(r"· \w{3} \d{1,2}, \d{4}$", label), label
    if privacy == "strict":
        assert label.startswith("🧾 Certificate No. ")
    card = await app.press(ALICE, certificates, label)
    assert "Kind: certificate" in (card.text or "")
    sent = await app.press(ALICE, card, "📧 Send by e-mail")
    assert "Sent to" in (sent.text or "")
