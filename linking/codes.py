"""One-time codes of the linking flow, in Redis: opaque, single use, short-lived.

Three kinds, each bound to what it carries:

* `login` (10 min): `/link/{code}` — the Telegram user id and chat id that asked to link;
* `state` (10 min): the OIDC `state` — the same, plus the PKCE verifier and the nonce;
* `bind` (5 min): `/start b_{code}` — the same ids, plus the confirmed identity to bind.

A code is 32 random bytes in base64url (43 characters of `[A-Za-z0-9_-]`, so `b_{code}` fits
Telegram's 64-character deep-link payload); a `state` is a random UUID (122 random bits), the
form ESIA requires. Taking a code is a GETDEL: a second use, a replay or a race finds nothing.
Anything that does not look like a code of its kind is refused before Redis.

`cancel_user` voids every code a user holds (on /logout and /revoke): a sign-in begun before
either cannot finish after it. Codes carry the time the sign-in began (`issued_at`), and a
code older than the user's last cancellation is taken as nothing.
"""

from __future__ import annotations

import enum
import json
import re
import secrets
import time
import uuid
from typing import Any

from redis.asyncio import Redis

CODE_BYTES = 32
_CODE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class CodeKind(enum.StrEnum):
    LOGIN = "login"
    STATE = "state"
    BIND = "bind"

    @property
    def ttl(self) -> int:
        return 300 if self is CodeKind.BIND else 600

    def new(self) -> str:
        return str(uuid.uuid4()) if self is CodeKind.STATE else secrets.token_urlsafe(CODE_BYTES)

    def looks_valid(self, code: str) -> bool:
        return bool((_UUID if self is CodeKind.STATE else _CODE).fullmatch(code))


#: The longest a sign-in can last: a login code, then its state, then its bind code.
SIGN_IN_TTL = sum(kind.ttl for kind in CodeKind)


class CodeStore:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, kind: CodeKind, code: str) -> str:
        return f"{self._prefix}:link:{kind.value}:{code}"

    def _cancelled_key(self, user_id: int) -> str:
        return f"{self._prefix}:link:cancelled:{user_id}"

    async def issue(self, kind: CodeKind, payload: dict[str, Any]) -> str:
        """A new code for `payload`; `issued_at` is added unless the payload carries it on
        from an earlier code of the same sign-in."""
        code = kind.new()
        payload = {"issued_at": time.time(), **payload}
        await self._redis.set(self._key(kind, code), json.dumps(payload), ex=kind.ttl)
        return code

    async def take(self, kind: CodeKind, code: str) -> dict[str, Any] | None:
        """The payload, once; None for an unknown, expired, used, cancelled or malformed code."""
        if not kind.looks_valid(code):
            return None
        raw = await self._redis.getdel(self._key(kind, code))
        if raw is None:
            return None
        payload: dict[str, Any] = json.loads(raw)
        if "user_id" in payload:
            cancelled = await self._redis.get(self._cancelled_key(int(payload["user_id"])))
            if cancelled is not None and float(cancelled) >= float(payload["issued_at"]):
                return None
        return payload

    async def cancel_user(self, user_id: int) -> None:
        """Void the user's outstanding codes: the mark lasts as long as a sign-in can."""
        await self._redis.set(self._cancelled_key(user_id), str(time.time()), ex=SIGN_IN_TTL)
