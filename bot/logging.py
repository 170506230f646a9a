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

SENSITIVE_KEYS = frozenset(
    {
        "token",
        "access_token",
        "id_token",
        "refresh_token",
        "password",
        "secret",
        "authorization",
        "snils",
        "passport",
        "inn",
        "phone",
        "email",
        "full_name",
        "first_name",
        "last_name",
        "middle_name",
        "birth_date",
        "address",
    }
)

_PATTERNS = (
    re.compile(r"\b\d{5,}:[A-Za-z0-9_-]{30,}"),  # Telegram bot token
    re.compile(r"(?i)bearer\s+[A-Za-z0-9._~+/=-]+"),  # bearer tokens
    re.compile(r"\b\d{3}-\d{3}-\d{3}[ -]\d{2}\b"),  # SNILS
    re.compile(r"(?<!\d)(?:\+7|8)[\s(-]*\d{3}[\s)-]*\d{3}[\s-]*\d{2}[\s-]*\d{2}(?!\d)"),  # phone
    re.compile(r"\b\d{2}\s?\d{2}\s№?\s?\d{6}\b"),  # passport series and number
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),  # e-mail
)


def scrub(text: str) -> str:
    for pattern in _PATTERNS:
        text = pattern.sub(REDACTED, text)
    return text


def _redact(value: Any) -> Any:
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, Mapping):
        return {
            key: REDACTED if str(key).lower() in SENSITIVE_KEYS else _redact(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return type(value)(_redact(item) for item in value)
    return value


def redact_personal_data(
    _: Any, __: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        if key.lower() in SENSITIVE_KEYS:
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
