"""What the sandboxes' web pages share."""

from __future__ import annotations

from aiohttp import web
from aiohttp.typedefs import Handler

_UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@web.middleware
async def same_site_only(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Forms that act (an operator's action, a payment, a login, a consent) must not be
    submittable by a page on another site through a visitor's browser. Browsers say where a
    request comes from; server-to-server calls (the API, the token request) send no such
    header."""
    site = request.headers.get("Sec-Fetch-Site")
    if request.method in _UNSAFE and site not in (None, "same-origin", "none"):
        raise web.HTTPForbidden(text="cross-site request refused")
    return await handler(request)
