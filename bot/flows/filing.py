"""«Заявить о страховом случае»: the way in — an unfinished draft to resume or delete, the
policy, and what happened (the claim type). The steps after are in `filing_steps.py`
(the type's fields, the circumstances), `filing_documents.py` and `filing_review.py`.

Ids on buttons are user input: a policy is one of the person's own claimable policies, a
claim type one the cabinet lists for it, a draft one the cabinet returns for this customer.
Creating the draft is a keyed POST; the keys are made when the policy is chosen (the handler
that leads into the step), one per claim type, so pressing a type again after an outage
creates one draft.
"""

from __future__ import annotations

import contextlib
from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Data, Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, Column, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.flows.access import owned
from bot.flows.claim_form import title_of
from bot.flows.documents import viewer_of
from bot.flows.filing_documents import documents_window
from bot.flows.filing_form_link import web_form_window
from bot.flows.filing_review import done_window, on_delete, review_window
from bot.flows.filing_state import SECTION, adopt, forget_draft, kinds_of
from bot.flows.filing_steps import begin, resume_step, step_windows
from bot.flows.keys import fresh_keys, key_of
from bot.flows.policies import policy_button
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.states import FilingSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, say
from bot.privacy import number_for
from cabinet import CabinetError
from cabinet.models import ClaimDraft, ClaimDraftRequest, PolicyStatus

CURRENT = frozenset({PolicyStatus.ACTIVE, PolicyStatus.EXPIRING})


# ----------------------------------------------------------------------------- resume


async def on_start(_: Data, manager: DialogManager) -> None:
    """An unfinished draft is offered first (the newest); otherwise straight to the policy."""
    viewer = viewer_of(manager)
    try:
        drafts = (await viewer.cabinet.claim_drafts(viewer.customer_id)).items
    except CabinetError:  # no list now: a new claim can still be started
        drafts = []
    if drafts:
        manager.dialog_data["resumable"] = drafts[0].draft_id
        await manager.switch_to(FilingSG.resume)


async def resume_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    draft: ClaimDraft = await owned(
        dialog_manager,
        SECTION,
        viewer.cabinet.claim_draft(viewer.customer_id, dialog_manager.dialog_data["resumable"]),
    )
    kinds = await kinds_of(dialog_manager, draft.policy_id)
    kind = next((k for k in kinds if k.id == draft.claim_type), None)
    return {
        "started_on": draft.created_at.date(),
        "kind": title_of(kind, viewer.locale) if kind else "—",
        "policy": number_for(dialog_manager, draft.policy_number),
    }


async def on_resume(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    viewer = viewer_of(manager)
    draft = await owned(
        manager,
        SECTION,
        viewer.cabinet.claim_draft(viewer.customer_id, manager.dialog_data["resumable"]),
    )
    forget_draft(manager)
    adopt(manager, draft)
    await resume_step(manager, draft)


async def on_new(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    forget_draft(manager)
    await manager.switch_to(FilingSG.policy)


# ----------------------------------------------------------------------------- policy, type


async def policies_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await viewer.cabinet.policies(viewer.customer_id, page_size=100, locale=viewer.locale)
    policies = [
        (policy.id, policy_button(dialog_manager, viewer, policy))
        for policy in reading.value.items
        if policy.claimable and policy.status in CURRENT
    ]
    return {
        "policies": policies,
        "none": not policies,
        "note": stale_note(reading, i18n_of(dialog_manager), viewer.time_zone),
    }


async def on_policy(_: CallbackQuery, __: Any, manager: DialogManager, policy_id: str) -> None:
    kinds = await kinds_of(manager, policy_id)  # another customer's policy: refused here
    if not kinds:
        await say(manager, "filing-policy-not-claimable")
        return
    if manager.dialog_data.get("policy_id") != policy_id:
        forget_draft(manager)
    manager.dialog_data["policy_id"] = policy_id
    fresh_keys(manager, *(f"draft:{kind.id}" for kind in kinds))
    await manager.switch_to(FilingSG.kind)


async def kinds_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    locale = i18n_of(dialog_manager).locale
    kinds = await kinds_of(dialog_manager, dialog_manager.dialog_data["policy_id"])
    return {"kinds": [(kind.id, title_of(kind, locale)) for kind in kinds]}


async def on_kind(_: CallbackQuery, __: Any, manager: DialogManager, kind_id: str) -> None:
    data = manager.dialog_data
    kinds = await kinds_of(manager, data["policy_id"])
    if kind_id not in {kind.id for kind in kinds}:
        return  # not a type the cabinet offers for this policy: a forged button
    if data.get("draft_id") and data.get("kind_id") == kind_id:
        await begin(manager)  # back and the same choice: the same draft
        return
    if data.get("draft_id"):
        await on_delete_quietly(manager)
    viewer = viewer_of(manager)
    draft = await viewer.cabinet.create_claim_draft(
        viewer.customer_id,
        ClaimDraftRequest(policy_id=data["policy_id"], claim_type=kind_id),
        idempotency_key=key_of(manager, f"draft:{kind_id}"),
        locale=viewer.locale,
    )
    policy_id = data["policy_id"]
    forget_draft(manager)
    adopt(manager, draft)
    data["policy_id"] = policy_id
    await begin(manager)


async def on_delete_quietly(manager: DialogManager) -> None:
    """The draft of another type the person started and went back from."""
    viewer = viewer_of(manager)
    with contextlib.suppress(CabinetError):  # else left for the cabinet to expire
        await viewer.cabinet.delete_claim_draft(viewer.customer_id, manager.dialog_data["draft_id"])
    # Choosing that type again is a new draft, not a replay of the deleted one.
    fresh_keys(manager, f"draft:{manager.dialog_data['kind_id']}")


# ----------------------------------------------------------------------------- the dialog


def filing_dialog() -> Dialog:
    return Dialog(
        Screen(
            Format("{note}", when="note"),
            T("filing-choose-policy"),
            T("filing-no-policies", when="none"),
            Column(choices("policy", "policies", on_policy)),
            back_to_menu(),
            state=FilingSG.policy,
            getter=policies_getter,
        ),
        Screen(
            T("filing-resume"),
            Button(T("filing-resume-button"), id="resume", on_click=on_resume),
            Button(T("filing-delete-button"), id="delete", on_click=on_delete),
            Button(T("filing-new-button"), id="new", on_click=on_new),
            back_to_menu(),
            state=FilingSG.resume,
            getter=resume_getter,
        ),
        Screen(
            T("filing-choose-kind"),
            Column(choices("kind", "kinds", on_kind)),
            SwitchTo(T("button-back"), id="back", state=FilingSG.policy),
            state=FilingSG.kind,
            getter=kinds_getter,
        ),
        *step_windows(),
        documents_window(),
        review_window(),
        web_form_window(),
        done_window(),
        on_start=on_start,
    )
