"""The checks of ESIA's OAuth parameters: the signed `client_secret`, the timestamp, PKCE,
scopes and redirect URIs.

`client_secret` is a detached signature of `client_id + scope + scope_org + timestamp + state +
redirect_uri` (+ `code` at the token endpoint), base64url. Real ESIA checks a GOST R 34.10-2012
signature against the system's registered certificate; the sandbox accepts the development
signer only: HMAC-SHA256 with the published key below, base64url (padding optional). The key
is duplicated here on purpose: the sandbox stands for someone else's system and imports
nothing of the bot.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import re
from collections.abc import Iterable, Sequence
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sandbox.esia.errors import EsiaError

DEV_KEY = b"cabinet-bot sandbox esia dev signer"  # public on purpose: the sandbox only

#: How far a request's `timestamp` may be from the server's clock, either way.
TIMESTAMP_TOLERANCE = dt.timedelta(minutes=5)

_TIMESTAMP = re.compile(r"^\d{4}\.\d{2}\.\d{2} \d{2}:\d{2}:\d{2} [+-]\d{4}$")
_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")  # base64url of a SHA-256, no padding
_VERIFIER = re.compile(r"^[A-Za-z0-9._~-]{43,128}$")

#: The person scopes the sandbox knows, with the names its consent page shows.
SCOPES: dict[str, str] = {
    "openid": "Идентификатор учётной записи",
    "fullname": "ФИО",
    "birthdate": "Дата рождения",
    "gender": "Пол",
    "snils": "СНИЛС",
    "inn": "ИНН",
    "id_doc": "Данные документа, удостоверяющего личность",
    "birthplace": "Место рождения",
    "medical_doc": "Данные полиса ОМС",
    "military_doc": "Данные военного билета",
    "foreign_passport_doc": "Данные заграничного паспорта",
    "drivers_licence_doc": "Данные водительского удостоверения",
    "vehicles": "Сведения о транспортных средствах",
    "email": "Адрес электронной почты",
    "mobile": "Номер мобильного телефона",
    "contacts": "Контактные данные",
    "addresses": "Адреса",
    "usr_org": "Сведения об организациях пользователя",
}


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def signed_message(
    *,
    client_id: str,
    scope: str,
    scope_org: str,
    timestamp: str,
    state: str,
    redirect_uri: str,
    code: str | None = None,
) -> bytes:
    parts = [client_id, scope, scope_org, timestamp, state, redirect_uri]
    if code is not None:
        parts.append(code)
    return "".join(parts).encode()


def check_client_secret(client_secret: str, message: bytes) -> None:
    """ESIA-007053 unless `client_secret` is the dev signer's signature of `message`."""
    expected = b64url(hmac.new(DEV_KEY, message, hashlib.sha256).digest())
    if not hmac.compare_digest(client_secret.rstrip("=").encode(), expected.encode()):
        raise EsiaError("ESIA-007053")


def check_timestamp(timestamp: str, now: dt.datetime) -> None:
    """`yyyy.MM.dd HH:mm:ss ±hhmm` (ESIA clients send +0300), within 5 minutes of `now`."""
    if not _TIMESTAMP.match(timestamp):
        raise EsiaError("ESIA-007015", parameter="timestamp")
    try:
        moment = dt.datetime.strptime(timestamp, "%Y.%m.%d %H:%M:%S %z")
    except ValueError:
        raise EsiaError("ESIA-007015", parameter="timestamp") from None
    if abs(moment - now) > TIMESTAMP_TOLERANCE:
        raise EsiaError("ESIA-007015", parameter="timestamp")


def parse_scope(scope: str) -> tuple[str, ...]:
    """Space-separated scopes, each known, `openid` among them; repeats dropped."""
    names = tuple(dict.fromkeys(scope.split()))
    if not names:
        raise EsiaError("ESIA-007013", parameter="scope")
    if "openid" not in names or any(name not in SCOPES for name in names):
        raise EsiaError("ESIA-007006", parameter="scope")
    return names


def check_code_challenge(challenge: str | None, method: str | None) -> str | None:
    """The S256 challenge, or None without PKCE; anything else is ESIA-007003."""
    if challenge is None and method is None:
        return None
    if challenge is None:
        raise EsiaError("ESIA-007014", parameter="code_challenge")
    if method != "S256":
        raise EsiaError("ESIA-007003", parameter="code_challenge_method")
    if not _CHALLENGE.match(challenge):
        raise EsiaError("ESIA-007003", parameter="code_challenge")
    return challenge


def verifier_matches(verifier: str, challenge: str) -> bool:
    if not _VERIFIER.match(verifier):
        return False
    computed = b64url(hashlib.sha256(verifier.encode("ascii")).digest())
    return hmac.compare_digest(computed, challenge)


def redirect_allowed(redirect_uri: str, registered: Sequence[str]) -> bool:
    """Exact match with a registered URI; none registered: any absolute http(s) URL."""
    if registered:
        return redirect_uri in registered
    try:
        parts = urlsplit(redirect_uri)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.fragment


def with_query(url: str, params: Iterable[tuple[str, str]]) -> str:
    """`url` with `params` added to its own query (a registered URI may carry one)."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query, keep_blank_values=True), *params]
    return urlunsplit(parts._replace(query=urlencode(query)))
