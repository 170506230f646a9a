"""The sandbox cabinet on a real port, mounted where the bot mounts it, for tests."""

from __future__ import annotations

import contextlib
import os
import random
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from aiohttp import web

from sandbox.cabinet import SandboxConfig, create_app

MOUNT = "/sandbox/cabinet"
TOKEN = "sandbox-test-token"
EVENTS_SECRET = b"sandbox-test-events-secret"


@dataclass(frozen=True)
class SandboxServer:
    root: str
    config: SandboxConfig

    @property
    def base_url(self) -> str:
        return self.config.public_url

    async def operator(self, method: str, path: str, **kwargs: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.base_url) as http:
            response = await http.request(method, "/operator" + path, **kwargs)
            response.raise_for_status()
            return response.json() if response.content else None

    async def switches(self, **values: Any) -> None:
        await self.operator("PUT", "/switches", json=values)

    async def requests(self) -> int:
        stats = await self.operator("GET", "/stats")
        return int(stats["requests"])


def _port_range() -> range:
    """This test process's own ports. Not from the ephemeral range (where `bind(0)` would pick
    one): the system hands ports from there to every outgoing connection, and one could take
    it before the server binds ("address already in use"). Each xdist worker has a slice of
    its own, so two workers never pick the same port."""
    ephemeral = Path("/proc/sys/net/ipv4/ip_local_port_range")
    low = int(ephemeral.read_text().split()[0]) if ephemeral.exists() else 32768
    start = min(10000, low - 1000)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    slices = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    size = (low - start) // max(slices, 1)
    first = start + size * int(worker.removeprefix("gw") or 0)
    return range(first, first + size)


def free_port() -> int:
    """A port nobody listens on, for a server started a moment later (see `_port_range`)."""
    ports = _port_range()
    for _ in range(200):
        port = random.choice(ports)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port below the ephemeral range")


@contextlib.asynccontextmanager
async def running_sandbox(mount: str = MOUNT, **config: Any) -> AsyncIterator[SandboxServer]:
    """A sandbox mounted as the bot mounts it (under a parent app with aiohttp's default body
    limit), or alone at the root with `mount=""`."""
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    values: dict[str, Any] = {
        "token": TOKEN,
        "public_url": root + mount,
        "events_url": None,
        "events_secret": EVENTS_SECRET,
    }
    values.update(config)
    sandbox_config = SandboxConfig(**values)
    app = create_app(sandbox_config)
    if mount:
        parent = web.Application()
        parent.add_subapp(mount, app)
        app = parent
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        yield SandboxServer(root, sandbox_config)
    finally:
        await runner.cleanup()
