"""A fake Max Bot API server over real HTTP, for tests of the bot's second messenger.

Max (VK's messenger) has a REST Bot API (https://platform-api.max.ru): JSON bodies, the token in
the ``Authorization`` header, message ids (``mid``) as strings, timestamps in milliseconds. This
fake serves the part of it the bot needs, the way ``tests/fake_telegram.py`` serves Telegram::

    from tests.fake_max import FakeMax

    async with FakeMax() as mx:                       # binds 127.0.0.1 on a free port
        env = {"MAX_API_URL": mx.base_url, "MAX_BOT_TOKEN": mx.token}
        mark = mx.mark()                              # index into mx.calls
        mx.bot_started(1001, payload="link-abc")      # builds AND feeds an update
        call = await mx.wait_for("sendMessage", after=mark)
        assert "Welcome" in call.text
        mx.press(1001, call, "Settings")              # find the callback button, feed the press
        answer = await mx.wait_for("answerOnCallback", after=mark)

Every request is checked against ``tests/max_api.yaml`` (our OpenAPI 3.1 subset of the published
schema, see its header): an unknown parameter value, a missing field, a text over 4000
characters, an unknown button type... is answered ``400 {"code": "proto.payload", ...}`` as Max
does, so a bot that passes here sends what Max accepts. :class:`MaxSchema` also validates
answers (the fake's own tests check every answer with it).

What it serves (calls are recorded under the schema's ``operationId``)
---------------------------------------------------------------------
* ``GET /me`` (getMyInfo).
* ``POST /messages?user_id=|chat_id=`` (sendMessage): text (``format`` markdown|html; the stored
  text is what the user sees, markup removed), ``inline_keyboard`` (callback payload at most
  1024 bytes), image/video/audio/file attachments by upload token (an image also by ``url``),
  ``link`` (reply/forward). ``PUT /messages?message_id=`` (editMessage: ``text``/``attachments``
  null = unchanged, ``attachments: []`` removes them), ``DELETE /messages?message_id=``
  (deleteMessage), ``GET /messages/{mid}`` (getMessageById). Messages are kept in
  ``mx.messages[mid]`` (current version); each call keeps snapshots of what it created/changed.
* ``POST /answers?callback_id=`` (answerOnCallback): ``notification`` (kept in
  ``mx.notifications``) and/or ``message`` (edits the message the button was under).
* ``POST /uploads?type=file|image|video|audio`` (getUploadUrl) answers ``{url}`` (and ``token``
  for video/audio); a multipart POST of the file (part ``data``) to that URL, served by the fake
  (uploadFile, no token needed), answers ``{"token"}`` (file), ``{"photos": {id: {"token"}}}``
  (image) or ``<retval>1</retval>`` (video/audio). A token is not usable at once: a message with
  it answers ``400 attachment.not.ready`` for the first ``attachment_not_ready`` attempts (1 by
  default) and until ``attachment_ready_after`` seconds after the upload (0); after that it is
  reusable for any number of messages and recipients. One file attachment per message.
* ``GET /updates`` (getUpdates): ``marker`` confirms every update before it (without one: all
  unconfirmed updates), ``limit``, ``timeout`` long polling, ``types`` (comma-separated filter);
  answers ``{updates, marker}``, the marker to send next. Refused (405) while a webhook
  subscription exists, and a poll waiting when one is made answers 405 too.
* ``GET/POST/DELETE /subscriptions``: after ``POST`` (``url``, ``update_types``, ``secret``)
  every pending and new update is POSTed to the URL (``X-Max-Bot-Api-Secret`` when a secret is
  set); only HTTP 200 confirms; anything else (or a connection error) is retried after
  ``webhook_retry_base`` (0.05 s) growing ×``webhook_retry_factor`` (2.5, as Max) up to
  ``webhook_retry_max`` (1 s), until it succeeds or the subscription goes. Attempts are
  :class:`WebhookDelivery` records in ``mx.webhook_deliveries``. One subscription at a time: a
  new POST replaces it.
* Auth: ``Authorization: <token>`` (bare, as the official clients send it; the deprecated
  ``access_token`` query parameter works too). Missing/wrong: ``401 verify.token``.

Update builders (they feed by default; ``feed=False`` only builds): ``message_created`` (text,
``file=mx.add_file(...)`` downloadable from the fake), ``message_callback`` / ``press`` (find a
callback button by text), ``bot_started`` (``payload``: the deep-link start parameter, dropped
when over 512 characters as Max does), ``bot_stopped``, ``dialog_removed`` (with the
``bot_stopped`` Max sends alongside). A user who stopped the bot (or removed the dialog) is in
``mx.stopped_users``: sending to them answers ``403 chat.denied`` until ``bot_started``.

Limits, as Max's documents give them: an inline keyboard of at most 30 rows, 7 buttons a row
(3 in a row with a ``link``/``open_app``/``request_*`` button) and 210 buttons in all (else
``400 proto.payload``); with ``rate_limit=30`` (or ``mx.rate_limit = 30``) at most that many
API requests in any second (long polls and uploads to the upload URL aside) — the rest answer
``429 too.many.requests`` with ``Retry-After: 1``, counted in ``mx.rate_limited``.

Failure injection: ``mx.fail_next("sendMessage", 429, retry_after=3)`` (``"*"`` = any operation;
``times``; 429 answers ``too.many.requests`` with a ``Retry-After`` header), ``latency=``.
Helpers as in the Telegram fake: ``calls_of``, ``count``, ``mark``, ``wait_for``,
``wait_count``, ``assert_no_call``, ``wait_polling``, ``drain``, ``sent_messages``,
``sent_texts``, ``message``, ``last_message``, ``buttons``, ``button``, ``summary``, ``clear``.

Approximated: dialogs, and group chats only as ``add_group`` makes them (no
members or membership events; no channels); the text is stored without Max's
``markup`` ranges; an upload is one multipart request (no resumable ``Content-Range`` upload);
webhook URLs may be ``http://`` (Max wants https on 443) and up to ``webhook_max_connections``
(10) deliveries run at once, so updates may arrive out of order; the error codes Max's
documents do not name are guesses (``not.found`` for an unknown message or callback,
``chat.not.found``, ``method.not.allowed`` for polling beside a webhook); ``Retry-After`` on an
injected 429 is the fake's; without a ``marker`` the docs disagree (the last update / all
unconfirmed ones): the fake answers all unconfirmed ones.

Standalone::

    python -m tests.fake_max --port 8081 [--token T]

prints the base URL on one line and serves until Ctrl+C. A JSON control API (no token) lives under
``{base}/_fake/``: ``POST message_created|message_callback|bot_started|bot_stopped|
dialog_removed`` (the builder's keyword arguments, or a list of them), ``POST fail``
(``fail_next``'s arguments), ``POST clear``, ``GET calls?after=N&method=M``, ``GET stats``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import itertools
import json
import re
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any, Self, cast

import aiohttp
import yaml
from aiohttp import web
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = [
    "SCHEMA_PATH",
    "Call",
    "FakeMax",
    "MaxApiError",
    "MaxSchema",
    "UploadedFile",
    "WebhookDelivery",
]

JSONDict = dict[str, Any]

SCHEMA_PATH = Path(__file__).with_name("max_api.yaml")
DEFAULT_TOKEN = "max-test-token"
CALLBACK_PAYLOAD_LIMIT = 1024  # bytes (the schema says 1024 characters; bytes is the safe side)
START_PAYLOAD_LIMIT = 512  # longer deep-link payloads are not passed to the bot
WEBHOOK_SECRET_HEADER = "X-Max-Bot-Api-Secret"
NOT_READY_MESSAGE = "Key: errors.process.attachment.file.not.processed"
_SCHEMA_URI = "urn:cabinet-bot:max-api"
_INT_RE = re.compile(r"-?\d+")
_MEDIA_TYPES = ("image", "video", "audio", "file")


def _now_ms() -> int:
    return int(time.time() * 1000)


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class UploadedFile:
    """A file part of a multipart upload."""

    field_name: str
    filename: str | None
    content_type: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    def __repr__(self) -> str:
        return f"UploadedFile({self.filename!r}, {self.size} bytes)"


@dataclass(slots=True)
class Call:
    """One recorded request. ``method`` is the schema's operationId (``sendMessage``...);
    ``params`` the query and path parameters (typed as the schema says), ``body`` the JSON body
    (or the multipart fields of an upload). ``status``/``result`` are what the fake answered,
    ``error`` the error ``code`` of a failed call (``proto.payload``, ``chat.denied``...)."""

    method: str
    params: JSONDict
    body: Any
    at: float
    status: int = 200
    result: Any = None
    error: str | None = None
    error_message: str | None = None
    messages: list[JSONDict] = field(default_factory=list)
    """Snapshots of the messages this call created or changed."""

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK

    @property
    def user_id(self) -> int | None:
        value = self.params.get("user_id")
        return value if isinstance(value, int) else None

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int) else None

    @property
    def message_id(self) -> str | None:
        value = self.params.get("message_id", self.params.get("messageId"))
        return value if isinstance(value, str) else None

    @property
    def new_body(self) -> JSONDict | None:
        """The NewMessageBody of a send/edit (or the ``message`` of a callback answer)."""
        body = self.body
        if not isinstance(body, dict):
            return None
        if self.method == "answerOnCallback":
            message = body.get("message")
            return message if isinstance(message, dict) else None
        return body

    @property
    def text(self) -> str | None:
        """The raw ``text`` the bot sent (markup included)."""
        body = self.new_body
        value = body.get("text") if body else None
        return value if isinstance(value, str) else None

    @property
    def message(self) -> JSONDict | None:
        """The message as this call left it (sent or edited), None if it made none."""
        if isinstance(self.result, dict) and isinstance(self.result.get("message"), dict):
            return cast(JSONDict, self.result["message"])
        return self.messages[-1] if self.messages else None


@dataclass(slots=True, frozen=True)
class WebhookDelivery:
    """One webhook POST attempt. ``status`` is None for a connection error or a timeout."""

    seq: int
    update_type: str
    url: str
    status: int | None
    at: float
    secret: str | None = None
    duration: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK


class MaxApiError(Exception):
    """Raised inside handlers; becomes a Max error answer ``{"code", "message"}``."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})

    def payload(self) -> JSONDict:
        return {"code": self.code, "message": self.message}


def _bad(message: str) -> MaxApiError:
    return MaxApiError(400, "proto.payload", message)


def _not_found(message: str) -> MaxApiError:
    return MaxApiError(404, "not.found", message)


_DEFAULT_ERRORS: dict[int, tuple[str, str]] = {
    400: ("proto.payload", "Invalid payload"),
    401: ("verify.token", "Invalid access_token"),
    403: ("chat.denied", "Access denied"),
    404: ("not.found", "Not found"),
    429: ("too.many.requests", "Too many requests"),
    500: ("internal.error", "Internal error"),
    503: ("service.unavailable", "Service unavailable"),
}


@dataclass(slots=True)
class _Failure:
    status: int
    times: int
    retry_after: int | None
    code: str | None
    message: str | None

    def error(self) -> MaxApiError:
        code, message = _DEFAULT_ERRORS.get(self.status, ("internal.error", "Injected error"))
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return MaxApiError(self.status, self.code or code, self.message or message, headers)


@dataclass(slots=True)
class _Upload:
    upload_id: str
    kind: str
    token: str | None  # video/audio: known before the upload
    used: bool = False


@dataclass(slots=True)
class _Attachment:
    """An uploaded (or user-sent) file behind a token."""

    token: str
    kind: str
    content: bytes | None  # None: video/audio token whose file did not arrive yet
    filename: str
    photo_id: int
    ready_at: float = 0.0
    not_ready_left: int = 0


@dataclass(slots=True)
class _Subscription:
    url: str
    secret: str | None
    update_types: frozenset[str] | None
    time: int

    def as_json(self) -> JSONDict:
        types = sorted(self.update_types) if self.update_types is not None else None
        return {"url": self.url, "time": self.time, "update_types": types}


# --------------------------------------------------------------------------------------------
# The schema
# --------------------------------------------------------------------------------------------


#: An inline keyboard's limits (dev.max.ru): rows, buttons in a row (fewer with a button of
#: these kinds in it), buttons in all.
KEYBOARD_ROWS, ROW_BUTTONS, WIDE_ROW_BUTTONS, KEYBOARD_BUTTONS = 30, 7, 3, 210
WIDE_BUTTONS = frozenset({"link", "open_app", "request_geo_location", "request_contact"})


def _check_keyboard(body: Any) -> None:
    """Refuse an inline keyboard over Max's limits, as Max does."""
    if not isinstance(body, dict):
        return
    for attachment in body.get("attachments") or []:
        if attachment.get("type") != "inline_keyboard":
            continue
        rows = attachment["payload"]["buttons"]
        if len(rows) > KEYBOARD_ROWS:
            raise _bad(f"errors.maxRows: {len(rows)} rows, at most {KEYBOARD_ROWS}")
        for row in rows:
            wide = any(button.get("type") in WIDE_BUTTONS for button in row)
            limit = WIDE_ROW_BUTTONS if wide else ROW_BUTTONS
            if len(row) > limit:
                raise _bad(f"errors.maxButtonsInRow: {len(row)} buttons, at most {limit}")
        if sum(len(row) for row in rows) > KEYBOARD_BUTTONS:
            raise _bad(f"errors.maxButtons: at most {KEYBOARD_BUTTONS}")


def _pointer(*parts: str) -> str:
    return "".join("/" + p.replace("~", "~0").replace("/", "~1") for p in parts)


@dataclass(slots=True)
class _Param:
    name: str
    location: str
    required: bool
    schema: JSONDict
    validator: Draft202012Validator


@dataclass(slots=True)
class Operation:
    operation_id: str
    method: str
    path: str
    regex: re.Pattern[str]
    params: list[_Param]
    body_type: str | None  # "application/json" / "multipart/form-data"
    body_validator: Draft202012Validator | None
    needs_auth: bool
    responses: dict[str, dict[str, Draft202012Validator]]


class MaxSchema:
    """``tests/max_api.yaml`` compiled: request routing and validation, answer validation."""

    def __init__(self, path: Path = SCHEMA_PATH) -> None:
        self.document: JSONDict = yaml.safe_load(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(self.document, default_specification=DRAFT202012)
        self.registry: Registry[Any] = Registry().with_resource(_SCHEMA_URI, resource)
        self.operations: dict[str, Operation] = {}
        for route, item in self.document["paths"].items():
            regex = re.compile(
                "^" + re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(route)) + "$"
            )
            for method, op in item.items():
                self.operations[op["operationId"]] = self._operation(route, method, op, regex)

    def _validator(self, pointer: str) -> Draft202012Validator:
        return Draft202012Validator({"$ref": f"{_SCHEMA_URI}#{pointer}"}, registry=self.registry)

    def _resolve(self, schema: JSONDict) -> JSONDict:
        while "$ref" in schema:
            ref = str(schema["$ref"]).removeprefix("#/").split("/")
            node: Any = self.document
            for part in ref:
                node = node[part]
            schema = node
        return schema

    def _operation(
        self, route: str, method: str, op: JSONDict, regex: re.Pattern[str]
    ) -> Operation:
        base = ("paths", route, method)
        params = [
            _Param(
                p["name"],
                p["in"],
                bool(p.get("required")),
                self._resolve(p["schema"]),
                self._validator(_pointer(*base, "parameters", str(i), "schema")),
            )
            for i, p in enumerate(op.get("parameters", []))
        ]
        body_type: str | None = None
        body_validator = None
        if "requestBody" in op:
            body_type = next(iter(op["requestBody"]["content"]))
            body_validator = self._validator(
                _pointer(*base, "requestBody", "content", body_type, "schema")
            )
        responses: dict[str, dict[str, Draft202012Validator]] = {}
        for status, response in op.get("responses", {}).items():
            pointer = _pointer(*base, "responses", status)
            resolved = response
            if "$ref" in response:
                name = str(response["$ref"]).rsplit("/", 1)[1]
                pointer = _pointer("components", "responses", name)
                resolved = self.document["components"]["responses"][name]
            responses[status] = {
                ctype: self._validator(pointer + _pointer("content", ctype, "schema"))
                for ctype in resolved.get("content", {})
            }
        return Operation(
            op["operationId"],
            method.upper(),
            route,
            regex,
            params,
            body_type,
            body_validator,
            op.get("security") != [],
            responses,
        )

    def route(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation serving ``method path`` and its path parameters; None if the path is
        unknown. A known path with another method raises a 405 MaxApiError."""
        allowed = False
        for op in self.operations.values():
            match = op.regex.match(path)
            if match is None:
                continue
            if op.method == method:
                return op, match.groupdict()
            allowed = True
        if allowed:
            raise MaxApiError(405, "method.not.allowed", f"Method {method} is not allowed")
        return None

    def parse_params(
        self, op: Operation, query: Mapping[str, str], path_params: Mapping[str, str]
    ) -> JSONDict:
        """Typed parameters; MaxApiError 400 for a missing or invalid one. Parameters the
        operation does not declare (``v``, ``access_token``...) are ignored, as Max does."""
        out: JSONDict = {}
        for param in op.params:
            source = path_params if param.location == "path" else query
            if param.name not in source:
                if param.required:
                    raise _bad(f"Missing required parameter: {param.name}")
                continue
            value = _coerce(source[param.name], param.schema)
            error = _first(param.validator.iter_errors(value))
            if error is not None:
                raise _bad(f"Invalid parameter {param.name}: {error.message}")
            out[param.name] = value
        return out

    def check_body(self, op: Operation, body: Any) -> None:
        if op.body_validator is None:
            return
        if isinstance(body, dict):  # a multipart upload: files stand for strings
            body = {k: "<file>" if isinstance(v, UploadedFile) else v for k, v in body.items()}
        error = _first(op.body_validator.iter_errors(body))
        if error is not None:
            raise _bad(_describe(error))

    def validate_response(
        self, operation_id: str, status: int, content_type: str, body: Any
    ) -> None:
        """AssertionError unless ``body`` is a documented answer of the operation."""
        op = self.operations[operation_id]
        by_type = op.responses.get(str(status), op.responses.get("default"))
        if by_type is None:
            raise AssertionError(f"{operation_id}: status {status} is not documented")
        validator = by_type.get(content_type)
        if validator is None:
            raise AssertionError(f"{operation_id} {status}: {content_type} is not documented")
        error = _first(validator.iter_errors(body))
        if error is not None:
            raise AssertionError(f"{operation_id} {status}: {_describe(error)}\n{body!r}")

    def validate(self, schema_name: str, value: Any) -> None:
        """AssertionError unless ``value`` matches ``components/schemas/<schema_name>``."""
        validator = self._validator(_pointer("components", "schemas", schema_name))
        error = _first(validator.iter_errors(value))
        if error is not None:
            raise AssertionError(f"{schema_name}: {_describe(error)}")


def _coerce(raw: str, schema: JSONDict) -> Any:
    kinds = schema.get("type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    if "null" in kinds and raw in {"", "null"}:
        return None
    if "integer" in kinds and _INT_RE.fullmatch(raw):
        return int(raw)
    if "boolean" in kinds and raw in {"true", "false"}:
        return raw == "true"
    if "array" in kinds:
        return [item for item in raw.split(",") if item] if raw else []
    return raw


def _first(errors: Iterable[ValidationError]) -> ValidationError | None:
    """The error nearest the root (a ``oneOf`` there is explained by :func:`_describe`)."""
    return min(errors, key=lambda e: len(e.absolute_path), default=None)


def _describe(error: ValidationError) -> str:
    """``path: reason``; for a ``oneOf`` of typed variants (attachments, buttons, updates) the
    reason is the one of the variant the ``type`` names."""
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "oneOf" and error.context:
        instance = error.instance
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0], []).append(sub)
        if isinstance(instance, dict) and ("type" in instance or "update_type" in instance):
            kind = instance.get("type", instance.get("update_type"))
            for errors in branches.values():
                if not any(e.validator == "const" and len(e.relative_path) == 1 for e in errors):
                    chosen = _first(errors)
                    if chosen is not None:
                        return _describe(chosen)
            return f"{where}: unknown type {kind!r}" if where else f"unknown type {kind!r}"
        typed = [e for e in error.context if e.validator != "type"]
        chosen = _first(typed or error.context)
        if chosen is not None:
            return _describe(chosen)
    message = error.message
    if error.validator in {"maxLength", "minLength"}:
        bound = "longer" if error.validator == "maxLength" else "shorter"
        message = f"is {bound} than {error.validator_value} characters"
    return f"{where}: {message}" if where else message


# --------------------------------------------------------------------------------------------
# Text as the user sees it
# --------------------------------------------------------------------------------------------

_HTML_TAG_RE = re.compile(r"<[^<>]*>")
_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_MARKS_RE = re.compile(r"\*\*|__|~~|\+\+|\^\^|```|[*_`]")
_MD_HEADING_RE = re.compile(r"^#{1,6} ", re.MULTILINE)


def render_text(text: str, fmt: str | None) -> str:
    """What the user sees: HTML tags removed and entities unescaped; Max-flavoured Markdown
    (``**b**``, ``*i*``, ``~~s~~``, ``++u++``, ``^^mark^^``, code, ``[t](url)``, ``# h``)
    removed approximately."""
    if fmt == "html":
        return html.unescape(_HTML_TAG_RE.sub("", text))
    if fmt == "markdown":
        text = _MD_LINK_RE.sub(r"\1", text)
        text = _MD_HEADING_RE.sub("", text)
        return _MD_MARKS_RE.sub("", text)
    return text


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------

Handler = Callable[[JSONDict, Any], JSONDict]


class FakeMax:
    """A fake Max Bot API server. See the module docstring."""

    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_id: int = 700000001,
        bot_name: str = "Cabinet Test Bot",
        bot_username: str = "cabinet_test_bot",
        latency: float = 0.0,
        attachment_not_ready: int = 1,
        attachment_ready_after: float = 0.0,
        schema: MaxSchema | None = None,
        rate_limit: float | None = None,
    ) -> None:
        self.token = token
        self.rate_limit = rate_limit
        """API requests a second Max takes (None: no limit); the rest answer 429."""
        self.rate_limited = 0
        self.clock: Callable[[], float] = time.monotonic
        """The rate limit's clock (a test may stop it)."""
        self.bot_id = bot_id
        self.bot_user: JSONDict = {
            "user_id": bot_id,
            "first_name": bot_name,
            "last_name": None,
            "username": bot_username,
            "is_bot": True,
            "last_activity_time": _now_ms(),
            "name": bot_name,
        }
        self.latency = latency
        self.attachment_not_ready = attachment_not_ready
        """How many sends with a fresh token answer attachment.not.ready."""
        self.attachment_ready_after = attachment_ready_after
        """Seconds after the upload before a token is ready."""
        self.schema = schema or _default_schema()

        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()
        self.messages: dict[str, JSONDict] = {}
        self.deleted: set[str] = set()
        self.stopped_users: set[int] = set()
        self.notifications: list[tuple[int, str]] = []
        """(user_id, text) of the callback answers' notifications."""
        self.downloads: list[str] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.dropped_updates: list[JSONDict] = []
        """Updates a subscription's ``update_types`` did not take."""
        self.subscription: _Subscription | None = None
        self.webhook_timeout = 30.0
        self.webhook_retry_base = 0.05
        self.webhook_retry_factor = 2.5
        self.webhook_retry_max = 1.0
        self.webhook_max_connections = 10
        self.polls_arrived = 0

        self.groups: dict[int, str] = {}
        """Group chats the bot is in (chat_id → title): see :meth:`add_group`."""
        self._users: dict[int, JSONDict] = {}
        self._dialogs: dict[int, int] = {}  # user_id -> dialog chat_id
        self._dialog_users: dict[int, int] = {}  # dialog chat_id -> user_id
        self._callbacks: dict[str, tuple[int, str]] = {}  # callback_id -> (user_id, mid)
        self._uploads: dict[str, _Upload] = {}
        self._attachments: dict[str, _Attachment] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._recent: deque[float] = deque()  # when the requests of the last second came
        self._updates: deque[tuple[int, JSONDict]] = deque()
        self._next_seq = 1
        self._msg_seq = itertools.count(116000000000000001)
        self._ids = itertools.count(1)
        self._chat_ids = itertools.count(9000000001)
        self._updates_event: asyncio.Event | None = None
        self._calls_event: asyncio.Event | None = None
        self._waiters = 0
        self._clear_generation = 0
        self._queue_generation = 0
        self._webhook_in_flight: set[int] = set()
        self._webhook_tasks: set[asyncio.Task[None]] = set()
        self._webhook_event: asyncio.Event | None = None
        self._http: aiohttp.ClientSession | None = None
        self._touched: list[JSONDict] = []
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.base_url = ""
        self._handlers: dict[str, Handler] = {
            "getMyInfo": self._op_get_me,
            "sendMessage": self._op_send,
            "editMessage": self._op_edit,
            "deleteMessage": self._op_delete,
            "getMessageById": self._op_get_message,
            "answerOnCallback": self._op_answer,
            "getUploadUrl": self._op_upload_url,
            "uploadFile": self._op_upload,
            "getSubscriptions": self._op_get_subscriptions,
            "subscribe": self._op_subscribe,
            "unsubscribe": self._op_unsubscribe,
        }

    # -- lifecycle ---------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/_fake/{action}", self._handle_control)
        app.router.add_get("/_files/{token}", self._handle_file)
        app.router.add_route("*", "/{tail:.*}", self._handle_api)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (a free port when 0); return the base URL."""
        if self._runner is not None:
            raise RuntimeError("FakeMax is already started")
        self._closing = False
        runner = web.AppRunner(
            self.make_app(), access_log=None, handle_signals=False, shutdown_timeout=1.0
        )
        await runner.setup()
        site = web.TCPSite(runner, host, port)
        await site.start()
        self._runner = runner
        bound_port = port
        for address in runner.addresses:
            if isinstance(address, tuple) and len(address) >= 2:
                bound_port = int(address[1])
                break
        self.base_url = f"http://{host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        """Wake pending long polls, stop webhook deliveries and shut the server down."""
        self._closing = True
        self._wake_pollers()
        tasks = list(self._webhook_tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._webhook_in_flight.clear()
        http, self._http = self._http, None
        if http is not None:
            await http.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- recorded calls ----------------------------------------------------------------------

    def mark(self) -> int:
        """Current length of ``calls``: pass it as ``after=`` to wait only for newer calls."""
        return len(self.calls)

    def calls_of(self, method: str, *, ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls if c.method == method and (ok is None or c.ok == ok)]

    def count(self, method: str) -> int:
        return self.counts[method]

    async def wait_for(
        self,
        method: str | Iterable[str],
        predicate: Callable[[Call], bool] | None = None,
        timeout: float = 10.0,  # noqa: ASYNC109 - the documented API
        after: int | None = None,
        *,
        ok: bool | None = None,
    ) -> Call:
        """Wait until a call of ``method`` (any of them, if several) matching ``predicate`` is
        recorded at index >= ``after``; return it. AssertionError with a summary on timeout."""
        names = {method} if isinstance(method, str) else set(method)
        index = after or 0
        generation = self._clear_generation
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._clear_generation:
                index, generation = 0, self._clear_generation
            while index < len(self.calls):
                call = self.calls[index]
                index += 1
                if (
                    call.method in names
                    and (ok is None or call.ok == ok)
                    and (predicate is None or predicate(call))
                ):
                    return call
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"no {'/'.join(sorted(names))} call"
                    f"{' matching the predicate' if predicate else ''} within {timeout}s "
                    f"(after={after}).\n{self.summary(after)}"
                )
            await self._wait_changed(remaining)

    async def assert_no_call(
        self,
        method: str,
        within: float = 0.3,
        after: int | None = None,
        predicate: Callable[[Call], bool] | None = None,
    ) -> None:
        """Fail if a matching call shows up within ``within`` seconds."""
        try:
            call = await self.wait_for(method, predicate, timeout=within, after=after)
        except AssertionError:
            return
        raise AssertionError(f"unexpected call: {_call_summary(call)}")

    async def wait_count(self, method: str, count: int, timeout: float = 10.0) -> int:  # noqa: ASYNC109
        """Wait until at least ``count`` calls of ``method`` were recorded in total."""
        await self._wait_until(
            lambda: self.counts[method] >= count,
            timeout,
            lambda: f"only {self.counts[method]} of {count} {method} calls within {timeout}s",
        )
        return self.counts[method]

    async def wait_polling(self, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Wait until the bot's first ``GET /updates`` has *arrived* (it is recorded when it
        ends, a whole long poll later)."""
        await self._wait_until(
            lambda: self.polls_arrived > 0, timeout, lambda: f"no poll within {timeout}s"
        )

    async def drain(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every fed update was confirmed (a later marker, or a webhook's 200)."""
        await self._wait_until(
            lambda: not self._updates,
            timeout,
            lambda: f"{len(self._updates)} updates still unconfirmed\n{self.summary()}",
        )

    async def wait_deliveries(self, count: int, timeout: float = 10.0) -> list[WebhookDelivery]:  # noqa: ASYNC109
        """Wait until at least ``count`` webhook attempts were made; return them all."""
        await self._wait_until(
            lambda: len(self.webhook_deliveries) >= count,
            timeout,
            lambda: f"only {len(self.webhook_deliveries)} of {count} deliveries",
        )
        return list(self.webhook_deliveries)

    def sent_messages(self, user_id: int | None = None) -> list[JSONDict]:
        """Snapshots left by successful sends, edits and callback answers, oldest first."""
        return [
            msg
            for call in self.calls
            if call.ok
            for msg in call.messages
            if user_id is None or msg["recipient"].get("user_id") == user_id
        ]

    def sent_texts(self, user_id: int | None = None) -> list[str]:
        """Texts of :meth:`sent_messages` as the user sees them (markup removed)."""
        out: list[str] = []
        for msg in self.sent_messages(user_id):
            text = msg["body"].get("text")
            if isinstance(text, str):
                out.append(text)
        return out

    def message(self, mid: str) -> JSONDict:
        """The current version of a stored message (AssertionError if unknown)."""
        try:
            return self.messages[mid]
        except KeyError:
            raise AssertionError(f"no message {mid}; known: {sorted(self.messages)}") from None

    def last_message(self, user_id: int | None = None) -> JSONDict:
        """The most recent message the bot sent (to ``user_id``), in its current version."""
        for msg in reversed(self.messages.values()):
            sender = msg.get("sender") or {}
            if sender.get("user_id") == self.bot_id and (
                user_id is None or msg["recipient"].get("user_id") == user_id
            ):
                return msg
        raise AssertionError(f"the bot sent no message{f' to {user_id}' if user_id else ''}")

    def summary(self, after: int | None = None, limit: int = 40) -> str:
        calls = self.calls[after or 0 :]
        shown = [c for c in calls if c.method != "getUpdates"]
        lines = [f"recorded {len(calls)} calls ({len(calls) - len(shown)} getUpdates):"]
        if len(shown) > limit:
            lines.append(f"  ... {len(shown) - limit} earlier calls")
        lines += [f"  {_call_summary(c)}" for c in shown[-limit:]]
        if self._updates:
            lines.append(f"{len(self._updates)} fed updates not confirmed yet")
        if self.subscription is not None:
            failed = [d for d in self.webhook_deliveries if not d.ok]
            lines.append(
                f"webhook {self.subscription.url}: {len(self.webhook_deliveries)} deliveries, "
                f"{len(failed)} failed"
                + (f" (last: {failed[-1].status or failed[-1].error})" if failed else "")
            )
        return "\n".join(lines)

    def clear(self) -> None:
        """Forget recorded calls, webhook deliveries and counts (messages, queued updates,
        uploads and injected failures are kept)."""
        self.calls = []
        self.webhook_deliveries = []
        self.counts.clear()
        self._clear_generation += 1
        self._notify()

    # -- failure injection -------------------------------------------------------------------

    def fail_next(
        self,
        operation: str = "*",
        status: int = 429,
        *,
        times: int = 1,
        retry_after: int | None = None,
        code: str | None = None,
        message: str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``operation`` (an operationId, "*" = any but
        uploads to the upload URL) with a Max error: 429 ``too.many.requests`` by default, with
        ``Retry-After: retry_after`` when given."""
        self._failures.setdefault(operation, deque()).append(
            _Failure(status, times, retry_after, code, message)
        )

    # -- users, dialogs, files ---------------------------------------------------------------

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> JSONDict:
        """A (remembered) User dict for ``user_id``."""
        known = self._users.get(user_id, {})
        first = first_name or known.get("first_name") or "Ivan"
        last = last_name or known.get("last_name")
        user: JSONDict = {
            "user_id": user_id,
            "first_name": first,
            "last_name": last,
            "username": username or known.get("username"),
            "is_bot": False,
            "last_activity_time": _now_ms(),
            "name": f"{first} {last}" if last else first,
        }
        self._users[user_id] = user
        return user

    def chat_id(self, user_id: int) -> int:
        """The id of the bot's dialog with ``user_id`` (Max's chat ids are not user ids)."""
        chat_id = self._dialogs.get(user_id)
        if chat_id is None:
            chat_id = self._dialogs[user_id] = next(self._chat_ids)
            self._dialog_users[chat_id] = user_id
        return chat_id

    def add_group(self, chat_id: int, title: str = "Staff") -> None:
        """A group chat the bot was added to (Max's chat ids of groups are negative)."""
        self.groups[chat_id] = title

    def add_file(
        self, content: bytes, filename: str = "file.bin", *, kind: str = "file"
    ) -> JSONDict:
        """Register a file (as if a user sent it) and return its Attachment dict, for
        ``message_created(file=...)``. Its ``payload.url`` downloads ``content`` from the fake."""
        attachment = self._new_attachment(kind, content, filename)
        return self._attachment_json(attachment)

    def file_content(self, token: str) -> bytes:
        content = self._attachments[token].content
        assert content is not None, f"no file uploaded for {token}"
        return content

    # -- keyboards ---------------------------------------------------------------------------

    def buttons(self, obj: Call | Mapping[str, Any] | str) -> list[JSONDict]:
        """All buttons of the inline keyboard of a Call, a message dict or a mid, flattened
        row by row."""
        msg = self._message_of(obj)
        attachments = (msg or {}).get("body", {}).get("attachments") or []
        return [
            button
            for attachment in attachments
            if attachment.get("type") == "inline_keyboard"
            for row in attachment["payload"]["buttons"]
            for button in row
        ]

    def button(self, obj: Call | Mapping[str, Any] | str, text_contains: str) -> JSONDict:
        buttons = self.buttons(obj)
        for button in buttons:
            if text_contains in str(button.get("text", "")):
                return button
        texts = [b.get("text") for b in buttons]
        raise AssertionError(f"no button containing {text_contains!r}; buttons: {texts}")

    def _message_of(self, obj: Call | Mapping[str, Any] | str) -> JSONDict | None:
        if isinstance(obj, str):
            return self.messages.get(obj)
        msg = obj.message if isinstance(obj, Call) else dict(obj)
        if msg is None:
            return None
        mid = msg.get("body", {}).get("mid")
        return self.messages.get(mid, msg) if isinstance(mid, str) else msg

    # -- update builders ---------------------------------------------------------------------

    def feed(self, update: JSONDict) -> JSONDict:
        """Queue an update for ``GET /updates`` or the webhook; return it."""
        update.setdefault("timestamp", _now_ms())
        self._updates.append((self._next_seq, update))
        self._next_seq += 1
        self._wake_pollers()
        self._notify()
        if self.subscription is not None:
            self._pump_webhook()
        return update

    @property
    def pending_updates(self) -> int:
        """Updates fed but not confirmed yet."""
        return len(self._updates)

    def message_created(
        self,
        user_id: int,
        text: str | None = None,
        *,
        file: JSONDict | None = None,
        attachments: list[JSONDict] | None = None,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        user_locale: str | None = "ru",
        reply_to: str | None = None,
        chat_id: int | None = None,
        feed: bool = True,
    ) -> JSONDict:
        """A ``message_created`` update: the user wrote ``text`` in the dialog with the bot
        (or, with ``chat_id``, in that group chat: :meth:`add_group`), with ``file`` (from
        :meth:`add_file`) and/or raw ``attachments``."""
        user = self.user(user_id, first_name=first_name, last_name=last_name, username=username)
        items = [*(attachments or []), *([file] if file is not None else [])]
        if chat_id is not None:
            assert chat_id in self.groups, f"the bot is not in the group chat {chat_id}"
        recipient = (
            {"chat_id": self.chat_id(user_id), "chat_type": "dialog", "user_id": self.bot_id}
            if chat_id is None
            else {"chat_id": chat_id, "chat_type": "chat", "user_id": None}
        )
        msg: JSONDict = {
            "sender": user,
            "recipient": recipient,
            "timestamp": _now_ms(),
            "body": {
                "mid": self._new_mid(),
                "seq": next(self._msg_seq),
                "text": text if text is not None else "",
                "attachments": items or None,
            },
        }
        if reply_to is not None:
            replied = self.message(reply_to)
            msg["link"] = {
                "type": "reply",
                "sender": replied.get("sender"),
                "message": replied["body"],
            }
        self.messages[msg["body"]["mid"]] = msg
        update: JSONDict = {
            "update_type": "message_created",
            "timestamp": msg["timestamp"],
            "message": msg,
            "user_locale": user_locale,
        }
        return self.feed(update) if feed else update

    def message_callback(
        self,
        user_id: int,
        message: JSONDict | str,
        payload: str,
        *,
        user_locale: str | None = "ru",
        feed: bool = True,
    ) -> JSONDict:
        """A ``message_callback`` update: the user pressed a callback button with ``payload``
        under ``message`` (a message dict or its mid; its current version is attached, or null
        if it was deleted, as Max does)."""
        mid = message if isinstance(message, str) else message["body"]["mid"]
        current = self.messages.get(mid)
        callback_id = f"cb.{user_id}.{next(self._ids):08d}"
        self._callbacks[callback_id] = (user_id, mid)
        update: JSONDict = {
            "update_type": "message_callback",
            "timestamp": _now_ms(),
            "callback": {
                "timestamp": _now_ms(),
                "callback_id": callback_id,
                "payload": payload,
                "user": self.user(user_id),
            },
            "message": current,
            "user_locale": user_locale,
        }
        return self.feed(update) if feed else update

    def press(
        self,
        user_id: int,
        obj: Call | Mapping[str, Any] | str,
        text_contains: str,
        *,
        feed: bool = True,
    ) -> JSONDict:
        """Find the callback button whose text contains ``text_contains`` under the message of
        ``obj`` (a Call, message dict or mid) and feed its press."""
        button = self.button(obj, text_contains)
        if button.get("type") != "callback":
            raise AssertionError(f"button {button} is not a callback button")
        msg = self._message_of(obj)
        assert msg is not None
        return self.message_callback(user_id, msg, str(button["payload"]), feed=feed)

    def bot_started(
        self,
        user_id: int,
        payload: str | None = None,
        *,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        user_locale: str = "ru",
        feed: bool = True,
    ) -> JSONDict:
        """A ``bot_started`` update: the user pressed Start, maybe through a deep link
        ``https://max.ru/<bot>?start=<payload>`` (a payload over 512 characters is not passed,
        as Max does). The user can be written to again."""
        self.stopped_users.discard(user_id)
        update: JSONDict = {
            "update_type": "bot_started",
            "timestamp": _now_ms(),
            "chat_id": self.chat_id(user_id),
            "user": self.user(
                user_id, first_name=first_name, last_name=last_name, username=username
            ),
            "user_locale": user_locale,
        }
        if payload is not None and len(payload) <= START_PAYLOAD_LIMIT:
            update["payload"] = payload
        return self.feed(update) if feed else update

    def bot_stopped(self, user_id: int, *, user_locale: str = "ru", feed: bool = True) -> JSONDict:
        """A ``bot_stopped`` update; sending to the user answers 403 chat.denied from now."""
        self.stopped_users.add(user_id)
        update: JSONDict = {
            "update_type": "bot_stopped",
            "timestamp": _now_ms(),
            "chat_id": self.chat_id(user_id),
            "user": self.user(user_id),
            "user_locale": user_locale,
        }
        return self.feed(update) if feed else update

    def dialog_removed(
        self, user_id: int, *, user_locale: str = "ru", feed: bool = True
    ) -> JSONDict:
        """The user deleted the dialog: Max sends ``bot_stopped`` and ``dialog_removed``
        (both fed when ``feed``); returns the latter."""
        stopped = self.bot_stopped(user_id, user_locale=user_locale, feed=feed)
        update: JSONDict = {
            "update_type": "dialog_removed",
            "timestamp": stopped["timestamp"],
            "chat_id": self.chat_id(user_id),
            "user": self.user(user_id),
            "user_locale": user_locale,
        }
        return self.feed(update) if feed else update

    # -- internals: waiting ------------------------------------------------------------------

    def _notify(self) -> None:
        if self._waiters and self._calls_event is not None:
            self._calls_event.set()
            self._calls_event = None

    async def _wait_changed(self, seconds: float) -> None:
        if self._calls_event is None:
            self._calls_event = asyncio.Event()
        event = self._calls_event
        self._waiters += 1
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), seconds)
        finally:
            self._waiters -= 1

    async def _wait_until(
        self, condition: Callable[[], bool], seconds: float, describe: Callable[[], str]
    ) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(describe())
            await self._wait_changed(remaining)

    def _wake_pollers(self) -> None:
        if self._updates_event is not None:
            self._updates_event.set()
            self._updates_event = None

    # -- internals: request handling ---------------------------------------------------------

    async def _handle_api(self, request: web.Request) -> web.StreamResponse:
        at = time.time()
        op: Operation | None = None
        params: JSONDict = {}
        body: Any = None
        touched: list[JSONDict] = []
        try:
            routed = self.schema.route(request.method, request.path)
            if routed is None:
                raise _not_found(f"Path {request.path} is not recognized")
            op, path_params = routed
            if op.needs_auth:
                self._check_token(request)
            params = self.schema.parse_params(op, request.query, path_params)
            body = await self._read_body(op, request)
            self.schema.check_body(op, body)
            if op.operation_id in ("sendMessage", "editMessage"):
                _check_keyboard(body)
            if self.latency > 0:
                await asyncio.sleep(self.latency)
            self._maybe_fail(op.operation_id)
            if op.operation_id not in ("getUpdates", "uploadFile"):
                self._within_rate()
            if op.operation_id == "getUpdates":
                result: Any = await self._op_updates(params)
            else:
                self._touched = touched
                result = self._handlers[op.operation_id](params, body)
        except MaxApiError as exc:
            self._record(op, params, body, at, exc.status, None, exc)
            return web.json_response(exc.payload(), status=exc.status, headers=exc.headers)
        self._record(op, params, body, at, 200, result, None, touched)
        if isinstance(result, str):  # the upload host's XML answer
            return web.Response(text=result, content_type="application/xml")
        return web.json_response(result)

    def _record(
        self,
        op: Operation | None,
        params: JSONDict,
        body: Any,
        at: float,
        status: int,
        result: Any,
        error: MaxApiError | None,
        touched: list[JSONDict] | None = None,
    ) -> None:
        method = op.operation_id if op is not None else "unknown"
        call = Call(
            method,
            params,
            body,
            at,
            status,
            result,
            error.code if error else None,
            error.message if error else None,
            [_snapshot(m) for m in touched or []],
        )
        self.calls.append(call)
        self.counts[method] += 1
        self._notify()

    def _check_token(self, request: web.Request) -> None:
        token = request.headers.get("Authorization", request.query.get("access_token"))
        if token != self.token:
            raise MaxApiError(401, "verify.token", "Invalid access_token")

    async def _read_body(self, op: Operation, request: web.Request) -> Any:
        if op.body_type is None:
            return None
        if op.body_type == "multipart/form-data":
            if request.content_type != "multipart/form-data":
                raise _bad("Expected a multipart/form-data upload")
            form = await request.post()
            fields: JSONDict = {}
            for key, item in form.items():
                if isinstance(item, web.FileField):
                    fields[key] = UploadedFile(
                        key, item.filename, item.content_type, item.file.read()
                    )
                else:
                    fields[key] = str(item)
            if not isinstance(fields.get("data"), UploadedFile):
                raise _bad("The file must be the multipart part `data`")
            return fields
        raw = await request.read()
        if not raw:
            raise _bad("Request body is required")
        try:
            return json.loads(raw)
        except ValueError:
            raise _bad("Invalid JSON in request body") from None

    def _maybe_fail(self, operation: str) -> None:
        for key in (operation, "*"):
            if key == "*" and operation == "uploadFile":
                continue
            queue = self._failures.get(key)
            if not queue:
                continue
            failure = queue[0]
            failure.times -= 1
            if failure.times <= 0:
                queue.popleft()
                if not queue:
                    del self._failures[key]
            raise failure.error()

    def _within_rate(self) -> None:
        """Max's requests-per-second budget: a sliding one-second window."""
        if self.rate_limit is None:
            return
        now = self.clock()
        while self._recent and self._recent[0] <= now - 1:
            self._recent.popleft()
        if len(self._recent) >= self.rate_limit:
            self.rate_limited += 1
            raise _Failure(429, 1, 1, None, None).error()
        self._recent.append(now)

    # -- internals: messages -----------------------------------------------------------------

    def _new_mid(self) -> str:
        return f"mid.{next(self._ids):016x}{int(time.time() * 1000):016x}"

    def _recipient(self, params: JSONDict) -> tuple[int | None, int]:
        """(user_id, dialog chat_id) addressed by ``user_id`` or ``chat_id``; (None, chat_id)
        for a group chat the bot is in."""
        user_id = params.get("user_id")
        chat_id = params.get("chat_id")
        if user_id is None and chat_id is None:
            raise _bad("Either user_id or chat_id is required")
        if user_id is None and chat_id in self.groups:
            return None, chat_id
        if user_id is None:
            assert isinstance(chat_id, int)
            found = self._dialog_users.get(chat_id)
            if found is None:
                raise MaxApiError(404, "chat.not.found", f"Chat {chat_id} not found")
            user_id = found
        assert isinstance(user_id, int)
        chat = self.chat_id(user_id)
        if chat_id is not None and chat_id != chat:
            raise _bad("user_id and chat_id address different chats")
        if user_id in self.stopped_users:
            raise MaxApiError(403, "chat.denied", f"Key: error.dialog.suspended, args: [{chat},].")
        return user_id, chat

    def _content(self, body: JSONDict, current: JSONDict | None) -> JSONDict:
        """The new message body (text, attachments) from a NewMessageBody, on top of
        ``current`` for an edit (null = unchanged)."""
        out: JSONDict = dict(current["body"]) if current else {"text": "", "attachments": None}
        text = body.get("text")
        if text is not None:
            out["text"] = render_text(text, body.get("format"))
        attachments = body.get("attachments")
        if attachments is not None:
            out["attachments"] = self._attachments_of(attachments) or None
        if not out.get("text") and not out.get("attachments"):
            raise _bad("Message must have text or attachments")
        return out

    def _attachments_of(self, requests: list[JSONDict]) -> list[JSONDict]:
        out: list[JSONDict] = []
        kinds = Counter(str(r["type"]) for r in requests)
        if kinds["inline_keyboard"] > 1:
            raise _bad("Must be only one inline keyboard in message")
        if kinds["file"] > 1:
            raise _bad("Must be only one file attachment in message")
        if kinds["file"] and any(kinds[k] for k in ("image", "video", "audio")):
            raise _bad("File attachment can't be sent with other media")
        pending: list[_Attachment] = []
        for request in requests:
            kind, payload = str(request["type"]), request.get("payload") or {}
            if kind == "inline_keyboard":
                for row in payload["buttons"]:
                    for button in row:
                        data = button.get("payload")
                        if (
                            button["type"] == "callback"
                            and len(str(data).encode()) > CALLBACK_PAYLOAD_LIMIT
                        ):
                            raise _bad(
                                f"Button payload is longer than {CALLBACK_PAYLOAD_LIMIT} bytes"
                            )
                out.append({"type": "inline_keyboard", "payload": {"buttons": payload["buttons"]}})
                continue
            if kind == "image" and payload.get("url"):
                photo = self._new_attachment("image", b"", "image.jpg")
                out.append(
                    {
                        "type": "image",
                        "payload": {
                            "photo_id": photo.photo_id,
                            "token": photo.token,
                            "url": str(payload["url"]),
                        },
                    }
                )
                continue
            token = payload.get("token")
            if kind == "image" and not token and isinstance(payload.get("photos"), dict):
                token = next((p.get("token") for p in payload["photos"].values()), None)
            stored = self._attachments.get(str(token)) if token else None
            if stored is None:
                raise _bad(f"Invalid {kind} attachment: unknown token")
            if stored.kind != kind:
                raise _bad(f"Token of a {stored.kind} attached as {kind}")
            pending.append(stored)
            out.append(self._attachment_json(stored))
        now = time.monotonic()
        not_ready = [
            a for a in pending if a.content is None or a.not_ready_left > 0 or now < a.ready_at
        ]
        if not_ready:
            for attachment in not_ready:
                attachment.not_ready_left = max(0, attachment.not_ready_left - 1)
            raise MaxApiError(400, "attachment.not.ready", NOT_READY_MESSAGE)
        return out

    def _new_attachment(self, kind: str, content: bytes | None, filename: str) -> _Attachment:
        n = next(self._ids)
        attachment = _Attachment(
            token=f"tok{kind[0].upper()}{n:08d}{int(time.time()) % 100000:05d}",
            kind=kind,
            content=content,
            filename=filename,
            photo_id=n,
        )
        self._attachments[attachment.token] = attachment
        return attachment

    def _attachment_json(self, attachment: _Attachment) -> JSONDict:
        url = f"{self.base_url}/_files/{attachment.token}"
        if attachment.kind == "image":
            payload: JSONDict = {
                "photo_id": attachment.photo_id,
                "token": attachment.token,
                "url": url,
            }
            return {"type": "image", "payload": payload}
        out: JSONDict = {
            "type": attachment.kind,
            "payload": {"url": url, "token": attachment.token},
        }
        if attachment.kind == "file":
            out["filename"] = attachment.filename
            out["size"] = len(attachment.content or b"")
        return out

    def _store(self, msg: JSONDict) -> JSONDict:
        self.messages[msg["body"]["mid"]] = msg
        self._touched.append(msg)
        return msg

    def _own_message(self, mid: str) -> JSONDict:
        msg = self.messages.get(mid)
        if msg is None:
            raise _not_found(f"Message {mid} not found")
        return msg

    def _edit(self, msg: JSONDict, body: JSONDict) -> None:
        if (msg.get("sender") or {}).get("user_id") != self.bot_id:
            raise MaxApiError(403, "access.denied", "Only the bot's own messages can be edited")
        content = self._content(body, msg)
        self._store({**msg, "body": content})

    # -- operations --------------------------------------------------------------------------

    def _op_get_me(self, params: JSONDict, body: Any) -> JSONDict:
        return {
            **self.bot_user,
            "last_activity_time": _now_ms(),
            "description": "The insurer's cabinet (fake)",
            "commands": None,
        }

    def _op_send(self, params: JSONDict, body: JSONDict) -> JSONDict:
        user_id, chat_id = self._recipient(params)
        content = self._content(body, None)
        kind = "dialog" if user_id is not None else "chat"
        msg: JSONDict = {
            "sender": self.bot_user,
            "recipient": {"chat_id": chat_id, "chat_type": kind, "user_id": user_id},
            "timestamp": _now_ms(),
            "body": {"mid": self._new_mid(), "seq": next(self._msg_seq), **content},
        }
        link = body.get("link")
        if isinstance(link, dict):
            linked = self.messages.get(str(link["mid"]))
            if linked is None:
                raise _bad(f"Linked message {link['mid']} not found")
            msg["link"] = {
                "type": link["type"],
                "sender": linked.get("sender"),
                "chat_id": linked["recipient"]["chat_id"],
                "message": linked["body"],
            }
        return {"message": self._store(msg)}

    def _op_edit(self, params: JSONDict, body: JSONDict) -> JSONDict:
        self._edit(self._own_message(str(params["message_id"])), body)
        return {"success": True}

    def _op_delete(self, params: JSONDict, body: Any) -> JSONDict:
        mid = str(params["message_id"])
        self._own_message(mid)
        del self.messages[mid]
        self.deleted.add(mid)
        return {"success": True}

    def _op_get_message(self, params: JSONDict, body: Any) -> JSONDict:
        return self._own_message(str(params["messageId"]))

    def _op_answer(self, params: JSONDict, body: JSONDict) -> JSONDict:
        found = self._callbacks.get(str(params["callback_id"]))
        if found is None:
            raise _not_found("Callback not found")
        user_id, mid = found
        message, notification = body.get("message"), body.get("notification")
        if message is None and notification is None:
            raise _bad("Either message or notification is required")
        if message is not None:
            self._edit(self._own_message(mid), message)
        if notification is not None:
            self.notifications.append((user_id, str(notification)))
        return {"success": True}

    def _op_upload_url(self, params: JSONDict, body: Any) -> JSONDict:
        kind = str(params["type"])
        upload_id = f"u{next(self._ids):010d}"
        token = None
        if kind in {"video", "audio"}:  # their token comes with the URL; usable once uploaded
            token = self._new_attachment(kind, None, f"{kind}.bin").token
        self._uploads[upload_id] = _Upload(upload_id, kind, token)
        out: JSONDict = {"url": f"{self.base_url}/upload/{upload_id}"}
        if token is not None:
            out["token"] = token
        return out

    def _op_upload(self, params: JSONDict, body: JSONDict) -> JSONDict | Any:
        upload = self._uploads.get(str(params["uploadId"]))
        if upload is None:
            raise _not_found("Upload URL not found")
        if upload.used:
            raise _bad("Only one file can be uploaded to an upload URL")
        upload.used = True
        file: UploadedFile = body["data"]
        name = file.filename or "file.bin"
        if upload.token is not None:
            attachment = self._attachments[upload.token]
            attachment.content, attachment.filename = file.content, name
        else:
            attachment = self._new_attachment(upload.kind, file.content, name)
        attachment.ready_at = time.monotonic() + self.attachment_ready_after
        attachment.not_ready_left = self.attachment_not_ready
        if upload.kind == "file":
            return {"token": attachment.token}
        if upload.kind == "image":
            return {"photos": {str(attachment.photo_id): {"token": attachment.token}}}
        return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n<retval>1</retval>'

    def _op_get_subscriptions(self, params: JSONDict, body: Any) -> JSONDict:
        subs = [self.subscription.as_json()] if self.subscription is not None else []
        return {"subscriptions": subs}

    def _op_subscribe(self, params: JSONDict, body: JSONDict) -> JSONDict:
        url = str(body["url"])
        if not url.startswith(("https://", "http://")):  # Max: https only; the fake: http too
            raise _bad("url must be an https:// URL")
        types = body.get("update_types")
        self.subscription = _Subscription(
            url,
            body.get("secret"),
            frozenset(types) if types else None,
            _now_ms(),
        )
        self._wake_pollers()  # a waiting GET /updates now answers 405
        self._webhook_changed()
        self._pump_webhook()
        return {"success": True}

    def _op_unsubscribe(self, params: JSONDict, body: Any) -> JSONDict:
        if self.subscription is not None and self.subscription.url == params["url"]:
            self.subscription = None
            self._webhook_changed()
        return {"success": True}

    # -- long polling ------------------------------------------------------------------------

    async def _op_updates(self, params: JSONDict) -> JSONDict:
        self._refuse_polling()
        marker = params.get("marker")
        limit = int(params.get("limit", 100))
        timeout = float(params.get("timeout", 30))
        types = params.get("types")
        wanted = frozenset(types) if types else None
        if isinstance(marker, int):
            while self._updates and self._updates[0][0] < marker:
                self._updates.popleft()
            self._notify()
        self.polls_arrived += 1
        self._notify()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            self._refuse_polling()
            batch = [
                (seq, u) for seq, u in self._updates if wanted is None or u["update_type"] in wanted
            ][:limit]
            if batch:
                return {"updates": [u for _, u in batch], "marker": batch[-1][0] + 1}
            remaining = deadline - loop.time()
            if remaining <= 0 or self._closing:
                # nothing pending, or only updates `types` does not take: skip them all
                return {"updates": [], "marker": max(self._next_seq, marker or 0)}
            if self._updates_event is None:
                self._updates_event = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_event.wait(), remaining)

    def _refuse_polling(self) -> None:
        if self.subscription is not None:
            raise MaxApiError(
                405,
                "method.not.allowed",
                "Long polling is not available while a webhook subscription is active",
            )

    # -- webhook delivery --------------------------------------------------------------------

    def _pump_webhook(self) -> None:
        """Start delivering queued updates, up to ``webhook_max_connections`` at once."""
        sub = self.subscription
        free = self.webhook_max_connections - len(self._webhook_in_flight)
        if sub is None or self._closing or free <= 0:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # fed from sync code: delivered on the next pump in the loop
            return
        unwanted: list[tuple[int, JSONDict]] = []
        for item in self._updates:
            if free <= 0:
                break
            seq, update = item
            if seq in self._webhook_in_flight:
                continue
            if sub.update_types is not None and update["update_type"] not in sub.update_types:
                unwanted.append(item)
                continue
            self._webhook_in_flight.add(seq)
            task = loop.create_task(self._deliver(seq, update))
            self._webhook_tasks.add(task)
            task.add_done_callback(self._webhook_tasks.discard)
            free -= 1
        if unwanted:
            for item in unwanted:
                self._updates.remove(item)
                self.dropped_updates.append(item[1])
            self._notify()

    async def _deliver(self, seq: int, update: JSONDict) -> None:
        """POST one update until a 200 answer or the subscription's removal."""
        generation = self._queue_generation
        attempt = 0
        try:
            while (sub := self.subscription) is not None and generation == self._queue_generation:
                if await self._post_update(sub, seq, update):
                    with contextlib.suppress(ValueError):
                        self._updates.remove((seq, update))
                    self._notify()
                    return
                delay = min(
                    self.webhook_retry_base * self.webhook_retry_factor**attempt,
                    self.webhook_retry_max,
                )
                attempt += 1
                if self._webhook_event is None:
                    self._webhook_event = asyncio.Event()
                with contextlib.suppress(TimeoutError):  # (un)subscribing wakes us
                    await asyncio.wait_for(self._webhook_event.wait(), delay)
        finally:
            self._webhook_in_flight.discard(seq)
            self._pump_webhook()

    async def _post_update(self, sub: _Subscription, seq: int, update: JSONDict) -> bool:
        if self._http is None:
            self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        headers = {"Content-Type": "application/json"}
        if sub.secret:
            headers[WEBHOOK_SECRET_HEADER] = sub.secret
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        try:
            async with self._http.post(
                sub.url,
                data=json.dumps(update),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                allow_redirects=False,
            ) as resp:
                status = resp.status
                await resp.read()
                if status != HTTPStatus.OK:
                    error = f"HTTP {status}"
        except TimeoutError:
            error = "timeout"
        except (aiohttp.ClientError, OSError) as exc:
            error = f"{type(exc).__name__}: {exc}"
        self.webhook_deliveries.append(
            WebhookDelivery(
                seq,
                str(update["update_type"]),
                sub.url,
                status,
                started,
                sub.secret,
                time.monotonic() - started,
                error,
            )
        )
        self._notify()
        return error is None

    def _webhook_changed(self) -> None:
        if self._webhook_event is not None:
            self._webhook_event.set()
            self._webhook_event = None

    # -- files and the control API -----------------------------------------------------------

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        token = request.match_info["token"]
        self.downloads.append(token)
        stored = self._attachments.get(token)
        if stored is None or stored.content is None:
            return web.json_response({"code": "not.found", "message": "File not found"}, status=404)
        return web.Response(body=stored.content, content_type="application/octet-stream")

    async def _handle_control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        body: Any = {}
        if request.method == "POST" and request.body_exists:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"ok": False, "description": "bad JSON"}, status=400)
        try:
            result = self._control(action, body, request.query)
        except (TypeError, ValueError, KeyError, AssertionError) as exc:
            return web.json_response(
                {"ok": False, "description": f"{type(exc).__name__}: {exc}"}, status=400
            )
        if result is _NOT_FOUND:
            return web.json_response({"ok": False, "description": "unknown action"}, status=404)
        return web.json_response({"ok": True, "result": _jsonable(result)})

    def _control(self, action: str, body: Any, query: Mapping[str, str]) -> Any:
        builders: dict[str, Callable[..., JSONDict]] = {
            "message_created": self.message_created,
            "message_callback": self.message_callback,
            "bot_started": self.bot_started,
            "bot_stopped": self.bot_stopped,
            "dialog_removed": self.dialog_removed,
        }
        if action in builders:
            items = body if isinstance(body, list) else [body]
            return [builders[action](**item) for item in items]
        if action == "feed":
            items = body if isinstance(body, list) else [body]
            return [self.feed(dict(item)) for item in items]
        if action == "fail":
            self.fail_next(**body)
            return True
        if action == "clear":
            self.clear()
            return True
        if action == "calls":
            after = int(query.get("after", "0"))
            name = query.get("method")
            return [
                {**_call_dict(c), "index": i}
                for i, c in enumerate(self.calls[after:], start=after)
                if name is None or c.method == name
            ]
        if action == "stats":
            return {
                "calls": len(self.calls),
                "counts": dict(self.counts),
                "pending_updates": len(self._updates),
                "messages": len(self.messages),
                "webhook_deliveries": len(self.webhook_deliveries),
            }
        return _NOT_FOUND


_NOT_FOUND = object()
_SCHEMA: MaxSchema | None = None


def _default_schema() -> MaxSchema:
    global _SCHEMA  # noqa: PLW0603 - compiled once per process
    if _SCHEMA is None:
        _SCHEMA = MaxSchema()
    return _SCHEMA


def _snapshot(msg: JSONDict) -> JSONDict:
    return json.loads(json.dumps(msg))  # type: ignore[no-any-return]


def _jsonable(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return {"filename": value.filename, "content_type": value.content_type, "size": value.size}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _call_dict(call: Call) -> JSONDict:
    return {
        "method": call.method,
        "params": call.params,
        "body": _jsonable(call.body),
        "at": call.at,
        "status": call.status,
        "result": call.result,
        "error": call.error,
    }


def _call_summary(call: Call) -> str:
    parts = [f"{call.method}[{call.status}]"]
    parts += [f"{k}={v!r}" for k, v in call.params.items()]
    text = call.text
    if text is not None:
        parts.append(f"text={text[:57] + '...' if len(text) > 60 else text!r}")
    if call.error:
        parts.append(f"error={call.error}: {call.error_message}")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# Standalone server
# --------------------------------------------------------------------------------------------


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_max", description="Fake Max Bot API server"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 = any free port")
    parser.add_argument("--token", default=DEFAULT_TOKEN)
    parser.add_argument("--bot-id", type=int, default=700000001)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument(
        "--attachment-not-ready",
        type=int,
        default=1,
        help="sends with a fresh upload token that answer attachment.not.ready",
    )
    parser.add_argument(
        "--rate-limit", type=float, default=None, help="API requests a second (429 beyond)"
    )
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    mx = FakeMax(
        token=args.token,
        bot_id=args.bot_id,
        latency=args.latency,
        attachment_not_ready=args.attachment_not_ready,
        rate_limit=args.rate_limit,
    )
    url = await mx.start(args.host, args.port)
    sys.stdout.write(url + "\n")
    sys.stdout.flush()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await stop.wait()
    finally:
        await mx.stop()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
