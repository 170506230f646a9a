"""The sandbox cabinet over real HTTP, as the bot and a tester meet it.

The sandbox runs mounted where the bot mounts it (`/sandbox/cabinet`) on a real port; events
go to a receiver server that checks their signatures on its own. Answers are checked against
the contract's response schemas.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import datetime as dt
import hashlib
import hmac
import io
import json
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from pypdf import PdfReader

from sandbox.cabinet import NOT_A_CUSTOMER_SUBJECT
from sandbox.cabinet.schema import response_validator, validator
from tests.sandbox_server import running_sandbox

TOKEN = "sandbox-token-for-tests"
SECRET = b"events-secret-for-tests"
MOUNT = "/sandbox/cabinet"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6364f8cfc0f01f0003860180aeb47a9"
    "20000000049454e44ae426082"
)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

pytestmark = pytest.mark.timeout(30)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


# ----------------------------------------------------------------------------- receiver


@dataclass
class Receiver:
    """The bot's webhook, as far as events go: verifies signatures independently."""

    answers: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    bad_signatures: int = 0
    arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.read()
        timestamp = request.headers["X-Timestamp"]
        expected = hmac.new(SECRET, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        signed = hmac.compare_digest(request.headers["X-Signature"], f"sha256={expected}")
        fresh = abs(time.time() - int(timestamp)) < 300
        if not (signed and fresh) or request.content_type != "application/json":
            self.bad_signatures += 1
        self.received.append(json.loads(body))
        self.arrived.set()
        return web.Response(status=self.answers.pop(0) if self.answers else 204)

    async def wait_for(self, count: int) -> list[dict[str, Any]]:
        async with asyncio.timeout(5):
            while len(self.received) < count:
                self.arrived.clear()
                await self.arrived.wait()
        return self.received

    def of_type(self, kind: str) -> list[dict[str, Any]]:
        return [event for event in self.received if event["type"] == kind]


@pytest.fixture
async def receiver() -> AsyncIterator[tuple[Receiver, str]]:
    recorder = Receiver()
    app = web.Application()
    app.router.add_post("/events", recorder.handle)
    async with TestServer(app, host="127.0.0.1") as server:
        yield recorder, str(server.make_url("/events"))


# ----------------------------------------------------------------------------- sandbox


@dataclass
class Sandbox:
    http: httpx.AsyncClient
    public_url: str

    async def call(
        self, method: str, path: str, operation: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        """A /v1 call with the token; its answer checked against the contract when named."""
        headers = {**AUTH, **kwargs.pop("headers", {})}
        response = await self.http.request(method, "/v1" + path, headers=headers, **kwargs)
        if operation:
            conforms(operation, response)
        return response

    async def keyed(
        self, path: str, operation: str, key: str | None = None, **kw: Any
    ) -> httpx.Response:
        headers = {"Idempotency-Key": key or str(uuid.uuid4()), **kw.pop("headers", {})}
        return await self.call("POST", path, operation, headers=headers, **kw)

    async def resolve(self, subject: str = "1000299654", **identity: str) -> str:
        body = {"provider": "esia", "subject": subject, **identity}
        response = await self.call("POST", "/customers/resolve", "resolveCustomer", json=body)
        assert response.status_code == 200, response.text
        return str(response.json()["customer_id"])

    async def operator(self, path: str, body: dict[str, Any] | None = None) -> httpx.Response:
        return await self.http.post("/operator" + path, json=body or {})


def conforms(operation: str, response: httpx.Response) -> None:
    if response.status_code == 204:
        assert not response.content
        return
    content_type = response.headers["content-type"].split(";")[0]
    if content_type == "application/pdf":
        assert response.content.startswith(b"%PDF-")
        return
    try:
        checker = response_validator(operation, response.status_code, content_type)
    except KeyError:  # 500 and 502 (switches) are not documented: a problem all the same
        assert response.status_code in (500, 502)
        checker = validator("#/components/schemas/Problem")
    checker.validate(response.json())
    if response.status_code >= 400:
        assert content_type == "application/problem+json"
        assert {"type", "title", "status", "detail", "instance", "code"} <= set(response.json())


SandboxFactory = Callable[..., Awaitable[Sandbox]]


@pytest.fixture
async def start_sandbox() -> AsyncIterator[SandboxFactory]:
    """Starts sandboxes (mounted like the bot mounts it, or alone) and stops them after."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(mount: str = MOUNT, **config: Any) -> Sandbox:
            settings: dict[str, Any] = {
                "token": TOKEN,
                "events_secret": SECRET,
                "events_retry_initial": 0.01,
                "events_retry_max": 0.05,
                **config,
            }
            server = await stack.enter_async_context(running_sandbox(mount, **settings))
            http = await stack.enter_async_context(
                httpx.AsyncClient(base_url=server.base_url, timeout=10)
            )
            return Sandbox(http, server.base_url)

        yield start


@pytest.fixture
async def sandbox(start_sandbox: SandboxFactory) -> Sandbox:
    return await start_sandbox()


@pytest.fixture
async def wired(
    start_sandbox: SandboxFactory, receiver: tuple[Receiver, str]
) -> tuple[Sandbox, Receiver]:
    recorder, url = receiver
    return await start_sandbox(events_url=url), recorder


async def _claim_in(sandbox: Sandbox, customer: str, status: str) -> dict[str, Any]:
    claims = (await sandbox.call("GET", f"/customers/{customer}/claims")).json()["items"]
    return next(c for c in claims if c["status"] == status)


async def _policy(sandbox: Sandbox, customer: str, product: str) -> dict[str, Any]:
    policies = (await sandbox.call("GET", f"/customers/{customer}/policies")).json()["items"]
    return next(p for p in policies if p["product"] == product)


def pdf_text(data: bytes) -> str:
    """The text a reader would copy out of the PDF (pypdf reads the fonts' ToUnicode maps)."""
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


# ----------------------------------------------------------------------------- customers


async def test_resolve_is_deterministic_and_the_reserved_subject_is_not_a_customer(
    sandbox: Sandbox,
) -> None:
    first = await sandbox.call(
        "POST",
        "/customers/resolve",
        "resolveCustomer",
        json={"provider": "esia", "subject": "42", "first_name": "Иван", "last_name": "Иванов"},
    )
    again = await sandbox.resolve("42")
    assert first.json() == {"customer_id": again, "display_name": "Иван И."}
    root = hashlib.sha256(b"esia:42").hexdigest()[:8]
    check = hashlib.sha256(f"sandbox-cabinet:{root}".encode()).hexdigest()[:4]
    assert again == f"cus_{root}{check}"  # self-checking: the sandbox knows it after a restart
    oidc = await sandbox.call(
        "POST", "/customers/resolve", "resolveCustomer", json={"provider": "oidc", "subject": "42"}
    )
    assert oidc.json()["customer_id"] != again
    assert oidc.json()["display_name"]  # a demo name when the provider gives none

    missing = await sandbox.call(
        "POST",
        "/customers/resolve",
        "resolveCustomer",
        json={"provider": "esia", "subject": NOT_A_CUSTOMER_SUBJECT},
    )
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    assert missing.json()["code"] == "customer_not_found"

    invalid = await sandbox.call(
        "POST", "/customers/resolve", "resolveCustomer", json={"provider": "vk", "subject": ""}
    )
    assert invalid.status_code == 422
    assert {e["pointer"] for e in invalid.json()["errors"]} == {"/provider", "/subject"}
    broken = await sandbox.call(
        "POST",
        "/customers/resolve",
        "resolveCustomer",
        content=b"{",
        headers={"Content-Type": "application/json"},
    )
    assert broken.status_code == 400


async def test_a_customer_survives_a_restart_and_a_forged_id_does_not_exist(
    start_sandbox: SandboxFactory,
) -> None:
    before, after = await start_sandbox(), await start_sandbox()
    customer = await before.resolve("7")
    policies = [
        (await sandbox.call("GET", f"/customers/{customer}/policies")).json()
        for sandbox in (before, after)
    ]
    assert policies[0] == policies[1]
    forged = customer[:-1] + ("0" if customer[-1] != "0" else "1")
    response = await after.call("GET", f"/customers/{forged}/policies", "listPolicies")
    assert response.status_code == 404
    assert response.json()["code"] == "customer_not_found"


async def test_every_call_needs_the_token(sandbox: Sandbox) -> None:
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}):
        response = await sandbox.http.get("/v1/certificate-types", headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["code"] == "unauthorized"
        conforms("listCertificateTypes", response)


async def test_another_customers_objects_are_not_found(sandbox: Sandbox) -> None:
    mine, theirs = await sandbox.resolve("1"), await sandbox.resolve("2")
    their_claim = (await _claim_in(sandbox, theirs, "in_review"))["id"]
    foreign = await sandbox.call("GET", f"/customers/{mine}/claims/{their_claim}", "getClaim")
    absent = await sandbox.call("GET", f"/customers/{mine}/claims/clm_ffffff", "getClaim")
    assert foreign.status_code == absent.status_code == 404
    assert {k: v for k, v in foreign.json().items() if k != "instance"} == {
        k: v for k, v in absent.json().items() if k != "instance"
    }
    their_policy = (await _policy(sandbox, theirs, "osago"))["id"]
    response = await sandbox.call("GET", f"/customers/{mine}/policies/{their_policy}/document")
    assert response.status_code == 404
    assert response.json()["code"] == "policy_not_found"


async def test_a_portfolio_has_the_three_products_and_claims_with_histories(
    sandbox: Sandbox,
) -> None:
    customer = await sandbox.resolve("portfolio")
    policies = (
        await sandbox.call("GET", f"/customers/{customer}/policies", "listPolicies")
    ).json()["items"]
    assert {p["product"] for p in policies} == {"osago", "kasko", "dms"}
    expiring = [p for p in policies if p["status"] == "expiring"]
    assert len(expiring) == 1
    assert expiring[0]["renewable"]
    assert dt.date.fromisoformat(expiring[0]["ends_on"]) <= today() + dt.timedelta(days=30)
    for policy in policies:
        detail = await sandbox.call(
            "GET", f"/customers/{customer}/policies/{policy['id']}", "getPolicy"
        )
        assert detail.json()["coverages"]
        assert ("deductible" in detail.json()) == (policy["product"] == "kasko")

    claims = (await sandbox.call("GET", f"/customers/{customer}/claims", "listClaims")).json()
    assert 5 <= claims["total"] <= 7
    statuses = {c["status"] for c in claims["items"]}
    assert {"awaiting_documents", "in_review", "approved", "paid", "closed"} <= statuses
    reported = [c["reported_on"] for c in claims["items"]]
    assert reported == sorted(reported, reverse=True)
    for summary in claims["items"]:
        claim = (
            await sandbox.call("GET", f"/customers/{customer}/claims/{summary['id']}", "getClaim")
        ).json()
        moments = [entry["at"] for entry in claim["history"]]
        assert moments == sorted(moments)
        assert len(set(moments)) == len(moments)
        assert claim["history"][-1]["status"] == claim["status"]
        assert claim["next_step"]
        if claim["status"] == "awaiting_documents":
            assert claim["requested_documents"]
        if claim["status"] in ("approved", "paid", "closed"):
            assert claim["amount_approved"]

    payouts = (await sandbox.call("GET", f"/customers/{customer}/payouts", "listPayouts")).json()
    years = {dt.date.fromisoformat(p["paid_on"]).year for p in payouts["items"]}
    assert {today().year, today().year - 1} <= years or today().timetuple().tm_yday == 1
    this_year = await sandbox.call(
        "GET",
        f"/customers/{customer}/payouts",
        "listPayouts",
        params={"from": f"{today().year}-01-01", "to": today().isoformat()},
    )
    assert 0 < this_year.json()["total"] < payouts["total"]
    backwards = await sandbox.call(
        "GET",
        f"/customers/{customer}/payouts",
        "listPayouts",
        params={"from": "2025-02-01", "to": "2025-01-01"},
    )
    assert backwards.status_code == 422
    assert backwards.json()["code"] == "invalid_period"


async def test_payouts_filter_by_status_and_type_and_each_opens_in_detail(
    sandbox: Sandbox,
) -> None:
    customer = await sandbox.resolve("payouts")
    path = f"/customers/{customer}/payouts"
    every = (await sandbox.call("GET", path, "listPayouts")).json()["items"]
    assert {p["type"] for p in every} == {"indemnity", "expenses"}
    assert {p["status"] for p in every} == {"sent", "failed"}
    failed = (await sandbox.call("GET", path, "listPayouts", params={"status": "failed"})).json()
    assert failed["total"] == 1
    assert [p["id"] for p in failed["items"]] == [p["id"] for p in every if p["status"] == "failed"]
    both = await sandbox.call(
        "GET", path, "listPayouts", params={"status": "sent", "type": "expenses"}
    )
    assert both.json()["total"] == 0
    wrong = await sandbox.call("GET", path, "listPayouts", params={"status": "lost"})
    assert wrong.status_code == 400

    for payout in every:
        detail = (await sandbox.call("GET", f"{path}/{payout['id']}", "getPayout")).json()
        assert {k: detail[k] for k in payout} == payout
        assert detail["recipient_name"].count("*") == 3
        assert detail["account"] == payout["recipient"]
        assert payout["claim_number"] in detail["purpose"]
        assert ("failure_reason" in detail) == (payout["status"] == "failed")
    indemnity = next(p for p in every if p["type"] == "indemnity")
    claim = (
        await sandbox.call("GET", f"/customers/{customer}/claims/{indemnity['claim_id']}")
    ).json()
    detail = (await sandbox.call("GET", f"{path}/{indemnity['id']}")).json()
    assert detail["documents"] == claim["documents"]
    english = await sandbox.call(
        "GET", f"{path}/{indemnity['id']}", "getPayout", headers={"Accept-Language": "en"}
    )
    assert english.json()["purpose"].startswith("Insurance indemnity under claim")

    theirs = await sandbox.resolve("someone else")
    foreign = await sandbox.call(
        "GET", f"/customers/{theirs}/payouts/{every[0]['id']}", "getPayout"
    )
    assert foreign.status_code == 404
    assert foreign.json()["code"] == "payout_not_found"


async def test_free_texts_follow_accept_language(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("lang")
    claim_id = (await _claim_in(sandbox, customer, "awaiting_documents"))["id"]
    path = f"/customers/{customer}/claims/{claim_id}"
    russian = (await sandbox.call("GET", path, "getClaim")).json()
    english = (
        await sandbox.call("GET", path, "getClaim", headers={"Accept-Language": "en-GB,en;q=0.9"})
    ).json()
    assert re.search("[а-я]", russian["next_step"])
    assert not re.search("[а-я]", english["next_step"])
    missing = await sandbox.call("GET", f"{path}x", "getClaim", headers={"Accept-Language": "en"})
    assert missing.json()["title"] == "Not found"


async def test_the_contracts_examples_work(sandbox: Sandbox) -> None:
    base = "/customers/cus_7f3a9c1e"
    for path, operation in (
        ("/policies/pol_8d2e41", "getPolicy"),
        ("/policies/pol_8d2e41/renewal-options", "getRenewalOptions"),
        ("/claims/clm_51b7c0", "getClaim"),
        ("/certificate-orders/cro_19d6e5", "getCertificateOrder"),
    ):
        assert (await sandbox.call("GET", base + path, operation)).status_code == 200
    kasko = await sandbox.call(
        "GET", base + "/policies/pol_41c9b7/renewal-options", "getRenewalOptions"
    )
    assert kasko.status_code == 409
    assert kasko.json()["code"] == "policy_not_renewable"


async def test_pages_of_a_list(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("pages")
    path = f"/customers/{customer}/claims"
    whole = (await sandbox.call("GET", path)).json()
    second = (
        await sandbox.call("GET", path, "listClaims", params={"page": 2, "page_size": 2})
    ).json()
    assert second["items"] == whole["items"][2:4]
    assert (second["page"], second["page_size"], second["total"]) == (2, 2, whole["total"])
    past = (await sandbox.call("GET", path, "listClaims", params={"page": 99})).json()
    assert past["items"] == []
    assert past["total"] == whole["total"]
    for bad in ({"page_size": 500}, {"page": 0}, {"page": "x"}, {"pagesize": 5}):
        response = await sandbox.call("GET", path, "listClaims", params=bad)
        assert response.status_code == 400
        assert response.json()["errors"][0]["parameter"] == next(iter(bad))


# ----------------------------------------------------------------------------- documents


async def test_the_policy_pdf_is_real_and_reads_in_russian(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("pdf")
    policy = await _policy(sandbox, customer, "osago")
    response = await sandbox.call(
        "GET", f"/customers/{customer}/policies/{policy['id']}/document", "getPolicyDocument"
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    assert "filename*=UTF-8''" in response.headers["content-disposition"]
    text = pdf_text(response.content)
    assert "Полис ОСАГО" in text
    assert policy["number"] in text
    assert "Вред имуществу потерпевших" in text


async def test_certificate_orders_validate_and_become_ready(
    wired: tuple[Sandbox, Receiver],
) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("certificates")
    types = (await sandbox.call("GET", "/certificate-types", "listCertificateTypes")).json()
    assert {t["id"]: t["needs_period"] for t in types["items"]} == {
        "tax_deduction": True,
        "no_claims": False,
        "payouts_statement": True,
    }
    path = f"/customers/{customer}/certificate-orders"
    last_year = today().year - 1
    purpose = {"purpose": "По месту требования"}
    cases = [
        ({"type": "passport"}, "validation_failed", "/type"),
        ({"type": "tax_deduction"}, "period_required", "/period_from"),
        (
            {
                "type": "payouts_statement",
                "period_from": f"{last_year}-12-31",
                "period_to": f"{last_year}-01-01",
            },
            "invalid_period",
            "/period_to",
        ),
        (
            {
                "type": "payouts_statement",
                "period_from": f"{last_year}-01-01",
                "period_to": str(today() + dt.timedelta(days=1)),
            },
            "invalid_period",
            "/period_to",
        ),
        (
            {"type": "no_claims", "period_from": "2025-13-01", "period_to": "2025-01-01"},
            "validation_failed",
            "/period_from",
        ),
    ]
    for body, code, pointer in cases:
        response = await sandbox.keyed(path, "createCertificateOrder", json=body | purpose)
        assert response.status_code == 422, body
        assert response.json()["code"] == code
        assert pointer in {e["pointer"] for e in response.json()["errors"]}

    body = {
        "type": "payouts_statement",
        "period_from": f"{last_year}-01-01",
        "period_to": today().isoformat(),
    }
    created = await sandbox.keyed(path, "createCertificateOrder", json=body | purpose)
    assert created.status_code == 201
    order = created.json()
    assert re.fullmatch(r"С-\d{4}-\d{6}", order["number"])
    assert order["status"] == "accepted"
    expected = dt.date.fromisoformat(order["expected_on"])
    working = [today() + dt.timedelta(days=n) for n in range(1, (expected - today()).days + 1)]
    assert sum(day.weekday() < 5 for day in working) == 3
    assert expected.weekday() < 5
    listed = (await sandbox.call("GET", path, "listCertificateOrders")).json()["items"]
    assert listed[0]["order_id"] == order["order_id"]

    document = f"{path}/{order['order_id']}/document"
    not_ready = await sandbox.call("GET", document, "getCertificateDocument")
    assert not_ready.status_code == 409
    assert not_ready.json()["code"] == "document_not_ready"
    for _ in ("preparing", "ready"):
        assert (
            await sandbox.operator(f"/certificate-orders/{order['order_id']}/advance")
        ).status_code == 200
    events = await receiver.wait_for(1)
    assert events[0]["type"] == "certificate.ready"
    assert events[0]["data"] == {"order_id": order["order_id"], "number": order["number"]}
    ready = await sandbox.call("GET", f"{path}/{order['order_id']}", "getCertificateOrder")
    assert ready.json()["status"] == "ready"
    assert ready.json()["ready_at"]
    text = pdf_text((await sandbox.call("GET", document, "getCertificateDocument")).content)
    assert "Выписка по выплатам" in text
    assert order["number"] in text
    assert "Итого выплачено" in text
    again = await sandbox.operator(f"/certificate-orders/{order['order_id']}/advance")
    assert again.status_code == 409


async def test_the_demo_certificate_is_ready_to_download(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("ready")
    orders = (await sandbox.call("GET", f"/customers/{customer}/certificate-orders")).json()
    ready = next(o for o in orders["items"] if o["status"] == "ready")
    response = await sandbox.call(
        "GET",
        f"/customers/{customer}/certificate-orders/{ready['order_id']}/document",
        "getCertificateDocument",
    )
    text = pdf_text(response.content)
    assert "Справка об отсутствии убытков" in text
    assert ready["number"] in text


# ----------------------------------------------------------------------------- idempotency


async def test_a_keyed_post_is_done_once(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("keys")
    path = f"/customers/{customer}/certificate-orders"
    body = {"type": "no_claims", "purpose": "Для другой страховой компании"}
    key = str(uuid.uuid4())
    first = await sandbox.keyed(path, "createCertificateOrder", key, json=body)
    replay = await sandbox.keyed(
        path,
        "createCertificateOrder",
        key,
        content=json.dumps(body, indent=2),
        headers={"Content-Type": "application/json"},
    )
    assert first.status_code == replay.status_code == 201
    assert replay.json() == first.json()
    assert replay.headers["idempotency-replayed"] == "true"
    assert "idempotency-replayed" not in first.headers
    reused = await sandbox.keyed(
        path, "createCertificateOrder", key, json=body | {"purpose": "Другое"}
    )
    assert reused.status_code == 422
    assert reused.json()["code"] == "idempotency_key_reused"
    elsewhere = await sandbox.keyed(
        f"/customers/{customer}/feedback",
        "submitFeedback",
        key,
        json={"topic": "other", "rating": 5, "text": "ok"},
    )
    assert elsewhere.status_code == 422
    assert (await sandbox.call("GET", path)).json()["total"] == 3  # two demo orders + one

    missing = await sandbox.call("POST", path, "createCertificateOrder", json=body)
    assert missing.status_code == 400
    assert missing.json()["code"] == "idempotency_key_missing"
    not_uuid = await sandbox.keyed(path, "createCertificateOrder", "not-a-uuid", json=body)
    assert not_uuid.status_code == 400
    assert not_uuid.json()["code"] == "bad_request"


async def test_a_key_in_use_is_a_conflict(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("in-use")
    assert (
        await sandbox.http.put("/operator/switches", json={"latency_ms": 300})
    ).status_code == 200
    path = f"/customers/{customer}/feedback"
    body = {"topic": "speed", "rating": 4, "text": "Быстро"}
    key = str(uuid.uuid4())
    first = asyncio.create_task(sandbox.keyed(path, "submitFeedback", key, json=body))
    await asyncio.sleep(0.1)
    second = await sandbox.keyed(path, "submitFeedback", key, json=body)
    assert second.status_code == 409
    assert second.json()["code"] == "idempotency_key_in_use"
    assert (await first).status_code == 201
    assert re.fullmatch(r"F-\d{6}", (await first).json()["number"])


# ----------------------------------------------------------------------------- claims


async def test_a_garbled_multipart_body_is_a_bad_request(sandbox: Sandbox) -> None:
    """A part's headers that are not headers (found by the contract test's fuzzing): 400."""
    customer = await sandbox.resolve("garbled")
    claim = await _claim_in(sandbox, customer, "awaiting_documents")
    boundary = "860cd359f2f33596d12ec4bb09eb7972"
    response = await sandbox.keyed(
        f"/customers/{customer}/claims/{claim['id']}/documents",
        "uploadClaimDocument",
        content=f"--{boundary}\r\n\x15--{boundary}--\r\n".encode(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"


async def test_documents_and_messages_on_claims(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("uploads")
    claim = await _claim_in(sandbox, customer, "awaiting_documents")
    path = f"/customers/{customer}/claims/{claim['id']}"

    def file(name: str, data: bytes, kind: str) -> dict[str, Any]:
        return {"files": {"file": (name, data, kind)}}

    uploaded = await sandbox.keyed(
        f"{path}/documents",
        "uploadClaimDocument",
        **file("Справка ГИБДД.pdf", PDF, "application/pdf"),
    )
    assert uploaded.status_code == 201
    assert uploaded.json()["name"] == "Справка ГИБДД.pdf"
    assert uploaded.json()["size"] == len(PDF)
    documents = (await sandbox.call("GET", path, "getClaim")).json()["documents"]
    assert uploaded.json()["document_id"] in {d["id"] for d in documents}

    renamed = await sandbox.keyed(
        f"{path}/documents",
        "uploadClaimDocument",
        **file("virus.pdf", b"MZ\x90\x00 not a pdf", "application/pdf"),
    )
    assert renamed.status_code == 415
    assert renamed.json()["code"] == "unsupported_media_type"
    gif = await sandbox.keyed(
        f"{path}/documents", "uploadClaimDocument", **file("a.gif", b"GIF89a", "image/gif")
    )
    assert gif.status_code == 415
    huge = await sandbox.keyed(
        f"{path}/documents",
        "uploadClaimDocument",
        **file("big.pdf", PDF + b"0" * (5_242_881 - len(PDF)), "application/pdf"),
    )
    assert huge.status_code == 413
    assert huge.json()["code"] == "payload_too_large"
    empty = await sandbox.keyed(
        f"{path}/documents", "uploadClaimDocument", **file("e.pdf", b"", "application/pdf")
    )
    assert empty.status_code == 422
    extra = await sandbox.keyed(
        f"{path}/documents",
        "uploadClaimDocument",
        files={"file": ("a.png", PNG, "image/png"), "more": ("b.png", PNG, "image/png")},
    )
    assert extra.status_code == 422
    as_json = await sandbox.keyed(f"{path}/documents", "uploadClaimDocument", json={"file": "x"})
    assert as_json.status_code == 415

    message = await sandbox.keyed(
        f"{path}/messages", "createClaimMessage", json={"text": "Справку загружу завтра."}
    )
    assert message.status_code == 201
    too_long = await sandbox.keyed(
        f"{path}/messages", "createClaimMessage", json={"text": "а" * 2001}
    )
    assert too_long.status_code == 422
    assert too_long.json()["errors"][0]["pointer"] == "/text"

    closed = await _claim_in(sandbox, customer, "closed")
    closed_path = f"/customers/{customer}/claims/{closed['id']}"
    refused = await sandbox.keyed(
        f"{closed_path}/messages", "createClaimMessage", json={"text": "Ещё вопрос"}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "claim_closed"
    refused = await sandbox.keyed(
        f"{closed_path}/documents", "uploadClaimDocument", **file("a.png", PNG, "image/png")
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "claim_closed"


async def test_an_operator_change_reaches_the_bot_signed(wired: tuple[Sandbox, Receiver]) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("events")
    claim = await _claim_in(sandbox, customer, "in_review")

    advanced = await sandbox.operator(f"/claims/{claim['id']}/advance")
    assert advanced.status_code == 200
    assert advanced.json()["claim"]["status"] == "awaiting_documents"
    await receiver.wait_for(2)
    assert receiver.bad_signatures == 0
    changed = receiver.of_type("claim.status_changed")[0]
    validator("#/components/schemas/Event").validate(changed)
    assert changed["customer_id"] == customer
    assert changed["data"] == {
        "claim_id": claim["id"],
        "claim_number": claim["number"],
        "status": "awaiting_documents",
        "previous_status": "in_review",
    }
    requested = receiver.of_type("claim.documents_requested")[0]
    assert requested["data"]["documents"]
    assert requested["event_id"] != changed["event_id"]

    detail = (
        await sandbox.call("GET", f"/customers/{customer}/claims/{claim['id']}", "getClaim")
    ).json()
    assert detail["status"] == "awaiting_documents"
    assert detail["requested_documents"]
    for expected in ("in_review", "approved", "paid"):
        response = await sandbox.operator(f"/claims/{claim['id']}/advance")
        assert response.json()["claim"]["status"] == expected
    await receiver.wait_for(6)
    payout = receiver.of_type("payout.sent")[0]
    assert payout["data"]["claim_id"] == claim["id"]
    moments = [e["occurred_at"] for e in receiver.of_type("claim.status_changed")]
    assert len(set(moments)) == 4  # distinct even within one second: the bot can order them
    payouts = (await sandbox.call("GET", f"/customers/{customer}/payouts", "listPayouts")).json()
    assert payouts["items"][0]["id"] == payout["data"]["payout_id"]

    wrong = await sandbox.operator(f"/claims/{claim['id']}/advance", {"status": "registered"})
    assert wrong.status_code == 409
    assert wrong.headers["content-type"] == "application/problem+json"
    unknown = await sandbox.operator(f"/claims/{claim['id']}/advance", {"status": "lost"})
    assert unknown.status_code == 422
    assert (await sandbox.operator("/claims/clm_nobody/advance")).status_code == 404


async def test_an_event_is_retried_until_acknowledged(wired: tuple[Sandbox, Receiver]) -> None:
    sandbox, receiver = wired
    receiver.answers = [500, 500, 204]
    customer = await sandbox.resolve("retries")
    claim = await _claim_in(sandbox, customer, "approved")
    await sandbox.operator(f"/claims/{claim['id']}/advance", {"status": "ready_for_pickup"})
    attempts = await receiver.wait_for(3)
    assert len({event["event_id"] for event in attempts}) == 1
    assert attempts[0] == attempts[1] == attempts[2]
    for _ in range(50):
        log = (await sandbox.http.get("/operator/events")).json()
        if log[0]["status"] == "delivered":
            break
        await asyncio.sleep(0.02)
    assert log[0]["status"] == "delivered"
    assert log[0]["attempts"] == 3
    stats = (await sandbox.http.get("/operator/stats")).json()
    assert stats["events"] == {"pending": 0, "delivered": 1, "attempts": 3}


# ----------------------------------------------------------------------------- renewal


async def test_renewal_from_quote_to_payment(wired: tuple[Sandbox, Receiver]) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("renewal")
    policy = await _policy(sandbox, customer, "osago")
    base = f"/customers/{customer}/policies/{policy['id']}"
    options = (await sandbox.call("GET", f"{base}/renewal-options", "getRenewalOptions")).json()
    assert [t["term_months"] for t in options["terms"]] == [6, 12]

    quote = (
        await sandbox.keyed(
            f"{base}/renewal-quotes", "createRenewalQuote", json={"term_months": 12}
        )
    ).json()
    ends_on = dt.date.fromisoformat(policy["ends_on"])
    assert quote["new_starts_on"] == str(ends_on + dt.timedelta(days=1))
    valid_until = dt.datetime.fromisoformat(quote["valid_until"])
    assert abs(valid_until - dt.datetime.now(dt.UTC) - dt.timedelta(hours=24)) < dt.timedelta(
        minutes=1
    )

    accept = f"{base}/renewal-quotes/{quote['quote_id']}/accept"
    order = await sandbox.keyed(accept, "acceptRenewalQuote")
    assert order.status_code == 201
    payment_url = order.json()["payment_url"]
    assert payment_url == f"{sandbox.public_url}/pay/{order.json()['order_id']}"
    twice = await sandbox.keyed(accept, "acceptRenewalQuote")
    assert twice.status_code == 409
    assert twice.json()["code"] == "quote_already_accepted"

    async with httpx.AsyncClient() as browser:
        page = await browser.get(payment_url)
        assert page.status_code == 200
        assert "Оплата продления полиса" in page.text
        assert page.headers["content-security-policy"].startswith("default-src 'none'")
        assert page.headers["referrer-policy"] == "no-referrer"
        paid = await browser.post(payment_url, follow_redirects=True)
        assert "Оплачено — вернитесь в Telegram" in paid.text

    await receiver.wait_for(2)
    made = [d["event"]["type"] for d in (await sandbox.http.get("/operator/events")).json()]
    assert made == ["payment.succeeded", "policy.renewed"]
    assert receiver.of_type("payment.succeeded")[0]["data"]["amount"] == quote["premium"]
    assert receiver.of_type("policy.renewed")[0]["data"]["new_ends_on"] == quote["new_ends_on"]
    renewed = (await sandbox.call("GET", base, "getPolicy")).json()
    assert renewed["ends_on"] == quote["new_ends_on"]
    assert renewed["status"] == "active"
    assert (
        await sandbox.operator(f"/renewal-orders/{order.json()['order_id']}/pay")
    ).status_code == 409


async def test_renewal_refusals(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("refusals")
    kasko, dms = await _policy(sandbox, customer, "kasko"), await _policy(sandbox, customer, "dms")
    kasko_base = f"/customers/{customer}/policies/{kasko['id']}"
    refused = await sandbox.keyed(
        f"{kasko_base}/renewal-quotes", "createRenewalQuote", json={"term_months": 12}
    )
    assert refused.status_code == 409
    assert refused.json()["code"] == "policy_not_renewable"
    dms_base = f"/customers/{customer}/policies/{dms['id']}"
    short = await sandbox.keyed(
        f"{dms_base}/renewal-quotes", "createRenewalQuote", json={"term_months": 6}
    )
    assert short.status_code == 422
    assert short.json()["code"] == "term_not_available"
    odd = await sandbox.keyed(
        f"{dms_base}/renewal-quotes", "createRenewalQuote", json={"term_months": 7}
    )
    assert odd.status_code == 422
    assert odd.json()["code"] == "validation_failed"

    quote = (
        await sandbox.keyed(
            f"{dms_base}/renewal-quotes", "createRenewalQuote", json={"term_months": 12}
        )
    ).json()
    assert (
        await sandbox.operator(f"/renewal-quotes/{quote['quote_id']}/expire")
    ).status_code == 200
    late = await sandbox.keyed(
        f"{dms_base}/renewal-quotes/{quote['quote_id']}/accept", "acceptRenewalQuote"
    )
    assert late.status_code == 409
    assert late.json()["code"] == "quote_expired"
    wrong_policy = await sandbox.keyed(
        f"{kasko_base}/renewal-quotes/{quote['quote_id']}/accept", "acceptRenewalQuote"
    )
    assert wrong_policy.status_code == 404
    assert wrong_policy.json()["code"] == "quote_not_found"


async def test_an_expiring_policy_is_announced(wired: tuple[Sandbox, Receiver]) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("expiring")
    kasko = await _policy(sandbox, customer, "kasko")
    response = await sandbox.operator(f"/policies/{kasko['id']}/expiring", {"days_left": 7})
    assert response.status_code == 200
    event = (await receiver.wait_for(1))[0]
    assert event["type"] == "policy.expiring"
    assert event["data"]["ends_on"] == str(today() + dt.timedelta(days=7))
    assert event["data"]["days_left"] == 7
    detail = (
        await sandbox.call("GET", f"/customers/{customer}/policies/{kasko['id']}", "getPolicy")
    ).json()
    assert detail["status"] == "expiring"
    assert detail["renewable"]
    assert (
        await sandbox.operator(f"/policies/{kasko['id']}/expiring", {"days_left": 5})
    ).status_code == 422


# ----------------------------------------------------------------------------- installments


async def test_kasko_is_paid_in_two_installments(wired: tuple[Sandbox, Receiver]) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("installments")
    kasko, osago = (
        await _policy(sandbox, customer, "kasko"),
        await _policy(sandbox, customer, "osago"),
    )
    base = f"/customers/{customer}/policies/{kasko['id']}"
    schedule = (await sandbox.call("GET", f"{base}/payment-schedule", "getPaymentSchedule")).json()
    first, second = schedule["installments"]
    assert [first["status"], second["status"]] == ["paid", "due"]
    assert schedule["next_due"] == 2
    total = sum(Decimal(i["amount"]["amount"]) for i in schedule["installments"])
    assert total == Decimal(kasko["premium"]["amount"])
    assert today() < dt.date.fromisoformat(second["due_on"]) <= today() + dt.timedelta(days=14)
    detail = (await sandbox.call("GET", base, "getPolicy")).json()
    assert detail["next_payment"] == {
        "installment": 2,
        "amount": second["amount"],
        "due_on": second["due_on"],
        "status": "due",
    }
    paid_up = f"/customers/{customer}/policies/{osago['id']}"
    one_go = (await sandbox.call("GET", f"{paid_up}/payment-schedule", "getPaymentSchedule")).json()
    assert [i["status"] for i in one_go["installments"]] == ["paid"]
    assert "next_due" not in one_go
    assert "next_payment" not in (await sandbox.call("GET", paid_up, "getPolicy")).json()

    pay = f"{base}/payments"
    paid = await sandbox.keyed(pay, "createInstallmentPayment", json={"installment": 1})
    assert (paid.status_code, paid.json()["code"]) == (409, "installment_paid")
    missing = await sandbox.keyed(pay, "createInstallmentPayment", json={"installment": 3})
    assert (missing.status_code, missing.json()["code"]) == (422, "validation_failed")

    link = await sandbox.keyed(pay, "createInstallmentPayment", json={"installment": 2})
    assert link.status_code == 201
    payment = link.json()
    assert payment["amount"] == second["amount"]
    assert payment["payment_url"] == f"{sandbox.public_url}/pay/{payment['payment_id']}"
    async with httpx.AsyncClient() as browser:
        page = await browser.get(payment["payment_url"])
        assert page.status_code == 200
        assert "Оплата взноса по полису" in page.text
        assert "Взнос № 2" in page.text
        await sandbox.operator(f"/payments/{payment['payment_id']}/expire")
        expired = await browser.get(payment["payment_url"])
        assert expired.status_code == 410
        assert "нажмите «Новая ссылка»" in expired.text
        again = (
            await sandbox.keyed(pay, "createInstallmentPayment", json={"installment": 2})
        ).json()
        assert again["payment_url"] != payment["payment_url"]
        done = await browser.post(again["payment_url"], follow_redirects=True)
        assert "Оплачено — вернитесь в Telegram" in done.text

    (event,) = await receiver.wait_for(1)
    assert event["type"] == "payment.succeeded"
    assert event["data"] == {
        "order_id": again["payment_id"],
        "policy_id": kasko["id"],
        "amount": second["amount"],
        "installment": 2,
        "number": kasko["number"],
    }
    schedule = (await sandbox.call("GET", f"{base}/payment-schedule", "getPaymentSchedule")).json()
    assert [i["status"] for i in schedule["installments"]] == ["paid", "paid"]
    assert "next_due" not in schedule
    assert "next_payment" not in (await sandbox.call("GET", base, "getPolicy")).json()
    twice = await sandbox.keyed(pay, "createInstallmentPayment", json={"installment": 2})
    assert (twice.status_code, twice.json()["code"]) == (409, "installment_paid")
    reminder = await sandbox.operator(f"/policies/{kasko['id']}/payment-due", {"days_left": 3})
    assert reminder.status_code == 409


async def test_an_installment_is_reminded_and_goes_overdue(
    wired: tuple[Sandbox, Receiver],
) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("reminders")
    kasko = await _policy(sandbox, customer, "kasko")
    due = f"/policies/{kasko['id']}/payment-due"
    assert (await sandbox.operator(due, {"days_left": 3})).status_code == 200
    assert (await sandbox.operator(due, {"overdue_days": 2})).status_code == 200
    reminder, overdue = await receiver.wait_for(2)
    assert reminder["type"] == overdue["type"] == "payment.due"
    assert reminder["data"]["status"] == "due"
    assert reminder["data"]["days_left"] == 3
    assert overdue["data"]["status"] == "overdue"
    assert "days_left" not in overdue["data"]
    assert overdue["data"]["installment"] == 2
    detail = (
        await sandbox.call("GET", f"/customers/{customer}/policies/{kasko['id']}", "getPolicy")
    ).json()
    assert detail["next_payment"]["status"] == "overdue"
    for wrong in ({}, {"days_left": 3, "overdue_days": 1}, {"overdue_days": 0}):
        assert (await sandbox.operator(due, wrong)).status_code == 422


async def test_renewal_names_the_drivers_and_the_terms(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("drivers")
    osago = await _policy(sandbox, customer, "osago")
    base = f"/customers/{customer}/policies/{osago['id']}"
    detail = (await sandbox.call("GET", base, "getPolicy")).json()
    drivers = detail["insured_persons"]
    assert [d["role"] for d in drivers] == ["driver", "driver"]
    assert len({d["full_name"] for d in drivers}) == 2
    quote = (
        await sandbox.keyed(
            f"{base}/renewal-quotes", "createRenewalQuote", json={"term_months": 12}
        )
    ).json()
    assert quote["terms_url"] == f"{sandbox.public_url}/terms/osago"
    async with httpx.AsyncClient() as browser:
        terms = await browser.get(quote["terms_url"])
        assert terms.status_code == 200
        assert "Правила страхования" in terms.text
        assert (await browser.get(f"{sandbox.public_url}/terms/space")).status_code == 404


# ----------------------------------------------------------------------------- feedback


async def test_feedback_and_its_screenshot(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("feedback")
    path = f"/customers/{customer}/feedback"
    body = {"topic": "bug", "rating": 2, "text": "Пустая страница после оплаты."}

    def shot(data: bytes, kind: str = "image/png") -> dict[str, Any]:
        return {
            "filename": "s.png",
            "content_type": kind,
            "content_base64": base64.b64encode(data).decode(),
        }

    with_png = await sandbox.keyed(path, "submitFeedback", json=body | {"attachment": shot(PNG)})
    assert with_png.status_code == 201
    assert re.fullmatch(r"F-\d{6}", with_png.json()["number"])
    lying = await sandbox.keyed(path, "submitFeedback", json=body | {"attachment": shot(PDF)})
    assert lying.status_code == 422
    assert lying.json()["errors"][0]["pointer"] == "/attachment/content_base64"
    huge = await sandbox.keyed(
        path, "submitFeedback", json=body | {"attachment": shot(PNG + b"0" * 5_242_880)}
    )
    assert huge.status_code == 413
    gif = await sandbox.keyed(
        path, "submitFeedback", json=body | {"attachment": shot(b"GIF89a", "image/gif")}
    )
    assert gif.status_code == 422


async def test_a_question_and_a_review_each_need_their_own_parts(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("feedback-kinds")
    path = f"/customers/{customer}/feedback"

    async def sent(**body: Any) -> httpx.Response:
        return await sandbox.keyed(path, "submitFeedback", json=body)

    question = {"kind": "question", "topic": "login", "text": "Не приходит СМС."}
    assert (await sent(**question)).status_code == 201
    assert (await sent(kind="review", rating=5)).status_code == 201  # a comment is optional
    assert (await sent(rating=4, text="Удобно")).status_code == 201  # no kind: a review
    rated = await sent(**question, rating=3)
    assert rated.status_code == 422
    assert [e["pointer"] for e in rated.json()["errors"]] == ["/rating"]
    bare = await sent(kind="question", text="?")
    assert [e["pointer"] for e in bare.json()["errors"]] == ["/topic"]
    unrated = await sent(kind="review", text="Без оценки")
    assert [e["pointer"] for e in unrated.json()["errors"]] == ["/rating"]


async def test_the_insurers_contacts_in_either_language(sandbox: Sandbox) -> None:
    russian = (await sandbox.call("GET", "/contacts", "getInsurerContacts")).json()
    assert russian["phone"] == "8 800 555-00-55"
    assert russian["hours"] == "Круглосуточно, без выходных"
    english = await sandbox.call(
        "GET", "/contacts", "getInsurerContacts", headers={"Accept-Language": "en"}
    )
    assert english.json()["hours"] == "24/7, every day"


# ----------------------------------------------------------------------------- contacts


async def _code_sent(sandbox: Sandbox, change_id: str) -> str:
    """The code as a tester finds it: among the messages the sandbox "sent"."""
    sent = (await sandbox.http.get("/operator/messages")).json()
    return str(next(m["code"] for m in sent if m["change_id"] == change_id))


async def _start(sandbox: Sandbox, customer: str, kind: str, value: str) -> httpx.Response:
    body = {"kind": kind, "value": value}
    path = f"/customers/{customer}/contact-changes"
    return await sandbox.keyed(path, "startContactChange", json=body)


async def _confirm(sandbox: Sandbox, customer: str, change_id: str, code: str) -> httpx.Response:
    path = f"/customers/{customer}/contact-changes/{change_id}/confirm"
    return await sandbox.call("POST", path, "confirmContactChange", json={"code": code})


def _another(code: str, n: int = 1) -> str:
    return f"{(int(code) + n) % 10**6:06d}"


async def test_an_email_changed_with_the_code_sent_to_it(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("contacts")
    path = f"/customers/{customer}/contacts"
    before = (await sandbox.call("GET", path, "getContacts")).json()
    assert re.fullmatch(r"\+79\d{9}", before["phone"]["value"])
    assert before["email"]["value"].endswith("@example.ru")
    assert before["phone"]["confirmed"]
    assert before["email"]["confirmed"]

    started = await _start(sandbox, customer, "email", "New.Address@Mail.RU")
    assert started.status_code == 201
    change = started.json()
    assert change["value"] == "New.Address@mail.ru"  # the domain is stored in lower case
    assert change["attempts_left"] == 3
    code = await _code_sent(sandbox, change["change_id"])
    assert re.fullmatch(r"\d{6}", code)
    sent = (await sandbox.http.get("/operator/messages")).json()[0]
    assert (sent["channel"], sent["to"]) == ("email", "New.Address@mail.ru")
    assert code in (await sandbox.http.get("/operator")).text  # the console lists it

    wrong = await _confirm(sandbox, customer, change["change_id"], _another(code))
    assert (wrong.status_code, wrong.json()["code"]) == (422, "wrong_code")
    assert wrong.json()["attempts_left"] == 2
    again = await _confirm(sandbox, customer, change["change_id"], _another(code))
    assert again.json()["attempts_left"] == 2  # the same wrong code (a retry) counts once
    second = await _confirm(sandbox, customer, change["change_id"], _another(code, 2))
    assert second.json()["attempts_left"] == 1
    assert (await sandbox.call("GET", path)).json() == before  # nothing changed yet

    done = await _confirm(sandbox, customer, change["change_id"], code)
    assert done.status_code == 200
    assert done.json()["email"] == {"value": "New.Address@mail.ru", "confirmed": True}
    assert done.json()["phone"] == before["phone"]
    assert (await _confirm(sandbox, customer, change["change_id"], code)).json() == done.json()
    late = await _confirm(sandbox, customer, change["change_id"], _another(code))
    assert late.json()["code"] == "code_expired"
    assert (await sandbox.call("GET", path)).json() == done.json()
    unchanged = await _start(sandbox, customer, "email", "New.Address@mail.ru")
    assert (unchanged.status_code, unchanged.json()["code"]) == (422, "contact_unchanged")


async def test_every_changed_contact_is_announced_masked(
    wired: tuple[Sandbox, Receiver],
) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("contacts-events")
    change = (await _start(sandbox, customer, "email", "ivan.new@Mail.RU")).json()
    assert receiver.received == [], "a code sent changes nothing"
    code = await _code_sent(sandbox, change["change_id"])
    assert (await _confirm(sandbox, customer, change["change_id"], code)).status_code == 200
    assert (await _confirm(sandbox, customer, change["change_id"], code)).status_code == 200
    (by_bot,) = await receiver.wait_for(1)
    assert by_bot["type"] == "contacts.changed"
    assert by_bot["data"] == {
        "kind": "email",
        "value": "i•••@mail.ru",
        "source": "bot",
        "change_id": change["change_id"],
    }

    pending = (await _start(sandbox, customer, "phone", "+79990001122")).json()
    by_staff = await sandbox.operator(
        f"/customers/{customer}/contacts",
        {"kind": "phone", "value": "+79161234567", "source": "office"},
    )
    assert by_staff.status_code == 200, by_staff.text
    assert by_staff.json()["contacts"]["phone"] == {"value": "+79161234567", "confirmed": True}
    events = await receiver.wait_for(2)
    for event in events:
        validator("#/components/schemas/Event").validate(event)
    assert events[1]["data"] == {"kind": "phone", "value": "+7 ••• •••-••-67", "source": "office"}
    late = await _confirm(
        sandbox, customer, pending["change_id"], await _code_sent(sandbox, pending["change_id"])
    )
    assert (late.status_code, late.json()["code"]) == (409, "code_expired"), "replaced"
    now = (await sandbox.call("GET", f"/customers/{customer}/contacts", "getContacts")).json()
    assert now["phone"]["value"] == "+79161234567"
    assert "Изменить контакт" in (await sandbox.http.get("/operator")).text

    for body, code in (
        ({"kind": "phone", "value": "+79161234567", "source": "office"}, "contact_unchanged"),
        ({"kind": "phone", "value": "8 916 000-00-00", "source": "office"}, "validation_failed"),
        ({"kind": "email", "value": "x@example.org", "source": "bot"}, "validation_failed"),
    ):
        refused = await sandbox.operator(f"/customers/{customer}/contacts", body)
        assert (refused.status_code, refused.json()["code"]) == (422, code), body
    assert len(receiver.received) == 2


async def test_three_wrong_codes_cancel_the_change(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("contacts-wrong")
    change = (await _start(sandbox, customer, "phone", "+79990001122")).json()
    code = await _code_sent(sandbox, change["change_id"])
    sent = (await sandbox.http.get("/operator/messages")).json()[0]
    assert (sent["channel"], sent["to"]) == ("sms", "+79990001122")
    answers = [
        await _confirm(sandbox, customer, change["change_id"], _another(code, n)) for n in (1, 2, 3)
    ]
    assert [a.status_code for a in answers] == [422, 422, 409]
    assert answers[-1].json()["code"] == "too_many_attempts"
    right = await _confirm(sandbox, customer, change["change_id"], code)
    assert (right.status_code, right.json()["code"]) == (409, "too_many_attempts")
    phone = (await sandbox.call("GET", f"/customers/{customer}/contacts")).json()["phone"]
    assert phone["value"] != "+79990001122"


async def test_an_expired_or_replaced_code_and_a_bad_address(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("contacts-expired")
    first = (await _start(sandbox, customer, "email", "a@example.org")).json()
    second = (await _start(sandbox, customer, "email", "a@example.org")).json()  # "send again"
    replaced = await _confirm(
        sandbox, customer, first["change_id"], await _code_sent(sandbox, first["change_id"])
    )
    assert (replaced.status_code, replaced.json()["code"]) == (409, "code_expired")
    assert (await sandbox.operator(f"/contact-changes/{second['change_id']}/expire")).is_success
    expired = await _confirm(
        sandbox, customer, second["change_id"], await _code_sent(sandbox, second["change_id"])
    )
    assert (expired.status_code, expired.json()["code"]) == (409, "code_expired")

    for kind, value in (
        ("email", "not an address"),
        ("email", "a@b"),
        ("phone", "89161234567"),
        ("phone", "+7916123456"),
    ):
        bad = await _start(sandbox, customer, kind, value)
        assert (bad.status_code, bad.json()["code"]) == (422, "validation_failed"), value
        assert [e["pointer"] for e in bad.json()["errors"]] == ["/value"]
    unknown = await _confirm(sandbox, customer, "chg_unknown", "123456")
    assert (unknown.status_code, unknown.json()["code"]) == (404, "contact_change_not_found")
    other = await sandbox.resolve("contacts-other")
    theirs = await _confirm(sandbox, other, second["change_id"], "123456")
    assert theirs.status_code == 404  # another customer's change does not exist for them


# ----------------------------------------------------------------------------- switches


async def test_switches_break_the_api_on_purpose(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("switches")
    path = f"/customers/{customer}/certificate-orders"

    async def switch(**values: Any) -> httpx.Response:
        return await sandbox.http.put("/operator/switches", json=values)

    assert (await switch(down=True)).status_code == 200
    down = await sandbox.call("GET", path, "listCertificateOrders")
    assert down.status_code == 503
    assert down.headers["retry-after"] == "5"
    assert down.json()["code"] == "unavailable"
    await switch(down=False, fail_next=2)
    statuses = [
        (await sandbox.call("GET", path, "listCertificateOrders")).status_code for _ in range(3)
    ]
    assert statuses == [503, 503, 200]

    await switch(lose_next=1)
    body = {"type": "no_claims", "purpose": "Для банка"}
    key = str(uuid.uuid4())
    lost = await sandbox.keyed(path, "createCertificateOrder", key, json=body)
    assert lost.status_code == 502
    retried = await sandbox.keyed(path, "createCertificateOrder", key, json=body)
    assert retried.status_code == 201
    assert retried.headers["idempotency-replayed"] == "true"
    assert (await sandbox.call("GET", path)).json()["total"] == 3  # exactly one order made

    await switch(error_rate=1)
    assert (await sandbox.call("GET", "/certificate-types")).status_code in (500, 502, 503)
    await switch(error_rate=0)
    assert (await sandbox.http.get("/operator/switches")).json() == {
        "latency_ms": 0,
        "error_rate": 0.0,
        "down": False,
        "fail_next": 0,
        "lose_next": 0,
        "refuse_next": 0,
    }
    for bad in (
        {"error_rate": 2},
        {"down": "yes"},
        {"fail_next": -1},
        {"speed": 1},
        {"latency_ms": True},
    ):
        response = await switch(**bad)
        assert response.status_code == 422, bad

    before = (await sandbox.http.get("/operator/stats")).json()["requests"]
    await sandbox.http.get("/v1/certificate-types")  # no token: still a request
    assert (await sandbox.http.get("/operator/stats")).json()["requests"] == before + 1


# ----------------------------------------------------------------------------- the console


async def test_the_operator_page_lists_customers_and_its_forms_work(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("console")
    claim = await _claim_in(sandbox, customer, "in_review")
    await sandbox.keyed(
        f"/customers/{customer}/claims/{claim['id']}/messages",
        "createClaimMessage",
        json={"text": "<script>alert(1)</script>"},
    )
    page = await sandbox.http.get("/operator")
    assert page.status_code == 200
    assert customer in page.text
    assert claim["number"] in page.text
    assert "<script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert page.headers["content-security-policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    )
    assert page.headers["x-content-type-options"] == "nosniff"
    action = f"{MOUNT}/operator/claims/{claim['id']}/advance"
    assert f"action='{action}'" in page.text

    posted = await sandbox.http.post(
        f"/operator/claims/{claim['id']}/advance", data={"status": "", "documents": "Чек; Выписка"}
    )
    assert posted.status_code == 303
    assert posted.headers["location"] == f"{MOUNT}/operator"
    detail = (await sandbox.call("GET", f"/customers/{customer}/claims/{claim['id']}")).json()
    assert detail["requested_documents"] == ["Чек", "Выписка"]
    switched = await sandbox.http.post(
        "/operator/switches", data={"latency_ms": "0", "fail_next": "1"}
    )
    assert switched.status_code == 303
    assert (await sandbox.http.get("/operator/switches")).json()["fail_next"] == 1
    refused = await sandbox.http.post(
        f"/operator/claims/{claim['id']}/advance", data={"status": "closed"}
    )
    assert refused.status_code == 409
    assert "text/html" in refused.headers["content-type"]


async def test_it_also_runs_alone_at_the_root(start_sandbox: SandboxFactory) -> None:
    sandbox = await start_sandbox(mount="")
    customer = await sandbox.resolve("alone")
    policy = await _policy(sandbox, customer, "osago")
    base = f"/customers/{customer}/policies/{policy['id']}"
    quote = (
        await sandbox.keyed(f"{base}/renewal-quotes", "createRenewalQuote", json={"term_months": 6})
    ).json()
    order = (
        await sandbox.keyed(
            f"{base}/renewal-quotes/{quote['quote_id']}/accept", "acceptRenewalQuote"
        )
    ).json()
    page = await sandbox.http.get(order["payment_url"])
    assert f"action='/pay/{order['order_id']}'" in page.text
    paid = await sandbox.http.post(order["payment_url"])
    assert paid.status_code == 303
    assert paid.headers["location"] == f"/pay/{order['order_id']}"
    assert (await sandbox.http.get("/pay/ord_unknown")).status_code == 404


async def test_another_site_cannot_submit_the_operator_forms(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("csrf")
    claims = (await sandbox.call("GET", f"/customers/{customer}/claims")).json()["items"]
    action = f"/operator/claims/{claims[0]['id']}/advance"
    forged = await sandbox.http.post(action, headers={"Sec-Fetch-Site": "cross-site"})
    assert forged.status_code == 403
    before = (await sandbox.call("GET", f"/customers/{customer}/claims/{claims[0]['id']}")).json()
    assert before["status"] == claims[0]["status"]
    same = await sandbox.http.post(action, headers={"Sec-Fetch-Site": "same-origin"}, json={})
    assert same.status_code == 200


# ----------------------------------------------------------------------------- claim filing

JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 64


def _file(name: str, data: bytes, kind: str) -> dict[str, Any]:
    return {"files": {"file": (name, data, kind)}}


async def _draft(sandbox: Sandbox, customer: str, product: str, kind: str) -> dict[str, Any]:
    policy = await _policy(sandbox, customer, product)
    created = await sandbox.keyed(
        f"/customers/{customer}/claim-drafts",
        "createClaimDraft",
        json={"policy_id": policy["id"], "claim_type": kind},
    )
    assert created.status_code == 201, created.text
    draft: dict[str, Any] = created.json()
    return draft


async def test_each_policy_says_what_it_can_claim(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("claim-types")
    policies = (await sandbox.call("GET", f"/customers/{customer}/policies")).json()["items"]
    assert all(p["claimable"] for p in policies if p["status"] in ("active", "expiring"))
    titles = {}
    for policy in policies:
        listed = await sandbox.call(
            "GET", f"/customers/{customer}/policies/{policy['id']}/claim-types", "listClaimTypes"
        )
        assert listed.status_code == 200
        titles[policy["product"]] = [kind["title"] for kind in listed.json()["items"]]
    assert titles["osago"] == ["ДТП"]
    assert titles["kasko"] == ["ДТП", "Ущерб от третьих лиц", "Угон", "Стихийное бедствие"]
    assert titles["dms"] == ["Амбулаторное лечение", "Стационар"]

    dms = await _policy(sandbox, customer, "dms")
    english = await sandbox.call(
        "GET", f"/customers/{customer}/policies/{dms['id']}/claim-types", "listClaimTypes"
    )
    outpatient = english.json()["items"][0]
    kinds = {f["id"]: f["kind"] for f in outpatient["fields"]}
    assert kinds == {"event_date": "date", "clinic": "text", "paid_amount": "amount"}
    assert [d["id"] for d in outpatient["documents"]] == ["receipt", "medical_record"]

    other = await sandbox.resolve("someone-else")
    theirs = await _policy(sandbox, other, "osago")
    refused = await sandbox.call(
        "GET", f"/customers/{customer}/policies/{theirs['id']}/claim-types", "listClaimTypes"
    )
    assert refused.status_code == 404


async def test_a_draft_is_filled_checked_and_read_back(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("draft")
    draft = await _draft(sandbox, customer, "osago", "road_accident")
    path = f"/customers/{customer}/claim-drafts/{draft['draft_id']}"
    pointers = {item["pointer"]: item["blocking"] for item in draft["missing"]}
    assert pointers == {
        "/fields/event_date": True,
        "/fields/place": True,
        "/fields/recorded_by": True,
        "/fields/injured": True,
        "/circumstances": True,
        "/documents/accident_notice": True,
        "/documents/damage_photos": False,  # may come after submitting
    }

    # The cabinet judges "the future" by the date in UTC+12: two days ahead is always future.
    tomorrow = (today() + dt.timedelta(days=2)).isoformat()
    wrong = await sandbox.call(
        "PATCH",
        path,
        "updateClaimDraft",
        json={
            "fields": {
                "event_date": tomorrow,
                "recorded_by": "aliens",
                "injured": "no",
                "damage_estimate": "12,5",
                "colour": "red",
            }
        },
    )
    assert wrong.status_code == 422
    assert wrong.json()["code"] == "validation_failed"
    assert {e["pointer"] for e in wrong.json()["errors"]} == {
        "/fields/event_date",
        "/fields/recorded_by",
        "/fields/injured",
        "/fields/damage_estimate",
        "/fields/colour",
    }
    unchanged = (await sandbox.call("GET", path, "getClaimDraft")).json()
    assert unchanged["fields"] == {}  # all or nothing

    filled = await sandbox.call(
        "PATCH",
        path,
        "updateClaimDraft",
        json={
            "fields": {
                "event_date": today().isoformat(),
                "place": "  Москва, ул. Ленина, 1 ",
                "recorded_by": "europrotocol",
                "injured": False,
                "damage_estimate": "45000",
            },
            "circumstances": "Въехали сзади на светофоре.",
        },
    )
    assert filled.status_code == 200, filled.text
    assert filled.json()["fields"]["place"] == "Москва, ул. Ленина, 1"
    assert filled.json()["fields"]["damage_estimate"] == "45000.00"
    removed = await sandbox.call(
        "PATCH", path, "updateClaimDraft", json={"fields": {"damage_estimate": None}}
    )
    assert "damage_estimate" not in removed.json()["fields"]

    documents = f"{path}/documents"
    notice = await sandbox.keyed(
        f"{documents}?requirement=accident_notice",
        "uploadClaimDraftDocument",
        **_file("Извещение.pdf", PDF, "application/pdf"),
    )
    assert notice.status_code == 201, notice.text
    assert notice.json()["requirement"] == "accident_notice"
    pdf_as_photo = await sandbox.keyed(
        f"{documents}?requirement=damage_photos",
        "uploadClaimDraftDocument",
        **_file("scan.pdf", PDF, "application/pdf"),
    )
    assert pdf_as_photo.status_code == 415
    unknown = await sandbox.keyed(
        f"{documents}?requirement=passport",
        "uploadClaimDraftDocument",
        **_file("p.png", PNG, "image/png"),
    )
    assert unknown.status_code == 422
    second = await sandbox.keyed(
        f"{documents}?requirement=accident_notice",
        "uploadClaimDraftDocument",
        **_file("page2.png", PNG, "image/png"),
    )
    assert second.status_code == 201
    third = await sandbox.keyed(
        f"{documents}?requirement=accident_notice",
        "uploadClaimDraftDocument",
        **_file("page3.png", PNG, "image/png"),
    )
    assert third.status_code == 409
    assert third.json()["code"] == "too_many_files"
    gone = await sandbox.call(
        "DELETE", f"{documents}/{second.json()['document_id']}", "deleteClaimDraftDocument"
    )
    assert gone.status_code == 204

    read = (await sandbox.call("GET", path, "getClaimDraft")).json()
    assert [d["name"] for d in read["documents"]] == ["Извещение.pdf"]
    assert read["missing"] == [{"pointer": "/documents/damage_photos", "blocking": False}]
    listed = await sandbox.call("GET", f"/customers/{customer}/claim-drafts", "listClaimDrafts")
    assert [d["draft_id"] for d in listed.json()["items"]] == [draft["draft_id"]]

    deleted = await sandbox.call("DELETE", path, "deleteClaimDraft")
    assert deleted.status_code == 204
    assert (await sandbox.call("GET", path, "getClaimDraft")).status_code == 404
    assert (await sandbox.call("DELETE", path, "deleteClaimDraft")).status_code == 404


async def test_refused_drafts(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("refusals")
    osago = await _policy(sandbox, customer, "osago")
    drafts = f"/customers/{customer}/claim-drafts"
    wrong_type = await sandbox.keyed(
        drafts, "createClaimDraft", json={"policy_id": osago["id"], "claim_type": "theft"}
    )
    assert wrong_type.status_code == 422
    assert wrong_type.json()["code"] == "claim_type_not_available"
    other = await _policy(sandbox, await sandbox.resolve("other"), "osago")
    theirs = await sandbox.keyed(
        drafts, "createClaimDraft", json={"policy_id": other["id"], "claim_type": "road_accident"}
    )
    assert theirs.status_code == 404
    mine = await _draft(sandbox, customer, "osago", "road_accident")
    stranger = await sandbox.resolve("stranger")
    peek = await sandbox.call(
        "GET", f"/customers/{stranger}/claim-drafts/{mine['draft_id']}", "getClaimDraft"
    )
    assert peek.status_code == 404


async def test_submit_registers_the_claim_once(wired: tuple[Sandbox, Receiver]) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("submit")
    draft = await _draft(sandbox, customer, "osago", "road_accident")
    path = f"/customers/{customer}/claim-drafts/{draft['draft_id']}"

    early = await sandbox.keyed(f"{path}/submit", "submitClaimDraft")
    assert early.status_code == 422
    assert early.json()["code"] == "claim_incomplete"
    assert {e["pointer"] for e in early.json()["errors"]} == {
        "/fields/event_date",
        "/fields/place",
        "/fields/recorded_by",
        "/fields/injured",
        "/circumstances",
        "/documents/accident_notice",
    }

    await sandbox.call(
        "PATCH",
        path,
        "updateClaimDraft",
        json={
            "fields": {
                "event_date": today().isoformat(),
                "place": "Тверская, 5",
                "recorded_by": "traffic_police",
                "injured": False,
                "damage_estimate": "86400.00",
            },
            "circumstances": "Столкновение на перекрёстке.",
        },
    )
    await sandbox.keyed(
        f"{path}/documents?requirement=accident_notice",
        "uploadClaimDraftDocument",
        **_file("notice.jpg", JPEG, "image/jpeg"),
    )
    key = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b"
    submitted = await sandbox.keyed(f"{path}/submit", "submitClaimDraft", key=key)
    assert submitted.status_code == 201, submitted.text
    again = await sandbox.keyed(f"{path}/submit", "submitClaimDraft", key=key)
    assert again.json() == submitted.json()
    assert again.headers["Idempotency-Replayed"] == "true"
    registration = submitted.json()
    assert registration["missing_documents"] == [
        {
            "id": "damage_photos",
            "title": "Фотографии повреждений",
            "title_en": "Photos of the damage",
        }
    ]
    assert registration["decision_working_days"] == 15
    assert dt.date.fromisoformat(registration["decision_due_on"]) > today()

    claims = (await sandbox.call("GET", f"/customers/{customer}/claims")).json()["items"]
    filed = [c for c in claims if c["id"] == registration["claim_id"]]
    assert len(filed) == 1
    assert filed[0]["status"] == "registered"
    assert filed[0]["number"] == registration["number"]
    assert filed[0]["amount_claimed"]["amount"] == "86400.00"
    detail = await sandbox.call(
        "GET", f"/customers/{customer}/claims/{registration['claim_id']}", "getClaim"
    )
    assert [d["name"] for d in detail.json()["documents"]] == ["notice.jpg"]
    assert (await sandbox.call("GET", path, "getClaimDraft")).status_code == 404

    await receiver.wait_for(1)
    registered = receiver.of_type("claim.registered")
    assert len(registered) == 1
    validator("#/components/schemas/Event").validate(registered[0])
    assert registered[0]["data"] == {
        "claim_id": registration["claim_id"],
        "claim_number": registration["number"],
        "decision_due_on": registration["decision_due_on"],
    }


async def test_the_conversation_with_the_handler(wired: tuple[Sandbox, Receiver]) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("thread")
    claim = await _claim_in(sandbox, customer, "in_review")
    path = f"/customers/{customer}/claims/{claim['id']}"

    asked = await sandbox.operator(
        f"/claims/{claim['id']}/messages", {"text": "Уточните, где стоял автомобиль?"}
    )
    assert asked.status_code == 200, asked.text
    await receiver.wait_for(1)
    event = receiver.of_type("claim.message_received")[0]
    validator("#/components/schemas/Event").validate(event)
    assert event["data"]["text"] == "Уточните, где стоял автомобиль?"
    assert event["data"]["handler_name"].endswith(".")
    waiting = (await sandbox.call("GET", path, "getClaim")).json()
    assert waiting["waiting_for"] == "customer"
    assert "answer_due_on" not in waiting

    await sandbox.keyed(f"{path}/messages", "createClaimMessage", json={"text": "У подъезда."})
    detail = (await sandbox.call("GET", path, "getClaim")).json()
    assert [(m["author"], m["text"]) for m in detail["messages"]] == [
        ("handler", "Уточните, где стоял автомобиль?"),
        ("customer", "У подъезда."),
    ]
    assert detail["messages"][0]["handler_name"] == event["data"]["handler_name"]
    assert detail["waiting_for"] == "handler"
    assert dt.date.fromisoformat(detail["answer_due_on"]) > today()

    closed = await _claim_in(sandbox, customer, "closed")
    refused = await sandbox.operator(f"/claims/{closed['id']}/messages", {"text": "Ещё?"})
    assert refused.status_code == 409
    assert (await sandbox.operator(f"/claims/{claim['id']}/messages", {})).status_code == 422


async def test_a_rejected_certificate_and_a_failed_payout_are_announced(
    wired: tuple[Sandbox, Receiver],
) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("failures")
    orders = (await sandbox.call("GET", f"/customers/{customer}/certificate-orders")).json()
    preparing = next(o for o in orders["items"] if o["status"] == "preparing")
    rejected = await sandbox.operator(
        f"/certificate-orders/{preparing['order_id']}/advance",
        {"status": "rejected", "reason": "Нет договоров за период."},
    )
    assert rejected.status_code == 200
    payouts = (await sandbox.call("GET", f"/customers/{customer}/payouts")).json()["items"]
    sent = next(p for p in payouts if p["status"] == "sent")
    failed = await sandbox.operator(
        f"/payouts/{sent['id']}/fail", {"status": "returned", "reason": "Счёт закрыт."}
    )
    assert failed.status_code == 200, failed.text
    again = await sandbox.operator(f"/payouts/{sent['id']}/fail", {"status": "failed"})
    assert again.status_code == 409
    assert (
        await sandbox.operator("/payouts/pay_nobody/fail", {"status": "failed"})
    ).status_code == 404
    await receiver.wait_for(2)
    for event in receiver.received:
        validator("#/components/schemas/Event").validate(event)
    assert (
        receiver.of_type("certificate.rejected")[0]["data"]["reason"] == "Нет договоров за период."
    )
    returned = receiver.of_type("payout.failed")[0]["data"]
    assert (returned["payout_id"], returned["status"]) == (sent["id"], "returned")
    listed = (await sandbox.call("GET", f"/customers/{customer}/payouts", "listPayouts")).json()
    assert next(p for p in listed["items"] if p["id"] == sent["id"])["status"] == "returned"
    detail = await sandbox.call("GET", f"/customers/{customer}/payouts/{sent['id']}", "getPayout")
    assert detail.json()["failure_reason"] == "Счёт закрыт."


async def test_premium_refunded_under_a_policy_is_a_payout_without_a_claim(
    wired: tuple[Sandbox, Receiver],
) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("refund")
    dms = await _policy(sandbox, customer, "dms")
    path = f"/customers/{customer}/payouts"
    assert (await sandbox.call("GET", path, params={"type": "premium_refund"})).json()["total"] == 0
    made = await sandbox.operator(
        f"/policies/{dms['id']}/refund", {"amount": "1250,5", "reason": "исключён водитель"}
    )
    assert made.status_code == 422, "the JSON API takes a decimal point only"
    made = await sandbox.operator(
        f"/policies/{dms['id']}/refund", {"amount": "1250.5", "reason": "исключён водитель"}
    )
    assert made.status_code == 200, made.text
    (event,) = await receiver.wait_for(1)
    validator("#/components/schemas/Event").validate(event)
    assert event["type"] == "payout.sent"
    data = event["data"]
    assert data["type"] == "premium_refund"
    assert (data["policy_id"], data["policy_number"]) == (dms["id"], dms["number"])
    assert data["amount"] == {"amount": "1250.50", "currency": "RUB"}
    assert "claim_id" not in data

    listed = await sandbox.call("GET", path, "listPayouts", params={"type": "premium_refund"})
    (refund,) = listed.json()["items"]
    assert refund["id"] == data["payout_id"]
    assert (refund["policy_id"], refund["policy_number"]) == (dms["id"], dms["number"])
    assert "claim_id" not in refund
    assert refund["paid_on"] == today().isoformat()
    detail = await sandbox.call("GET", f"{path}/{refund['id']}", "getPayout")
    assert detail.json()["purpose"] == (
        f"Возврат части страховой премии по полису {dms['number']}: исключён водитель. "
        "НДС не облагается."
    )
    assert detail.json()["documents"] == []
    english = await sandbox.call(
        "GET", f"{path}/{refund['id']}", "getPayout", headers={"Accept-Language": "en"}
    )
    assert english.json()["purpose"].startswith(
        f"Refund of insurance premium under policy {dms['number']}"
    )
    claims = await sandbox.call("GET", path, "listPayouts", params={"type": "indemnity"})
    assert all("claim_id" in p and "policy_id" not in p for p in claims.json()["items"])

    for amount in ("0", "99999999"):
        refused = await sandbox.operator(
            f"/policies/{dms['id']}/refund", {"amount": amount, "reason": "x"}
        )
        assert (refused.status_code, refused.json()["code"]) == (422, "validation_failed")
    unknown = await sandbox.operator("/policies/pol_nobody/refund", {"amount": "1", "reason": "x"})
    assert unknown.status_code == 404


async def test_the_example_customer_and_lee_have_a_refund_from_the_start(sandbox: Sandbox) -> None:
    for customer in ("cus_7f3a9c1e", await sandbox.resolve("1000322318", provider="sandbox")):
        path = f"/customers/{customer}/payouts"
        listed = await sandbox.call("GET", path, "listPayouts", params={"type": "premium_refund"})
        (refund,) = listed.json()["items"]
        dms = await _policy(sandbox, customer, "dms")
        assert refund["policy_id"] == dms["id"]
        assert refund["status"] == "sent"
        detail = await sandbox.call("GET", f"{path}/{refund['id']}", "getPayout")
        assert "исключена стоматология" in detail.json()["purpose"]
    assert (await sandbox.call("GET", "/customers/cus_7f3a9c1e/payouts/pay_3b90d2")).is_success
    others = await sandbox.call(
        "GET",
        f"/customers/{await sandbox.resolve('no-refund')}/payouts",
        params={"type": "premium_refund"},
    )
    assert others.json()["total"] == 0, "one demo customer, not everyone"


# ----------------------------------------------------------------------- personal data, offers


async def test_data_requests_get_a_number_and_a_deadline_of_10_working_days(
    sandbox: Sandbox,
) -> None:
    customer = await sandbox.resolve("data-requests")
    path = f"/customers/{customer}/data-requests"
    key = str(uuid.uuid4())
    copy = await sandbox.keyed(
        path, "createDataRequest", key, json={"kind": "copy", "channel": "telegram"}
    )
    assert copy.status_code == 201, copy.text
    assert re.fullmatch(r"ПД-\d{4}-\d{6}", copy.json()["number"])
    due = dt.date.fromisoformat(copy.json()["due_on"])
    assert (
        sum(
            (today() + dt.timedelta(days=n)).weekday() < 5
            for n in range(1, (due - today()).days + 1)
        )
        == 10
    )
    assert due.weekday() < 5
    again = await sandbox.keyed(
        path, "createDataRequest", key, json={"kind": "copy", "channel": "telegram"}
    )
    assert again.json() == copy.json()  # once per key

    wrong = "Старый номер квартиры в адресе."
    correction = await sandbox.keyed(
        path,
        "createDataRequest",
        json={"kind": "correction", "channel": "telegram", "description": wrong},
    )
    assert correction.status_code == 201
    assert correction.json()["number"] != copy.json()["number"]
    undescribed = await sandbox.keyed(
        path, "createDataRequest", json={"kind": "correction", "channel": "telegram"}
    )
    assert [e["pointer"] for e in undescribed.json()["errors"]] == ["/description"]
    described_copy = await sandbox.keyed(
        path, "createDataRequest", json={"kind": "copy", "channel": "telegram", "description": "x"}
    )
    assert described_copy.status_code == 422
    too_long = await sandbox.keyed(
        path,
        "createDataRequest",
        json={"kind": "correction", "channel": "telegram", "description": "я" * 1001},
    )
    assert too_long.status_code == 422
    staff = (await sandbox.http.get(f"/operator/customers/{customer}/personal-data")).json()
    assert [(r["kind"], r["description"]) for r in staff["data_requests"]] == [
        ("copy", None),
        ("correction", wrong),
    ]


async def test_a_channel_consent_withdrawal_is_recorded_once(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("withdrawal")
    path = f"/customers/{customer}/channel-consent-withdrawals"
    body = {"channel": "telegram", "withdrawn_at": "2026-12-04T09:15:00Z", "consent_version": "v1"}
    key = str(uuid.uuid4())
    first = await sandbox.keyed(path, "withdrawChannelConsent", key, json=body)
    assert first.status_code == 201, first.text
    assert first.json()["withdrawn_at"] == "2026-12-04T09:15:00Z"
    replayed = await sandbox.keyed(path, "withdrawChannelConsent", key, json=body)
    assert replayed.headers["idempotency-replayed"] == "true"
    staff = (await sandbox.http.get(f"/operator/customers/{customer}/personal-data")).json()
    assert [(w["channel"], w["consent_version"]) for w in staff["consent_withdrawals"]] == [
        ("telegram", "v1")
    ]
    unknown = await sandbox.keyed(path, "withdrawChannelConsent", json={**body, "channel": "sms"})
    assert unknown.status_code == 422


async def test_offers_in_the_customers_language(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("offers")
    ru = await sandbox.call("GET", f"/customers/{customer}/offers", "listOffers")
    en = await sandbox.call(
        "GET", f"/customers/{customer}/offers", "listOffers", headers={"Accept-Language": "en"}
    )
    assert ru.json()["items"][0]["title"] == "Страхование квартиры"
    assert ru.json()["items"][0]["price_from"] == {"amount": "1990.00", "currency": "RUB"}
    assert en.json()["items"][0]["title"] == "Home insurance"
    assert all(item["url"].startswith("https://") for item in en.json()["items"])


# ----------------------------------------------------------------------------- new policies


def moscow_today() -> dt.date:
    """The insurer's calendar day, which a new policy's dates are judged by."""
    return dt.datetime.now(ZoneInfo("Europe/Moscow")).date()


async def test_a_new_policy_from_quote_to_issue(wired: tuple[Sandbox, Receiver]) -> None:
    sandbox, receiver = wired
    customer = await sandbox.resolve("buyer")
    catalogue = (await sandbox.call("GET", "/products", "listProducts")).json()["items"]
    assert [p["id"] for p in catalogue] == ["apartment", "accident", "travel"]
    travel = catalogue[2]
    assert not any(q["personal"] for q in travel["questions"])
    assert any(q["personal"] for q in catalogue[0]["questions"])  # the address
    birth = catalogue[1]["questions"][0]
    assert (birth["kind"], birth["personal"]) == ("date", True)
    assert birth["min_date"] < birth["max_date"]
    before = {
        p["id"]
        for p in (await sandbox.call("GET", f"/customers/{customer}/policies")).json()["items"]
    }

    starts_on = moscow_today() + dt.timedelta(days=5)
    request = {
        "product_id": "travel",
        "starts_on": starts_on.isoformat(),
        "answers": {"region": "asia", "medical_sum": "3000000", "sport": True},
    }
    quote = (
        await sandbox.keyed(
            f"/customers/{customer}/policy-quotes", "createPolicyQuote", json=request
        )
    ).json()
    # 3 000 000 × 0.0012 × 1.3 (Asia) × 1.5 (sport)
    assert quote["premium"] == {"amount": "7020.00", "currency": "RUB"}
    assert quote["starts_on"] == starts_on.isoformat()
    assert quote["term_months"] == 12
    assert quote["coverages"][0]["sum_insured"]["amount"] == "3000000.00"

    accept = f"/customers/{customer}/policy-quotes/{quote['quote_id']}/accept"
    order = await sandbox.keyed(accept, "acceptPolicyQuote")
    assert order.status_code == 201
    twice = await sandbox.keyed(accept, "acceptPolicyQuote")
    assert twice.json()["code"] == "quote_already_accepted"
    payment_url = order.json()["payment_url"]
    async with httpx.AsyncClient() as browser:
        page = await browser.get(payment_url)
        assert "Оплата нового полиса" in page.text
        assert "7 020,00" in page.text.replace("\u00a0", " ")
        paid = await browser.post(payment_url, follow_redirects=True)
        assert "Оплачено — вернитесь в Telegram" in paid.text

    await receiver.wait_for(1)
    (issued,) = receiver.of_type("policy.issued")
    assert issued["data"]["product_id"] == "travel"
    assert issued["data"]["starts_on"] == starts_on.isoformat()
    policies = (await sandbox.call("GET", f"/customers/{customer}/policies")).json()["items"]
    (new,) = [p for p in policies if p["id"] not in before]
    assert (new["id"], new["number"], new["product"]) == (
        issued["data"]["policy_id"],
        issued["data"]["number"],
        "travel",
    )
    document = await sandbox.call("GET", f"/customers/{customer}/policies/{new['id']}/document")
    assert document.content.startswith(b"%PDF")
    assert (await sandbox.operator(f"/payments/{order.json()['order_id']}/pay")).status_code == 409


async def test_a_new_policys_quote_refuses_each_bad_answer(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("buyer")
    quotes = f"/customers/{customer}/policy-quotes"
    today = moscow_today()
    bad = await sandbox.keyed(
        quotes,
        "createPolicyQuote",
        json={
            "product_id": "accident",
            "starts_on": today.isoformat(),  # too early: from tomorrow
            "answers": {
                "birth_date": (today - dt.timedelta(days=400)).isoformat(),
                "occupation": "pilot",
            },
        },
    )
    assert bad.status_code == 422
    assert bad.json()["code"] == "validation_failed"
    pointers = sorted(e["pointer"] for e in bad.json()["errors"])
    assert pointers == [
        "/answers/birth_date",
        "/answers/occupation",
        "/answers/sum_insured",
        "/starts_on",
    ]
    unknown = await sandbox.keyed(
        quotes,
        "createPolicyQuote",
        json={"product_id": "yacht", "starts_on": today.isoformat(), "answers": {}},
    )
    assert unknown.json()["code"] == "product_not_found"

    good = {
        "product_id": "apartment",
        "starts_on": (today + dt.timedelta(days=1)).isoformat(),
        "answers": {"sum_insured": "1000000", "wooden": False, "address": "Москва, ул. Ленина, 1"},
    }
    quote = (await sandbox.keyed(quotes, "createPolicyQuote", json=good)).json()
    assert quote["premium"]["amount"] == "3000.00"
    await sandbox.operator(f"/policy-quotes/{quote['quote_id']}/expire")
    late = await sandbox.keyed(f"{quotes}/{quote['quote_id']}/accept", "acceptPolicyQuote")
    assert late.status_code == 409
    assert late.json()["code"] == "quote_expired"
    other = await sandbox.resolve("someone-else")
    foreign = await sandbox.keyed(
        f"/customers/{other}/policy-quotes/{quote['quote_id']}/accept", "acceptPolicyQuote"
    )
    assert foreign.status_code == 404


# ----------------------------------------------------------------------------- documents


async def test_the_documents_newest_first_by_kind_and_downloadable(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("documents")
    base = f"/customers/{customer}/documents"
    claim = await _claim_in(sandbox, customer, "awaiting_documents")
    uploaded = await sandbox.keyed(
        f"/customers/{customer}/claims/{claim['id']}/documents",
        "uploadClaimDocument",
        files={"file": ("Фото.png", PNG, "image/png")},
    )
    assert uploaded.status_code == 201
    listed = (await sandbox.call("GET", f"{base}?page_size=100", "listDocuments")).json()
    items = listed["items"]
    moments = [item["created_at"] for item in items]
    assert moments == sorted(moments, reverse=True), "newest first"
    assert items[0]["id"] == uploaded.json()["document_id"], "the file just uploaded is newest"
    expected = {
        "kind": "upload",
        "title": "Фото.png",
        "number": claim["number"],
        "content_type": "image/png",
        "emailable": False,
        "claim_id": claim["id"],
    }
    assert expected.items() <= items[0].items()
    kinds = {item["kind"] for item in items}
    assert kinds == {"policy", "certificate", "upload"}
    policies = (await sandbox.call("GET", f"{base}?kind=policy", "listDocuments")).json()
    assert {item["kind"] for item in policies["items"]} == {"policy"}
    assert policies["total"] == sum(item["kind"] == "policy" for item in items)
    english = await sandbox.call(
        "GET", f"{base}?kind=certificate", "listDocuments", headers={"Accept-Language": "en"}
    )
    assert english.json()["items"][0]["title"].startswith("No-claims certificate No. ")

    # The file as it was uploaded, under its own name; a policy as its PDF.
    path = items[0]["download_path"].removeprefix("/v1")
    content = await sandbox.call("GET", path)
    assert content.status_code == 200
    assert content.headers["content-type"] == "image/png"
    assert content.content == PNG
    assert "filename*=UTF-8''%D0%A4%D0%BE%D1%82%D0%BE.png" in content.headers["content-disposition"]
    policy = policies["items"][0]
    pdf = await sandbox.call(
        "GET", policy["download_path"].removeprefix("/v1"), "getDocumentContent"
    )
    assert "Полис" in pdf_text(pdf.content)
    one = await sandbox.call("GET", f"{base}/{policy['id']}", "getDocument")
    assert one.json() == policy


async def test_someone_elses_document_is_not_found(sandbox: Sandbox) -> None:
    mine, theirs = await sandbox.resolve("1"), await sandbox.resolve("2")
    their = (await sandbox.call("GET", f"/customers/{theirs}/documents")).json()["items"][0]
    for suffix, operation in (("", "getDocument"), ("/content", "getDocumentContent")):
        response = await sandbox.call(
            "GET", f"/customers/{mine}/documents/{their['id']}{suffix}", operation
        )
        assert response.status_code == 404
        assert response.json()["code"] == "document_not_found"
    emailed = await sandbox.keyed(
        f"/customers/{mine}/documents/{their['id']}/email", "sendDocumentByEmail"
    )
    assert emailed.status_code == 404


async def test_a_document_is_emailed_to_the_confirmed_address_only(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("email")
    base = f"/customers/{customer}/documents"
    certificate = (await sandbox.call("GET", f"{base}?kind=certificate")).json()["items"][0]
    key = str(uuid.uuid4())
    sent = await sandbox.keyed(f"{base}/{certificate['id']}/email", "sendDocumentByEmail", key)
    assert sent.status_code == 201
    assert re.fullmatch(r"[a-z]•••@example\.ru", sent.json()["sent_to"])  # the contacts' e-mail
    replayed = await sandbox.keyed(f"{base}/{certificate['id']}/email", "sendDocumentByEmail", key)
    assert replayed.json() == sent.json()
    log = (await sandbox.http.get("/operator/emails")).json()
    assert [(e["customer_id"], e["document_id"]) for e in log] == [(customer, certificate["id"])]

    upload = (await sandbox.call("GET", f"{base}?kind=upload")).json()["items"][0]
    refused = await sandbox.keyed(f"{base}/{upload['id']}/email", "sendDocumentByEmail")
    assert refused.status_code == 409
    assert refused.json()["code"] == "document_not_emailable"

    unconfirmed = await sandbox.operator(f"/customers/{customer}/email", {"confirmed": False})
    assert unconfirmed.json() == {"customer_id": customer, "email_confirmed": False}
    refused = await sandbox.keyed(f"{base}/{certificate['id']}/email", "sendDocumentByEmail")
    assert refused.status_code == 409
    assert refused.json()["code"] == "email_not_confirmed"
    assert len((await sandbox.http.get("/operator/emails")).json()) == 1


async def test_the_console_confirms_an_email_and_lists_what_was_sent(sandbox: Sandbox) -> None:
    customer = await sandbox.resolve("console-email")
    base = f"/customers/{customer}/documents"
    policy = (await sandbox.call("GET", f"{base}?kind=policy")).json()["items"][0]
    await sandbox.keyed(f"{base}/{policy['id']}/email", "sendDocumentByEmail")
    page = await sandbox.http.get("/operator")
    assert f"action='{MOUNT}/operator/customers/{customer}/email'" in page.text
    assert "Отправленные документы" in page.text
    assert policy["id"] in page.text
    unticked = await sandbox.http.post(  # an unticked box: a form with no fields at all
        f"/operator/customers/{customer}/email",
        content=b"",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert unticked.status_code == 303
    refused = await sandbox.keyed(f"{base}/{policy['id']}/email", "sendDocumentByEmail")
    assert refused.json()["code"] == "email_not_confirmed"
    ticked = await sandbox.http.post(
        f"/operator/customers/{customer}/email", data={"confirmed": "on"}
    )
    assert ticked.status_code == 303
    sent = await sandbox.keyed(f"{base}/{policy['id']}/email", "sendDocumentByEmail")
    assert sent.status_code == 201
