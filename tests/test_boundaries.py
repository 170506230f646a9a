"""The packages' boundaries: the delivery engine and the other libraries load nothing of the
bot, the sandboxes load only when mounted, and the lint rule that keeps it so fires."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from documents import File, Page, Renderers, Viewer

ROOT = Path(__file__).resolve().parent.parent
LIBRARIES = ("cabinet", "documents", "linking", "notify", "sandbox", "storage")


def loaded_after(*modules: str) -> list[str]:
    """The modules a fresh interpreter has loaded after importing `modules`."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {list(modules)!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    names: list[str] = json.loads(done.stdout.splitlines()[-1])
    return names


def library_modules() -> list[str]:
    """Every module of the packages that must not import the bot (not the migrations)."""
    found = []
    for package in LIBRARIES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if "migrations" in parts:
                continue
            found.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return found


def test_no_library_loads_the_bot() -> None:
    modules = library_modules()
    assert "notify.worker" in modules
    assert "notify.sender" in modules
    loaded = loaded_after(*modules)
    assert [m for m in loaded if m == "bot" or m.startswith("bot.")] == []


def test_a_worker_with_a_real_cabinet_loads_no_sandbox() -> None:
    loaded = loaded_after("bot.cli", "bot.factory.worker", "bot.factory.run", "bot.factory.web")
    assert [m for m in loaded if m.startswith("sandbox")] == []
    assert "notify.worker" in loaded


def test_lint_refuses_the_bot_in_notify() -> None:
    probe = "from bot.config import Settings\n\n__all__ = ['Settings']\n"
    done = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--stdin-filename", "notify/probe.py", "-"],
        cwd=ROOT,
        input=probe,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "TID251" in done.stdout
    allowed = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--stdin-filename", "bot/probe.py", "-"],
        cwd=ROOT,
        input=probe,
        capture_output=True,
        text=True,
        check=False,
    )
    assert allowed.returncode == 0, allowed.stdout


async def _pdf(viewer: Viewer, ref: object) -> File:
    return File("a.pdf", b"%PDF", "application/pdf")


async def _page(viewer: Viewer, ref: object) -> Page:
    return Page("A", "<b>a</b>")


def test_a_kind_rendered_twice_is_refused_at_start_up() -> None:
    with pytest.raises(ValueError, match="policy-pdf"):
        Renderers({"policy-pdf": _pdf}, {"policy-pdf": _page})


def test_the_wiring_gathers_every_kind_the_flows_make() -> None:
    from bot.factory.renderers import flow_renderers  # noqa: PLC0415

    assert set(flow_renderers()) == {
        "certificate-pdf",
        "claim-details",
        "claim-report",
        "document-file",
        "payout-card",
        "payouts-details",
        "payouts-pdf",
        "payouts-xlsx",
        "policy-details",
        "policy-pdf",
        "renewal-insured",
    }
