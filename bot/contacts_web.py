"""`/c`: changing the phone or the e-mail in strict privacy mode, on a one-time web page.

In strict mode contacts are personal data that must not pass through the messenger, so the
contacts screen hands out a one-time link per kind (`/c/{token}`, 30 minutes, bound to the
person and the customer they were linked to, spent on opening, as `/f/` links are). The page
takes the new value (read by the same `contact_values` as the chat), has the cabinet send a
code there, then takes the code — all on the page: 3 attempts, each wrong one saying how many
are left; an expired code with «Отправить код ещё раз». The result goes to the chat through
the outbox, the value masked. The change is remembered for the chat as one it started
(`ContactChange`), as in the chat: the cabinet's `contacts.changed` then does not warn the
chat a second time.

Every page carries a fresh one-time token in its `csrf` field, and a POST is taken only with
it: a form cannot be posted from another site, nor twice. The token also carries the step the
page is at (the kind; then the change waiting for its code), so nothing of it is taken from
the form's fields. What was typed comes back with an error, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
import html
import uuid
from typing import Any
from zoneinfo import ZoneInfo

import structlog
from aiogram_i18n.cores import BaseCore
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.document_web import FORM_STYLE, Granted, form_page, message_page, still_linked
from bot.flows.claim_form import Invalid
from bot.flows.contact_values import EMAIL_MAX, parse_code, parse_contact, shown
from cabinet import CabinetClient, CabinetError, CabinetRejected, CabinetUnavailable
from cabinet.models import ContactChange, ContactChangeRequest, ContactKind
from documents import CONTACTS_FORM, DocumentLinks
from linking.web import HEADERS, preferred_locale
from notify.alerts import AlertAction
from notify.outbox import enqueue
from notify.payload import Button
from storage.repositories import AuditRepository, ContactChangeRepository

log = structlog.get_logger(__name__)

LINKS = web.AppKey("contacts_links", DocumentLinks)
CABINET = web.AppKey("contacts_cabinet", CabinetClient)
CORE = web.AppKey("contacts_core", BaseCore[Any])
SESSIONS = web.AppKey("contacts_sessions", async_sessionmaker[AsyncSession])
MAX_BODY = 16 * 1024
_REFUSED_VALUE = {"validation_failed": "rejected", "contact_unchanged": "unchanged"}


class Step(Granted):
    """One page of the change: who, which kind, and (on the code page) the change waiting."""

    def __init__(self, grant: dict[str, Any], core: BaseCore[Any]) -> None:
        super().__init__(grant, core)
        self.ref: dict[str, Any] = dict(grant["ref"])
        self.kind = ContactKind(self.ref["kind"])
        self.error = ""
        self.note = ""
        self.typed = ""

    @property
    def waiting(self) -> bool:
        return "change_id" in self.ref

    def wait_for(self, change: ContactChange) -> None:
        self.ref.update(
            change_id=change.change_id,
            value=change.value,
            expires_at=change.expires_at.isoformat(),
            attempts_left=str(change.attempts_left),
        )


# ----------------------------------------------------------------------------- handlers


async def open_page(request: web.Request) -> web.StreamResponse:
    grant = await _grant(request, request.match_info["token"])
    if grant is None:
        return _expired(request)
    step = Step(grant, request.app[CORE])
    step.ref["key"] = str(uuid.uuid4())  # this page's change: one per value sent from it
    return await _render(request, step)


async def post_page(request: web.Request) -> web.StreamResponse:
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPUnsupportedMediaType(headers=HEADERS)
    if (request.content_length or 0) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=0, headers=HEADERS)
    form = await request.post()
    grant = await _grant(request, str(form.get("csrf", "")))
    if grant is None:
        return _expired(request)
    step = Step(grant, request.app[CORE])
    fields = {k: v for k, v in form.items() if isinstance(v, str)}
    try:
        if not step.waiting:
            await _send_code(request, step, fields.get("value", "")[: EMAIL_MAX + 50])
        elif fields.get("action") == "resend":
            await _resend(request, step)
        else:
            done = await _confirm(request, step, fields.get("code", "")[:50])
            if done is not None:
                return done
    except CabinetUnavailable:
        step.error = step.t("contacts-unavailable-web")
    except CabinetError as exc:
        log.info("contacts_page_failed", error=type(exc).__name__, code=exc.code)
        return step.message("document-unavailable", 503)
    return await _render(request, step, status=422 if step.error else 200)


# ----------------------------------------------------------------------------- steps


async def _grant(request: web.Request, token: str) -> dict[str, Any] | None:
    """The grant behind a one-time token, if it is this page's and the chat is still linked."""
    grant = await request.app[LINKS].take(token)
    if grant is None or grant.get("kind") != CONTACTS_FORM:
        return None
    return grant if await still_linked(request.app[SESSIONS], grant) else None


async def _send_code(request: web.Request, step: Step, typed: str) -> None:
    step.typed = typed
    try:
        value = parse_contact(step.kind, typed)
    except Invalid as invalid:
        step.error = step.t(invalid.key)
        return
    key = uuid.uuid5(uuid.UUID(step.ref["key"]), value)
    await _start(request, step, value, key)


async def _resend(request: web.Request, step: Step) -> None:
    """A new change for the same value (one per change resent, whatever the retries)."""
    key = uuid.uuid5(uuid.UUID(step.ref["key"]), f"resend:{step.ref['change_id']}")
    await _start(request, step, step.ref["value"], key)
    if not step.error:
        step.note = step.t("contacts-code-resent")


async def _start(request: web.Request, step: Step, value: str, key: uuid.UUID) -> None:
    request_ = ContactChangeRequest(kind=step.kind, value=value)
    try:
        change = await request.app[CABINET].start_contact_change(
            step.customer_id, request_, idempotency_key=key, locale=step.locale
        )
    except CabinetRejected as exc:
        reason = _REFUSED_VALUE.get(exc.code or "")
        if reason is None:
            raise
        for name in ("change_id", "value", "expires_at", "attempts_left"):
            step.ref.pop(name, None)  # back to the value, with what was typed
        step.typed = step.typed or value
        step.error = step.t(f"contacts-{reason}-{step.kind.value}")
        return
    async with request.app[SESSIONS]() as session:
        await ContactChangeRepository(session).started(
            change_id=change.change_id,
            user_id=int(step.grant["user_id"]),
            customer_id=step.customer_id,
            kind=change.kind.value,
        )
        await session.commit()
    step.wait_for(change)


async def _confirm(request: web.Request, step: Step, typed: str) -> web.Response | None:
    try:
        code = parse_code(typed)
    except Invalid as invalid:
        step.error = step.t(invalid.key)
        return None
    try:
        await request.app[CABINET].confirm_contact_change(
            step.customer_id, step.ref["change_id"], code, locale=step.locale
        )
    except CabinetRejected as exc:
        if exc.code == "wrong_code" and exc.attempts_left:
            step.ref["attempts_left"] = str(exc.attempts_left)
            step.error = step.t("contacts-wrong-code", left=exc.attempts_left)
        elif exc.code == "code_expired":
            step.error = step.t("contacts-code-expired")
        elif exc.code == "too_many_attempts":
            return step.message("contacts-web-cancelled", 409)
        else:
            raise
        return None
    await _tell_the_chat(request, step)
    log.info("contact_changed_on_page", kind=step.kind.value)
    title = step.t(f"contacts-web-done-title-{step.kind.value}")
    return form_page(step.locale, title, f"<p>{_e(step.t('contacts-web-done-text'))}</p>")


async def _tell_the_chat(request: web.Request, step: Step) -> None:
    """The chat learns it through the outbox, the new value masked (a strict chat)."""
    user_id = int(step.grant["user_id"])
    value = html.escape(shown(step.kind, step.ref["value"], strict=True))
    text = step.t(f"contacts-web-done-chat-{step.kind.value}", value=value)
    button: Button = {
        "text": step.t("contacts-web-open"),
        "callback_data": AlertAction(action="contacts", id="-").pack(),
    }
    async with request.app[SESSIONS]() as session:
        await enqueue(
            session,
            user_id,
            {"text": text, "buttons": [[button]]},
            kind="notice",
            customer_id=step.customer_id,
        )
        await AuditRepository(session).record(
            "contacts.changed", actor_id=user_id, kind=step.kind.value
        )
        await session.commit()


# ----------------------------------------------------------------------------- the page


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


async def _render(request: web.Request, step: Step, status: int = 200) -> web.Response:
    grant = step.grant
    csrf = await request.app[LINKS].issue(
        user_id=int(grant["user_id"]),
        customer_id=step.customer_id,
        kind=CONTACTS_FORM,
        ref=step.ref,
        locale=step.locale,
        time_zone=grant["time_zone"],
    )
    parts = [FORM_STYLE]
    if step.note and not step.error:
        parts.append(f"<p class='note'>{_e(step.note)}</p>")
    parts.append("<form method='post' action='./'>")
    parts.append(f"<input type='hidden' name='csrf' value='{_e(csrf)}'>")
    parts.append(_code(step) if step.waiting else await _value(request, step))
    parts.append("</form>")
    title = step.t(f"contacts-web-title-{step.kind.value}")
    return form_page(step.locale, title, "".join(parts), status)


def _error(step: Step, name: str) -> str:
    if not step.error:
        return ""
    return f"<div class='error' id='{name}-error' role='alert'>{_e(step.error)}</div>"


async def _value(request: web.Request, step: Step) -> str:
    current = ""
    try:
        contacts = (await request.app[CABINET].contacts(step.customer_id, locale=step.locale)).value
    except CabinetError:
        contacts = None
    contact = contacts.of(step.kind) if contacts else None
    if contact is not None:
        value = shown(step.kind, contact.value, strict=False)
        current = f"<p>{_e(step.t('contacts-web-current', value=value))}</p>"
    kind = "email" if step.kind is ContactKind.EMAIL else "tel"  # the input and autocomplete
    return (
        current
        + f"<label for='value'>{_e(step.t(f'contacts-web-label-{step.kind.value}'))}</label>"
        + _error(step, "value")
        + f"<div class='hint'>{_e(step.t(f'contacts-web-hint-{step.kind.value}'))}</div>"
        + f"<input type='{kind}' id='value' name='value' value='{_e(step.typed)}'"
        + f" maxlength='{EMAIL_MAX}' autocomplete='{kind}' required>"
        + f"<button type='submit'>{_e(step.t('contacts-web-send'))}</button>"
    )


def _code(step: Step) -> str:
    until = dt.datetime.fromisoformat(step.ref["expires_at"]).astimezone(
        ZoneInfo(step.grant["time_zone"])
    )
    value = shown(step.kind, step.ref["value"], strict=False)
    sent = step.t(
        "contacts-web-code-sent", value=value, until=until, left=int(step.ref["attempts_left"])
    )
    return (
        f"<p>{_e(sent)}</p>"
        + f"<label for='code'>{_e(step.t('contacts-web-code-label'))}</label>"
        + _error(step, "code")
        + "<input type='text' id='code' name='code' inputmode='numeric'"
        + " autocomplete='one-time-code' maxlength='12'>"
        + "<button type='submit' name='action' value='confirm'>"
        + f"{_e(step.t('contacts-web-confirm'))}</button>"
        + "<button type='submit' name='action' value='resend' class='secondary'"
        + f" formnovalidate>{_e(step.t('contacts-web-resend'))}</button>"
    )


def _expired(request: web.Request) -> web.Response:
    return message_page(request.app[CORE], preferred_locale(request), "contacts-web-expired", 410)


def create_contacts_app(
    links: DocumentLinks,
    cabinet: CabinetClient,
    core: BaseCore[Any],
    session_factory: async_sessionmaker[AsyncSession],
    middlewares: list[Any],
) -> web.Application:
    """Mounted at `/c` on the process's web server."""
    app = web.Application(middlewares=middlewares, client_max_size=MAX_BODY)
    app[LINKS], app[CABINET], app[CORE], app[SESSIONS] = links, cabinet, core, session_factory
    # No HEAD: a link scanner's probe would spend the one-time link.
    app.router.add_get(r"/{token:[A-Za-z0-9_-]{1,64}}", open_page, allow_head=False)
    app.router.add_post("/", post_page)
    return app
