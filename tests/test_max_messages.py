"""What a message to Max looks like (`max_api/messages.py`): the HTML Max renders, the length
Max takes, and the bot's rows of buttons within Max's keyboard limits."""

from __future__ import annotations

import pytest

from max_api.messages import TEXT_LIMIT, keyboard, max_html


def test_telegram_only_tags_give_way_to_their_text() -> None:
    assert max_html("<b>Полис</b> <tg-spoiler>скрыто</tg-spoiler>") == "<b>Полис</b> скрыто"
    assert max_html("<blockquote>цитата</blockquote>") == "цитата"


def test_a_long_text_is_cut_at_a_lines_end() -> None:
    lines = "\n".join(f"<b>Строка</b> № {n}" for n in range(400))
    cut = max_html(lines)
    assert len(cut) <= TEXT_LIMIT
    assert cut.endswith("\n…")
    assert "<b>" not in cut, "the markup of a cut text goes, its words stay"
    assert cut.splitlines()[-2].startswith("Строка № ")


def test_buttons_become_maxs_keyboard_and_wide_rows_wrap() -> None:
    days = [{"text": f"{day:02d}", "callback_data": f"d:{day}"} for day in range(1, 9)]
    links = [{"text": f"L{n}", "url": f"https://example.org/{n}"} for n in range(4)]
    built = keyboard([days, links, [{"text": "Меню", "callback_data": "menu"}]])
    assert built is not None
    rows = built["payload"]["buttons"]
    assert [len(row) for row in rows] == [7, 1, 3, 1, 1], "8 callbacks → 7 + 1; 4 links → 3 + 1"
    assert rows[0][0] == {"type": "callback", "text": "01", "payload": "d:1"}
    assert rows[2][0] == {"type": "link", "text": "L0", "url": "https://example.org/0"}
    assert keyboard([[{"text": "inline query", "switch_inline_query": ""}]]) is None


def test_a_long_list_is_laid_out_several_to_a_row_within_maxs_rows() -> None:
    """40 policies and «Назад»: Max takes 30 rows, so the list goes two to a row and the way
    back stays the last row, alone; nothing is left out."""
    rows = [[{"text": f"Полис {n}", "callback_data": f"p:{n}"}] for n in range(40)]
    built = keyboard([*rows, [{"text": "⬅️ Назад", "callback_data": "back"}]])
    assert built is not None
    laid = built["payload"]["buttons"]
    assert len(laid) <= 30
    assert laid[-1] == [{"type": "callback", "text": "⬅️ Назад", "payload": "back"}]
    shown = [b["text"] for row in laid[:-1] for b in row]
    assert shown == [f"Полис {n}" for n in range(40)], "all of them, in order"
    assert max(len(row) for row in laid) == 2


def test_a_keyboard_over_maxs_buttons_is_refused_not_cut() -> None:
    rows = [[{"text": str(n), "callback_data": str(n)}] for n in range(211)]
    with pytest.raises(ValueError, match="Max's"):
        keyboard(rows)
