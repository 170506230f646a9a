"""Logs never carry personal data or secrets, whoever logs them."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
import structlog

from bot.logging import configure_logging, scrub


class Captured(io.StringIO):
    def readouterr(self) -> Captured:
        return self

    @property
    def err(self) -> str:
        return self.getvalue()


@pytest.fixture
def json_logs() -> Iterator[Captured]:
    stream = Captured()
    configure_logging(json=True, level="INFO", stream=stream)
    yield stream
    configure_logging(json=False, level="WARNING")


SECRETS = [
    "123-456-789 01",  # SNILS
    "+7 (912) 345-67-89",  # phone
    "8 912 345 67 89",
    "4510 123456",  # passport
    "ivan.petrov@mail.ru",
    "1234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",  # bot token
    "Bearer eyJhbGciOiJSUzI1NiJ9.payload.signature",
]


def test_structlog_values_are_scrubbed(json_logs: Captured) -> None:
    log = structlog.get_logger("test")
    for value in SECRETS:
        log.info("something happened", detail=f"user said {value} today")
    output = json_logs.readouterr().err
    for value in SECRETS:
        assert value not in output
    assert output.count("[redacted]") == len(SECRETS)


def test_sensitive_keys_are_masked(json_logs: Captured) -> None:
    structlog.get_logger("test").info(
        "profile", full_name="Иванов Иван Иванович", snils="x", token="abc", user_id=42
    )
    output = json_logs.readouterr().err
    assert "Иванов" not in output
    assert '"token": "abc"' not in output
    assert '"user_id": 42' in output


def test_stdlib_and_tracebacks_are_scrubbed(json_logs: Captured) -> None:
    logging.getLogger("aiogram.test").warning("call failed for +79123456789")
    try:
        raise ValueError("bad SNILS 123-456-789 01")
    except ValueError:
        structlog.get_logger("test").exception("boom")
    output = json_logs.readouterr().err
    assert "+79123456789" not in output
    assert "123-456-789 01" not in output
    assert "ValueError" in output


@pytest.mark.parametrize(
    "value",
    [
        "https://api.telegram.org/bot1234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",
        "12345678901",
        "123 456 789 01",
        "79123456789",
        "+7.912.345.67.89",
        "+375 29 123 45 67",
        "4510-123456",
        "45 10 № 123456",
        "postgresql+asyncpg://cabinet:S3cret@db/cabinet",
        "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
        "Basic dXNlcjpwYXNz",
        "500100732259",
    ],
)
def test_other_notations_are_scrubbed(value: str) -> None:
    assert value not in scrub(f"got {value} here")
    assert "S3cret" not in scrub(f"got {value} here")


def test_non_string_values_and_key_variants(json_logs: Captured) -> None:
    structlog.get_logger("test").info(
        "x",
        error=ValueError("+79123456789"),
        numbers={"+79123456789"},
        bot_token="1:abc",
        client_secret="s",
        username="ivan_petrov",
        update_id=123456789,
    )
    output = json_logs.err
    for leaked in ("+79123456789", "1:abc", '"s"', "ivan_petrov"):
        assert leaked not in output
    assert '"update_id": 123456789' in output, "ids stay for debugging"
