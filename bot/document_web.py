"""`/d/{token}`: a one-time link from a strict-privacy chat opens its file or details page.

The token is spent on the first request (GETDEL) and is bound to the user and the customer
they were linked to when they asked: if the chat has since logged out, revoked its consent or
moved to another person, the link opens nothing.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import structlog
from aiogram_i18n.cores import BaseCore
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.flows.documents import DocumentLinks, File, Viewer, render
from cabinet import CabinetClient, CabinetError
from linking.web import HEADERS, page, preferred_locale
from storage.repositories import LinkRepository

log = structlog.get_logger(__name__)

LINKS = web.AppKey("document_links", DocumentLinks)
CABINET = web.AppKey("cabinet", CabinetClient)
CORE = web.AppKey("core", BaseCore[Any])
SESSIONS = web.AppKey("session_factory", async_sessionmaker[AsyncSession])


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
        made = await render(grant["kind"], viewer, grant["ref"])
    except CabinetError as exc:
        log.info("document_link_failed", kind=grant["kind"], error=type(exc).__name__)
        return message_page(app[CORE], viewer.locale, "document-unavailable", 503)
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


def message_page(core: BaseCore[Any], locale: str, key: str, status: int) -> web.Response:
    title = core.get(f"{key}-title", locale)
    return page(locale, title, f"<p>{core.get(f'{key}-text', locale)}</p>", status=status)


def create_document_app(
    links: DocumentLinks,
    cabinet: CabinetClient,
    core: BaseCore[Any],
    session_factory: async_sessionmaker[AsyncSession],
) -> web.Application:
    """Mounted at `/d` on the process's web server."""
    app = web.Application()
    app[LINKS], app[CABINET], app[CORE], app[SESSIONS] = links, cabinet, core, session_factory
    # No HEAD: a link scanner's probe would spend the one-time link.
    app.router.add_get(r"/{token:[A-Za-z0-9_-]{1,64}}", open_document, allow_head=False)
    return app
