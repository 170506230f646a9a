"""A circuit breaker: while the cabinet is down, fail at once instead of making every user wait
for timeouts, and let one probe through now and then to notice that it is back.

closed ──(threshold consecutive failures)──▶ open ──(reset_after)──▶ half-open
   ▲                                          ▲                        │
   └──────────────(the probe succeeds)────────┴──(the probe fails)─────┘

Every call that goes out holds a `Pass`. Only the probe's outcome decides a half-open breaker:
a call that left while the breaker was still closed and ends later neither closes nor reopens
it, nor frees the probe's slot.

State is per process: each replica finds out on its own, within `threshold` calls.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Gauge

BREAKER_STATE = Gauge(
    "cabinet_breaker_state", "Cabinet circuit breaker: 0 closed, 1 half-open, 2 open"
)


class BreakerState(enum.IntEnum):
    CLOSED = 0
    HALF_OPEN = 1
    OPEN = 2


@dataclass(frozen=True, slots=True)
class Pass:
    """Permission for one call; `probe` when it is the half-open breaker's single probe."""

    probe: bool


class CircuitBreaker:
    def __init__(
        self,
        *,
        threshold: int = 5,
        reset_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.threshold = threshold
        self.reset_after = reset_after
        self._clock = clock
        self._failures = 0
        self._opened_at = 0.0
        self._probing = False
        self._set(BreakerState.CLOSED)

    @property
    def state(self) -> BreakerState:
        if self._state is BreakerState.OPEN and self._clock() - self._opened_at >= self.reset_after:
            self._set(BreakerState.HALF_OPEN)
        return self._state

    def allow(self) -> Pass | None:
        """A pass for a call now, or None: fail fast."""
        state = self.state
        if state is BreakerState.CLOSED:
            return Pass(probe=False)
        if state is BreakerState.HALF_OPEN and not self._probing:
            self._probing = True
            return Pass(probe=True)
        return None

    def record_success(self, ticket: Pass) -> None:
        if ticket.probe:
            self._probing = False
            self._failures = 0
            self._set(BreakerState.CLOSED)
        elif self._state is BreakerState.CLOSED:
            self._failures = 0

    def record_failure(self, ticket: Pass) -> None:
        if ticket.probe:
            self._probing = False
            self._open()
        elif self._state is BreakerState.CLOSED:
            self._failures += 1
            if self._failures >= self.threshold:
                self._open()

    def release(self, ticket: Pass) -> None:
        """The call ended without telling anything about the cabinet's health (cancelled)."""
        if ticket.probe:
            self._probing = False

    def _open(self) -> None:
        self._opened_at = self._clock()
        self._set(BreakerState.OPEN)

    def _set(self, state: BreakerState) -> None:
        self._state = state
        BREAKER_STATE.set(state.value)
