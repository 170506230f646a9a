"""The circuit breaker's states, on a clock the test moves."""

from __future__ import annotations

from cabinet.breaker import BreakerState, CircuitBreaker, Pass


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def state_of(breaker: CircuitBreaker) -> BreakerState:
    return breaker.state  # a call: mypy does not carry an earlier assert over


def opened(clock: Clock) -> CircuitBreaker:
    breaker = CircuitBreaker(threshold=3, reset_after=10, clock=clock)
    for _ in range(3):
        ticket = breaker.allow()
        assert ticket is not None
        breaker.record_failure(ticket)
    assert breaker.state is BreakerState.OPEN
    return breaker


def test_consecutive_failures_open_it_and_a_success_in_between_resets_the_count() -> None:
    breaker = CircuitBreaker(threshold=3, reset_after=10, clock=Clock())
    for outcome in ("fail", "fail", "ok", "fail", "fail"):
        ticket = breaker.allow()
        assert ticket is not None
        if outcome == "ok":
            breaker.record_success(ticket)
        else:
            breaker.record_failure(ticket)
    assert breaker.state is BreakerState.CLOSED


def test_open_refuses_until_reset_after_then_lets_one_probe_through() -> None:
    clock = Clock()
    breaker = opened(clock)
    clock.now = 9.9
    assert breaker.allow() is None
    clock.now = 10
    probe = breaker.allow()
    assert probe == Pass(probe=True)
    assert breaker.allow() is None, "one probe at a time"
    breaker.record_success(probe)
    assert state_of(breaker) is BreakerState.CLOSED


def test_a_failed_probe_opens_it_for_another_period() -> None:
    clock = Clock()
    breaker = opened(clock)
    clock.now = 10
    probe = breaker.allow()
    assert probe is not None
    breaker.record_failure(probe)
    clock.now = 19.9
    assert breaker.allow() is None
    clock.now = 20
    assert breaker.allow() == Pass(probe=True)


def test_a_cancelled_probe_frees_the_slot() -> None:
    clock = Clock()
    breaker = opened(clock)
    clock.now = 10
    probe = breaker.allow()
    assert probe is not None
    breaker.release(probe)
    assert breaker.allow() == Pass(probe=True)


def test_a_call_from_before_the_outage_does_not_decide_the_half_open_breaker() -> None:
    clock = Clock()
    breaker = CircuitBreaker(threshold=1, reset_after=10, clock=clock)
    late = breaker.allow()  # left while closed, answers only much later
    early = breaker.allow()
    assert late is not None
    assert early is not None
    breaker.record_failure(early)
    clock.now = 10
    probe = breaker.allow()
    assert probe is not None

    breaker.record_success(late)
    assert breaker.state is BreakerState.HALF_OPEN, "no close without the probe"
    breaker.release(late)
    assert breaker.allow() is None, "the probe's slot is still taken"
    breaker.record_failure(late)
    assert breaker.state is BreakerState.HALF_OPEN, "nor a reopen"
    breaker.record_success(probe)
    assert state_of(breaker) is BreakerState.CLOSED
