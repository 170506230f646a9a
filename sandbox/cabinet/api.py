"""The contract's operations under /v1, as the insurer's back office would answer them.

The routes come from the contract itself (method, path and operationId of every operation
under `paths`), so they cannot drift from it; each operationId has one handler here. The /v1
sub-application's middlewares, outermost first: count the request and apply the switches;
turn errors into problem documents; check the bearer token; validate the path and query
parameters against the operation's.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import hmac
import json
import re
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar
from urllib.parse import quote

import structlog
from aiohttp import web

from sandbox.cabinet.cabinet import require_renewable
from sandbox.cabinet.dates import format_ru
from sandbox.cabinet.demo import INSURER_CONTACTS
from sandbox.cabinet.documents import document_of, documents_of
from sandbox.cabinet.drafts import Draft
from sandbox.cabinet.files import (
    Upload,
    decode_image,
    read_json,
    read_upload,
    refuse_oversized,
)
from sandbox.cabinet.idempotency import json_digest, parts_digest, require_key
from sandbox.cabinet.ids import (
    AMBIGUOUS_CUSTOMER_SUBJECT,
    NOT_A_CUSTOMER_SUBJECT,
    customer_id_for,
)
from sandbox.cabinet.model import (
    CERTIFICATE_TYPES,
    CURRENT_POLICY_STATUSES,
    JSON,
    CertificateOrder,
    Claim,
    Customer,
    Policy,
    RenewalQuote,
    money,
)
from sandbox.cabinet.pdf import certificate_pdf, policy_pdf
from sandbox.cabinet.policy_changes import options_for
from sandbox.cabinet.problems import (
    FieldError,
    ProblemError,
    problem_response,
    problems_middleware,
)
from sandbox.cabinet.products import PRODUCTS
from sandbox.cabinet.schema import body_errors, operations, validator, value_errors
from sandbox.cabinet.state import state_of
from sandbox.cabinet.texts import Text, language

log = structlog.get_logger(__name__)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]
_Body = TypeVar("_Body")
_T = TypeVar("_T")

PARAMETERS = web.RequestKey("sandbox_cabinet_parameters", dict[str, Any])
_dumps = partial(json.dumps, ensure_ascii=False)


# ----------------------------------------------------------------------------- middlewares


@web.middleware
async def switches_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Count every /v1 request, then let the switches fail it, delay it or lose its answer."""
    state = state_of(request)
    state.requests += 1
    failure = state.switches.before(request.method)
    if failure is None:
        response = await handler(request)
        await state.switches.pause(request)
        failure = state.switches.after()
        if failure is None:
            return response
    log.info("switch_failure", path=request.path, status=failure.status)
    return problem_response(request, failure)


@web.middleware
async def bearer_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    expected = state_of(request).config.token.encode()
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        raise ProblemError(
            "unauthorized",
            Text(
                "Токен сервиса отсутствует или недействителен.",
                "The service token is missing or invalid.",
            ),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return await handler(request)


_INTEGER = re.compile(r"-?[0-9]+")


def _coerce(raw: str, kind: object) -> object:
    """A query string is text: an integer parameter is converted when it looks like one."""
    if kind == "integer" and _INTEGER.fullmatch(raw):
        with contextlib.suppress(ValueError):  # beyond Python's 4300 digits: stays text
            return int(raw)
    return raw


@web.middleware
async def parameters_middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Path and query parameters checked against the operation's: 400 `bad_request`, for an
    unknown query parameter too (a misspelt `pagesize` must not pass unnoticed)."""
    operation = operations().get(request.match_info.route.name or "")
    if operation is None:
        return await handler(request)
    values: dict[str, Any] = {}
    errors: list[FieldError] = []
    for parameter in operation.parameters:
        if parameter.location not in ("path", "query"):
            continue
        source = request.match_info if parameter.location == "path" else request.query
        raw = source.get(parameter.name)
        if raw is None:
            values[parameter.name] = parameter.schema.get("default")
            continue
        value = _coerce(raw, parameter.schema.get("type"))
        problems = value_errors(validator(parameter.schema_pointer), value)
        errors += [FieldError(detail, parameter=parameter.name) for detail in problems]
        values[parameter.name] = value
    known = {p.name for p in operation.parameters if p.location == "query"}
    unknown = Text("Неизвестный параметр.", "Unknown parameter.")
    errors += [FieldError(unknown, parameter=name) for name in request.query if name not in known]
    if errors:
        names = ", ".join(sorted({str(e.parameter) for e in errors}))
        raise ProblemError(
            "bad_request",
            Text("Некорректный параметр: {p}.", "Invalid parameter: {p}.").format(p=names),
            errors,
        )
    request[PARAMETERS] = values
    return await handler(request)


# ----------------------------------------------------------------------------- helpers


def _json(data: JSON, status: int = 200) -> web.Response:
    return web.json_response(data, status=status, dumps=_dumps)


def _pdf(data: bytes, fallback_name: str, name: str) -> web.Response:
    return _file(data, "application/pdf", fallback_name, name)


def _file(data: bytes, content_type: str, fallback_name: str, name: str) -> web.Response:
    disposition = f"attachment; filename=\"{fallback_name}\"; filename*=UTF-8''{quote(name)}"
    return web.Response(
        body=data, content_type=content_type, headers={"Content-Disposition": disposition}
    )


def _validate(request: web.Request, body: Any) -> None:
    """The body against the operation's request schema: 422 `validation_failed`."""
    pointer = operations()[str(request.match_info.route.name)].body_pointer
    errors = body_errors(validator(str(pointer)), body)
    if errors:
        raise ProblemError(
            "validation_failed",
            Text(
                "Данные запроса не соответствуют схеме.", "The request does not match the schema."
            ),
            errors,
        )


def _page(request: web.Request, items: list[JSON]) -> JSON:
    page, size = request[PARAMETERS]["page"], request[PARAMETERS]["page_size"]
    start = (page - 1) * size
    return {
        "items": items[start : start + size],
        "page": page,
        "page_size": size,
        "total": len(items),
    }


def _customer(request: web.Request) -> Customer:
    return state_of(request).cabinet.customer(request.match_info["customer_id"])


def _policy(request: web.Request, customer: Customer) -> Policy:
    policy = customer.policies.get(request.match_info["policy_id"])
    if policy is None:
        raise ProblemError("policy_not_found", Text("Полис не найден.", "Policy not found."))
    return policy


def _claim(request: web.Request, customer: Customer) -> Claim:
    claim = customer.claims.get(request.match_info["claim_id"])
    if claim is None:
        raise ProblemError("claim_not_found", Text("Убыток не найден.", "Claim not found."))
    return claim


def _certificate_order(request: web.Request, customer: Customer) -> CertificateOrder:
    order = customer.certificate_orders.get(request.match_info["order_id"])
    if order is None:
        raise ProblemError(
            "certificate_order_not_found",
            Text("Заказ справки не найден.", "Certificate order not found."),
        )
    return order


def _quote(request: web.Request, customer: Customer, policy: Policy) -> RenewalQuote:
    quote_ = customer.quotes.get(request.match_info["quote_id"])
    if quote_ is None or quote_.policy_id != policy.id:
        raise ProblemError("quote_not_found", Text("Расчёт не найден.", "Quote not found."))
    return quote_


# ----------------------------------------------------------------------------- keyed POSTs


async def _json_body(request: web.Request) -> tuple[Any, str]:
    body, raw = await read_json(request)
    return body, json_digest(raw)


async def _no_body(_: web.Request) -> tuple[None, str]:
    return None, ""


async def _upload_body(request: web.Request) -> tuple[Upload, str]:
    upload = await read_upload(request)
    # The query (a draft document's requirement) is part of the request the key stands for.
    return upload, parts_digest(request.query_string, upload.name, upload.content_type, upload.data)


def keyed(
    read: Callable[[web.Request], Awaitable[tuple[_Body, str]]],
) -> Callable[[Callable[[web.Request, _Body], Awaitable[web.Response]]], Handler]:
    """A creating POST: the key is required, and the work is done once per key and request.

    The latency switch is served while the key is held, as a slow back office would."""

    def decorate(handle: Callable[[web.Request, _Body], Awaitable[web.Response]]) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            require_key(request)
            body, digest = await read(request)
            state = state_of(request)

            async def action() -> web.Response:
                await state.switches.pause(request)
                return await handle(request, body)

            return await state.idempotency.run(request, digest, action)

        return handler

    return decorate


# ----------------------------------------------------------------------------- customers


def _display_name(identity: JSON) -> str | None:
    first, last = identity.get("first_name"), identity.get("last_name")
    if first and last:
        return f"{first[:96]} {last[0]}."
    return first[:100] if first else None


async def resolve_customer(request: web.Request) -> web.StreamResponse:
    identity, _ = await read_json(request)
    _validate(request, identity)
    subject = identity["subject"]
    if subject == NOT_A_CUSTOMER_SUBJECT:
        raise ProblemError(
            "customer_not_found",
            Text(
                "По этим данным клиент страховой компании не найден.",
                "No customer of the insurer matches this identity.",
            ),
        )
    if subject == AMBIGUOUS_CUSTOMER_SUBJECT:
        raise ProblemError(
            "ambiguous_customer",
            Text(
                "По этим данным найдено несколько клиентов, обратитесь в поддержку.",
                "Several customers match this identity; contact support.",
            ),
        )
    customer = state_of(request).cabinet.customer(customer_id_for(identity["provider"], subject))
    log.info("customer_resolved", customer_id=customer.id)
    name = _display_name(identity) or customer.holder.display_name
    return _json({"customer_id": customer.id, "display_name": name})


# ----------------------------------------------------------------------------- policies


def _policy_order(policy: Policy) -> tuple[int, dt.date]:
    return (0 if policy.status in CURRENT_POLICY_STATUSES else 1), policy.ends_on


async def list_policies(request: web.Request) -> web.StreamResponse:
    policies = sorted(_customer(request).policies.values(), key=_policy_order)
    return _json(_page(request, [policy.summary() for policy in policies]))


async def get_policy(request: web.Request) -> web.StreamResponse:
    today = state_of(request).cabinet.today()
    policy = _policy(request, _customer(request))
    return _json(policy.detail(today) | {"changeable": bool(options_for(policy))})


async def get_payment_schedule(request: web.Request) -> web.StreamResponse:
    today = state_of(request).cabinet.today()
    return _json(_policy(request, _customer(request)).render_schedule(today))


@keyed(_json_body)
async def create_installment_payment(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    policy = _policy(request, customer)
    _validate(request, body)
    payment = state_of(request).cabinet.payment_link(customer, policy, body["installment"])
    return _json(payment.render(), 201)


async def get_policy_document(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    policy = _policy(request, customer)
    if policy.status == "pending_payment":
        raise ProblemError(
            "document_not_ready",
            Text("Полис ещё не оформлен: он ждёт оплаты.", "The policy is awaiting payment."),
        )
    data = await _in_thread(policy_pdf, policy, customer)
    return _pdf(data, f"policy-{policy.id}.pdf", f"Полис {policy.number}.pdf")


async def get_renewal_options(request: web.Request) -> web.StreamResponse:
    policy = _policy(request, _customer(request))
    require_renewable(policy)
    terms = [
        {"term_months": term, "premium": money(premium)}
        for term, premium in sorted(policy.renewal_premiums.items())
    ]
    return _json({"policy_id": policy.id, "terms": terms})


@keyed(_json_body)
async def create_renewal_quote(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    policy = _policy(request, customer)
    _validate(request, body)
    quote_ = state_of(request).cabinet.quote(customer, policy, body["term_months"])
    return _json(quote_.render(), 201)


@keyed(_no_body)
async def accept_renewal_quote(request: web.Request, _: None) -> web.Response:
    customer = _customer(request)
    policy = _policy(request, customer)
    order = state_of(request).cabinet.accept(customer, policy, _quote(request, customer, policy))
    return _json(order.render(), 201)


# ----------------------------------------------------------------------------- new policies


async def list_products(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet
    today = cabinet.today()
    return _json({"items": [p.render(today, cabinet.public_url) for p in PRODUCTS]})


@keyed(_json_body)
async def create_policy_quote(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    _validate(request, body)
    quote_ = state_of(request).cabinet.quote_product(customer, body)
    return _json(quote_.render(), 201)


@keyed(_no_body)
async def accept_policy_quote(request: web.Request, _: None) -> web.Response:
    customer = _customer(request)
    cabinet = state_of(request).cabinet
    quote_ = cabinet.policy_quote(customer, request.match_info["quote_id"])
    return _json(cabinet.accept_policy_quote(customer, quote_).render(), 201)


# ----------------------------------------------------------------------------- policy changes


async def list_policy_changes(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet
    customer = _customer(request)
    policy = _policy(request, customer)
    today, now, lang = cabinet.today(), cabinet.now(), language(request)
    options = cabinet.change_options(customer, policy)
    return _json(
        {
            "policy_id": policy.id,
            "options": [o.render(today, cabinet.public_url, policy) for o in options],
            "items": [c.render(now, lang) for c in cabinet.changes_of(customer, policy)[:10]],
        }
    )


@keyed(_json_body)
async def create_policy_change(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    policy = _policy(request, customer)
    _validate(request, body)
    cabinet = state_of(request).cabinet
    change = cabinet.quote_change(customer, policy, body)
    return _json(change.render(cabinet.now(), language(request)), 201)


@keyed(_no_body)
async def confirm_policy_change(request: web.Request, _: None) -> web.Response:
    customer = _customer(request)
    policy = _policy(request, customer)
    cabinet = state_of(request).cabinet
    change = cabinet.customer_change(customer, policy, request.match_info["change_id"])
    cabinet.confirm_change(customer, policy, change)
    return _json(change.render(cabinet.now(), language(request)))


# ----------------------------------------------------------------------------- claims


async def list_claims(request: web.Request) -> web.StreamResponse:
    claims = sorted(
        _customer(request).claims.values(), key=lambda c: (c.reported_on, c.number), reverse=True
    )
    return _json(_page(request, [claim.summary() for claim in claims]))


async def get_claim(request: web.Request) -> web.StreamResponse:
    return _json(_claim(request, _customer(request)).detail(language(request)))


@keyed(_json_body)
async def create_claim_message(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    claim = _claim(request, customer)
    _validate(request, body)
    message = state_of(request).cabinet.add_message(customer, claim, body["text"])
    return _json(message.receipt(), 201)


@keyed(_upload_body)
async def upload_claim_document(request: web.Request, upload: Upload) -> web.Response:
    customer = _customer(request)
    claim = _claim(request, customer)
    document = state_of(request).cabinet.add_document(customer, claim, upload)
    return _json(document.receipt(), 201)


# ----------------------------------------------------------------------------- claim filing


def _draft(request: web.Request, customer: Customer) -> Draft:
    return state_of(request).cabinet.draft(customer, request.match_info["draft_id"])


async def list_claim_types(request: web.Request) -> web.StreamResponse:
    policy = _policy(request, _customer(request))
    items = [kind.render() for kind in policy.claim_kinds]
    return _json({"policy_id": policy.id, "items": items})


@keyed(_json_body)
async def create_claim_draft(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    _validate(request, body)
    policy = customer.policies.get(body["policy_id"])
    if policy is None:
        raise ProblemError("policy_not_found", Text("Полис не найден.", "Policy not found."))
    draft = state_of(request).cabinet.create_draft(customer, policy, body["claim_type"])
    return _json(draft.render(), 201)


async def list_claim_drafts(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    drafts = state_of(request).cabinet.list_drafts(customer)
    return _json(_page(request, [draft.render() for draft in drafts]))


async def get_claim_draft(request: web.Request) -> web.StreamResponse:
    return _json(_draft(request, _customer(request)).render())


async def update_claim_draft(request: web.Request) -> web.StreamResponse:
    draft = _draft(request, _customer(request))
    body, _ = await read_json(request)
    _validate(request, body)
    return _json(state_of(request).cabinet.update_draft(draft, body).render())


async def delete_claim_draft(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    state_of(request).cabinet.delete_draft(customer, _draft(request, customer))
    return web.Response(status=204)


@keyed(_upload_body)
async def upload_claim_draft_document(request: web.Request, upload: Upload) -> web.Response:
    draft = _draft(request, _customer(request))
    requirement = request[PARAMETERS]["requirement"]
    document = state_of(request).cabinet.add_draft_document(draft, requirement, upload)
    return _json(document.render(), 201)


async def delete_claim_draft_document(request: web.Request) -> web.StreamResponse:
    draft = _draft(request, _customer(request))
    state_of(request).cabinet.delete_draft_document(draft, request.match_info["document_id"])
    return web.Response(status=204)


@keyed(_no_body)
async def submit_claim_draft(request: web.Request, _: None) -> web.Response:
    customer = _customer(request)
    registration = state_of(request).cabinet.submit_draft(customer, _draft(request, customer))
    return _json(registration, 201)


# ----------------------------------------------------------------------------- certificates


async def get_insurer_contacts(request: web.Request) -> web.StreamResponse:
    return _json(INSURER_CONTACTS.render(language(request)))


async def list_certificate_types(_: web.Request) -> web.StreamResponse:
    return _json({"items": [kind.render() for kind in CERTIFICATE_TYPES.values()]})


@keyed(_json_body)
async def create_certificate_order(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    _validate(request, body)
    order = state_of(request).cabinet.order_certificate(customer, body)
    return _json(order.render(), 201)


async def list_certificate_orders(request: web.Request) -> web.StreamResponse:
    orders = sorted(
        _customer(request).certificate_orders.values(),
        key=lambda o: (o.created_at, o.number),
        reverse=True,
    )
    return _json(_page(request, [order.render() for order in orders]))


async def get_certificate_order(request: web.Request) -> web.StreamResponse:
    return _json(_certificate_order(request, _customer(request)).render())


async def get_certificate_document(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    order = _certificate_order(request, customer)
    if order.status != "ready":
        raise ProblemError(
            "document_not_ready",
            Text(
                "Справка {n} не готова, ожидаемая дата — {d}.",
                "Certificate {n} is not ready; expected on {d}.",
            ).format(n=order.number, d=format_ru(order.expected_on)),
        )
    today = state_of(request).cabinet.now().date()
    data = await _in_thread(certificate_pdf, order, customer, today)
    return _pdf(data, f"certificate-{order.id}.pdf", f"Справка {order.number}.pdf")


# ----------------------------------------------------------------------------- documents


async def list_documents(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    found = documents_of(customer, request[PARAMETERS]["kind"])
    lang = language(request)
    return _json(_page(request, [document.render(lang, customer) for document in found]))


async def get_document(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    document = document_of(customer, request.match_info["document_id"])
    return _json(document.render(language(request), customer))


async def get_document_content(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    document = document_of(customer, request.match_info["document_id"])
    today = state_of(request).cabinet.now().date()
    data, fallback_name, name = await _in_thread(document.content, customer, today)
    return _file(data, document.content_type, fallback_name, name)


@keyed(_no_body)
async def send_document_by_email(request: web.Request, _: None) -> web.Response:
    customer = _customer(request)
    document = document_of(customer, request.match_info["document_id"])
    sent = state_of(request).cabinet.email_document(customer, document)
    return _json(sent.receipt(), 201)


# ----------------------------------------------------------------------------- payouts


async def list_payouts(request: web.Request) -> web.StreamResponse:
    parameters = request[PARAMETERS]
    start = dt.date.fromisoformat(parameters["from"]) if parameters["from"] else dt.date.min
    end = dt.date.fromisoformat(parameters["to"]) if parameters["to"] else dt.date.max
    if start > end:
        detail = Text("Дата from позже даты to.", "`from` is after `to`.")
        raise ProblemError("invalid_period", detail, [FieldError(detail, parameter="from")])
    status, kind = parameters["status"], parameters["type"]
    payouts = sorted(
        (
            p
            for p in _customer(request).payouts
            if start <= p.paid_on <= end and status in (None, p.status) and kind in (None, p.type)
        ),
        key=lambda p: (p.paid_on, p.id),
        reverse=True,
    )
    return _json(_page(request, [payout.render() for payout in payouts]))


async def get_payout(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    payout_id = request.match_info["payout_id"]
    payout = next((p for p in customer.payouts if p.id == payout_id), None)
    if payout is None:
        raise ProblemError("payout_not_found", Text("Выплата не найдена.", "Payout not found."))
    claim = customer.claims.get(payout.claim_id) if payout.claim_id else None
    return _json(payout.render_detail(language(request), customer.holder, claim))


# ----------------------------------------------------------------------------- feedback


@keyed(_json_body)
async def submit_feedback(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    attachment = body.get("attachment") if isinstance(body, dict) else None
    if isinstance(attachment, dict):
        refuse_oversized(attachment.get("content_base64"))  # 413 before the schema's 422
    _validate(request, body)
    attachment_type = None
    if attachment:
        decode_image(attachment["content_base64"], attachment["content_type"])
        attachment_type = attachment["content_type"]
    feedback = state_of(request).cabinet.submit_feedback(customer, body, attachment_type)
    return _json(feedback.render(), 201)


# ----------------------------------------------------------------------------- personal data


@keyed(_json_body)
async def create_data_request(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    _validate(request, body)
    data_request = state_of(request).cabinet.create_data_request(customer, body)
    return _json(data_request.render(), 201)


@keyed(_json_body)
async def withdraw_channel_consent(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    _validate(request, body)
    withdrawal = state_of(request).cabinet.withdraw_channel_consent(customer, body)
    return _json(withdrawal.render(), 201)


# ----------------------------------------------------------------------------- offers


async def list_offers(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    lang = language(request)
    offers = state_of(request).cabinet.offers(customer)
    return _json({"items": [offer.render(lang) for offer in offers]})


# ----------------------------------------------------------------------------- contacts


async def get_contacts(request: web.Request) -> web.StreamResponse:
    return _json(_customer(request).contacts())


@keyed(_json_body)
async def start_contact_change(request: web.Request, body: Any) -> web.Response:
    customer = _customer(request)
    _validate(request, body)
    change = state_of(request).cabinet.start_contact_change(customer, body["kind"], body["value"])
    return _json(change.render(), 201)


async def confirm_contact_change(request: web.Request) -> web.StreamResponse:
    customer = _customer(request)
    body, _ = await read_json(request)
    _validate(request, body)
    contacts, _ = state_of(request).cabinet.confirm_contact_change(
        customer, request.match_info["change_id"], body["code"]
    )
    return _json(contacts)


# ----------------------------------------------------------------------------- wiring


async def _in_thread(function: Callable[..., _T], *args: Any) -> _T:
    """PDF rendering takes tens of milliseconds: off the event loop."""
    return await asyncio.to_thread(function, *args)


HANDLERS: dict[str, Handler] = {
    "resolveCustomer": resolve_customer,
    "listPolicies": list_policies,
    "getPolicy": get_policy,
    "getPolicyDocument": get_policy_document,
    "getRenewalOptions": get_renewal_options,
    "createRenewalQuote": create_renewal_quote,
    "acceptRenewalQuote": accept_renewal_quote,
    "getPaymentSchedule": get_payment_schedule,
    "createInstallmentPayment": create_installment_payment,
    "listClaims": list_claims,
    "getClaim": get_claim,
    "createClaimMessage": create_claim_message,
    "uploadClaimDocument": upload_claim_document,
    "listClaimTypes": list_claim_types,
    "createClaimDraft": create_claim_draft,
    "listClaimDrafts": list_claim_drafts,
    "getClaimDraft": get_claim_draft,
    "updateClaimDraft": update_claim_draft,
    "deleteClaimDraft": delete_claim_draft,
    "uploadClaimDraftDocument": upload_claim_draft_document,
    "deleteClaimDraftDocument": delete_claim_draft_document,
    "submitClaimDraft": submit_claim_draft,
    "listCertificateTypes": list_certificate_types,
    "createCertificateOrder": create_certificate_order,
    "listCertificateOrders": list_certificate_orders,
    "getCertificateOrder": get_certificate_order,
    "getCertificateDocument": get_certificate_document,
    "listPayouts": list_payouts,
    "getPayout": get_payout,
    "submitFeedback": submit_feedback,
    "getInsurerContacts": get_insurer_contacts,
    "createDataRequest": create_data_request,
    "withdrawChannelConsent": withdraw_channel_consent,
    "listOffers": list_offers,
    "getContacts": get_contacts,
    "startContactChange": start_contact_change,
    "confirmContactChange": confirm_contact_change,
    "listProducts": list_products,
    "createPolicyQuote": create_policy_quote,
    "acceptPolicyQuote": accept_policy_quote,
    "listPolicyChanges": list_policy_changes,
    "createPolicyChange": create_policy_change,
    "confirmPolicyChange": confirm_policy_change,
    "listDocuments": list_documents,
    "getDocument": get_document,
    "getDocumentContent": get_document_content,
    "sendDocumentByEmail": send_document_by_email,
}


def create_api() -> web.Application:
    """The /v1 sub-application: every operation of the contract, and nothing else."""
    documented = operations()
    if set(documented) != set(HANDLERS):
        raise RuntimeError(f"handlers and contract differ: {set(documented) ^ set(HANDLERS)}")
    api = web.Application(
        middlewares=[
            switches_middleware,
            problems_middleware,
            bearer_middleware,
            parameters_middleware,
        ]
    )
    for operation_id, operation in documented.items():
        path = operation.path.removeprefix("/v1")
        api.router.add_route(operation.method, path, HANDLERS[operation_id], name=operation_id)
    return api
