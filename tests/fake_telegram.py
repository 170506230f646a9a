"""A fake Telegram Bot API server over real HTTP, for end-to-end tests and benchmarks.

The real bot (or any aiogram ``Bot``) talks to it exactly as to api.telegram.org::

    from tests.fake_telegram import FakeTelegram

    async with FakeTelegram() as tg:                  # binds 127.0.0.1 on a free port
        env = {"TELEGRAM_API_URL": tg.base_url, "TELEGRAM_BOT_TOKEN": "42:TEST"}
        ...start the bot as a subprocess with env...
        mark = tg.mark()                              # index into tg.calls
        tg.user_message(1001, "/start")               # builds AND feeds an update
        call = await tg.wait_for("sendMessage", after=mark)
        assert "Welcome" in call.text
        tg.press(1001, call, "Settings")              # find the inline button, feed a callback
        edit = await tg.wait_for("editMessageText", after=mark)

In-process with aiogram::

    bot = Bot("42:TEST", session=AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url)))

What it does
------------
* ``POST|GET {base}/bot{token}/{method}`` accepts urlencoded, multipart, JSON bodies and query
  strings. JSON-looking values (``reply_markup``, ``entities``...) are decoded back to Python
  objects (except free-text fields such as ``text``/``caption``/``data``); ``chat_id``,
  ``message_id``, ``offset``... are coerced to ``int``; other values stay strings ("true", "5").
  Uploaded files become :class:`UploadedFile` objects (``attach://`` references are resolved).
* Every call is recorded as :class:`Call` in ``tg.calls`` (method in Telegram spelling) with
  its status, result and snapshots of the messages it created/changed. Helpers:
  ``calls_of``, ``count``, ``mark``, ``wait_for``, ``wait_count``, ``assert_no_call``,
  ``drain`` (all fed updates confirmed), ``sent_messages`` / ``sent_texts`` (successful sends,
  copies, forwards and text/caption edits, text as the user sees it: HTML tags stripped),
  ``message(chat_id, message_id)`` / ``last_message(chat_id)`` (current version), ``summary``.
* Messages the bot sends are kept in a store (``tg.messages[(chat_id, message_id)]``) so edits
  return the edited message and ``tg.callback(user, message_id, data)`` can find it. Fed user
  messages are stored too (message ids are per chat and shared, as in Telegram).
* Update builders (they feed by default; ``feed=False`` only builds): ``user_message``,
  ``callback``, ``press`` (find a button by text and press it), ``my_chat_member``,
  ``channel_post``; raw ``feed(update)``. Keyboards: ``buttons(x)``, ``button(x, "text")``.
* ``getUpdates`` long-polls an internal queue (``offset`` confirms, ``timeout``, ``limit``,
  ``allowed_updates`` filters like Telegram: undelivered update types are dropped into
  ``tg.dropped_updates``). A second concurrent poller makes the first one get 409 Conflict;
  an active webhook (``setWebhook``) makes ``getUpdates`` answer 409 as Telegram does.
* Webhook mode: after ``setWebhook`` (``url``, ``secret_token``, ``max_connections`` = 40,
  ``allowed_updates``, ``drop_pending_updates``) every queued and fed update is POSTed as JSON to
  the URL (``X-Telegram-Bot-Api-Secret-Token`` when a secret is set), up to ``max_connections``
  requests in flight, so one chat's consecutive updates may arrive concurrently. Only a 2xx
  answer confirms an update; anything else (or a connection error, or ``webhook_timeout`` = 60 s)
  is retried with a backoff from ``webhook_retry_base`` (0.2 s) doubling to ``webhook_retry_max``
  (2 s) until it succeeds or ``deleteWebhook``, and shows in ``getWebhookInfo``
  (``tg.webhook_info``) as ``last_error_*``. Every attempt is a :class:`WebhookDelivery` in
  ``tg.webhook_deliveries``. A Bot API call in a 2xx answer (aiogram's multipart
  ``method=...`` or JSON ``{"method": ...}``) is executed and recorded like any call. ``drain``
  waits for the 2xx of every fed update; closing the fake stops delivery.
* ``strict=True`` (default) reproduces the Telegram errors a bot most often trips on:
  empty/too long text or caption, HTML/MarkdownV2 that Telegram cannot parse, callback_data
  over 64 bytes, "message is not modified", "message to edit/delete not found", "there is no
  text in the message to edit", "message to be replied not found", getFile of an unknown id
  or of a file over 20 MB. ``strict=False`` accepts all of that.
* Failure injection: ``tg.fail("sendMessage", 429, retry_after=3)``, ``tg.blocked_chats.add(id)``
  (send* answers 403; a ``my_chat_member`` "kicked" update does that automatically), rate
  limits ``FakeTelegram(rate_limit_global=30, rate_limit_per_chat=1)`` (sliding 1 s windows,
  send*/copy*/forward* only; rejections counted in ``tg.rate_limited``), ``latency=0.05``.
* Unknown methods answer ``true`` and are recorded.

Standalone (for a benchmark in another process)::

    python -m tests.fake_telegram --port 8081 --rate-limit-global 30 --rate-limit-per-chat 1

prints the base URL on one line and serves until killed. A small JSON control API lives under
``{base}/_fake/``: ``POST feed`` (an update or a list), ``POST user_message|callback|
my_chat_member|channel_post`` (the builder's keyword arguments as a JSON object, or a list),
``GET calls?after=N&method=M``, ``GET stats``, ``GET wait?method=M&count=N&timeout=S``,
``POST fail`` ({"method", "status", "times", "retry_after", "description"}),
``POST block`` / ``POST unblock`` ({"chat_id"}), ``POST clear``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import html
import importlib.util
import itertools
import json
import math
import re
import signal
import sys
import time
import typing
import urllib.parse
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import aiohttp
from aiohttp import web

__all__ = ["Call", "FakeTelegram", "UploadedFile", "WebhookDelivery"]

JSONDict = dict[str, Any]
ChatKey = int

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
GET_FILE_LIMIT = 20 * 1024 * 1024

_TOKEN_RE = re.compile(r"\d+:[^/\s]+")
_INT_RE = re.compile(r"-?\d+")
_INT_KEYS = frozenset(
    {
        "chat_id",
        "from_chat_id",
        "message_id",
        "user_id",
        "reply_to_message_id",
        "message_thread_id",
        "offset",
        "limit",
        "timeout",
        "cache_time",
    }
)
# Free-text parameters that must never be JSON-decoded even if they look like JSON.
_TEXT_KEYS = frozenset(
    {
        "text",
        "caption",
        "data",
        "description",
        "short_description",
        "name",
        "title",
        "question",
        "explanation",
        "query",
        "message_text",
        "address",
        "first_name",
        "last_name",
        "custom_title",
        "emoji",
        "payload",
        "provider_data",
        "start_parameter",
        "callback_query_id",
        "inline_message_id",
        "url",
        "secret_token",
    }
)
_SECRET_TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# method -> (parameter holding the file, message field)
_MEDIA_METHODS: dict[str, str] = {
    "sendPhoto": "photo",
    "sendDocument": "document",
    "sendVideo": "video",
    "sendAudio": "audio",
    "sendVoice": "voice",
    "sendAnimation": "animation",
    "sendVideoNote": "video_note",
    "sendSticker": "sticker",
}
_CONTENT_KEYS = (
    "text",
    "entities",
    "caption",
    "caption_entities",
    "photo",
    "document",
    "video",
    "audio",
    "voice",
    "animation",
    "video_note",
    "sticker",
    "location",
    "venue",
    "contact",
    "dice",
    "poll",
    "invoice",
)
_MESSAGE_UPDATE_KEYS = ("message", "edited_message", "channel_post", "edited_channel_post")
_MESSAGE_KINDS = frozenset({"message", "messages", "message_id", "message_ids"})
_TEXT_EDIT_METHODS = frozenset({"editMessageText", "editMessageCaption", "editMessageMedia"})
_CAPTION_METHODS = frozenset(
    {*_MEDIA_METHODS, "copyMessage", "editMessageCaption", "sendMediaGroup"}
) - {"sendSticker", "sendVideoNote"}

_HTML_TAGS = frozenset(
    {
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "tg-time",
    }
)
_HTML_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(\s[^<>]*)?>")
_HTML_STRIP_RE = re.compile(r"<[^<>]*>")
_MDV2_RESERVED = "#+-={}.!()>"

_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)


# --------------------------------------------------------------------------------------------
# Public records
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class UploadedFile:
    """A file part of a multipart request (``attach://`` references are resolved to it)."""

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
    """One recorded Bot API request.

    ``status`` is the HTTP status the fake answered; ``result`` is the ``result`` field of a
    successful answer (e.g. the Message dict); ``error`` the description of a failed one.
    """

    method: str
    params: JSONDict
    at: float
    status: int = 200
    result: Any = None
    error: str | None = None
    messages: list[JSONDict] = field(default_factory=list)
    """Snapshots of the messages this call created or changed (several for a media group)."""

    @property
    def ok(self) -> bool:
        return self.status == HTTPStatus.OK

    @property
    def chat_id(self) -> int | str | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int | str) else None

    @property
    def text(self) -> str | None:
        """The raw ``text`` (or ``caption``) parameter, markup included."""
        value = self.params.get("text", self.params.get("caption"))
        return value if isinstance(value, str) else None

    @property
    def message(self) -> JSONDict | None:
        """The Message dict the fake answered with (None for ``true``/MessageId/errors)."""
        result = self.result
        if isinstance(result, dict) and "chat" in result:
            return result
        return None


@dataclass(slots=True, frozen=True)
class WebhookDelivery:
    """One webhook POST attempt. ``status`` is None for a connection error or a timeout."""

    update_id: int
    url: str
    status: int | None
    at: float
    """``time.monotonic()`` when the attempt started."""
    duration: float = 0.0
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


class TelegramError(Exception):
    """Raised inside handlers; becomes a Telegram-style error answer."""

    def __init__(
        self, status: int, description: str, parameters: Mapping[str, Any] | None = None
    ) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.parameters = dict(parameters) if parameters else None

    def payload(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass(slots=True)
class _Failure:
    status: int
    times: int
    retry_after: int | None
    description: str | None
    chat_id: int | str | None

    def error(self) -> TelegramError:
        if self.status == HTTPStatus.TOO_MANY_REQUESTS:
            retry_after = self.retry_after if self.retry_after is not None else 1
            return TelegramError(
                429,
                self.description or f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        return TelegramError(self.status, self.description or _default_description(self.status))


@dataclass(slots=True)
class _StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    content: bytes
    file_size: int
    file_name: str | None = None
    mime_type: str | None = None


class _Window:
    """Sliding-window limiter: at most ``capacity`` events per ``period`` seconds."""

    __slots__ = ("capacity", "period", "stamps")

    def __init__(self, rate: float) -> None:
        if rate <= 0:
            raise ValueError("rate limit must be positive")
        if rate >= 1:
            self.capacity, self.period = int(rate), 1.0
        else:
            self.capacity, self.period = 1, 1.0 / rate
        self.stamps: deque[float] = deque()

    def wait_time(self, now: float, n: int = 1) -> float:
        stamps = self.stamps
        while stamps and stamps[0] <= now - self.period:
            stamps.popleft()
        n = min(n, self.capacity)
        excess = len(stamps) + n - self.capacity
        if excess <= 0:
            return 0.0
        return stamps[excess - 1] + self.period - now

    def take(self, now: float, n: int = 1) -> None:
        self.stamps.extend(itertools.repeat(now, min(n, self.capacity)))


# --------------------------------------------------------------------------------------------
# Method table (names are case-insensitive; aiogram knows every method and its return type)
# --------------------------------------------------------------------------------------------


_API_METHOD_RE = re.compile(r'__api_method__\s*=\s*"(\w+)"')
_RETURNING_RE = re.compile(r"__returning__\s*=\s*(.+)")
_RETURN_KINDS = {
    "Message": "message",
    "Message | bool": "message",
    "list[Message]": "messages",
    "MessageId": "message_id",
    "list[MessageId]": "message_ids",
    "bool": "bool",
}


def _load_method_table() -> tuple[dict[str, str], dict[str, str]]:
    """Return (lower-case name -> Telegram spelling, Telegram spelling -> result kind).

    Read from the *source* of the installed aiogram's ``methods`` package (one file per Bot
    API method) instead of importing it: importing aiogram costs ~3 s of pydantic model
    building, which the standalone server should not pay.
    """
    names: dict[str, str] = {}
    kinds: dict[str, str] = {}
    spec = importlib.util.find_spec("aiogram")  # does not import the package
    for location in (spec.submodule_search_locations or []) if spec else []:
        for path in Path(location, "methods").glob("*.py"):
            source = path.read_text(encoding="utf-8")
            api = _API_METHOD_RE.search(source)
            if api is None:
                continue
            returning = _RETURNING_RE.search(source)
            name = api.group(1)
            names[name.lower()] = name
            kinds[name] = (
                _RETURN_KINDS.get(returning.group(1).strip(), "other") if returning else "other"
            )
    for name in (*_MEDIA_METHODS, "getMe", "getUpdates", "sendMessage", "editMessageText"):
        names.setdefault(name.lower(), name)
    return names, kinds


_METHOD_NAMES, _METHOD_KINDS = _load_method_table()


def canonical_method(name: str) -> str:
    """Telegram spelling of a (case-insensitive) method name; unknown names are kept."""
    return _METHOD_NAMES.get(name.lower(), name)


def _is_sender(method: str) -> bool:
    return method.startswith(("send", "copy", "forward"))


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _default_description(status: int) -> str:
    if status == HTTPStatus.BAD_REQUEST:
        return "Bad Request: injected error"
    if status == HTTPStatus.UNAUTHORIZED:
        return "Unauthorized"
    if status == HTTPStatus.FORBIDDEN:
        return "Forbidden: bot was blocked by the user"
    if status == HTTPStatus.NOT_FOUND:
        return "Not Found"
    if status == HTTPStatus.CONFLICT:
        return (
            "Conflict: terminated by other getUpdates request; "
            "make sure that only one bot instance is running"
        )
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"Error {status}"


def _as_int(value: Any, default: int) -> int:
    if isinstance(value, bool):
        return default
    if isinstance(value, int):
        return value
    if isinstance(value, str) and _INT_RE.fullmatch(value):
        return int(value)
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        try:
            return int(float(value))
        except ValueError:
            return default
    return default


def _as_float(value: Any, default: float) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return default
    return default


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _decode_value(key: str, value: str) -> Any:
    if key in _INT_KEYS and _INT_RE.fullmatch(value):
        return int(value)
    if key not in _TEXT_KEYS and value[:1] in ("{", "["):
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        if isinstance(decoded, dict | list):
            return decoded
    return value


def _json_params(params: JSONDict, body: Any) -> JSONDict:
    if isinstance(body, dict):
        for key, value in body.items():
            params[key] = _decode_value(key, value) if isinstance(value, str) else value
    return params


def form_params(params: JSONDict, fields: Iterable[tuple[str, str | UploadedFile]]) -> JSONDict:
    files: dict[str, UploadedFile] = {}
    for key, item in fields:
        if isinstance(item, UploadedFile):
            files[key] = item
        else:
            params[key] = _decode_value(key, item)
    if files:
        used: set[str] = set()
        params = {k: _resolve_attachments(v, files, used) for k, v in params.items()}
        for key, file in files.items():
            if key not in used:
                params[key] = file
    return params


def _resolve_attachments(value: Any, files: dict[str, UploadedFile], used: set[str]) -> Any:
    if isinstance(value, str):
        if value.startswith("attach://") and value[9:] in files:
            used.add(value[9:])
            return files[value[9:]]
        return value
    if isinstance(value, dict):
        return {k: _resolve_attachments(v, files, used) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve_attachments(v, files, used) for v in value]
    return value


def render_text(text: str, parse_mode: str | None) -> str:
    """What the user sees: markup removed (HTML exactly, Markdown approximately)."""
    if not parse_mode:
        return text
    mode = parse_mode.lower()
    if mode == "html":
        return html.unescape(_HTML_STRIP_RE.sub("", text))
    if mode in {"markdown", "markdownv2"}:
        return _render_markdown(text, "*_~|`" if mode == "markdownv2" else "*_`")
    return text


def _render_markdown(text: str, markers: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n:
            out.append(text[i + 1])
            i += 2
        elif c in markers or c == "[":
            i += 1
        elif c == "]":
            if i + 1 < n and text[i + 1] == "(":
                j = i + 2
                while j < n and text[j] != ")":
                    j += 2 if text[j] == "\\" else 1
                i = j + 1
            else:
                i += 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def check_markup(text: str, parse_mode: str | None) -> str | None:
    """Telegram's "can't parse entities" reason for ``text``, or None if it parses."""
    if not parse_mode:
        return None
    mode = parse_mode.lower()
    if mode == "html":
        return _check_html(text)
    if mode == "markdownv2":
        return _check_markdown_v2(text)
    return None


def _check_html(text: str) -> str | None:
    stack: list[str] = []
    pos = 0
    while (i := text.find("<", pos)) != -1:
        offset = len(text[:i].encode())
        match = _HTML_TAG_RE.match(text, i)
        if match is None:
            word = text[i + 1 : i + 8].split(maxsplit=1)[0] if text[i + 1 : i + 8].strip() else ""
            return f'Unsupported start tag "{word}" at byte offset {offset}'
        closing, name = match.group(1) == "/", match.group(2).lower()
        if name not in _HTML_TAGS:
            kind = "end" if closing else "start"
            return f'Unsupported {kind} tag "{name}" at byte offset {offset}'
        if closing:
            if not stack:
                return f'Unexpected end tag at byte offset {offset}, found "</{name}>"'
            if stack[-1] != name:
                return (
                    f'Unmatched end tag at byte offset {offset}, expected "</{stack[-1]}>", '
                    f'found "</{name}>"'
                )
            stack.pop()
        elif not match.group(0).endswith("/>"):
            stack.append(name)
        pos = match.end()
    if stack:
        return f'Can\'t find end tag corresponding to start tag "{stack[-1]}"'
    return None


def _check_markdown_v2(text: str) -> str | None:
    i, n = 0, len(text)
    in_code = in_pre = False
    while i < n:
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if text.startswith("```", i):
            in_pre = not in_pre
            i += 3
            continue
        if in_pre:
            i += 1
            continue
        if c == "`":
            in_code = not in_code
        elif in_code:
            pass
        elif c == "]" and i + 1 < n and text[i + 1] == "(":
            j = i + 2
            while j < n and text[j] != ")":
                j += 2 if text[j] == "\\" else 1
            if j >= n:
                return "Can't find end of a URL at byte offset " + str(len(text[:i].encode()))
            i = j
        elif c == ">" and (i == 0 or text[i - 1] == "\n"):
            pass
        elif c in _MDV2_RESERVED:
            return f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
        i += 1
    if in_pre or in_code:
        return "Can't find end of Pre entity" if in_pre else "Can't find end of Code entity"
    return None


def _keyboard_rows(markup: Any) -> list[list[JSONDict]]:
    if not isinstance(markup, dict):
        return []
    rows = markup.get("inline_keyboard", markup.get("keyboard"))
    if not isinstance(rows, list):
        return []
    result: list[list[JSONDict]] = []
    for row in rows:
        if isinstance(row, list):
            result.append([b if isinstance(b, dict) else {"text": str(b)} for b in row])
    return result


def _jsonable(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        return {"filename": value.filename, "content_type": value.content_type, "size": value.size}
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def _call_summary(call: Call) -> str:
    parts = [f"{call.method}[{call.status}]"]
    for key in ("chat_id", "message_id", "text", "caption", "data", "callback_query_id"):
        if key in call.params:
            value = call.params[key]
            if isinstance(value, str) and len(value) > 60:
                value = value[:57] + "..."
            parts.append(f"{key}={value!r}")
    if call.error:
        parts.append(f"error={call.error!r}")
    return " ".join(parts)


# --------------------------------------------------------------------------------------------
# The fake
# --------------------------------------------------------------------------------------------

Handler = Callable[[str, JSONDict], Any]


class FakeTelegram:
    """A fake Bot API server. See the module docstring."""

    def __init__(
        self,
        *,
        bot_id: int = 123456,
        bot_username: str = "cabinet_test_bot",
        bot_first_name: str = "Cabinet Test Bot",
        rate_limit_global: float | None = None,
        rate_limit_per_chat: float | None = None,
        strict: bool = True,
        latency: float = 0.0,
    ) -> None:
        self.bot_id = bot_id
        self.bot_username = bot_username
        self.bot_user: JSONDict = {
            "id": bot_id,
            "is_bot": True,
            "first_name": bot_first_name,
            "username": bot_username,
        }
        self.strict = strict
        self.latency = latency
        self.calls: list[Call] = []
        self.counts: Counter[str] = Counter()
        self.messages: dict[tuple[ChatKey, int], JSONDict] = {}
        self.deleted: set[tuple[ChatKey, int]] = set()
        self.blocked_chats: set[int] = set()
        self.rate_limited = 0
        self.dropped_updates: list[JSONDict] = []
        self.downloads: list[str] = []
        self.commands: dict[str, list[JSONDict]] = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None
        self.webhook_max_connections = 40
        self.webhook_timeout = 60.0
        self.webhook_retry_base = 0.2
        self.webhook_retry_max = 2.0
        self.webhook_last_error_date: int | None = None
        self.webhook_last_error_message: str | None = None
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.descriptions: dict[str, str] = {}

        self._rate_global = rate_limit_global
        self._rate_chat = rate_limit_per_chat
        self._window_global = _Window(rate_limit_global) if rate_limit_global else None
        self._windows_chat: dict[ChatKey, _Window] = {}

        self._updates: deque[JSONDict] = deque()
        self._next_update_id = 1
        self._allowed_updates: frozenset[str] | None = None
        self._poll_generation = 0
        self.polls_arrived = 0  # getUpdates requests received (a call is recorded when it ends)
        self._updates_event: asyncio.Event | None = None
        self._calls_event: asyncio.Event | None = None
        self._waiters = 0
        self._clear_generation = 0
        self._queue_generation = 0  # bumped when pending updates are dropped
        self._webhook_in_flight: set[int] = set()
        self._webhook_tasks: set[asyncio.Task[None]] = set()
        self._webhook_event: asyncio.Event | None = None
        self._http: aiohttp.ClientSession | None = None

        self._failures: dict[str, deque[_Failure]] = {}
        self._chats: dict[ChatKey, JSONDict] = {}
        self._chat_usernames: dict[str, ChatKey] = {}
        self._users: dict[int, JSONDict] = {}
        self._members: dict[tuple[ChatKey, int], str] = {}
        self._next_message_ids: dict[ChatKey, int] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._file_counter = itertools.count(1)
        self._callback_counter = itertools.count(1)

        self._touched: list[JSONDict] = []
        self._runner: web.AppRunner | None = None
        self._closing = False
        self.base_url = ""
        self._handlers: dict[str, Handler] = self._build_handlers()

    # -- lifecycle ---------------------------------------------------------------------------

    def make_app(self) -> web.Application:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        app.router.add_post("/_fake/{action}", self._handle_control)
        app.router.add_get("/_fake/{action}", self._handle_control)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Serve on ``host:port`` (a free port when 0); return the base URL."""
        if self._runner is not None:
            raise RuntimeError("FakeTelegram is already started")
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
        """Wake pending long polls (they answer []), stop webhook deliveries and shut the
        server down."""
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
        name = canonical_method(method)
        return [c for c in self.calls if c.method == name and (ok is None or c.ok == ok)]

    def count(self, method: str) -> int:
        """How many calls of ``method`` were recorded (O(1); survives nothing but clear())."""
        return self.counts[canonical_method(method)]

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
        names = (
            {canonical_method(method)}
            if isinstance(method, str)
            else {canonical_method(m) for m in method}
        )
        index = after or 0
        generation = self._clear_generation
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if generation != self._clear_generation:
                index, generation = 0, self._clear_generation
            calls = self.calls
            while index < len(calls):
                call = calls[index]
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
            await self._wait_calls_changed(remaining)

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
        name = canonical_method(method)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.counts[name] < count:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(
                    f"only {self.counts[name]} of {count} {name} calls within {timeout}s"
                )
            await self._wait_calls_changed(remaining)
        return self.counts[name]

    async def wait_polling(self, timeout: float = 15.0) -> None:  # noqa: ASYNC109
        """Wait until the bot's first ``getUpdates`` has *arrived* (it is recorded only when it
        ends, a whole long poll later): from then on it receives what is fed at once."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self.polls_arrived:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise AssertionError(f"the bot did not poll within {timeout}s")
            await self._wait_calls_changed(remaining)

    async def drain(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Wait until every fed update was confirmed by the bot (next getUpdates offset, or a 2xx
        answer of the webhook)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._updates:
            remaining = deadline - loop.time()
            if remaining <= 0:
                error = self.webhook_last_error_message
                raise AssertionError(
                    f"{len(self._updates)} updates still unconfirmed"
                    + (f" (last webhook error: {error})" if error else "")
                )
            await self._wait_calls_changed(remaining)

    def sent_messages(self, chat_id: int | None = None) -> list[JSONDict]:
        """Messages as the successful sends/copies/forwards and text/caption/media edits left
        them (snapshots, oldest first; ``editMessageReplyMarkup`` is not included)."""
        return [
            msg
            for call in self.calls
            if call.ok and (_is_sender(call.method) or call.method in _TEXT_EDIT_METHODS)
            for msg in call.messages
            if chat_id is None or msg["chat"]["id"] == chat_id
        ]

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        """Texts/captions of :meth:`sent_messages`, as the user sees them (HTML tags stripped
        and entities unescaped; Markdown approximately). Failed calls are not included."""
        out: list[str] = []
        for msg in self.sent_messages(chat_id):
            text = msg.get("text", msg.get("caption"))
            if isinstance(text, str):
                out.append(text)
        return out

    def summary(self, after: int | None = None, limit: int = 40) -> str:
        calls = self.calls[after or 0 :]
        polls = sum(1 for c in calls if c.method == "getUpdates")
        shown = [c for c in calls if c.method != "getUpdates"]
        lines = [f"recorded {len(calls)} calls ({polls} getUpdates):"]
        if len(shown) > limit:
            lines.append(f"  ... {len(shown) - limit} earlier calls")
        lines += [f"  {_call_summary(c)}" for c in shown[-limit:]]
        if self._updates:
            lines.append(f"{len(self._updates)} fed updates not confirmed yet")
        if self.dropped_updates:
            lines.append(f"{len(self.dropped_updates)} updates dropped by allowed_updates")
        if self.webhook_url:
            lines.append(
                f"webhook {self.webhook_url}: {len(self.webhook_deliveries)} deliveries, "
                f"last error: {self.webhook_last_error_message}"
            )
        return "\n".join(lines)

    def clear(self) -> None:
        """Forget recorded calls, webhook deliveries, counts and the rate-limited counter
        (messages, queued updates, files and failures are kept)."""
        self.calls = []
        self.webhook_deliveries = []
        self.counts.clear()
        self.rate_limited = 0
        self._clear_generation += 1
        self._notify_calls()

    # -- failure injection -------------------------------------------------------------------

    def fail(
        self,
        method: str,
        status: int,
        *,
        times: int = 1,
        retry_after: int | None = None,
        description: str | None = None,
        chat_id: int | str | None = None,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` ("*" = any method; only calls to
        ``chat_id`` if given) with a Telegram-style error ``status``."""
        key = "*" if method == "*" else canonical_method(method)
        self._failures.setdefault(key, deque()).append(
            _Failure(status, times, retry_after, description, chat_id)
        )

    def set_rate_limits(
        self, rate_limit_global: float | None = None, rate_limit_per_chat: float | None = None
    ) -> None:
        self._rate_global, self._rate_chat = rate_limit_global, rate_limit_per_chat
        self._window_global = _Window(rate_limit_global) if rate_limit_global else None
        self._windows_chat.clear()

    # -- files -------------------------------------------------------------------------------

    def add_file(
        self,
        file_id: str,
        content: bytes,
        file_size: int | None = None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
    ) -> JSONDict:
        """Register a downloadable file; return a Document-ish dict (usable as ``document=``
        or ``photo=`` of :meth:`user_message`). ``file_size`` may lie (e.g. to fake 50 MB)."""
        n = next(self._file_counter)
        suffix = ""
        if file_name and "." in file_name:
            suffix = "." + file_name.rsplit(".", 1)[1]
        stored = _StoredFile(
            file_id=file_id,
            file_unique_id=f"AgAD{n:06d}",
            file_path=f"documents/file_{n}{suffix}",
            content=content,
            file_size=len(content) if file_size is None else file_size,
            file_name=file_name,
            mime_type=mime_type,
        )
        self._files[file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return self._file_dict(stored)

    @staticmethod
    def _file_dict(stored: _StoredFile) -> JSONDict:
        out: JSONDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.file_size,
        }
        if stored.file_name:
            out["file_name"] = stored.file_name
        if stored.mime_type:
            out["mime_type"] = stored.mime_type
        return out

    def file_content(self, file_id: str) -> bytes:
        return self._files[file_id].content

    # -- message store -----------------------------------------------------------------------

    def message(self, chat_id: int, message_id: int) -> JSONDict:
        """The current version of a stored message (AssertionError if unknown)."""
        try:
            return self.messages[(chat_id, message_id)]
        except KeyError:
            known = sorted(k[1] for k in self.messages if k[0] == chat_id)
            raise AssertionError(
                f"no message {message_id} in chat {chat_id}; known ids: {known}"
            ) from None

    def last_message(self, chat_id: int | None = None) -> JSONDict:
        """The most recent message the bot sent (to ``chat_id``), in its current version."""
        for key in reversed(self.messages):
            msg = self.messages[key]
            from_bot = msg.get("from", {}).get("id") == self.bot_id or "sender_chat" in msg
            if from_bot and (chat_id is None or key[0] == chat_id):
                return msg
        raise AssertionError(f"the bot sent no message{f' to {chat_id}' if chat_id else ''}")

    # -- keyboards ---------------------------------------------------------------------------

    def buttons(self, obj: Call | Mapping[str, Any] | Any) -> list[JSONDict]:
        """All buttons of the keyboard of a Call, message dict, reply_markup dict or aiogram
        object, flattened row by row."""
        return [button for row in _keyboard_rows(self._markup_of(obj)) for button in row]

    def button(self, obj: Call | Mapping[str, Any] | Any, text_contains: str) -> JSONDict:
        buttons = self.buttons(obj)
        for button in buttons:
            if text_contains in str(button.get("text", "")):
                return button
        texts = [b.get("text") for b in buttons]
        raise AssertionError(f"no button containing {text_contains!r}; buttons: {texts}")

    def _markup_of(self, obj: Any) -> Any:
        if isinstance(obj, Call):
            msg = obj.message
            if msg is not None and "reply_markup" in msg:
                return msg["reply_markup"]
            return obj.params.get("reply_markup")  # reply keyboards are not echoed
        if hasattr(obj, "model_dump"):
            obj = obj.model_dump(mode="json", by_alias=True, exclude_none=True)
        if isinstance(obj, Mapping):
            if "inline_keyboard" in obj or "keyboard" in obj:
                return obj
            return obj.get("reply_markup")
        return None

    # -- update builders ---------------------------------------------------------------------

    def feed(self, update: JSONDict) -> JSONDict:
        """Queue an update for getUpdates or the webhook (assigns ``update_id`` if missing);
        return it."""
        update_id = update.get("update_id")
        if isinstance(update_id, int):
            self._next_update_id = max(self._next_update_id, update_id + 1)
        else:
            update["update_id"] = self._next_update_id
            self._next_update_id += 1
        for key in _MESSAGE_UPDATE_KEYS:
            msg = update.get(key)
            if isinstance(msg, dict) and isinstance(msg.get("message_id"), int):
                chat_id = msg.get("chat", {}).get("id")
                if isinstance(chat_id, int):  # so the bot can reply to / edit raw updates too
                    self.messages[(chat_id, msg["message_id"])] = msg
                    last = self._next_message_ids.get(chat_id, 0)
                    self._next_message_ids[chat_id] = max(last, msg["message_id"])
        self._updates.append(update)
        self._wake_pollers()
        if self.webhook_url:
            self._pump_webhook()
        return update

    @property
    def pending_updates(self) -> int:
        """Updates fed but not yet confirmed by a later getUpdates offset."""
        return len(self._updates)

    def user(
        self,
        user_id: int,
        *,
        first_name: str | None = None,
        language_code: str | None = "ru",
        username: str | None = None,
        last_name: str | None = None,
    ) -> JSONDict:
        """A (remembered) User dict for ``user_id``."""
        known = self._users.get(user_id, {})
        user: JSONDict = {
            "id": user_id,
            "is_bot": False,
            "first_name": first_name or known.get("first_name") or "Ivan",
        }
        if last_name or known.get("last_name"):
            user["last_name"] = last_name or known["last_name"]
        if username or known.get("username"):
            user["username"] = username or known["username"]
        if language_code:
            user["language_code"] = language_code
        self._users[user_id] = user
        return user

    def user_message(
        self,
        user_id: int,
        text: str | None = None,
        *,
        chat_id: int | None = None,
        chat_type: str = "private",
        chat_title: str | None = None,
        first_name: str = "Ivan",
        last_name: str | None = None,
        language_code: str | None = "ru",
        username: str | None = None,
        reply_to_message_id: int | None = None,
        document: JSONDict | str | None = None,
        photo: JSONDict | list[JSONDict] | str | None = None,
        extra: Mapping[str, Any] | None = None,
        feed: bool = True,
    ) -> JSONDict:
        """A ``message`` update from a user. With ``document``/``photo`` the text becomes the
        caption. A leading "/command" gets a ``bot_command`` entity. ``extra`` is merged into
        the message (e.g. ``{"contact": {...}}``)."""
        user = self.user(
            user_id,
            first_name=first_name,
            language_code=language_code,
            username=username,
            last_name=last_name,
        )
        if chat_type == "private":
            chat: JSONDict = {"id": chat_id or user_id, "type": "private", "first_name": first_name}
            if last_name:
                chat["last_name"] = last_name
            if username:
                chat["username"] = username
            self._chats[chat["id"]] = chat
        else:
            if chat_id is None:
                raise ValueError("chat_id is required for a non-private chat")
            chat = self._register_chat(chat_id, chat_type, chat_title)
        msg: JSONDict = {
            "message_id": self._next_message_id(chat["id"]),
            "date": int(time.time()),
            "chat": chat,
            "from": user,
        }
        if reply_to_message_id is not None:
            replied = self.messages.get((chat["id"], reply_to_message_id))
            msg["reply_to_message"] = (
                _without_reply(replied)
                if replied
                else {"message_id": reply_to_message_id, "date": msg["date"], "chat": chat}
            )
        if document is not None:
            msg["document"] = self._media_dict(document)
        if photo is not None:
            msg["photo"] = self._photo_sizes(photo)
        if text is not None:
            if document is not None or photo is not None:
                msg["caption"] = text
            else:
                msg["text"] = text
                if text.startswith("/"):
                    command = text.split(maxsplit=1)[0]
                    msg["entities"] = [
                        {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
                    ]
        if extra:
            msg.update(extra)
        self.messages[(chat["id"], msg["message_id"])] = msg
        update: JSONDict = {"message": msg}
        return self.feed(update) if feed else update

    def callback(
        self,
        user_id: int,
        message: JSONDict | int,
        data: str,
        *,
        chat_id: int | None = None,
        language_code: str | None = "ru",
        first_name: str | None = None,
        username: str | None = None,
        feed: bool = True,
    ) -> JSONDict:
        """A ``callback_query`` update: the user pressed a button with ``data`` under
        ``message`` (a message dict or its id in ``chat_id``, default the user's chat). The
        current stored version of the message is attached, as Telegram does."""
        if isinstance(message, int):
            msg = self.message(chat_id if chat_id is not None else user_id, message)
        else:
            key = (message["chat"]["id"], message["message_id"])
            msg = self.messages.get(key, message)
        user = self.user(
            user_id, first_name=first_name, language_code=language_code, username=username
        )
        query: JSONDict = {
            "id": f"{user_id}{next(self._callback_counter):08d}",
            "from": user,
            "message": msg,
            "chat_instance": f"{abs(msg['chat']['id']) * 31 + 7}",
            "data": data,
        }
        update: JSONDict = {"callback_query": query}
        return self.feed(update) if feed else update

    def press(
        self, user_id: int, obj: Call | JSONDict | Any, text_contains: str, *, feed: bool = True
    ) -> JSONDict:
        """Find the inline button whose text contains ``text_contains`` under the message of
        ``obj`` (a Call, message dict or aiogram Message) and feed the callback for it."""
        button = self.button(obj, text_contains)
        if "callback_data" not in button:
            raise AssertionError(f"button {button} has no callback_data")
        if isinstance(obj, Call):
            msg = obj.message
            if msg is None:
                msg = self.message(
                    _as_int(obj.params.get("chat_id"), 0),
                    _as_int(obj.params.get("message_id"), 0),
                )
        elif hasattr(obj, "model_dump"):
            msg = obj.model_dump(mode="json", by_alias=True, exclude_none=True)
        else:
            msg = obj
        return self.callback(user_id, msg, button["callback_data"], feed=feed)

    def my_chat_member(
        self,
        chat_id: int,
        chat_type: str,
        new_status: str,
        *,
        user_id: int | None = None,
        old_status: str | None = None,
        chat_title: str | None = None,
        feed: bool = True,
    ) -> JSONDict:
        """A ``my_chat_member`` update about the bot itself (e.g. "kicked" when a user blocks
        the bot, "member"/"administrator" when added to a group). Sends to a chat where the
        bot is now "kicked"/"left" answer 403 until it becomes a member again."""
        if user_id is None:
            user_id = chat_id if chat_type == "private" else 1000001
        user = self.user(user_id)
        if chat_type == "private":
            chat = self._chats.get(chat_id) or {
                "id": chat_id,
                "type": "private",
                "first_name": user["first_name"],
            }
            self._chats[chat_id] = chat
        else:
            chat = self._register_chat(chat_id, chat_type, chat_title)
        if old_status is None:
            old_status = self._members.get((chat_id, self.bot_id)) or (
                "member" if new_status in {"kicked", "left"} else "left"
            )
        self._members[(chat_id, self.bot_id)] = new_status
        if new_status in {"kicked", "left"}:
            self.blocked_chats.add(chat_id)
        else:
            self.blocked_chats.discard(chat_id)
        update: JSONDict = {
            "my_chat_member": {
                "chat": chat,
                "from": user,
                "date": int(time.time()),
                "old_chat_member": _chat_member(self.bot_user, old_status),
                "new_chat_member": _chat_member(self.bot_user, new_status),
            }
        }
        return self.feed(update) if feed else update

    def channel_post(
        self, chat_id: int, text: str, *, chat_title: str | None = None, feed: bool = True
    ) -> JSONDict:
        chat = self._register_chat(chat_id, "channel", chat_title)
        msg: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
            "sender_chat": chat,
            "text": text,
        }
        self.messages[(chat_id, msg["message_id"])] = msg
        update: JSONDict = {"channel_post": msg}
        return self.feed(update) if feed else update

    # -- internals: waiting ------------------------------------------------------------------

    def _notify_calls(self) -> None:
        if self._waiters and self._calls_event is not None:
            self._calls_event.set()
            self._calls_event = None

    async def _wait_calls_changed(self, seconds: float) -> None:
        if self._calls_event is None:
            self._calls_event = asyncio.Event()
        event = self._calls_event
        self._waiters += 1
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), seconds)
        finally:
            self._waiters -= 1

    def _wake_pollers(self) -> None:
        if self._updates_event is not None:
            self._updates_event.set()
            self._updates_event = None

    # -- internals: chats and messages -------------------------------------------------------

    def _register_chat(self, chat_id: int, chat_type: str, title: str | None) -> JSONDict:
        chat = self._chats.get(chat_id)
        if chat is None or chat.get("type") != chat_type or (title and chat.get("title") != title):
            chat = {"id": chat_id, "type": chat_type, "title": title or f"Chat {chat_id}"}
            self._chats[chat_id] = chat
        return chat

    def _chat_key(self, value: Any) -> ChatKey:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            if _INT_RE.fullmatch(value):
                return int(value)
            if value.startswith("@"):
                name = value[1:].lower()
                if name not in self._chat_usernames:
                    chat_id = -1001000000000 - len(self._chat_usernames) - 1
                    self._chat_usernames[name] = chat_id
                    self._chats[chat_id] = {
                        "id": chat_id,
                        "type": "channel",
                        "title": value[1:],
                        "username": value[1:],
                    }
                return self._chat_usernames[name]
        raise TelegramError(400, "Bad Request: chat not found")

    def _chat(self, chat_id: ChatKey) -> JSONDict:
        chat = self._chats.get(chat_id)
        if chat is None:
            if chat_id > 0:
                known = self._users.get(chat_id, {})
                chat = {
                    "id": chat_id,
                    "type": "private",
                    "first_name": known.get("first_name", f"User{chat_id}"),
                }
            elif str(chat_id).startswith("-100"):
                chat = {"id": chat_id, "type": "supergroup", "title": f"Chat {chat_id}"}
            else:
                chat = {"id": chat_id, "type": "group", "title": f"Chat {chat_id}"}
            self._chats[chat_id] = chat
        return chat

    def _next_message_id(self, chat_id: ChatKey) -> int:
        n = self._next_message_ids.get(chat_id, 0) + 1
        self._next_message_ids[chat_id] = n
        return n

    def _new_message(self, chat_id: ChatKey, params: JSONDict) -> JSONDict:
        chat = self._chat(chat_id)
        msg: JSONDict = {
            "message_id": self._next_message_id(chat_id),
            "date": int(time.time()),
            "chat": chat,
        }
        if chat["type"] == "channel":
            msg["sender_chat"] = chat
        else:
            msg["from"] = self.bot_user
        thread = params.get("message_thread_id")
        if isinstance(thread, int):
            msg["message_thread_id"] = thread
        reply_params = params.get("reply_parameters")
        reply_id = (
            reply_params.get("message_id")
            if isinstance(reply_params, dict)
            else params.get("reply_to_message_id")
        )
        if reply_id is not None:
            replied = self.messages.get((chat_id, _as_int(reply_id, 0)))
            if replied is not None:
                msg["reply_to_message"] = _without_reply(replied)
            elif self.strict and not (
                isinstance(reply_params, dict)
                and _truthy(reply_params.get("allow_sending_without_reply"))
            ):
                raise TelegramError(400, "Bad Request: message to be replied not found")
        self._apply_markup(msg, params)
        if _truthy(params.get("protect_content")):
            msg["has_protected_content"] = True
        return msg

    def _apply_markup(self, msg: JSONDict, params: JSONDict) -> None:
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:
            self._check_keyboard(markup)
            msg["reply_markup"] = markup
        else:
            msg.pop("reply_markup", None)

    def _check_keyboard(self, markup: JSONDict) -> None:
        if not self.strict:
            return
        rows = markup.get("inline_keyboard")
        if not isinstance(rows, list):
            raise TelegramError(400, "Bad Request: can't parse inline keyboard button")
        for row in rows:
            if not isinstance(row, list):
                raise TelegramError(400, "Bad Request: can't parse inline keyboard button")
            for button in row:
                if not isinstance(button, dict) or not button.get("text"):
                    raise TelegramError(400, "Bad Request: can't parse inline keyboard button")
                if len(button) < 2:
                    raise TelegramError(
                        400, "Bad Request: text buttons are unallowed in the inline keyboard"
                    )
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                    raise TelegramError(400, "Bad Request: BUTTON_DATA_INVALID")
                url = button.get("url")
                if url is not None and not str(url).startswith(("http://", "https://", "tg://")):
                    raise TelegramError(
                        400, f"Bad Request: inline keyboard button URL '{url}' is invalid"
                    )

    def _apply_text(self, msg: JSONDict, params: JSONDict, key: str, limit: int) -> None:
        """Put the rendered ``text``/``caption`` of params into msg (validating it)."""
        raw = params.get(key)
        entities_key = "entities" if key == "text" else "caption_entities"
        if raw is None:
            if key == "text" and self.strict:
                raise TelegramError(400, "Bad Request: message text is empty")
            msg.pop(key, None)
            msg.pop(entities_key, None)
            return
        raw = str(raw)
        mode = params.get("parse_mode")
        mode = mode if isinstance(mode, str) else None
        if self.strict and (reason := check_markup(raw, mode)):
            raise TelegramError(400, f"Bad Request: can't parse entities: {reason}")
        rendered = render_text(raw, mode)
        if self.strict:
            if key == "text" and not rendered.strip():
                raise TelegramError(400, "Bad Request: message text is empty")
            if _utf16_len(rendered) > limit:
                what = "message is too long" if key == "text" else "message caption is too long"
                raise TelegramError(400, f"Bad Request: {what}")
        msg[key] = rendered
        entities = params.get(entities_key)
        if isinstance(entities, list) and entities:
            msg[entities_key] = entities
        else:
            msg.pop(entities_key, None)

    def _store(self, msg: JSONDict) -> JSONDict:
        self.messages[(msg["chat"]["id"], msg["message_id"])] = msg
        self._touched.append(msg)
        return msg

    def _find(self, params: JSONDict, *, for_edit: bool) -> JSONDict | None:
        """The stored message addressed by chat_id/message_id (None for inline messages)."""
        if params.get("inline_message_id"):
            return None
        chat_id = self._chat_key(params.get("chat_id"))
        message_id = _as_int(params.get("message_id"), 0)
        msg = self.messages.get((chat_id, message_id))
        if msg is None:
            if self.strict:
                what = "edit" if for_edit else "delete"
                raise TelegramError(400, f"Bad Request: message to {what} not found")
            msg = {"message_id": message_id, "date": int(time.time()), "chat": self._chat(chat_id)}
            msg["from"] = self.bot_user
        elif (
            for_edit
            and self.strict
            and msg.get("from", {}).get("id") != self.bot_id
            and "sender_chat" not in msg
        ):
            raise TelegramError(400, "Bad Request: message can't be edited")
        return msg

    def _media_dict(self, value: JSONDict | str) -> JSONDict:
        if isinstance(value, dict):
            return value
        stored = self._files.get(value)
        if stored is not None:
            return self._file_dict(stored)
        return {"file_id": value, "file_unique_id": f"U{abs(hash(value)) % 10**10}"}

    def _photo_sizes(self, value: JSONDict | list[JSONDict] | str) -> list[JSONDict]:
        if isinstance(value, list):
            return value
        base = self._media_dict(value)
        size = {k: v for k, v in base.items() if k not in {"file_name", "mime_type"}}
        size.setdefault("width", 1280)
        size.setdefault("height", 960)
        return [size]

    def _media_from_param(self, kind: str, value: Any) -> Any:
        """Build the message field for an uploaded file / file_id / URL ``value``."""
        if isinstance(value, UploadedFile):
            n = next(self._file_counter)
            file = self.add_file(
                f"BQACAgIAAx{n:010d}",
                value.content,
                file_name=value.filename,
                mime_type=value.content_type,
            )
        elif isinstance(value, str) and value and not value.startswith(("http://", "https://")):
            file = self._media_dict(value)
        else:
            n = next(self._file_counter)
            file = {"file_id": f"BQACAgIAAx{n:010d}", "file_unique_id": f"AgAD{n:06d}"}
        base = {"file_id": file["file_id"], "file_unique_id": file["file_unique_id"]}
        if "file_size" in file:
            base["file_size"] = file["file_size"]
        if kind == "photo":
            return [
                {**base, "width": 90, "height": 68},
                {**base, "width": 1280, "height": 960},
            ]
        if kind == "sticker":
            return {**base, "type": "regular", "width": 512, "height": 512,
                    "is_animated": False, "is_video": False}  # fmt: skip
        if kind in {"video", "animation"}:
            base.update(width=1280, height=720, duration=1)
        elif kind in {"audio", "voice"}:
            base["duration"] = 1
        elif kind == "video_note":
            base.update(length=240, duration=1)
        if kind in {"document", "video", "audio", "animation"}:
            for key in ("file_name", "mime_type"):
                if key in file:
                    base[key] = file[key]
        return base

    # -- internals: request handling ---------------------------------------------------------

    async def _read_params(self, request: web.Request) -> JSONDict:
        params: JSONDict = {}
        for key, value in request.query.items():
            params[key] = _decode_value(key, value)
        if request.method != "POST" or not request.body_exists:
            return params
        ctype = request.content_type
        if ctype == "application/json":
            return _json_params(params, await request.json())
        if ctype not in {"application/x-www-form-urlencoded", "multipart/form-data"}:
            return params
        form = await request.post()
        fields: list[tuple[str, str | UploadedFile]] = []
        for key, item in form.items():
            if isinstance(item, web.FileField):
                fields.append(
                    (key, UploadedFile(key, item.filename, item.content_type, item.file.read()))
                )
            elif isinstance(item, str):
                fields.append((key, item))
            else:
                fields.append((key, bytes(item).decode(errors="replace")))
        return form_params(params, fields)

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        if not _TOKEN_RE.fullmatch(token):
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        at = time.time()
        method = canonical_method(request.match_info["method"])
        try:
            params = await self._read_params(request)
        except ValueError:
            params = {}
            error: TelegramError | None = TelegramError(400, "Bad Request: can't parse request")
        else:
            error = None
        if self.latency > 0:
            await asyncio.sleep(self.latency)
        call, error = await self.execute(method, params, at, error)
        payload = error.payload() if error else {"ok": True, "result": call.result}
        return web.json_response(payload, status=call.status)

    async def execute(
        self, method: str, params: JSONDict, at: float, error: TelegramError | None = None
    ) -> tuple[Call, TelegramError | None]:
        """Run ``method`` (unless it already failed with ``error``) and record it."""
        result: Any = None
        # Handlers other than getUpdates never await, so this list is this request's own.
        touched: list[JSONDict] = []
        self._touched = touched
        if error is None:
            try:
                result = await self._dispatch(method, params)
            except TelegramError as exc:
                error = exc
        if error is None:
            call = Call(method, params, at, 200, result, None, touched)
        else:
            call = Call(method, params, at, error.status, None, error.description)
        self.calls.append(call)
        self.counts[method] += 1
        self._notify_calls()
        return call, error

    async def _dispatch(self, method: str, params: JSONDict) -> Any:
        if self._failures:
            self._maybe_fail(method, params)
        if _is_sender(method):
            self._check_send_allowed(method, params)
        if method == "getUpdates":
            return await self._get_updates(params)
        handler = self._handlers.get(method)
        if handler is not None:
            return handler(method, params)
        kind = _METHOD_KINDS.get(method)
        if kind == "message":
            if method.startswith("send"):
                return self._m_send(method, params)
            return self._m_edit_generic(method, params)
        return True

    def _maybe_fail(self, method: str, params: JSONDict) -> None:
        for key in (method, "*"):
            queue = self._failures.get(key)
            if not queue:
                continue
            for failure in queue:
                if failure.chat_id is not None and failure.chat_id != params.get("chat_id"):
                    continue
                failure.times -= 1
                if failure.times <= 0:
                    queue.remove(failure)
                if not queue:
                    del self._failures[key]
                raise failure.error()

    def _check_send_allowed(self, method: str, params: JSONDict) -> None:
        raw_chat = params.get("chat_id")
        if raw_chat is None:
            return
        chat_id = self._chat_key(raw_chat)
        if chat_id in self.blocked_chats:
            chat_type = self._chat(chat_id).get("type")
            description = {
                "group": "Forbidden: bot was kicked from the group chat",
                "supergroup": "Forbidden: bot was kicked from the supergroup chat",
                "channel": "Forbidden: bot is not a member of the channel chat",
            }.get(str(chat_type), "Forbidden: bot was blocked by the user")
            raise TelegramError(403, description)
        if not self._rate_chat and self._window_global is None:
            return
        kind = _METHOD_KINDS.get(method)
        if (kind not in _MESSAGE_KINDS) if kind else method == "sendChatAction":
            return  # chat actions, gifts...: not messages, not limited
        cost = 1
        if method in {"sendMediaGroup", "copyMessages", "forwardMessages"}:
            items = params.get("media", params.get("message_ids"))
            cost = max(1, len(items)) if isinstance(items, list) else 1
        now = time.monotonic()
        wait = 0.0
        window_chat: _Window | None = None
        if self._rate_chat:
            window_chat = self._windows_chat.get(chat_id)
            if window_chat is None:
                window_chat = self._windows_chat[chat_id] = _Window(self._rate_chat)
            wait = window_chat.wait_time(now, cost)
        if self._window_global is not None:
            wait = max(wait, self._window_global.wait_time(now, cost))
        if wait > 0:
            self.rate_limited += 1
            retry_after = max(1, math.ceil(wait))
            raise TelegramError(
                429,
                f"Too Many Requests: retry after {retry_after}",
                {"retry_after": retry_after},
            )
        if window_chat is not None:
            window_chat.take(now, cost)
        if self._window_global is not None:
            self._window_global.take(now, cost)

    async def _get_updates(self, params: JSONDict) -> list[JSONDict]:
        if self.webhook_url:
            raise TelegramError(409, _WEBHOOK_CONFLICT)
        offset = _as_int(params.get("offset"), 0)
        limit = min(max(_as_int(params.get("limit"), 100), 1), 100)
        timeout = max(_as_float(params.get("timeout"), 0.0), 0.0)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
        queue = self._updates
        if offset > 0:
            confirmed = False
            while queue and queue[0]["update_id"] < offset:
                queue.popleft()
                confirmed = True
            if confirmed:
                self._notify_calls()
        elif offset < 0:
            while len(queue) > -offset:
                queue.popleft()
        self._poll_generation += 1
        generation = self._poll_generation
        self.polls_arrived += 1
        self._notify_calls()
        self._wake_pollers()  # an older concurrent poll now answers 409
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if self.webhook_url:
                raise TelegramError(409, _WEBHOOK_CONFLICT)
            batch = self._collect_updates(limit)
            if batch or self._closing:
                return batch
            remaining = deadline - loop.time()
            if remaining <= 0:
                return []
            if self._updates_event is None:
                self._updates_event = asyncio.Event()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._updates_event.wait(), remaining)
            if generation != self._poll_generation:
                raise TelegramError(409, _default_description(409))

    def _wanted(self, update: JSONDict) -> bool:
        """Whether ``allowed_updates`` lets this update through."""
        kind = next((k for k in update if k != "update_id"), "")
        allowed = self._allowed_updates
        return (kind in allowed) if allowed is not None else (kind not in _DEFAULT_EXCLUDED_UPDATES)

    def _collect_updates(self, limit: int) -> list[JSONDict]:
        batch: list[JSONDict] = []
        dropped = False
        for update in self._updates:
            if self._wanted(update):
                batch.append(update)
                if len(batch) >= limit:
                    break
            else:
                dropped = True
        if dropped:
            keep: deque[JSONDict] = deque()
            for update in self._updates:
                (keep if self._wanted(update) else self.dropped_updates).append(update)
            self._updates = keep
            self._notify_calls()
        return batch

    # -- internals: webhook delivery ---------------------------------------------------------

    @property
    def webhook_info(self) -> JSONDict:
        """What ``getWebhookInfo`` would answer."""
        return self._m_webhook_info("getWebhookInfo", {})

    def _pump_webhook(self) -> None:
        """Start delivering queued updates, up to ``max_connections`` at once (oldest first)."""
        free = self.webhook_max_connections - len(self._webhook_in_flight)
        if not self.webhook_url or self._closing or free <= 0:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # fed from sync code: delivered on the next pump in the loop
            return
        unwanted: list[JSONDict] = []
        for update in self._updates:  # in-flight ones (<= max_connections) come first
            if free <= 0:
                break
            update_id = update["update_id"]
            if update_id in self._webhook_in_flight:
                continue
            if not self._wanted(update):
                unwanted.append(update)
                continue
            self._webhook_in_flight.add(update_id)
            task = loop.create_task(self._deliver(update))
            self._webhook_tasks.add(task)
            task.add_done_callback(self._webhook_tasks.discard)
            free -= 1
        if unwanted:
            for update in unwanted:
                self._updates.remove(update)
            self.dropped_updates += unwanted
            self._notify_calls()

    async def _deliver(self, update: JSONDict) -> None:
        """POST one update until a 2xx answer, the webhook's removal or the update's drop."""
        update_id = int(update["update_id"])
        generation = self._queue_generation
        attempt = 0
        try:
            while self.webhook_url and generation == self._queue_generation:
                if await self._post_update(self.webhook_url, update):
                    with contextlib.suppress(ValueError):  # unless dropped meanwhile
                        self._updates.remove(update)
                    self._notify_calls()
                    return
                delay = min(self.webhook_retry_base * 2**attempt, self.webhook_retry_max)
                attempt += 1
                if self._webhook_event is None:
                    self._webhook_event = asyncio.Event()
                with contextlib.suppress(TimeoutError):  # setWebhook/deleteWebhook wake us
                    await asyncio.wait_for(self._webhook_event.wait(), delay)
        finally:
            self._webhook_in_flight.discard(update_id)
            self._pump_webhook()

    async def _post_update(self, url: str, update: JSONDict) -> bool:
        """One delivery attempt; True on a 2xx answer (whose method call, if any, is run)."""
        if self._http is None:
            self._http = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0))
        headers = {"Content-Type": "application/json"}
        if self.webhook_secret:
            headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook_secret
        started = time.monotonic()
        status: int | None = None
        error: str | None = None
        answer: tuple[str, JSONDict] | None = None
        try:
            async with self._http.post(
                url,
                data=json.dumps(update, default=str),
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_timeout),
                allow_redirects=False,
            ) as resp:
                status = resp.status
                if 200 <= status < 300:
                    with contextlib.suppress(ValueError, UnicodeDecodeError):
                        answer = await _webhook_answer(resp)
                else:
                    error = f"Wrong response from the webhook: {status} {resp.reason}"
        except TimeoutError:
            status, error = None, "Read timeout expired"
        except aiohttp.ClientConnectorError as exc:
            status, error = None, f"Connection refused: {exc}"
        except (aiohttp.ClientError, OSError) as exc:
            status, error = None, f"Connection failed: {type(exc).__name__}: {exc}"
        self.webhook_deliveries.append(
            WebhookDelivery(
                int(update["update_id"]), url, status, started, time.monotonic() - started, error
            )
        )
        if error is not None:
            self.webhook_last_error_date = int(time.time())
            self.webhook_last_error_message = error
            return False
        if answer is not None:
            await self.execute(*answer, time.time())
        return True

    def _webhook_changed(self) -> None:
        """Wake deliveries waiting to retry (they retry with the new settings, or stop)."""
        if self._webhook_event is not None:
            self._webhook_event.set()
            self._webhook_event = None

    def _drop_pending(self) -> None:
        self._updates.clear()
        self._queue_generation += 1
        self._notify_calls()

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if not _TOKEN_RE.fullmatch(request.match_info["token"]):
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["path"]
        stored = self._files_by_path.get(path)
        self.downloads.append(path)
        if stored is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
            )
        return web.Response(
            body=stored.content, content_type=stored.mime_type or "application/octet-stream"
        )

    def download(self, path: str) -> bytes:
        """A file's content by its ``file_path``, recorded as a download (the in-process session's
        way to what ``GET /file/bot{token}/{path}`` serves)."""
        self.downloads.append(path)
        stored = self._files_by_path.get(path)
        if stored is None:
            raise FileNotFoundError(path)
        return stored.content

    # -- method handlers ---------------------------------------------------------------------

    def _build_handlers(self) -> dict[str, Handler]:
        handlers: dict[str, Handler] = {
            "getMe": self._m_get_me,
            "logOut": _true,
            "close": _true,
            "sendMessage": self._m_send,
            "sendMediaGroup": self._m_send_media_group,
            "copyMessage": self._m_copy,
            "copyMessages": self._m_copy_many,
            "forwardMessage": self._m_forward,
            "forwardMessages": self._m_copy_many,
            "editMessageText": self._m_edit,
            "editMessageCaption": self._m_edit,
            "editMessageReplyMarkup": self._m_edit,
            "editMessageMedia": self._m_edit,
            "deleteMessage": self._m_delete,
            "deleteMessages": self._m_delete_many,
            "getUpdates": _true,  # handled in _dispatch (async)
            "getWebhookInfo": self._m_webhook_info,
            "setWebhook": self._m_set_webhook,
            "deleteWebhook": self._m_delete_webhook,
            "getFile": self._m_get_file,
            "setMyCommands": self._m_set_commands,
            "getMyCommands": self._m_get_commands,
            "deleteMyCommands": self._m_delete_commands,
            "setMyDescription": self._m_set_description,
            "setMyShortDescription": self._m_set_description,
            "setMyName": self._m_set_description,
            "getMyDescription": self._m_get_description,
            "getMyShortDescription": self._m_get_description,
            "getMyName": self._m_get_description,
            "getChatMenuButton": lambda m, p: {"type": "default"},
            "getChat": self._m_get_chat,
            "getChatMember": self._m_get_chat_member,
            "getChatMemberCount": lambda m, p: 2,
            "getChatAdministrators": lambda m, p: [_chat_member(self.user(1000001), "creator")],
            "exportChatInviteLink": lambda m, p: "https://t.me/+FakeInviteLink",
            "createChatInviteLink": self._m_invite_link,
            "editChatInviteLink": self._m_invite_link,
            "revokeChatInviteLink": self._m_invite_link,
            "getUserProfilePhotos": lambda m, p: {"total_count": 0, "photos": []},
            "stopPoll": self._m_stop_poll,
        }
        for method in _MEDIA_METHODS:
            handlers[method] = self._m_send
        for method in ("sendLocation", "sendVenue", "sendContact", "sendDice", "sendPoll"):
            handlers[method] = self._m_send
        handlers["sendInvoice"] = self._m_send
        return handlers

    def _m_get_me(self, method: str, params: JSONDict) -> JSONDict:
        return {
            **self.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _m_send(self, method: str, params: JSONDict) -> JSONDict:
        chat_id = self._chat_key(params.get("chat_id"))
        msg = self._new_message(chat_id, params)
        if method == "sendMessage":
            self._apply_text(msg, params, "text", TEXT_LIMIT)
        else:
            kind = _MEDIA_METHODS.get(method)
            if kind is not None:
                value = params.get(kind)
                if value is None and self.strict:
                    raise TelegramError(400, f"Bad Request: there is no {kind} in the request")
                msg[kind] = self._media_from_param(kind, value)
            elif method == "sendLocation":
                msg["location"] = _location(params)
            elif method == "sendVenue":
                msg["location"] = _location(params)
                msg["venue"] = {
                    "location": msg["location"],
                    "title": str(params.get("title", "")),
                    "address": str(params.get("address", "")),
                }
            elif method == "sendContact":
                msg["contact"] = {
                    "phone_number": str(params.get("phone_number", "")),
                    "first_name": str(params.get("first_name", "")),
                }
            elif method == "sendDice":
                msg["dice"] = {
                    "emoji": str(params.get("emoji", "🎲")),
                    "value": msg["message_id"] % 6 + 1,
                }
            elif method == "sendPoll":
                msg["poll"] = _poll(msg, params)
            elif method == "sendInvoice":
                msg["invoice"] = {
                    "title": str(params.get("title", "")),
                    "description": str(params.get("description", "")),
                    "start_parameter": str(params.get("start_parameter", "")),
                    "currency": str(params.get("currency", "XTR")),
                    "total_amount": sum(
                        _as_int(p.get("amount"), 0)
                        for p in params.get("prices", [])
                        if isinstance(p, dict)
                    ),
                }
            elif "text" in params:
                self._apply_text(msg, params, "text", TEXT_LIMIT)
            if method in _CAPTION_METHODS and params.get("caption") is not None:
                self._apply_text(msg, params, "caption", CAPTION_LIMIT)
        return self._store(msg)

    def _m_send_media_group(self, method: str, params: JSONDict) -> list[JSONDict]:
        chat_id = self._chat_key(params.get("chat_id"))
        media = params.get("media")
        if not isinstance(media, list) or not media:
            raise TelegramError(400, 'Bad Request: parameter "media" is required')
        group_id = f"{chat_id}{next(self._file_counter)}"
        out: list[JSONDict] = []
        for item in media:
            if not isinstance(item, dict):
                raise TelegramError(400, "Bad Request: can't parse InputMedia JSON object")
            msg = self._new_message(chat_id, {**params, "reply_markup": None})
            kind = str(item.get("type", "photo"))
            msg[kind] = self._media_from_param(kind, item.get("media"))
            msg["media_group_id"] = group_id
            if item.get("caption") is not None:
                self._apply_text(msg, item, "caption", CAPTION_LIMIT)
            out.append(self._store(msg))
        return out

    def _copy_one(self, params: JSONDict, message_id: int, *, forward: bool) -> JSONDict:
        chat_id = self._chat_key(params.get("chat_id"))
        from_chat = self._chat_key(params.get("from_chat_id"))
        source = self.messages.get((from_chat, message_id))
        if source is None and self.strict:
            raise TelegramError(400, "Bad Request: message to copy not found")
        msg = self._new_message(chat_id, {**params, "reply_markup": None} if forward else params)
        if source is not None:
            for key in _CONTENT_KEYS:
                if key in source:
                    msg[key] = source[key]
            if forward:
                sender = source.get("sender_chat")
                origin_date = source["date"]
                if sender is not None and sender.get("type") == "channel":
                    msg["forward_origin"] = {
                        "type": "channel",
                        "date": origin_date,
                        "chat": sender,
                        "message_id": source["message_id"],
                    }
                else:
                    msg["forward_origin"] = {
                        "type": "user",
                        "date": origin_date,
                        "sender_user": source.get("from", self.bot_user),
                    }
        if not forward and params.get("caption") is not None:
            self._apply_text(msg, params, "caption", CAPTION_LIMIT)
        return self._store(msg)

    def _m_copy(self, method: str, params: JSONDict) -> JSONDict:
        msg = self._copy_one(params, _as_int(params.get("message_id"), 0), forward=False)
        return {"message_id": msg["message_id"]}

    def _m_forward(self, method: str, params: JSONDict) -> JSONDict:
        return self._copy_one(params, _as_int(params.get("message_id"), 0), forward=True)

    def _m_copy_many(self, method: str, params: JSONDict) -> list[JSONDict]:
        ids = params.get("message_ids")
        if not isinstance(ids, list):
            raise TelegramError(400, "Bad Request: message identifiers are not specified")
        forward = method == "forwardMessages"
        return [
            {"message_id": self._copy_one(params, _as_int(i, 0), forward=forward)["message_id"]}
            for i in ids
        ]

    def _m_edit(self, method: str, params: JSONDict) -> JSONDict | bool:
        current = self._find(params, for_edit=True)
        if current is None:
            return True  # inline message
        msg = dict(current)
        if self.strict and method == "editMessageText" and "text" not in current:
            raise TelegramError(400, "Bad Request: there is no text in the message to edit")
        if self.strict and method == "editMessageCaption" and "text" in current:
            raise TelegramError(400, "Bad Request: there is no caption in the message to edit")
        if method == "editMessageText":
            self._apply_text(msg, params, "text", TEXT_LIMIT)
            for key in _CONTENT_KEYS[4:]:  # text replaces media (fake: drop them)
                msg.pop(key, None)
        elif method == "editMessageCaption":
            if params.get("caption") is None:
                msg.pop("caption", None)
                msg.pop("caption_entities", None)
            else:
                self._apply_text(msg, params, "caption", CAPTION_LIMIT)
        elif method == "editMessageMedia":
            media = params.get("media")
            if isinstance(media, dict):
                for key in _CONTENT_KEYS:
                    msg.pop(key, None)
                kind = str(media.get("type", "photo"))
                msg[kind] = self._media_from_param(kind, media.get("media"))
                if media.get("caption") is not None:
                    self._apply_text(msg, media, "caption", CAPTION_LIMIT)
        self._apply_markup(msg, params)
        if self.strict and all(
            msg.get(k) == current.get(k) for k in (*_CONTENT_KEYS, "reply_markup")
        ):
            raise TelegramError(400, _NOT_MODIFIED)
        msg["edit_date"] = int(time.time())
        return self._store(msg)

    def _m_edit_generic(self, method: str, params: JSONDict) -> JSONDict | bool:
        current = self._find(params, for_edit=True)
        if current is None:
            return True
        msg = dict(current)
        if "reply_markup" in params:
            self._apply_markup(msg, params)
        msg["edit_date"] = int(time.time())
        return self._store(msg)

    def _m_delete(self, method: str, params: JSONDict) -> bool:
        chat_id = self._chat_key(params.get("chat_id"))
        self._delete(chat_id, _as_int(params.get("message_id"), 0))
        return True

    def _m_delete_many(self, method: str, params: JSONDict) -> bool:
        chat_id = self._chat_key(params.get("chat_id"))
        ids = params.get("message_ids")
        for message_id in ids if isinstance(ids, list) else []:
            self.messages.pop((chat_id, _as_int(message_id, 0)), None)
            self.deleted.add((chat_id, _as_int(message_id, 0)))
        return True

    def _delete(self, chat_id: ChatKey, message_id: int) -> None:
        key = (chat_id, message_id)
        if self.messages.pop(key, None) is None and self.strict:
            raise TelegramError(400, "Bad Request: message to delete not found")
        self.deleted.add(key)

    def _m_webhook_info(self, method: str, params: JSONDict) -> JSONDict:
        info: JSONDict = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": 0 if not self.webhook_url else len(self._updates),
        }
        if self.webhook_url:
            info["max_connections"] = self.webhook_max_connections
            if self._allowed_updates is not None:
                info["allowed_updates"] = sorted(self._allowed_updates)
        if self.webhook_last_error_date is not None:
            info["last_error_date"] = self.webhook_last_error_date
            info["last_error_message"] = self.webhook_last_error_message
        return info

    def _m_set_webhook(self, method: str, params: JSONDict) -> bool:
        url = str(params.get("url") or "")
        if not url:  # "use an empty string to remove webhook integration"
            return self._m_delete_webhook(method, params)
        if not url.startswith(("http://", "https://")):
            raise TelegramError(400, "Bad Request: bad webhook: Wrong HTTP URL specified")
        secret = str(params.get("secret_token") or "") or None
        if secret is not None and not _SECRET_TOKEN_RE.fullmatch(secret):
            raise TelegramError(400, "Bad Request: secret token contains unallowed characters")
        if _truthy(params.get("drop_pending_updates")):
            self._drop_pending()
        if url != self.webhook_url:
            self.webhook_last_error_date = self.webhook_last_error_message = None
        self.webhook_url = url
        self.webhook_secret = secret
        self.webhook_max_connections = min(max(_as_int(params.get("max_connections"), 40), 1), 100)
        allowed = params.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = frozenset(str(a) for a in allowed) if allowed else None
        self._wake_pollers()  # a pending getUpdates now answers 409
        self._webhook_changed()
        self._pump_webhook()
        return True

    def _m_delete_webhook(self, method: str, params: JSONDict) -> bool:
        self.webhook_url = ""
        self.webhook_secret = None
        if _truthy(params.get("drop_pending_updates")):
            self._drop_pending()
        self._webhook_changed()
        return True

    def _m_get_file(self, method: str, params: JSONDict) -> JSONDict:
        file_id = str(params.get("file_id", ""))
        stored = self._files.get(file_id)
        if stored is None:
            if self.strict:
                raise TelegramError(400, "Bad Request: invalid file_id")
            return {"file_id": file_id, "file_unique_id": "AgAD000000"}
        if self.strict and stored.file_size > GET_FILE_LIMIT:
            raise TelegramError(400, "Bad Request: file is too big")
        return {**self._file_dict(stored), "file_path": stored.file_path}

    @staticmethod
    def _commands_key(params: JSONDict) -> str:
        scope = params.get("scope")
        scope_key = json.dumps(scope, sort_keys=True) if isinstance(scope, dict) else "default"
        return f"{scope_key}|{params.get('language_code') or ''}"

    def _m_set_commands(self, method: str, params: JSONDict) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise TelegramError(400, 'Bad Request: parameter "commands" is required')
        self.commands[self._commands_key(params)] = commands
        return True

    def _m_get_commands(self, method: str, params: JSONDict) -> list[JSONDict]:
        return self.commands.get(self._commands_key(params), [])

    def _m_delete_commands(self, method: str, params: JSONDict) -> bool:
        self.commands.pop(self._commands_key(params), None)
        return True

    _DESCRIPTION_FIELDS: typing.ClassVar[dict[str, str]] = {
        "setMyDescription": "description",
        "getMyDescription": "description",
        "setMyShortDescription": "short_description",
        "getMyShortDescription": "short_description",
        "setMyName": "name",
        "getMyName": "name",
    }

    def _m_set_description(self, method: str, params: JSONDict) -> bool:
        name = self._DESCRIPTION_FIELDS[method]
        self.descriptions[f"{name}|{params.get('language_code') or ''}"] = str(
            params.get(name) or ""
        )
        return True

    def _m_get_description(self, method: str, params: JSONDict) -> JSONDict:
        name = self._DESCRIPTION_FIELDS[method]
        value = self.descriptions.get(f"{name}|{params.get('language_code') or ''}")
        if value is None:
            value = str(self.bot_user["first_name"]) if name == "name" else ""
        return {name: value}

    def _m_get_chat(self, method: str, params: JSONDict) -> JSONDict:
        chat = self._chat(self._chat_key(params.get("chat_id")))
        return {
            **chat,
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _m_get_chat_member(self, method: str, params: JSONDict) -> JSONDict:
        chat_id = self._chat_key(params.get("chat_id"))
        user_id = _as_int(params.get("user_id"), 0)
        user = self.bot_user if user_id == self.bot_id else self.user(user_id)
        status = self._members.get((chat_id, user_id), "member")
        return _chat_member(user, status)

    def _m_invite_link(self, method: str, params: JSONDict) -> JSONDict:
        link = params.get("invite_link") or f"https://t.me/+Fake{next(self._file_counter)}"
        return {
            "invite_link": link,
            "creator": self.bot_user,
            "creates_join_request": _truthy(params.get("creates_join_request")),
            "is_primary": False,
            "is_revoked": method == "revokeChatInviteLink",
        }

    def _m_stop_poll(self, method: str, params: JSONDict) -> JSONDict:
        current = self._find(params, for_edit=True)
        if current is None or "poll" not in current:
            raise TelegramError(400, "Bad Request: message with poll to stop not found")
        poll = {**current["poll"], "is_closed": True}
        self._store({**current, "poll": poll})
        return poll

    # -- control API (for other processes) ---------------------------------------------------

    async def _handle_control(self, request: web.Request) -> web.Response:
        action = request.match_info["action"]
        body: Any = {}
        if request.method == "POST" and request.body_exists:
            try:
                body = await request.json()
            except ValueError:
                return web.json_response({"ok": False, "description": "bad JSON"}, status=400)
        query = request.query
        try:
            result = await self._control(action, body, query)
        except (TypeError, ValueError, KeyError, AssertionError) as exc:
            return web.json_response(
                {"ok": False, "description": f"{type(exc).__name__}: {exc}"}, status=400
            )
        if result is _NOT_FOUND:
            return web.json_response({"ok": False, "description": "unknown action"}, status=404)
        return web.json_response({"ok": True, "result": _jsonable(result)})

    async def _control(self, action: str, body: Any, query: Mapping[str, str]) -> Any:
        builders: dict[str, Callable[..., JSONDict]] = {
            "user_message": self.user_message,
            "callback": self.callback,
            "my_chat_member": self.my_chat_member,
            "channel_post": self.channel_post,
        }
        if action == "feed":
            updates = body if isinstance(body, list) else [body]
            return [self.feed(dict(u))["update_id"] for u in updates]
        if action in builders:
            items = body if isinstance(body, list) else [body]
            return [builders[action](**item) for item in items]
        if action == "calls":
            after = int(query.get("after", "0"))
            name = query.get("method")
            wanted = canonical_method(name) if name else None
            return [
                {**_jsonable(_call_dict(c)), "index": i}
                for i, c in enumerate(self.calls[after:], start=after)
                if wanted is None or c.method == wanted
            ]
        if action == "stats":
            return self._stats()
        if action == "wait":
            await self.wait_count(
                query["method"], int(query.get("count", "1")), float(query.get("timeout", "30"))
            )
            return self._stats()
        if action == "fail":
            self.fail(
                str(body["method"]),
                int(body["status"]),
                times=int(body.get("times", 1)),
                retry_after=body.get("retry_after"),
                description=body.get("description"),
                chat_id=body.get("chat_id"),
            )
            return True
        if action == "block":
            self.blocked_chats.add(int(body["chat_id"]))
            return True
        if action == "unblock":
            self.blocked_chats.discard(int(body["chat_id"]))
            return True
        if action == "clear":
            self.clear()
            return True
        return _NOT_FOUND

    def _stats(self) -> JSONDict:
        return {
            "calls": len(self.calls),
            "counts": dict(self.counts),
            "rate_limited": self.rate_limited,
            "pending_updates": len(self._updates),
            "messages": len(self.messages),
            "webhook_deliveries": len(self.webhook_deliveries),
        }


_NOT_FOUND = object()


async def _webhook_answer(resp: aiohttp.ClientResponse) -> tuple[str, JSONDict] | None:
    """The Bot API call a bot made in its webhook answer: (method, params), or None."""
    ctype = resp.content_type
    if ctype == "application/json":
        params = _json_params({}, json.loads(await resp.read() or b"{}"))
    elif ctype == "application/x-www-form-urlencoded":
        text = (await resp.read()).decode()
        params = form_params({}, urllib.parse.parse_qsl(text, keep_blank_values=True))
    elif ctype == "multipart/form-data":
        fields: list[tuple[str, str | UploadedFile]] = []
        reader = aiohttp.MultipartReader(resp.headers, resp.content)
        while (part := await reader.next()) is not None:
            if not isinstance(part, aiohttp.BodyPartReader) or not part.name:
                continue
            data = bytes(await part.read(decode=True))
            if part.filename is None:
                fields.append((part.name, data.decode()))
            else:
                content_type = part.headers.get("Content-Type", "application/octet-stream")
                fields.append(
                    (part.name, UploadedFile(part.name, part.filename, content_type, data))
                )
        params = form_params({}, fields)
    else:
        return None
    method = params.pop("method", None)
    if not isinstance(method, str) or not method:
        return None
    return canonical_method(method), params


def _call_dict(call: Call) -> JSONDict:
    return {
        "method": call.method,
        "params": call.params,
        "at": call.at,
        "status": call.status,
        "result": call.result,
        "error": call.error,
    }


def _true(method: str, params: JSONDict) -> bool:
    return True


def _truthy(value: Any) -> bool:
    if isinstance(value, str):
        return value.lower() in {"true", "1"}
    return bool(value)


def _without_reply(msg: JSONDict) -> JSONDict:
    return {k: v for k, v in msg.items() if k != "reply_to_message"}


def _location(params: JSONDict) -> JSONDict:
    return {
        "latitude": _as_float(params.get("latitude"), 0.0),
        "longitude": _as_float(params.get("longitude"), 0.0),
    }


def _poll(msg: JSONDict, params: JSONDict) -> JSONDict:
    options = params.get("options")
    texts = [
        (o.get("text") if isinstance(o, dict) else str(o))
        for o in (options if isinstance(options, list) else [])
    ]
    return {
        "id": f"{msg['chat']['id']}{msg['message_id']}",
        "question": str(params.get("question", "")),
        "options": [{"text": t, "voter_count": 0} for t in texts],
        "total_voter_count": 0,
        "is_closed": False,
        "is_anonymous": params.get("is_anonymous") not in {False, "false"},
        "type": str(params.get("type", "regular")),
        "allows_multiple_answers": _truthy(params.get("allows_multiple_answers")),
        "allows_revoting": False,
        "members_only": False,
    }


def _chat_member(user: JSONDict, status: str) -> JSONDict:
    member: JSONDict = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            dict.fromkeys(
                (
                    "can_be_edited",
                    "is_anonymous",
                    "can_promote_members",
                    "can_post_stories",
                    "can_edit_stories",
                    "can_delete_stories",
                    "can_send_welcome_messages",
                ),
                False,
            )
        )
        member.update(
            dict.fromkeys(
                (
                    "can_manage_chat",
                    "can_delete_messages",
                    "can_manage_video_chats",
                    "can_restrict_members",
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_post_messages",
                    "can_edit_messages",
                ),
                True,
            )
        )
    elif status == "restricted":
        member.update(
            dict.fromkeys(
                (
                    "is_member",
                    "can_send_messages",
                    "can_send_audios",
                    "can_send_documents",
                    "can_send_photos",
                    "can_send_videos",
                    "can_send_video_notes",
                    "can_send_voice_notes",
                    "can_send_polls",
                    "can_send_other_messages",
                    "can_add_web_page_previews",
                    "can_react_to_messages",
                    "can_edit_tag",
                    "can_change_info",
                    "can_invite_users",
                    "can_pin_messages",
                    "can_manage_topics",
                ),
                True,
            )
        )
        member["until_date"] = 0
    elif status == "kicked":
        member["until_date"] = 0
    return member


# --------------------------------------------------------------------------------------------
# Standalone server
# --------------------------------------------------------------------------------------------


def _parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.fake_telegram", description="Fake Telegram Bot API server"
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 = any free port")
    parser.add_argument("--rate-limit-global", type=float, default=None, help="messages/s")
    parser.add_argument("--rate-limit-per-chat", type=float, default=None, help="messages/s")
    parser.add_argument("--bot-id", type=int, default=123456)
    parser.add_argument("--bot-username", default="cabinet_test_bot")
    parser.add_argument("--latency", type=float, default=0.0, help="seconds added per request")
    parser.add_argument("--lenient", action="store_true", help="strict=False")
    return parser.parse_args(argv)


async def _serve(args: argparse.Namespace) -> None:
    tg = FakeTelegram(
        bot_id=args.bot_id,
        bot_username=args.bot_username,
        rate_limit_global=args.rate_limit_global,
        rate_limit_per_chat=args.rate_limit_per_chat,
        latency=args.latency,
        strict=not args.lenient,
    )
    url = await tg.start(args.host, args.port)
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
        await tg.stop()


def main(argv: list[str] | None = None) -> None:
    asyncio.run(_serve(_parse_args(argv)))


if __name__ == "__main__":
    main()
