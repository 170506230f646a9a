"""A payout's card: its date, amount, status and type, the recipient and the bank details as
the cabinet masks them, the payment purpose, the claim and its documents the payout rests
on, and why a failed or returned one did not arrive; «📋 Открыть обращение» opens the claim.
A premium refund has no claim: its card names the policy, and «📄 Открыть полис» opens the
policy's card (whose «Назад» comes back here).

The payout id a button carries is user input: the payout is loaded for the chat's own
customer through `owned()`, and the claim or policy it opens is the one the cabinet names for
it (loaded for the chat's own customer again). In strict privacy mode the chat shows the date,
the status, the type and the masked claim (or policy) number; the rest is on a one-time page
(«Подробнее»).
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button

from bot.flows.access import owned
from bot.flows.documents import deliver, viewer_of
from bot.flows.payouts_statement import basis_number
from bot.flows.readings import stale_note
from bot.flows.states import ClaimsSG, PayoutsSG, PoliciesSG
from bot.flows.widgets import i18n_of
from bot.privacy import is_strict, number_for
from cabinet import Reading
from cabinet.models import PayoutDetail, PayoutStatus
from documents import Page, Ref, Renderer, Viewer

SECTION = "payouts"
NOT_ARRIVED = frozenset({PayoutStatus.FAILED, PayoutStatus.RETURNED})


def payout_id_of(manager: DialogManager) -> str:
    return str(manager.dialog_data.get("payout_id", ""))


async def _payout(manager: DialogManager) -> Reading[PayoutDetail]:
    viewer = viewer_of(manager)
    call = viewer.cabinet.payout(viewer.customer_id, payout_id_of(manager), locale=viewer.locale)
    return await owned(manager, SECTION, call)


def card_text(viewer: Viewer, payout: PayoutDetail, *, number: str, full: bool) -> str:
    """The card as HTML: all of it in a `full` chat and on the one-time page; in a `strict`
    chat the date, status, type and the (masked) claim or policy number (`number`) only."""
    lines = [
        viewer.text("payout-card-title", paid_on=payout.paid_on),
        viewer.text(
            "payout-card-status",
            status=viewer.plain(f"payout-status-{payout.status.value}"),
            type=viewer.plain(f"payout-type-{payout.type.value}"),
        ),
        viewer.text("payout-card-policy" if payout.refund else "payout-card-claim", number=number),
    ]
    if not full:
        lines.append(viewer.text("payout-card-strict"))
        return "\n".join(lines)
    lines[1:1] = [viewer.text("payout-card-amount", amount=payout.amount.amount)]
    lines += [
        viewer.text("payout-card-recipient", name=payout.recipient_name),
        viewer.text("payout-card-bank", bank=payout.bank, account=payout.account),
        viewer.text("payout-card-purpose", purpose=payout.purpose),
    ]
    if payout.documents:
        names = ", ".join(document.name for document in payout.documents)
        lines.append(viewer.text("payout-card-documents", names=names))
    if payout.status in NOT_ARRIVED:
        lines.append(
            viewer.text("payout-card-failure", reason=payout.failure_reason)
            if payout.failure_reason
            else viewer.text("payout-card-failure-unknown")
        )
    return "\n".join(lines)


async def on_payout(_: CallbackQuery, __: Any, manager: DialogManager, payout_id: str) -> None:
    manager.dialog_data["payout_id"] = payout_id
    await manager.switch_to(PayoutsSG.detail)


async def card_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await _payout(dialog_manager)
    payout: PayoutDetail = reading.value
    strict = is_strict(dialog_manager)
    number = number_for(dialog_manager, basis_number(payout))
    return {
        "card": card_text(viewer, payout, number=number, full=not strict),
        "note": stale_note(reading, i18n_of(dialog_manager), viewer.time_zone),
        "strict": strict,
        "claim": not payout.refund,
        "refund": payout.refund,
    }


async def on_more(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "payout-card", payout_id=payout_id_of(manager))


async def on_open_claim(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """The claim the cabinet names for this payout (never an id from the button); its card's
    «Назад» comes back here."""
    reading = await _payout(manager)
    await manager.start(ClaimsSG.detail, data={"claim_id": reading.value.claim_id})


async def on_open_policy(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """A refund's policy, as the cabinet names it for this payout; its card's «Назад» comes
    back here."""
    reading = await _payout(manager)
    await manager.start(PoliciesSG.detail, data={"policy_id": reading.value.policy_id})


async def payout_page(viewer: Viewer, ref: Ref) -> Page:
    reading = await viewer.cabinet.payout(
        viewer.customer_id, ref["payout_id"], locale=viewer.locale
    )
    payout = reading.value
    title = viewer.plain("payout-page-title", paid_on=payout.paid_on)
    return Page(title, card_text(viewer, payout, number=basis_number(payout), full=True))


#: The documents this flow makes, gathered at start-up (`bot/factory/renderers.py`).
RENDERERS: dict[str, Renderer] = {
    "payout-card": payout_page,
}
