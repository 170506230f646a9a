"""A browser's part in the sandbox ESIA, over HTTP: its login and consent forms."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx


def form_of(page: str) -> tuple[str, dict[str, str]]:
    """A sandbox page's form: its action and hidden fields."""
    action = re.search(r"<form method='post' action='([^']*)'>", page)
    assert action is not None, page
    hidden = re.findall(r"<input type='hidden' name='([^']*)' value='([^']*)'>", page)
    return html.unescape(action[1]), {name: html.unescape(value) for name, value in hidden}


def query(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query))


async def through_esia(
    browser: httpx.AsyncClient, authorize_url: str, *, oid: str, decision: str = "allow"
) -> str:
    """Log in as the test citizen `oid` and answer the consent page; the URL ESIA sends the
    browser back to (the bot's callback)."""
    page = await browser.get(authorize_url)
    if page.status_code == 302:  # the authorize_error switch: straight back
        return page.headers["location"]
    assert page.status_code == 200, page.text
    action, fields = form_of(page.text)
    page = await browser.post(urljoin(str(page.url), action), data=fields | {"oid": oid})
    assert page.status_code == 200, page.text
    action, fields = form_of(page.text)
    answer = await browser.post(
        urljoin(str(page.url), action), data=fields | {"decision": decision}
    )
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]
