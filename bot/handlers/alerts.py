"""The buttons under alerts (`notify.alerts.AlertAction`): open the flow the alert points to.

The id in the callback data is user input. The object is loaded through the cabinet for the
pressing chat's own customer (`owned()`): anybody else's is a 404, refused and audited, and
the errors router brings the user home. A chat no longer linked is told to sign in.
"""

from __future__ import annotations

from aiogram import F, Router
from aiogram.fsm.state import State
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager, ShowMode, StartMode

from bot.flows.access import cabinet_of, customer_of, owned
from bot.flows.claims_input import MESSAGE, STATES, UPLOAD
from bot.flows.keys import fresh_keys
from bot.flows.policy_payment import PAY_KEY, request_link
from bot.flows.renewal import begin_renewal
from bot.flows.states import ClaimsSG, ContactsSG, PayoutsSG, PoliciesSG
from bot.flows.widgets import i18n_of
from notify.alerts import ACTIONS, AlertAction

INPUT_STEPS = {"upload": UPLOAD, "reply": MESSAGE}


async def _open(manager: DialogManager, state: State, **dialog_data: str) -> None:
    """Start `state` on a fresh stack, not shown yet: its dialog data is set first."""
    await manager.start(state, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    manager.dialog_data.update(dialog_data)


async def _show(manager: DialogManager) -> None:
    """The screen, as a new message below the alert."""
    manager.show_mode = ShowMode.SEND
    await manager.show()


async def on_alert_button(
    callback: CallbackQuery, callback_data: AlertAction, dialog_manager: DialogManager
) -> None:
    manager = dialog_manager
    action, object_id = callback_data.action, callback_data.id
    customer_id = customer_of(manager)  # NotLinked: the errors router says "sign in"
    cabinet = cabinet_of(manager)
    locale = i18n_of(manager).locale
    if action == "renew":
        policy = await owned(
            manager, "policies", cabinet.policy(customer_id, object_id, locale=locale)
        )
        await _open(manager, PoliciesSG.detail, policy_id=object_id)
        if policy.value.renewable:
            await begin_renewal(manager)
        await _show(manager)
    elif action == "pay":  # the installment's payment screen, or the card if it was paid
        await owned(manager, "policies", cabinet.policy(customer_id, object_id, locale=locale))
        await _open(manager, PoliciesSG.detail, policy_id=object_id)
        fresh_keys(manager, PAY_KEY)
        paying = await request_link(callback, manager)  # if not, it said why
        if paying:
            await manager.switch_to(PoliciesSG.pay)
        await _show(manager)
        if not paying:
            return
    elif action in ("upload", "reply", "claim"):
        claim = await owned(manager, "claims", cabinet.claim(customer_id, object_id, locale=locale))
        await _open(manager, ClaimsSG.detail, claim_id=object_id)
        if action in INPUT_STEPS and not claim.value.status.is_final:
            step = INPUT_STEPS[action]  # as the claim card's own button into the step
            fresh_keys(manager, f"{step}:{object_id}")
            await manager.switch_to(STATES[step])
        await _show(manager)
    elif action == "policy":  # the policy's card
        await owned(manager, "policies", cabinet.policy(customer_id, object_id, locale=locale))
        await _open(manager, PoliciesSG.detail, policy_id=object_id)
        await _show(manager)
    elif action == "contacts":  # the chat's own, nothing to authorise beyond the link
        await manager.start(ContactsSG.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.SEND)
    else:  # payouts: the payout's card (its «Назад»: the list)
        await owned(manager, "payouts", cabinet.payout(customer_id, object_id, locale=locale))
        await _open(manager, PayoutsSG.detail, payout_id=object_id)
        await _show(manager)
    await callback.answer()


def build_router() -> Router:
    router = Router(name="alerts")
    router.callback_query.register(on_alert_button, AlertAction.filter(F.action.in_(ACTIONS)))
    return router
