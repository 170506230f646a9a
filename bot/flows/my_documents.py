"""«🗂 Мои документы»: every document of the person in one list, newest first, a page at a time,
filtered by kind (Все · Полисы · Справки · Обращения · Выплаты · Загруженные мной).

The cabinet keeps policies' and ready certificates' PDFs and the files the person uploaded to
claims (`listDocuments`); a document opens as its file (`full`) or a one-time link (`strict`)
through `deliver`, and a policy or a certificate can be e-mailed to the address the person
confirmed in the cabinet (`sendDocumentByEmail`). The reports the bot makes on demand are
actions here, not stored documents: «Обращения» lists a report per claim, «Выплаты» a
statement per period.

Every id a button carries is user input: a document or a claim is loaded for the chat's own
customer through `owned()` (a 404 is an audited refusal), a filter or a period is one of ours.
In strict privacy mode titles (which may name a car or a file) are not shown: the kind, the
masked number and the date are.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any, TypeAlias
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, Group, Row, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.flows.access import owned, refuse
from bot.flows.deps import deps
from bot.flows.documents import deliver, viewer_of
from bot.flows.help import support_contacts
from bot.flows.keys import fresh_keys, key_of
from bot.flows.payouts_statement import PRESETS, preset_period
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.sections import open_section
from bot.flows.states import DocumentsSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of
from bot.privacy import is_strict, number_for
from cabinet import CabinetRejected, Reading
from cabinet.models import Document, DocumentKind, Page
from documents import File, Ref, Renderer, Viewer

SECTION = "documents"
PAGE_SIZE = 6
EMAIL_KEY = "email"
#: The filters, in the order of their buttons; the cabinet's kind each stands for.
FILTERS: dict[str, DocumentKind | None] = {
    "all": None,
    "policy": DocumentKind.POLICY,
    "certificate": DocumentKind.CERTIFICATE,
    "claim": None,  # the bot's claim reports (actions)
    "payout": None,  # the bot's payout statements (actions)
    "upload": DocumentKind.UPLOAD,
}
ICONS = {DocumentKind.POLICY: "📄", DocumentKind.CERTIFICATE: "🧾", DocumentKind.UPLOAD: "📎"}


def filter_of(manager: DialogManager) -> str:
    chosen = manager.dialog_data.get("filter")
    return chosen if chosen in FILTERS else "all"


def page_of(manager: DialogManager) -> int:
    page = manager.dialog_data.get("page")
    return page if isinstance(page, int) and page >= 1 else 1


def day_of(viewer: Viewer, at: dt.datetime) -> dt.date:
    return at.astimezone(ZoneInfo(viewer.time_zone)).date()


def document_title(manager: DialogManager, viewer: Viewer, document: Document) -> str:
    """The cabinet's title (`full`); the kind and the masked number (`strict`): a title may
    name a car, its plate or a file."""
    if not is_strict(manager):
        return document.title
    number = number_for(manager, document.number)
    return viewer.plain(f"mydocs-strict-{document.kind.value}", number=number)


def filter_buttons(viewer: Viewer, chosen: str) -> list[tuple[str, str]]:
    buttons = []
    for name in FILTERS:
        label = viewer.plain(f"mydocs-filter-{name}")
        if name == chosen:
            label = viewer.plain("mydocs-filter-chosen", filter=label)
        buttons.append((name, label))
    return buttons


#: A page of the list: the cabinet's reading (for its total and staleness) and the buttons.
Listed: TypeAlias = tuple[Reading[Page[Any]], list[tuple[str, str]]]


async def _documents(manager: DialogManager, viewer: Viewer, chosen: str, page: int) -> Listed:
    reading = await viewer.cabinet.documents(
        viewer.customer_id,
        kind=FILTERS[chosen],
        page=page,
        page_size=PAGE_SIZE,
        locale=viewer.locale,
    )
    items = [
        (
            document.id,
            viewer.plain(
                "mydocs-item",
                icon=ICONS[document.kind],
                title=document_title(manager, viewer, document),
                on=day_of(viewer, document.created_at),
            ),
        )
        for document in reading.value.items
    ]
    return reading, items


async def _claim_reports(manager: DialogManager, viewer: Viewer, page: int) -> Listed:
    reading = await viewer.cabinet.claims(
        viewer.customer_id, page=page, page_size=PAGE_SIZE, locale=viewer.locale
    )
    items = [
        (
            claim.id,
            viewer.plain(
                "mydocs-claim-report",
                number=number_for(manager, claim.number),
                type=viewer.plain(f"claim-type-{claim.type.value}"),
            ),
        )
        for claim in reading.value.items
    ]
    return reading, items


async def _page(manager: DialogManager, viewer: Viewer, chosen: str, page: int) -> Listed:
    if chosen == "claim":
        return await _claim_reports(manager, viewer, page)
    return await _documents(manager, viewer, chosen, page)


async def list_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    chosen = filter_of(dialog_manager)
    page = page_of(dialog_manager)
    data: dict[str, Any] = {
        "filters": filter_buttons(viewer, chosen),
        "documents": [],
        "claims": [],
        "statements": [],
        "note": "",
        "hint": viewer.plain(f"mydocs-hint-{chosen}"),
        "page": page,
        "pages": 1,
        "paged": False,
        "has_previous": False,
        "has_next": False,
        "empty": False,
    }
    if chosen == "payout":
        statements = [
            (
                preset,
                viewer.plain("mydocs-statement", period=viewer.plain(f"payouts-preset-{preset}")),
            )
            for preset in PRESETS
        ]
        return data | {"statements": statements, "payouts": True}
    reading, items = await _page(dialog_manager, viewer, chosen, page)
    pages = max(1, math.ceil(reading.value.total / PAGE_SIZE))
    if page > pages:  # fewer documents than when the page was turned: the last page
        page = dialog_manager.dialog_data["page"] = pages
        reading, items = await _page(dialog_manager, viewer, chosen, page)
    data["claims" if chosen == "claim" else "documents"] = items
    return data | {
        "note": stale_note(reading, i18n_of(dialog_manager), viewer.time_zone),
        "page": page,
        "pages": pages,
        "paged": pages > 1,
        "has_previous": page > 1,
        "has_next": page < pages,
        "empty": not items,
        "payouts": False,
    }


async def on_filter(_: CallbackQuery, __: Any, manager: DialogManager, chosen: str) -> None:
    manager.dialog_data["filter"] = chosen if chosen in FILTERS else "all"
    manager.dialog_data["page"] = 1  # the new filter from its first page


async def on_previous(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data["page"] = max(1, page_of(manager) - 1)


async def on_next(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data["page"] = page_of(manager) + 1


async def on_document(_: CallbackQuery, __: Any, manager: DialogManager, document_id: str) -> None:
    manager.dialog_data["document_id"] = document_id
    manager.dialog_data.pop("email", None)
    fresh_keys(manager, EMAIL_KEY)
    await manager.switch_to(DocumentsSG.document)


async def on_claim_report(_: CallbackQuery, __: Any, manager: DialogManager, claim_id: str) -> None:
    viewer = viewer_of(manager)
    await owned(
        manager, SECTION, viewer.cabinet.claim(viewer.customer_id, claim_id, locale=viewer.locale)
    )
    await deliver(manager, "claim-report", claim_id=claim_id)


async def on_statement(_: CallbackQuery, __: Any, manager: DialogManager, preset: str) -> None:
    if preset not in PRESETS:  # not one of our buttons: forged
        await refuse(manager, SECTION)
    period = preset_period(preset, viewer_of(manager).time_zone)
    await deliver(manager, "payouts-pdf", **period.ref())


async def on_all_payouts(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await open_section(manager, "payouts")


def document_id_of(manager: DialogManager) -> str:
    return str(manager.dialog_data.get("document_id", ""))


async def document_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await owned(
        dialog_manager,
        SECTION,
        viewer.cabinet.document(
            viewer.customer_id, document_id_of(dialog_manager), locale=viewer.locale
        ),
    )
    document: Document = reading.value
    email = dialog_manager.dialog_data.get("email") or {}
    unconfirmed = email.get("result") == "unconfirmed"
    contacts = ""
    if unconfirmed:
        settings = deps(dialog_manager).settings
        contacts = await support_contacts(viewer.cabinet, settings, viewer.locale)
    return {
        "title": document_title(dialog_manager, viewer, document),
        "icon": ICONS[document.kind],
        "kind": viewer.plain(f"mydocs-kind-{document.kind.value}"),
        "number": number_for(dialog_manager, document.number),
        "on": day_of(viewer, document.created_at),
        "emailable": document.emailable,
        "sent_to": email.get("sent_to", ""),
        "count": email.get("count", 0),
        "unconfirmed": unconfirmed,
        "contacts": contacts,
        "note": stale_note(reading, i18n_of(dialog_manager), viewer.time_zone),
    }


async def document_file(viewer: Viewer, ref: Ref) -> File:
    made = await viewer.cabinet.document_content(
        viewer.customer_id, ref["document_id"], locale=viewer.locale
    )
    return File(made.filename, made.content, made.content_type)


async def on_open(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "document-file", document_id=document_id_of(manager))


async def on_email(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """«📧 Отправить на e-mail»: the cabinet sends it to the confirmed address; the card says
    where it went, or how to add an address (no confirmed one)."""
    viewer = viewer_of(manager)
    try:
        sent = await owned(
            manager,
            SECTION,
            viewer.cabinet.email_document(
                viewer.customer_id,
                document_id_of(manager),
                idempotency_key=key_of(manager, EMAIL_KEY),
                locale=viewer.locale,
            ),
        )
    except CabinetRejected as exc:
        if exc.code != "email_not_confirmed":
            raise
        manager.dialog_data["email"] = {"result": "unconfirmed"}
        return
    count = int((manager.dialog_data.get("email") or {}).get("count", 0)) + 1
    manager.dialog_data["email"] = {"result": "sent", "sent_to": sent.sent_to, "count": count}
    fresh_keys(manager, EMAIL_KEY)  # this one is spent: pressing again sends another


async def on_support(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await open_section(manager, "feedback")


def documents_dialog() -> Dialog:
    return Dialog(
        Screen(
            Format("{note}", when="note"),
            T("mydocs-title"),
            Format("{hint}"),
            T("mydocs-empty", when="empty"),
            T("mydocs-page", when="paged"),
            Group(choices("filter", "filters", on_filter), width=3),
            choices("document", "documents", on_document),
            choices("claim", "claims", on_claim_report),
            choices("statement", "statements", on_statement),
            Button(
                T("mydocs-all-payouts"), id="all_payouts", on_click=on_all_payouts, when="payouts"
            ),
            Row(
                Button(
                    T("mydocs-previous"), id="previous", on_click=on_previous, when="has_previous"
                ),
                Button(T("mydocs-next"), id="next", on_click=on_next, when="has_next"),
            ),
            back_to_menu(),
            state=DocumentsSG.list,
            getter=list_getter,
        ),
        Screen(
            Format("{note}", when="note"),
            T("mydocs-card"),
            T("mydocs-emailed", when="sent_to"),
            T("mydocs-email-not-confirmed", when="unconfirmed"),
            Button(T("mydocs-open"), id="open", on_click=on_open),
            Button(T("mydocs-email"), id="email", on_click=on_email, when="emailable"),
            Button(T("mydocs-support"), id="support", on_click=on_support, when="unconfirmed"),
            SwitchTo(T("button-back"), id="back", state=DocumentsSG.list),
            state=DocumentsSG.document,
            getter=document_getter,
        ),
    )


#: The documents this flow makes, gathered at start-up (`bot/factory/renderers.py`).
RENDERERS: dict[str, Renderer] = {
    "document-file": document_file,
}
