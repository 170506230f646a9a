"""The linking pages: `/link/{code}` sends the browser to the provider, `/link/callback`
shows how it went. Every page is translated (`locales/*/web.ftl`), has no scripts, sends no
referrer, and is never cached."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path

from aiohttp import web
from aiohttp.typedefs import Middleware
from fluent.runtime import FluentLocalization, FluentResourceLoader

from linking.channels import Channel, deep_link, messenger_name
from linking.flow import BIND_PREFIX, CallbackResult, LinkFlow, Outcome

LOCALES_DIR = Path(__file__).resolve().parent.parent / "locales"
LOCALES = ("ru", "en")

HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'none'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:34rem;margin:3rem auto;padding:0 1rem;"
    "line-height:1.5;color:#1b1b1b}h1{font-size:1.4rem}code{display:block;padding:.6rem;"
    "background:#f2f2f2;border-radius:.4rem;user-select:all;word-break:break-all}"
    "a.button{display:inline-block;padding:.7rem 1.2rem;background:#0d4cd3;color:#fff;"
    "border-radius:.5rem;text-decoration:none}"
)
# ESIA error codes → what to advise; anything else: try later.
_ADVICE = {
    "ESIA-007014": "link-advice-restart",  # the authorization code is unknown or expired
    "ESIA-007002": "link-advice-setup",  # unknown system (client_id)
    "ESIA-007003": "link-advice-setup",  # the request is malformed
    "ESIA-007005": "link-advice-setup",  # the client_secret signature does not verify
}
_PAGES = {
    Outcome.EXPIRED: ("link-expired-title", "link-expired-text", 410),
    Outcome.DENIED: ("link-denied-title", "link-denied-text", 200),
    Outcome.UNVERIFIED: ("link-unverified-title", "link-unverified-text", 200),
    Outcome.UNAVAILABLE: ("link-unavailable-title", "link-unavailable-text", 503),
    Outcome.CABINET_UNAVAILABLE: ("link-cabinet-down-title", "link-cabinet-down-text", 503),
    Outcome.UNTRUSTED: ("link-untrusted-title", "link-untrusted-text", 502),
    Outcome.NOT_CUSTOMER: ("link-not-customer-title", "link-not-customer-text", 200),
    Outcome.AMBIGUOUS: ("link-ambiguous-title", "link-ambiguous-text", 200),
}

FLOW = web.AppKey("link_flow", LinkFlow)
BOT_USERNAMES = web.AppKey("bot_usernames", Mapping[Channel, str])
SUPPORT_CONTACTS = web.AppKey("support_contacts", str)


class Texts:
    def __init__(self) -> None:
        loader = FluentResourceLoader(str(LOCALES_DIR / "{locale}"))
        self._by_locale = {
            locale: FluentLocalization([locale, "ru"], ["web.ftl"], loader) for locale in LOCALES
        }

    def get(self, locale: str, key: str, **args: str) -> str:
        localization = self._by_locale.get(locale, self._by_locale["ru"])
        return str(localization.format_value(key, args))


TEXTS = Texts()


def preferred_locale(request: web.Request) -> str:
    accepted = request.headers.get("Accept-Language", "")
    return "en" if accepted.lower().startswith("en") else "ru"


def page(locale: str, title: str, body: str, *, status: int = 200, head: str = "") -> web.Response:
    document = (
        f"<!doctype html><html lang='{locale}'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)}</title><style>{_STYLE}</style>{head}</head>"
        f"<body><h1>{escape(title)}</h1>{body}</body></html>"
    )
    return web.Response(text=document, content_type="text/html", status=status, headers=HEADERS)


async def start(request: web.Request) -> web.StreamResponse:
    target = await request.app[FLOW].authorize(
        request.match_info["code"], fallback_locale=preferred_locale(request)
    )
    if isinstance(target, CallbackResult):
        return outcome_page(request, target)
    raise web.HTTPFound(target, headers=HEADERS)


async def callback(request: web.Request) -> web.StreamResponse:
    result = await request.app[FLOW].callback(
        dict(request.query), fallback_locale=preferred_locale(request)
    )
    return outcome_page(request, result)


def outcome_page(request: web.Request, result: CallbackResult) -> web.Response:
    locale = result.locale
    # `unknown`: a page that cannot tell (its texts say «the chat with the bot»).
    messenger = messenger_name(result.channel) if result.channel else "unknown"

    def t(locale: str, key: str, **args: str) -> str:
        return TEXTS.get(locale, key, messenger=messenger, **args)

    bot = request.app[BOT_USERNAMES].get(result.channel) if result.channel else None
    if result.outcome is Outcome.LINKED and (bot is None or result.channel is None):
        # A sign-in begun in a messenger this deployment no longer serves: nowhere to return.
        result = CallbackResult(Outcome.EXPIRED, locale)
    if result.outcome is Outcome.LINKED:
        assert result.bind_code is not None
        assert bot is not None
        assert result.channel is not None
        link = deep_link(result.channel, bot, f"{BIND_PREFIX}{result.bind_code}")
        button = escape(t(locale, "link-done-button"))
        body = (
            f"<p>{escape(t(locale, 'link-done-text'))}</p>"
            f"<p><a class='button' href='{escape(link)}'>{button}</a></p>"
            f"<p>{escape(t(locale, 'link-done-desktop'))}</p>"
            f"<code>/start {BIND_PREFIX}{escape(result.bind_code)}</code>"
            f"<p><small>{escape(t(locale, 'link-done-private'))}</small></p>"
        )
        refresh = f"<meta http-equiv='refresh' content='1;url={escape(link)}'>"
        return page(locale, t(locale, "link-done-title"), body, head=refresh)
    title, text, status = _PAGES[result.outcome]
    variables = {"contacts": request.app[SUPPORT_CONTACTS], "reference": result.reference or ""}
    body = f"<p>{escape(t(locale, text, **variables))}</p>"
    if result.outcome is Outcome.UNAVAILABLE and result.provider_code:
        advice = t(locale, _ADVICE.get(result.provider_code, "link-advice-later"))
        line = t(locale, "link-unavailable-code", code=result.provider_code, advice=advice)
        body += f"<p>{escape(line)}</p>"
    if result.outcome is Outcome.UNTRUSTED and result.provider_code:
        line = t(locale, "link-untrusted-code", code=result.provider_code)
        body += f"<p>{escape(line)}</p>"
    return page(locale, t(locale, title), body, status=status)


def too_many_requests(request: web.Request, retry_after: int) -> web.Response:
    """The page for a browser over the per-IP limit of the linking pages."""
    t, locale = TEXTS.get, preferred_locale(request)
    body = f"<p>{escape(t(locale, 'link-too-many-text', seconds=str(retry_after)))}</p>"
    return page(locale, t(locale, "link-too-many-title"), body, status=429)


def create_link_app(
    flow: LinkFlow,
    *,
    bot_usernames: Mapping[Channel, str],
    support_contacts: str,
    middlewares: Sequence[Middleware] = (),
) -> web.Application:
    """Mounted at `/link` on the process's web server."""
    app = web.Application(middlewares=middlewares)
    app[FLOW] = flow
    app[BOT_USERNAMES] = dict(bot_usernames)
    app[SUPPORT_CONTACTS] = support_contacts
    app.router.add_get("/callback", callback)
    app.router.add_get(r"/{code:[A-Za-z0-9_-]{1,64}}", start)
    return app
