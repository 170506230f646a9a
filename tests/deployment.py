"""A production-shaped deployment on this machine, for multi-process tests and benchmarks:
the fake Bot API delivering updates by webhook to a round-robin load balancer, `cabinet-bot web`
replicas and `cabinet-bot worker` processes behind it, and `cabinet-bot sandbox` as the cabinet
and ESIA, all on PostgreSQL and Redis. Every process is the real command line, as compose runs
it; each writes JSON logs to its own file."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.balancer import Balancer
from tests.conftest import TEST_TOKEN, Backend
from tests.fake_max import FakeMax
from tests.fake_telegram import FakeTelegram
from tests.sandbox_server import free_port

ROOT = Path(__file__).resolve().parent.parent
WEBHOOK_PATH = "/telegram/webhook"
WEBHOOK_SECRET = "replica-test-webhook-secret"
MAX_WEBHOOK_PATH = "/max/webhook"
MAX_WEBHOOK_SECRET = "replica-test-max-secret"
ADMIN_TOKEN = "replica-test-admin-token"
CABINET_TOKEN = "replica-test-cabinet-token"
EVENTS_SECRET = "replica-test-events-secret"


@dataclass
class Process:
    name: str
    log: Path
    proc: asyncio.subprocess.Process
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def events(self, name: str) -> list[dict[str, Any]]:
        found = []
        for line in self.log.read_text("utf-8").splitlines():
            with contextlib.suppress(ValueError):
                item = json.loads(line)
                if isinstance(item, dict) and item.get("event") == name:
                    found.append(item)
        return found

    def tail(self) -> str:
        return self.log.read_text("utf-8")[-3000:]

    async def stop(self, sig: int = signal.SIGTERM, timeout: float = 20) -> float:  # noqa: ASYNC109
        """Signal it; the seconds it took to exit (asserting it exited cleanly)."""
        started = time.monotonic()
        if self.proc.returncode is None:
            self.proc.send_signal(sig)
        code = await asyncio.wait_for(self.proc.wait(), timeout)
        assert code == 0 or sig == signal.SIGKILL, f"{self.name} exited {code}:\n{self.tail()}"
        return time.monotonic() - started


@dataclass
class Deployment:
    backend: Backend
    tg: FakeTelegram
    lb: Balancer
    logs: Path
    env: dict[str, str]
    sandbox: Process | None = None
    mx: FakeMax | None = None
    webs: list[Process] = field(default_factory=list)
    workers: list[Process] = field(default_factory=list)
    spawned: list[Process] = field(default_factory=list)  # every process, ready or not

    @property
    def public_url(self) -> str:
        return self.lb.base_url

    async def _spawn(self, name: str, command: str, **extra: str) -> Process:
        log = self.logs / f"{name}.log"
        with log.open("ab") as out:
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot",
                command,
                cwd=self.logs,
                env={**self.env, **extra},
                stdout=out,
                stderr=out,
            )
        process = Process(name, log, proc)
        self.spawned.append(process)
        return process

    async def _ready(self, process: Process, started_event: str) -> None:
        deadline = time.monotonic() + 60  # a busy machine starts a process slowly
        while not process.events(started_event):
            if process.proc.returncode is not None or time.monotonic() > deadline:
                raise AssertionError(f"{process.name} did not start:\n{process.tail()}")
            await asyncio.sleep(0.1)
        if process.port is None:  # WEB_PORT=0: it says where it listens
            process.port = int(process.events(started_event)[-1]["web"].rsplit(":", 1)[1])

    async def start_sandbox(self) -> Process:
        port = free_port()
        self.sandbox = await self._spawn("sandbox", "sandbox", SANDBOX_PORT=str(port))
        self.sandbox.port = port
        await self._ready(self.sandbox, "sandbox_started")
        return self.sandbox

    async def start_web(self, name: str, **extra: str) -> Process:
        port = free_port()
        web = await self._spawn(name, "web", WEB_PORT=str(port), **extra)
        web.port = port
        await self._ready(web, "web_started")
        self.webs.append(web)
        self.lb.upstreams = [w.url for w in self.webs if w.proc.returncode is None]
        return web

    async def start_worker(self, name: str, **extra: str) -> Process:
        worker = await self._spawn(name, "worker", WEB_PORT="0", **extra)
        await self._ready(worker, "worker_started")
        self.workers.append(worker)
        return worker

    async def admin(self, method: str, path: str, **kwargs: Any) -> Any:
        async with httpx.AsyncClient(base_url=self.public_url + "/admin", timeout=10) as http:
            response = await http.request(
                method, path, headers={"Authorization": f"Bearer {ADMIN_TOKEN}"}, **kwargs
            )
            assert response.status_code < 300, response.text
            return response.json()

    async def broadcast_done(self, broadcast_id: int, timeout: float = 90) -> dict[str, Any]:  # noqa: ASYNC109
        deadline = time.monotonic() + timeout
        while True:
            status: dict[str, Any] = await self.admin("GET", f"/broadcasts/{broadcast_id}")
            if status["pending"] == 0:
                return status
            assert time.monotonic() < deadline, status
            await asyncio.sleep(0.2)


@contextlib.asynccontextmanager
async def deployment(
    backend: Backend,
    logs: Path,
    *,
    webs: int = 2,
    workers: int = 2,
    messengers: tuple[str, ...] = ("telegram",),
    **settings: str,
) -> AsyncIterator[Deployment]:
    """`webs` replicas behind the balancer and `workers` workers, started concurrently, the
    database migrated (the `migrated` fixture), stopped (SIGTERM) at the end. The bot is in
    `messengers` (telegram, max or both), each POSTing its updates through the balancer."""
    assert backend.redis_url is not None, "replicas share a Redis server"
    async with (
        FakeTelegram() as tg,
        Balancer([]) as lb,
        contextlib.AsyncExitStack() as fakes,
    ):
        mx = await fakes.enter_async_context(FakeMax()) if "max" in messengers else None
        inherited = ("TELEGRAM_", "MAX_", "REDIS_", "DATABASE_", "WEB_", "CABINET_", "ESIA_", "IDP")
        env = {k: v for k, v in os.environ.items() if not k.startswith(inherited)}
        env.update(
            TELEGRAM_BOT_TOKEN=TEST_TOKEN,
            TELEGRAM_API_URL=tg.base_url,
            TELEGRAM_WEBHOOK_URL=lb.base_url + WEBHOOK_PATH,
            TELEGRAM_WEBHOOK_SECRET=WEBHOOK_SECRET,
            DATABASE_URL=backend.database_url,
            REDIS_URL=backend.redis_url,
            PUBLIC_URL=lb.base_url,
            CABINET_TOKEN=CABINET_TOKEN,
            EVENTS_SECRET=EVENTS_SECRET,
            CABINET_EVENTS_URL=lb.base_url + "/events",
            ADMIN_API_TOKEN=ADMIN_TOKEN,
            FLOOD_RATE="50",
            LOG_FORMAT="json",
            PYTHONPATH=str(ROOT),
        )
        if "telegram" not in messengers:
            for name in [k for k in env if k.startswith("TELEGRAM_")]:
                del env[name]
        if mx is not None:
            env.update(
                MAX_BOT_TOKEN=mx.token,
                MAX_API_URL=mx.base_url,
                MAX_WEBHOOK_URL=lb.base_url + MAX_WEBHOOK_PATH,
                MAX_WEBHOOK_SECRET=MAX_WEBHOOK_SECRET,
            )
        env.update(settings)
        found = Deployment(backend, tg, lb, logs, env, mx=mx)
        try:
            sandbox = await found.start_sandbox()
            env.update(
                CABINET_URL=sandbox.url + "/sandbox/cabinet",
                ESIA_URL=sandbox.url + "/sandbox/esia",
            )
            async with asyncio.TaskGroup() as starting:  # one that fails stops the others
                for n in range(1, webs + 1):
                    starting.create_task(found.start_web(f"web{n}"))
                for n in range(1, workers + 1):
                    starting.create_task(found.start_worker(f"worker{n}"))
            yield found
        finally:  # every process spawned, even one that never got ready: none is left behind
            for process in found.spawned:
                if process.proc.returncode is None:
                    process.proc.send_signal(signal.SIGTERM)
            for process in found.spawned:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.proc.wait(), 15)
                if process.proc.returncode is None:
                    process.proc.kill()
                    await process.proc.wait()
