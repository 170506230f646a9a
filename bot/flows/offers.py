"""«🎁 Предложения для вас»: the cabinet's personal recommendations of further products.

Only for people who gave the consent to advertising (38-ФЗ ст. 18, `bot/flows/marketing.py`):
without it the section is not in the menu, and an old button or a command that still reaches
it gets the reason and the way to the consent, never an offer. Nothing here is pushed: the
cabinet is asked only when the person opens the section, and no offer is ever sent as a
message of its own. Offers carry no personal data: the same in both privacy modes.
"""

from __future__ import annotations

import html
import operator
from typing import Any

from aiogram_dialog import Dialog, DialogManager
from aiogram_dialog.widgets.kbd import ListGroup, Start, Url
from aiogram_dialog.widgets.text import Format, List, Multi

from bot.flows.access import cabinet_of, customer_of
from bot.flows.readings import stale_note
from bot.flows.screen import Screen
from bot.flows.states import OffersSG, SettingsSG
from bot.flows.widgets import T, back_to_menu, i18n_of, profile_of
from cabinet.models import Offer


def offer_line(dialog_manager: DialogManager, offer: Offer) -> str:
    i18n = i18n_of(dialog_manager)
    title, text = html.escape(offer.title), html.escape(offer.text)
    if offer.price_from is None:
        return i18n.get("offers-item", title=title, text=text)
    return i18n.get("offers-item-priced", title=title, text=text, price=offer.price_from.amount)


async def offers_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    profile = profile_of(dialog_manager)
    if not profile.marketing:
        return {"refused": True, "lines": [], "offers": []}
    reading = await cabinet_of(dialog_manager).offers(
        customer_of(dialog_manager), locale=profile.locale
    )
    offers = reading.value.items
    return {
        "note": stale_note(reading, i18n_of(dialog_manager), profile.time_zone),
        "shown": bool(offers),
        "empty": not offers,
        "lines": [offer_line(dialog_manager, offer) for offer in offers],
        "offers": [{"id": offer.id, "title": offer.title, "url": offer.url} for offer in offers],
    }


def offers_dialog() -> Dialog:
    return Dialog(
        Screen(
            Multi(
                Format("{note}", when="note"),
                T("offers-title"),
                T("offers-no-consent", when="refused"),
                T("offers-empty", when="empty"),
                List(Format("{item}"), items="lines", sep="\n\n"),
                T("offers-footer", when="shown"),
                sep="\n\n",
            ),
            ListGroup(
                Url(Format("{item[title]}"), Format("{item[url]}"), id="open"),
                id="offers",
                item_id_getter=operator.itemgetter("id"),
                items="offers",
            ),
            Start(T("offers-consent"), id="consent", state=SettingsSG.marketing, when="refused"),
            back_to_menu(),
            state=OffersSG.list,
            getter=offers_getter,
        ),
    )
