"""Free texts in the two languages the contract knows, and the choice between them.

The contract lets `Accept-Language` pick the language of the texts the cabinet writes (problem
titles and details, a claim's next step and history comments): English when it asks for
English, Russian otherwise. Every such text is therefore written once, as a pair.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from aiohttp import web

Lang = Literal["ru", "en"]


@dataclass(frozen=True)
class Text:
    ru: str
    en: str

    def __call__(self, lang: Lang) -> str:
        return self.en if lang == "en" else self.ru

    def format(self, **values: object) -> Text:
        return Text(self.ru.format(**values), self.en.format(**values))


def language(request: web.Request) -> Lang:
    """English when the caller's first preference is English; Russian is always acceptable."""
    header = request.headers.get("Accept-Language", "")
    return "en" if header.strip().lower().startswith("en") else "ru"
