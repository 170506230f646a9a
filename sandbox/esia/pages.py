"""HTML pages of the sandbox ESIA: login (pick a test citizen), consent, errors.

Plain server-rendered HTML in Russian: every value escaped, no scripts, nothing leaked through
the referrer. Unlike the cabinet's pages, `form-action` is `*`: the consent form's answer is a
302 to the client's redirect URI, and browsers apply `form-action` to redirects that follow a
form submission. Form actions are absolute paths built by the router, so they stay right when
the sandbox is mounted under a prefix.
"""

from __future__ import annotations

import html
from collections.abc import Iterable

from aiohttp import web

from sandbox.esia.citizens import Citizen
from sandbox.esia.errors import EsiaError
from sandbox.esia.protocol import SCOPES

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action *; frame-ancestors 'none'"
    ),
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}

_STYLE = """
*{box-sizing:border-box}
body{font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
background:#f5f7fa;color:#0b1f33}
header{background:#fff;border-bottom:1px solid #e1e7f0;padding:14px 24px;display:flex;
align-items:center;gap:12px}
.logo{font-weight:700;font-size:20px;letter-spacing:-.3px;color:#0d4cd3}
.logo span{color:#ee3f58}
.badge{background:#fff1d6;color:#8a5300;border:1px solid #f2c46d;border-radius:12px;
padding:2px 10px;font-size:13px;font-weight:600}
main{max-width:520px;margin:32px auto;background:#fff;border-radius:12px;padding:28px 32px;
box-shadow:0 1px 4px rgba(11,31,51,.08)}
h1{font-size:24px;margin:0 0 8px}
p{margin:8px 0}
.muted{color:#66727f;font-size:14px}
ul.citizens,ul.scopes{list-style:none;padding:0;margin:16px 0}
ul.citizens li{margin:0 0 12px}
ul.scopes li{padding:6px 0;border-bottom:1px solid #eef2f7}
button{font:inherit;cursor:pointer;border-radius:8px;padding:10px 20px;border:1px solid #0d4cd3}
ul.citizens button{width:100%;text-align:left;background:#fff;color:#0b1f33;border-color:#c8d3e1}
ul.citizens button:hover,ul.citizens button:focus{border-color:#0d4cd3}
.hint{display:block;color:#66727f;font-size:13px;margin:4px 2px 0}
.primary{background:#0d4cd3;color:#fff}
.secondary{background:#fff;color:#0d4cd3;margin-left:8px}
.code{font-family:ui-monospace,monospace;font-size:14px;color:#66727f}
.tech{margin-top:24px;padding-top:12px;border-top:1px solid #eef2f7;color:#66727f;
font-size:12px;word-break:break-all}
footer{text-align:center;color:#66727f;font-size:12px;margin-bottom:32px}
"""


def escape(value: object) -> str:
    return html.escape(str(value), quote=True)


def page(title: str, body: str, status: int = 200) -> web.Response:
    document = (
        "<!doctype html><html lang='ru'><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{escape(title)} — Госуслуги (тестовая среда)</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<header><span class='logo'>гос<span>услуги</span></span>"
        "<span class='badge'>Тестовая среда</span></header>"
        f"<main>{body}</main>"
        "<footer>Песочница ЕСИА: тестовые данные, вход без пароля. "
        "Не для продуктивной среды.</footer></body></html>"
    )
    return web.Response(
        text=document, content_type="text/html", status=status, headers=SECURITY_HEADERS
    )


def _hidden(name: str, value: str) -> str:
    return f"<input type='hidden' name='{escape(name)}' value='{escape(value)}'>"


def login_page(
    *,
    action: str,
    request_id: str,
    citizens: Iterable[Citizen],
    client_id: str,
    redirect_uri: str,
    state: str,
) -> web.Response:
    items = "".join(
        "<li>"
        f"<button type='submit' name='oid' value='{escape(c.oid)}'"
        f" aria-describedby='hint-{escape(c.oid)}'>{escape(c.full_name)}</button>"
        f"<span class='hint' id='hint-{escape(c.oid)}'>{escape(c.note)}</span>"
        "</li>"
        for c in citizens
    )
    body = (
        "<h1>Вход</h1>"
        f"<p>для продолжения в системе «{escape(client_id)}»</p>"
        "<p class='muted'>Это тестовая среда: пароль и подтверждение не нужны. "
        "Выберите тестового пользователя.</p>"
        f"<form method='post' action='{escape(action)}'>{_hidden('request_id', request_id)}"
        f"<ul class='citizens'>{items}</ul></form>"
        "<p class='tech'>Запрос: система "
        f"{escape(client_id)} · адрес возврата {escape(redirect_uri)} · state {escape(state)}</p>"
    )
    return page("Вход", body)


def consent_page(
    *,
    action: str,
    consent_id: str,
    citizen: Citizen,
    client_id: str,
    scopes: Iterable[str],
) -> web.Response:
    items = "".join(f"<li>{escape(SCOPES[scope])}</li>" for scope in scopes)
    body = (
        "<h1>Предоставление прав доступа</h1>"
        f"<p>Система «{escape(client_id)}» запрашивает доступ к вашим данным:</p>"
        f"<ul class='scopes'>{items}</ul>"
        f"<p class='muted'>Вы вошли как {escape(citizen.full_name)}.</p>"
        f"<form method='post' action='{escape(action)}'>{_hidden('consent_id', consent_id)}"
        "<button type='submit' class='primary' name='decision' value='allow'>Предоставить</button>"
        "<button type='submit' class='secondary' name='decision' value='deny'>Отказать</button>"
        "</form>"
    )
    return page("Предоставление прав доступа", body)


def error_page(error: EsiaError, status: int = 400, detail: str = "") -> web.Response:
    """ESIA's own error page, for what it must not send back to an unverified redirect URI."""
    extra = f"<p>{escape(detail)}</p>" if detail else ""
    body = (
        "<h1>Ошибка</h1>"
        f"<p>{escape(error.text_ru)}</p>{extra}"
        f"<p class='code'>Код ошибки: {escape(error.code)}</p>"
        "<p class='muted'>Вернитесь в приложение, из которого начали вход, "
        "и попробуйте ещё раз.</p>"
    )
    return page("Ошибка", body, status)


def message_page(title: str, text: str, status: int) -> web.Response:
    body = (
        f"<h1>{escape(title)}</h1><p>{escape(text)}</p>"
        "<p class='muted'>Вернитесь в приложение, из которого начали вход, "
        "и начните вход заново.</p>"
    )
    return page(title, body, status)
