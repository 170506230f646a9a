"""Полисы: the list, a policy's details and PDF, paying its installments («К оплате»,
`bot/flows/policy_payment.py`), and renewal (check the data → term → quote → the terms →
payment button, `bot/flows/renewal.py`), changing it («✏️ Изменить полис»,
`bot/flows/policy_change.py`), and buying a new policy («🛒 Оформить полис»,
`bot/flows/new_policy.py`).

Every id a button carries is user input: a policy is always loaded for the chat's own
customer through `owned()`. In strict privacy mode the chat shows the product, the masked
number, the status and the term; the details and the PDF open through a one-time link.
"""

from __future__ import annotations

from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, ScrollingGroup
from aiogram_dialog.widgets.text import Format

from bot.flows.access import owned
from bot.flows.documents import deliver, viewer_of
from bot.flows.keys import fresh_keys
from bot.flows.new_policy import buying_windows, start_buying
from bot.flows.policy_change import change_windows, start_change
from bot.flows.policy_payment import PAY_KEY, due_variables, on_pay, payment_windows
from bot.flows.readings import stale_note
from bot.flows.renewal import renewal_windows, start_renewal
from bot.flows.screen import Screen
from bot.flows.states import PoliciesSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of
from bot.privacy import is_strict, number_for
from cabinet.models import PolicyDetail, PolicySummary
from documents import File, Page, Ref, Renderer, Viewer

SECTION = "policies"
PAGE_HEIGHT = 6


def policy_button(manager: DialogManager, viewer: Viewer, policy: PolicySummary) -> str:
    """A policy as a button: product or title, and number, as this chat may show them."""
    # The title may name the insured car and its plate: strict shows the product.
    strict = is_strict(manager)
    title = viewer.plain(f"product-{policy.product.value}") if strict else policy.title
    number = number_for(manager, policy.number)
    return viewer.plain("policy-button", title=title, number=number, tail=policy.number[-4:])


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await viewer.cabinet.policies(viewer.customer_id, page_size=100, locale=viewer.locale)
    policies = [
        (policy.id, policy_button(dialog_manager, viewer, policy)) for policy in reading.value.items
    ]
    return {
        "policies": policies,
        "empty": not policies,
        "note": stale_note(reading, i18n_of(dialog_manager), viewer.time_zone),
    }


async def on_policy(_: CallbackQuery, __: Any, manager: DialogManager, policy_id: str) -> None:
    manager.dialog_data["policy_id"] = policy_id
    fresh_keys(manager, PAY_KEY)
    await manager.switch_to(PoliciesSG.detail)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    """Opened on a policy's card from another section (a premium refund's card): that policy,
    and the card's «Назад» goes back there. The id is the cabinet's, and the card loads it for
    the chat's own customer (`owned()`) all the same."""
    if isinstance(start_data, dict) and "policy_id" in start_data:
        manager.dialog_data.update(policy_id=str(start_data["policy_id"]), opened_from=True)
        fresh_keys(manager, PAY_KEY)


async def on_card_back(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    if manager.dialog_data.get("opened_from"):
        await manager.done()
    else:
        await manager.switch_to(PoliciesSG.list)


def policy_id_of(manager: DialogManager) -> str:
    return str(manager.dialog_data.get("policy_id", ""))


def policy_variables(viewer: Viewer, policy: PolicyDetail, *, number: str) -> dict[str, Any]:
    """What the details show, in the chat (`full`) and on the one-time page (`strict`)."""
    coverages = "\n".join(
        viewer.plain("policy-coverage", name=c.name, amount=c.sum_insured.amount)
        for c in policy.coverages
    )
    return {
        "title": policy.title,
        "number": number,
        "status": viewer.plain(f"policy-status-{policy.status.value}"),
        "starts_on": policy.starts_on,
        "ends_on": policy.ends_on,
        "premium": policy.premium.amount,
        "insured": policy.insured_object.description,
        "coverages": coverages,
        "deductible": _deductible(viewer, policy),
        "contacts": _contacts(viewer, policy),
    }


def _deductible(viewer: Viewer, policy: PolicyDetail) -> str:
    if policy.deductible is None:
        return ""
    return viewer.plain("policy-deductible", amount=policy.deductible.amount)


def _contacts(viewer: Viewer, policy: PolicyDetail) -> str:
    """The insurer's contacts for this policy, as the cabinet sends them (not personal data)."""
    contacts = policy.insurer_contacts
    parts = [contacts.phone, contacts.email, contacts.hours]
    return viewer.plain("policy-contacts", contacts=", ".join(p for p in parts if p))


async def detail_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await owned(
        dialog_manager,
        SECTION,
        viewer.cabinet.policy(
            viewer.customer_id, policy_id_of(dialog_manager), locale=viewer.locale
        ),
    )
    policy: PolicyDetail = reading.value
    strict = is_strict(dialog_manager)
    number = number_for(dialog_manager, policy.number)
    variables = policy_variables(viewer, policy, number=number)
    if strict:
        variables["title"] = viewer.plain(f"product-{policy.product.value}")
    return {
        **variables,
        **due_variables(dialog_manager, policy.next_payment),
        "note": stale_note(reading, i18n_of(dialog_manager), profile_of(dialog_manager).time_zone),
        "strict": strict,
        "full": not strict,
        "renewable": policy.renewable,
        "changeable": policy.changeable,
    }


async def policy_pdf(viewer: Viewer, ref: Ref) -> File:
    document = await viewer.cabinet.policy_document(
        viewer.customer_id, ref["policy_id"], locale=viewer.locale
    )
    return File.pdf(document)


async def policy_details(viewer: Viewer, ref: Ref) -> Page:
    reading = await viewer.cabinet.policy(
        viewer.customer_id, ref["policy_id"], locale=viewer.locale
    )
    variables = policy_variables(viewer, reading.value, number=reading.value.number)
    return Page(reading.value.title, viewer.text("policy-detail", **variables))


async def on_pdf(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "policy-pdf", policy_id=policy_id_of(manager))


async def on_more(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "policy-details", policy_id=policy_id_of(manager))


def policies_dialog() -> Dialog:
    return Dialog(
        Screen(
            Format("{note}", when="note"),
            T("policies-title"),
            T("policies-empty", when="empty"),
            ScrollingGroup(
                choices("policy", "policies", on_policy),
                id="policies",
                width=1,
                height=PAGE_HEIGHT,
                hide_on_single_page=True,
            ),
            # Started by the person only: prices the bot never offers on its own (38-ФЗ).
            Button(T("buy-button"), id="buy", on_click=start_buying),
            back_to_menu(),
            state=PoliciesSG.list,
            getter=list_getter,
        ),
        Screen(
            Format("{note}", when="note"),
            T("policy-detail", when="full"),
            T("policy-detail-strict", when="strict"),
            T("policy-due", when=F["due_in_time"] & F["full"]),
            T("policy-due-strict", when=F["due_in_time"] & F["strict"]),
            T("policy-overdue", when=F["due_late"] & F["full"]),
            T("policy-overdue-strict", when=F["due_late"] & F["strict"]),
            Button(T("policy-pay"), id="pay", on_click=on_pay, when="due"),
            Button(T("button-more"), id="more", on_click=on_more, when="strict"),
            Button(T("policy-pdf"), id="pdf", on_click=on_pdf),
            Button(T("policy-renew"), id="renew", on_click=start_renewal, when="renewable"),
            Button(T("policy-change"), id="change", on_click=start_change, when="changeable"),
            Button(T("button-back"), id="back", on_click=on_card_back),
            state=PoliciesSG.detail,
            getter=detail_getter,
        ),
        *payment_windows(),
        *renewal_windows(),
        *buying_windows(),
        *change_windows(),
        on_start=on_start,
    )


#: The documents this flow makes, gathered at start-up (`bot/factory/renderers.py`).
RENDERERS: dict[str, Renderer] = {
    "policy-pdf": policy_pdf,
    "policy-details": policy_details,
}
