"""Documents and details pages, delivered the way `PRIVACY_MODE` allows.

A flow asks for something by kind ("policy-pdf", "claim-details", …) and a few ids; a
renderer registered for that kind makes it for one viewer: a `File` (a PDF, an XLSX) or a
`Page` (the details a `full` chat would show). In `full` mode a file is sent to the chat. In
`strict` mode nothing personal goes to Telegram: the user gets a one-time link
`{PUBLIC_URL}/d/{token}` (10 minutes, single use, bound to the user and their customer) that
this app's web server answers with the file or the page (`bot/document_web.py`).
"""

from __future__ import annotations

import html
import json
import secrets
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from aiogram import Bot
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_dialog import DialogManager, ShowMode
from aiogram_i18n import I18nContext
from aiogram_i18n.cores import BaseCore
from redis.asyncio import Redis

from bot.config import Settings
from bot.flows.access import cabinet_of, customer_of
from bot.flows.widgets import i18n_of, profile_of
from bot.privacy import is_strict
from cabinet import CabinetClient
from cabinet.models import PdfDocument

LINK_TTL = 600
USER_INDEX_TTL = 3600  # at least the longest link's lifetime (a claim form's: 30 minutes)
TOKEN_BYTES = 32
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


@dataclass(frozen=True)
class File:
    filename: str
    content: bytes
    media_type: str

    @classmethod
    def pdf(cls, document: PdfDocument) -> File:
        return cls(document.filename, document.content, "application/pdf")


@dataclass(frozen=True)
class Page:
    title: str
    body: str  # HTML: a Fluent message rendered by `Viewer.text`, its variables escaped


@dataclass(frozen=True)
class Viewer:
    """Who a document is made for: their customer, language and time zone."""

    cabinet: CabinetClient
    customer_id: str
    locale: str
    time_zone: str
    core: BaseCore[Any]

    def text(self, key: str, **variables: Any) -> str:
        """A message as HTML, its string variables escaped: a whole message to send."""
        escaped = {k: html.escape(v) if isinstance(v, str) else v for k, v in variables.items()}
        return self.core.get(key, self.locale, **escaped)

    def plain(self, key: str, **variables: Any) -> str:
        """A message as plain text: a button's label, a PDF's line, or a piece of a message
        that is escaped once where it is used (`T`, `text`)."""
        return self.core.get(key, self.locale, **variables)


Ref: TypeAlias = Mapping[str, str]
Renderer: TypeAlias = Callable[[Viewer, Ref], Awaitable[File | Page]]
_RENDERERS: dict[str, Renderer] = {}


def renderer(kind: str) -> Callable[[Renderer], Renderer]:
    """Register the maker of one kind of document (a flow module does it at import)."""

    def register(function: Renderer) -> Renderer:
        _RENDERERS[kind] = function
        return function

    return register


#: One-time links that open a form, not a document: strict mode's claim form (`/f`), its
#: change of the phone or the e-mail (`/c`) and its questionnaires (`/q`: a new policy's
#: personal questions), each under its path on the web server.
CLAIM_FORM = "claim-form"
CONTACTS_FORM = "contacts-form"
QUESTIONS_FORM = "questions-form"
FORM_PATHS = {CLAIM_FORM: "f", CONTACTS_FORM: "c", QUESTIONS_FORM: "q"}
FORMS = frozenset(FORM_PATHS)
FORM_TTL = 1800


async def render(kind: str, viewer: Viewer, ref: Ref) -> File | Page:
    return await _RENDERERS[kind](viewer, ref)


class DocumentLinks:
    """One-time tokens in Redis: `{prefix}:doc:{token}` → who may open what (a document, or a
    form), for 10 minutes unless the links are made with another `ttl`;
    `{prefix}:doc:user:{user_id}` lists a person's tokens, so signing out or withdrawing
    consent removes them at once."""

    def __init__(self, redis: Redis, *, prefix: str, ttl: int = LINK_TTL) -> None:
        self.redis = redis
        self.prefix = prefix
        self.ttl = ttl

    def _key(self, token: str) -> str:
        return f"{self.prefix}:doc:{token}"

    async def issue(
        self, *, user_id: int, customer_id: str, kind: str, ref: Ref, **extra: str
    ) -> str:
        if kind not in _RENDERERS and kind not in FORMS:
            raise KeyError(kind)
        token = secrets.token_urlsafe(TOKEN_BYTES)
        grant = {"user_id": user_id, "customer_id": customer_id, "kind": kind, "ref": dict(ref)}
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.set(self._key(token), json.dumps(grant | extra), ex=self.ttl)
            pipe.sadd(self._user_key(user_id), token)
            # The index outlives every link in it (links of different lifetimes share it).
            pipe.expire(self._user_key(user_id), max(self.ttl, USER_INDEX_TTL))
            await pipe.execute()
        return token

    def _user_key(self, user_id: int) -> str:
        return f"{self.prefix}:doc:user:{user_id}"

    async def forget_user(self, user_id: int) -> None:
        """Every link issued to the person, opened or not, is gone (logout, revoke)."""
        tokens = await self.redis.smembers(self._user_key(user_id))
        names = [self._key(t.decode() if isinstance(t, bytes) else t) for t in tokens]
        await self.redis.delete(self._user_key(user_id), *names)

    async def take(self, token: str) -> dict[str, Any] | None:
        """The grant behind a token, once; None for anything unknown, used or malformed."""
        if not 0 < len(token) <= 64 or not _TOKEN_CHARS.issuperset(token):
            return None
        raw = await self.redis.getdel(self._key(token))
        if raw is None:
            return None
        grant: dict[str, Any] = json.loads(raw)
        return grant


async def form_url(manager: DialogManager, kind: str, /, **ref: str) -> str:
    """A one-time link to a form page of strict mode (`FORM_PATHS`): 30 minutes, single use,
    bound to the person and the customer they are linked to, in their language and zone."""
    links: DocumentLinks = manager.middleware_data["document_links"]
    settings: Settings = manager.middleware_data["settings"]
    profile = profile_of(manager)
    token = await DocumentLinks(links.redis, prefix=links.prefix, ttl=FORM_TTL).issue(
        user_id=profile.user_id,
        customer_id=customer_of(manager),
        kind=kind,
        ref=ref,
        locale=i18n_of(manager).locale,
        time_zone=profile.time_zone,
    )
    return f"{settings.public_url}/{FORM_PATHS[kind]}/{token}"


def viewer_of(manager: DialogManager) -> Viewer:
    i18n: I18nContext = i18n_of(manager)
    return Viewer(
        cabinet=cabinet_of(manager),
        customer_id=customer_of(manager),
        locale=i18n.locale,
        time_zone=profile_of(manager).time_zone,
        core=i18n.core,
    )


async def deliver(manager: DialogManager, kind: str, **ref: str) -> None:
    """Send what was asked for: the file itself (`full`) or a one-time link (`strict`).
    The card it was asked from stays where it is, its buttons working: no second copy of it
    is sent below the file."""
    i18n = i18n_of(manager)
    bot: Bot = manager.middleware_data["bot"]
    chat_id = manager.middleware_data["event_chat"].id
    manager.show_mode = ShowMode.NO_UPDATE
    if is_strict(manager):
        settings: Settings = manager.middleware_data["settings"]
        links: DocumentLinks = manager.middleware_data["document_links"]
        profile = profile_of(manager)
        token = await links.issue(
            user_id=profile.user_id,
            customer_id=customer_of(manager),
            kind=kind,
            ref=ref,
            locale=i18n.locale,
            time_zone=profile.time_zone,
        )
        button = InlineKeyboardButton(
            text=i18n.get("document-open"), url=f"{settings.public_url}/d/{token}"
        )
        await bot.send_message(
            chat_id,
            i18n.get("document-link", minutes=LINK_TTL // 60),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
        )
        return
    made = await render(kind, viewer_of(manager), ref)
    if isinstance(made, File):
        await bot.send_document(chat_id, BufferedInputFile(made.content, filename=made.filename))
    else:
        await bot.send_message(chat_id, made.body)
