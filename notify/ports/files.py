"""A payload's `file`: a document made at send time, the same for every messenger.

`full` privacy: the rendered file, for the port to attach. `strict` (or a kind that renders
a details page rather than a file): no file, and a one-time-link button is added instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiogram_i18n.cores import BaseCore
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cabinet import CabinetClient
from documents import DocumentLinks, File, Renderers, Viewer
from notify.payload import Button, FileRequest
from storage.models import User


@dataclass
class Documents:
    """What a payload's `file` needs: the cabinet, the renderers, the one-time links and the
    translations — handed over by the wiring, so the engine needs nothing of the bot."""

    cabinet: CabinetClient
    renderers: Renderers
    links: DocumentLinks
    core: BaseCore[Any]
    session_factory: async_sessionmaker[AsyncSession]
    public_url: str
    strict: bool
    default_locale: str = "ru"
    default_time_zone: str = "Europe/Moscow"


async def attach(
    documents: Documents | None, request: FileRequest, buttons: list[list[Button]]
) -> File | None:
    """The file to attach, or None with a one-time-link button appended to `buttons`."""
    if documents is None:
        raise ValueError("a payload with a file needs the documents wiring")
    locale, time_zone = await _viewer_of(documents, request["user_id"])
    if not documents.strict:
        viewer = Viewer(
            cabinet=documents.cabinet,
            customer_id=request["customer_id"],
            locale=locale,
            time_zone=time_zone,
            core=documents.core,
        )
        made = await documents.renderers.render(request["kind"], viewer, request["ref"])
        if isinstance(made, File):
            return made
    token = await documents.links.issue(
        user_id=request["user_id"],
        customer_id=request["customer_id"],
        kind=request["kind"],
        ref=request["ref"],
        locale=locale,
        time_zone=time_zone,
    )
    label = documents.core.get("document-open", locale)
    buttons.append([{"text": label, "url": f"{documents.public_url}/d/{token}"}])
    return None


async def _viewer_of(documents: Documents, user_id: int) -> tuple[str, str]:
    async with documents.session_factory() as session:
        user = await session.get(User, user_id)
    if user is None:
        return documents.default_locale, documents.default_time_zone
    return user.locale, user.time_zone
