"""The claim being filed, as the filing flow keeps it.

The draft lives in the cabinet (`createClaimDraft`, `updateClaimDraft`, …), so the person can
come back to it tomorrow; the dialog's data keeps the ids and a copy of the answers. Each
answer is saved to the cabinet at once. When the cabinet is down the answer stays in the
dialog's data (`unsaved`) and the flow goes on: everything is saved before the review, and
nothing typed is lost.
"""

from __future__ import annotations

from typing import Any

import structlog
from aiogram_dialog import DialogManager

from bot.flows.access import owned
from bot.flows.certificates_calendar import today_of
from bot.flows.claim_form import Period
from bot.flows.documents import viewer_of
from cabinet import CabinetUnavailable
from cabinet.models import ClaimDraft, ClaimDraftUpdate, ClaimKind, FieldValue

log = structlog.get_logger(__name__)

SECTION = "claims"
#: What the dialog's data holds of a draft; cleared when a new claim is started.
DRAFT_KEYS = (
    "draft_id",
    "policy_id",
    "kind_id",
    "values",
    "circumstances",
    "unsaved",
    "field",
    "doc",
    "review",
    "held",
    "added",
    "album",
    "registration",
    "last_draft",
)


def values_of(manager: DialogManager) -> dict[str, FieldValue]:
    values: dict[str, FieldValue] = manager.dialog_data.setdefault("values", {})
    return values


def forget_draft(manager: DialogManager) -> None:
    for key in DRAFT_KEYS:
        manager.dialog_data.pop(key, None)


async def kinds_of(manager: DialogManager, policy_id: str) -> list[ClaimKind]:
    """The claim types of one of the person's own policies (a forged id is refused)."""
    viewer = viewer_of(manager)
    reading = await owned(
        manager,
        SECTION,
        viewer.cabinet.claim_types(viewer.customer_id, policy_id, locale=viewer.locale),
    )
    return reading.value.items


def steps_of(kind: ClaimKind) -> int:
    """The steps a person goes through: each field, the circumstances, the documents."""
    return len(kind.fields) + 1 + (1 if kind.documents else 0)


async def kind_of(manager: DialogManager) -> ClaimKind:
    kinds = await kinds_of(manager, manager.dialog_data["policy_id"])
    wanted = manager.dialog_data["kind_id"]
    found = next((kind for kind in kinds if kind.id == wanted), None)
    if found is None:  # the cabinet stopped offering it: start again from the policy
        raise LookupError(wanted)
    return found


async def period_of(manager: DialogManager) -> Period:
    viewer = viewer_of(manager)
    policy = await owned(
        manager,
        SECTION,
        viewer.cabinet.policy(
            viewer.customer_id, manager.dialog_data["policy_id"], locale=viewer.locale
        ),
    )
    return Period(policy.value.starts_on, policy.value.ends_on, today_of(manager))


async def read_draft(manager: DialogManager) -> ClaimDraft:
    """The draft as the cabinet has it; while the cabinet is down, as it was last read."""
    viewer = viewer_of(manager)
    try:
        draft = await owned(
            manager,
            SECTION,
            viewer.cabinet.claim_draft(
                viewer.customer_id, manager.dialog_data["draft_id"], locale=viewer.locale
            ),
        )
    except CabinetUnavailable:
        kept = manager.dialog_data.get("last_draft")
        if kept is None:
            raise
        return ClaimDraft.model_validate(kept)
    manager.dialog_data["last_draft"] = draft.model_dump(mode="json")
    return draft


def adopt(manager: DialogManager, draft: ClaimDraft) -> None:
    """Take a draft read from the cabinet as the one being filed."""
    manager.dialog_data.update(
        draft_id=draft.draft_id,
        policy_id=draft.policy_id,
        kind_id=draft.claim_type,
        values=dict(draft.fields),
        circumstances=draft.circumstances,
        unsaved=False,
    )


async def save(manager: DialogManager, update: ClaimDraftUpdate) -> bool:
    """Send an answer to the cabinet; False (and kept as `unsaved`) when it is down."""
    viewer = viewer_of(manager)
    try:
        await owned(
            manager,
            SECTION,
            viewer.cabinet.update_claim_draft(
                viewer.customer_id, manager.dialog_data["draft_id"], update, locale=viewer.locale
            ),
        )
    except CabinetUnavailable:
        manager.dialog_data["unsaved"] = True
        return False
    return True


async def save_all(manager: DialogManager) -> None:
    """What the cabinet missed while it was down, all at once (`CabinetUnavailable` again:
    still down, and still kept)."""
    if not manager.dialog_data.get("unsaved"):
        return
    changes: dict[str, Any] = {}
    if values_of(manager):
        changes["fields"] = dict(values_of(manager))
    if manager.dialog_data.get("circumstances"):
        changes["circumstances"] = manager.dialog_data["circumstances"]
    if changes:
        viewer = viewer_of(manager)
        await owned(
            manager,
            SECTION,
            viewer.cabinet.update_claim_draft(
                viewer.customer_id,
                manager.dialog_data["draft_id"],
                ClaimDraftUpdate(**changes),
                locale=viewer.locale,
            ),
        )
    manager.dialog_data["unsaved"] = False
