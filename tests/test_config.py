"""Configuration errors end the program with one clear line and exit code 2."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

ROOT = Path(__file__).resolve().parent.parent


def run_cli(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    own = (
        "TELEGRAM_",
        "WEB_",
        "CABINET_",
        "EVENTS_",
        "SANDBOX_",
        "IDP",
        "ESIA_",
        "OIDC_",
        "TRUSTED",
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(own)}
    clean.update(env)
    clean["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=clean,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_missing_token_is_one_line_and_exit_2(tmp_path: Path) -> None:
    result = run_cli("run", env={}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "TELEGRAM_BOT_TOKEN" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WEB_PORT", "eighty"),
        ("DATABASE_URL", "mysql://localhost/bot"),
        ("REDIS_URL", "localhost:6379"),
        ("ADMIN_IDS", "1,two"),
        ("PRIVACY_MODE", "loose"),
        ("LOG_FORMAT", "xml"),
        ("DEFAULT_LOCALE", "de"),
        ("PUBLIC_URL", "example.org"),
        ("TELEGRAM_BOT_TOKEN", "not-a-token"),
        ("CABINET_URL", "cabinet.insurer.example"),
        ("SANDBOX_PORT", "0"),
        ("TRUSTED_PROXIES", "10.0.0.0/8,proxy.local"),
        ("TRUSTED_PROXIES", "0.0.0.0/0"),
        ("TELEGRAM_WEBHOOK_URL", "bot.example.com/telegram"),
        ("MAX_API_URL", "platform-api.max.ru"),
        ("MAX_WEBHOOK_URL", "bot.example.com/max"),
        ("MAX_WEBHOOK_SECRET", "sec"),
        ("MAX_WEBHOOK_SECRET", "with spaces in it"),
        ("MAX_CA_BUNDLE", "/nonexistent/ca.pem"),
    ],
)
def test_malformed_value_names_the_variable(tmp_path: Path, variable: str, value: str) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123:abc", variable: value}
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]
    assert "Traceback" not in result.stderr


def test_secret_is_not_echoed_in_the_error(tmp_path: Path) -> None:
    result = run_cli("run", env={"TELEGRAM_BOT_TOKEN": "SECRETVALUE"}, cwd=tmp_path)
    assert result.returncode == 2
    assert "SECRETVALUE" not in result.stderr


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_cli("--help", env={}, cwd=tmp_path)
    assert result.returncode == 0
    for command in ("run", "web", "worker", "sandbox", "broadcast", "migrate"):
        assert command in result.stdout


def test_a_real_cabinet_needs_its_token(tmp_path: Path) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123:abc", "CABINET_URL": "https://cabinet.insurer.example"}
    result = run_cli("run", env=env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "cabinet-bot: configuration error: CABINET_TOKEN: is required when CABINET_URL is set"
    )


@pytest.mark.parametrize(
    ("env", "missing"),
    [({}, "CABINET_TOKEN"), ({"CABINET_TOKEN": "t0ken-value"}, "EVENTS_SECRET")],
)
def test_the_standalone_sandbox_needs_the_shared_secrets(
    tmp_path: Path, env: dict[str, str], missing: str
) -> None:
    result = run_cli("sandbox", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert missing in lines[0]
    assert "t0ken-value" not in result.stderr


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"CABINET_URL": "https://cabinet.insurer.example", "CABINET_TOKEN": "t"}, "IDP"),
        ({"ESIA_URL": "https://esia.gosuslugi.ru"}, "ESIA_URL"),
        ({"IDP": "esia"}, "ESIA_URL"),
        ({"IDP": "oidc", "OIDC_ISSUER": "https://id.insurer.example"}, "OIDC_CLIENT_ID"),
        (
            {"IDP": "oidc", "OIDC_ISSUER": "https://id.insurer.example", "OIDC_CLIENT_ID": "bot"},
            "OIDC_CLIENT_SECRET",
        ),
        (
            {
                "IDP": "oidc",
                "OIDC_ISSUER": "https://id.insurer.example",
                "OIDC_CLIENT_ID": "bot",
                "OIDC_CLIENT_SECRET": "s",
                "OIDC_TOKEN_AUTH_METHOD": "private_key_jwt",
            },
            "OIDC_CLIENT_KEY",
        ),
        (
            {
                "IDP": "oidc",
                "OIDC_ISSUER": "https://id.insurer.example",
                "OIDC_CLIENT_ID": "bot",
                "OIDC_CLIENT_SECRET": "s",
                "OIDC_TOKEN_AUTH_METHOD": "client_secret_jwt",
            },
            "OIDC_TOKEN_AUTH_METHOD",
        ),
        (
            {
                "IDP": "esia",
                "ESIA_URL": "https://esia.gosuslugi.ru",
                "ESIA_CLIENT_ID": "INSURER",
                "ESIA_SIGNER": "dev",
                "ESIA_CERT_HASH": "hash",
                "ESIA_TOKEN_KEY": "https://esia.gosuslugi.ru/jwks",
            },
            "ESIA_SIGNER",
        ),
    ],
)
def test_sign_in_settings_that_cannot_work_are_refused(
    tmp_path: Path, env: dict[str, str], variable: str
) -> None:
    result = run_cli("run", env={"TELEGRAM_BOT_TOKEN": "123:abc", **env}, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert variable in lines[0]


def test_migrate_needs_no_token(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    result = run_cli("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.db").exists()


def test_lists_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "1, 22 ,333")
    monkeypatch.setenv("PUBLIC_URL", "https://bot.example.ru/")
    settings = load_settings(_env_file=None)
    assert settings.staff.admin_ids == [1, 22, 333]
    assert settings.web.public_url == "https://bot.example.ru"
    assert settings.database.url == "sqlite+aiosqlite:///var/cabinet-bot.db"
    assert settings.redis.url is None
    assert "s3cr3t" not in repr(load_settings(_env_file=None, telegram_bot_token="1:s3cr3t"))


def test_require_token_message() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(_env_file=None, telegram_bot_token="").telegram.require_token()


def test_the_staff_chat_needs_the_bot_of_its_messenger() -> None:
    """SUPPORT_CHAT_ID is a Telegram group, or a Max group chat with
    SUPPORT_CHAT_MESSENGER=max: without that messenger's bot it could not be posted to, so
    the configuration says so rather than lose every question."""
    in_max = {"telegram_bot_token": None, "max_bot_token": "max-token"}
    load_settings(_env_file=None, **in_max).require_messenger()
    with pytest.raises(ConfigError, match=r"SUPPORT_CHAT_ID.*TELEGRAM_BOT_TOKEN"):
        load_settings(_env_file=None, support_chat_id=-100123, **in_max).require_messenger()
    both = load_settings(_env_file=None, support_chat_id=-100123, telegram_bot_token="123:abc")
    both.require_messenger()
    in_max_staff = {"support_chat_id": -70555, "support_chat_messenger": "max"}
    load_settings(_env_file=None, **in_max_staff, **in_max).require_messenger()
    with pytest.raises(ConfigError, match=r"SUPPORT_CHAT_MESSENGER=max.*MAX_BOT_TOKEN"):
        load_settings(
            _env_file=None, telegram_bot_token="123:abc", **in_max_staff
        ).require_messenger()


WEB = {
    "TELEGRAM_BOT_TOKEN": "123:abc",
    "TELEGRAM_WEBHOOK_URL": "https://bot.example.com/telegram/webhook",
    "TELEGRAM_WEBHOOK_SECRET": "wh-s3cr3t-long-enough",
    "CABINET_URL": "http://cabinet:8090/sandbox/cabinet",
    "CABINET_TOKEN": "t0ken-value",
    "EVENTS_SECRET": "ev-s3cr3t",
    "ESIA_URL": "http://cabinet:8090/sandbox/esia",
}


@pytest.mark.parametrize(
    ("unset", "replaced"),
    [
        ("TELEGRAM_WEBHOOK_URL", {}),
        ("TELEGRAM_WEBHOOK_SECRET", {}),
        ("TELEGRAM_WEBHOOK_SECRET", {"TELEGRAM_WEBHOOK_SECRET": "has spaces in it, so no"}),
        ("TELEGRAM_WEBHOOK_SECRET", {"TELEGRAM_WEBHOOK_SECRET": "short"}),
        ("CABINET_URL", {}),
        ("EVENTS_SECRET", {}),
        ("ESIA_URL", {}),
    ],
)
def test_a_web_replica_needs_what_replicas_share(
    tmp_path: Path, unset: str, replaced: dict[str, str]
) -> None:
    env = {k: v for k, v in WEB.items() if k != unset or replaced} | replaced
    result = run_cli("web", env=env, cwd=tmp_path)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert unset in lines[0]
    for secret in ("wh-s3cr3t", "t0ken-value", "ev-s3cr3t", "has spaces", "short"):
        assert secret not in result.stderr


def test_the_sandbox_cabinet_may_be_another_host_of_the_deployment() -> None:
    settings = load_settings(
        _env_file=None, cabinet_url="http://sandbox:8090/sandbox/cabinet", cabinet_token="t"
    )
    assert settings.cabinet.url == "http://sandbox:8090/sandbox/cabinet"
    with pytest.raises(ConfigError, match="IDP"):
        load_settings(_env_file=None, cabinet_url="http://cabinet:8090/api", cabinet_token="t")
