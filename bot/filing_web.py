"""`/f`: the claim form of strict privacy mode, a one-time web page instead of the chat.

In strict mode a claim's answers, circumstances and documents are personal data and must not
pass through the messenger, so the chat hands out a one-time link (`/f/{token}`, 30 minutes,
bound to the person and the customer they were linked to, spent on opening, as `/d/` links
are). The page is the same form as the chat's steps, read and checked by the same
`claim_form`. Every page carries a fresh one-time token in its `csrf` field, and a POST is
taken only with it: a form cannot be posted from another site, nor twice. What is valid is
saved even when something else is not, and what was typed comes back with the error, so
nothing is lost. «Отправить заявление» submits (one claim per draft, whatever the retries)
and tells the chat through the outbox.
"""

from __future__ import annotations

import binascii
import datetime as dt
import hashlib
import html
import uuid
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from aiogram_i18n.cores import BaseCore
from aiohttp import BodyPartReader, MultipartReader, web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.document_web import FORM_STYLE, Granted, form_page, message_page, still_linked
from bot.flows.claim_form import (
    CIRCUMSTANCES_LIMIT,
    Invalid,
    Period,
    blocking,
    files_of,
    formats_of,
    hint_of,
    label_of,
    parse,
    parse_text,
    title_of,
)
from bot.flows.claims_input import MB, safe_filename, sniff
from bot.privacy import masked
from cabinet import CabinetClient, CabinetError, CabinetNotFound, CabinetRejected
from cabinet.models import (
    MAX_DOCUMENT_BYTES,
    ClaimDraft,
    ClaimDraftUpdate,
    ClaimKind,
    FieldKind,
    FieldValue,
)
from documents import CLAIM_FORM, DocumentLinks
from linking.web import HEADERS, preferred_locale
from notify.alerts import AlertAction
from notify.outbox import enqueue
from notify.payload import Button
from storage.repositories import AuditRepository

log = structlog.get_logger(__name__)

MAX_FILES = 20
MAX_PARTS = 200
MAX_BODY = 50 * 1024 * 1024
TEXT_PART_LIMIT = 8 * 1024
_KEYS = uuid.UUID("0d7cf0a4-51a2-4f0e-9d8e-8f3b5d2c1a77")  # namespace of this form's keys

LINKS = web.AppKey("form_links", DocumentLinks)
CABINET = web.AppKey("form_cabinet", CabinetClient)
CORE = web.AppKey("form_core", BaseCore[Any])
SESSIONS = web.AppKey("form_sessions", async_sessionmaker[AsyncSession])


@dataclass
class Posted:
    """What a POST carried: its text parts, and its files per requirement."""

    texts: dict[str, str] = field(default_factory=dict)
    files: dict[str, list[tuple[str, bytes]]] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)  # why some files were not taken


@dataclass
class Form(Granted):
    """One person's form: who, which draft, in which language, and its answers' state."""

    grant: dict[str, Any]
    core: BaseCore[Any]
    kind: ClaimKind
    draft: ClaimDraft
    period: Period
    errors: dict[str, str] = field(default_factory=dict)
    typed: dict[str, str] = field(default_factory=dict)
    note: str = ""


# ----------------------------------------------------------------------------- handlers


async def open_form(request: web.Request) -> web.StreamResponse:
    grant = await _grant(request, request.match_info["token"])
    if grant is None:
        return _expired(request)
    return await _show(request, grant)


async def post_form(request: web.Request) -> web.StreamResponse:
    """The token is the body's first part (the form puts it first) and is checked before
    anything else of the body is read: without it, nothing is read further."""
    if not request.content_type.startswith("multipart/form-data"):
        raise web.HTTPUnsupportedMediaType(headers=HEADERS)
    try:
        reader = await request.multipart()
        first = await reader.next()
        token = ""
        if isinstance(first, BodyPartReader) and first.name == "csrf":
            token = (await _limited(first, TEXT_PART_LIMIT)).decode("utf-8", "replace")
        grant = await _grant(request, token)
        if grant is None:
            return _expired(request)
        posted = await _read(reader)
    except ValueError:
        raise web.HTTPRequestEntityTooLarge(
            max_size=MAX_BODY, actual_size=0, headers=HEADERS
        ) from None
    except (RuntimeError, binascii.Error):  # a part's encoding aiohttp cannot decode
        raise web.HTTPBadRequest(headers=HEADERS) from None
    try:
        current = await _load(request, grant)
        await _save(request.app[CABINET], current, posted)
        if posted.texts.get("action") == "submit" and not current.errors:
            return await _submit(request, current)
        fresh = await _load(request, grant)
    except CabinetNotFound:
        return _message(request, grant, "filing-web-gone", 410)
    except CabinetRejected:  # the cabinet refused an answer the bot took: kept, and said so
        fresh = await _load(request, grant)
        current.errors["submit"] = current.t("filing-web-refused")
        current.typed.update({k.removeprefix("field_"): v for k, v in posted.texts.items()})
    except CabinetError as exc:
        log.info("claim_form_failed", error=type(exc).__name__)
        return _message(request, grant, "document-unavailable", 503)
    fresh.errors, fresh.typed = current.errors, current.typed
    fresh.note = current.note
    return await _render(request, fresh, status=422 if fresh.errors else 200)


# ----------------------------------------------------------------------------- steps


async def _grant(request: web.Request, token: str) -> dict[str, Any] | None:
    """The grant behind a one-time token, if it is a form's and the chat is still linked."""
    grant = await request.app[LINKS].take(token)
    if grant is None or grant.get("kind") != CLAIM_FORM:
        return None
    return grant if await still_linked(request.app[SESSIONS], grant) else None


async def _show(request: web.Request, grant: dict[str, Any]) -> web.StreamResponse:
    try:
        current = await _load(request, grant)
    except CabinetNotFound:
        return _message(request, grant, "filing-web-gone", 410)
    except CabinetError:
        return _message(request, grant, "document-unavailable", 503)
    return await _render(request, current)


async def _load(request: web.Request, grant: dict[str, Any]) -> Form:
    cabinet = request.app[CABINET]
    customer, draft_id, locale = grant["customer_id"], grant["ref"]["draft_id"], grant["locale"]
    draft = await cabinet.claim_draft(customer, draft_id, locale=locale)
    kinds = (await cabinet.claim_types(customer, draft.policy_id, locale=locale)).value.items
    kind = next((k for k in kinds if k.id == draft.claim_type), None)
    if kind is None:
        raise CabinetNotFound("the claim type is not offered any more")
    policy = (await cabinet.policy(customer, draft.policy_id, locale=locale)).value
    today = dt.datetime.now(ZoneInfo(grant["time_zone"])).date()
    period = Period(policy.starts_on, policy.ends_on, today)
    return Form(grant, request.app[CORE], kind, draft, period)


async def _read(reader: MultipartReader) -> Posted:
    """The rest of the multipart body, streamed: text parts of 8 KB at most, files of 5 MB at
    most, 20 files, 200 parts and 50 MB at most (`ValueError`: the body is too large). The
    requirement's own types and size are checked when the files are attached."""
    posted = Posted()
    files = parts = total = 0
    while (part := await reader.next()) is not None:
        parts += 1
        if parts > MAX_PARTS:
            raise ValueError("too many parts")
        if not isinstance(part, BodyPartReader) or not part.name:
            continue
        if part.filename is None:
            text = await _limited(part, TEXT_PART_LIMIT)
            posted.texts[part.name] = text.decode("utf-8", "replace")
            continue
        data = await _limited(part, MAX_DOCUMENT_BYTES)
        if not data:
            continue  # an empty file input
        files, total = files + 1, total + len(data)
        if files > MAX_FILES or total > MAX_BODY:
            raise ValueError("too many files")
        requirement = part.name.removeprefix("doc_")
        name = safe_filename(part.filename) or "document"
        posted.files.setdefault(requirement, []).append((name, data))
    return posted


async def _limited(part: BodyPartReader, limit: int) -> bytes:
    """A part's bytes, read in chunks, refused as soon as it grows past `limit`."""
    data = bytearray()
    while chunk := await part.read_chunk():
        data += chunk
        if len(data) > limit:
            raise ValueError("part too large")
    return bytes(part.decode(bytes(data))) if part.filename is None else bytes(data)


async def _save(cabinet: CabinetClient, current: Form, posted: Posted) -> None:
    """Valid answers and files to the cabinet; the rest kept, with why, for the page."""
    values: dict[str, FieldValue | None] = {}
    for spec in current.kind.fields:
        raw = posted.texts.get(f"field_{spec.id}", "").strip()
        if not raw:
            continue
        try:
            values[spec.id] = parse(spec, raw, current.period, current.locale)
        except Invalid as invalid:
            current.errors[f"field_{spec.id}"] = current.t(invalid.key, **invalid.variables)
            current.typed[spec.id] = raw
    update: dict[str, Any] = {"fields": values} if values else {}
    circumstances = posted.texts.get("circumstances", "").strip()
    if circumstances:
        try:
            update["circumstances"] = parse_text(circumstances, CIRCUMSTANCES_LIMIT)
        except Invalid as invalid:
            current.errors["circumstances"] = current.t(invalid.key, **invalid.variables)
            current.typed["circumstances"] = circumstances[: CIRCUMSTANCES_LIMIT + 500]
    customer, draft_id = current.grant["customer_id"], current.draft.draft_id
    if update:
        await cabinet.update_claim_draft(
            customer, draft_id, ClaimDraftUpdate(**update), locale=current.locale
        )
    for requirement_id, files in posted.files.items():
        await _attach(cabinet, current, requirement_id, files)
    current.note = current.t("filing-web-saved")


async def _attach(
    cabinet: CabinetClient, current: Form, requirement_id: str, files: list[tuple[str, bytes]]
) -> None:
    requirement = next((r for r in current.kind.documents if r.id == requirement_id), None)
    if requirement is None:
        return  # not an input of this form
    room = requirement.max_files - files_of(current.draft, requirement.id)
    for name, data in files:
        content_type = sniff(data)
        if content_type is None or content_type not in requirement.content_types:
            current.errors[f"doc_{requirement.id}"] = current.t(
                "filing-web-file-type", name=name, formats=formats_of(requirement)
            )
            continue
        if len(data) > requirement.max_bytes:
            current.errors[f"doc_{requirement.id}"] = current.t(
                "claim-file-too-big",
                size=round(len(data) / MB, 1),
                limit=requirement.max_bytes // MB,
            )
            continue
        if room <= 0:
            current.errors[f"doc_{requirement.id}"] = current.t(
                "filing-file-too-many", max_files=requirement.max_files
            )
            break
        same_file = f"{current.draft.draft_id}:{requirement.id}:{hashlib.sha256(data).hexdigest()}"
        key = uuid.uuid5(_KEYS, same_file)  # the same file posted again is attached once
        try:
            await cabinet.upload_claim_draft_document(
                current.grant["customer_id"],
                current.draft.draft_id,
                requirement.id,
                filename=name,
                content=data,
                content_type=content_type,
                idempotency_key=key,
                locale=current.locale,
            )
        except CabinetRejected:
            current.errors[f"doc_{requirement.id}"] = current.t(
                "filing-web-file-type", name=name, formats=formats_of(requirement)
            )
            continue
        room -= 1


async def _submit(request: web.Request, current: Form) -> web.StreamResponse:
    cabinet = request.app[CABINET]
    grant = current.grant
    draft = await cabinet.claim_draft(grant["customer_id"], current.draft.draft_id)
    missing = blocking(draft)
    if missing:
        circumstances = current.t("filing-circumstances-title")
        names = ", ".join(label_of(current.kind, p, current.locale, circumstances) for p in missing)
        current.errors["submit"] = current.t("filing-review-incomplete", missing=names)
        fresh = await _load(request, grant)
        fresh.errors, fresh.typed = current.errors, current.typed
        return await _render(request, fresh, status=422)
    registration = await cabinet.submit_claim_draft(
        grant["customer_id"],
        draft.draft_id,
        # The same draft as it is now: one claim, however often it is posted; a changed draft
        # (after a refusal) is a request of its own.
        idempotency_key=uuid.uuid5(_KEYS, f"submit:{draft.draft_id}:{draft.updated_at}"),
        locale=current.locale,
    )
    await _tell_the_chat(request, current, registration.claim_id, registration.number)
    log.info("claim_form_submitted")
    body = (
        "<p>"
        + _e(
            current.t(
                "filing-web-done-text",
                number=registration.number,
                decision_due_on=registration.decision_due_on,
            )
        )
        + "</p>"
    )
    return _page(current.locale, current.t("filing-web-done-title"), body)


async def _tell_the_chat(request: web.Request, current: Form, claim_id: str, number: str) -> None:
    """The chat learns it through the outbox (a strict chat: the masked number only)."""
    user_id = int(current.grant["user_id"])
    text = current.t("filing-web-done-chat", number=html.escape(masked(number)))
    button: Button = {
        "text": current.t("filing-open-claim"),
        "callback_data": AlertAction(action="claim", id=claim_id).pack(),
    }
    async with request.app[SESSIONS]() as session:
        await enqueue(
            session,
            user_id,
            {"text": text, "buttons": [[button]]},
            kind="notice",
            customer_id=current.grant["customer_id"],
        )
        await AuditRepository(session).record("claim.filed", actor_id=user_id, claim_id=claim_id)
        await session.commit()


# ----------------------------------------------------------------------------- the page


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


async def _render(request: web.Request, current: Form, status: int = 200) -> web.Response:
    links = request.app[LINKS]
    grant = current.grant
    csrf = await links.issue(
        user_id=int(grant["user_id"]),
        customer_id=grant["customer_id"],
        kind=CLAIM_FORM,
        ref=grant["ref"],
        locale=grant["locale"],
        time_zone=grant["time_zone"],
    )
    parts: list[str] = []
    if current.note and not current.errors:
        parts.append(f"<p class='note'>{_e(current.note)}</p>")
    if current.errors:
        parts.append(f"<p class='error'>{_e(current.t('filing-web-errors'))}</p>")
    if "submit" in current.errors:
        parts.append(f"<p class='error'>{_e(current.errors['submit'])}</p>")
    parts.append(
        f"<p>{_e(title_of(current.kind, current.locale))} · "
        f"{_e(current.t('filing-web-policy', number=current.draft.policy_number))}</p>"
    )
    parts.append("<form method='post' enctype='multipart/form-data' action='./'>")
    parts.append(f"<input type='hidden' name='csrf' value='{_e(csrf)}'>")
    for spec in current.kind.fields:
        parts.append(_field(current, spec))
    parts.append(_circumstances(current))
    for requirement in current.kind.documents:
        parts.append(_documents(current, requirement))
    parts.append(
        f"<button type='submit' name='action' value='save' class='secondary'>"
        f"{_e(current.t('filing-web-save'))}</button>"
        f"<button type='submit' name='action' value='submit'>{_e(current.t('filing-submit'))}"
        "</button></form>"
    )
    return _page(current.locale, current.t("filing-web-title"), "".join(parts), status)


def _label(current: Form, name: str, title: str, required: bool) -> str:
    mark = " *" if required else ""
    error = current.errors.get(name)
    shown = f"<div class='error' id='{_e(name)}-error'>{_e(error)}</div>" if error else ""
    return f"<label for='{_e(name)}'>{_e(title)}{mark}</label>{shown}"


def _field(current: Form, spec: Any) -> str:
    name = f"field_{spec.id}"
    saved = current.draft.fields.get(spec.id)
    value = current.typed.get(spec.id, "" if saved is None else str(saved))
    title = title_of(spec, current.locale)
    hint = hint_of(spec, current.locale)
    out = [_label(current, name, title, spec.required)]
    if hint:
        out.append(f"<div class='hint'>{_e(hint)}</div>")
    if spec.kind is FieldKind.DATE:
        out.append(
            f"<input type='date' id='{name}' name='{name}' value='{_e(value)}'"
            f" min='{current.period.starts_on}' max='{current.period.last}'>"
        )
    elif spec.kind is FieldKind.CHOICE:
        options = [f"<option value=''>{_e(current.t('filing-web-choose'))}</option>"]
        for option in spec.options:
            chosen = " selected" if option.id == value else ""
            options.append(
                f"<option value='{_e(option.id)}'{chosen}>{_e(title_of(option, current.locale))}"
                "</option>"
            )
        out.append(f"<select id='{name}' name='{name}'>{''.join(options)}</select>")
    elif spec.kind is FieldKind.YES_NO:
        radios = []
        for answer, key in (("yes", "filing-yes"), ("no", "filing-no")):
            checked = " checked" if value in (answer, str(answer == "yes")) else ""
            radios.append(
                f"<label style='display:inline;font-weight:400;margin-right:1.5rem'>"
                f"<input type='radio' name='{name}' value='{answer}'{checked}> "
                f"{_e(current.t(key))}</label>"
            )
        out.append(f"<fieldset id='{name}'>{''.join(radios)}</fieldset>")
    else:
        mode = " inputmode='decimal'" if spec.kind is FieldKind.AMOUNT else ""
        limit = f" maxlength='{spec.max_length}'" if spec.kind is FieldKind.TEXT else ""
        out.append(
            f"<input type='text' id='{name}' name='{name}' value='{_e(value)}'{mode}{limit}>"
        )
    return "".join(out)


def _circumstances(current: Form) -> str:
    value = current.typed.get("circumstances", current.draft.circumstances or "")
    title = current.t("filing-web-circumstances", limit=CIRCUMSTANCES_LIMIT)
    return (
        _label(current, "circumstances", title, True)
        + f"<textarea id='circumstances' name='circumstances' maxlength='{CIRCUMSTANCES_LIMIT}'>"
        + f"{_e(value)}</textarea>"
    )


def _documents(current: Form, requirement: Any) -> str:
    name = f"doc_{requirement.id}"
    title = title_of(requirement, current.locale)
    sent = [d.name for d in current.draft.documents if d.requirement == requirement.id]
    accept = ",".join(requirement.content_types)
    state = (
        current.t("filing-web-files", names=", ".join(sent))
        if sent
        else current.t("filing-web-later" if requirement.can_add_later else "filing-web-none")
    )
    hint = current.t(
        "filing-web-file-hint",
        formats=formats_of(requirement),
        limit=requirement.max_bytes // MB,
        max_files=requirement.max_files,
    )
    return (
        _label(current, name, title, requirement.required)
        + f"<div class='files'>{_e(state)}</div><div class='hint'>{_e(hint)}</div>"
        + f"<input type='file' id='{name}' name='{name}' accept='{_e(accept)}' multiple>"
    )


def _page(locale: str, title: str, body: str, status: int = 200) -> web.Response:
    return form_page(locale, title, FORM_STYLE + body, status)


def _message(request: web.Request, grant: dict[str, Any], key: str, status: int) -> web.Response:
    return Granted(grant, request.app[CORE]).message(key, status)


def _expired(request: web.Request) -> web.Response:
    return message_page(request.app[CORE], preferred_locale(request), "filing-web-expired", 410)


def create_form_app(
    links: DocumentLinks,
    cabinet: CabinetClient,
    core: BaseCore[Any],
    session_factory: async_sessionmaker[AsyncSession],
    middlewares: list[Any],
) -> web.Application:
    """Mounted at `/f` on the process's web server."""
    app = web.Application(middlewares=middlewares)
    app[LINKS], app[CABINET], app[CORE], app[SESSIONS] = links, cabinet, core, session_factory
    # No HEAD: a link scanner's probe would spend the one-time link.
    app.router.add_get(r"/{token:[A-Za-z0-9_-]{1,64}}", open_form, allow_head=False)
    app.router.add_post("/", post_form)
    return app
