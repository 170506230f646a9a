"""One-time links to documents and to strict mode's form pages, kept in Redis.

In `strict` mode the user gets `{PUBLIC_URL}/d/{token}` (10 minutes, single use, bound to the
user and their customer) instead of the file; forms get a link of their own under their path.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Container
from typing import Any

from redis.asyncio import Redis

from documents.model import Ref

LINK_TTL = 600
USER_INDEX_TTL = 3600  # at least the longest link's lifetime (a claim form's: 30 minutes)
TOKEN_BYTES = 32
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

#: One-time links that open a form, not a document: strict mode's claim form (`/f`), its
#: change of the phone or the e-mail (`/c`) and its questionnaires (`/q`: a new policy's
#: personal questions), each under its path on the web server.
CLAIM_FORM = "claim-form"
CONTACTS_FORM = "contacts-form"
QUESTIONS_FORM = "questions-form"
FORM_PATHS = {CLAIM_FORM: "f", CONTACTS_FORM: "c", QUESTIONS_FORM: "q"}
FORMS = frozenset(FORM_PATHS)
FORM_TTL = 1800


class DocumentLinks:
    """One-time tokens in Redis: `{prefix}:doc:{token}` → who may open what (a document, or a
    form), for 10 minutes unless the links are made with another `ttl`;
    `{prefix}:doc:user:{user_id}` lists a person's tokens, so signing out or withdrawing
    consent removes them at once. `kinds`: the documents there are renderers for (a link to
    anything else, forms apart, is refused when issued rather than when opened)."""

    def __init__(
        self, redis: Redis, *, prefix: str, kinds: Container[str], ttl: int = LINK_TTL
    ) -> None:
        self.redis = redis
        self.prefix = prefix
        self.kinds = kinds
        self.ttl = ttl

    def with_ttl(self, ttl: int) -> DocumentLinks:
        """The same links, issued for another lifetime (a form's)."""
        return DocumentLinks(self.redis, prefix=self.prefix, kinds=self.kinds, ttl=ttl)

    def _key(self, token: str) -> str:
        return f"{self.prefix}:doc:{token}"

    async def issue(
        self, *, user_id: int, customer_id: str, kind: str, ref: Ref, **extra: str
    ) -> str:
        if kind not in self.kinds and kind not in FORMS:
            raise KeyError(kind)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        grant = {"user_id": user_id, "customer_id": customer_id, "kind": kind, "ref": dict(ref)}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key(token), json.dumps(grant | extra), ex=self.ttl)
            pipe.sadd(self._user_key(user_id), token)
            # The index outlives every link in it (links of different lifetimes share it).
            pipe.expire(self._user_key(user_id), max(self.ttl, USER_INDEX_TTL))
            await pipe.execute()
        return token

    def _user_key(self, user_id: int) -> str:
        return f"{self.prefix}:doc:user:{user_id}"

    async def forget_user(self, user_id: int) -> None:
        """Every link issued to the person, opened or not, is gone (logout, revoke)."""
        tokens = await self.redis.smembers(self._user_key(user_id))
        names = [self._key(t.decode() if isinstance(t, bytes) else t) for t in tokens]
        await self.redis.delete(self._user_key(user_id), *names)

    async def take(self, token: str) -> dict[str, Any] | None:
        """The grant behind a token, once; None for anything unknown, used or malformed."""
        if not 0 < len(token) <= 64 or not _TOKEN_CHARS.issuperset(token):
            return None
        raw = await self.redis.getdel(self._key(token))
        if raw is None:
            return None
        grant: dict[str, Any] = json.loads(raw)
        return grant
