"""A full tour as a person sees it: the menu, each section and back, a question typed, help.
The bot's messages are printed as a transcript (`pytest -s tests/test_transcript.py`) for a
reviewer to read; the test checks that every screen has words and a way on, and that «Назад»
always leads home."""

from __future__ import annotations

import html
import re

import pytest

from tests.conftest import Backend
from tests.fake_telegram import Call
from tests.flows import linked_bot
from tests.harness import RunningBot
from tests.test_linking import ALICE

pytestmark = pytest.mark.backends("embedded")

SECTIONS = (
    "📝 Заявить о страховом случае",
    "📄 Полисы",
    "📋 Обращения",
    "🧾 Справки",
    "💰 Выплаты",
    "🗂 Мои документы",
    "💬 Поддержка и отзывы",
    "⚙️ Настройки",
    "❓ Помощь",
)


def shown(app: RunningBot, call: Call) -> str:
    text = html.unescape(re.sub(r"<[^>]+>", "", call.text or ""))
    buttons = " | ".join(str(b["text"]) for b in app.tg.buttons(call))
    return f"{text}\n  [{buttons}]" if buttons else text


async def test_a_tour_of_every_section(migrated: Backend, privacy: str) -> None:
    transcript: list[str] = []
    async with linked_bot(migrated, privacy=privacy) as app:
        menu = await app.say(ALICE, "/menu")
        transcript.append(f"> /menu\n{shown(app, menu)}")
        for section in SECTIONS:
            screen = await app.press(ALICE, menu, section)
            transcript.append(f"> {section}\n{shown(app, screen)}")
            assert (screen.text or "").strip(), section
            labels = [str(b["text"]) for b in app.tg.buttons(screen)]
            assert any("Назад" in label for label in labels), (section, labels)
            menu = await app.press(ALICE, screen, "Назад")
            assert "Главное меню" in (menu.text or ""), section
        answer = await app.say(ALICE, "где моя выплата")
        transcript.append(f"> где моя выплата\n{shown(app, answer)}")
        assert app.tg.buttons(answer)
    print(f"\n===== transcript ({privacy}) =====\n" + "\n\n".join(transcript))
