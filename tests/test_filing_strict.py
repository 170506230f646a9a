"""Filing a claim in `PRIVACY_MODE=strict`: the chat shows only progress and a masked number;
the answers and documents go through a one-time web form, filled in a real Chromium on a
phone-sized screen (screenshots in tests/artifacts/)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from playwright.async_api import Browser, FilePayload, expect

from bot.document_web import Granted, message_page
from bot.i18n import create_core
from storage.accounts import Channel, account_id
from tests.browser import PHONE, snapshot
from tests.conftest import Backend
from tests.flows import button_starting, linked_bot, open_section
from tests.harness import RunningBot
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_events import customer_of
from tests.test_filing import FILE_CLAIM, JPEG, PDF, tap, type_
from tests.test_linking import ALICE

pytestmark = pytest.mark.backends("embedded")


def payload(name: str, mime_type: str, content: bytes) -> FilePayload:
    return {"name": name, "mimeType": mime_type, "buffer": content}


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with linked_bot(migrated, privacy="strict", workers=True) as running:
        await set_prefs(running, **NO_QUIET)
        yield running


async def test_a_claim_filed_through_the_one_time_form(app: RunningBot, browser: Browser) -> None:
    policies = await open_section(app, FILE_CLAIM)
    osago = button_starting(app, policies, "ОСАГО")
    assert re.search(r"№ …\d{4}$", osago), osago  # no car, no plate, the number masked
    kinds = await app.press(ALICE, policies, osago)
    _, step = await tap(app, kinds, "ДТП")
    text = step.text or ""
    assert "Заполните заявление в защищённой форме" in text
    assert "Заполнено: 0 из 7" in text
    assert re.search(r"полис № …\d{4}", text)
    url = str(app.tg.button(step, "Заполнить заявление")["url"])
    assert url.startswith(f"{app.settings.web.public_url}/f/")

    said, _ = await type_(app, "Москва, Тверская, 5 — это адрес")
    assert "не принимаются в чате" in said
    app.tg.add_file("scan", JPEG)
    said, _ = await type_(app, photo="scan")
    assert "не принимаются в чате" in said
    assert app.tg.count("getFile") == 0, "nothing personal is downloaded from the chat"

    context = await browser.new_context(viewport=PHONE, is_mobile=True, locale="ru-RU")
    page = await context.new_page()
    await page.goto(url)
    await expect(page.locator("h1")).to_have_text("Заявление о страховом случае")
    await snapshot(page, "filing-form-empty")
    width = await page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], "no sideways scrolling on a phone"
    await page.fill("#field_event_date", await page.get_attribute("#field_event_date", "max") or "")
    await page.fill("#field_place", "Москва, Тверская ул., 5")
    await page.select_option("#field_recorded_by", "europrotocol")
    await page.check("input[name=field_injured][value=no]")
    await page.fill("#field_damage_estimate", "много")
    await page.click("button[value=save]")
    await expect(page.locator("#field_damage_estimate-error")).to_contain_text(
        "Не получилось прочитать сумму"
    )
    await expect(page.locator("#field_damage_estimate")).to_have_value("много")  # kept
    await expect(page.locator("#field_place")).to_have_value("Москва, Тверская ул., 5")
    await snapshot(page, "filing-form-error")

    await page.fill("#field_damage_estimate", "86 400")
    await page.fill("#circumstances", "Стоял на светофоре, сзади въехал автомобиль.")
    await page.set_input_files(
        "#doc_accident_notice",
        [payload("извещение.pdf", "application/pdf", PDF)],
    )
    await page.set_input_files(
        "#doc_damage_photos",
        [payload(f"photo{n}.jpg", "image/jpeg", JPEG + bytes([n])) for n in range(2)],
    )
    await page.click("button[value=submit]")
    await expect(page.locator("h1")).to_have_text("Заявление зарегистрировано")
    body = await page.locator("body").inner_text()
    number = re.search(r"Номер заявления — (У-\d{4}-\d{6})", body)
    assert number, body
    await snapshot(page, "filing-form-done")

    told = await app.tg.wait_for(
        "sendMessage",
        lambda c: c.params.get("chat_id") == ALICE and "зарегистрировано" in (c.text or ""),
        timeout=20,
    )
    assert number[1] not in (told.text or "")
    assert f"№ …{number[1][-4:]}" in (told.text or "")
    claim = await app.press(ALICE, told, "Открыть обращение")
    assert "Статус: 🆕 зарегистрировано" in (claim.text or "")
    assert "Загружено документов: 3" in (claim.text or "")
    claims = await app.resources.cabinet.claims(await customer_of(app), page_size=100)
    assert [c.number for c in claims.value.items].count(number[1]) == 1

    async with httpx.AsyncClient(timeout=10) as other:
        again = await other.get(url)
        forged = await other.post(
            f"{app.settings.web.public_url}/f/", files={"csrf": (None, "made-up")}
        )
    assert again.status_code == 410, "the link opens once"
    assert forged.status_code == 410
    await context.close()


async def test_the_chat_shows_progress_and_submits_when_complete(
    app: RunningBot, browser: Browser
) -> None:
    policies = await open_section(app, FILE_CLAIM)
    kinds = await app.press(ALICE, policies, button_starting(app, policies, "ДМС"))
    _, step = await tap(app, kinds, "Стационар")
    assert "Заполнено: 0 из 5" in (step.text or "")
    url = str(app.tg.button(step, "Заполнить заявление")["url"])
    page = await browser.new_page(viewport=PHONE)
    await page.goto(url)
    await page.fill("#field_event_date", await page.get_attribute("#field_event_date", "max") or "")
    await page.fill("#field_clinic", "ГКБ № 1")
    await page.check("input[name=field_emergency][value=yes]")
    await page.fill("#circumstances", "Госпитализирован с аппендицитом.")
    await page.set_input_files(
        "#doc_discharge",
        [payload("эпикриз.png", "image/png", b"\x89PNG\r\n\x1a\n" + b"0" * 32)],
    )
    await page.click("button[value=save]")
    await expect(page.locator(".note")).to_contain_text("Сохранено")
    await expect(page.locator(".note")).to_contain_text("по новой ссылке из Telegram")
    _, step = await tap(app, step, "Обновить")
    assert "Заполнено: 5 из 5" in (step.text or "")
    assert "ГКБ" not in (step.text or "")
    _, done = await tap(app, step, "Отправить заявление")
    assert re.search(r"Заявление № …\d{4} зарегистрировано", done.text or "")


async def test_the_form_refuses_posts_without_its_token(app: RunningBot) -> None:
    url = f"{app.settings.web.public_url}/f/"
    async with httpx.AsyncClient(timeout=20) as client:
        huge = await client.post(
            url,
            files={"doc_damage_photos": ("a.jpg", JPEG + b"0" * (5 * 1024 * 1024), "image/jpeg")},
        )
        plain = await client.post(url, data={"csrf": "x"})
        nothing = await client.post(url, files={"field_place": (None, "Москва")})
    assert huge.status_code == 410, "no token first: nothing of the body is read"
    assert plain.status_code == 415
    assert nothing.status_code == 410, "no csrf token: nothing is taken"
    assert "Вернитесь в чат с ботом" in nothing.text, "a link of no one's: no messenger named"


async def test_a_page_for_a_person_in_max_names_max() -> None:
    """A one-time page's texts name the messenger of the person its grant is for (Telegram
    in the tests above); a page without a grant (an expired link) names none."""
    core = create_core("ru")
    await core.startup()
    in_max = {"user_id": account_id(Channel.MAX, 7001), "locale": "ru"}
    expired = Granted(in_max, core).t("filing-web-expired-text")
    assert "Вернитесь в Max и нажмите" in expired
    assert "Telegram" not in expired
    assert "из Max." in Granted(in_max, core).t("filing-web-saved")
    assert "Go back to Max" in Granted({**in_max, "locale": "en"}, core).t(
        "filing-web-expired-text"
    )
    assert "чат с ботом" in Granted(in_max, core).t("filing-web-expired-text", messenger="unknown")
    page = Granted(in_max, core).message("filing-web-gone", 410)
    assert page.status == 410
    assert "Вернитесь в Max:" in (page.text or "")

    for locale, neutral in [
        ("ru", "Вернитесь в чат с ботом"),
        ("en", "Go back to the chat with the bot"),
    ]:
        nobodys = message_page(core, locale, "filing-web-expired", 410)
        assert neutral in (nobodys.text or "")
        assert "Telegram" not in (nobodys.text or "")
        assert "Max" not in (nobodys.text or "")
