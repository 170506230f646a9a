"""From the insurer's desk to the user's chat, every part real: the sandbox cabinet's operator
makes a certificate ready; its signed event reaches `/events`; the alert is queued, a worker
is woken and sends it to Telegram — the PDF itself in `full`, a one-time link in `strict`."""

from __future__ import annotations

import httpx

from cabinet.models import CertificateOrderStatus
from tests.conftest import Backend
from tests.flows import linked_bot, sandbox_of
from tests.test_alerts import NO_QUIET, set_prefs
from tests.test_events import customer_of
from tests.test_linking import ALICE


async def test_a_certificate_made_ready_by_the_insurer_reaches_the_chat(
    migrated: Backend, privacy: str
) -> None:
    # Over HTTP, as to Telegram: the worker uploads the PDF as a multipart request.
    async with linked_bot(migrated, privacy=privacy, workers=True, http=True) as app:
        await set_prefs(app, **NO_QUIET)  # whatever the time of day the test runs at
        customer_id = await customer_of(app)
        orders = (await app.resources.cabinet.certificate_orders(customer_id)).value.items
        order = next(o for o in orders if o.status is CertificateOrderStatus.PREPARING)
        mark = app.tg.mark()

        await sandbox_of(app).operator("POST", f"/certificate-orders/{order.order_id}/advance")

        sent = await app.tg.wait_for(
            ("sendDocument", "sendMessage"),
            lambda c: c.params.get("chat_id") == ALICE and "готова" in (c.text or ""),
            after=mark,
            timeout=20,
        )
        if privacy == "full":
            assert sent.method == "sendDocument"
            assert order.number in (sent.text or "")
            document = sent.params["document"]
            assert document.content.startswith(b"%PDF")
            assert document.filename.endswith(".pdf")
            return
        assert sent.method == "sendMessage"
        assert order.number not in (sent.text or ""), "strict: the number is masked"
        assert f"…{order.number[-4:]}" in (sent.text or "")
        (url,) = [b["url"] for b in app.tg.buttons(sent) if "/d/" in b.get("url", "")]
        async with httpx.AsyncClient(timeout=10) as browser:
            opened = await browser.get(url)
            again = await browser.get(url)
        assert opened.status_code == 200
        assert opened.headers["content-type"] == "application/pdf"
        assert opened.content.startswith(b"%PDF")
        assert again.status_code != 200, "the link opens once"
