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
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "WEB_"))}
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
    assert "run" in result.stdout
    assert "migrate" in result.stdout


def test_migrate_needs_no_token(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'x.db'}"
    result = run_cli("migrate", env={"DATABASE_URL": url}, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "x.db").exists()


def test_lists_and_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ADMIN_IDS", "1, 22 ,333")
    monkeypatch.setenv("PUBLIC_URL", "https://bot.example.ru/")
    settings = load_settings(_env_file=None)
    assert settings.admin_ids == [1, 22, 333]
    assert settings.public_url == "https://bot.example.ru"
    assert settings.database_url == "sqlite+aiosqlite:///var/cabinet-bot.db"
    assert settings.redis_url is None
    assert "secret" not in repr(load_settings(_env_file=None, telegram_bot_token="1:secret"))


def test_require_token_message() -> None:
    with pytest.raises(ConfigError, match="TELEGRAM_BOT_TOKEN"):
        load_settings(_env_file=None, telegram_bot_token="").require_token()
