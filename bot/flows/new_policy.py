"""A new policy («🛒 Оформить полис» in «📄 Полисы»): the products the cabinet sells online →
the product's questions, one step each → the start date → the quote (price, term, what is
covered) → «Оформить и оплатить» → a payment button. When the cabinet reports the policy issued
(`policy.issued`), the alert brings its PDF and the policy is in the list.

38-ФЗ «О рекламе»: a price sent to someone who did not ask for it is advertising. This flow is
only ever started by the person (the button, or their own words «оформить полис»); the bot
never offers products or prices on its own, in alerts or otherwise.

The questions are rendered from the cabinet's description and read by `claim_form`, as a
claim's fields are: the same words refuse the same bad input, and the step repeats with
nothing already answered lost. Strict privacy mode takes no personal data through the
messenger: a product that asks for any (`personal` questions: an address, a birth date) is
not asked here. Its screen offers «📝 Заполнить анкету», a one-time page
(`bot/questions_web.py`, this purpose's part in `bot/new_policy_web.py`) that asks all its
questions and the start date, read by the same `claim_form`, `period_of` and `start_period`,
shows the quote and «Оформить и оплатить» and then the payment link; the chat is told through
the outbox that the form was filled (nothing personal), and `policy.issued` brings the policy
as it does here. The insurer's website stays a second way («🌐 Оформить на сайте»).

Creating a quote and accepting it are keyed POSTs (`bot/flows/keys.py`): the key of the next
quote is made by the step that leads to it and replaced once a quote came back, so a retry
after an outage gets the one quote, and new answers a new one.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F
from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import ChatEvent, DialogManager
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, SwitchTo, Url
from aiogram_dialog.widgets.text import Format

from bot.flows.access import cabinet_of, customer_of
from bot.flows.certificates_calendar import PeriodCalendar, refuse_day, today_of
from bot.flows.claim_form import (
    Invalid,
    Period,
    checked_day,
    parse_day,
)
from bot.flows.documents import form_url
from bot.flows.keys import fresh_keys, key_of
from bot.flows.questionnaire import Questionnaire
from bot.flows.screen import Screen
from bot.flows.states import PoliciesSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of, say
from bot.privacy import is_strict
from cabinet import CabinetRejected
from cabinet.models import (
    PolicyQuote,
    PolicyQuoteRequest,
    ProductQuestion,
    SaleProduct,
)
from documents import FORM_TTL, QUESTIONS_FORM

#: The purpose of the one-time questionnaire page (`bot/questions_web.py`) that asks a
#: product's questions in strict mode (`bot/new_policy_web.py`).
WEB_PURPOSE = "new-policy"
QUOTE_KEY = "policy-quote"
ACCEPT_KEY = "policy-accept"
STALE_QUOTE = frozenset({"quote_expired", "quote_not_found"})
_TEXT_KINDS = (ContentType.TEXT,)


# ----------------------------------------------------------------------------- the products


def name_of(product: SaleProduct, locale: str) -> str:
    """The product's title in the person's language."""
    return product.title_en if locale == "en" else product.title


async def _products(manager: DialogManager) -> list[SaleProduct]:
    reading = await cabinet_of(manager).products(locale=i18n_of(manager).locale)
    return reading.value


async def _product(manager: DialogManager) -> SaleProduct | None:
    wanted = manager.dialog_data.get("product_id")
    return next((p for p in await _products(manager) if p.id == wanted), None)


async def _chosen(manager: DialogManager) -> SaleProduct:
    """The product being bought (chosen from the catalogue by `on_product`)."""
    product = await _product(manager)
    if product is None:  # left the catalogue meanwhile: reported as any failure is
        raise LookupError("the product is no longer sold")
    return product


async def start_buying(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    """«🛒 Оформить полис»: the person asked for the products (and their prices)."""
    await manager.switch_to(PoliciesSG.buy_products)


async def products_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    locale = i18n_of(dialog_manager).locale
    products = [(p.id, name_of(p, locale)) for p in await _products(dialog_manager)]
    return {"products": products, "none": not products}


async def on_product(_: CallbackQuery, __: Any, manager: DialogManager, product_id: str) -> None:
    if product_id not in {p.id for p in await _products(manager)}:
        return  # not a product the cabinet sells: a forged or an old button
    if manager.dialog_data.get("product_id") != product_id:
        manager.dialog_data["product_id"] = product_id
        QUESTIONS.forget(manager)
    await manager.switch_to(PoliciesSG.buy_about)


def _personal(product: SaleProduct) -> bool:
    return any(question.personal for question in product.questions)


def _on_page(manager: DialogManager, product: SaleProduct) -> bool:
    """Strict mode and a personal question: the questions are asked on the one-time page."""
    return is_strict(manager) and _personal(product)


async def about_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    product = await _chosen(dialog_manager)
    locale = i18n_of(dialog_manager).locale
    on_page = _on_page(dialog_manager, product)
    return {
        "title": name_of(product, locale),
        "description": product.description_en if locale == "en" else product.description,
        "questions": len(product.questions),
        "months": product.term_months,
        "terms_url": product.terms_url,
        "website_url": product.website_url,
        "on_page": on_page,
        "in_chat": not on_page,
        "minutes": FORM_TTL // 60,
        # A fresh one-time link with every drawing of the screen (each opens once).
        "form_url": (
            await form_url(
                dialog_manager, QUESTIONS_FORM, purpose=WEB_PURPOSE, product_id=product.id
            )
            if on_page
            else ""
        ),
    }


async def on_begin(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    product = await _chosen(manager)
    if _on_page(manager, product):
        return  # strict mode: these questions are asked on the one-time page (the screen says so)
    await QUESTIONS.go(manager, 0)


# ----------------------------------------------------------------------------- the questions


async def _questions(manager: DialogManager) -> list[ProductQuestion]:
    return (await _chosen(manager)).questions


async def _to_start(manager: DialogManager) -> None:
    fresh_keys(manager, QUOTE_KEY)  # the next quote is a new one
    await manager.switch_to(PoliciesSG.buy_start)


async def _to_about(manager: DialogManager) -> None:
    await manager.switch_to(PoliciesSG.buy_about)


QUESTIONS = Questionnaire(
    name="buy",
    state=PoliciesSG.buy_question,
    questions=_questions,
    after_last=_to_start,
    before_first=_to_about,
    extra_steps=1,  # the start date
)


# ----------------------------------------------------------------------------- the start date


def start_period(product: SaleProduct, today: dt.date) -> Period:
    first = today + dt.timedelta(days=product.start_min_days)
    last = today + dt.timedelta(days=product.start_max_days)
    return Period(first, last, today=last, outside="buy-start-outside")


async def start_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    product = await _chosen(dialog_manager)
    period = start_period(product, today_of(dialog_manager))
    return {
        "step": len(product.questions) + 1,
        "steps": len(product.questions) + 1,
        "min_date": period.starts_on,
        "max_date": period.ends_on,
        "first": period.starts_on,
        "last": period.ends_on,
    }


async def _quote(event: ChatEvent, manager: DialogManager, day: dt.date) -> None:
    product = await _chosen(manager)
    try:
        checked_day(day, start_period(product, today_of(manager)))
    except Invalid as invalid:
        await refuse_day(event, manager, invalid.key, **invalid.variables)
        return
    manager.dialog_data["starts_on"] = day.isoformat()
    await make_quote(event, manager)


async def make_quote(event: ChatEvent, manager: DialogManager) -> None:
    """The cabinet's price for the answers and the start date; the quote screen."""
    request = PolicyQuoteRequest(
        product_id=manager.dialog_data["product_id"],
        starts_on=dt.date.fromisoformat(manager.dialog_data["starts_on"]),
        answers=QUESTIONS.answers(manager),
    )
    try:
        try:
            quote = await _priced(manager, request)
        except CabinetRejected as exc:
            if exc.code != "idempotency_key_reused":
                raise
            # The key of a request lost in an outage, and the person changed the date since:
            # this is a new request, with a new key.
            fresh_keys(manager, QUOTE_KEY)
            quote = await _priced(manager, request)
    except CabinetRejected:
        # The cabinet judged an answer otherwise than the bot did (its rules changed): ask
        # again from the first question, the answers given still shown as «Сейчас».
        fresh_keys(manager, QUOTE_KEY)
        await say(manager, "buy-answers-refused")
        await QUESTIONS.go(manager, 0)
        return
    manager.dialog_data["quote"] = {
        "id": quote.quote_id,
        "premium": str(quote.premium.amount),
        "months": quote.term_months,
        "starts_on": quote.starts_on.isoformat(),
        "ends_on": quote.ends_on.isoformat(),
        "valid_until": quote.valid_until.isoformat(),
        "terms_url": quote.terms_url,
        "coverages": [[c.name, str(c.sum_insured.amount)] for c in quote.coverages],
    }
    fresh_keys(manager, QUOTE_KEY, ACCEPT_KEY)
    await manager.switch_to(PoliciesSG.buy_quote)


async def _priced(manager: DialogManager, request: PolicyQuoteRequest) -> PolicyQuote:
    return await cabinet_of(manager).quote_policy(
        customer_of(manager),
        request,
        idempotency_key=key_of(manager, QUOTE_KEY),
        locale=i18n_of(manager).locale,
    )


async def on_start_day(event: ChatEvent, _: Any, manager: DialogManager, day: dt.date) -> None:
    await _quote(event, manager, day)


async def on_start_tomorrow(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    product = await _chosen(manager)
    day = today_of(manager) + dt.timedelta(days=max(product.start_min_days, 1))
    await _quote(callback, manager, day)


async def on_start_typed(message: Message, _: MessageInput, manager: DialogManager) -> None:
    try:
        day = parse_day(message.text or "")
    except Invalid as invalid:
        await refuse_day(message, manager, invalid.key, **invalid.variables)
        return
    await _quote(message, manager, day)


async def on_back_from_start(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await QUESTIONS.last(manager)


# ----------------------------------------------------------------------------- quote and payment


async def quote_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    quote: dict[str, Any] = dialog_manager.dialog_data["quote"]
    product = await _chosen(dialog_manager)
    i18n = i18n_of(dialog_manager)
    zone = ZoneInfo(profile_of(dialog_manager).time_zone)
    coverages = "\n".join(
        i18n.get("buy-quote-coverage", name=name, amount=Decimal(amount))
        for name, amount in quote["coverages"]
    )
    return {
        "title": name_of(product, i18n.locale),
        "premium": Decimal(quote["premium"]),
        "months": quote["months"],
        "starts_on": dt.date.fromisoformat(quote["starts_on"]),
        "ends_on": dt.date.fromisoformat(quote["ends_on"]),
        "valid_until": dt.datetime.fromisoformat(quote["valid_until"]).astimezone(zone),
        "coverages": coverages,
        "terms_url": quote["terms_url"],
        "renewed": bool(dialog_manager.dialog_data.get("requoted")),
    }


async def on_accept(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    """«Оформить и оплатить»: the quote is accepted, an order made, the payment button shown.
    An expired quote is priced again with the same answers, and the new quote shown."""
    quote: dict[str, Any] = manager.dialog_data["quote"]
    try:
        order = await cabinet_of(manager).accept_policy_quote(
            customer_of(manager),
            quote["id"],
            idempotency_key=key_of(manager, ACCEPT_KEY),
            locale=i18n_of(manager).locale,
        )
    except CabinetRejected as exc:
        if exc.code not in STALE_QUOTE:
            raise
        await callback.answer(i18n_of(manager).get("buy-quote-expired"), show_alert=True)
        manager.dialog_data["requoted"] = True
        await make_quote(callback, manager)
        return
    manager.dialog_data.pop("requoted", None)
    manager.dialog_data["order"] = {
        "payment_url": order.payment_url,
        "expires_at": order.expires_at.isoformat(),
    }
    await manager.switch_to(PoliciesSG.buy_pay)


async def on_change_answers(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("requoted", None)
    await QUESTIONS.go(manager, 0)


async def pay_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    order: dict[str, str] = dialog_manager.dialog_data["order"]
    zone = ZoneInfo(profile_of(dialog_manager).time_zone)
    return {
        "payment_url": order["payment_url"],
        "expires_at": dt.datetime.fromisoformat(order["expires_at"]).astimezone(zone),
    }


# ----------------------------------------------------------------------------- windows

_ON_PAGE = F["on_page"]


def buying_windows() -> tuple[Screen, ...]:
    return (
        Screen(
            T("buy-products"),
            T("buy-products-none", when="none"),
            Column(choices("product", "products", on_product)),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.list),
            state=PoliciesSG.buy_products,
            getter=products_getter,
        ),
        Screen(
            T("buy-about"),
            T("buy-about-web", when=_ON_PAGE),
            Button(T("buy-begin"), id="begin", on_click=on_begin, when="in_chat"),
            Url(T("buy-web-open"), Format("{form_url}"), id="form", when=_ON_PAGE),
            Url(T("buy-website"), Format("{website_url}"), id="site", when=_ON_PAGE),
            Url(T("buy-terms"), Format("{terms_url}"), id="terms"),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.buy_products),
            state=PoliciesSG.buy_about,
            getter=about_getter,
        ),
        QUESTIONS.window(),
        Screen(
            T("buy-start"),
            PeriodCalendar(id="start", on_click=on_start_day),
            Button(T("buy-tomorrow"), id="tomorrow", on_click=on_start_tomorrow),
            MessageInput(on_start_typed, content_types=_TEXT_KINDS),
            MessageInput(QUESTIONS.on_not_text),
            Button(T("button-back"), id="back", on_click=on_back_from_start),
            state=PoliciesSG.buy_start,
            getter=start_getter,
        ),
        Screen(
            T("buy-quote-renewed", when="renewed"),
            T("buy-quote"),
            Button(T("buy-accept"), id="accept", on_click=on_accept),
            Url(T("buy-terms"), Format("{terms_url}"), id="terms"),
            Button(T("buy-change"), id="change", on_click=on_change_answers),
            back_to_menu(),
            state=PoliciesSG.buy_quote,
            getter=quote_getter,
        ),
        Screen(
            T("buy-pay"),
            Url(T("buy-pay-button"), Format("{payment_url}"), id="pay"),
            SwitchTo(T("buy-to-policies"), id="policies", state=PoliciesSG.list),
            back_to_menu(),
            state=PoliciesSG.buy_pay,
            getter=pay_getter,
        ),
    )
