"""`/q`: a questionnaire of strict privacy mode, a one-time web page instead of the chat.

Some things a person does in the chat ask questions whose answers are personal data — a new
policy's address or date of birth (`bot/new_policy_web.py`), a policy change's new driver.
Strict mode takes none of that through the messenger, so the chat hands out a one-time link
(`/q/{token}`, 30 minutes, bound to the person and the customer they were linked to, spent on
opening, as `/c/` links are) whose grant names a *purpose*. The purpose's `Questionnaire` says
what is asked (the cabinet's `ProductQuestion`s, each with the days a date may fall on) and
what is done with the answers: its own pages after them (a quote with «Оформить и оплатить»,
then the payment link), with buttons that post back here.

This module draws the questions from the cabinet's description (a text, an amount, a date, a
choice, a yes/no; hints; optional ones) and reads them with the chat's own `claim_form`, so
the same input is refused with the same words. A refused answer comes back next to its
question with everything typed kept; only a page whose answers are all valid goes on.

Every page carries a fresh one-time token in its `csrf` field, and a POST is taken only with
it: a form cannot be posted from another site, nor twice. The token also carries where the
page is (the answers, the purpose's state), so nothing of that is taken from the form's
fields. Requests the purpose sends the cabinet are keyed from the page's own key
(`Visit.key`): a retry sends the same request, new answers a new one.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import structlog
from aiogram_i18n.cores import BaseCore
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.document_web import FORM_STYLE, Granted, form_page, message_page, still_linked
from bot.flows.claim_form import Invalid, Period, hint_of, parse, title_of
from cabinet import CabinetClient, CabinetError, CabinetNotFound, CabinetUnavailable
from cabinet.models import FieldKind, FieldValue, ProductQuestion
from documents import QUESTIONS_FORM, DocumentLinks
from linking.web import HEADERS, preferred_locale
from notify.outbox import enqueue
from notify.payload import Button, Payload
from storage.repositories import AuditRepository

log = structlog.get_logger(__name__)

MAX_BODY = 64 * 1024  # 20 questions of 2 000 characters, in UTF-8, and the form's own
TYPED_LIMIT = 2500  # what is kept of one typed answer to show it back
#: The button that goes back from a purpose's page to the questions, the answers in them.
EDIT = "edit"
_TEXTAREA_FROM = 300  # a text question longer than this is a text area
_TOO_FAR = (dt.date.min, dt.date.max)  # a range without a bound is not shown as one


# ----------------------------------------------------------------------------- the purposes


@dataclass(frozen=True)
class Question:
    """One question of the page: the cabinet's description of it and the days a date may fall
    on (`new_policy.period_of`); `name` is the answer's key where it is not the question's id
    (a question of the purpose's own, such as a policy's start date)."""

    spec: ProductQuestion
    period: Period
    name: str = ""

    @property
    def key(self) -> str:
        return self.name or self.spec.id


@dataclass(frozen=True)
class Asked:
    """What a page asks: its title, the lines above the questions (HTML, escaped by whoever
    made it), the questions in order and the label of the button that sends them."""

    title: str
    intro: str
    questions: list[Question]
    submit: str


@dataclass(frozen=True)
class Action:
    """A button of a purpose's page; `EDIT` goes back to the questions."""

    name: str
    label: str
    secondary: bool = False


@dataclass(frozen=True)
class Shown:
    """A purpose's page after the answers: HTML (escaped by whoever made it) and its buttons.
    A page without buttons is the last one: it carries no token, and nothing is posted from
    it."""

    title: str
    body: str
    actions: tuple[Action, ...] = ()


class Refused(Exception):
    """The answers cannot go on (the cabinet judged one otherwise): back to the questions,
    everything kept, with why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Gone(Exception):
    """What the page is about is no more (a product no longer sold): the page says so."""


class Questionnaire(Protocol):
    """One purpose of the page. `answered` and `act` keep what they need in `visit.state`
    (plain JSON) and raise `Refused`, or a `CabinetError`; `shown` draws the page for the state
    they left."""

    async def asked(self, visit: Visit) -> Asked: ...

    async def answered(self, visit: Visit, answers: dict[str, FieldValue]) -> None: ...

    async def act(self, visit: Visit, action: str) -> None: ...

    async def shown(self, visit: Visit) -> Shown: ...


LINKS = web.AppKey("questions_links", DocumentLinks)
CABINET = web.AppKey("questions_cabinet", CabinetClient)
CORE = web.AppKey("questions_core", BaseCore[Any])
SESSIONS = web.AppKey("questions_sessions", async_sessionmaker[AsyncSession])
PURPOSES = web.AppKey("questions_purposes", dict[str, Questionnaire])


class Visit(Granted):
    """One page of a questionnaire: who, in which language and zone, the link's own fields
    (`ref`: the purpose and what it is about) and where the page is (`state`)."""

    def __init__(self, grant: dict[str, Any], app: web.Application) -> None:
        super().__init__(grant, app[CORE])
        self.cabinet = app[CABINET]
        self.sessions = app[SESSIONS]
        self.ref: dict[str, str] = dict(grant["ref"])
        self.state: dict[str, Any] = json.loads(self.ref.pop("state", "{}"))
        # The first page's (a link from the chat): a key of its own for its requests.
        self.state.setdefault("key", str(uuid.uuid4()))

    @property
    def purpose(self) -> str:
        return self.ref.get("purpose", "")

    @property
    def today(self) -> dt.date:
        """Today in the person's time zone: the date checks' "today", as in the chat."""
        return dt.datetime.now(self.zone).date()

    @property
    def answers(self) -> dict[str, FieldValue]:
        answers: dict[str, FieldValue] = self.state.get("answers", {})
        return answers

    def key(self, *parts: str) -> uuid.UUID:
        """An idempotency key of this page's: the same parts, the same key."""
        return uuid.uuid5(uuid.UUID(self.state["key"]), "\n".join(parts))

    async def tell_the_chat(
        self, text: str, *, audit: str, buttons: list[list[Button]] | None = None, **details: str
    ) -> None:
        """One message to the chat through the outbox, sent only while the chat is linked to
        this customer, and an audit record. `text` is the chat's HTML: nothing personal in it
        (a strict chat)."""
        payload: Payload = {"text": text}
        if buttons:
            payload["buttons"] = buttons
        async with self.sessions() as session:
            await enqueue(
                session, self.user_id, payload, kind="notice", customer_id=self.customer_id
            )
            await AuditRepository(session).record(audit, actor_id=self.user_id, **details)
            await session.commit()


@dataclass
class Typed:
    """What the questions page shows back: the values as typed, and why some were refused."""

    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    error: str = ""  # about the whole page


# ----------------------------------------------------------------------------- handlers


async def open_page(request: web.Request) -> web.StreamResponse:
    found = await _visit(request, request.match_info["token"])
    if found is None:
        return _expired(request)
    visit, purpose = found
    try:
        return await _questions(
            request, visit, purpose, _typed(visit, await _asked(purpose, visit))
        )
    except Gone:
        return visit.message("questions-web-gone", 410)
    except CabinetError as exc:
        log.info("questions_page_failed", purpose=visit.purpose, error=type(exc).__name__)
        return visit.message("document-unavailable", 503)


async def post_page(request: web.Request) -> web.StreamResponse:
    if request.content_type != "application/x-www-form-urlencoded":
        raise web.HTTPUnsupportedMediaType(headers=HEADERS)
    if (request.content_length or 0) > MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(max_size=MAX_BODY, actual_size=0, headers=HEADERS)
    form = await request.post()
    found = await _visit(request, str(form.get("csrf", "")))
    if found is None:
        return _expired(request)
    visit, purpose = found
    fields = {k: v[:TYPED_LIMIT] for k, v in form.items() if isinstance(v, str)}
    try:
        if visit.state.get("stage") != "after":
            return await _answer(request, visit, purpose, fields)
        return await _act(request, visit, purpose, fields.get("action", ""))
    except Gone:
        return visit.message("questions-web-gone", 410)
    except CabinetError as exc:
        log.info("questions_page_failed", purpose=visit.purpose, error=type(exc).__name__)
        return visit.message("document-unavailable", 503)


# ----------------------------------------------------------------------------- steps


async def _visit(request: web.Request, token: str) -> tuple[Visit, Questionnaire] | None:
    """The page behind a one-time token, if it is a questionnaire's, of a purpose served here,
    and the chat is still linked to the customer it was given for."""
    grant = await request.app[LINKS].take(token)
    if grant is None or grant.get("kind") != QUESTIONS_FORM:
        return None
    if not await still_linked(request.app[SESSIONS], grant):
        return None
    visit = Visit(grant, request.app)
    purpose = request.app[PURPOSES].get(visit.purpose)
    return None if purpose is None else (visit, purpose)


async def _asked(purpose: Questionnaire, visit: Visit) -> Asked:
    try:
        return await purpose.asked(visit)
    except CabinetNotFound:
        raise Gone from None


async def _answer(
    request: web.Request, visit: Visit, purpose: Questionnaire, fields: Mapping[str, str]
) -> web.StreamResponse:
    asked = await _asked(purpose, visit)
    typed = Typed()
    answers: dict[str, FieldValue] = {}
    for question in asked.questions:
        raw = fields.get(_name(question), "").strip()
        typed.values[question.key] = raw
        if not raw:
            if question.spec.required:
                typed.errors[question.key] = visit.t("questions-web-required")
            continue
        try:
            answers[question.key] = parse(question.spec, raw, question.period, visit.locale)
        except Invalid as invalid:
            typed.errors[question.key] = visit.t(invalid.key, **invalid.variables)
    if typed.errors:
        typed.error = visit.t("questions-web-errors")
        return await _questions(request, visit, purpose, typed, asked=asked)
    visit.state["answers"] = answers
    try:
        await purpose.answered(visit, dict(answers))
    except Refused as refused:
        typed.error = refused.message
        return await _questions(request, visit, purpose, typed, asked=asked)
    except CabinetUnavailable:
        typed.error = visit.t("questions-web-unavailable")
        return await _questions(request, visit, purpose, typed, asked=asked, status=503)
    log.info("questions_answered", purpose=visit.purpose)
    visit.state["stage"] = "after"
    return await _after(request, visit, purpose)


async def _act(
    request: web.Request, visit: Visit, purpose: Questionnaire, action: str
) -> web.StreamResponse:
    if action == EDIT:
        visit.state["stage"] = "questions"
        return await _questions(
            request, visit, purpose, _typed(visit, await _asked(purpose, visit))
        )
    try:
        await purpose.act(visit, action)
    except Refused as refused:
        visit.state["stage"] = "questions"
        typed = _typed(visit, await _asked(purpose, visit))
        typed.error = refused.message
        return await _questions(request, visit, purpose, typed)
    except CabinetUnavailable:
        return await _after(request, visit, purpose, visit.t("questions-web-unavailable"), 503)
    return await _after(request, visit, purpose)


def _typed(visit: Visit, asked: Asked) -> Typed:
    """The answers given so far, as their inputs show them."""
    values = {}
    for question in asked.questions:
        value = visit.answers.get(question.key)
        if isinstance(value, bool):
            values[question.key] = "yes" if value else "no"
        elif value is not None:
            values[question.key] = str(value)
    return Typed(values)


# ----------------------------------------------------------------------------- the pages


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _name(question: Question) -> str:
    return f"q-{question.key}"


async def _token(request: web.Request, visit: Visit) -> str:
    """The next page's one-time token: the link's grant, where the page is now."""
    grant = visit.grant
    return await request.app[LINKS].issue(
        user_id=visit.user_id,
        customer_id=visit.customer_id,
        kind=QUESTIONS_FORM,
        ref={**visit.ref, "state": json.dumps(visit.state, ensure_ascii=False)},
        locale=visit.locale,
        time_zone=grant["time_zone"],
    )


async def _questions(
    request: web.Request,
    visit: Visit,
    purpose: Questionnaire,
    typed: Typed,
    *,
    asked: Asked | None = None,
    status: int | None = None,
) -> web.Response:
    asked = asked or await _asked(purpose, visit)
    parts = [FORM_STYLE]
    if typed.error:
        parts.append(f"<p class='error' role='alert' id='page-error'>{_e(typed.error)}</p>")
    parts.append(asked.intro)
    parts.append("<form method='post' action='./' novalidate>")
    parts.append(f"<input type='hidden' name='csrf' value='{_e(await _token(request, visit))}'>")
    parts.extend(_question(visit, question, typed) for question in asked.questions)
    parts.append(f"<button type='submit'>{_e(asked.submit)}</button></form>")
    code = status or (422 if typed.error else 200)
    return form_page(visit.locale, asked.title, "".join(parts), code)


def _question(visit: Visit, question: Question, typed: Typed) -> str:
    spec, name = question.spec, _name(question)
    value = typed.values.get(question.key, "")
    optional = (
        ""
        if spec.required
        else f" <span class='hint'>{_e(visit.t('questions-web-optional'))}</span>"
    )
    out = [f"<label for='{_e(name)}'>{_e(title_of(spec, visit.locale))}{optional}</label>"]
    error = typed.errors.get(question.key)
    if error:
        out.append(f"<div class='error' id='{_e(name)}-error' role='alert'>{_e(error)}</div>")
    hint = hint_of(spec, visit.locale)
    if hint:
        out.append(f"<div class='hint'>{_e(hint)}</div>")
    described = f" aria-describedby='{_e(name)}-error' aria-invalid='true'" if error else ""
    if spec.kind is FieldKind.DATE:
        period = question.period
        bounds = "".join(
            f" {attribute}='{day.isoformat()}'"
            for attribute, day in (("min", period.starts_on), ("max", period.last))
            if day not in _TOO_FAR
        )
        out.append(
            f"<input type='date' id='{_e(name)}' name='{_e(name)}' value='{_e(value)}'"
            f"{bounds}{described}>"
        )
    elif spec.kind is FieldKind.CHOICE:
        options = [f"<option value=''>{_e(visit.t('filing-web-choose'))}</option>"]
        for option in spec.options:
            chosen = " selected" if option.id == value else ""
            options.append(
                f"<option value='{_e(option.id)}'{chosen}>{_e(title_of(option, visit.locale))}"
                "</option>"
            )
        out.append(
            f"<select id='{_e(name)}' name='{_e(name)}'{described}>{''.join(options)}</select>"
        )
    elif spec.kind is FieldKind.YES_NO:
        answers = [("yes", "filing-yes"), ("no", "filing-no")]
        if not spec.required:
            answers.append(("", "questions-web-no-answer"))
        radios = []
        for answer, key in answers:
            checked = " checked" if value == answer else ""
            radios.append(
                "<label style='display:inline;font-weight:400;margin-right:1.5rem'>"
                f"<input type='radio' name='{_e(name)}' value='{answer}'{checked}> "
                f"{_e(visit.t(key))}</label>"
            )
        out.append(f"<fieldset id='{_e(name)}'{described}>{''.join(radios)}</fieldset>")
    elif spec.kind is FieldKind.TEXT and spec.max_length > _TEXTAREA_FROM:
        out.append(
            f"<textarea id='{_e(name)}' name='{_e(name)}' maxlength='{spec.max_length}'"
            f"{described}>{_e(value)}</textarea>"
        )
    else:
        mode = " inputmode='decimal'" if spec.kind is FieldKind.AMOUNT else ""
        limit = f" maxlength='{spec.max_length}'" if spec.kind is FieldKind.TEXT else ""
        out.append(
            f"<input type='text' id='{_e(name)}' name='{_e(name)}' value='{_e(value)}'"
            f"{mode}{limit}{described}>"
        )
    return "".join(out)


async def _after(
    request: web.Request,
    visit: Visit,
    purpose: Questionnaire,
    error: str = "",
    status: int = 200,
) -> web.Response:
    shown = await purpose.shown(visit)
    parts = [FORM_STYLE]
    if error:
        parts.append(f"<p class='error' role='alert' id='page-error'>{_e(error)}</p>")
    parts.append(shown.body)
    if shown.actions:
        parts.append("<form method='post' action='./'>")
        parts.append(
            f"<input type='hidden' name='csrf' value='{_e(await _token(request, visit))}'>"
        )
        for action in shown.actions:
            look = " class='secondary'" if action.secondary else ""
            parts.append(
                f"<button type='submit' name='action' value='{_e(action.name)}'{look}>"
                f"{_e(action.label)}</button>"
            )
        parts.append("</form>")
    return form_page(visit.locale, shown.title, "".join(parts), status)


def _expired(request: web.Request) -> web.Response:
    return message_page(request.app[CORE], preferred_locale(request), "questions-web-expired", 410)


def create_questions_app(
    links: DocumentLinks,
    cabinet: CabinetClient,
    core: BaseCore[Any],
    session_factory: async_sessionmaker[AsyncSession],
    *,
    purposes: Mapping[str, Questionnaire],
    middlewares: list[Any],
) -> web.Application:
    """Mounted at `/q` on the process's web server, serving the `purposes` given."""
    app = web.Application(middlewares=middlewares, client_max_size=MAX_BODY)
    app[LINKS], app[CABINET], app[CORE], app[SESSIONS] = links, cabinet, core, session_factory
    app[PURPOSES] = dict(purposes)
    # No HEAD: a link scanner's probe would spend the one-time link.
    app.router.add_get(r"/{token:[A-Za-z0-9_-]{1,64}}", open_page, allow_head=False)
    app.router.add_post("/", post_page)
    return app
