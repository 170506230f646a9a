"""The cabinet client against the sandbox cabinet over real HTTP: typed reads, retries, the
idempotent POST, the circuit breaker and the stale cache, on fakeredis and on real Redis."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest

from cabinet import (
    BreakerState,
    CabinetClient,
    CabinetError,
    CabinetNotFound,
    CabinetRejected,
    CabinetUnavailable,
    CircuitBreaker,
    ReadCache,
    new_idempotency_key,
)
from cabinet.models import (
    CertificateOrderRequest,
    ClaimDraftRequest,
    ClaimDraftUpdate,
    Identity,
    Product,
)
from sandbox.cabinet import NOT_A_CUSTOMER_SUBJECT
from storage.redis import create_redis
from tests.conftest import Backend
from tests.sandbox_server import TOKEN, SandboxServer, running_sandbox
from tests.test_breaker import state_of

IVAN = Identity.model_validate(
    {"provider": "sandbox", "subject": "1000000001", "first_name": "Иван", "last_name": "Иванов"}
)


@dataclass
class Setup:
    sandbox: SandboxServer
    client: CabinetClient
    customer_id: str


def _client(sandbox: SandboxServer, cache: ReadCache, token: str = TOKEN) -> CabinetClient:
    return CabinetClient(
        sandbox.base_url,
        token,
        cache=cache,
        breaker=CircuitBreaker(threshold=3, reset_after=0.5),
        timeout=httpx.Timeout(1.0, connect=1.0),
        attempts=3,
        wait_initial=0.01,
        wait_max=0.1,
    )


@pytest.fixture
async def setup(backend: Backend) -> AsyncIterator[Setup]:
    redis = create_redis(backend.redis_url)
    cache = ReadCache(redis, prefix="test", fresh_for=0.3, keep_for=60)
    async with running_sandbox() as sandbox:
        client = _client(sandbox, cache)
        try:
            customer = await client.resolve_customer(IVAN)
            yield Setup(sandbox, client, customer.customer_id)
        finally:
            await client.aclose()
            await redis.aclose()


async def test_reads_come_back_typed(setup: Setup) -> None:
    client, customer = setup.client, setup.customer_id
    policies = (await client.policies(customer)).value
    assert {Product.OSAGO, Product.KASKO, Product.DMS} <= {p.product for p in policies.items}
    claims = (await client.claims(customer, page_size=100)).value
    detail = (await client.claim(customer, claims.items[0].id)).value
    assert detail.history[-1].status == detail.status
    pdf = await client.policy_document(customer, policies.items[0].id)
    assert pdf.content.startswith(b"%PDF")
    assert pdf.filename.endswith(".pdf")


async def test_resolving_is_stable_and_the_reserved_identity_is_not_a_customer(
    setup: Setup,
) -> None:
    again = await setup.client.resolve_customer(IVAN)
    assert again.customer_id == setup.customer_id
    assert again.display_name == "Иван И."
    stranger = IVAN.model_copy(update={"subject": NOT_A_CUSTOMER_SUBJECT})
    with pytest.raises(CabinetNotFound) as caught:
        await setup.client.resolve_customer(stranger)
    assert caught.value.code == "customer_not_found"


async def test_another_customers_object_is_not_found(setup: Setup) -> None:
    other = await setup.client.resolve_customer(IVAN.model_copy(update={"subject": "1000000002"}))
    theirs = (await setup.client.claims(other.customer_id)).value.items[0].id
    with pytest.raises(CabinetNotFound):
        await setup.client.claim(setup.customer_id, theirs)


async def test_an_id_from_user_input_never_reaches_the_path(setup: Setup) -> None:
    before = await setup.sandbox.requests()
    for forged in ("../../v1/certificate-types", "a/b", "", "x" * 65):
        with pytest.raises(CabinetNotFound):
            await setup.client.claim(setup.customer_id, forged)
    assert await setup.sandbox.requests() == before


async def test_retries_recover_from_transient_5xx(setup: Setup) -> None:
    await setup.sandbox.switches(fail_next=2)
    before = await setup.sandbox.requests()
    reading = await setup.client.claims(setup.customer_id)
    assert not reading.stale
    assert reading.value.total > 0
    assert await setup.sandbox.requests() == before + 3


async def test_gives_up_after_the_attempts(setup: Setup) -> None:
    await setup.sandbox.switches(fail_next=10)
    before = await setup.sandbox.requests()
    with pytest.raises(CabinetUnavailable):
        await setup.client.payouts(setup.customer_id)
    assert await setup.sandbox.requests() == before + 3


async def test_a_retried_post_with_an_idempotency_key_creates_exactly_one_order(
    setup: Setup,
) -> None:
    client, customer = setup.client, setup.customer_id
    before = (await client.certificate_orders(customer)).value.total
    request = CertificateOrderRequest(type="no_claims", purpose="По месту требования")
    await setup.sandbox.switches(lose_next=1)  # the order is made, its answer is lost
    sent = await setup.sandbox.requests()
    order = await client.order_certificate(customer, request, idempotency_key=new_idempotency_key())
    assert await setup.sandbox.requests() == sent + 2, "the lost answer, then the replay"
    orders = (await client.certificate_orders(customer, page_size=100)).value
    assert orders.total == before + 1
    assert [o.order_id for o in orders.items].count(order.order_id) == 1


async def test_the_same_key_repeated_by_the_user_replays_the_same_order(setup: Setup) -> None:
    client, customer = setup.client, setup.customer_id
    key = new_idempotency_key()
    request = CertificateOrderRequest(type="no_claims", purpose="Банк")
    first = await client.order_certificate(customer, request, idempotency_key=key)
    second = await client.order_certificate(customer, request, idempotency_key=key)
    assert first == second
    changed = request.model_copy(update={"purpose": "Работа"})
    with pytest.raises(CabinetRejected) as caught:
        await client.order_certificate(customer, changed, idempotency_key=key)
    assert caught.value.code == "idempotency_key_reused"


async def test_a_refusal_carries_its_code(setup: Setup) -> None:
    future = dt.date.today() + dt.timedelta(days=30)
    request = CertificateOrderRequest(
        type="tax_deduction", period_from=future, period_to=future, purpose="ФНС"
    )
    with pytest.raises(CabinetRejected) as caught:
        await setup.client.order_certificate(
            setup.customer_id, request, idempotency_key=new_idempotency_key()
        )
    assert caught.value.code == "invalid_period"


async def test_the_breaker_opens_answers_fast_and_closes_after_recovery(setup: Setup) -> None:
    client, sandbox = setup.client, setup.sandbox
    await sandbox.switches(down=True)
    for _ in range(client.breaker.threshold):
        with pytest.raises(CabinetUnavailable):
            await client.policies(setup.customer_id, page=2)  # not cached
    assert client.breaker.state is BreakerState.OPEN

    before = await sandbox.requests()
    with pytest.raises(CabinetUnavailable) as caught:
        await client.policies(setup.customer_id, page=2)
    assert caught.value.code == "breaker_open"
    assert await sandbox.requests() == before  # failing fast: not calling, not waiting

    await sandbox.switches(down=False)
    await asyncio.sleep(client.breaker.reset_after)
    assert state_of(client.breaker) is BreakerState.HALF_OPEN
    assert (await client.policies(setup.customer_id, page=2)).value.page == 2
    assert state_of(client.breaker) is BreakerState.CLOSED


async def test_a_failed_probe_opens_the_breaker_again(setup: Setup) -> None:
    client = setup.client
    await setup.sandbox.switches(down=True)
    for _ in range(client.breaker.threshold):
        with pytest.raises(CabinetUnavailable):
            await client.payouts(setup.customer_id)
    await asyncio.sleep(client.breaker.reset_after)
    with pytest.raises(CabinetUnavailable):
        await client.payouts(setup.customer_id)  # the probe
    assert client.breaker.state is BreakerState.OPEN


async def test_cached_reads_are_served_with_their_time_while_the_cabinet_is_down(
    setup: Setup,
) -> None:
    client, customer = setup.client, setup.customer_id
    live = await client.claims(customer)
    assert not live.stale
    await setup.sandbox.switches(down=True)
    await asyncio.sleep(client.cache.fresh_for)
    stale = await client.claims(customer)
    assert stale.stale
    assert stale.value == live.value
    assert stale.fetched_at == live.fetched_at
    assert dt.datetime.now(dt.UTC) - stale.fetched_at < dt.timedelta(seconds=5)
    with pytest.raises(CabinetUnavailable):  # never fetched: nothing to fall back on
        await client.certificate_orders(customer)


async def test_a_fresh_cached_read_does_not_call_the_cabinet(setup: Setup) -> None:
    client, customer = setup.client, setup.customer_id
    claims = (await client.claims(customer)).value
    before = await setup.sandbox.requests()
    assert (await client.claims(customer)).value == claims
    assert await setup.sandbox.requests() == before
    await asyncio.sleep(client.cache.fresh_for)
    await client.claims(customer)
    assert await setup.sandbox.requests() == before + 1


async def test_a_change_is_seen_at_once_and_forget_drops_the_cache(setup: Setup) -> None:
    client, customer = setup.client, setup.customer_id
    claims = (await client.claims(customer, page_size=100)).value.items
    open_claim = next(c for c in claims if not c.status.is_final)
    await client.claims(customer)  # cached and fresh
    before = await setup.sandbox.requests()
    await client.add_claim_message(
        customer, open_claim.id, "Уточнение", idempotency_key=new_idempotency_key()
    )
    await client.claims(customer)  # the customer's cache went with the change
    assert await setup.sandbox.requests() == before + 2
    await client.forget(customer)
    await setup.sandbox.switches(down=True)
    with pytest.raises(CabinetUnavailable):  # nothing left to fall back on
        await client.claims(customer)


async def test_a_change_that_fails_keeps_the_last_known_data(setup: Setup) -> None:
    client, customer = setup.client, setup.customer_id
    live = await client.certificate_orders(customer)
    await setup.sandbox.switches(down=True)
    request = CertificateOrderRequest(type="no_claims", purpose="Банк")
    with pytest.raises(CabinetUnavailable):
        await client.order_certificate(customer, request, idempotency_key=new_idempotency_key())
    stale = await client.certificate_orders(customer)
    assert stale.stale
    assert stale.value == live.value


async def test_a_slow_cabinet_times_out(setup: Setup) -> None:
    await setup.sandbox.switches(latency_ms=1500)  # the test client reads for 1 s at most
    before = await setup.sandbox.requests()
    with pytest.raises(CabinetUnavailable):
        await setup.client.payouts(setup.customer_id)
    assert await setup.sandbox.requests() == before + 3, "retried, then gave up"


async def test_a_wrong_token_is_an_error_not_an_outage(setup: Setup) -> None:
    wrong = _client(setup.sandbox, setup.client.cache, token="wrong")
    try:
        with pytest.raises(CabinetError) as caught:
            await wrong.payouts(setup.customer_id)
        assert not isinstance(caught.value, CabinetUnavailable)
        assert caught.value.status == 401
        assert wrong.breaker.state is BreakerState.CLOSED
    finally:
        await wrong.aclose()


async def test_a_document_upload_is_attached_to_the_claim(setup: Setup) -> None:
    client, customer = setup.client, setup.customer_id
    claims = (await client.claims(customer, page_size=100)).value.items
    open_claim = next(c for c in claims if not c.status.is_final)
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 100
    uploaded = await client.upload_claim_document(
        customer,
        open_claim.id,
        filename="фото.png",
        content=png,
        content_type="image/png",
        idempotency_key=new_idempotency_key(),
    )
    assert uploaded.size == len(png)
    detail = (await client.claim(customer, open_claim.id)).value
    assert uploaded.document_id in {document.id for document in detail.documents}


async def test_a_claim_is_filed_from_a_draft_exactly_once(setup: Setup) -> None:
    client, customer = setup.client, setup.customer_id
    policies = (await client.policies(customer)).value.items
    osago = next(p for p in policies if p.product is Product.OSAGO)
    assert osago.claimable
    kinds = (await client.claim_types(customer, osago.id)).value.items
    accident = kinds[0]
    draft = await client.create_claim_draft(
        customer,
        ClaimDraftRequest(policy_id=osago.id, claim_type=accident.id),
        idempotency_key=new_idempotency_key(),
    )
    today = dt.datetime.now(dt.UTC).date().isoformat()
    with pytest.raises(CabinetRejected) as refused:
        await client.update_claim_draft(
            customer, draft.draft_id, ClaimDraftUpdate(fields={"event_date": "2999-01-01"})
        )
    assert refused.value.status == 422
    values: dict[str, str | bool | None] = {
        "event_date": today,
        "place": "Москва",
        "recorded_by": "europrotocol",
        "injured": False,
    }
    updated = await client.update_claim_draft(
        customer,
        draft.draft_id,
        ClaimDraftUpdate(fields=values, circumstances="Задели на парковке."),
    )
    assert updated.fields["injured"] is False
    assert [m.pointer for m in updated.missing if m.blocking] == ["/documents/accident_notice"]
    await client.upload_claim_draft_document(
        customer,
        draft.draft_id,
        "accident_notice",
        filename="извещение.pdf",
        content=b"%PDF-1.4\n%%EOF\n",
        content_type="application/pdf",
        idempotency_key=new_idempotency_key(),
    )
    drafts = await client.claim_drafts(customer)
    assert [d.draft_id for d in drafts.items] == [draft.draft_id]
    key = new_idempotency_key()
    await setup.sandbox.switches(lose_next=1)  # done, but the answer is lost: the retry replays it
    registration = await client.submit_claim_draft(customer, draft.draft_id, idempotency_key=key)
    again = await client.submit_claim_draft(customer, draft.draft_id, idempotency_key=key)
    assert again == registration
    assert [d.id for d in registration.missing_documents] == ["damage_photos"]
    claims = (await client.claims(customer, page_size=100)).value.items
    assert [c.number for c in claims].count(registration.number) == 1
    with pytest.raises(CabinetNotFound):
        await client.claim_draft(customer, draft.draft_id)


async def test_redis_being_down_leaves_the_cabinet_usable(setup: Setup) -> None:
    broken = create_redis("redis://127.0.0.1:1/0")  # nothing listens there
    client = _client(setup.sandbox, ReadCache(broken, prefix="test"))
    try:
        claims = await client.claims(setup.customer_id)
        assert not claims.stale
        open_claim = next(c for c in claims.value.items if not c.status.is_final)
        message = await client.add_claim_message(
            setup.customer_id, open_claim.id, "Текст", idempotency_key=new_idempotency_key()
        )
        assert message.message_id
    finally:
        await client.aclose()
        await broken.aclose()
