"""The filing step of strict privacy mode: a one-time link to the web form (`bot/filing_web.py`)
and the draft's progress, with nothing personal in the chat either way.

Whatever the person sends here is neither stored nor downloaded: they are asked to use the
form. Each screen carries a fresh link (30 minutes, single use, bound to the person and their
customer); «Отправить заявление» here submits the draft as the review does.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import Message
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Start, SwitchTo, Url
from aiogram_dialog.widgets.text import Format

from bot.flows.claim_form import blocking, title_of
from bot.flows.documents import form_url, viewer_of
from bot.flows.filing_review import on_delete, on_submit
from bot.flows.filing_state import kind_of
from bot.flows.screen import Screen
from bot.flows.states import ClaimsSG, FilingSG
from bot.flows.widgets import T, say
from bot.privacy import masked
from cabinet import CabinetNotFound
from documents import CLAIM_FORM, FORM_TTL


async def form_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    draft_id = dialog_manager.dialog_data["draft_id"]
    try:
        draft = await viewer.cabinet.claim_draft(viewer.customer_id, draft_id)
    except CabinetNotFound:  # submitted from the form, or deleted
        return {"gone": True, "open": False, "complete": False, "url": ""}
    kind = await kind_of(dialog_manager)
    total = sum(f.required for f in kind.fields) + 1 + sum(d.required for d in kind.documents)
    missing = len(draft.missing)
    return {
        "gone": False,
        "open": True,
        "kind": title_of(kind, viewer.locale),
        "policy": masked(draft.policy_number),
        "done": max(total - missing, 0),
        "total": total,
        "minutes": FORM_TTL // 60,
        "complete": not blocking(draft),
        "url": await form_url(dialog_manager, CLAIM_FORM, draft_id=draft_id),
    }


async def on_anything(_: Message, __: MessageInput, manager: DialogManager) -> None:
    await say(manager, "filing-web-use-form")


def web_form_window() -> Screen:
    return Screen(
        T("filing-web-step", when="open"),
        T("filing-web-step-gone", when="gone"),
        Url(T("filing-web-open"), Format("{url}"), id="form", when="open"),
        Button(T("filing-submit"), id="submit", on_click=on_submit, when="complete"),
        SwitchTo(T("filing-web-refresh"), id="refresh", state=FilingSG.web_form, when="open"),
        Button(T("filing-delete-button"), id="delete", on_click=on_delete, when="open"),
        Start(T("menu-claims"), id="claims", state=ClaimsSG.list, when="gone"),
        MessageInput(on_anything),
        SwitchTo(T("button-back"), id="back", state=FilingSG.kind, when="open"),
        state=FilingSG.web_form,
        getter=form_getter,
    )
