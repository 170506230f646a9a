"""Redis down: every page and endpoint of the web server answers 503 with a `Retry-After`, in
words its reader understands, instead of a bare 500.

* a person's page (`/link/…`, `/d/…`): a translated page saying the service is briefly
  unavailable and nothing needs to be entered again;
* the cabinet's `/events`: the problem document of the events contract (the cabinet retries);
* anything else (the Telegram webhook, the admin API): a plain 503, which its client retries.
"""

from __future__ import annotations

from html import escape

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from bot import metrics
from linking.web import TEXTS, page, preferred_locale
from notify.events import service_unavailable
from storage.redis import UNAVAILABLE

log = structlog.get_logger(__name__)

RETRY_AFTER = 30
_PAGES = ("/link/", "/d/")


@web.middleware
async def unavailable_without_redis(request: web.Request, handler: Handler) -> web.StreamResponse:
    try:
        return await handler(request)
    except UNAVAILABLE as exc:
        metrics.REDIS_UNAVAILABLE.labels("request").inc()
        # The route's first segment only: a one-time link's token is a secret.
        route = request.path.split("/")[1]
        log.warning("redis_unavailable_request", route=route, error=type(exc).__name__)
        response = _answer(request)
        response.headers["Retry-After"] = str(RETRY_AFTER)
        return response


def _answer(request: web.Request) -> web.Response:
    if request.path.startswith(_PAGES):
        t, locale = TEXTS.get, preferred_locale(request)
        body = f"<p>{escape(t(locale, 'service-down-text'))}</p>"
        return page(locale, t(locale, "service-down-title"), body, status=503)
    if request.path == "/events":
        return service_unavailable(RETRY_AFTER)
    return web.Response(status=503, text="Service unavailable")
