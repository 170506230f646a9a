"""Web hardening shared by every page and endpoint of the process's web server.

* Security headers on every response, errors included: a page that sets its own policy (the
  linking pages allow their inline style) keeps it; everything else gets a policy that allows
  nothing. HSTS when the public address is https.
* Per-IP rate limits, counted in Redis so that every replica shares one count: a fixed
  one-minute window per (route group, client IP). The client IP is the peer's address, or the
  last address a proxy in `TRUSTED_PROXIES` appended to `X-Forwarded-For` (so a client cannot
  pick its own by sending the header).
"""

from __future__ import annotations

import math
import time
from collections.abc import Awaitable, Callable, Sequence
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
)

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler, Middleware
from prometheus_client import Counter
from redis.asyncio import Redis

log = structlog.get_logger(__name__)

RATE_LIMITED = Counter(
    "cabinet_web_rate_limited_total", "Requests refused by the per-IP rate limits", ["group"]
)

BASELINE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "Cache-Control": "no-store",
}
HSTS = "max-age=31536000; includeSubDomains"

Network = IPv4Network | IPv6Network
Refusal = Callable[[web.Request, int], Awaitable[web.StreamResponse] | web.StreamResponse]


def add_security_headers(app: web.Application, *, https: bool) -> None:
    """Every response of `app` and of its sub-apps gets the headers it did not set itself."""
    headers = {**BASELINE_HEADERS, **({"Strict-Transport-Security": HSTS} if https else {})}

    async def on_prepare(_: web.Request, response: web.StreamResponse) -> None:
        for name, value in headers.items():
            response.headers.setdefault(name, value)
        response.headers.popall("Server", None)

    app.on_response_prepare.append(on_prepare)


def client_ip(request: web.Request, trusted: Sequence[Network]) -> str:
    """The peer's address; behind a trusted proxy, the address it says it was talking to. An
    IPv6 client is its /64 (one subscriber's network), so rotating addresses gains nothing."""
    peer = _address(request.remote or "")
    if peer is None:
        return request.remote or ""
    if trusted and _within(peer, trusted):
        # Every header line (a proxy may add its own line rather than extend the client's);
        # walking back from our proxy, the first address that is not one of ours is the client.
        lines = request.headers.getall("X-Forwarded-For", ())
        hops = [h.strip() for line in lines for h in line.split(",") if h.strip()]
        for hop in reversed(hops):
            address = _address(hop)
            if address is None:
                break  # junk: believe nothing further back
            if not _within(address, trusted):
                peer = address
                break
    if isinstance(peer, IPv6Address):
        return str(IPv6Network((peer, 64), strict=False))
    return str(peer)


def _address(text: str) -> IPv4Address | IPv6Address | None:
    try:
        address = ip_address(text)
    except ValueError:
        return None
    mapped = address.ipv4_mapped if isinstance(address, IPv6Address) else None
    return mapped or address


def _within(address: IPv4Address | IPv6Address, networks: Sequence[Network]) -> bool:
    return any(address in network for network in networks)


class PerIpLimit:
    """At most `per_minute` requests per client IP and minute in one route group."""

    def __init__(
        self,
        redis: Redis,
        *,
        prefix: str,
        group: str,
        per_minute: int,
        trusted_proxies: Sequence[str] = (),
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.group = group
        self.per_minute = per_minute
        self.trusted = [ip_network(item, strict=False) for item in trusted_proxies]
        self._told: set[tuple[str, int]] = set()  # (ip, minute) already logged here

    async def retry_after(self, request: web.Request) -> int:
        """0 if the request may go on; otherwise the seconds until its IP may try again.

        A sliding-window estimate: this minute's count plus last minute's, weighted by how much
        of last minute is still inside the sliding 60 s (so a burst across the turn of a minute
        is still one burst)."""
        now = time.time()
        window, into = divmod(now, 60)
        ip = client_ip(request, self.trusted)
        key = f"{self.prefix}:web-limit:{self.group}:{ip}:"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(key + str(int(window)))
            pipe.expire(key + str(int(window)), 120)
            pipe.get(key + str(int(window) - 1))
            current, _, previous = await pipe.execute()
        estimate = int(previous or 0) * (1 - into / 60) + int(current)
        if estimate <= self.per_minute:
            return 0
        RATE_LIMITED.labels(self.group).inc()
        if (ip, int(window)) not in self._told:  # once per minute and IP, without the IP
            if len(self._told) > 10_000:
                self._told.clear()
            self._told.add((ip, int(window)))
            log.warning("web_rate_limited", group=self.group, per_minute=self.per_minute)
        return max(1, math.ceil(60 - into))

    def middleware(self, refuse: Refusal, *, paths: Sequence[str] = ("",)) -> Middleware:
        """A middleware that answers `refuse(request, retry_after)` (with a Retry-After header)
        to requests over the limit whose path starts with one of `paths`."""

        @web.middleware
        async def limit(request: web.Request, handler: Handler) -> web.StreamResponse:
            if not request.path.startswith(tuple(paths)):
                return await handler(request)
            wait = await self.retry_after(request)
            if not wait:
                return await handler(request)
            answer = refuse(request, wait)
            response = answer if isinstance(answer, web.StreamResponse) else await answer
            response.headers["Retry-After"] = str(wait)
            return response

        return limit
