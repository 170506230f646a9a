"""Paying a policy's installments: the card's «К оплате» line, and «💳 Оплатить» → one screen
with what is paid, what is due by when, the payment button and the schedule.

The payment link is a keyed POST (`createInstallmentPayment`). Its key is made when the card
is entered (`fresh_keys(manager, PAY_KEY)`) and replaced once a link came back, so pressing
again after an outage gets the one link the cabinet made, and asking for a new link (the old
one expired) gets a new one. The link names the installment the person was shown: one paid
meanwhile is refused by the cabinet, and the card is shown again as it is now.

Strict privacy mode shows no amounts (as the rest of the policy card): the dates and the
installments' numbers and states; the amount is on the payment page.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button, SwitchTo, Url
from aiogram_dialog.widgets.text import Format

from bot.flows.access import owned
from bot.flows.documents import viewer_of
from bot.flows.keys import fresh_keys, key_of
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.states import PoliciesSG
from bot.flows.widgets import T, i18n_of, profile_of
from bot.privacy import is_strict, number_for
from cabinet import CabinetRejected
from cabinet.models import Installment, InstallmentStatus, NextPayment
from documents import Viewer

SECTION = "policies"
PAY_KEY = "pay"
#: The cabinet refuses a link for an installment that is not the next one to pay any more.
_NOT_PAYABLE = frozenset({"installment_paid", "installment_not_due"})
_MARKS = {
    InstallmentStatus.PAID: "✅",
    InstallmentStatus.DUE: "⏳",
    InstallmentStatus.OVERDUE: "❗",
}


def _policy_id(manager: DialogManager) -> str:
    return str(manager.dialog_data.get("policy_id", ""))


def due_variables(manager: DialogManager, due: NextPayment | None) -> dict[str, Any]:
    """The policy card's «К оплате» line: what is due, by when, and whether it is late."""
    if due is None:
        return {"due": False, "due_late": False, "due_in_time": False}
    late = due.status is InstallmentStatus.OVERDUE
    return {
        "due": True,
        "due_late": late,
        "due_in_time": not late,
        "due_amount": due.amount.amount,
        "due_on": due.due_on,
        "due_installment": due.installment,
    }


def _key(manager: DialogManager) -> Any:
    """The key of the next link request (made here only if the card was entered without one)."""
    if PAY_KEY not in manager.dialog_data.get("keys", {}):
        fresh_keys(manager, PAY_KEY)
    return key_of(manager, PAY_KEY)


async def request_link(callback: CallbackQuery, manager: DialogManager) -> bool:
    """A payment link for the policy's next due installment, kept in the dialog's data; False
    when nothing is due (any more), said to the person, and the card shown as it is now."""
    viewer = viewer_of(manager)
    policy_id = _policy_id(manager)
    reading = await owned(
        manager, SECTION, viewer.cabinet.policy(viewer.customer_id, policy_id, locale=viewer.locale)
    )
    due = reading.value.next_payment
    if due is None:
        return await _nothing_due(callback, manager)
    try:
        payment = await owned(
            manager,
            SECTION,
            viewer.cabinet.pay_installment(
                viewer.customer_id,
                policy_id,
                due.installment,
                idempotency_key=_key(manager),
                locale=viewer.locale,
            ),
        )
    except CabinetRejected as exc:
        if exc.code not in _NOT_PAYABLE:
            raise
        fresh_keys(manager, PAY_KEY)
        await viewer.cabinet.cache.outdate(viewer.customer_id)  # the card is not fresh
        return await _nothing_due(callback, manager)
    manager.dialog_data["payment"] = {
        "installment": payment.installment,
        "payment_url": payment.payment_url,
        "expires_at": payment.expires_at.isoformat(),
    }
    fresh_keys(manager, PAY_KEY)  # this one is spent: the next request is a new link
    return True


async def _nothing_due(callback: CallbackQuery, manager: DialogManager) -> bool:
    await callback.answer(i18n_of(manager).get("pay-nothing-due"), show_alert=True)
    manager.dialog_data.pop("payment", None)
    await manager.switch_to(PoliciesSG.detail)
    return False


async def on_pay(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    """«💳 Оплатить» on the card: a link for the next due installment, and the pay screen."""
    if await request_link(callback, manager):
        await manager.switch_to(PoliciesSG.pay)


async def on_new_link(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    """«🔄 Новая ссылка»: the old link expired (or did not open); the same screen, a new link."""
    if await request_link(callback, manager):
        await callback.answer(i18n_of(manager).get("pay-new-link-made"))


def _line(viewer: Viewer, installment: Installment, strict: bool) -> str:
    status = installment.status
    key = f"pay-installment-{status.value}" + ("-strict" if strict else "")
    return viewer.plain(
        key,
        mark=_MARKS[status],
        installment=installment.number,
        amount=installment.amount.amount,
        due_on=installment.due_on,
        paid_on=installment.paid_on or installment.due_on,
    )


async def pay_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    manager = dialog_manager
    viewer = viewer_of(manager)
    policy_id = _policy_id(manager)
    policy = await owned(
        manager, SECTION, viewer.cabinet.policy(viewer.customer_id, policy_id, locale=viewer.locale)
    )
    reading = await owned(
        manager,
        SECTION,
        viewer.cabinet.payment_schedule(viewer.customer_id, policy_id, locale=viewer.locale),
    )
    schedule = reading.value
    strict = is_strict(manager)
    installments = schedule.installments
    paid = [i for i in installments if i.status is InstallmentStatus.PAID]
    due = next((i for i in installments if i.number == schedule.next_due), None)
    link: dict[str, Any] = manager.dialog_data.get("payment") or {}
    if due is None or link.get("installment") != due.number:
        link = {}  # a link for an installment paid since: nothing to open
    zone = ZoneInfo(profile_of(manager).time_zone)
    expires_at = dt.datetime.fromisoformat(link["expires_at"]).astimezone(zone) if link else None
    expired = expires_at is not None and dt.datetime.now(dt.UTC) >= expires_at
    return {
        "number": number_for(manager, policy.value.number),
        "note": stale_note(reading, i18n_of(manager), profile_of(manager).time_zone),
        "strict": strict,
        "full": not strict,
        "paid_count": len(paid),
        "count": len(installments),
        "paid_amount": sum((i.amount.amount for i in paid), Decimal(0)),
        "total": sum((i.amount.amount for i in installments), Decimal(0)),
        "all_paid": due is None,
        "due": due is not None,
        "due_late": due is not None and due.status is InstallmentStatus.OVERDUE,
        "due_in_time": due is not None and due.status is InstallmentStatus.DUE,
        "due_installment": due.number if due else 0,
        "due_amount": due.amount.amount if due else Decimal(0),
        "due_on": due.due_on if due else dt.date.today(),
        "payment_url": link.get("payment_url", ""),
        "link_open": bool(link) and not expired,
        "link_expired": expired,
        "link_missing": due is not None and not link,
        "expires_at": expires_at or dt.datetime.now(dt.UTC),
        "schedule": "\n".join(_line(viewer, i, strict) for i in installments),
    }


def payment_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            Format("{note}", when="note"),
            T("pay-title"),
            T("pay-paid", when="full"),
            T("pay-paid-strict", when="strict"),
            T("pay-due", when=F["due_in_time"] & F["full"]),
            T("pay-due-strict", when=F["due_in_time"] & F["strict"]),
            T("pay-overdue", when=F["due_late"] & F["full"]),
            T("pay-overdue-strict", when=F["due_late"] & F["strict"]),
            T("pay-all-paid", when="all_paid"),
            T("pay-link", when="link_open"),
            T("pay-link-expired", when="link_expired"),
            T("pay-link-missing", when="link_missing"),
            T("pay-schedule"),
            Url(T("pay-button"), Format("{payment_url}"), id="pay_url", when="link_open"),
            Button(T("pay-new-link"), id="new_link", on_click=on_new_link, when="due"),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.detail),
            state=PoliciesSG.pay,
            getter=pay_getter,
        ),
    )
