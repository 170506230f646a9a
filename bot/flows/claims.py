"""Обращения: the list with status badges, a claim's details (timeline and the next step), a
clarification, a document, and the claim's history as a PDF.

Every id a button carries is user input: a claim is always loaded for the chat's own customer
through `owned()`. In strict privacy mode the chat shows the masked number, the type, the
statuses and dates, and the next step; amounts, the policy, the handlers' comments and the
documents' names open through a one-time link ("Подробнее"), as does the report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, ScrollingGroup, Start
from aiogram_dialog.widgets.text import Format

from bot.flows.access import owned
from bot.flows.claims_input import (
    SECTION,
    claim_id_of,
    input_windows,
    offer_to_claim,
    offer_windows,
    on_add_document,
    on_ask,
)
from bot.flows.documents import deliver, viewer_of
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.states import ClaimsSG, FilingSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of
from bot.privacy import is_strict, number_for
from bot.reports import ReportPdf
from cabinet.models import Author, ClaimDetail, ClaimHistoryEntry, ClaimStatus
from documents import File, Page, Ref, Renderer, Viewer

PAGE_HEIGHT = 6
THREAD_SHOWN = 5  # the last messages of the conversation on the card (the page has all)
BADGES = {
    ClaimStatus.REGISTERED: "🆕",
    ClaimStatus.IN_REVIEW: "🔍",
    ClaimStatus.AWAITING_DOCUMENTS: "📥",
    ClaimStatus.APPROVED: "✅",
    ClaimStatus.REJECTED: "❌",
    ClaimStatus.PAID: "💸",
    ClaimStatus.READY_FOR_PICKUP: "📦",
    ClaimStatus.CLOSED: "🗂",
    ClaimStatus.WITHDRAWN: "↩️",
}


def when(viewer: Viewer, at: dt.datetime) -> str:
    return viewer.plain("claim-when", at=at.astimezone(ZoneInfo(viewer.time_zone)))


def status_of(viewer: Viewer, status: ClaimStatus) -> str:
    return viewer.plain(f"claim-status-{status.value}")


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await viewer.cabinet.claims(viewer.customer_id, page_size=100, locale=viewer.locale)
    claims = [
        (
            claim.id,
            viewer.plain(
                "claim-button",
                badge=BADGES[claim.status],
                status=viewer.plain(f"claim-list-status-{claim.status.value}"),
                number=number_for(dialog_manager, claim.number),
                type=viewer.plain(f"claim-type-{claim.type.value}"),
            ),
        )
        for claim in reading.value.items
    ]
    return {
        "claims": claims,
        "empty": not claims,
        "note": stale_note(reading, i18n_of(dialog_manager), viewer.time_zone),
    }


async def on_claim(_: CallbackQuery, __: Any, manager: DialogManager, claim_id: str) -> None:
    manager.dialog_data["claim_id"] = claim_id
    await manager.switch_to(ClaimsSG.detail)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    """Opened on a claim's card from another section (a payout's card): that claim, and the
    card's «Назад» goes back there."""
    if isinstance(start_data, dict) and "claim_id" in start_data:
        manager.dialog_data.update(claim_id=str(start_data["claim_id"]), opened_from=True)


async def on_card_back(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    if manager.dialog_data.get("opened_from"):
        await manager.done()
    else:
        await manager.switch_to(ClaimsSG.list)


def facts(viewer: Viewer, claim: ClaimDetail, *, full: bool) -> list[str]:
    lines = [viewer.plain("claim-reported", on=claim.reported_on)]
    if full and claim.policy_number:
        lines.append(viewer.plain("claim-policy", number=claim.policy_number))
    if full and claim.amount_claimed:
        lines.append(viewer.plain("claim-amount-claimed", amount=claim.amount_claimed.amount))
    if full and claim.amount_approved:
        lines.append(viewer.plain("claim-amount-approved", amount=claim.amount_approved.amount))
    return lines


def next_step(viewer: Viewer, claim: ClaimDetail, *, full: bool) -> list[str]:
    lines = [viewer.plain(f"claim-next-{claim.status.value}")]
    if full and claim.requested_documents:
        documents = "; ".join(claim.requested_documents)
        lines.append(viewer.plain("claim-requested", documents=documents))
    if full and claim.documents:
        names = ", ".join(document.name for document in claim.documents)
        lines.append(viewer.plain("claim-documents", names=names))
    elif claim.documents:
        lines.append(viewer.plain("claim-documents-count", count=len(claim.documents)))
    return lines


def timeline(viewer: Viewer, history: list[ClaimHistoryEntry], *, full: bool) -> list[str]:
    lines = []
    for entry in history:
        status = status_of(viewer, entry.status)
        at = when(viewer, entry.at)
        lines.append(
            viewer.plain("claim-history-entry", badge=BADGES[entry.status], when=at, status=status)
        )
        if full and entry.comment:
            lines.append(f"      {entry.comment}")
    return lines


def thread(viewer: Viewer, claim: ClaimDetail, *, full: bool, shown: int | None = None) -> str:
    """The conversation with the handler: the messages (full) or their count (strict), and
    whose turn it is."""
    lines = []
    if full:
        messages = claim.messages if shown is None else claim.messages[-shown:]
        if len(messages) < len(claim.messages):
            earlier = len(claim.messages) - len(messages)
            lines.append(viewer.plain("claim-thread-earlier", count=earlier))
        for message in messages:
            who = (
                viewer.plain("claim-thread-you")
                if message.author is Author.CUSTOMER
                else viewer.plain("claim-thread-handler", name=message.handler_name or "")
            )
            lines.append(
                viewer.plain(
                    "claim-thread-message",
                    who=who,
                    when=when(viewer, message.created_at),
                    text=message.text,
                )
            )
    elif claim.messages:
        lines.append(viewer.plain("claim-thread-count", count=len(claim.messages)))
    if claim.waiting_for is Author.CUSTOMER:
        lines.append(viewer.plain("claim-waiting-customer"))
    elif claim.waiting_for is Author.HANDLER:
        due = claim.answer_due_on
        key = "claim-waiting-handler-by" if due else "claim-waiting-handler"
        lines.append(viewer.plain(key, due=due or ""))
    return "\n".join(lines)


def claim_variables(
    viewer: Viewer, claim: ClaimDetail, *, number: str, full: bool
) -> dict[str, Any]:
    """What the details show: all of it in a `full` chat and on the one-time page; in a
    `strict` chat, no amounts, policy, comments or document names."""
    return {
        "number": number,
        "type": viewer.plain(f"claim-type-{claim.type.value}"),
        "badge": BADGES[claim.status],
        "status": status_of(viewer, claim.status),
        "facts": "\n".join(facts(viewer, claim, full=full)),
        "history": "\n".join(timeline(viewer, claim.history, full=full)),
        "next_step": "\n".join(next_step(viewer, claim, full=full)),
        "thread": thread(viewer, claim, full=full, shown=THREAD_SHOWN),
    }


async def detail_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await owned(
        dialog_manager,
        SECTION,
        viewer.cabinet.claim(viewer.customer_id, claim_id_of(dialog_manager), locale=viewer.locale),
    )
    claim: ClaimDetail = reading.value
    strict = is_strict(dialog_manager)
    number = number_for(dialog_manager, claim.number)
    # For the card's offers (a file or a text sent to it): the number, and whether it is closed.
    dialog_manager.dialog_data.update(number=number, closed=claim.status.is_final)
    return {
        **claim_variables(viewer, claim, number=number, full=not strict),
        "note": stale_note(reading, i18n_of(dialog_manager), viewer.time_zone),
        "strict": strict,
        "open": not claim.status.is_final,
        "asked": claim.waiting_for is Author.CUSTOMER and not claim.status.is_final,
        "can_write": claim.waiting_for is not Author.CUSTOMER and not claim.status.is_final,
    }


async def _claim(viewer: Viewer, ref: Ref) -> ClaimDetail:
    reading = await viewer.cabinet.claim(viewer.customer_id, ref["claim_id"], locale=viewer.locale)
    return reading.value


async def claim_details(viewer: Viewer, ref: Ref) -> Page:
    claim = await _claim(viewer, ref)
    variables = claim_variables(viewer, claim, number=claim.number, full=True)
    body = viewer.text("claim-detail", **variables)
    conversation = thread(viewer, claim, full=True)  # the page shows all of it
    if conversation:
        body += "\n" + viewer.text("claim-thread", thread=conversation)
    return Page(viewer.plain("claim-title", number=claim.number), body)


async def claim_report(viewer: Viewer, ref: Ref) -> File:
    claim = await _claim(viewer, ref)
    pdf = ReportPdf(viewer.plain("claim-report-title", number=claim.number))
    pdf.paragraph(viewer.plain(f"claim-type-{claim.type.value}"), bold=True)
    pdf.paragraph(viewer.plain("claim-report-status", status=status_of(viewer, claim.status)))
    pdf.paragraph("\n".join(facts(viewer, claim, full=True)))
    pdf.paragraph(viewer.plain("claim-report-history"), bold=True)
    pdf.table(
        (
            viewer.plain("claim-report-when"),
            viewer.plain("claim-report-state"),
            viewer.plain("claim-report-comment"),
        ),
        [(when(viewer, e.at), status_of(viewer, e.status), e.comment or "") for e in claim.history],
        widths=(35, 45, 110),
    )
    if claim.messages:
        pdf.paragraph(viewer.plain("claim-thread-title"), bold=True)
        pdf.paragraph(thread(viewer, claim, full=True))
    pdf.paragraph(viewer.plain("claim-report-next"), bold=True)
    pdf.paragraph("\n".join(next_step(viewer, claim, full=True)))
    pdf.paragraph(viewer.plain("claim-report-made", when=when(viewer, dt.datetime.now(dt.UTC))))
    return File(f"claim-{claim.id}.pdf", pdf.output(), "application/pdf")


async def on_more(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "claim-details", claim_id=claim_id_of(manager))


async def on_report(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "claim-report", claim_id=claim_id_of(manager))


def claims_dialog() -> Dialog:
    return Dialog(
        Screen(
            Format("{note}", when="note"),
            T("claims-title"),
            T("claims-empty", when="empty"),
            Start(T("menu-file_claim"), id="file", state=FilingSG.policy),
            ScrollingGroup(
                choices("claim", "claims", on_claim),
                id="claims",
                width=1,
                height=PAGE_HEIGHT,
                hide_on_single_page=True,
            ),
            back_to_menu(),
            state=ClaimsSG.list,
            getter=list_getter,
        ),
        Screen(
            Format("{note}", when="note"),
            T("claim-detail"),
            T("claim-thread", when="thread"),
            Button(T("button-more"), id="more", on_click=on_more, when="strict"),
            Button(T("claim-reply"), id="reply", on_click=on_ask, when="asked"),
            Button(T("claim-ask"), id="ask", on_click=on_ask, when="can_write"),
            Button(T("claim-add-document"), id="add", on_click=on_add_document, when="open"),
            Button(T("claim-report"), id="report", on_click=on_report),
            Button(T("button-back"), id="back", on_click=on_card_back),
            state=ClaimsSG.detail,
            getter=detail_getter,
            unhandled=offer_to_claim,
        ),
        *input_windows(),
        *offer_windows(),
        on_start=on_start,
    )


#: The documents this flow makes, gathered at start-up (`bot/factory/renderers.py`).
RENDERERS: dict[str, Renderer] = {
    "claim-details": claim_details,
    "claim-report": claim_report,
}
