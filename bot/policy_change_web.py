"""A change to a policy on the questionnaire page of strict mode (`bot/questions_web.py`, purpose
`policy_change.WEB_PURPOSE`): the change's questions (a new driver's name and licence, a new
plate) → the cabinet's price difference → «Подтвердить» → the payment link, or «принято», all
on the page.

The chat's own rules, not copies: the dates a question allows (`questionnaire.period_of`), the
change offered only while the cabinet offers it, an expired price worked out again with the
same answers. Pricing is keyed by the answers (the same answers from this page: the same
change), confirming by the change. When the change is confirmed the chat is told through the
outbox — the change's title and the masked number only; the `policy.changed` alerts follow as
after a change made in the chat.
"""

from __future__ import annotations

import datetime as dt
import html
import json
from decimal import Decimal
from typing import Any

import structlog

from bot.flows.questionnaire import period_of
from bot.questions_web import EDIT, Action, Asked, Gone, Question, Refused, Shown, Visit
from cabinet import CabinetRejected
from cabinet.models import (
    FieldValue,
    PolicyChange,
    PolicyChangeOption,
    PolicyChangeRequest,
    PolicyChangeStatus,
)
from notify.alerts import masked

log = structlog.get_logger(__name__)

CONFIRM = "confirm"


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


class PolicyChangeQuestions:
    """The `Questionnaire` of changing a policy (`ref`: `policy_id`, `option_id`)."""

    async def _option(self, visit: Visit) -> PolicyChangeOption:
        changes = await visit.cabinet.policy_changes(
            visit.customer_id, visit.ref.get("policy_id", ""), locale=visit.locale
        )
        wanted = visit.ref.get("option_id")
        option = next((o for o in changes.value.options if o.id == wanted), None)
        if option is None:
            raise Gone("the change is no longer offered")
        return option

    async def _number(self, visit: Visit) -> str:
        policy = await visit.cabinet.policy(
            visit.customer_id, visit.ref.get("policy_id", ""), locale=visit.locale
        )
        return policy.value.number

    async def asked(self, visit: Visit) -> Asked:
        option = await self._option(visit)
        today = visit.today
        title = option.title_en if visit.locale == "en" else option.title
        description = option.description_en if visit.locale == "en" else option.description
        number = await self._number(visit)
        intro = f"<p>{_e(visit.t('change-web-policy', number=number))}</p><p>{_e(description)}</p>"
        return Asked(
            title=title,
            intro=intro,
            questions=[Question(q, period_of(q, today)) for q in option.questions],
            submit=visit.t("change-web-quote"),
        )

    async def answered(self, visit: Visit, answers: dict[str, FieldValue]) -> None:
        option = await self._option(visit)
        request = PolicyChangeRequest(option_id=option.id, answers=answers)
        visit.state.update(
            request=request.model_dump(mode="json"), number=await self._number(visit)
        )
        visit.state.pop("requoted", None)
        await _quote(visit, request)

    async def act(self, visit: Visit, action: str) -> None:
        stored = visit.state.get("change")
        if action != CONFIRM or stored is None or visit.state.get("confirmed"):
            return  # not a button of this page: the page as it is
        change = PolicyChange.model_validate(stored)
        try:
            confirmed = await visit.cabinet.confirm_policy_change(
                visit.customer_id,
                change.policy_id,
                change.change_id,
                idempotency_key=visit.key("confirm", change.change_id),
                locale=visit.locale,
            )
        except CabinetRejected as exc:
            if exc.code == "change_in_progress":
                raise Refused(visit.t("change-in-progress")) from None
            if exc.code != "quote_expired":
                raise
            request = PolicyChangeRequest.model_validate(visit.state["request"])
            await _quote(visit, request, again=change.change_id)
            visit.state["requoted"] = True
            return
        visit.state.pop("requoted", None)
        visit.state["change"] = confirmed.model_dump(mode="json")
        visit.state["confirmed"] = True
        log.info("policy_change_confirmed_on_page")
        paying = confirmed.status is PolicyChangeStatus.AWAITING_PAYMENT
        await visit.tell_the_chat(
            visit.t(
                "change-web-done-chat-pay" if paying else "change-web-done-chat",
                title=html.escape(confirmed.title),
                number=html.escape(masked(visit.state["number"])),
            ),
            audit="policy.change_confirmed",
            change_id=confirmed.change_id,
        )

    async def shown(self, visit: Visit) -> Shown:
        change = PolicyChange.model_validate(visit.state["change"])
        surcharge = change.surcharge.amount
        refund = change.refund.amount if change.refund else Decimal(0)
        if visit.state.get("confirmed"):
            return _confirmed(visit, change, refund)
        parts = []
        if visit.state.get("requoted"):
            parts.append(f"<p class='note' id='requoted'>{_e(visit.t('buy-web-requoted'))}</p>")
        if surcharge:
            line = visit.t("change-web-surcharge", surcharge=surcharge)
        elif refund:
            line = visit.t("change-web-refund", refund=refund)
        else:
            line = visit.t("change-quote-free")
        until = change.valid_until.astimezone(visit.zone)
        parts += [
            f"<p id='price'><strong>{_e(line)}</strong></p>",
            "<p>"
            + _e(
                visit.t(
                    "change-quote-valid", effective_from=change.effective_from, valid_until=until
                )
            )
            + "</p>",
        ]
        confirm = visit.t("change-confirm-pay" if surcharge else "change-confirm")
        actions = (Action(CONFIRM, confirm), Action(EDIT, visit.t("buy-change"), secondary=True))
        return Shown(change.title, "".join(parts), actions)


def _confirmed(visit: Visit, change: PolicyChange, refund: Decimal) -> Shown:
    if change.status is PolicyChangeStatus.AWAITING_PAYMENT and change.payment_url:
        expires = change.payment_expires_at or dt.datetime.now(dt.UTC)
        body = (
            f"<p>{_e(visit.t('change-web-pay-text', expires_at=expires.astimezone(visit.zone)))}"
            f"</p><p><a class='button' id='pay' href='{_e(change.payment_url)}'>"
            f"{_e(visit.t('change-pay-button'))}</a></p>"
        )
        return Shown(visit.t("change-web-pay-title"), body)
    body = f"<p>{_e(visit.t('change-web-sent-text'))}</p>"
    if refund:
        body += f"<p>{_e(visit.t('change-sent-refund', refund=refund))}</p>"
    return Shown(visit.t("change-web-sent-title"), body)


async def _quote(visit: Visit, request: PolicyChangeRequest, again: str = "") -> None:
    """The cabinet's price difference for the answers, kept as the page's change. The key is
    the request itself (and, priced again, the change that expired)."""
    body: dict[str, Any] = request.model_dump(mode="json")
    try:
        change = await visit.cabinet.quote_policy_change(
            visit.customer_id,
            visit.ref.get("policy_id", ""),
            request,
            idempotency_key=visit.key(
                "change", json.dumps(body, sort_keys=True, ensure_ascii=False), again
            ),
            locale=visit.locale,
        )
    except CabinetRejected as exc:
        log.info("policy_change_refused_on_page", code=exc.code)
        key = "change-in-progress" if exc.code == "change_in_progress" else "buy-web-refused"
        raise Refused(visit.t(key)) from None
    visit.state["change"] = change.model_dump(mode="json")
    visit.state.pop("confirmed", None)
