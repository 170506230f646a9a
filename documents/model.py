"""What a document is and whom it is made for: `File`, `Page`, `Viewer`, a `Ref` to it."""

from __future__ import annotations

import html
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeAlias

from aiogram_i18n.cores import BaseCore

from cabinet import CabinetClient
from cabinet.models import PdfDocument


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


#: Which one of its kind: a few ids ("policy_id", "claim_id", …), all strings.
Ref: TypeAlias = Mapping[str, str]
#: The maker of one kind of document for one viewer.
Renderer: TypeAlias = Callable[[Viewer, Ref], Awaitable[File | Page]]
