"""Every dialog the bot opens gets its own id, however many open within one second (an old
button must never be taken for the live dialog's: see bot/dialog_ids.py)."""

from __future__ import annotations

from aiogram.fsm.state import State
from aiogram_dialog.api.entities import Stack

from bot import dialog_ids


def test_dialogs_opened_in_one_second_get_distinct_ids() -> None:
    dialog_ids.install()
    stack = Stack()
    ids = set()
    for _ in range(2000):
        ids.add(stack.push(State("s", group_name="G"), None).id)
        stack.pop()  # type: ignore[no-untyped-call]
    assert len(ids) == 2000
    assert all(len(i) == 6 and i.isalnum() for i in ids)
