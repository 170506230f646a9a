"""What a sandbox cabinet needs to know about where it runs."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SandboxConfig:
    #: The bearer token every /v1 request must carry (compared in constant time).
    token: str = field(repr=False)
    #: Absolute URL where browsers reach this app's root, no trailing slash, e.g.
    #: "http://127.0.0.1:8080/sandbox/cabinet"; used in payment URLs.
    public_url: str
    #: Where signed events are POSTed; None: events are recorded but not sent.
    events_url: str | None
    #: The HMAC key of `X-Signature`.
    events_secret: bytes = field(repr=False)
    #: Seconds before the first retry of an unacknowledged event.
    events_retry_initial: float = 1.0
    #: Seconds, the cap of the exponential backoff (full jitter).
    events_retry_max: float = 60.0
