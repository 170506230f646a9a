"""structlog for the bot and for the libraries' stdlib logging, with personal data redacted.

Redaction is a processor every record passes through, ours and aiogram's/aiohttp's alike:
sensitive keys are masked whole, and strings are scrubbed of SNILS, passport and phone
numbers, e-mail addresses, bot tokens and bearer tokens.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any, TextIO

import structlog

REDACTED = "[redacted]"

#: A key containing any of these is masked whole (`bot_token`, `client_secret`, `fio`...).
SENSITIVE_KEY_PARTS = (
    "token",
    "secret",
    "password",
    "authorization",
    "cookie",
    "snils",
    "passport",
    "inn",
    "phone",
    "email",
    "name",
    "fio",
    "birth",
    "address",
)

_PATTERNS = (
    re.compile(r"(?<!\d)\d{5,}:[A-Za-z0-9_-]{30,}"),  # Telegram bot token, in URLs too
    re.compile(r"(?i)\b(?:bearer|basic)\s+[A-Za-z0-9._~+/=-]+"),  # authorization headers
    re.compile(r"\beyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*"),  # JWT
    re.compile(r"(?<=://)[^:/@\s]+:[^@\s]+@"),  # user:password@ in URLs
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail
    re.compile(r"(?<!\d)\d{3}[- ]?\d{3}[- ]?\d{3}[- ]?\d{2}(?!\d)"),  # SNILS (11 digits)
    re.compile(r"(?<![\d\w])\+?[78][\s().-]*\d{3}[\s().-]*\d{3}[\s.-]*\d{2}[\s.-]*\d{2}(?!\d)"),
    re.compile(r"(?<![\d\w])\+\d[\d\s().-]{8,}\d(?!\d)"),  # other international phones
    # Passport series and number; ten bare digits are left alone: they are Telegram ids.
    re.compile(r"(?<!\d)\d{2}\s?\d{2}(?:\s?№\s?|[\s-])\d{3}\s?\d{3}(?!\d)"),
    re.compile(r"(?<!\d)\d{12}(?!\d)"),  # INN of a person
)


def scrub(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def _sensitive(key: object) -> bool:
    lowered = str(key).lower()
    return any(part in lowered for part in SENSITIVE_KEY_PARTS)


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


def configure_logging(*, json: bool, level: str = "INFO", stream: TextIO | None = None) -> None:
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
