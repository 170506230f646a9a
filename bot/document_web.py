"""`/d/{token}`: a one-time link from a strict-privacy chat opens its file or details page.

The token is spent on the first request (GETDEL) and is bound to the user and the customer
they were linked to when they asked: if the chat has since logged out, revoked its consent or
moved to another person, the link opens nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import structlog
from aiogram_i18n.cores import BaseCore
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cabinet import CabinetClient, CabinetError
from documents import DocumentLinks, File, Renderers, Viewer
from linking.channels import messenger_name
from linking.web import HEADERS, page, preferred_locale
from storage.accounts import account_of
from storage.repositories import LinkRepository

log = structlog.get_logger(__name__)

LINKS = web.AppKey("document_links", DocumentLinks)
CABINET = web.AppKey("cabinet", CabinetClient)
CORE = web.AppKey("core", BaseCore[Any])
SESSIONS = web.AppKey("session_factory", async_sessionmaker[AsyncSession])
RENDERERS = web.AppKey("renderers", Renderers)


async def open_document(request: web.Request) -> web.StreamResponse:
    app = request.app
    grant = await app[LINKS].take(request.match_info["token"])
    if grant is None or not await still_linked(app[SESSIONS], grant):
        return message_page(app[CORE], preferred_locale(request), "document-expired", 410)
    viewer = Viewer(
        cabinet=app[CABINET],
        customer_id=grant["customer_id"],
        locale=grant["locale"],
        time_zone=grant["time_zone"],
        core=app[CORE],
    )
    try:
        made = await app[RENDERERS].render(grant["kind"], viewer, grant["ref"])
    except CabinetError as exc:
        log.info("document_link_failed", kind=grant["kind"], error=type(exc).__name__)
        return Granted(grant, app[CORE]).message("document-unavailable", 503)
    log.info("document_link_opened", kind=grant["kind"])
    if isinstance(made, File):
        return web.Response(
            body=made.content,
            content_type=made.media_type,
            headers={
                **HEADERS,
                "Content-Disposition": _attachment(made.filename),
            },
        )
    body = f"<div style='white-space:pre-line'>{made.body}</div>"
    return page(viewer.locale, made.title, body)


def _attachment(filename: str) -> str:
    """RFC 6266: an ASCII fallback and the exact UTF-8 name."""
    fallback = filename.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


async def still_linked(sessions: async_sessionmaker[AsyncSession], grant: dict[str, Any]) -> bool:
    """A one-time grant is good only while its chat is linked to the customer it names."""
    async with sessions() as session:
        link = await LinkRepository(session).of_user(int(grant["user_id"]))
    return link is not None and link.customer_id == grant["customer_id"]


#: A one-time form's page (`/f`, `/c`, `/q`): it posts to this app only.
FORM_CSP = HEADERS["Content-Security-Policy"].replace("form-action 'none'", "form-action 'self'")
FORM_STYLE = (
    "<style>form label{display:block;margin:1rem 0 .3rem;font-weight:600}"
    "input[type=text],input[type=date],input[type=email],input[type=tel],select,textarea{"
    "width:100%;box-sizing:border-box;font-size:1rem;padding:.6rem;border:1px solid #999;"
    "border-radius:.4rem}"
    "textarea{min-height:8rem}.hint{color:#555;font-size:.9rem}.error{color:#b00020}"
    ".files{font-size:.9rem;color:#333}button{font-size:1.05rem;padding:.8rem 1.2rem;"
    "margin:1.2rem .5rem 0 0;border-radius:.5rem;border:0;background:#0d4cd3;color:#fff}"
    "a.button{display:inline-block;font-size:1.05rem;padding:.8rem 1.2rem;margin:1.2rem .5rem 0 0;"
    "border-radius:.5rem;background:#0d4cd3;color:#fff;text-decoration:none}"
    "button.secondary{background:#e6e9f0;color:#1b1b1b}.note{background:#eef6ea;padding:.6rem;"
    "border-radius:.4rem}fieldset{border:0;padding:0;margin:0}</style>"
)


class Granted:
    """Whom a one-time page is for, from its link's grant: the person, the customer they were
    linked to, their language, time zone and messenger; and the texts in that language, which
    name that messenger (`$messenger`)."""

    def __init__(self, grant: dict[str, Any], core: BaseCore[Any]) -> None:
        self.grant = grant
        self.core = core

    @property
    def locale(self) -> str:
        return str(self.grant["locale"])

    @property
    def customer_id(self) -> str:
        return str(self.grant["customer_id"])

    @property
    def user_id(self) -> int:
        return int(self.grant["user_id"])

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.grant["time_zone"])

    @property
    def messenger(self) -> str:
        """The messenger the person came from, as the texts name it (their account's)."""
        return messenger_name(account_of(self.user_id).channel)

    def t(self, key: str, **variables: Any) -> str:
        return self.core.get(key, self.locale, **{"messenger": self.messenger, **variables})

    def message(self, key: str, status: int) -> web.Response:
        """A page of one message (`{key}-title`, `{key}-text`) for this person."""
        return message_page(self.core, self.locale, key, status, self.messenger)


def form_page(locale: str, title: str, body: str, status: int = 200) -> web.Response:
    """`body` is HTML, with `FORM_STYLE` in it where the form needs its look."""
    response = page(locale, title, body, status=status)
    response.headers["Content-Security-Policy"] = FORM_CSP
    return response


def message_page(
    core: BaseCore[Any], locale: str, key: str, status: int, messenger: str = "unknown"
) -> web.Response:
    """A page of one message. Without a grant (an expired or unknown link) the person and
    their messenger are unknown: the texts then say "the chat with the bot" (`link-chat`)."""
    title = core.get(f"{key}-title", locale, messenger=messenger)
    text = core.get(f"{key}-text", locale, messenger=messenger)
    return page(locale, title, f"<p>{text}</p>", status=status)


def create_document_app(
    links: DocumentLinks,
    cabinet: CabinetClient,
    core: BaseCore[Any],
    session_factory: async_sessionmaker[AsyncSession],
    renderers: Renderers,
) -> web.Application:
    """Mounted at `/d` on the process's web server."""
    app = web.Application()
    app[LINKS], app[CABINET], app[CORE], app[SESSIONS] = links, cabinet, core, session_factory
    app[RENDERERS] = renderers
    # No HEAD: a link scanner's probe would spend the one-time link.
    app.router.add_get(r"/{token:[A-Za-z0-9_-]{1,64}}", open_document, allow_head=False)
    return app
