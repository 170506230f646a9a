"""What a user sends to a claim: a clarification (text) and a document (PDF/JPG/PNG, ≤ 5 MB).

Both are creating POSTs with an `Idempotency-Key`, one per claim and step, made by the button
that leads into the step (a handler that raises keeps no changes to the dialog's data). When
the cabinet is down the input is kept in the dialog's data with its key, and the step offers
"Отправить ещё раз": the retry is the same request, so the cabinet takes it once. Something new
typed or sent instead gets a new key.

A file is judged by what Telegram says about it (size, MIME type, name) before it is
downloaded; its first bytes are checked after, as the cabinet will.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import Bot
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, SwitchTo

from bot.flows.access import owned
from bot.flows.deps import deps
from bot.flows.documents import viewer_of
from bot.flows.keys import fresh_keys, key_of
from bot.flows.screen import Screen, answer_free_text
from bot.flows.states import ClaimsSG
from bot.flows.widgets import T, say
from cabinet import CabinetRejected, CabinetUnavailable
from cabinet.models import MAX_DOCUMENT_BYTES, DocumentContentType

SECTION = "claims"
MESSAGE, UPLOAD = "message", "upload"
STATES = {MESSAGE: ClaimsSG.message, UPLOAD: ClaimsSG.upload}
TEXT_LIMIT = 2000  # the contract's ClaimMessageRequest.text maxLength
MB = 1024 * 1024
_EXTENSIONS: dict[str, DocumentContentType] = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
_MIME_TYPES: dict[str, DocumentContentType] = {kind: kind for kind in _EXTENSIONS.values()}
_SIGNATURES: dict[DocumentContentType, bytes] = {
    "application/pdf": b"%PDF-",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG\r\n\x1a\n",
}


def claim_id_of(manager: DialogManager) -> str:
    return str(manager.dialog_data.get("claim_id", ""))


class Refusal(Exception):
    """Input the step cannot take: the message that says why, and the step repeats."""

    def __init__(self, key: str, **variables: Any) -> None:
        super().__init__(key)
        self.key = key
        self.variables = variables


@dataclasses.dataclass(frozen=True)
class Incoming:
    """A file the user sent, as Telegram describes it (nothing downloaded yet)."""

    file_id: str
    filename: str
    content_type: DocumentContentType
    size: int | None
    unique_id: str = ""  # the same file sent again has the same one


def incoming_of(message: Message) -> Incoming:
    if message.photo:  # Telegram sends photos as JPEG; the largest size is the last
        photo = message.photo[-1]
        return _checked(
            Incoming(
                photo.file_id,
                f"photo-{photo.file_unique_id}.jpg",
                "image/jpeg",
                photo.file_size,
                photo.file_unique_id,
            )
        )
    document = message.document
    if document is None:
        raise Refusal("claim-upload-not-file", limit=MAX_DOCUMENT_BYTES // MB)
    name = document.file_name or ""
    # The name's extension decides when there is one (clients derive the MIME type from it).
    content_type = (
        _EXTENSIONS.get(name.rpartition(".")[2].lower())
        if "." in name
        else _MIME_TYPES.get(document.mime_type or "")
    )
    if content_type is None:
        raise Refusal("claim-file-wrong-type")
    fallback = f"document-{document.file_unique_id}.{content_type.rpartition('/')[2]}"
    filename = safe_filename(name) or fallback
    return _checked(
        Incoming(
            document.file_id, filename, content_type, document.file_size, document.file_unique_id
        )
    )


_UNSAFE = re.compile(r"[^\w .()+-]+")
NAME_LIMIT = 100


def safe_filename(name: str) -> str:
    """A name the cabinet can store as it is: no folders, no control or markup characters, at
    most 100 characters with the extension kept; "" when nothing is left."""
    base = re.split(r"[\\/]", name)[-1]
    clean = _UNSAFE.sub("_", unicodedata.normalize("NFC", base)).strip(" ._")
    stem, dot, extension = clean.rpartition(".")
    if not dot or len(extension) > 10:
        stem, extension = clean, ""
    suffix = f".{extension}" if extension else ""
    return stem[: NAME_LIMIT - len(suffix)].rstrip(" ._") + suffix if stem else ""


def _checked(incoming: Incoming, size: int | None = None) -> Incoming:
    size = incoming.size if size is None else size
    if size is not None and size > MAX_DOCUMENT_BYTES:
        raise Refusal(
            "claim-file-too-big", size=round(size / MB, 1), limit=MAX_DOCUMENT_BYTES // MB
        )
    return incoming


async def download(manager: DialogManager, incoming: Incoming) -> bytes:
    bot: Bot = deps(manager).bot
    downloaded = await bot.download(incoming.file_id)
    content = downloaded.read() if downloaded else b""
    _checked(incoming, len(content))
    if sniff(content) != incoming.content_type:
        raise Refusal("claim-file-wrong-type")
    return content


def sniff(content: bytes) -> DocumentContentType | None:
    """What a file is by its first bytes: PDF, JPEG, PNG, or none of them."""
    return next((kind for kind, sign in _SIGNATURES.items() if content.startswith(sign)), None)


def _slot(manager: DialogManager, step: str) -> str:
    return f"{step}:{claim_id_of(manager)}"


def _pending(manager: DialogManager) -> dict[str, dict[str, Any]]:
    pending: dict[str, dict[str, Any]] = manager.dialog_data.setdefault("pending", {})
    return pending


async def _send(
    manager: DialogManager,
    step: str,
    payload: dict[str, Any],
    call: Callable[[uuid.UUID], Awaitable[object]],
) -> None:
    """`call(idempotency_key)` for the claim; kept for "send again" if the cabinet is down."""
    slot = _slot(manager, step)
    pending = _pending(manager)
    if pending.get(slot, payload) != payload:
        fresh_keys(manager, slot)  # something new instead of what was kept: a request of its own
    try:
        await owned(manager, SECTION, call(key_of(manager, slot)))
    except CabinetUnavailable:
        pending[slot] = payload
        await say(manager, "cabinet-unavailable")
        return
    except CabinetRejected as exc:
        pending.pop(slot, None)
        if exc.code == "claim_closed":
            await say(manager, "claim-closed")
            await manager.switch_to(ClaimsSG.detail)
            return
        # Refused for a reason the bot could not check: said so; the step stays open for
        # another try, which is a request of its own.
        fresh_keys(manager, slot)
        await say(manager, f"claim-{step}-refused")
        return
    pending.pop(slot, None)
    await say(manager, f"claim-{step}-done")
    await manager.switch_to(ClaimsSG.detail)


async def _send_text(manager: DialogManager, text: str) -> None:
    viewer = viewer_of(manager)
    await _send(
        manager,
        MESSAGE,
        {"text": text},
        lambda key: viewer.cabinet.add_claim_message(
            viewer.customer_id,
            claim_id_of(manager),
            text,
            idempotency_key=key,
            locale=viewer.locale,
        ),
    )


async def _send_file(manager: DialogManager, incoming: Incoming) -> None:
    viewer = viewer_of(manager)
    try:
        content = await download(manager, incoming)
    except Refusal as refusal:
        await say(manager, refusal.key, **refusal.variables)
        return
    await _send(
        manager,
        UPLOAD,
        dataclasses.asdict(incoming),
        lambda key: viewer.cabinet.upload_claim_document(
            viewer.customer_id,
            claim_id_of(manager),
            filename=incoming.filename,
            content=content,
            content_type=incoming.content_type,
            idempotency_key=key,
            locale=viewer.locale,
        ),
    )


# ----------------------------------------------------------------------------- handlers


def _enter(step: str) -> Callable[[CallbackQuery, Button, DialogManager], Awaitable[None]]:
    """The button into a step: the step's key, unless something unsent is kept with its own."""

    async def on_click(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
        manager.dialog_data.pop("uploaded", None)
        manager.dialog_data.pop("upload_album", None)
        slot = _slot(manager, step)
        if slot not in _pending(manager):
            fresh_keys(manager, slot)
        await manager.switch_to(STATES[step])

    return on_click


on_ask = _enter(MESSAGE)
on_add_document = _enter(UPLOAD)


async def on_text(message: Message, _: MessageInput, manager: DialogManager) -> None:
    text = (message.text or "").strip()
    if not text:
        await say(manager, "claim-message-not-text")
        return
    if len(text) > TEXT_LIMIT:
        await say(manager, "claim-message-too-long", limit=TEXT_LIMIT, length=len(text))
        return
    await _send_text(manager, text)


async def on_not_text(_: Message, __: MessageInput, manager: DialogManager) -> None:
    await say(manager, "claim-message-not-text")


async def on_file(message: Message, _: MessageInput, manager: DialogManager) -> None:
    try:
        incoming = incoming_of(message)
    except Refusal as refusal:
        await say(manager, refusal.key, **refusal.variables)
        return
    album = message.media_group_id
    if album is None:
        await _send_file(manager, incoming)
        return
    # An album: every file is attached, and the step's screen (sent for the first, edited for
    # the others) lists them; «Готово» goes back to the card.
    if manager.dialog_data.get("upload_album") == album:
        manager.show_mode = ShowMode.EDIT
    else:
        manager.dialog_data.update(upload_album=album, uploaded=[])
    try:
        name = await _attach_one(manager, incoming)
    except Refusal as refusal:
        await say(manager, refusal.key, **refusal.variables)
    except CabinetUnavailable:
        await say(manager, "claim-file-unavailable")
    else:
        manager.dialog_data["uploaded"].append(name)


def _step_of(manager: DialogManager) -> str:
    return MESSAGE if manager.current_context().state == ClaimsSG.message else UPLOAD


async def on_send_again(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    step = _step_of(manager)
    kept = _pending(manager).get(_slot(manager, step))
    if kept is None:
        return  # sent meanwhile (an old button)
    if step == MESSAGE:
        await _send_text(manager, kept["text"])
    else:
        await _send_file(manager, Incoming(**kept))


async def input_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    step = _step_of(dialog_manager)
    uploaded = dialog_manager.dialog_data.get("uploaded", []) if step == UPLOAD else []
    return {
        "uploaded": ", ".join(uploaded),
        "count": len(uploaded),
        "pending": _slot(dialog_manager, step) in _pending(dialog_manager),
        "limit": TEXT_LIMIT if step == MESSAGE else MAX_DOCUMENT_BYTES // MB,
    }


def input_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            T("claim-message-prompt"),
            T("claim-message-pending", when="pending"),
            MessageInput(on_text, content_types=ContentType.TEXT),
            MessageInput(on_not_text),
            Button(T("claim-send-again"), id="again", on_click=on_send_again, when="pending"),
            SwitchTo(T("button-back"), id="back", state=ClaimsSG.detail),
            state=ClaimsSG.message,
            getter=input_getter,
        ),
        Screen(
            T("claim-upload-prompt"),
            T("claim-upload-pending", when="pending"),
            T("claim-files-uploaded", when="uploaded"),
            SwitchTo(
                T("claim-upload-done-button"), id="done", state=ClaimsSG.detail, when="uploaded"
            ),
            MessageInput(on_file),  # anything: what is not a fitting file is refused with why
            Button(T("claim-send-again"), id="again", on_click=on_send_again, when="pending"),
            SwitchTo(T("button-back"), id="back", state=ClaimsSG.detail),
            state=ClaimsSG.upload,
            getter=input_getter,
        ),
    )


# ----------------------------------------------------------------------------- sent to the card

_FILE_KEYS = uuid.UUID("9a4c7e1d-3b62-4f05-8e2a-5d7c1b0f6a93")  # namespace of the upload keys


async def offer_to_claim(message: Message, manager: DialogManager) -> None:
    """A file or a text sent to a claim's card without pressing a button first: offered for
    this claim («Прикрепить к обращению № …?», «Отправить специалисту?»), never dropped.
    The files of an album gather on one offer."""
    if manager.dialog_data.get("closed"):
        await answer_free_text(message, manager)
        return
    if message.text:
        manager.dialog_data["offered_text"] = message.text.strip()[: TEXT_LIMIT + 1]
        fresh_keys(manager, _slot(manager, MESSAGE))
        await manager.switch_to(ClaimsSG.offer_text)
        return
    try:
        incoming = incoming_of(message)
    except Refusal as refusal:
        await say(manager, refusal.key, **refusal.variables)
        return
    offered: list[dict[str, Any]] = manager.dialog_data.setdefault("offered", [])
    album = message.media_group_id
    if album and manager.dialog_data.get("offer_album") == album:
        manager.show_mode = ShowMode.EDIT  # the album's offer, sent for its first file
    elif manager.current_context().state != ClaimsSG.offer_file:
        offered.clear()
    manager.dialog_data["offer_album"] = album
    offered.append(dataclasses.asdict(incoming))
    await manager.switch_to(ClaimsSG.offer_file)


async def _attach_one(manager: DialogManager, incoming: Incoming) -> str:
    """Download, check and attach one file, with a key of the claim and the file: the same
    file sent again is attached once. Its name; `Refusal` or `CabinetUnavailable` if not."""
    viewer = viewer_of(manager)
    content = await download(manager, incoming)
    await owned(
        manager,
        SECTION,
        viewer.cabinet.upload_claim_document(
            viewer.customer_id,
            claim_id_of(manager),
            filename=incoming.filename,
            content=content,
            content_type=incoming.content_type,
            idempotency_key=uuid.uuid5(_FILE_KEYS, f"{claim_id_of(manager)}:{incoming.unique_id}"),
            locale=viewer.locale,
        ),
    )
    return incoming.filename


async def on_attach_offered(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """Every offered file, checked and attached; one message says what was added."""
    offered: list[dict[str, Any]] = manager.dialog_data.get("offered", [])
    names: list[str] = []
    while offered:
        try:
            name = await _attach_one(manager, Incoming(**offered[0]))
        except Refusal as refusal:
            await say(manager, refusal.key, **refusal.variables)
        except CabinetUnavailable:
            await say(manager, "cabinet-unavailable")
            return  # what is left stays offered: «Прикрепить» again sends it once
        else:
            names.append(name)
        offered.pop(0)
    if names:
        await say(manager, "claim-files-added", count=len(names), names=", ".join(names))
    await manager.switch_to(ClaimsSG.detail)


async def on_send_offered(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    text = manager.dialog_data.pop("offered_text", "")
    if len(text) > TEXT_LIMIT:
        await say(manager, "claim-message-too-long", limit=TEXT_LIMIT, length=len(text))
        await manager.switch_to(ClaimsSG.detail)
        return
    await _send_text(manager, text)


async def on_decline_offer(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("offered", None)
    manager.dialog_data.pop("offered_text", None)
    await manager.switch_to(ClaimsSG.detail)


async def offer_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    offered = dialog_manager.dialog_data.get("offered", [])
    return {
        "count": len(offered),
        "text": dialog_manager.dialog_data.get("offered_text", ""),
        "number": dialog_manager.dialog_data.get("number", ""),
    }


def offer_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            T("claim-offer-file"),
            Button(T("claim-offer-attach"), id="attach", on_click=on_attach_offered),
            Button(T("claim-offer-no"), id="no", on_click=on_decline_offer),
            state=ClaimsSG.offer_file,
            getter=offer_getter,
            unhandled=offer_to_claim,
        ),
        Screen(
            T("claim-offer-text"),
            Button(T("claim-offer-send"), id="send", on_click=on_send_offered),
            Button(T("claim-offer-no"), id="no", on_click=on_decline_offer),
            state=ClaimsSG.offer_text,
            getter=offer_getter,
            unhandled=offer_to_claim,
        ),
    )
