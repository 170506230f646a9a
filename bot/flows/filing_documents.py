"""The documents of a claim being filed: one requirement at a time, with the whole list and a
tick as each arrives.

A file is judged by what Telegram says about it (type, size) against the requirement before
it is downloaded, then by its first bytes, then attached to the draft with a key made from
the draft, the requirement and the file itself: the same file sent twice, or again after an
outage, is attached once. Several files at once (an album) are taken one by one and shown on
one screen: the screen sent for the album's first file is edited for the others.
"""

from __future__ import annotations

import uuid
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button

from bot.flows.access import owned
from bot.flows.claim_form import files_of, formats_of, title_of
from bot.flows.claims_input import MB, Incoming, Refusal, download, incoming_of
from bot.flows.documents import viewer_of
from bot.flows.filing_state import SECTION, kind_of, read_draft, steps_of
from bot.flows.screen import Screen
from bot.flows.states import FilingSG
from bot.flows.widgets import T, i18n_of, say
from cabinet import CabinetRejected, CabinetUnavailable
from cabinet.models import ClaimDraft, DocumentRequirement

_KEYS = uuid.UUID("6b1f0c52-0c1e-4f57-9f4b-2f7f1d0a7e11")  # namespace of the upload keys


async def _requirement(manager: DialogManager) -> DocumentRequirement:
    kind = await kind_of(manager)
    index = min(int(manager.dialog_data.get("doc", 0)), len(kind.documents) - 1)
    return kind.documents[index]


def checklist(
    manager: DialogManager, draft: ClaimDraft, documents: list[DocumentRequirement]
) -> str:
    """Every requirement with its state: ✅ sent, ⏳ may come later, ▫️ to send or optional."""
    i18n = i18n_of(manager)
    lines = []
    for requirement in documents:
        count = files_of(draft, requirement.id)
        title = title_of(requirement, i18n.locale)
        if count:
            key = "filing-doc-sent"
        elif not requirement.required:
            key = "filing-doc-optional"
        elif requirement.can_add_later:
            key = "filing-doc-later"
        else:
            key = "filing-doc-needed"
        lines.append(i18n.get(key, title=title, count=count))
    return "\n".join(lines)


async def documents_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    kind = await kind_of(dialog_manager)
    requirement = await _requirement(dialog_manager)
    draft = await read_draft(dialog_manager)
    count = files_of(draft, requirement.id)
    held = dialog_manager.dialog_data.get("held", [])
    added = dialog_manager.dialog_data.get("added", [])
    photo = i18n_of(dialog_manager).get("filing-photo")
    return {
        "step": steps_of(kind),
        "steps": steps_of(kind),
        "checklist": checklist(dialog_manager, draft, kind.documents),
        "title": title_of(requirement, i18n_of(dialog_manager).locale),
        "formats": formats_of(requirement),
        "limit": requirement.max_bytes // MB,
        "max_files": requirement.max_files,
        "added": ", ".join(name or photo for name in added),
        "count": len(added),
        "can_go_on": count > 0,
        "skippable": count == 0 and requirement.required and requirement.can_add_later,
        "optional": count == 0 and not requirement.required,
        # Required and cannot come later: the review will say it is missing.
        "not_now": count == 0 and requirement.required and not requirement.can_add_later,
        "held": len(held),
    }


def _fits(incoming: Incoming, requirement: DocumentRequirement, count: int) -> None:
    """What Telegram says about the file, against the requirement (nothing downloaded yet)."""
    if incoming.content_type not in requirement.content_types:
        raise Refusal("filing-file-wrong-type", formats=formats_of(requirement))
    if incoming.size is not None and incoming.size > requirement.max_bytes:
        raise Refusal(
            "claim-file-too-big",
            size=round(incoming.size / MB, 1),
            limit=requirement.max_bytes // MB,
        )
    if count >= requirement.max_files:
        raise Refusal("filing-file-too-many", max_files=requirement.max_files)


async def _attach(manager: DialogManager, incoming: Incoming, *, photo: bool) -> None:
    """Check, download and attach one file; a refusal says why (and the screen follows)."""
    requirement = await _requirement(manager)
    draft = await read_draft(manager)
    _fits(incoming, requirement, files_of(draft, requirement.id))
    content = await download(manager, incoming)
    viewer = viewer_of(manager)
    same_file = f"{draft.draft_id}:{requirement.id}:{incoming.unique_id or incoming.file_id}"
    try:
        await owned(
            manager,
            SECTION,
            viewer.cabinet.upload_claim_draft_document(
                viewer.customer_id,
                draft.draft_id,
                requirement.id,
                filename=incoming.filename,
                content=content,
                content_type=incoming.content_type,
                idempotency_key=uuid.uuid5(_KEYS, same_file),
                locale=viewer.locale,
            ),
        )
    except CabinetRejected as exc:
        key = "filing-file-too-many" if exc.code == "too_many_files" else "claim-file-wrong-type"
        raise Refusal(key, max_files=requirement.max_files) from None
    added: list[str] = manager.dialog_data.setdefault("added", [])
    added.append("" if photo else incoming.filename)  # a photo's name says nothing


async def on_file(message: Message, _: MessageInput, manager: DialogManager) -> None:
    album = message.media_group_id
    if album and manager.dialog_data.get("album") == album:
        manager.show_mode = ShowMode.EDIT  # the album's screen, sent for its first file
    else:
        manager.dialog_data["album"] = album
        manager.dialog_data["added"] = []
    try:
        await _attach(manager, incoming_of(message), photo=bool(message.photo))
    except Refusal as refusal:
        await say(manager, refusal.key, **refusal.variables)
    except CabinetUnavailable:
        await say(manager, "filing-file-unavailable")


async def on_attach_held(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """Files sent during the earlier steps, attached to the requirement on screen now."""
    held: list[dict[str, Any]] = manager.dialog_data.get("held", [])
    manager.dialog_data["added"] = []
    while held:
        try:
            kept = dict(held[0])
            photo = bool(kept.pop("photo", False))
            await _attach(manager, Incoming(**kept), photo=photo)
        except Refusal as refusal:
            await say(manager, refusal.key, **refusal.variables)
        except CabinetUnavailable:
            await say(manager, "filing-file-unavailable")
            return
        held.pop(0)


async def on_next(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """The next requirement (or the review); a required one that cannot wait stays."""
    kind = await kind_of(manager)
    manager.dialog_data["added"] = []
    manager.dialog_data["album"] = None
    following = manager.dialog_data.get("doc", 0) + 1
    if manager.dialog_data.get("review") or following >= len(kind.documents):
        await manager.switch_to(FilingSG.review)
        return
    manager.dialog_data["doc"] = following
    await manager.switch_to(FilingSG.documents)


async def on_back(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data["added"] = []
    index = manager.dialog_data.get("doc", 0)
    if manager.dialog_data.get("review"):
        await manager.switch_to(FilingSG.review)
    elif index > 0:
        manager.dialog_data["doc"] = index - 1
        await manager.switch_to(FilingSG.documents)
    else:
        await manager.switch_to(FilingSG.circumstances)


def documents_window() -> Screen:
    return Screen(
        T("filing-documents"),
        T("filing-documents-added", when="added"),
        Button(T("filing-attach-held"), id="held", on_click=on_attach_held, when="held"),
        Button(T("filing-next"), id="next", on_click=on_next, when="can_go_on"),
        Button(T("filing-later"), id="later", on_click=on_next, when="skippable"),
        Button(T("filing-skip"), id="skip", on_click=on_next, when="optional"),
        Button(T("filing-not-now"), id="not_now", on_click=on_next, when="not_now"),
        MessageInput(on_file),  # anything: what is not a fitting file is refused with why
        Button(T("button-back"), id="back", on_click=on_back),
        state=FilingSG.documents,
        getter=documents_getter,
    )
