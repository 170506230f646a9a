"""The bot's side of the events webhook: check a cabinet event's signature and parse it.

The cabinet signs `"{X-Timestamp}.{body}"` with HMAC-SHA256 and the shared `EVENTS_SECRET`
(`cabinet/openapi.yaml`, webhook `cabinetEvent`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from cabinet.models import EVENT, Event

SIGNATURE_PREFIX = "sha256="
MAX_SKEW_SECONDS = 300


class InvalidSignature(Exception):
    """The request is not from the cabinet, or is too old to trust (answer 401)."""


def sign(secret: bytes, timestamp: int, body: bytes) -> str:
    """The `X-Signature` value for a body sent at `timestamp` (unix seconds)."""
    digest = hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256)
    return SIGNATURE_PREFIX + digest.hexdigest()


_UNIX_SECONDS = re.compile(r"[0-9]{1,12}")


def verify(
    secret: bytes,
    *,
    timestamp: str | None,
    signature: str | None,
    body: bytes,
    now: float | None = None,
) -> None:
    """Raise `InvalidSignature` unless the headers prove the body came from the cabinet within
    the last ±5 minutes. The comparison takes constant time."""
    # ASCII digits only, and no more than a unix time has: `str.isdigit` takes "²", and
    # `int()` refuses over 4,300 digits; both were a 500 before authentication.
    if not timestamp or not _UNIX_SECONDS.fullmatch(timestamp):
        raise InvalidSignature("X-Timestamp is missing or not unix seconds")
    sent_at = int(timestamp)
    if abs((time.time() if now is None else now) - sent_at) > MAX_SKEW_SECONDS:
        raise InvalidSignature("X-Timestamp is more than 5 minutes off")
    expected = sign(secret, sent_at, body)
    if not signature or not hmac.compare_digest(expected.encode(), signature.encode()):
        raise InvalidSignature("X-Signature does not match")


def parse_event(body: bytes) -> Event:
    """The event in a verified body; pydantic's `ValidationError` when it is malformed."""
    return EVENT.validate_json(body)
