"""Everything one sandbox app holds in memory; one per app instance, found by its key."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from sandbox.cabinet.cabinet import Cabinet
from sandbox.cabinet.config import SandboxConfig
from sandbox.cabinet.events import Outbox
from sandbox.cabinet.idempotency import IdempotencyStore
from sandbox.cabinet.switches import Switches


@dataclass
class SandboxState:
    config: SandboxConfig
    cabinet: Cabinet
    outbox: Outbox
    switches: Switches
    idempotency: IdempotencyStore
    #: /v1 requests received, failed ones included.
    requests: int = 0

    @classmethod
    def create(cls, config: SandboxConfig) -> SandboxState:
        outbox = Outbox(config)
        return cls(
            config=config,
            cabinet=Cabinet(outbox, config.public_url),
            outbox=outbox,
            switches=Switches(),
            idempotency=IdempotencyStore(),
        )


STATE = web.AppKey("sandbox_cabinet_state", SandboxState)


def state_of(request: web.Request) -> SandboxState:
    return request.config_dict[STATE]
