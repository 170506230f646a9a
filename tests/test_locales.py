"""Every user-visible string exists in every locale and formats without errors."""

from __future__ import annotations

import datetime as dt
import html
import re
from pathlib import Path
from typing import Any

import pytest
from fluent.syntax import FluentParser, FluentSerializer, ast

from bot.factory.telegram import COMMANDS
from bot.i18n import LOCALES_DIR, SUPPORTED, create_core
from tests.fake_telegram import check_markup

ROOT = Path(__file__).resolve().parent.parent
CODE_DIRS = ("bot", "linking")
VARIABLE = re.compile(r"\$([a-z_][a-z0-9_-]*)")  # in placeables, selectors and NUMBER()
REFERENCE = re.compile(r"\{ ([a-z][a-z0-9-]*) \}")  # a message formatted inside another
serializer = FluentSerializer()
KEY_USE = re.compile(r"""(?:\bT|\bi18n\.get|core\.get|\.text)\(\s*f?["']([a-z][a-z0-9-]*)["']""")
# The linking pages name their keys in tables and `t(locale, ...)` calls: every literal there.
PAGE_KEYS = re.compile(r"""["'](link-[a-z0-9-]+)["']""")


def messages(locale: str) -> dict[str, set[str]]:
    """Message id → the variables it uses (those of the messages it refers to included: they
    are formatted with the same arguments)."""
    result: dict[str, set[str]] = {}
    refers: dict[str, set[str]] = {}
    for path in sorted((LOCALES_DIR / locale).glob("*.ftl")):
        resource = FluentParser().parse(path.read_text("utf-8"))
        for entry in resource.body:
            assert not isinstance(entry, ast.Junk), f"{path}: syntax error: {entry.content!r}"
            if isinstance(entry, ast.Message):
                text = serializer.serialize_entry(entry)
                result[entry.id.name] = set(VARIABLE.findall(text))
                refers[entry.id.name] = set(REFERENCE.findall(text))
    for _ in range(3):  # references of references
        for key, names in refers.items():
            for name in names & result.keys():
                result[key] |= result[name]
    return result


def test_both_locales_exist() -> None:
    assert set(SUPPORTED) == {"ru", "en"}
    for locale in SUPPORTED:
        assert messages(locale), locale


def test_same_keys_and_variables_in_every_locale() -> None:
    reference = messages("ru")
    for locale in SUPPORTED:
        other = messages(locale)
        assert sorted(set(reference) - set(other)) == [], f"missing in {locale}"
        assert sorted(set(other) - set(reference)) == [], f"missing in ru (present in {locale})"
        for key, variables in reference.items():
            assert other[key] == variables, f"{locale}:{key} uses other variables"


def test_every_key_used_in_code_exists() -> None:
    known = set(messages("ru"))
    used: set[str] = set()
    for folder in CODE_DIRS:
        for path in (ROOT / folder).rglob("*.py"):
            used |= set(KEY_USE.findall(path.read_text("utf-8")))
    pages = set(PAGE_KEYS.findall((ROOT / "linking" / "web.py").read_text("utf-8")))
    assert {"link-done-title", "link-expired-text", "link-advice-setup"} <= pages
    used |= pages
    command_keys = {f"command-{name}" for name in COMMANDS}
    assert used, "the scan found no keys: the pattern is broken"
    assert sorted((used | command_keys) - known) == []


@pytest.mark.parametrize("locale", SUPPORTED)
async def test_every_message_formats(locale: str) -> None:
    core = create_core("ru")
    await core.startup()
    for key, variables in messages(locale).items():
        sample = {name: 1 for name in variables}
        text = core.get(key, locale, **sample)
        assert text.strip(), key
        # Messages are sent as HTML: Telegram must accept the markup.
        assert check_markup(text, "HTML") is None, f"{locale}:{key}: {check_markup(text, 'HTML')}"


MOSCOW = dt.timezone(dt.timedelta(hours=3))


@pytest.mark.parametrize(
    ("key", "variables", "ru", "en"),
    [
        ("claim-reported", {"on": dt.date(2026, 12, 4)}, "04.12.2026", "Dec 4, 2026"),
        ("claim-when", {"at": dt.datetime(2026, 12, 4, 15, 30, tzinfo=MOSCOW)},
         "04.12.2026, 15:30", "Dec 4, 2026, 3:30\u202fPM"),
        ("payouts-period", {"date_from": dt.date(2026, 1, 1), "date_to": dt.date(2026, 3, 31)},
         "01.01.2026 — 31.03.2026", "Jan 1, 2026 — Mar 31, 2026"),
        ("alert-claim-reply-by", {"due": dt.date(2026, 12, 7)}, "07.12.2026", "Dec 7, 2026"),
        ("payouts-date", {"d": dt.date(2026, 2, 9)}, "09.02.2026", "Feb 9, 2026"),
        ("cabinet-stale", {"time": dt.datetime(2026, 12, 4, 9, 5, tzinfo=MOSCOW)},
         "04.12.2026, 09:05", "Dec 4, 2026, 9:05\u202fAM"),
    ],
)  # fmt: skip
async def test_a_day_reads_one_way_per_locale(
    key: str, variables: dict[str, Any], ru: str, en: str
) -> None:
    """Screens, alerts and documents show a day the same way: «04.12.2026» in Russian,
    "Dec 4, 2026" in English (never "12/4/26" on one screen and "Dec 4" on the next)."""
    core = create_core("ru")
    await core.startup()
    assert ru in core.get(key, "ru", **variables)
    assert en in core.get(key, "en", **variables)


def test_dates_are_formatted_by_the_catalogues_only() -> None:
    """One way to write a day: no catalogue picks a style of its own, no flow formats a date
    into a string (`strftime`) before the catalogue sees it."""
    styled = [
        path.name
        for path in LOCALES_DIR.rglob("*.ftl")
        if re.search(r"dateStyle|timeStyle", path.read_text("utf-8"))
    ]
    assert styled == []
    formatted = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "notify")
        for path in (ROOT / folder).rglob("*.py")
        if ".strftime(" in path.read_text("utf-8")
    ]
    assert formatted == []


WORST = "'<>&\"" * 400  # 2,000 characters a person may type; escaped, 10,400


@pytest.mark.parametrize(
    ("key", "variables"),
    [
        ("feedback-summary", {"topic": "Ошибка", "text": html.escape(WORST)}),
        ("staff-question-post", {"number": "TG-1", "topic": "x", "author": "", "due": "",
                                 "text": html.escape(WORST)}),
        ("staff-review-post", {"number": "TG-1", "rating": 2, "author": "",
                               "text": html.escape(WORST)}),
        ("feedback-answer-question", {"number": "TG-1", "text": html.escape(WORST * 2)}),
        ("alert-claim-documents", {"number": "У-1", "documents": "• документ\n" * 700}),
    ],
)  # fmt: skip
async def test_a_long_text_variable_is_inserted_whole(key: str, variables: dict[str, Any]) -> None:
    """Fluent refuses a string placeable over 2,500 characters: a feedback, a staff answer or
    the cabinet's list of documents is longer once escaped, and the flow used to fail."""
    core = create_core("ru")
    await core.startup()
    for locale in SUPPORTED:
        text = core.get(key, locale, **variables)
        for value in variables.values():
            assert str(value) in text
        assert "\ue000" not in text
