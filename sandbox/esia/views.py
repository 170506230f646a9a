"""The endpoints of the sandbox ESIA.

ESIA protocol:

* `GET /aas/oauth2/v2/ac` — query `client_id, client_secret, redirect_uri, scope,
  response_type=code, state, timestamp, access_type=online|offline, client_certificate_hash`,
  optional `scope_org`, optional PKCE `code_challenge` + `code_challenge_method=S256`.
  An unknown client or a redirect URI that is not allowed gets an error page (never a
  redirect); any other problem redirects back with `error`, `error_description`
  (`ESIA-0070xx: …`) and `state`. A valid request gets the login page.
* `POST /login` (form `request_id`, `oid`) — the person picked a test citizen: the consent page.
* `POST /consent` (form `consent_id`, `decision=allow|deny`) — 302 to the redirect URI with
  `code` and `state`, or with `error=access_denied` (ESIA-007004) and `state`.
* `POST /aas/oauth2/v3/te` (form `client_id, code, grant_type=authorization_code,
  client_secret, state, redirect_uri, scope, timestamp, token_type=Bearer,
  client_certificate_hash`, `code_verifier` after a challenge, optional `scope_org`) — JSON
  `{access_token, id_token, expires_in, token_type, state, refresh_token}`; errors are 400
  `{error, error_description, state}`.
* `GET /rs/prns/{oid}` with `Authorization: Bearer <access token>` — the person's data, within
  the granted scopes (`fullname`: names; `birthdate`; `snils`; `gender`); `trusted` always.

Sandbox conveniences (no authentication: never expose the sandbox in production):
`GET /jwks`, `GET|PUT /switches` (see `switches`), `GET /stats`.

Logs carry the outcome and ESIA code only: never a citizen's oid or data, a state, a code or a
token.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Mapping
from functools import partial
from typing import Any

import structlog
from aiohttp import web
from multidict import MultiMapping

from sandbox.esia import pages
from sandbox.esia.citizens import CITIZENS, Citizen, citizen
from sandbox.esia.errors import EsiaError
from sandbox.esia.protocol import (
    check_client_secret,
    check_code_challenge,
    check_timestamp,
    parse_scope,
    redirect_allowed,
    signed_message,
    verifier_matches,
    with_query,
)
from sandbox.esia.state import AuthorizationRequest, EsiaState, Login, state_of
from sandbox.esia.switches import SwitchError
from sandbox.esia.tokens import TOKEN_LIFETIME

log = structlog.get_logger(__name__)

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
_dumps = partial(json.dumps, ensure_ascii=False)

_AC_REQUIRED = (
    "client_secret",
    "response_type",
    "state",
    "timestamp",
    "access_type",
    "client_certificate_hash",
)
_TE_REQUIRED = (
    "client_id",
    "code",
    "grant_type",
    "client_secret",
    "state",
    "redirect_uri",
    "scope",
    "timestamp",
    "token_type",
    "client_certificate_hash",
)


def _one(params: MultiMapping[Any], name: str) -> str | None:
    """A parameter given at most once (ESIA-007003 otherwise); empty counts as absent."""
    values = params.getall(name, [])
    if len(values) > 1:
        raise EsiaError("ESIA-007003", parameter=name)
    if not values:
        return None
    value = values[0]
    if not isinstance(value, str):  # a file in a form
        raise EsiaError("ESIA-007003", parameter=name)
    return value or None


def _required(params: MultiMapping[Any], name: str) -> str:
    value = _one(params, name)
    if value is None:
        raise EsiaError("ESIA-007014", parameter=name)
    return value


def _first(params: MultiMapping[Any], name: str) -> str | None:
    value = params.get(name)
    return value if isinstance(value, str) and value else None


def _json(body: Mapping[str, Any], status: int = 200, **headers: str) -> web.Response:
    return web.json_response(body, status=status, dumps=_dumps, headers={**_NO_STORE, **headers})


def _json_error(
    error: EsiaError, status: int = 400, state: str | None = None, **headers: str
) -> web.Response:
    body = {"error": error.error, "error_description": error.description}
    if state is not None:
        body["state"] = state
    return _json(body, status, **headers)


def _redirect(url: str) -> web.Response:
    headers = {"Location": url, "Referrer-Policy": "no-referrer", **_NO_STORE}
    return web.Response(status=302, headers=headers)


def _redirect_error(redirect_uri: str, error: EsiaError, state: str | None) -> web.Response:
    params = [("error", error.error), ("error_description", error.description)]
    if state is not None:
        params.append(("state", state))
    return _redirect(with_query(redirect_uri, params))


def _url(request: web.Request, name: str) -> str:
    return str(request.app.router[name].url_for())


async def _misbehave(state: EsiaState) -> bool:
    """Wait the switched latency; True when the service is switched down."""
    await state.switches.pause()
    return state.switches.down


# ----------------------------------------------------------------------------- authorize


def _authorization_request(
    query: MultiMapping[str], client_id: str, redirect_uri: str, now: dt.datetime
) -> AuthorizationRequest:
    scope = _one(query, "scope")
    if scope is None:
        raise EsiaError("ESIA-007013", parameter="scope")
    values = {name: _required(query, name) for name in _AC_REQUIRED}
    scope_org = _one(query, "scope_org") or ""
    challenge = check_code_challenge(
        _one(query, "code_challenge"), _one(query, "code_challenge_method")
    )
    if values["response_type"] != "code":
        raise EsiaError("ESIA-007009", parameter="response_type")
    scopes = parse_scope(scope)
    if values["access_type"] not in ("online", "offline"):
        raise EsiaError("ESIA-007003", parameter="access_type")
    check_timestamp(values["timestamp"], now)
    message = signed_message(
        client_id=client_id,
        scope=scope,
        scope_org=scope_org,
        timestamp=values["timestamp"],
        state=values["state"],
        redirect_uri=redirect_uri,
    )
    check_client_secret(values["client_secret"], message)
    return AuthorizationRequest(
        client_id=client_id,
        redirect_uri=redirect_uri,
        scope=scope,
        scopes=scopes,
        scope_org=scope_org,
        state=values["state"],
        code_challenge=challenge,
    )


async def authorize(request: web.Request) -> web.Response:
    state = state_of(request)
    state.stats.authorize += 1
    if await _misbehave(state):
        log.info("esia.authorize.refused", code="ESIA-007008")
        return pages.error_page(EsiaError("ESIA-007008"), status=503)
    query = request.query
    config = state.config
    try:
        client_id = _required(query, "client_id")
        if client_id != config.client_id:
            raise EsiaError("ESIA-007002", parameter="client_id")
        redirect_uri = _required(query, "redirect_uri")
        if not redirect_allowed(redirect_uri, config.redirect_uris):
            raise EsiaError("ESIA-007023", parameter="redirect_uri")
    except EsiaError as error:
        # Nowhere safe to send the browser back to: ESIA's own page.
        log.info("esia.authorize.refused", code=error.code, parameter=error.parameter)
        detail = ""
        if error.code == "ESIA-007002":
            detail = f"Система: {query.get('client_id', '')}"
        elif error.code == "ESIA-007023":
            detail = f"Адрес возврата: {query.get('redirect_uri', '')}"
        return pages.error_page(error, detail=detail)
    echo_state = _first(query, "state")
    now = state.now()
    try:
        authorization = _authorization_request(query, client_id, redirect_uri, now)
        if state.switches.authorize_error:
            raise EsiaError(state.switches.authorize_error)
    except EsiaError as error:
        log.info("esia.authorize.refused", code=error.code, parameter=error.parameter)
        return _redirect_error(redirect_uri, error, echo_state)
    request_id = state.requests.put(authorization, now)
    log.info("esia.authorize.login_page", client_id=client_id)
    return pages.login_page(
        action=_url(request, "login"),
        request_id=request_id,
        citizens=CITIZENS,
        client_id=client_id,
        redirect_uri=redirect_uri,
        state=authorization.state,
    )


_EXPIRED_TITLE = "Время на вход истекло"
_EXPIRED_TEXT = "Страница устарела или уже была отправлена."


async def login(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    try:
        request_id = _required(form, "request_id")
        oid = _required(form, "oid")
    except EsiaError as error:
        return pages.error_page(error)
    now = state.now()
    authorization = state.requests.take(request_id, now)
    if authorization is None:
        return pages.message_page(_EXPIRED_TITLE, _EXPIRED_TEXT, 410)
    person = citizen(oid)
    if person is None:
        return pages.error_page(EsiaError("ESIA-007003", parameter="oid"))
    chosen = Login(authorization, person.oid, auth_time=now, session_id=str(uuid.uuid4()))
    consent_id = state.consents.put(chosen, now)
    log.info("esia.login", client_id=authorization.client_id)
    return pages.consent_page(
        action=_url(request, "consent"),
        consent_id=consent_id,
        citizen=person,
        client_id=authorization.client_id,
        scopes=authorization.scopes,
    )


async def consent(request: web.Request) -> web.Response:
    state = state_of(request)
    form = await request.post()
    try:
        consent_id = _required(form, "consent_id")
        decision = _required(form, "decision")
        if decision not in ("allow", "deny"):
            raise EsiaError("ESIA-007003", parameter="decision")
    except EsiaError as error:
        return pages.error_page(error)
    now = state.now()
    chosen = state.consents.take(consent_id, now)
    if chosen is None:
        return pages.message_page(_EXPIRED_TITLE, _EXPIRED_TEXT, 410)
    authorization = chosen.request
    if decision == "deny":
        log.info("esia.consent.denied", code="ESIA-007004")
        denied = EsiaError("ESIA-007004")
        return _redirect_error(authorization.redirect_uri, denied, authorization.state)
    code = state.codes.put(chosen, now)
    log.info("esia.consent.granted", client_id=authorization.client_id)
    params = [("code", code), ("state", authorization.state)]
    return _redirect(with_query(authorization.redirect_uri, params))


# ----------------------------------------------------------------------------- token


def _exchange(state: EsiaState, form: MultiMapping[Any]) -> dict[str, Any]:
    values = {name: _required(form, name) for name in _TE_REQUIRED}
    verifier = _one(form, "code_verifier")
    scope_org = _one(form, "scope_org") or ""
    config = state.config
    if values["client_id"] != config.client_id:
        raise EsiaError("ESIA-008010", parameter="client_id")
    if values["grant_type"] != "authorization_code":
        raise EsiaError("ESIA-007012", parameter="grant_type")
    if values["token_type"] != "Bearer":  # noqa: S105 - a token type, not a secret
        raise EsiaError("ESIA-007003", parameter="token_type")
    now = state.now()
    check_timestamp(values["timestamp"], now)
    message = signed_message(
        client_id=values["client_id"],
        scope=values["scope"],
        scope_org=scope_org,
        timestamp=values["timestamp"],
        state=values["state"],
        redirect_uri=values["redirect_uri"],
        code=values["code"],
    )
    try:
        check_client_secret(values["client_secret"], message)
    except EsiaError:
        raise EsiaError("ESIA-007053", error="invalid_client") from None
    # The client is authenticated: from here on the code is spent, whatever follows.
    chosen = state.codes.take(values["code"], now)
    if chosen is None:
        raise EsiaError("ESIA-007011", parameter="code")
    authorization = chosen.request
    if authorization.client_id != values["client_id"]:
        raise EsiaError("ESIA-007011", parameter="client_id")
    if authorization.redirect_uri != values["redirect_uri"]:
        raise EsiaError("ESIA-007011", parameter="redirect_uri")
    if set(parse_scope(values["scope"])) != set(authorization.scopes):
        raise EsiaError("ESIA-007006", parameter="scope")
    if authorization.code_challenge is not None:
        if verifier is None:
            raise EsiaError("ESIA-007014", parameter="code_verifier")
        if not verifier_matches(verifier, authorization.code_challenge):
            raise EsiaError("ESIA-007040", parameter="code_verifier")
    elif verifier is not None:
        raise EsiaError("ESIA-007039", parameter="code_verifier")
    person: Citizen | None = citizen(chosen.oid)
    assert person is not None  # a login only ever names a known citizen
    issuer = state.issuer
    return {
        "access_token": issuer.access_token(
            person,
            client_id=authorization.client_id,
            scopes=authorization.scopes,
            session_id=chosen.session_id,
            now=now,
        ),
        "id_token": issuer.id_token(
            person,
            client_id=state.switches.id_token_audience or authorization.client_id,
            session_id=chosen.session_id,
            auth_time=chosen.auth_time,
            now=now,
        ),
        "expires_in": int(TOKEN_LIFETIME.total_seconds()),
        "token_type": "Bearer",
        "state": values["state"],
        "refresh_token": issuer.refresh_token(),
    }


async def token(request: web.Request) -> web.Response:
    state = state_of(request)
    state.stats.token += 1
    if await _misbehave(state):
        log.info("esia.token.refused", code="ESIA-007008")
        return _json_error(EsiaError("ESIA-007008"), 503, **{"Retry-After": "5"})
    form = await request.post()
    echo_state = _first(form, "state")
    try:
        if state.switches.token_error:
            raise EsiaError(state.switches.token_error)
        body = _exchange(state, form)
    except EsiaError as error:
        log.info("esia.token.refused", code=error.code, parameter=error.parameter)
        return _json_error(error, 400, echo_state)
    log.info("esia.token.issued", client_id=state.config.client_id)
    return _json(body)


# ----------------------------------------------------------------------------- person


def _person(person: Citizen, scopes: frozenset[str]) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if "fullname" in scopes:
        body["firstName"] = person.first_name
        body["lastName"] = person.last_name
        if person.middle_name:
            body["middleName"] = person.middle_name
    if "birthdate" in scopes:
        body["birthDate"] = person.birth_date.strftime("%d.%m.%Y")
    if "gender" in scopes:
        body["gender"] = person.gender
    if "snils" in scopes:
        body["snils"] = person.snils
    body["trusted"] = person.verified
    return body


_BEARER = {"WWW-Authenticate": 'Bearer realm="esia"'}
_INVALID_TOKEN = {"WWW-Authenticate": 'Bearer realm="esia", error="invalid_token"'}


async def person_data(request: web.Request) -> web.Response:
    state = state_of(request)
    state.stats.prns += 1
    if await _misbehave(state):
        return _json_error(EsiaError("ESIA-007008"), 503, **{"Retry-After": "5"})
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        body = {"error": "invalid_request", "error_description": "Bearer token required"}
        return _json(body, 401, **_BEARER)
    grant = state.issuer.read_access_token(credentials.strip(), state.now())
    if grant is None:
        body = {"error": "invalid_token", "error_description": "The access token is not valid"}
        return _json(body, 401, **_INVALID_TOKEN)
    if grant.oid != request.match_info["oid"]:
        log.info("esia.prns.refused", code="ESIA-007019")
        return _json_error(EsiaError("ESIA-007019"), 403)
    person = citizen(grant.oid)
    if person is None:
        return _json({"error": "not_found", "error_description": "No such person"}, 404)
    return _json(_person(person, grant.scopes))


# ----------------------------------------------------------------------------- sandbox


async def jwks(request: web.Request) -> web.Response:
    return web.json_response(state_of(request).issuer.jwks())


async def get_switches(request: web.Request) -> web.Response:
    return _json(state_of(request).switches.render())


async def put_switches(request: web.Request) -> web.Response:
    switches = state_of(request).switches
    try:
        changes = await request.json()
    except ValueError:
        return _json({"error": "a JSON object is expected"}, 400)
    if not isinstance(changes, dict):
        return _json({"error": "a JSON object is expected"}, 400)
    try:
        switches.update(changes)
    except SwitchError as error:
        return _json({"error": str(error)}, 422)
    log.info("esia.switches", **{k: v for k, v in switches.render().items() if v})
    return _json(switches.render())


async def stats(request: web.Request) -> web.Response:
    counts = state_of(request).stats
    return _json(
        {"authorize": counts.authorize, "token": counts.token, "prns": counts.prns},
    )


def add_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/aas/oauth2/v2/ac", authorize, name="authorize")
    router.add_post("/login", login, name="login")
    router.add_post("/consent", consent, name="consent")
    router.add_post("/aas/oauth2/v3/te", token, name="token")
    router.add_get("/rs/prns/{oid}", person_data, name="prns")
    router.add_get("/jwks", jwks, name="jwks")
    router.add_get("/switches", get_switches, name="switches")
    router.add_put("/switches", put_switches)
    router.add_get("/stats", stats, name="stats")
