"""`Idempotency-Key`: a creating POST is performed once per key, however often it is retried.

The contract's rules: the key (a UUID) is required; the same key with the same method, path
and body replays the stored answer with `Idempotency-Replayed: true`; with another body or
path → 422 `idempotency_key_reused`, doing nothing; while the first request still runs →
409 `idempotency_key_in_use`; 429 and 5xx answers are not stored, so a retry runs again.
Keys are kept 24 hours. The sandbox has one caller (one token), so that is the keys' scope.

The body is compared by meaning, not by bytes: JSON is canonicalised, and an upload is
compared by file name, type and content, since every retry of a multipart request has a new
boundary.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from aiohttp import web

from sandbox.cabinet.problems import FieldError, ProblemError, problem_response
from sandbox.cabinet.schema import validator, value_errors
from sandbox.cabinet.texts import Text

HEADER = "Idempotency-Key"
REPLAYED = "Idempotency-Replayed"
RETENTION = 24 * 3600.0


def json_digest(raw: bytes) -> str:
    """The same digest for the same JSON document, however it is spaced."""
    try:
        canonical = json.dumps(json.loads(raw), sort_keys=True, ensure_ascii=False)
    except ValueError:
        return hashlib.sha256(raw).hexdigest()
    return hashlib.sha256(canonical.encode()).hexdigest()


def parts_digest(*parts: str | bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        data = part.encode() if isinstance(part, str) else part
        digest.update(hashlib.sha256(data).digest())
    return digest.hexdigest()


@dataclass(frozen=True)
class _Stored:
    status: int
    body: bytes
    content_type: str

    def replay(self) -> web.Response:
        headers = {"Content-Type": self.content_type, REPLAYED: "true"}
        return web.Response(status=self.status, body=self.body, headers=headers)


@dataclass
class _Entry:
    fingerprint: str
    created: float
    response: _Stored | None = None


def require_key(request: web.Request) -> str:
    """The request's key: 400 when it is missing (`idempotency_key_missing`) or not a UUID."""
    key = request.headers.get(HEADER)
    if key is None:
        raise ProblemError(
            "idempotency_key_missing",
            Text(
                "Заголовок Idempotency-Key обязателен для этого запроса.",
                "The Idempotency-Key header is required for this request.",
            ),
        )
    errors = value_errors(validator("#/components/parameters/IdempotencyKey/schema"), key)
    if errors:
        raise ProblemError(
            "bad_request",
            Text("Idempotency-Key должен быть UUID.", "Idempotency-Key must be a UUID."),
            [FieldError(detail, parameter=HEADER) for detail in errors],
        )
    return key.lower()


class IdempotencyStore:
    def __init__(self) -> None:
        self._entries: dict[str, _Entry] = {}

    async def run(
        self,
        request: web.Request,
        body_digest: str,
        action: Callable[[], Awaitable[web.Response]],
    ) -> web.Response:
        """Run `action` once for this key and request; replay or refuse otherwise."""
        key = require_key(request)
        fingerprint = parts_digest(request.method, request.path, body_digest)
        self._forget_old()
        entry = self._entries.get(key)
        if entry is not None:
            return self._repeat(entry, fingerprint)
        entry = self._entries[key] = _Entry(fingerprint, time.monotonic())
        try:
            try:
                response = await action()
            except ProblemError as problem:
                response = problem_response(request, problem)
        except BaseException:
            del self._entries[key]
            raise
        if response.status == 429 or response.status >= 500 or not isinstance(response.body, bytes):
            del self._entries[key]
            return response
        entry.response = _Stored(response.status, response.body, response.headers["Content-Type"])
        return response

    @staticmethod
    def _repeat(entry: _Entry, fingerprint: str) -> web.Response:
        if entry.fingerprint != fingerprint:
            raise ProblemError(
                "idempotency_key_reused",
                Text(
                    "Этот Idempotency-Key уже использован с другим запросом.",
                    "This Idempotency-Key was already used with another request.",
                ),
            )
        if entry.response is None:
            raise ProblemError(
                "idempotency_key_in_use",
                Text(
                    "Запрос с этим ключом идемпотентности ещё обрабатывается, повторите позже.",
                    "A request with this idempotency key is still being processed, retry later.",
                ),
            )
        return entry.response.replay()

    def _forget_old(self) -> None:
        horizon = time.monotonic() - RETENTION
        for key in [k for k, e in self._entries.items() if e.response and e.created < horizon]:
            del self._entries[key]
