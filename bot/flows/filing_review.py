"""The review of a claim being filed (everything, what is missing, «Изменить» per item), the
submit, and the confirmation with the claim's number and deadlines.

The submit is a keyed POST; its key is kept in the dialog's data, so pressing «Отправить»
again after the cabinet was down registers one claim. Anything answered while the cabinet
was down is saved first.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, ShowMode, StartMode
from aiogram_dialog.widgets.kbd import Button, Group, Start

from bot.flows.claim_form import blocking, label_of, shown, title_of
from bot.flows.deps import deps
from bot.flows.documents import viewer_of
from bot.flows.filing_documents import checklist
from bot.flows.filing_state import (
    forget_draft,
    kind_of,
    read_draft,
    save_all,
    values_of,
)
from bot.flows.keys import fresh_keys, key_of
from bot.flows.screen import Screen
from bot.flows.states import ClaimsSG, FilingSG, MenuSG
from bot.flows.widgets import T, choices, i18n_of, profile_of, say
from bot.privacy import number_for
from cabinet import CabinetNotFound, CabinetRejected, CabinetUnavailable
from cabinet.models import ClaimDraft, ClaimKind, ClaimRegistration
from storage.repositories import AuditRepository


def _blocking(manager: DialogManager, draft: ClaimDraft) -> list[str]:
    """What a submit would refuse, counting the answers not yet saved to the cabinet."""
    answered = {f"/fields/{name}" for name in values_of(manager)}
    if manager.dialog_data.get("circumstances"):
        answered.add("/circumstances")
    return [pointer for pointer in blocking(draft) if pointer not in answered]


def _answers(manager: DialogManager, kind: ClaimKind) -> str:
    i18n = i18n_of(manager)
    values = values_of(manager)
    lines = []
    for field in kind.fields:
        title = title_of(field, i18n.locale)
        value = values.get(field.id)
        if value is not None:
            key, variables = shown(field, value, i18n.locale)
            answer = i18n.get(key, **variables)
            lines.append(i18n.get("filing-review-answer", title=title, value=answer))
        elif field.required:
            lines.append(i18n.get("filing-review-missing", title=title))
    return "\n".join(lines)


async def review_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    manager = dialog_manager
    i18n = i18n_of(manager)
    kind = await kind_of(manager)
    draft = await read_draft(manager)
    missing = _blocking(manager, draft)
    circumstances = i18n.get("filing-circumstances-title")
    edits = [(f"f:{field.id}", title_of(field, i18n.locale)) for field in kind.fields]
    edits.append(("c", circumstances))
    edits += [(f"d:{doc.id}", title_of(doc, i18n.locale)) for doc in kind.documents]
    return {
        "kind": title_of(kind, i18n.locale),
        "policy": number_for(manager, draft.policy_number),
        "answers": _answers(manager, kind),
        "circumstances": manager.dialog_data.get("circumstances") or "",
        "checklist": checklist(manager, draft, kind.documents),
        "has_documents": bool(kind.documents),
        "missing": ", ".join(label_of(kind, p, i18n.locale, circumstances) for p in missing),
        "complete": not missing,
        "edits": [(item, i18n.get("filing-edit", title=title)) for item, title in edits],
    }


async def on_edit(_: CallbackQuery, __: Any, manager: DialogManager, item: str) -> None:
    kind = await kind_of(manager)
    section, _sep, name = item.partition(":")
    manager.dialog_data["review"] = True
    if section == "f":
        index = next((n for n, field in enumerate(kind.fields) if field.id == name), None)
        if index is not None:
            manager.dialog_data["field"] = index
            await manager.switch_to(FilingSG.field)
    elif section == "d":
        index = next((n for n, doc in enumerate(kind.documents) if doc.id == name), None)
        if index is not None:
            manager.dialog_data["doc"] = index
            await manager.switch_to(FilingSG.documents)
    elif section == "c":
        await manager.switch_to(FilingSG.circumstances)


async def on_review_back(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    kind = await kind_of(manager)
    if kind.documents:
        manager.dialog_data["doc"] = len(kind.documents) - 1
        await manager.switch_to(FilingSG.documents)
    else:
        await manager.switch_to(FilingSG.circumstances)


async def on_submit(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    data = manager.dialog_data
    slot = f"submit:{data['draft_id']}"
    if slot not in data.get("keys", {}):
        fresh_keys(manager, slot)  # kept: a failed submit below does not raise
    viewer = viewer_of(manager)
    try:
        await save_all(manager)
        registration = await viewer.cabinet.submit_claim_draft(
            viewer.customer_id,
            data["draft_id"],
            idempotency_key=key_of(manager, slot),
            locale=viewer.locale,
        )
    except CabinetUnavailable:
        await say(manager, "filing-submit-unavailable")
        return
    except CabinetRejected as exc:
        if exc.code != "claim_incomplete":
            raise
        fresh_keys(
            manager, slot
        )  # the refusal is stored with its key: a fixed draft needs a new one
        await say(manager, "filing-incomplete")
        return
    except CabinetNotFound:  # submitted or deleted elsewhere meanwhile
        await say(manager, "filing-draft-gone")
        forget_draft(manager)
        await manager.switch_to(FilingSG.policy)
        return
    await AuditRepository(deps(manager).session).record(
        "claim.filed", actor_id=profile_of(manager).user_id, claim_id=registration.claim_id
    )
    forget_draft(manager)
    data["registration"] = registration.model_dump(mode="json")
    await manager.switch_to(FilingSG.done)


async def on_delete(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    viewer = viewer_of(manager)
    draft_id = manager.dialog_data.get("draft_id") or manager.dialog_data.get("resumable")
    try:
        if draft_id:
            await viewer.cabinet.delete_claim_draft(viewer.customer_id, draft_id)
    except CabinetUnavailable:
        await say(manager, "cabinet-unavailable")
        return
    except CabinetNotFound:
        pass  # already gone: the same outcome
    forget_draft(manager)
    manager.dialog_data.pop("resumable", None)
    await say(manager, "filing-deleted")
    await manager.switch_to(FilingSG.policy)


# ----------------------------------------------------------------------------- done


async def done_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    registration = ClaimRegistration.model_validate(dialog_manager.dialog_data["registration"])
    locale = i18n_of(dialog_manager).locale
    titles = [
        doc.title_en if locale == "en" else doc.title for doc in registration.missing_documents
    ]
    return {
        "number": number_for(dialog_manager, registration.number),
        "registration_due_on": registration.registration_due_on,
        "decision_due_on": registration.decision_due_on,
        "days": registration.decision_working_days,
        "missing": "\n".join(f"• {title}" for title in titles),
    }


async def on_open_claim(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    claim_id = manager.dialog_data["registration"]["claim_id"]
    await manager.start(ClaimsSG.detail, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    manager.dialog_data["claim_id"] = claim_id
    manager.show_mode = ShowMode.EDIT
    await manager.show()


def review_window() -> Screen:
    return Screen(
        T("filing-review"),
        T("filing-review-documents", when="has_documents"),
        T("filing-review-incomplete", when="missing"),
        Button(T("filing-submit"), id="submit", on_click=on_submit, when="complete"),
        Group(choices("edit", "edits", on_edit), width=2),
        Button(T("filing-delete-button"), id="delete", on_click=on_delete),
        Button(T("button-back"), id="back", on_click=on_review_back),
        state=FilingSG.review,
        getter=review_getter,
    )


def done_window() -> Screen:
    return Screen(
        T("filing-done"),
        T("filing-done-missing", when="missing"),
        Button(T("filing-open-claim"), id="open", on_click=on_open_claim),
        Start(T("button-menu"), id="menu", state=MenuSG.main, mode=StartMode.RESET_STACK),
        state=FilingSG.done,
        getter=done_getter,
    )
