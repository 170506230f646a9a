"""What a message to Max looks like: the bot's HTML as Max renders it, within Max's length, and
its buttons as Max's inline keyboard. Used alike by the conversations (the aiogram session)
and the outbox (the Max delivery port).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from typing import Any

JSON = dict[str, Any]

#: How a file the bot has uploaded to Max is named where aiogram wants a file id: its upload
#: token, reusable for any number of messages and recipients, as Telegram's file ids are.
UPLOADED = "max-upload:"

TEXT_LIMIT = 4000  # characters of a message's text (Telegram's is 4096)
#: The HTML tags Max renders (`format: html`); others are dropped and their text kept.
RENDERED_TAGS = frozenset(
    {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a"}
)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_ANY_TAG = re.compile(r"<[^<>]*>")


def max_html(text: str) -> str:
    """The bot's (Telegram) HTML as Max renders it: Telegram-only tags (spoilers, quotes,
    custom emoji) give way to their text; a text over Max's length is cut at a line's end, its
    markup removed, and ends with «…»."""
    kept = _TAG.sub(lambda tag: tag.group(0) if tag.group(2).lower() in RENDERED_TAGS else "", text)
    if len(kept) <= TEXT_LIMIT:
        return kept
    plain = html.unescape(_ANY_TAG.sub("", kept))
    cut = plain[: TEXT_LIMIT - 2]
    if "\n" in cut[TEXT_LIMIT // 2 :]:
        cut = cut[: cut.rfind("\n")]
    return html.escape(cut, quote=False) + "\n…"


#: Max's inline keyboard: buttons in a row (3 in a row with a link), rows, buttons in all.
ROW_BUTTONS, LINK_ROW_BUTTONS, KEYBOARD_ROWS, KEYBOARD_BUTTONS = 7, 3, 30, 210


def keyboard(rows: Sequence[Sequence[Mapping[str, Any]]]) -> JSON | None:
    """Max's inline keyboard attachment for rows of buttons as the bot writes them
    (``{"text", "callback_data"}`` or ``{"text", "url"}``); None without buttons. A button
    of another kind (Telegram's inline queries, games, payments) has no Max counterpart.
    A row wider than Max takes (Telegram takes 8, Max 7, or 3 with a link) goes on as many
    rows as it needs; a list longer than Max's 30 rows (a person with many policies, a long
    list of options from the cabinet) is laid out several to a row, its last row (the way
    back) kept as it is. Over 210 buttons cannot be shown in Max at all: that raises."""
    buttons = [
        part
        for row in rows
        for part in _fitted([b for b in (_button(button) for button in row) if b])
    ]
    if not buttons:
        return None
    if len(buttons) > KEYBOARD_ROWS:
        buttons = _packed(buttons)
    if sum(map(len, buttons)) > KEYBOARD_BUTTONS:
        raise ValueError(f"{sum(map(len, buttons))} buttons are over Max's {KEYBOARD_BUTTONS}")
    return {"type": "inline_keyboard", "payload": {"buttons": buttons}}


def _fitted(row: list[JSON]) -> list[list[JSON]]:
    """A row as Max's rows of at most 7 buttons (3 with a link)."""
    width = LINK_ROW_BUTTONS if any(b["type"] == "link" for b in row) else ROW_BUTTONS
    return [row[start : start + width] for start in range(0, len(row), width)]


def _packed(rows: list[list[JSON]]) -> list[list[JSON]]:
    """Rows over Max's 30 as few to a row as fit: all but the last row, which stays."""
    *listed, last = rows
    flat = [button for row in listed for button in row]
    width = -(-len(flat) // (KEYBOARD_ROWS - 1))  # ceil
    packed = _fitted_to(flat, width)
    if len(packed) + 1 > KEYBOARD_ROWS:
        raise ValueError(f"{len(flat) + len(last)} buttons do not fit Max's {KEYBOARD_ROWS} rows")
    return [*packed, last]


def _fitted_to(buttons: list[JSON], width: int) -> list[list[JSON]]:
    rows = [buttons[start : start + width] for start in range(0, len(buttons), width)]
    return [part for row in rows for part in _fitted(row)]


def _button(button: Mapping[str, Any]) -> JSON | None:
    text = str(button.get("text") or "")
    if button.get("callback_data"):
        return {"type": "callback", "text": text, "payload": str(button["callback_data"])}
    url = button.get("url") or (button.get("web_app") or {}).get("url")
    if url:
        return {"type": "link", "text": text, "url": str(url)}
    return None


def body(
    text: str | None,
    *,
    rows: Sequence[Sequence[Mapping[str, Any]]] = (),
    attachment: JSON | None = None,
    html_format: bool = True,
) -> JSON:
    """A NewMessageBody: the text (HTML unless told otherwise), a file or picture, buttons."""
    attachments = [a for a in (attachment, keyboard(rows)) if a is not None]
    message: JSON = {"attachments": attachments}
    if text:
        message["text"] = max_html(text) if html_format else text[:TEXT_LIMIT]
        if html_format:
            message["format"] = "html"
    return message
