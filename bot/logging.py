"""structlog for the bot and for the libraries' stdlib logging, with personal data redacted.

Redaction is a processor every record passes through, ours and aiogram's/aiohttp's alike:
sensitive keys are masked whole, and strings (messages, exception texts, tracebacks) are
scrubbed of SNILS, passport and phone numbers, e-mail addresses, full names, bot tokens,
bearer tokens, and the one-time codes and tokens carried by URLs and deep links. The
deployment's own secrets (`Settings.secret_values`: the Telegram and Max bot tokens, the
cabinet's token, the webhook and events secrets…) are also removed wherever they appear
literally, whatever their format: a Max token has no shape a pattern could know.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Iterable, Mapping, MutableMapping
from typing import Any, TextIO

import structlog
from aiohttp.http_exceptions import HttpProcessingError

from bot import metrics

REDACTED = "[redacted]"

#: A key containing any of these is masked whole (`bot_token`, `client_secret`, `Cookie`).
SECRET_KEY_PARTS = ("token", "secret", "password", "authorization", "cookie")
#: A key with one of these among its words is masked whole (`full_name`, `birthDate`, `inn`),
#: and so is any word ending in "name" but the technical ones below: `filename` and
#: `hostname` stay readable, and so do `pinned` and `beginning`.
PERSONAL_KEY_WORDS = frozenset(
    {"snils", "passport", "inn", "phone", "email", "mail", "fio", "birth", "birthday"}
    | {"birthdate", "address", "name"}
)
TECHNICAL_NAMES = frozenset({"filename", "hostname", "pathname", "dirname", "basename"})


def _word(upper: str, lower: str) -> str:
    """A capitalised or upper-case word, hyphenated too: Иванов, ИВАНОВ, Римский-Корсаков."""
    part = rf"[{upper}](?:[{lower}]+|[{upper}]+)"
    return rf"{part}(?:-{part})?"


def _full_name(upper: str, lower: str, patronymic_suffix: str) -> re.Pattern[str]:
    """Surname Name Patronymic (and a capitalised word after it: "Клиент Иван Иванович
    Петров"), or Name Patronymic Surname; the patronymic tells a name from a title."""
    word = _word(upper, lower)
    patronymic = (
        rf"[{upper}](?:[{lower}]*(?:{patronymic_suffix})"
        rf"|[{upper}]*(?:{patronymic_suffix.upper()}))"
    )
    return re.compile(
        rf"\b(?:{word}\s+{word}\s+{patronymic}(?:\s+{word})?|{word}\s+{patronymic}\s+{word})\b"
    )


_SURNAME = _word("А-ЯЁ", "а-яё")

#: What each pattern matches is replaced with REDACTED, except the pattern's capturing
#: group, if it has one: that part (a parameter's name, a route) stays readable.
_PATTERNS = (
    re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"),  # Telegram bot token, in URLs too
    re.compile(r"(?i)\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),  # authorization headers
    re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),  # JWT
    re.compile(r"(?<=://)[^:/@\s]+:[^@\s]+@"),  # user:password@ in URLs
    # Codes and tokens in query strings, fragments and form bodies, percent-encoded too.
    re.compile(
        r"(?i)((?:[?&#;]|%3F|%26)(?:code|code_verifier|state|nonce|start(?:group|app)?"
        r"|\w*token|\w*secret)(?:=|%3D))[^&#\s\"'<>]+"
    ),
    re.compile(r"(/link/)(?!callback(?![\w-]))[\w-]+"),  # /link/<code>, not /link/callback
    re.compile(r"(/d/)[\w-]+"),  # /d/<token>: a one-time document link
    re.compile(r"(/start(?:@\w+)?\s+)[A-Za-z]_[\w-]+"),  # "/start b_<code>" deep-link payload
    re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail (anchored: linear time)
    re.compile(r"(?<!\d)\d{3}[- ]?\d{3}[- ]?\d{3}[- ]?\d{2}(?!\d)"),  # SNILS (11 digits)
    re.compile(r"(?<![\d\w])\+?[78][\s().-]*\d{3}[\s().-]*\d{3}[\s.-]*\d{2}[\s.-]*\d{2}(?!\d)"),
    re.compile(r"(?<![\d\w])\+\d[\d\s().-]{8,}\d(?!\d)"),  # other international phones
    # Passport series and number; ten bare digits are left alone: they are Telegram ids.
    re.compile(r"(?<!\d)\d{2}\s?\d{2}(?:\s?№\s?|[\s-])\d{3}\s?\d{3}(?!\d)"),
    re.compile(r"(?<!\d)\d{12}(?!\d)"),  # INN of a person
    # Иванов Иван Иванович, Анна Ильинична Петрова, ИВАНОВ ИВАН ИВАНОВИЧ, declined: Ивана Ивановича
    _full_name("А-ЯЁ", "а-яё", "(?:ович|евич|ич)(?:а|у|ем|е)?|(?:овн|евн|ичн|иничн)(?:а|ы|е|у|ой)"),
    # Ivanov Ivan Ivanovich, Anna Ivanovna Petrova; no bare -ich: Which, Zurich, Sandwich.
    _full_name("A-Z", "a-z", "ovich|evich|ovych|evych|yich|ovna|evna|ichna|inichna"),
    re.compile(rf"\b{_SURNAME}\s+[А-ЯЁ]\.\s?[А-ЯЁ]\."),  # Иванов И. И., Иванов И.И.
    re.compile(rf"\b[А-ЯЁ]\.\s?[А-ЯЁ]\.\s?{_SURNAME}\b"),  # И. И. Иванов, И.И. Иванов
)


#: The deployment's secrets, removed literally (`configure_logging(secrets=...)`).
_KNOWN: list[str] = []
_SHORTEST_SECRET = 8  # a shorter value is no secret worth the name, and would eat words


def scrub(text: str) -> str:
    for secret in _KNOWN:
        text = text.replace(secret, REDACTED)
    for pattern in _PATTERNS:
        text = pattern.sub(rf"\1{REDACTED}" if pattern.groups else REDACTED, text)
    return text


def _sensitive(key: object) -> bool:
    text = str(key)
    if any(part in text.lower() for part in SECRET_KEY_PARTS):
        return True
    words = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", text).lower()
    return any(
        word in PERSONAL_KEY_WORDS or (word.endswith("name") and word not in TECHNICAL_NAMES)
        for word in re.split(r"[^a-z0-9]+", words)
    )


def _redact(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {k: REDACTED if _sensitive(k) else _redact(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact(item) for item in value]
    # Exceptions, bytes, objects: the renderer would print their repr; scrub that instead.
    return scrub(repr(value) if not isinstance(value, BaseException) else str(value))


# Keys the logging machinery itself sets; their values are still scrubbed.
_STRUCTURAL_KEYS = frozenset({"event", "logger", "logger_name", "level", "timestamp"})


def redact_personal_data(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        if key not in _STRUCTURAL_KEYS and _sensitive(key):
            event_dict[key] = REDACTED
        else:
            event_dict[key] = _redact(value)
    return event_dict


class _ClientFaults(logging.Filter):
    """aiohttp logs a malformed request (a bad header, a line too long) as an ERROR with its
    traceback: anybody could fill the log and page the operator. It is the client's fault:
    a WARNING, one line, counted (`cabinet_bad_requests_total`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            metrics.BAD_REQUESTS.inc()
            record.levelno, record.levelname = logging.WARNING, "WARNING"
            record.msg, record.args = "bad_request: %s", (type(error).__name__,)
            record.exc_info = record.exc_text = None
        return True


_CLIENT_FAULTS = _ClientFaults()


def configure_logging(
    *,
    json: bool,
    level: str = "INFO",
    stream: TextIO | None = None,
    secrets: Iterable[str] = (),
) -> None:
    _KNOWN[:] = sorted({s for s in secrets if len(s) >= _SHORTEST_SECRET}, key=len, reverse=True)
    shared: list[structlog.typing.Processor] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        structlog.stdlib.ExtraAdder(),
    ]
    renderer: structlog.typing.Processor
    if json:
        tail: list[structlog.typing.Processor] = [structlog.processors.format_exc_info]
        renderer = structlog.processors.JSONRenderer(ensure_ascii=False)
    else:
        tail = [structlog.processors.format_exc_info]
        renderer = structlog.dev.ConsoleRenderer(colors=(stream or sys.stderr).isatty())

    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            *tail,
            # Last before rendering: the traceback text is scrubbed too.
            redact_personal_data,
            renderer,
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    logging.getLogger("aiogram.event").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("aiohttp.access").setLevel(max(logging.WARNING, root.level))
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("aiohttp.server").addFilter(_CLIENT_FAULTS)  # once: the same object
    # Libraries that log what they carry, at any level: httpx every request's URL (the ESIA
    # person's oid is in /rs/prns/{oid}), aiosqlite every statement with its values at DEBUG.
    for name in ("httpx", "httpcore", "aiosqlite"):
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))
