"""ESIA's signed client secret: the string, the timestamp, and the signers."""

from __future__ import annotations

import datetime as dt
import hashlib
import sys

import pytest

from linking.esia.secret import (
    CommandSigner,
    DevSigner,
    SignerError,
    b64url,
    esia_timestamp,
    is_real_esia,
    parse_signer,
    signed_message,
)
from sandbox.esia.errors import EsiaError
from sandbox.esia.protocol import check_client_secret


def test_the_timestamp_is_moscow_time_in_esia_format() -> None:
    instant = dt.datetime(2026, 11, 22, 21, 5, 9, tzinfo=dt.UTC)
    assert esia_timestamp(instant) == "2026.11.23 00:05:09 +0300"


def test_the_signed_string_is_the_fields_in_esia_order() -> None:
    fields = {
        "client_id": "INSURER01",
        "scope": "openid fullname snils birthdate",
        "timestamp": "2026.11.23 00:05:09 +0300",
        "state": "6f1c1f9e-2b7a-4f0e-9d55-0d8f5c3e1a42",
        "redirect_uri": "https://bot.insurer.example/link/callback",
    }
    authorize = signed_message(**fields)
    assert authorize == (
        b"INSURER01openid fullname snils birthdate2026.11.23 00:05:09 +0300"
        b"6f1c1f9e-2b7a-4f0e-9d55-0d8f5c3e1a42https://bot.insurer.example/link/callback"
    )
    assert signed_message(**fields, code="abc") == authorize + b"abc"
    assert signed_message(**fields, scope_org="org") != authorize


async def test_the_dev_signer_signs_what_the_sandbox_esia_accepts() -> None:
    signature = await DevSigner().sign(b"message")
    assert "=" not in signature
    check_client_secret(signature, b"message")  # the sandbox's own check, its own key
    with pytest.raises(EsiaError):
        check_client_secret(signature, b"another message")


def test_esia_signer_cannot_name_the_dev_signer() -> None:
    with pytest.raises(ValueError, match="sandbox"):
        parse_signer("dev")


def test_real_esia_hosts() -> None:
    assert is_real_esia("https://esia.gosuslugi.ru")
    assert is_real_esia("https://esia-portal1.test.gosuslugi.ru/aas")
    assert not is_real_esia("http://127.0.0.1:8080/sandbox/esia")
    assert not is_real_esia("https://gosuslugi.ru.evil.example")


@pytest.mark.parametrize("spec", ["", "gost", "command:", "http:ftp://x", "file:/key"])
def test_a_malformed_signer_setting_is_refused(spec: str) -> None:
    with pytest.raises(ValueError, match=r"command|http|dev"):
        parse_signer(spec)


async def test_the_command_signer_gets_the_message_on_stdin() -> None:
    script = (
        "import sys, hashlib, base64; data = sys.stdin.buffer.read(); "
        "print(base64.urlsafe_b64encode(hashlib.sha256(data).digest()).decode())"
    )
    signer = CommandSigner(f"{sys.executable} -c '{script}'")
    expected = b64url(hashlib.sha256(b"to sign").digest()) + "="
    assert await signer.sign(b"to sign") == expected


async def test_a_failing_command_signer_says_so_without_the_message() -> None:
    signer = CommandSigner(f"{sys.executable} -c 'import sys; sys.exit(3)'")
    with pytest.raises(SignerError) as caught:
        await signer.sign(b"SECRET-STRING")
    assert "3" in str(caught.value)
    assert "SECRET" not in str(caught.value)


async def test_a_signer_command_that_cannot_run_is_a_signer_error() -> None:
    signer = CommandSigner("/nonexistent/esia-sign --key x")
    with pytest.raises(SignerError, match="cannot run"):
        await signer.sign(b"message")
