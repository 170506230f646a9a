"""Web hardening as a browser, a load balancer or an attacker meets it, over real HTTP: security
headers on every response, per-IP rate limits on the linking pages and `/events` shared through
Redis, request size limits."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import Backend
from tests.harness import RunningBot, running_bot
from tests.test_events import event_body, post

PROXY = "127.0.0.1"  # the test client is the "load balancer" in front of the app


@pytest.fixture
async def app(migrated: Backend) -> AsyncIterator[RunningBot]:
    async with running_bot(
        migrated,
        web_server=True,
        rate_limit_link=3,
        rate_limit_events=3,
        rate_limit_events_refused=2,
    ) as running:
        yield running


@pytest.fixture
async def http(app: RunningBot) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=app.settings.web.public_url, timeout=10) as client:
        yield client


async def test_every_response_carries_the_security_headers(http: httpx.AsyncClient) -> None:
    for path in ("/healthz", "/metrics", "/no-such-page", "/d/unknown-token", "/link/callback"):
        response = await http.get(path)
        assert response.headers["X-Content-Type-Options"] == "nosniff", path
        assert response.headers["X-Frame-Options"] == "DENY", path
        assert response.headers["Referrer-Policy"] == "no-referrer", path
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"], path
        assert "Server" not in response.headers, path
        assert "Strict-Transport-Security" not in response.headers, "http: no HSTS"
    page = await http.get("/link/callback")
    assert "style-src 'unsafe-inline'" in page.headers["Content-Security-Policy"], (
        "a page with its own policy keeps it"
    )


@pytest.mark.backends("embedded")
async def test_https_deployments_get_hsts(migrated: Backend) -> None:
    # PUBLIC_URL is what browsers use; the app listens on plain HTTP behind the TLS proxy.
    async with (
        running_bot(migrated, web_server=True, public_url="https://bot.example.com") as app,
        httpx.AsyncClient(timeout=10) as http,
    ):
        response = await http.get(f"http://127.0.0.1:{app.settings.web.web_port}/healthz")
        assert response.headers["Strict-Transport-Security"].startswith("max-age=")


async def test_the_linking_pages_are_limited_per_ip_with_a_translated_page(
    http: httpx.AsyncClient,
) -> None:
    for _ in range(3):
        assert (await http.get("/link/" + "A" * 43)).status_code == 410  # expired: counted
    refused = await http.get("/link/" + "A" * 43, headers={"Accept-Language": "en-US"})
    assert refused.status_code == 429
    assert "Too many attempts" in refused.text
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    russian = await http.get("/link/callback")
    assert russian.status_code == 429
    assert "Слишком много попыток" in russian.text
    assert russian.headers["Content-Security-Policy"] == (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ), "the linking page's own policy"
    assert (await http.get("/healthz")).status_code == 200, "health is never limited"


async def test_a_refusal_is_logged_once_a_minute_whatever_the_count(
    http: httpx.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    """The first refusal of an address in a minute is logged (without the address), however
    the sliding window got there; the rest only count."""
    for _ in range(10):
        await http.get("/link/callback")
    logged = [r for r in caplog.records if "web_rate_limited" in str(r.msg)]
    assert len(logged) == 1
    assert "127.0.0.1" not in str(logged[0].msg)


async def test_a_client_cannot_dodge_the_limit_with_a_forged_forwarded_header(
    http: httpx.AsyncClient,
) -> None:
    for n in range(5):
        response = await http.get("/link/callback", headers={"X-Forwarded-For": f"10.0.0.{n}"})
    assert response.status_code == 429, "no trusted proxy: the header is not believed"


@pytest.mark.backends("embedded")
async def test_behind_a_trusted_proxy_each_client_has_its_own_limit(migrated: Backend) -> None:
    async with (
        running_bot(migrated, web_server=True, rate_limit_link=2, trusted_proxies=[PROXY]) as app,
        httpx.AsyncClient(base_url=app.settings.web.public_url, timeout=10) as http,
    ):

        async def get(client: str) -> int:
            headers = {"X-Forwarded-For": f"198.51.100.7, {client}"}
            return (await http.get("/link/callback", headers=headers)).status_code

        assert [await get("203.0.113.1") for _ in range(3)] == [410, 410, 429]
        assert await get("203.0.113.2") == 410, "another client behind the same proxy"

        # A proxy that adds a header line of its own instead of extending the client's.
        forged = [("X-Forwarded-For", "192.0.2.99"), ("X-Forwarded-For", "203.0.113.1")]
        response = await http.get("/link/callback", headers=forged)
        assert response.status_code == 429, "the client's own line names no one"

        # IPv6: one subscriber's /64 is one client, however many addresses it rotates through.
        assert [await get(f"2001:db8:5:7::{n}") for n in range(1, 4)] == [410, 410, 429]
        assert await get("2001:db8:5:8::1") == 410, "another /64"


async def test_events_are_limited_per_ip_with_a_problem_answer(http: httpx.AsyncClient) -> None:
    for _ in range(2):
        assert (await http.post("/events", content=b"{}")).status_code == 401  # unsigned
    refused = await http.post("/events", content=b"{}")
    assert refused.status_code == 429
    assert refused.headers["Content-Type"].startswith("application/problem+json")
    assert refused.json()["code"] == "too_many_requests"
    assert int(refused.headers["Retry-After"]) >= 1


async def test_junk_from_the_cabinet_s_address_does_not_use_up_its_budget(
    app: RunningBot, http: httpx.AsyncClient
) -> None:
    """Refused requests have a budget of their own: unsigned junk sent from the cabinet's
    address (or a shared NAT) is refused, while the cabinet's signed events go through, on a
    budget of their own."""
    for _ in range(5):
        await http.post("/events", content=b"{}")
    assert (await http.post("/events", content=b"{}")).status_code == 429
    signed = [(await post(app, event_body("cus_nobody"))).status_code for _ in range(4)]
    assert signed == [204, 204, 204, 429], "three signed events a minute, here"


async def test_an_oversized_event_is_refused_before_it_is_read(http: httpx.AsyncClient) -> None:
    events = await http.post("/events", content=b"x" * (64 * 1024 + 1))
    assert events.status_code == 413
