"""ESIA's error codes, as the real service sends them.

ESIA answers OAuth errors with the RFC 6749 `error` and an `error_description` that starts
with its own code, `ESIA-0070xx: <English text>`; the authorization endpoint puts them on the
redirect back to the client (or shows its own page when it must not redirect), the token
endpoint answers them as JSON with 400. The Russian texts are for this sandbox's pages.

The codes the sandbox uses (after ESIA's methodological recommendations):

| code | `error` | when |
|---|---|---|
| ESIA-007002 | unauthorized_client | unknown `client_id` (page at /ac) |
| ESIA-007003 | invalid_request | a parameter is malformed or repeated |
| ESIA-007004 | access_denied | the person pressed «Отказать» |
| ESIA-007006 | invalid_scope | scope without `openid`, an unknown scope, scope differs at /te |
| ESIA-007008 | temporarily_unavailable | the `down` switch |
| ESIA-007009 | unsupported_response_type | `response_type` is not `code` |
| ESIA-007011 | invalid_grant | code unknown, used, expired, of another client or redirect_uri |
| ESIA-007012 | unsupported_grant_type | `grant_type` is not `authorization_code` |
| ESIA-007013 | invalid_scope | no `scope` |
| ESIA-007014 | invalid_request | a mandatory parameter is missing (named in brackets) |
| ESIA-007015 | invalid_request | `timestamp` malformed or more than 5 minutes off |
| ESIA-007023 | invalid_request | `redirect_uri` not registered (page at /ac, never a redirect) |
| ESIA-007039 | invalid_request | `code_verifier` given but /ac had no `code_challenge` |
| ESIA-007040 | invalid_grant | `code_verifier` does not match the `code_challenge` |
| ESIA-007053 | invalid_request (/ac), invalid_client (/te) | `client_secret` does not verify |
| ESIA-007055 | access_denied | an unconfirmed account (only through the `authorize_error` switch) |
| ESIA-008010 | invalid_client | unknown `client_id` at /te |
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CODE_PATTERN = re.compile(r"^ESIA-\d{6}$")


@dataclass(frozen=True)
class EsiaCode:
    code: str
    error: str  # the RFC 6749 `error`
    en: str  # ESIA's own text, after the code in `error_description`
    ru: str  # this sandbox's pages


CATALOGUE: dict[str, EsiaCode] = {
    c.code: c
    for c in (
        EsiaCode(
            "ESIA-007002",
            "unauthorized_client",
            "The certificate does not match the system mnemonic or the system is not registered",
            "Система-клиент не зарегистрирована в ЕСИА или её сертификат не соответствует "
            "мнемонике",
        ),
        EsiaCode(
            "ESIA-007003",
            "invalid_request",
            "The request contains an invalid parameter value or repeats a parameter",
            "Запрос включает неверное значение параметра или включает параметр несколько раз",
        ),
        EsiaCode(
            "ESIA-007004",
            "access_denied",
            "The resource owner or authorization server denied the request",
            "Владелец ресурса или сервис авторизации отклонил запрос",
        ),
        EsiaCode(
            "ESIA-007005",
            "unauthorized_client",
            "The client is not authorized to request an access token using this method",
            "Система-клиент не имеет права запрашивать маркер доступа таким методом",
        ),
        EsiaCode(
            "ESIA-007006",
            "invalid_scope",
            "The requested scope is invalid, unknown, or malformed",
            "Запрошенная область доступа указана неверно, неизвестна или сформирована некорректно",
        ),
        EsiaCode(
            "ESIA-007007",
            "server_error",
            "The authorization server encountered an unexpected condition",
            "Неожиданная ошибка в работе сервиса авторизации",
        ),
        EsiaCode(
            "ESIA-007008",
            "temporarily_unavailable",
            "The authorization server is currently unable to handle the request",
            "Сервис авторизации временно недоступен из-за нагрузки или технических работ",
        ),
        EsiaCode(
            "ESIA-007009",
            "unsupported_response_type",
            "The authorization server does not support obtaining a code using this method",
            "Сервис авторизации не поддерживает получение кода этим методом",
        ),
        EsiaCode(
            "ESIA-007011",
            "invalid_grant",
            "The authorization code is invalid, expired, revoked, does not match the redirect "
            "URI used in the authorization request, or was issued to another client",
            "Авторизационный код недействителен, просрочен, отозван, не соответствует адресу "
            "возврата или выдан другой системе-клиенту",
        ),
        EsiaCode(
            "ESIA-007012",
            "unsupported_grant_type",
            "The authorization grant type is not supported by the authorization server",
            "Тип авторизационного кода не поддерживается сервисом авторизации",
        ),
        EsiaCode(
            "ESIA-007013",
            "invalid_scope",
            "The request does not contain the scope",
            "Запрос не содержит указания на область доступа (scope)",
        ),
        EsiaCode(
            "ESIA-007014",
            "invalid_request",
            "The request doesn't contain the mandatory parameter",
            "Запрос не содержит обязательного параметра",
        ),
        EsiaCode(
            "ESIA-007015",
            "invalid_request",
            "Invalid request time",
            "Неверное время запроса",
        ),
        EsiaCode(
            "ESIA-007019",
            "access_denied",
            "Access is not permitted",
            "Отсутствует разрешение на доступ",
        ),
        EsiaCode(
            "ESIA-007023",
            "invalid_request",
            "The redirect_uri is not among those registered for the system",
            "Указанный в запросе адрес возврата (redirect_uri) отсутствует среди разрешённых "
            "для системы",
        ),
        EsiaCode(
            "ESIA-007039",
            "invalid_request",
            "The code_challenge parameter was not given in the initial request to /v2/ac",
            "В исходном запросе на /v2/ac не был указан параметр code_challenge",
        ),
        EsiaCode(
            "ESIA-007040",
            "invalid_grant",
            "The code_verifier does not match the code_challenge",
            "Ошибка сравнения исходного и контрольного значений (code_verifier)",
        ),
        EsiaCode(
            "ESIA-007053",
            "invalid_request",  # the token endpoint answers it as invalid_client
            "The client_secret is malformed: it does not match the signed string, the system, "
            "or the certificate is not active",
            "client_secret сформирован некорректно: не соответствует подписываемой строке, "
            "системе, или сертификат не активен",
        ),
        EsiaCode(
            "ESIA-007055",
            "access_denied",
            "Login with an unconfirmed account",
            "Вход в систему осуществляется с неподтверждённой учётной записью",
        ),
        EsiaCode(
            "ESIA-008010",
            "invalid_client",
            "Client authentication failed",
            "Не удалось провести аутентификацию системы-клиента",
        ),
    )
}

_UNKNOWN = EsiaCode("", "server_error", "Simulated error", "Имитация ошибки")


def lookup(code: str) -> EsiaCode:
    """A known code, or a generic `server_error` under the given code (switches take any)."""
    known = CATALOGUE.get(code)
    if known is not None:
        return known
    return EsiaCode(code, _UNKNOWN.error, _UNKNOWN.en, _UNKNOWN.ru)


class EsiaError(Exception):
    """An ESIA error to answer. `parameter` names the offending field (never its value, so
    that no personal data or secret ends up in an answer or a log)."""

    def __init__(self, code: str, *, parameter: str | None = None, error: str | None = None):
        self.esia = lookup(code)
        self.code = code
        self.parameter = parameter
        self.error = error or self.esia.error
        super().__init__(self.description)

    @property
    def description(self) -> str:
        suffix = f" [{self.parameter}]" if self.parameter else ""
        return f"{self.code}: {self.esia.en}{suffix}"

    @property
    def text_ru(self) -> str:
        suffix = f" ({self.parameter})" if self.parameter else ""
        return f"{self.esia.ru}{suffix}"
