"""A tiny round-robin HTTP load balancer in front of several replicas, for tests::

    async with Balancer([replica_a.base_url, replica_b.base_url]) as lb:
        await http.get(lb.base_url + "/health")
        assert lb.hits_on("/health") == {replica_a.base_url: 1}

Every request (method, path, query, headers, body) goes to the next upstream in turn; the
answer (status, headers, body) comes back unchanged, redirects included. An upstream that
refuses the connection is skipped (as if a health check had noticed it); when all refuse, 502.
``X-Forwarded-For`` gets the client address. ``lb.upstreams`` may be replaced at any time.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from types import TracebackType
from typing import Self

import aiohttp
from aiohttp import web
from multidict import CIMultiDict, MultiMapping

__all__ = ["Balancer"]

# Hop-by-hop headers (RFC 9110 7.6.1) and the ones the proxy recomputes itself.
_SKIP_HEADERS = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "content-encoding",
    }
)


def _forwardable(headers: MultiMapping[str]) -> CIMultiDict[str]:
    return CIMultiDict((k, v) for k, v in headers.items() if k.lower() not in _SKIP_HEADERS)


class Balancer:
    """Round-robin reverse proxy on 127.0.0.1 (a free port unless ``port`` is given)."""

    def __init__(self, upstreams: Sequence[str], *, port: int = 0, timeout: float = 60.0) -> None:
        self.upstreams = [u.rstrip("/") for u in upstreams]
        self.hits: list[tuple[str, str, str]] = []
        """(upstream, method, path) of every request an upstream answered."""
        self.base_url = ""
        self._port = port
        self._timeout = timeout
        self._turn = itertools.count()
        self._runner: web.AppRunner | None = None
        self._http: aiohttp.ClientSession | None = None

    def hits_on(self, path_prefix: str = "") -> Counter[str]:
        """How many requests under ``path_prefix`` each upstream answered."""
        return Counter(up for up, _, path in self.hits if path.startswith(path_prefix))

    async def start(self) -> str:
        self._http = aiohttp.ClientSession(
            # a fresh connection per request: a replica that went down refuses at once
            connector=aiohttp.TCPConnector(limit=0, force_close=True),
            timeout=aiohttp.ClientTimeout(total=self._timeout),
        )
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/{tail:.*}", self._proxy)
        self._runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self._port).start()
        port = next(a[1] for a in self._runner.addresses if isinstance(a, tuple))
        self.base_url = f"http://127.0.0.1:{port}"
        return self.base_url

    async def stop(self) -> None:
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        http, self._http = self._http, None
        if http is not None:
            await http.close()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def _proxy(self, request: web.Request) -> web.Response:
        assert self._http is not None
        headers = _forwardable(request.headers)
        client = request.remote or "unknown"
        previous = request.headers.get("X-Forwarded-For")
        headers["X-Forwarded-For"] = f"{previous}, {client}" if previous else client
        body = await request.read()
        upstreams = list(self.upstreams)
        first = next(self._turn)
        for i in range(len(upstreams)):
            upstream = upstreams[(first + i) % len(upstreams)]
            try:
                async with self._http.request(
                    request.method,
                    upstream + request.path_qs,
                    headers=headers,
                    data=body or None,
                    allow_redirects=False,
                ) as resp:
                    content = await resp.read()
                    self.hits.append((upstream, request.method, request.path))
                    return web.Response(
                        status=resp.status,
                        reason=resp.reason,
                        headers=_forwardable(resp.headers),
                        body=content,
                    )
            except aiohttp.ClientConnectorError:
                continue  # down: the next one takes it
            except (aiohttp.ClientError, TimeoutError) as exc:
                return web.Response(status=502, text=f"upstream {upstream} failed: {exc!r}")
        return web.Response(status=502, text="no upstream available")
