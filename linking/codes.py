"""One-time codes of the linking flow, in Redis: opaque, single use, short-lived.

Three kinds, each bound to what it carries:

* `login` (90 days from the last menu that showed it): `/link/{code}`, the «Войти через
  Госуслуги» button — the account (`storage/accounts.py`: the messenger and its user) and
  the chat it signs in.
  It is the chat's standing ticket, not a sign-in: every menu of the chat shows the same one,
  and opening it starts a new sign-in each time, so a button in an old message never says «Ссылка
  устарела». Whoever else opens it gets nowhere: the sign-in ends in `/start b_…`, which
  binds only in the messenger account the ticket names;
* `state` (10 min): the OIDC `state` — the same, plus the PKCE verifier and the nonce;
* `bind` (5 min): `/start b_{code}` — the same ids, plus the confirmed identity to bind.

A code is 32 random bytes in base64url (43 characters of `[A-Za-z0-9_-]`, so `b_{code}` fits
Telegram's 64-character deep-link payload); a `state` is a random UUID (122 random bits), the
form ESIA requires. Taking a `state` or `bind` code is a GETDEL: a second use, a replay or a
race finds nothing. Anything that does not look like a code of its kind is refused before Redis.

Users are accounts: a Telegram user and a Max user with the same number are two people with
two account ids, and the keys that name one (the ticket, the cancellation mark) also spell
out the messenger, for whoever reads Redis.

`cancel_user` voids every sign-in a user had begun (on /logout and /revoke): one begun before
either cannot finish after it. `state` and `bind` codes carry the time the sign-in began
(`issued_at`), and one older than the user's last cancellation is taken as nothing. /revoke
also voids the login ticket (`forget_ticket`): the person asked to be forgotten.
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

from storage.accounts import account_of

CODE_BYTES = 32
_CODE = re.compile(r"^[A-Za-z0-9_-]{43}$")
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


class CodeKind(enum.StrEnum):
    LOGIN = "login"
    STATE = "state"
    BIND = "bind"

    @property
    def ttl(self) -> int:
        return {CodeKind.LOGIN: 90 * 24 * 3600, CodeKind.STATE: 600, CodeKind.BIND: 300}[self]

    def new(self) -> str:
        return str(uuid.uuid4()) if self is CodeKind.STATE else secrets.token_urlsafe(CODE_BYTES)

    def looks_valid(self, code: str) -> bool:
        return bool((_UUID if self is CodeKind.STATE else _CODE).fullmatch(code))


#: The longest a sign-in can last: its state, then its bind code.
SIGN_IN_TTL = CodeKind.STATE.ttl + CodeKind.BIND.ttl


class CodeStore:
    def __init__(self, redis: Redis, *, prefix: str) -> None:
        self._redis = redis
        self._prefix = prefix

    def _key(self, kind: CodeKind, code: str) -> str:
        return f"{self._prefix}:link:{kind.value}:{code}"

    def _cancelled_key(self, user_id: int) -> str:
        return f"{self._prefix}:link:cancelled:{account_of(user_id).channel.value}:{user_id}"

    def _ticket_key(self, user_id: int, chat_id: int) -> str:
        channel = account_of(user_id).channel.value
        return f"{self._prefix}:link:ticket:{channel}:{user_id}:{chat_id}"

    async def ticket(self, *, user_id: int, chat_id: int, locale: str) -> str:
        """The chat's login ticket, made on first sight; every call keeps it 90 more days
        (and the locale its pages open in up to date)."""
        owner = self._ticket_key(user_id, chat_id)
        code = await self._redis.get(owner)
        code = code.decode() if isinstance(code, bytes) else code
        if code is None or not CodeKind.LOGIN.looks_valid(code):
            code = CodeKind.LOGIN.new()
        payload = {
            "user_id": user_id,
            "chat_id": chat_id,
            "locale": locale,
        }
        ttl = CodeKind.LOGIN.ttl
        async with self._redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key(CodeKind.LOGIN, code), json.dumps(payload), ex=ttl)
            pipe.set(owner, code, ex=ttl)
            await pipe.execute()
        return code

    async def open_ticket(self, code: str) -> dict[str, Any] | None:
        """What a login ticket signs in, as often as it is opened; None for an unknown one."""
        if not CodeKind.LOGIN.looks_valid(code):
            return None
        raw = await self._redis.get(self._key(CodeKind.LOGIN, code))
        return None if raw is None else dict(json.loads(raw))

    async def forget_ticket(self, *, user_id: int, chat_id: int) -> None:
        owner = self._ticket_key(user_id, chat_id)
        code = await self._redis.getdel(owner)
        if code is not None:
            code = code.decode() if isinstance(code, bytes) else code
            await self._redis.delete(self._key(CodeKind.LOGIN, code))

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
            key = self._cancelled_key(int(payload["user_id"]))
            cancelled = await self._redis.get(key)
            if cancelled is not None and float(cancelled) >= float(payload["issued_at"]):
                return None
        return payload

    async def cancel_user(self, user_id: int) -> None:
        """Void the user's outstanding codes: the mark lasts as long as a sign-in can."""
        key = self._cancelled_key(user_id)
        await self._redis.set(key, str(time.time()), ex=SIGN_IN_TTL)
