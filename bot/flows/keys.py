"""Idempotency keys of a flow's creating steps, kept in the dialog's data (Redis).

A key is made by the handler that LEADS INTO a step, never by the step's own handler:
aiogram-dialog keeps no changes to the dialog's data made by a handler that raises, so a key
made by a call that then failed (the cabinet down) would be lost, and pressing again would
create a second order. Kept this way, confirming again after an outage — or after a restart —
sends the same key and the cabinet answers with the one order.
"""

from __future__ import annotations

import uuid

from aiogram_dialog import DialogManager

from cabinet import new_idempotency_key


def fresh_keys(manager: DialogManager, *steps: str) -> None:
    keys: dict[str, str] = manager.dialog_data.setdefault("keys", {})
    keys.update({step: str(new_idempotency_key()) for step in steps})


def key_of(manager: DialogManager, step: str) -> uuid.UUID:
    return uuid.UUID(manager.dialog_data["keys"][step])
