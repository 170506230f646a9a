"""Справки: the section's menu, ordering (`certificates_order.py`), the list of orders with
their statuses (accepted → preparing → ready | rejected), an order's details and, once it
is ready, the certificate's PDF.

Every order id a button carries is user input: an order is always loaded for the chat's own
customer through `owned()`. In strict privacy mode order numbers are masked; the PDF opens
through a one-time link (`deliver`).
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import Button, ScrollingGroup, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.flows.access import owned
from bot.flows.certificates_order import (
    certificate_types,
    order_windows,
    shown_purpose,
    start_order,
    title_of,
)
from bot.flows.documents import deliver, viewer_of
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.states import CertificatesSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of
from bot.privacy import number_for
from cabinet.models import CertificateOrderStatus, CertificateType
from documents import File, Ref, Renderer, Viewer

SECTION = "certificates"
PAGE_HEIGHT = 6
_WAITING = frozenset({CertificateOrderStatus.ACCEPTED, CertificateOrderStatus.PREPARING})


def _type_title(kinds: dict[str, CertificateType], code: str, locale: str) -> str:
    kind = kinds.get(code)
    return title_of(kind, locale) if kind else code


async def orders_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await viewer.cabinet.certificate_orders(
        viewer.customer_id, page_size=100, locale=viewer.locale
    )
    kinds = await certificate_types(dialog_manager)
    i18n = i18n_of(dialog_manager)
    orders = [
        (
            order.order_id,
            i18n.get(
                "certificate-order-button",
                status=i18n.get(f"certificate-status-{order.status.value}"),
                number=number_for(dialog_manager, order.number),
                type=_type_title(kinds, order.type, viewer.locale),
            ),
        )
        for order in reading.value.items
    ]
    return {
        "orders": orders,
        "empty": not orders,
        "note": stale_note(reading, i18n, viewer.time_zone),
    }


async def on_order(_: CallbackQuery, __: Any, manager: DialogManager, order_id: str) -> None:
    manager.dialog_data["order_id"] = order_id
    await manager.switch_to(CertificatesSG.order)


def order_id_of(manager: DialogManager) -> str:
    return str(manager.dialog_data.get("order_id", ""))


async def order_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    viewer = viewer_of(dialog_manager)
    reading = await owned(
        dialog_manager,
        SECTION,
        viewer.cabinet.certificate_order(
            viewer.customer_id, order_id_of(dialog_manager), locale=viewer.locale
        ),
    )
    order = reading.value
    kind = (await certificate_types(dialog_manager)).get(order.type)
    i18n = i18n_of(dialog_manager)
    return {
        "type": title_of(kind, viewer.locale) if kind else order.type,
        "number": number_for(dialog_manager, order.number),
        "status": i18n.get(f"certificate-status-{order.status.value}"),
        "created_on": order.created_at.astimezone(ZoneInfo(viewer.time_zone)).date(),
        "period_from": order.period_from or "",
        "period_to": order.period_to or "",
        "purpose": shown_purpose(kind, order.purpose, viewer.locale),
        "expected_on": order.expected_on,
        "waiting": order.status in _WAITING,
        "reason": order.rejection_reason or "",
        "ready": order.status is CertificateOrderStatus.READY,
        "note": stale_note(reading, i18n, viewer.time_zone),
    }


async def certificate_pdf(viewer: Viewer, ref: Ref) -> File:
    document = await viewer.cabinet.certificate_document(
        viewer.customer_id, ref["order_id"], locale=viewer.locale
    )
    return File.pdf(document)


async def on_pdf(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await deliver(manager, "certificate-pdf", order_id=order_id_of(manager))


def certificates_dialog() -> Dialog:
    return Dialog(
        Screen(
            T("certificates-title"),
            Button(T("certificates-order"), id="new", on_click=start_order),
            SwitchTo(T("certificates-orders"), id="to_orders", state=CertificatesSG.orders),
            back_to_menu(),
            state=CertificatesSG.menu,
        ),
        *order_windows(),
        Screen(
            Format("{note}", when="note"),
            T("certificates-orders-title"),
            T("certificates-orders-empty", when="empty"),
            ScrollingGroup(
                choices("order", "orders", on_order),
                id="orders",
                width=1,
                height=PAGE_HEIGHT,
                hide_on_single_page=True,
            ),
            SwitchTo(T("button-back"), id="back", state=CertificatesSG.menu),
            state=CertificatesSG.orders,
            getter=orders_getter,
        ),
        Screen(
            Format("{note}", when="note"),
            T("certificate-order"),
            T("certificate-period", when="period_from"),
            T("certificate-purpose"),
            T("certificate-expected", when="waiting"),
            T("certificate-rejected", when="reason"),
            Button(T("certificate-pdf"), id="pdf", on_click=on_pdf, when="ready"),
            SwitchTo(T("button-back"), id="back", state=CertificatesSG.orders),
            state=CertificatesSG.order,
            getter=order_getter,
        ),
    )


#: The documents this flow makes, gathered at start-up (`bot/factory/renderers.py`).
RENDERERS: dict[str, Renderer] = {
    "certificate-pdf": certificate_pdf,
}
