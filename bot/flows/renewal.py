"""Renewing a policy: «Проверьте данные» (the insured object and persons the policy is renewed
with; «Нужно изменить» leads to support) → the terms the cabinet quotes → the quote →
«Согласие с условиями» (the product's terms, from the quote) → a payment button.

In strict privacy mode the check shows no names, plate or VIN: the car's make, model and year
and how many people the policy names; the rest opens through a one-time link.

Creating a quote and accepting it are POSTs with an `Idempotency-Key`. The keys live in the
dialog's data (Redis), so a user who presses again after the cabinet was down — or after a
restart — gets the one quote and the one order, never two. The accepted order is recorded
(`renewal_orders`): when the cabinet reports the payment, the alert finds this chat by it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button, SwitchTo, Url
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from bot.flows.access import owned
from bot.flows.deps import deps
from bot.flows.documents import deliver, viewer_of
from bot.flows.keys import fresh_keys, key_of
from bot.flows.policy_change import start_change
from bot.flows.screen import Screen
from bot.flows.sections import open_section
from bot.flows.states import PoliciesSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of
from bot.privacy import is_strict
from cabinet import CabinetRejected
from cabinet.models import PolicyDetail, RenewalTerm
from documents import Page, Ref, Renderer, Viewer
from storage.models import RenewalOrder

SECTION = "policies"
_STALE_QUOTE = frozenset({"quote_expired", "quote_not_found"})


def _policy_id(manager: DialogManager) -> str:
    return str(manager.dialog_data.get("policy_id", ""))


async def begin_renewal(manager: DialogManager) -> None:
    """The first step of a renewal, from the card's «Продлить» or an alert's."""
    fresh_keys(manager, "quote-6", "quote-12")
    await manager.switch_to(PoliciesSG.renew_check)


async def start_renewal(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await begin_renewal(manager)


# ----------------------------------------------------------------------------- check the data


def insured_lines(viewer: Viewer, policy: PolicyDetail) -> str:
    """Everything the policy is renewed with: the object and the people, names and all."""
    insured = policy.insured_object
    vehicle = insured.vehicle
    lines = []
    if insured.kind == "vehicle":
        lines.append(viewer.plain("renew-check-vehicle", description=insured.description))
        if vehicle is not None and vehicle.vin:
            lines.append(viewer.plain("renew-check-vin", vin=vehicle.vin))
    else:
        lines.append(viewer.plain("renew-check-object", description=insured.description))
    for role in ("driver", "insured"):
        people = [p for p in policy.insured_persons if p.role == role]
        if people:
            lines.append(viewer.plain(f"renew-check-{role}s"))
            lines += [
                viewer.plain("renew-check-person", name=p.full_name, birth_date=p.birth_date)
                if p.birth_date
                else viewer.plain("renew-check-person-name", name=p.full_name)
                for p in people
            ]
    if insured.kind == "vehicle" and not any(p.role == "driver" for p in policy.insured_persons):
        lines.append(viewer.plain("renew-check-any-driver"))
    return "\n".join(lines)


def insured_facts(viewer: Viewer, policy: PolicyDetail) -> str:
    """What strict mode may show of it: the car's make, model and year, how many people."""
    vehicle = policy.insured_object.vehicle
    lines = []
    if vehicle is not None and vehicle.make and vehicle.model:
        car = f"{vehicle.make} {vehicle.model}" + (f", {vehicle.year}" if vehicle.year else "")
        lines.append(viewer.plain("renew-check-car-strict", car=car))
    for role in ("driver", "insured"):
        count = sum(p.role == role for p in policy.insured_persons)
        if count:
            lines.append(viewer.plain(f"renew-check-{role}s-strict", count=count))
    return "\n".join(lines)


async def check_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await owned(
        dialog_manager,
        SECTION,
        viewer.cabinet.policy(viewer.customer_id, _policy_id(dialog_manager), locale=viewer.locale),
    )
    strict = is_strict(dialog_manager)
    describe = insured_facts if strict else insured_lines
    return {"insured": describe(viewer, reading.value), "strict": strict}


async def change_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    """«Нужно изменить»: what the cabinet lets the person change themselves, if anything."""
    viewer = viewer_of(dialog_manager)
    reading = await owned(
        dialog_manager,
        SECTION,
        viewer.cabinet.policy(viewer.customer_id, _policy_id(dialog_manager), locale=viewer.locale),
    )
    return {"changeable": reading.value.changeable}


async def renewal_insured(viewer: Viewer, ref: Ref) -> Page:
    reading = await viewer.cabinet.policy(
        viewer.customer_id, ref["policy_id"], locale=viewer.locale
    )
    policy = reading.value
    return Page(
        policy.title,
        viewer.text("renew-check-page", title=policy.title, insured=insured_lines(viewer, policy)),
    )


async def on_show_insured(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "renewal-insured", policy_id=_policy_id(manager))


async def on_ask_support(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """«Нужно изменить» → support: the person asks there; «Назад» there brings them back."""
    await open_section(manager, "feedback")


# ----------------------------------------------------------------------------- term and quote


async def terms_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await owned(
        dialog_manager,
        SECTION,
        viewer.cabinet.renewal_options(
            viewer.customer_id, _policy_id(dialog_manager), locale=viewer.locale
        ),
    )
    key = "renew-term-short" if is_strict(dialog_manager) else "renew-term"
    terms = [
        (
            str(option.term_months),
            viewer.plain(key, months=option.term_months, premium=option.premium.amount),
        )
        for option in reading.value.terms
    ]
    return {"terms": terms}


async def on_term(_: CallbackQuery, __: Any, manager: DialogManager, term: str) -> None:
    if term not in ("6", "12"):
        return  # not a term the cabinet offers: a forged button, nothing to do
    months: RenewalTerm = 12 if term == "12" else 6
    viewer = viewer_of(manager)
    quote = await owned(
        manager,
        SECTION,
        viewer.cabinet.quote_renewal(
            viewer.customer_id,
            _policy_id(manager),
            months,
            idempotency_key=key_of(manager, f"quote-{term}"),
            locale=viewer.locale,
        ),
    )
    manager.dialog_data["quote"] = {
        "id": quote.quote_id,
        "months": quote.term_months,
        "premium": str(quote.premium.amount),
        "starts_on": quote.new_starts_on.isoformat(),
        "ends_on": quote.new_ends_on.isoformat(),
        "valid_until": quote.valid_until.isoformat(),
        "terms_url": quote.terms_url,
    }
    fresh_keys(manager, "accept")
    await manager.switch_to(PoliciesSG.renew_quote)


async def quote_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    quote: dict[str, Any] = dialog_manager.dialog_data["quote"]
    zone = profile_of(dialog_manager).time_zone
    valid_until = dt.datetime.fromisoformat(quote["valid_until"]).astimezone(ZoneInfo(zone))
    strict = is_strict(dialog_manager)
    return {
        "months": quote["months"],
        "premium": Decimal(quote["premium"]),
        "starts_on": dt.date.fromisoformat(quote["starts_on"]),
        "ends_on": dt.date.fromisoformat(quote["ends_on"]),
        "valid_until": valid_until,
        "strict": strict,
        "full": not strict,
    }


async def consent_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    quote: dict[str, Any] = dialog_manager.dialog_data["quote"]
    return {"terms_url": quote["terms_url"]}


async def on_confirm(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    """«Согласен, перейти к оплате»: the quote is accepted, the order made."""
    viewer = viewer_of(manager)
    quote: dict[str, Any] = manager.dialog_data["quote"]
    try:
        order = await owned(
            manager,
            SECTION,
            viewer.cabinet.accept_renewal_quote(
                viewer.customer_id,
                _policy_id(manager),
                quote["id"],
                idempotency_key=key_of(manager, "accept"),
                locale=viewer.locale,
            ),
        )
    except CabinetRejected as exc:
        if exc.code not in _STALE_QUOTE:
            raise
        await callback.answer(i18n_of(manager).get("renew-quote-expired"), show_alert=True)
        fresh_keys(manager, "quote-6", "quote-12")  # a new quote, not the old one again
        await manager.switch_to(PoliciesSG.renew_term)
        return
    session: AsyncSession = deps(manager).session
    await session.merge(
        RenewalOrder(
            order_id=order.order_id,
            user_id=profile_of(manager).user_id,
            customer_id=viewer.customer_id,
            policy_id=_policy_id(manager),
            term_months=int(quote["months"]),
        )
    )
    await session.commit()
    manager.dialog_data["order"] = {
        "payment_url": order.payment_url,
        "expires_at": order.expires_at.isoformat(),
    }
    await manager.switch_to(PoliciesSG.renew_pay)


async def pay_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    order: dict[str, str] = dialog_manager.dialog_data["order"]
    zone = ZoneInfo(profile_of(dialog_manager).time_zone)
    expires_at = dt.datetime.fromisoformat(order["expires_at"]).astimezone(zone)
    quote = dialog_manager.dialog_data.get("quote") or {}
    valid_until = (
        dt.datetime.fromisoformat(quote["valid_until"]).astimezone(zone)
        if quote.get("valid_until")
        else expires_at
    )
    return {
        "payment_url": order["payment_url"],
        "expires_at": expires_at,
        "valid_until": valid_until,
        # The quote and the payment link end at different times: say which is which.
        "deadlines_differ": valid_until != expires_at,
    }


def renewal_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            T("renew-check"),
            T("renew-check-strict-note", when="strict"),
            SwitchTo(T("renew-check-ok"), id="ok", state=PoliciesSG.renew_term),
            SwitchTo(T("renew-check-change"), id="change", state=PoliciesSG.renew_change),
            Button(T("renew-check-show"), id="show", on_click=on_show_insured, when="strict"),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.detail),
            state=PoliciesSG.renew_check,
            getter=check_getter,
        ),
        Screen(
            T("renew-change"),
            T("renew-change-online", when="changeable"),
            Button(T("policy-change"), id="change", on_click=start_change, when="changeable"),
            Button(T("renew-change-support"), id="support", on_click=on_ask_support),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.renew_check),
            state=PoliciesSG.renew_change,
            getter=change_getter,
        ),
        Screen(
            T("renew-choose-term"),
            choices("term", "terms", on_term),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.renew_check),
            state=PoliciesSG.renew_term,
            getter=terms_getter,
        ),
        Screen(
            T("renew-quote", when="full"),
            T("renew-quote-strict", when="strict"),
            SwitchTo(T("renew-confirm"), id="confirm", state=PoliciesSG.renew_terms),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.renew_term),
            state=PoliciesSG.renew_quote,
            getter=quote_getter,
        ),
        Screen(
            T("renew-consent"),
            Url(T("renew-consent-terms"), Format("{terms_url}"), id="terms"),
            Button(T("renew-agree"), id="agree", on_click=on_confirm),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.renew_quote),
            state=PoliciesSG.renew_terms,
            getter=consent_getter,
        ),
        Screen(
            T("renew-pay"),
            T("renew-pay-deadlines", when="deadlines_differ"),
            Url(T("renew-pay-button"), Format("{payment_url}"), id="pay"),
            back_to_menu(),
            state=PoliciesSG.renew_pay,
            getter=pay_getter,
        ),
    )


#: The documents this flow makes, gathered at start-up (`bot/factory/renderers.py`).
RENDERERS: dict[str, Renderer] = {
    "renewal-insured": renewal_insured,
}
