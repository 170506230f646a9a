"""Documents and details pages in a dialog, delivered the way `PRIVACY_MODE` allows.

The model (`File`, `Page`, `Viewer`, `DocumentLinks`, `Renderers`) is the top-level
`documents` package, shared with the delivery engine; this module is its dialog side: a
viewer from the dialog's user, a one-time form link, and `deliver`. In `full` mode a file is
sent to the chat. In `strict` mode nothing personal goes to Telegram: the user gets a
one-time link `{PUBLIC_URL}/d/{token}` (10 minutes, single use, bound to the user and their
customer) that this app's web server answers with the file or the page (`bot/document_web.py`).
The renderers come from the dispatcher's data (`renderers`), built at start-up.
"""

from __future__ import annotations

from aiogram import Bot
from aiogram.types import BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiogram_dialog import DialogManager, ShowMode
from aiogram_i18n import I18nContext

from bot.config import Settings
from bot.flows.access import cabinet_of, customer_of
from bot.flows.deps import deps
from bot.flows.widgets import i18n_of, profile_of
from bot.privacy import is_strict
from documents import FORM_PATHS, FORM_TTL, LINK_TTL, DocumentLinks, File, Renderers, Viewer


async def form_url(manager: DialogManager, kind: str, /, **ref: str) -> str:
    """A one-time link to a form page of strict mode (`FORM_PATHS`): 30 minutes, single use,
    bound to the person and the customer they are linked to, in their language and zone."""
    links: DocumentLinks = deps(manager).document_links
    settings: Settings = deps(manager).settings
    profile = profile_of(manager)
    token = await links.with_ttl(FORM_TTL).issue(
        user_id=profile.user_id,
        customer_id=customer_of(manager),
        kind=kind,
        ref=ref,
        locale=i18n_of(manager).locale,
        time_zone=profile.time_zone,
    )
    return f"{settings.web.public_url}/{FORM_PATHS[kind]}/{token}"


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
    bot: Bot = deps(manager).bot
    chat_id = deps(manager).event_chat.id
    manager.show_mode = ShowMode.NO_UPDATE
    if is_strict(manager):
        settings: Settings = deps(manager).settings
        links: DocumentLinks = deps(manager).document_links
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
            text=i18n.get("document-open"), url=f"{settings.web.public_url}/d/{token}"
        )
        await bot.send_message(
            chat_id,
            i18n.get("document-link", minutes=LINK_TTL // 60),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[button]]),
        )
        return
    renderers: Renderers = deps(manager).renderers
    made = await renderers.render(kind, viewer_of(manager), ref)
    if isinstance(made, File):
        await bot.send_document(chat_id, BufferedInputFile(made.content, filename=made.filename))
    else:
        await bot.send_message(chat_id, made.body)
