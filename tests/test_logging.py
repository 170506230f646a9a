"""Logs never carry personal data or secrets, whoever logs them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
from pydantic import SecretStr

from bot.config import load_settings
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


def test_the_deployments_own_secrets_are_removed_whatever_their_shape() -> None:
    """A Max bot token has no shape a pattern knows: the settings' secrets go literally."""
    token = "f9LHodD0cOJk7Wq2Zp4XvTn8Ra1Ys3Ue"
    settings = load_settings(
        telegram_bot_token=SecretStr("123:abc"),
        max_bot_token=SecretStr(token),
        cabinet_token=SecretStr("cabinet-bearer-token-42"),
    )
    stream = Captured()
    configure_logging(json=True, level="INFO", stream=stream, secrets=settings.secret_values())
    try:
        log = structlog.get_logger("test")
        log.info(
            "max_call",
            url="https://platform-api.max.ru/me",
            auth="f9LHodD0cOJk7Wq2Zp4XvTn8Ra1Ys3Ue",
        )
        log.warning(
            "max call failed: %s",
            "sent f9LHodD0cOJk7Wq2Zp4XvTn8Ra1Ys3Ue and cabinet-bearer-token-42",
        )
        output = stream.readouterr().err
    finally:
        configure_logging(json=False, level="WARNING")
    assert token not in output
    assert "cabinet-bearer-token-42" not in output
    assert "platform-api.max.ru/me" in output, "the rest of the line stays readable"


def test_sensitive_keys_are_masked(json_logs: Captured) -> None:
    structlog.get_logger("test").info(
        "profile", full_name="Иванов Иван Иванович", snils="x", token="abc", user_id=42
    )
    output = json_logs.readouterr().err
    assert "Иванов" not in output
    assert '"token": "abc"' not in output
    assert '"user_id": 42' in output


async def test_no_request_url_is_logged(json_logs: Captured) -> None:
    """An HTTP client's request lines carry ids: ESIA's /rs/prns/{oid}, the cabinet's
    /customers/{id}. At INFO (what production runs at) none of them reaches the log."""
    transport = httpx.MockTransport(lambda request: httpx.Response(200, json={}))
    async with httpx.AsyncClient(transport=transport) as client:
        await client.get("https://esia.example/rs/prns/1000299654")
    assert "1000299654" not in json_logs.readouterr().err


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
    ("value", "secret"),
    [
        (
            "https://api.telegram.org/bot1234567:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw/getMe",
            "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw",
        ),
        ("12345678901", "12345678901"),
        ("123 456 789 01", "456 789"),
        ("79123456789", "9123456789"),
        ("+7.912.345.67.89", "345.67"),
        ("+375 29 123 45 67", "123 45 67"),
        ("4510-123456", "123456"),
        ("45 10 № 123456", "123456"),
        ("postgresql+asyncpg://cabinet:S3cret@db/cabinet", "S3cret"),
        ("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln", "eyJzdWIiOiIxIn0"),
        ("Basic dXNlcjpwYXNz", "dXNlcjpwYXNz"),
        ("500100732259", "500100732259"),
    ],
)
def test_other_notations_are_scrubbed(value: str, secret: str) -> None:
    scrubbed = scrub(f"got {value} here")
    assert secret not in scrubbed
    assert scrubbed.startswith("got ")


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


def _lines(captured: Captured) -> list[dict[str, Any]]:
    return [json.loads(line) for line in captured.err.splitlines()]


@pytest.mark.parametrize(
    ("text", "seen"),
    [
        ("подал Иванов Иван Иванович, полис 77", "подал [redacted], полис 77"),
        ("подал Иван Иванович Иванов, полис 77", "подал [redacted], полис 77"),
        ("от Петровой Анны Сергеевны сегодня", "от [redacted] сегодня"),  # declined
        ("говорил с Петровой Анной Ивановной", "говорил с [redacted]"),
        ("Фомин Фома Фомич и Иванова Мария Ильинична", "[redacted] и [redacted]"),
        ("Римский-Корсаков Николай Андреевич", "[redacted]"),
        ("ФИО: ИВАНОВ ИВАН ИВАНОВИЧ.", "ФИО: [redacted]."),
        # The capitalised word before goes too rather than the surname after staying.
        ("Клиент Анна Сергеевна Петрова звонила", "[redacted] звонила"),
        ("holder Ivanov Ivan Ivanovich, Anna Ivanovna Petrova", "holder [redacted], [redacted]"),
        ("подписал Иванов И. И. вчера", "подписал [redacted] вчера"),
        ("подписал Иванов И.И. вчера", "подписал [redacted] вчера"),
        ("подписал И. И. Иванов вчера", "подписал [redacted] вчера"),
        ("подписал И.И. Иванов вчера", "подписал [redacted] вчера"),
    ],
)
def test_full_names_are_scrubbed(json_logs: Captured, text: str, seen: str) -> None:
    structlog.get_logger("test").info("feedback_received", text=text, user_id=1234567890)
    (line,) = _lines(json_logs)
    assert line["text"] == seen
    assert line["event"] == "feedback_received"
    assert line["user_id"] == 1234567890


@pytest.mark.parametrize(
    "text",
    [
        "Полис продлён",
        "Главное меню",
        "Claim Status Changed",
        "Страховой Случай Зарегистрирован",
        "Choose Which Policy",
        "Zurich Insurance Group",
        "Москва Санкт-Петербург Казань",
        "Press /start to begin",
        "GET /link/callback HTTP/1.1",
        "message from 1234567890",  # ten bare digits: a Telegram user id
    ],
)
def test_ordinary_text_stays_readable(json_logs: Captured, text: str) -> None:
    structlog.get_logger("test").info("menu_shown", text=text)
    (line,) = _lines(json_logs)
    assert line["text"] == text


@pytest.mark.parametrize(
    ("url", "seen"),
    [
        (
            "https://bot.example/link/callback?code=AbC123-x_y&state=6f1c2d3e-44aa",
            "https://bot.example/link/callback?code=[redacted]&state=[redacted]",
        ),
        (
            "https://esia.example/authorize?client_id=bot&nonce=N0nce&code_challenge=xyz",
            "https://esia.example/authorize?client_id=bot&nonce=[redacted]&code_challenge=xyz",
        ),
        (
            "grant_type=authorization_code&code=AbC&code_verifier=VeR1&client_secret=S3c",
            "grant_type=authorization_code&code=[redacted]&code_verifier=[redacted]"
            "&client_secret=[redacted]",
        ),
        (
            "https://bot.example/cb#access_token=A1&id_token=I1&refresh_token=R1&token_type=x",
            "https://bot.example/cb#access_token=[redacted]&id_token=[redacted]"
            "&refresh_token=[redacted]&token_type=x",
        ),
        (
            "https://hooks.example/events?token=T0k&secret=S3c&page=2",
            "https://hooks.example/events?token=[redacted]&secret=[redacted]&page=2",
        ),
        ("https://t.me/cabinet_bot?start=b_AbC123", "https://t.me/cabinet_bot?start=[redacted]"),
        (
            "share?url=https%3A%2F%2Ft.me%2Fcabinet_bot%3Fstart%3Db_AbC123",
            "share?url=https%3A%2F%2Ft.me%2Fcabinet_bot%3Fstart%3D[redacted]",
        ),
        ("GET /link/AbC-123_x HTTP/1.1", "GET /link/[redacted] HTTP/1.1"),
        ("https://bot.example/d/Zx9-_kQ?download=1", "https://bot.example/d/[redacted]?download=1"),
        ("text='/start b_AbC123'", "text='/start [redacted]'"),
        ("text='/start l_AbC123'", "text='/start [redacted]'"),
        ("/start@cabinet_bot b_AbC123", "/start@cabinet_bot [redacted]"),
    ],
)
def test_codes_and_tokens_in_urls_are_scrubbed(json_logs: Captured, url: str, seen: str) -> None:
    structlog.get_logger("test").info("request", url=url)
    (line,) = _lines(json_logs)
    assert line["url"] == seen


def test_library_records_are_scrubbed(json_logs: Captured) -> None:
    url = "https://bot.example/link/callback?code=AbC123&state=6f1c2d3e"
    logging.getLogger("aiohttp.client").warning("GET %s", url)
    logging.getLogger("aiohttp.access").warning(
        '127.0.0.1 "GET /d/Zx9-_kQ HTTP/1.1" 200 "https://t.me/cabinet_bot?start=b_AbC123"'
    )
    client, access = _lines(json_logs)
    assert (
        client["event"] == "GET https://bot.example/link/callback?code=[redacted]&state=[redacted]"
    )
    assert (client["logger"], client["level"]) == ("aiohttp.client", "warning")
    assert access["event"] == (
        '127.0.0.1 "GET /d/[redacted] HTTP/1.1" 200 "https://t.me/cabinet_bot?start=[redacted]"'
    )


def test_names_in_exceptions_are_scrubbed(json_logs: Captured) -> None:
    try:
        raise LookupError("no policy for Иванов Иван Иванович at /link/AbC123")
    except LookupError:
        structlog.get_logger("test").exception("policy_lookup_failed")
        logging.getLogger("aiogram.dispatcher").exception("Cause exception while process update")
    ours, aiogram = _lines(json_logs)
    for line in (ours, aiogram):
        assert "Иванов" not in json.dumps(line, ensure_ascii=False)
        assert line["exception"].startswith("Traceback (most recent call last):")
        assert line["exception"].endswith(
            "LookupError: no policy for [redacted] at /link/[redacted]"
        )
    assert ours["event"] == "policy_lookup_failed"
    assert aiogram["event"] == "Cause exception while process update"


def test_keys_are_masked_by_their_words(json_logs: Captured) -> None:
    structlog.get_logger("test").info(
        "x",
        firstName="Иван",
        display_name="Иван И.",
        birthDate="1980-01-01",
        inn="500100732259",
        ip_address="192.0.2.1",
        filename="policy.pdf",
        hostname="cabinet.internal",
        pinned=True,
        beginning="2026-01-01",
    )
    (line,) = _lines(json_logs)
    for key in ("firstName", "display_name", "birthDate", "inn", "ip_address"):
        assert line[key] == "[redacted]", key
    assert line["filename"] == "policy.pdf"
    assert line["hostname"] == "cabinet.internal"
    assert line["pinned"] is True
    assert line["beginning"] == "2026-01-01"
