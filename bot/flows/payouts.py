"""Выплаты: a period's payouts (this year, last year, the last 12 months), a page of them at a
time with the period's total, and the period exported as XLSX and PDF.

The section opens on this year's payouts; a preset button shows another period. In strict
privacy mode the chat shows the date, the status and the masked claim number only; the
amounts and the recipient are behind "Подробнее" and in the exports (one-time links).
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, CurrentPage, NextPage, PrevPage, Row
from aiogram_dialog.widgets.text import Const, Format, List, Multi

from bot.flows.documents import Viewer, deliver, viewer_of
from bot.flows.payouts_statement import (
    DEFAULT_PRESET,
    PRESETS,
    payout_line,
    preset_period,
    statement,
)
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.states import PayoutsSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of
from bot.privacy import is_strict, number_for
from cabinet import CabinetUnavailable

PAGE_SIZE = 8
SCROLL = "payouts"


def preset_of(manager: DialogManager) -> str:
    preset = manager.dialog_data.get("preset")
    return preset if preset in PRESETS else DEFAULT_PRESET


def shown_period(manager: DialogManager) -> dict[str, str]:
    """The period on the screen, as a document's reference."""
    return preset_period(preset_of(manager), viewer_of(manager).time_zone).ref()


def preset_buttons(viewer: Viewer, chosen: str) -> list[tuple[str, str]]:
    buttons = []
    for preset in PRESETS:
        label = viewer.text(f"payouts-preset-{preset}")
        if preset == chosen:
            label = viewer.text("payouts-preset-chosen", preset=label)
        buttons.append((preset, label))
    return buttons


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    strict = is_strict(dialog_manager)
    chosen = preset_of(dialog_manager)
    period = preset_period(chosen, viewer.time_zone)
    data: dict[str, Any] = {
        "presets": preset_buttons(viewer, chosen),
        "period": period.text(viewer),
    }
    try:
        made = await statement(viewer, period)
    except CabinetUnavailable:
        return data | {"unavailable": True, "lines": []}
    lines = [
        payout_line(viewer, p, claim=number_for(dialog_manager, p.claim_number), strict=strict)
        for p in made.payouts
    ]
    shown = bool(lines)
    return data | {
        "note": stale_note(made.reading, i18n_of(dialog_manager), viewer.time_zone),
        "lines": lines,
        "empty": not shown,
        "paged": len(lines) > PAGE_SIZE,
        "count": len(lines),
        "total": made.total,
        "full_total": shown and not strict,
        "strict_total": shown and strict,
        "exportable": shown,
        "details": shown and strict,
    }


async def on_preset(_: CallbackQuery, __: Any, manager: DialogManager, preset: str) -> None:
    manager.dialog_data["preset"] = preset if preset in PRESETS else DEFAULT_PRESET
    scroll = manager.find(SCROLL)
    if scroll is not None:
        await scroll.set_page(0)  # the new period from its first page


async def on_xlsx(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "payouts-xlsx", **shown_period(manager))


async def on_pdf(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "payouts-pdf", **shown_period(manager))


async def on_more(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "payouts-details", **shown_period(manager))


def payouts_dialog() -> Dialog:
    return Dialog(
        Screen(
            Multi(
                Format("{note}", when="note"),
                T("payouts-heading"),
                T("payouts-unavailable", when="unavailable"),
                T("payouts-empty", when="empty"),
                List(Format("{item}"), items="lines", id=SCROLL, page_size=PAGE_SIZE, sep="\n\n"),
                T("payouts-total", when="full_total"),
                T("payouts-total-strict", when="strict_total"),
                sep="\n\n",
            ),
            choices("preset", "presets", on_preset),
            Row(
                PrevPage(scroll=SCROLL, text=Const("◀️")),
                CurrentPage(scroll=SCROLL, text=Format("{current_page1}/{pages}")),
                NextPage(scroll=SCROLL, text=Const("▶️")),
                when="paged",
            ),
            Row(
                Button(T("payouts-xlsx"), id="xlsx", on_click=on_xlsx),
                Button(T("payouts-pdf"), id="pdf", on_click=on_pdf),
                when="exportable",
            ),
            Button(T("button-more"), id="more", on_click=on_more, when="details"),
            back_to_menu(),
            state=PayoutsSG.list,
            getter=list_getter,
        ),
    )
