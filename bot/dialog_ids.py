"""aiogram-dialog's intent ids, made unique.

aiogram-dialog (2.6) names each dialog it opens (an intent) after the current second plus a
random number below 100 (`aiogram_dialog.api.entities.stack.new_int_id`): two dialogs opened
in one chat within the same second get the same id once in a hundred. An old button then
carries the id of the live dialog: aiogram-dialog loads the live context for it instead of
raising UnknownIntent, and the live dialog takes the press (an unknown widget: it redraws
itself over the old message) instead of the errors router saying «Эта кнопка устарела.».
Random ids of the same length and alphabet (62**6, about 5.7e10) make that negligible.
"""

from __future__ import annotations

import secrets

from aiogram_dialog.api.entities import stack as _stack

_LENGTH = 6


def new_id() -> str:
    return "".join(secrets.choice(_stack._ID_SYMS) for _ in range(_LENGTH))


def install() -> None:
    """`Stack.push` looks `new_id` up at call time. (Stack ids keep aiogram-dialog's: the bot
    uses the default stack only.)"""
    if not callable(getattr(_stack, "new_id", None)):
        raise RuntimeError("aiogram-dialog changed: no aiogram_dialog.api.entities.stack.new_id")
    _stack.new_id = new_id
