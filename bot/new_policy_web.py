"""A new policy on the questionnaire page of strict mode (`bot/questions_web.py`, purpose
`new_policy.WEB_PURPOSE`): the product's questions and the start date → the cabinet's quote
→ «Оформить и оплатить» → the payment link, all on the page.

The chat's own rules, not copies: the dates a question allows (`questionnaire.period_of`), the
start date's window (`new_policy.start_period`), an expired quote priced again with the same
answers (`new_policy.STALE_QUOTE`). Quoting is keyed by the request itself (the same answers
from this page: the same quote; a re-pricing after an expiry: a new one), accepting by the
quote (one order per quote). When the order is made the chat is told through the outbox that
the form was filled and the payment link is on the page — the product's catalogue title
only; `policy.issued` brings the policy as after a purchase in the chat.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from decimal import Decimal
from typing import Any

import structlog

from bot.flows.new_policy import STALE_QUOTE, name_of, start_period
from bot.flows.questionnaire import period_of
from bot.questions_web import EDIT, Action, Asked, Gone, Question, Refused, Shown, Visit
from cabinet import CabinetRejected
from cabinet.models import FieldKind, FieldValue, PolicyQuoteRequest, ProductQuestion, SaleProduct

log = structlog.get_logger(__name__)

STARTS_ON = "starts-on"  # the start date's answer: not a cabinet question's id (no hyphen there)
ACCEPT = "accept"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


class NewPolicyQuestions:
    """The `Questionnaire` of buying a product (`ref`: `product_id`)."""

    async def _product(self, visit: Visit) -> SaleProduct:
        products = (await visit.cabinet.products(locale=visit.locale)).value
        product = next((p for p in products if p.id == visit.ref.get("product_id")), None)
        if product is None:
            raise Gone("the product is no longer sold")
        return product

    async def asked(self, visit: Visit) -> Asked:
        product = await self._product(visit)
        today = visit.today
        start = start_period(product, today)
        when = ProductQuestion(
            id="starts_on",
            kind=FieldKind.DATE,
            title=visit.t("buy-web-start"),
            title_en=visit.t("buy-web-start"),
            hint=visit.t("buy-web-start-hint", first=start.starts_on, last=start.ends_on),
            hint_en=visit.t("buy-web-start-hint", first=start.starts_on, last=start.ends_on),
            required=True,
        )
        description = product.description_en if visit.locale == "en" else product.description
        intro = (
            f"<p>{_e(description)}</p>"
            f"<p class='hint'>{_e(visit.t('buy-web-intro', months=product.term_months))}</p>"
        )
        return Asked(
            title=name_of(product, visit.locale),
            intro=intro,
            questions=[
                *(Question(q, period_of(q, today)) for q in product.questions),
                Question(when, start, name=STARTS_ON),
            ],
            submit=visit.t("buy-web-quote"),
        )

    async def answered(self, visit: Visit, answers: dict[str, FieldValue]) -> None:
        product = await self._product(visit)
        starts_on = dt.date.fromisoformat(str(answers.pop(STARTS_ON)))
        request = PolicyQuoteRequest(product_id=product.id, starts_on=starts_on, answers=answers)
        visit.state.update(title=name_of(product, visit.locale), request=_json(request))
        visit.state.pop("requoted", None)
        await _quote(visit, request)

    async def act(self, visit: Visit, action: str) -> None:
        quote: dict[str, Any] | None = visit.state.get("quote")
        if action != ACCEPT or quote is None or "order" in visit.state:
            return  # not a button of this page: the page as it is
        try:
            order = await visit.cabinet.accept_policy_quote(
                visit.customer_id,
                quote["id"],
                idempotency_key=visit.key("accept", quote["id"]),
                locale=visit.locale,
            )
        except CabinetRejected as exc:
            if exc.code not in STALE_QUOTE:
                raise
            request = PolicyQuoteRequest.model_validate(visit.state["request"])
            await _quote(visit, request, again=quote["id"])
            visit.state["requoted"] = True
            return
        visit.state.pop("requoted", None)
        visit.state["order"] = {
            "payment_url": order.payment_url,
            "expires_at": order.expires_at.isoformat(),
        }
        log.info("policy_ordered_on_page")
        await visit.tell_the_chat(
            visit.t("buy-web-done-chat", title=html.escape(visit.state["title"])),
            audit="policy.ordered",
            order_id=order.order_id,
        )

    async def shown(self, visit: Visit) -> Shown:
        order: dict[str, str] | None = visit.state.get("order")
        if order is not None:
            until = dt.datetime.fromisoformat(order["expires_at"]).astimezone(visit.zone)
            body = (
                f"<p>{_e(visit.t('buy-web-pay-text', expires_at=until))}</p>"
                f"<p><a class='button' id='pay' href='{_e(order['payment_url'])}'>"
                f"{_e(visit.t('buy-pay-button'))}</a></p>"
            )
            return Shown(visit.t("buy-web-pay-title"), body)
        quote: dict[str, Any] = visit.state["quote"]
        until = dt.datetime.fromisoformat(quote["valid_until"]).astimezone(visit.zone)
        parts = []
        if visit.state.get("requoted"):
            parts.append(f"<p class='note' id='requoted'>{_e(visit.t('buy-web-requoted'))}</p>")
        price = visit.t("buy-web-price", premium=Decimal(quote["premium"]), months=quote["months"])
        term = visit.t(
            "buy-web-term",
            starts_on=dt.date.fromisoformat(quote["starts_on"]),
            ends_on=dt.date.fromisoformat(quote["ends_on"]),
        )
        covers = "".join(
            f"<li>{_e(visit.t('buy-web-coverage', name=name, amount=Decimal(amount)))}</li>"
            for name, amount in quote["coverages"]
        )
        parts += [
            f"<p id='price'><strong>{_e(price)}</strong></p>",
            f"<p>{_e(term)}</p>",
            f"<p>{_e(visit.t('buy-web-covers'))}</p><ul>{covers}</ul>",
            f"<p>{_e(visit.t('buy-web-valid-until', valid_until=until))}</p>",
            f"<p><a id='terms' href='{_e(quote['terms_url'])}'>{_e(visit.t('buy-terms'))}</a></p>",
            f"<p class='hint'>{_e(visit.t('buy-web-agree'))}</p>",
        ]
        title = visit.t("buy-web-quote-title", title=visit.state["title"])
        actions = (
            Action(ACCEPT, visit.t("buy-accept")),
            Action(EDIT, visit.t("buy-change"), secondary=True),
        )
        return Shown(title, "".join(parts), actions)


def _json(request: PolicyQuoteRequest) -> dict[str, Any]:
    dumped: dict[str, Any] = request.model_dump(mode="json")
    return dumped


async def _quote(visit: Visit, request: PolicyQuoteRequest, again: str = "") -> None:
    """The cabinet's price for the request, kept as the page's quote. The key is the request
    itself (and, priced again, the quote that expired): a retry is the same request."""
    body = json.dumps(_json(request), sort_keys=True, ensure_ascii=False)
    try:
        quote = await visit.cabinet.quote_policy(
            visit.customer_id,
            request,
            idempotency_key=visit.key("quote", body, again),
            locale=visit.locale,
        )
    except CabinetRejected as exc:
        # The cabinet judged an answer otherwise than the bot did (its rules changed).
        log.info("policy_quote_refused_on_page", code=exc.code)
        raise Refused(visit.t("buy-web-refused")) from None
    visit.state["quote"] = {
        "id": quote.quote_id,
        "premium": str(quote.premium.amount),
        "months": quote.term_months,
        "starts_on": quote.starts_on.isoformat(),
        "ends_on": quote.ends_on.isoformat(),
        "valid_until": quote.valid_until.isoformat(),
        "terms_url": quote.terms_url,
        "coverages": [[c.name, str(c.sum_insured.amount)] for c in quote.coverages],
    }
    visit.state.pop("order", None)
