"""The document model shared by the bot and the delivery engine.

A flow asks for something by kind ("policy-pdf", "claim-details", …) and a few ids; a
renderer for that kind makes it for one viewer: a `File` (a PDF, an XLSX) or a `Page` (the
details a `full` chat would show). In `strict` mode nothing personal goes to Telegram: a
one-time link (`DocumentLinks`) is sent instead, answered by the web server.

It lives outside `bot/` so that `notify/` (which attaches documents to alerts) needs nothing of
the Telegram dialogs: the renderers are defined by the flows and handed over at start-up as a
`Renderers` object (`bot/factory/renderers.py`), not gathered in a global on import.
"""

from documents.links import (
    CLAIM_FORM,
    CONTACTS_FORM,
    FORM_PATHS,
    FORM_TTL,
    FORMS,
    LINK_TTL,
    QUESTIONS_FORM,
    DocumentLinks,
)
from documents.model import File, Page, Ref, Renderer, Viewer
from documents.renderers import Renderers

__all__ = [
    "CLAIM_FORM",
    "CONTACTS_FORM",
    "FORMS",
    "FORM_PATHS",
    "FORM_TTL",
    "LINK_TTL",
    "QUESTIONS_FORM",
    "DocumentLinks",
    "File",
    "Page",
    "Ref",
    "Renderer",
    "Renderers",
    "Viewer",
]
