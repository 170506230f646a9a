"""Request bodies read with a limit: a sub-application's `client_max_size` is not enforced by
aiohttp (the root application's is), so a route that takes a body reads it through here."""

from __future__ import annotations

from aiohttp import web


class TooLarge(Exception):
    """The body is over the route's limit (answer 413)."""


async def read_limited(request: web.Request, limit: int) -> bytes:
    """The whole body, or `TooLarge` as soon as it is known to exceed `limit` bytes (from its
    Content-Length, or while reading a chunked one)."""
    if request.content_length is not None and request.content_length > limit:
        raise TooLarge
    chunks: list[bytes] = []
    size = 0
    while chunk := await request.content.read(16 * 1024):
        size += len(chunk)
        if size > limit:
            raise TooLarge
        chunks.append(chunk)
    return b"".join(chunks)
