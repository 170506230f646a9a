"""Does a message ask how to report an insured event? «Как подать заявление о ДТП?», «меня
затопили соседи», "how do I file a claim": a few word stems in Russian and English, enough
to lead the person to «Заявить о страховом случае» instead of a menu redrawn. (The general
free-text router of every section is issue 16's; this is its first route.)
"""

from __future__ import annotations

import re

from aiogram.enums import ContentType
from aiogram.types import Message
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput

from bot.flows.sections import open_section
from bot.flows.widgets import say

_WORDS = re.compile(r"[a-zа-яё]+")
#: Stems that, alone, name an insured event or filing one.
_EVENT_STEMS = (
    "дтп",
    "авари",
    "угнал",
    "угон",
    "затопил",
    "залил",
    "пожар",
    "украл",
    "accident",
    "crash",
    "stolen",
    "theft",
    "flood",
)
#: Stems that name filing something, with a claim-ish object nearby.
_FILE_STEMS = ("заяв", "подат", "подать", "оформ", "file", "report", "claim")
_OBJECT_STEMS = ("заявлен", "убыт", "выплат", "случа", "claim")


def asks_to_file_a_claim(text: str) -> bool:
    words = _WORDS.findall(text.lower().replace("ё", "е"))
    joined = "".join(words)
    if any(stem in joined for stem in ("страховойслуча", "страховомслуча", "страховогослуча")):
        return True
    if any(word.startswith(stem) for word in words for stem in _EVENT_STEMS):
        return True
    files = any(word.startswith(stem) for word in words for stem in _FILE_STEMS)
    about = any(word.startswith(stem) for word in words for stem in _OBJECT_STEMS)
    return files and about


async def _on_text(message: Message, _: MessageInput, manager: DialogManager) -> None:
    if asks_to_file_a_claim(message.text or ""):
        await open_section(manager, "file_claim")
        return
    await say(manager, "unknown-message")


def free_text() -> MessageInput:
    """Text sent to a screen that asks for none: a question about filing a claim leads
    there; anything else is answered, and the screen shown again below."""
    return MessageInput(_on_text, content_types=ContentType.TEXT)
