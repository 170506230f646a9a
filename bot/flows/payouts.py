"""Выплаты: a period's payouts (this year, last year, the last 12 months, or any period
picked in the calendar), filtered by status and type, a page of them at a time with the
total, each one's card a button away, and the list exported as XLSX and PDF.

The section opens on this year's payouts, unfiltered. The header says which filter is on;
the total, the exports and the way back from a card follow the period and the filter. In
strict privacy mode the chat shows the date, the status and the masked claim number (a
premium refund: the policy's) only; the amounts and the recipient are behind "Подробнее" and in
the exports (one-time links).
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import (
    Button,
    Column,
    CurrentPage,
    NextPage,
    PrevPage,
    Row,
    SwitchTo,
)
from aiogram_dialog.widgets.text import Const, Format, List, Multi

from bot.flows.documents import deliver, viewer_of
from bot.flows.payouts_card import card_getter, on_more, on_open_claim, on_open_policy, on_payout
from bot.flows.payouts_filter import (
    CUSTOM,
    SCROLL,
    custom_label,
    filter_of,
    filter_windows,
    on_preset,
    period_of,
    preset_buttons,
    preset_of,
    shown_ref,
)
from bot.flows.payouts_statement import basis_number, payout_line, statement
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.states import PayoutsSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of
from bot.privacy import is_strict, number_for
from cabinet import CabinetUnavailable
from cabinet.models import Payout
from documents import Viewer

PAGE_SIZE = 8


def payout_button(viewer: Viewer, payout: Payout, *, strict: bool) -> tuple[str, str]:
    """A payout's button: its date and amount (strict: its date and status)."""
    if strict:
        status = viewer.plain(f"payout-status-{payout.status.value}")
        return payout.id, viewer.plain(
            "payout-button-strict", paid_on=payout.paid_on, status=status
        )
    return payout.id, viewer.plain(
        "payout-button", paid_on=payout.paid_on, amount=payout.amount.amount
    )


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    strict = is_strict(dialog_manager)
    period = period_of(dialog_manager)
    chosen = filter_of(dialog_manager)
    data: dict[str, Any] = {
        "presets": preset_buttons(viewer, preset_of(dialog_manager)),
        "custom_label": custom_label(viewer, preset_of(dialog_manager) == CUSTOM),
        "period": period.text(viewer),
        "filter": chosen.text(viewer),
        "filtered": chosen.on,
        "payouts": [],
    }
    try:
        made = await statement(viewer, period, chosen)
    except CabinetUnavailable:
        return data | {"unavailable": True, "lines": []}
    lines = [
        payout_line(viewer, p, number=number_for(dialog_manager, basis_number(p)), strict=strict)
        for p in made.payouts
    ]
    scroll = dialog_manager.find(SCROLL)
    page = await scroll.get_page() if scroll is not None else 0
    if page * PAGE_SIZE >= len(lines):
        page = 0  # the list got shorter (another filter): its first page
    on_page = made.payouts[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
    shown = bool(lines)
    return data | {
        "note": stale_note(made.reading, i18n_of(dialog_manager), viewer.time_zone),
        "lines": lines,
        "payouts": [payout_button(viewer, p, strict=strict) for p in on_page],
        "empty": not shown,
        "paged": len(lines) > PAGE_SIZE,
        "count": len(lines),
        "total": made.total,
        "counted": viewer.plain(f"payouts-counted-{chosen.counted.value}"),
        "full_total": shown and not strict,
        "strict_total": shown and strict,
        "exportable": shown,
        "details": shown and strict,
    }


async def on_xlsx(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "payouts-xlsx", **shown_ref(manager))


async def on_pdf(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "payouts-pdf", **shown_ref(manager))


async def on_details(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "payouts-details", **shown_ref(manager))


def payouts_dialog() -> Dialog:
    return Dialog(
        Screen(
            Multi(
                Format("{note}", when="note"),
                Multi(T("payouts-heading"), T("payouts-filter-on", when="filtered")),
                T("payouts-unavailable", when="unavailable"),
                T("payouts-empty", when="empty"),
                List(Format("{item}"), items="lines", id=SCROLL, page_size=PAGE_SIZE, sep="\n\n"),
                T("payouts-total", when="full_total"),
                T("payouts-total-strict", when="strict_total"),
                sep="\n\n",
            ),
            Column(choices("payout", "payouts", on_payout)),
            Row(
                PrevPage(scroll=SCROLL, text=Const("◀️")),
                CurrentPage(scroll=SCROLL, text=Format("{current_page1}/{pages}")),
                NextPage(scroll=SCROLL, text=Const("▶️")),
                when="paged",
            ),
            choices("preset", "presets", on_preset),
            Row(
                SwitchTo(Format("{custom_label}"), id="custom", state=PayoutsSG.custom_from),
                SwitchTo(T("payouts-filter"), id="filter", state=PayoutsSG.filter),
            ),
            Row(
                Button(T("payouts-xlsx"), id="xlsx", on_click=on_xlsx),
                Button(T("payouts-pdf"), id="pdf", on_click=on_pdf),
                when="exportable",
            ),
            Button(T("button-more"), id="more", on_click=on_details, when="details"),
            back_to_menu(),
            state=PayoutsSG.list,
            getter=list_getter,
        ),
        Screen(
            Format("{note}", when="note"),
            Format("{card}"),
            Button(T("button-more"), id="more", on_click=on_more, when="strict"),
            Button(T("payout-open-claim"), id="claim", on_click=on_open_claim, when="claim"),
            Button(T("payout-open-policy"), id="policy", on_click=on_open_policy, when="refund"),
            SwitchTo(T("button-back"), id="back", state=PayoutsSG.list),
            state=PayoutsSG.detail,
            getter=card_getter,
        ),
        *filter_windows(),
    )
