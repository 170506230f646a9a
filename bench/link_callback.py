"""Server time of the sign-in callback: `state` check → token exchange → ID token
verification → customer resolution → bind code, minus the identity provider's own time.

The sandbox ESIA and the sandbox cabinet run on a real port in this process; each callback is
prepared (login code, authorization, the browser's login and consent) outside the timing.
Time spent waiting for the IdP (the token endpoint and `/rs/prns`, measured round trip at the
HTTP transport) is subtracted; the cabinet's `resolve` is reported apart and included.

    uv run python -m bench.link_callback                  # Redis db 14 on 127.0.0.1
    uv run python -m bench.link_callback --embedded       # fakeredis
    uv run python -m bench.link_callback --runs 500 --json

Target (issue #4): p99 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import time
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx
from aiohttp import web

from bot.identity import SANDBOX_CLIENT_ID, sandbox_esia_config
from bot.logging import configure_logging
from cabinet import CabinetClient, ReadCache
from linking.codes import CodeStore
from linking.esia.secret import DevSigner
from linking.flow import LinkFlow, Outcome
from linking.providers.esia import EsiaProvider
from sandbox.cabinet import SandboxConfig
from sandbox.cabinet import create_app as create_cabinet
from sandbox.esia import create_app as create_esia
from sandbox.esia import public_jwks
from storage.redis import create_redis
from tests.esia_browser import through_esia
from tests.sandbox_server import free_port

IVANOV = "1000299654"


class TimedTransport(httpx.AsyncBaseTransport):
    """Adds up the time requests spend waiting for the other side."""

    def __init__(self) -> None:
        self.inner = httpx.AsyncHTTPTransport()
        self.spent = 0.0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = time.perf_counter()
        response = await self.inner.handle_async_request(request)
        await response.aread()
        self.spent += time.perf_counter() - started
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def measure(runs: int, redis_url: str | None) -> dict[str, Any]:
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    esia_url, cabinet_url = f"{root}/sandbox/esia", f"{root}/sandbox/cabinet"
    esia_app = create_esia(sandbox_esia_config(esia_url))
    app = web.Application()
    app.add_subapp("/sandbox/esia", esia_app)
    app.add_subapp(
        "/sandbox/cabinet",
        create_cabinet(SandboxConfig("bench", cabinet_url, None, b"bench")),
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()

    redis = create_redis(redis_url)
    idp_wire, cabinet_wire = TimedTransport(), TimedTransport()
    idp_http = httpx.AsyncClient(transport=idp_wire, timeout=10)
    provider = EsiaProvider(
        esia_url=esia_url,
        client_id=SANDBOX_CLIENT_ID,
        signer=DevSigner(),
        cert_hash="bench",
        token_key=json.dumps(public_jwks(esia_app)),
        name="sandbox",
        http=idp_http,
    )
    cabinet = CabinetClient(
        cabinet_url, "bench", cache=ReadCache(redis, prefix="bench"), transport=cabinet_wire
    )
    flow = LinkFlow(
        codes=CodeStore(redis, prefix="bench"), provider=provider, cabinet=cabinet, public_url=root
    )
    totals: list[float] = []
    servers: list[float] = []
    cabinets: list[float] = []
    try:
        async with httpx.AsyncClient(timeout=10) as browser:
            for number in range(runs + 10):  # the first ten warm up
                login = await flow.login_url(user_id=1, chat_id=1, locale="ru")
                target = await flow.authorize(login.rsplit("/", 1)[1], fallback_locale="ru")
                assert isinstance(target, str)
                back = await through_esia(browser, target, oid=IVANOV)
                params = dict(parse_qsl(urlsplit(back).query))
                idp_wire.spent = cabinet_wire.spent = 0.0
                started = time.perf_counter()
                result = await flow.callback(params, fallback_locale="ru")
                total = time.perf_counter() - started
                assert result.outcome is Outcome.LINKED, result
                if number >= 10:
                    totals.append(total * 1000)
                    servers.append((total - idp_wire.spent) * 1000)
                    cabinets.append(cabinet_wire.spent * 1000)
    finally:
        await provider.aclose()
        await idp_http.aclose()
        await cabinet.aclose()
        await redis.aclose()
        await runner.cleanup()

    def summary(values: list[float]) -> dict[str, float]:
        return {
            "p50_ms": round(statistics.median(values), 2),
            "p99_ms": round(percentile(values, 0.99), 2),
            "max_ms": round(max(values), 2),
        }

    return {
        "runs": runs,
        "redis": "server" if redis_url else "fakeredis",
        "callback_total": summary(totals),
        "callback_server_excluding_idp": summary(servers),
        "of_which_cabinet_resolve": summary(cabinets),
        "target_p99_ms": 50,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--embedded", action="store_true", help="fakeredis instead of Redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/14")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    configure_logging(json=False, level="WARNING")
    report = asyncio.run(measure(args.runs, None if args.embedded else args.redis_url))
    if args.json:
        print(json.dumps(report))
        return
    for name, value in report.items():
        print(f"{name:32} {value}")


if __name__ == "__main__":
    main()
