"""Switches that make the /v1 API misbehave on purpose, to test how a client copes.

* `latency_ms` — every call waits this long before answering (a keyed POST waits while it
  holds its idempotency key, so a client that times out and retries meets
  `idempotency_key_in_use`);
* `error_rate` — that fraction of calls answer 500, 502 or 503 at random, doing nothing;
* `down` — every call answers 503 `unavailable` with `Retry-After: 5`;
* `fail_next` — the next N calls answer 503, doing nothing;
* `refuse_next` — the next N POSTs answer 422 `validation_failed`, doing nothing: the back
  office refused what was sent, for a reason the client could not have checked;
* `lose_next` — the next N calls are processed (and stored for idempotency) but answered
  502, as if a proxy lost the response: a retry with the same key gets the stored answer.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from aiohttp import web

from sandbox.cabinet.problems import FieldError, ProblemError
from sandbox.cabinet.schema import body_errors, standalone_validator
from sandbox.cabinet.texts import Text

_PAUSED = web.RequestKey("sandbox_cabinet_paused", bool)

_VALIDATOR = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "latency_ms": {"type": "integer", "minimum": 0, "maximum": 60_000},
            "error_rate": {"type": "number", "minimum": 0, "maximum": 1},
            "down": {"type": "boolean"},
            "fail_next": {"type": "integer", "minimum": 0},
            "lose_next": {"type": "integer", "minimum": 0},
            "refuse_next": {"type": "integer", "minimum": 0},
        },
    }
)

_UNAVAILABLE = Text(
    "Сервис временно недоступен, повторите запрос позже.",
    "The service is temporarily unavailable, retry later.",
)
_REFUSED = Text("Учётная система не приняла данные.", "The back office did not accept the data.")
_ERRORS = {
    500: ("internal_error", Text("Внутренняя ошибка сервиса.", "Internal service error.")),
    502: ("bad_gateway", Text("Ответ сервиса не получен.", "No answer from the service.")),
    503: ("unavailable", _UNAVAILABLE),
}


@dataclass
class Switches:
    latency_ms: int = 0
    error_rate: float = 0.0
    down: bool = False
    fail_next: int = 0
    lose_next: int = 0
    refuse_next: int = 0

    def render(self) -> dict[str, Any]:
        return asdict(self)

    def update(self, changes: Mapping[str, Any]) -> None:
        """A partial update, all or nothing: 422 `validation_failed` when anything is wrong."""
        errors: list[FieldError] = body_errors(_VALIDATOR, changes)
        if errors:
            raise ProblemError(
                "validation_failed",
                Text("Недопустимые значения переключателей.", "Invalid switch values."),
                errors,
            )
        for name, value in changes.items():
            kind = type(getattr(self, name))
            setattr(self, name, kind(value))

    def before(self, method: str) -> ProblemError | None:
        """The failure to answer instead of doing anything, if the switches call for one."""
        if self.down:
            return ProblemError("unavailable", _UNAVAILABLE, headers={"Retry-After": "5"})
        if self.fail_next > 0:
            self.fail_next -= 1
            return ProblemError(*_ERRORS[503])
        if self.refuse_next > 0 and method == "POST":
            self.refuse_next -= 1
            return ProblemError("validation_failed", _REFUSED)
        if self.error_rate and random.random() < self.error_rate:  # noqa: S311 - not secrecy
            return ProblemError(*_ERRORS[random.choice((500, 502, 503))])  # noqa: S311
        return None

    def after(self) -> ProblemError | None:
        """The failure to answer instead of the response already produced (`lose_next`)."""
        if self.lose_next > 0:
            self.lose_next -= 1
            return ProblemError(*_ERRORS[502])
        return None

    async def pause(self, request: web.Request) -> None:
        """Wait `latency_ms`, once per request, wherever it is called first."""
        if request.get(_PAUSED) or not self.latency_ms:
            return
        request[_PAUSED] = True
        await asyncio.sleep(self.latency_ms / 1000)
