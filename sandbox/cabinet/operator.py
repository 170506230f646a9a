"""The insurer's staff console of the sandbox: a JSON API, an HTML page, and the payment page.

**No authentication, on purpose**: it stands for the insurer's internal tools, and it exists
for development and tests only. The sandbox must never be exposed in production.

JSON API (each action also accepts an HTML form post and then redirects, 303, to the page):

* `POST /operator/claims/{claim_id}/advance` `{"status"?, "documents"?, "reason"?}` — the
  next status of the contract's model by default; fires `claim.status_changed`, plus
  `claim.documents_requested` (to `awaiting_documents`) or `payout.sent` (to `paid`).
* `POST /operator/claims/{claim_id}/messages` `{"text"}` — the claim's handler writes to the
  customer (the claim then waits for the customer's answer); fires `claim.message_received`.
  To ask for documents as well, advance the claim to `awaiting_documents` with `documents`.
* `POST /operator/certificate-orders/{order_id}/advance` `{"status"?, "reason"?}` —
  accepted → preparing → ready (fires `certificate.ready`) | rejected.
* `POST /operator/payouts/{payout_id}/fail` `{"status": "failed"|"returned", "reason"?}` —
  a sent payout did not reach the customer; fires `payout.failed`.
* `POST /operator/policies/{policy_id}/expiring` `{"days_left": 30|7|1}` — fires
  `policy.expiring`.
* `POST /operator/policies/{policy_id}/refund` `{"amount": "1234.50", "reason"}` — part of the
  policy's premium goes back to the policyholder (a cancellation, a cheaper change): a
  `premium_refund` payout under the policy, sent today; fires `payout.sent`.
* `POST /operator/policies/{policy_id}/payment-due` `{"days_left": 0..60}` or
  `{"overdue_days": 1..60}` — the policy's next unpaid installment is due in that many days
  (a reminder) or is that many days late (overdue); fires `payment.due`.
* `POST /operator/renewal-orders/{order_id}/pay` — as the payment page: fires
  `payment.succeeded` then `policy.renewed`.
* `POST /operator/payments/{payment_id}/pay` — as the payment page, for any payment link (a
  renewal order or an installment's `ipm_…`): an installment is marked paid and fires
  `payment.succeeded` with `installment`.
* `POST /operator/payments/{payment_id}/expire` — an installment's payment link expires now.
* `POST /operator/renewal-quotes/{quote_id}/expire` — the quote's `valid_until` passes now
  (`/operator/policy-quotes/{quote_id}/expire`: a new policy's quote).
* a new policy's order (`npo_…`) is paid with `POST /operator/payments/{payment_id}/pay`: the
  policy is issued (it joins the customer's policies) and `policy.issued` fires.
* `GET /operator/policy-changes` — every change to a policy (quoted ones too), newest first.
* `POST /operator/policy-changes/{change_id}/apply` — a change in review is applied to the
  policy (its PDF shows it, the premium moves by the difference); `…/reject` `{"reason"?}`
  rejects it; both fire `policy.changed`. `…/expire`: the change's quote and payment link run
  out now. A change's surcharge (`pch_…`) is paid with `POST /operator/payments/{payment_id}/pay`
  (fires `policy.changed` `in_review`).
* `GET /operator/customers/{customer_id}/personal-data` — the customer's personal-data
  requests (copy, correction) and channel consent withdrawals, as the insurer's staff act on
  them.
* `GET /operator/messages` — the SMS and letters with confirmation codes the cabinet "sent"
  (nothing is really sent), newest first: `{at, customer_id, channel, to, text, code,
  change_id}`. The console lists them too, under «Отправленные SMS и письма».
* `POST /operator/contact-changes/{change_id}/expire` — the change's code expires now.
* `POST /operator/customers/{customer_id}/contacts` `{"kind": "phone"|"email", "value",
  "source": "website"|"mobile_app"|"office"|"call_center"}` — the staff set the customer's
  phone or e-mail (confirmed, no code), as if it was changed there; a change of that kind in
  progress stops working. Fires `contacts.changed` (so does a change the bot confirms with its
  code, with `source: bot` and the change's id).
* `POST /operator/customers/{customer_id}/email` `{"confirmed": true|false}` — the customer's
  e-mail is confirmed in the cabinet, or not (then `sendDocumentByEmail` answers
  `email_not_confirmed`).
* `GET /operator/emails` — the documents e-mailed to customers (the sandbox's mail log).
* `GET /operator/events`, `GET /operator/stats`, `GET|PUT /operator/switches` (a form posts
  to `POST /operator/switches`).

Pages: `GET /operator`; for the customer `GET|POST /pay/{order_id}` (a renewal order, an
installment or a new policy), `GET /terms/{product}` (the product's terms a quote links to)
and `GET /buy/{product_id}` (a product on the insurer's website, `website_url`).

Objects are found among the customers materialised in this process (the bot's calls
materialise them).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from aiohttp import web
from jsonschema import Draft202012Validator

from sandbox.cabinet.cabinet import DUE_DAYS_MAX, EXPIRING_DAYS
from sandbox.cabinet.contacts import OTHER_SOURCES
from sandbox.cabinet.files import read_json
from sandbox.cabinet.model import (
    CLAIM_TRANSITIONS,
    JSON,
    PRODUCT_TITLES,
    InstallmentPayment,
    RenewalOrder,
)
from sandbox.cabinet.pages import message_page, operator_page, pay_page, terms_page
from sandbox.cabinet.policy_changes import PolicyChange
from sandbox.cabinet.problems import ProblemError
from sandbox.cabinet.products import BY_ID, PolicyOrder
from sandbox.cabinet.schema import body_errors, standalone_validator
from sandbox.cabinet.state import state_of
from sandbox.cabinet.texts import Text

_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

_CLAIM_ADVANCE = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "status": {"enum": list(CLAIM_TRANSITIONS)},
            "documents": {
                "type": "array",
                "minItems": 1,
                "items": {"type": "string", "minLength": 1, "maxLength": 200},
            },
            "reason": {"type": "string", "minLength": 1, "maxLength": 500},
        },
    }
)
_CLAIM_MESSAGE = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["text"],
        "properties": {"text": {"type": "string", "minLength": 1, "maxLength": 2000}},
    }
)
_CERTIFICATE_ADVANCE = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "status": {"enum": ["preparing", "ready", "rejected"]},
            "reason": {"type": "string", "minLength": 1, "maxLength": 500},
        },
    }
)
_EXPIRING = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["days_left"],
        "properties": {"days_left": {"enum": list(EXPIRING_DAYS)}},
    }
)
_PAYMENT_DUE = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "oneOf": [{"required": ["days_left"]}, {"required": ["overdue_days"]}],
        "properties": {
            "days_left": {"type": "integer", "minimum": 0, "maximum": DUE_DAYS_MAX},
            "overdue_days": {"type": "integer", "minimum": 1, "maximum": DUE_DAYS_MAX},
        },
    }
)
_REFUND = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["amount", "reason"],
        "properties": {
            "amount": {"type": "string", "pattern": r"^[0-9]{1,9}(\.[0-9]{1,2})?$"},
            "reason": {"type": "string", "minLength": 1, "maxLength": 200},
        },
    }
)
_PAYOUT_FAIL = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["status"],
        "properties": {
            "status": {"enum": ["failed", "returned"]},
            "reason": {"type": "string", "minLength": 1, "maxLength": 500},
        },
    }
)
_CHANGE_SETTLE = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 500}},
    }
)
_EMAIL = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["confirmed"],
        "properties": {"confirmed": {"type": "boolean"}},
    }
)
_CONTACT = standalone_validator(
    {
        "type": "object",
        "additionalProperties": False,
        "required": ["kind", "value", "source"],
        "properties": {
            "kind": {"enum": ["phone", "email"]},
            "value": {"type": "string", "minLength": 1, "maxLength": 254},
            "source": {"enum": list(OTHER_SOURCES)},
        },
    }
)
_NOTHING = standalone_validator({"type": "object", "maxProperties": 0})
_ANY_OBJECT = standalone_validator({"type": "object"})


def _url(request: web.Request) -> Callable[..., str]:
    """Paths of this app's named routes, with the prefix it is mounted under."""

    def url(name: str, **parts: str) -> str:
        return str(request.app.router[name].url_for(**parts))

    return url


def _form_fields(form: Mapping[str, Any]) -> JSON:
    """An HTML form's strings in the JSON API's types (empty fields are absent)."""
    fields: JSON = {k: v for k, v in form.items() if isinstance(v, str) and v.strip()}
    try:
        for name in (
            "days_left",
            "overdue_days",
            "latency_ms",
            "fail_next",
            "lose_next",
            "refuse_next",
        ):
            if name in fields:
                fields[name] = int(fields[name])
        if "error_rate" in fields:
            fields["error_rate"] = float(fields["error_rate"])
    except ValueError:
        detail = Text("В форме не число.", "A form field is not a number.")
        raise ProblemError("validation_failed", detail) from None
    if "documents" in fields:
        fields["documents"] = [d.strip() for d in fields["documents"].split(";") if d.strip()]
    if "amount" in fields:  # «1234,50» as a Russian keyboard writes it
        fields["amount"] = fields["amount"].strip().replace(",", ".")
    return fields


async def _input(request: web.Request) -> JSON:
    """The action's fields, from an HTML form or a JSON body (none: no fields)."""
    if _from_form(request):
        return _form_fields(await request.post())
    if not request.body_exists:
        return {}
    body, _ = await read_json(request)
    if not isinstance(body, dict):
        detail = Text("Ожидается JSON-объект.", "A JSON object is expected.")
        raise ProblemError("validation_failed", detail)
    return body


def _from_form(request: web.Request) -> bool:
    return request.content_type in _FORM_TYPES


async def _act(
    request: web.Request,
    checker: Draft202012Validator,
    perform: Callable[[JSON], JSON],
    prepare: Callable[[JSON, bool], JSON] = lambda fields, _: fields,
) -> web.StreamResponse:
    """Validate, perform, answer: JSON for the API, a redirect (or an error page) for a form."""
    try:
        fields = prepare(await _input(request), _from_form(request))
        errors = body_errors(checker, fields)
        if errors:
            detail = Text("Недопустимые данные.", "Invalid data.")
            raise ProblemError("validation_failed", detail, errors)
        result = perform(fields)
    except ProblemError as problem:
        if not _from_form(request):
            raise
        back = _url(request)("operator")
        return message_page("Не получилось", problem.detail.ru, back, problem.status)
    if _from_form(request):
        raise web.HTTPSeeOther(_url(request)("operator"))
    return web.json_response(result)


async def advance_claim(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        claim_id = request.match_info["claim_id"]
        events = cabinet.advance_claim(
            claim_id, fields.get("status"), fields.get("documents", ()), fields.get("reason")
        )
        return {"claim": cabinet.claim(claim_id)[1].detail("ru"), "events": events}

    return await _act(request, _CLAIM_ADVANCE, perform)


async def write_to_customer(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        claim_id = request.match_info["claim_id"]
        events = cabinet.handler_writes(claim_id, fields["text"].strip())
        return {"claim": cabinet.claim(claim_id)[1].detail("ru"), "events": events}

    return await _act(request, _CLAIM_MESSAGE, perform)


async def advance_certificate_order(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        order_id = request.match_info["order_id"]
        events = cabinet.advance_certificate(order_id, fields.get("status"), fields.get("reason"))
        return {"order": cabinet.certificate_order(order_id)[1].render(), "events": events}

    return await _act(request, _CERTIFICATE_ADVANCE, perform)


async def fail_payout(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        payout_id = request.match_info["payout_id"]
        return {"events": cabinet.fail_payout(payout_id, fields["status"], fields.get("reason"))}

    return await _act(request, _PAYOUT_FAIL, perform)


async def make_policy_expiring(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        events = cabinet.make_expiring(request.match_info["policy_id"], fields["days_left"])
        return {"events": events}

    return await _act(request, _EXPIRING, perform)


async def refund_premium(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        policy_id = request.match_info["policy_id"]
        amount, reason = Decimal(fields["amount"]), fields["reason"].strip()
        return {"events": cabinet.refund_policy(policy_id, amount, reason)}

    return await _act(request, _REFUND, perform)


async def remind_payment(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        events = cabinet.remind_payment(
            request.match_info["policy_id"], fields.get("days_left"), fields.get("overdue_days")
        )
        return {"events": events}

    return await _act(request, _PAYMENT_DUE, perform)


async def pay_renewal_order(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(_: JSON) -> JSON:
        order_id = request.match_info["order_id"]
        cabinet.renewal_order(order_id)  # a renewal order, not any payment
        events = cabinet.pay(order_id)
        return {"order_id": order_id, "status": "paid", "events": events}

    return await _act(request, _NOTHING, perform)


async def pay_payment(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(_: JSON) -> JSON:
        payment_id = request.match_info["payment_id"]
        events = cabinet.pay(payment_id)
        return {"payment_id": payment_id, "status": "paid", "events": events}

    return await _act(request, _NOTHING, perform)


async def expire_payment_link(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(_: JSON) -> JSON:
        return {"payment": cabinet.expire_payment_link(request.match_info["payment_id"]).render()}

    return await _act(request, _NOTHING, perform)


async def expire_quote(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(_: JSON) -> JSON:
        return {"quote": cabinet.expire_quote(request.match_info["quote_id"]).render()}

    return await _act(request, _NOTHING, perform)


async def personal_data(request: web.Request) -> web.StreamResponse:
    customer = state_of(request).cabinet.customers.get(request.match_info["customer_id"])
    if customer is None:
        return web.json_response({"data_requests": [], "consent_withdrawals": []})
    requests = [
        {**r.render(), "channel": r.channel, "description": r.description}
        for r in customer.data_requests
    ]
    withdrawals = [
        {**w.render(), "consent_version": w.consent_version} for w in customer.consent_withdrawals
    ]
    return web.json_response({"data_requests": requests, "consent_withdrawals": withdrawals})


async def expire_contact_change(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(_: JSON) -> JSON:
        return {"change": cabinet.expire_contact_change(request.match_info["change_id"]).render()}

    return await _act(request, _NOTHING, perform)


async def messages(request: web.Request) -> web.StreamResponse:
    return web.json_response([m.render() for m in reversed(state_of(request).cabinet.sent)])


async def confirm_email(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def from_form(fields: JSON, form: bool) -> JSON:
        return {"confirmed": fields.get("confirmed") == "on"} if form else fields

    def perform(fields: JSON) -> JSON:
        customer = cabinet.confirm_email(request.match_info["customer_id"], fields["confirmed"])
        confirmed = customer.email is not None and customer.email.confirmed
        return {"customer_id": customer.id, "email_confirmed": confirmed}

    return await _act(request, _EMAIL, perform, from_form)


async def change_contact(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        customer_id = request.match_info["customer_id"]
        events = cabinet.change_contact(
            customer_id, fields["kind"], fields["value"], fields["source"]
        )
        return {"contacts": cabinet.customer(customer_id).contacts(), "events": events}

    return await _act(request, _CONTACT, perform)


async def emails(request: web.Request) -> web.StreamResponse:
    return web.json_response([sent.render() for sent in state_of(request).cabinet.emails])


async def events(request: web.Request) -> web.StreamResponse:
    return web.json_response([d.render() for d in state_of(request).outbox.deliveries])


async def stats(request: web.Request) -> web.StreamResponse:
    state = state_of(request)
    return web.json_response({"requests": state.requests, "events": state.outbox.stats()})


async def get_switches(request: web.Request) -> web.StreamResponse:
    return web.json_response(state_of(request).switches.render())


async def set_switches(request: web.Request) -> web.StreamResponse:
    """A partial update (`Switches.update` validates it); a form sends every switch."""
    switches = state_of(request).switches

    def from_form(fields: JSON, form: bool) -> JSON:
        return {**fields, "down": fields.get("down") == "on"} if form else fields

    def perform(fields: JSON) -> JSON:
        switches.update(fields)
        return switches.render()

    return await _act(request, _ANY_OBJECT, perform, from_form)


async def console(request: web.Request) -> web.StreamResponse:
    return operator_page(state_of(request), _url(request))


# ----------------------------------------------------------------------------- payment page


async def show_payment(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet
    try:
        customer, payment = cabinet.payable(request.match_info["order_id"])
    except ProblemError:
        return message_page(
            "Ссылка не найдена", "Такой ссылки на оплату нет. Вернитесь в Telegram.", status=404
        )
    action = _url(request)("pay", order_id=payment.id)
    if isinstance(payment, PolicyChange):
        expired = payment.status_at(cabinet.now()) == "expired"
        return pay_page(payment, customer.policies[payment.policy_id], action, expired)
    expired = payment.status == "awaiting_payment" and cabinet.now() > payment.expires_at
    if isinstance(payment, PolicyOrder):  # a new policy: issued once paid
        return pay_page(payment, payment.policy, action, expired)
    return pay_page(payment, customer.policies[payment_policy_id(payment)], action, expired)


def payment_policy_id(payment: RenewalOrder | InstallmentPayment) -> str:
    return payment.quote.policy_id if isinstance(payment, RenewalOrder) else payment.policy_id


async def policy_changes(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet
    changes = [
        {**change.render(cabinet.now(), "ru"), "customer_id": customer_id}
        for customer_id, by_id in cabinet.policy_changes.items()
        for change in by_id.values()
    ]
    return web.json_response(changes[::-1])


async def settle_policy_change(request: web.Request) -> web.StreamResponse:
    cabinet = state_of(request).cabinet

    def perform(fields: JSON) -> JSON:
        change_id, action = request.match_info["change_id"], request.match_info["action"]
        if action == "expire":
            change = cabinet.expire_change(change_id)
            return {"change": change.render(cabinet.now(), "ru"), "events": []}
        events = cabinet.settle_change(change_id, action == "apply", fields.get("reason"))
        change = cabinet.policy_change(change_id)[1]
        return {"change": change.render(cabinet.now(), "ru"), "events": events}

    return await _act(request, _CHANGE_SETTLE, perform)


async def show_website(request: web.Request) -> web.StreamResponse:
    """A product on the insurer's website (`website_url`): where strict mode sends the person."""
    product = BY_ID.get(request.match_info["product_id"])
    if product is None:
        return message_page("Не найдено", "Такого продукта нет.", status=404)
    return message_page(
        product.title.ru,
        "Здесь сайт страховой компании оформляет полис: анкета с личными данными, расчёт и "
        "оплата (в песочнице — только эта страница).",
    )


async def show_terms(request: web.Request) -> web.StreamResponse:
    product = request.match_info["product"]
    if product not in PRODUCT_TITLES:
        return message_page("Не найдено", "Таких правил страхования нет.", status=404)
    return terms_page(PRODUCT_TITLES[product].ru)


async def submit_payment(request: web.Request) -> web.StreamResponse:
    order_id = request.match_info["order_id"]
    with contextlib.suppress(ProblemError):  # already paid, expired or unknown: the page says
        state_of(request).cabinet.pay(order_id)
    raise web.HTTPSeeOther(_url(request)("pay", order_id=order_id))


def add_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/operator", console, name="operator")
    router.add_post(
        "/operator/claims/{claim_id}/advance", advance_claim, name="operator-claim-advance"
    )
    router.add_post(
        "/operator/claims/{claim_id}/messages", write_to_customer, name="operator-claim-message"
    )
    router.add_post(
        "/operator/certificate-orders/{order_id}/advance",
        advance_certificate_order,
        name="operator-certificate-advance",
    )
    router.add_post("/operator/payouts/{payout_id}/fail", fail_payout, name="operator-payout-fail")
    router.add_post(
        "/operator/policies/{policy_id}/expiring",
        make_policy_expiring,
        name="operator-policy-expiring",
    )
    router.add_post(
        "/operator/policies/{policy_id}/refund", refund_premium, name="operator-policy-refund"
    )
    router.add_post(
        "/operator/policies/{policy_id}/payment-due",
        remind_payment,
        name="operator-policy-payment-due",
    )
    router.add_post(
        "/operator/renewal-orders/{order_id}/pay", pay_renewal_order, name="operator-renewal-pay"
    )
    router.add_post("/operator/payments/{payment_id}/pay", pay_payment, name="operator-payment-pay")
    router.add_post(
        "/operator/payments/{payment_id}/expire",
        expire_payment_link,
        name="operator-payment-expire",
    )
    router.add_post(
        "/operator/renewal-quotes/{quote_id}/expire", expire_quote, name="operator-quote-expire"
    )
    router.add_get(
        "/operator/customers/{customer_id}/personal-data",
        personal_data,
        name="operator-personal-data",
    )
    router.add_post(
        "/operator/contact-changes/{change_id}/expire",
        expire_contact_change,
        name="operator-contact-change-expire",
    )
    router.add_get("/operator/messages", messages, name="operator-messages")
    router.add_post(
        "/operator/policy-quotes/{quote_id}/expire",
        expire_quote,
        name="operator-policy-quote-expire",
    )
    router.add_post(
        "/operator/customers/{customer_id}/email", confirm_email, name="operator-customer-email"
    )
    router.add_get("/operator/policy-changes", policy_changes, name="operator-policy-changes")
    router.add_post(
        "/operator/policy-changes/{change_id}/{action:apply|reject|expire}",
        settle_policy_change,
        name="operator-policy-change",
    )
    router.add_post(
        "/operator/customers/{customer_id}/contacts",
        change_contact,
        name="operator-customer-contacts",
    )
    router.add_get("/operator/emails", emails, name="operator-emails")
    router.add_get("/operator/events", events, name="operator-events")
    router.add_get("/operator/stats", stats, name="operator-stats")
    switches = router.add_resource("/operator/switches", name="operator-switches")
    switches.add_route("GET", get_switches)
    switches.add_route("PUT", set_switches)
    switches.add_route("POST", set_switches)
    pay = router.add_resource("/pay/{order_id}", name="pay")
    pay.add_route("GET", show_payment)
    pay.add_route("POST", submit_payment)
    router.add_get("/terms/{product}", show_terms, name="terms")
    router.add_get("/buy/{product_id}", show_website, name="buy")
