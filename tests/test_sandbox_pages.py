"""The sandbox's web pages in a real browser (Chromium + Playwright), and the events they fire,
received and verified by the bot's own verifier (`cabinet.events`)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

import pytest
from aiohttp import web
from playwright.async_api import Page, expect

from cabinet import CabinetClient, ReadCache, new_idempotency_key
from cabinet.events import InvalidSignature, parse_event, verify
from cabinet.models import (
    ClaimDocumentsRequested,
    ClaimStatus,
    ClaimStatusChanged,
    Event,
    EventType,
    Identity,
    PaymentSucceeded,
    PolicyRenewed,
)
from storage.redis import create_redis
from tests.browser import chromium
from tests.sandbox_server import EVENTS_SECRET, TOKEN, SandboxServer, free_port, running_sandbox


@dataclass
class Receiver:
    """The bot's end of the events webhook, reduced to: verify, parse, keep."""

    url: str
    events: list[Event] = field(default_factory=list)
    refused: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        try:
            verify(
                EVENTS_SECRET,
                timestamp=request.headers.get("X-Timestamp"),
                signature=request.headers.get("X-Signature"),
                body=body,
            )
        except InvalidSignature:
            self.refused += 1
            return web.Response(status=401)
        self.events.append(parse_event(body))
        self.arrived.set()
        return web.Response(status=204)

    async def wait_for(self, *types: EventType) -> list[Event]:
        async with asyncio.timeout(10):
            while [e.type for e in self.events if e.type in types] != list(types):
                self.arrived.clear()
                await self.arrived.wait()
        return [e for e in self.events if e.type in types]


@contextlib.asynccontextmanager
async def receiving() -> AsyncIterator[Receiver]:
    port = free_port()
    receiver = Receiver(f"http://127.0.0.1:{port}/events")
    app = web.Application()
    app.router.add_post("/events", receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield receiver
    finally:
        await runner.cleanup()


@dataclass
class World:
    sandbox: SandboxServer
    receiver: Receiver
    client: CabinetClient
    customer_id: str
    page: Page


@pytest.fixture
async def world() -> AsyncIterator[World]:
    redis = create_redis(None)
    async with (
        receiving() as receiver,
        running_sandbox(events_url=receiver.url, events_retry_initial=0.05) as sandbox,
        chromium() as browser,
    ):
        client = CabinetClient(sandbox.base_url, TOKEN, cache=ReadCache(redis, prefix="t"))
        identity = Identity.model_validate({"provider": "sandbox", "subject": "1000000123"})
        customer = await client.resolve_customer(identity)
        page = await browser.new_page()
        try:
            yield World(sandbox, receiver, client, customer.customer_id, page)
        finally:
            await client.aclose()
            await redis.aclose()


async def test_paying_a_renewal_on_the_pay_page_renews_the_policy(world: World) -> None:
    client, customer = world.client, world.customer_id
    policies = (await client.policies(customer)).value.items
    policy = next(p for p in policies if p.renewable)
    options = (await client.renewal_options(customer, policy.id)).value
    term = options.terms[-1].term_months
    quote = await client.quote_renewal(
        customer, policy.id, term, idempotency_key=new_idempotency_key()
    )
    order = await client.accept_renewal_quote(
        customer, policy.id, quote.quote_id, idempotency_key=new_idempotency_key()
    )

    page = world.page
    await page.goto(order.payment_url)
    await expect(page.get_by_role("heading")).to_have_text("Оплата продления полиса")
    await expect(page.locator("body")).to_contain_text(policy.number)
    await page.get_by_role("button", name="Оплатить").click()
    await expect(page.locator("body")).to_contain_text("Оплачено — вернитесь в Telegram")

    paid, renewed = await world.receiver.wait_for(
        EventType.PAYMENT_SUCCEEDED, EventType.POLICY_RENEWED
    )
    assert isinstance(paid, PaymentSucceeded)
    assert isinstance(renewed, PolicyRenewed)
    assert paid.customer_id == renewed.customer_id == customer
    assert paid.data.order_id == order.order_id
    assert paid.data.amount == quote.premium
    assert renewed.data.new_ends_on == quote.new_ends_on
    assert world.receiver.refused == 0
    await client.forget(customer)
    detail = (await client.policy(customer, policy.id)).value
    assert detail.ends_on == quote.new_ends_on

    await page.reload()  # a second visit cannot pay twice
    await expect(page.get_by_role("button", name="Оплатить")).to_have_count(0)
    await asyncio.sleep(0.2)
    assert len(world.receiver.events) == 2


async def test_the_operator_moves_a_claim_and_the_bot_hears_of_it(world: World) -> None:
    client, customer = world.client, world.customer_id
    claims = (await client.claims(customer, page_size=100)).value.items
    claim = next(c for c in claims if c.status is ClaimStatus.IN_REVIEW)

    page = world.page
    await page.goto(world.sandbox.base_url + "/operator")
    row = page.get_by_role("row").filter(has_text=claim.number)
    await row.get_by_role("combobox").select_option("awaiting_documents")
    await row.get_by_placeholder("документы через ;").fill("Справка из ГИБДД; Фото повреждений")
    await row.get_by_role("button", name="Сменить статус").click()
    await expect(page.get_by_role("row").filter(has_text=claim.number)).to_contain_text(
        "awaiting_documents"
    )

    changed, requested = await world.receiver.wait_for(
        EventType.CLAIM_STATUS_CHANGED, EventType.CLAIM_DOCUMENTS_REQUESTED
    )
    assert isinstance(changed, ClaimStatusChanged)
    assert isinstance(requested, ClaimDocumentsRequested)
    assert (changed.data.previous_status, changed.data.status) == (
        ClaimStatus.IN_REVIEW,
        ClaimStatus.AWAITING_DOCUMENTS,
    )
    assert requested.data.documents == ["Справка из ГИБДД", "Фото повреждений"]
    await client.forget(customer)
    detail = (await client.claim(customer, claim.id)).value
    assert detail.status is ClaimStatus.AWAITING_DOCUMENTS
    assert detail.requested_documents == ["Справка из ГИБДД", "Фото повреждений"]
