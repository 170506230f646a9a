"""`Renderers`: the makers of documents by kind, built once at start-up.

The flows that show documents declare theirs (`RENDERERS = {kind: function}` in the module);
the wiring gathers them into one object and hands it to whoever renders: the dialogs, the
`/d` page, the delivery workers. Nothing is registered as a side effect of an import, so a
process renders exactly what it was given, and a test can give it what it needs.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from documents.model import File, Page, Ref, Renderer, Viewer


class Renderers(Mapping[str, Renderer]):
    """Kind → renderer; a kind declared twice is a wiring mistake, refused at start-up."""

    def __init__(self, *groups: Mapping[str, Renderer]) -> None:
        self._by_kind: dict[str, Renderer] = {}
        for group in groups:
            for kind, function in group.items():
                if kind in self._by_kind:
                    raise ValueError(f"two renderers for the document kind {kind!r}")
                self._by_kind[kind] = function

    def __getitem__(self, kind: str) -> Renderer:
        return self._by_kind[kind]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_kind)

    def __len__(self) -> int:
        return len(self._by_kind)

    async def render(self, kind: str, viewer: Viewer, ref: Ref) -> File | Page:
        """Make one document; KeyError for a kind nobody renders."""
        return await self._by_kind[kind](viewer, ref)
