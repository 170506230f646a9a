"""Changing a policy («✏️ Изменить полис» on a policy's card; «дополнения, изменение
страховых сумм»): what the cabinet allows for this policy now (add a driver, the sum insured,
a new number plate — the cabinet decides) and the changes under way → a change → its
questions (`bot/flows/questionnaire.py`) → the price difference (a surcharge, nothing, or a
refund) → «Подтвердить» → a payment button when there is a surcharge, else «принято» → the
`policy.changed` alerts: paid and in review, then applied with the new PDF, or rejected.

Strict privacy mode takes no personal data through the messenger: a change that asks for any
(a driver's name and licence, a plate) is asked on a one-time questionnaire page
(`bot/questions_web.py`, this purpose's part in `bot/policy_change_web.py`) with the price,
the confirmation and the payment link there; the chat is told it was confirmed (nothing
personal), and the alerts follow as here. The insurer's website stays a second way. Amounts
are not shown in the chat (the payment page shows the surcharge).

Creating a change and confirming it are keyed POSTs (`bot/flows/keys.py`): the confirmation's
key is made when the price comes back, so a retry after an outage confirms the one change.
The policy is loaded for the chat's own customer (`owned()`), as everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button, Column, SwitchTo, Url
from aiogram_dialog.widgets.text import Format

from bot.flows.access import owned
from bot.flows.documents import form_url, viewer_of
from bot.flows.keys import fresh_keys, key_of
from bot.flows.questionnaire import Questionnaire
from bot.flows.screen import Screen
from bot.flows.states import PoliciesSG
from bot.flows.widgets import T, back_to_menu, choices, i18n_of, profile_of, say
from bot.privacy import is_strict, number_for
from cabinet import CabinetRejected
from cabinet.models import (
    PolicyChange,
    PolicyChangeOption,
    PolicyChangeRequest,
    PolicyChanges,
    PolicyChangeStatus,
    ProductQuestion,
)
from documents import FORM_TTL, QUESTIONS_FORM

SECTION = "policies"
#: The purpose of the one-time questionnaire page (`bot/questions_web.py`) that asks a
#: change's personal questions in strict mode.
WEB_PURPOSE = "policy-change"
QUOTE_KEY = "change-quote"
CONFIRM_KEY = "change-confirm"
#: The changes under way or done shown above the options.
SHOWN_CHANGES = 3


def _policy_id(manager: DialogManager) -> str:
    return str(manager.dialog_data.get("policy_id", ""))


async def _changes(manager: DialogManager) -> PolicyChanges:
    viewer = viewer_of(manager)
    call = viewer.cabinet.policy_changes(
        viewer.customer_id, _policy_id(manager), locale=viewer.locale
    )
    return (await owned(manager, SECTION, call)).value


async def _number(manager: DialogManager) -> str:
    viewer = viewer_of(manager)
    call = viewer.cabinet.policy(viewer.customer_id, _policy_id(manager), locale=viewer.locale)
    return number_for(manager, (await owned(manager, SECTION, call)).value.number)


def _title(option: PolicyChangeOption, locale: str) -> str:
    return option.title_en if locale == "en" else option.title


async def _option(manager: DialogManager) -> PolicyChangeOption:
    """The change being made (chosen among the options by `on_option`)."""
    wanted = manager.dialog_data.get("change_option")
    found = next((o for o in (await _changes(manager)).options if o.id == wanted), None)
    if found is None:  # no longer offered (another change began meanwhile): told as a failure
        raise LookupError("the change is no longer offered")
    return found


def _on_page(manager: DialogManager, option: PolicyChangeOption) -> bool:
    """Strict mode and a personal question: the questions are asked on the one-time page."""
    return is_strict(manager) and any(question.personal for question in option.questions)


# ----------------------------------------------------------------------------- the options


async def start_change(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    await manager.switch_to(PoliciesSG.change_options)


def _change_line(manager: DialogManager, change: PolicyChange) -> str:
    i18n = i18n_of(manager)
    zone = ZoneInfo(profile_of(manager).time_zone)
    expires = change.payment_expires_at
    return i18n.get(
        f"change-line-{change.status.value}",
        title=change.title,
        effective_from=change.effective_from,
        expires_at=expires.astimezone(zone) if expires else "",
        reason=change.reason or "",
    )


async def options_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    changes = await _changes(dialog_manager)
    locale = i18n_of(dialog_manager).locale
    shown = [c for c in changes.items if c.status is not PolicyChangeStatus.EXPIRED]
    paying = next((c for c in shown if c.status is PolicyChangeStatus.AWAITING_PAYMENT), None)
    return {
        "number": await _number(dialog_manager),
        "options": [(o.id, _title(o, locale)) for o in changes.options],
        "offered": bool(changes.options),
        "busy": not changes.options
        and any(
            c.status in (PolicyChangeStatus.AWAITING_PAYMENT, PolicyChangeStatus.IN_REVIEW)
            for c in shown
        ),
        "changes": "\n".join(_change_line(dialog_manager, c) for c in shown[:SHOWN_CHANGES]),
        "payment_url": paying.payment_url if paying else "",
    }


async def on_option(_: CallbackQuery, __: Any, manager: DialogManager, option_id: str) -> None:
    if option_id not in {o.id for o in (await _changes(manager)).options}:
        return  # not offered for this policy now: a forged or an old button
    if manager.dialog_data.get("change_option") != option_id:
        manager.dialog_data["change_option"] = option_id
        QUESTIONS.forget(manager)
    await manager.switch_to(PoliciesSG.change_about)


async def about_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    option = await _option(dialog_manager)
    locale = i18n_of(dialog_manager).locale
    on_page = _on_page(dialog_manager, option)
    ref = {"purpose": WEB_PURPOSE, "policy_id": _policy_id(dialog_manager), "option_id": option.id}
    return {
        "title": _title(option, locale),
        "description": option.description_en if locale == "en" else option.description,
        "questions": len(option.questions),
        "website_url": option.website_url,
        "on_page": on_page,
        "in_chat": not on_page,
        "minutes": FORM_TTL // 60,
        # A fresh one-time link with every drawing of the screen (each opens once).
        "form_url": await form_url(dialog_manager, QUESTIONS_FORM, **ref) if on_page else "",
    }


async def on_begin(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    if _on_page(manager, await _option(manager)):
        return  # strict mode: these questions are asked on the one-time page (the screen says so)
    await QUESTIONS.go(manager, 0)


# ----------------------------------------------------------------------------- the questions


async def _questions(manager: DialogManager) -> list[ProductQuestion]:
    return (await _option(manager)).questions


async def _to_about(manager: DialogManager) -> None:
    await manager.switch_to(PoliciesSG.change_about)


async def make_quote(manager: DialogManager) -> None:
    """The cabinet's price difference for the answers; the quote screen."""
    viewer = viewer_of(manager)
    request = PolicyChangeRequest(
        option_id=manager.dialog_data["change_option"], answers=QUESTIONS.answers(manager)
    )
    fresh_keys(manager, QUOTE_KEY)
    try:
        change = await viewer.cabinet.quote_policy_change(
            viewer.customer_id,
            _policy_id(manager),
            request,
            idempotency_key=key_of(manager, QUOTE_KEY),
            locale=viewer.locale,
        )
    except CabinetRejected as exc:
        if exc.code == "change_in_progress":
            await say(manager, "change-in-progress")
            await manager.switch_to(PoliciesSG.change_options)
            return
        # The cabinet judged an answer otherwise than the bot did: ask again from the first
        # question, the answers given still shown as «Сейчас».
        await say(manager, "buy-answers-refused")
        await QUESTIONS.go(manager, 0)
        return
    manager.dialog_data["change"] = change.model_dump(mode="json")
    fresh_keys(manager, CONFIRM_KEY)
    await manager.switch_to(PoliciesSG.change_quote)


QUESTIONS = Questionnaire(
    name="change",
    state=PoliciesSG.change_question,
    questions=_questions,
    after_last=make_quote,
    before_first=_to_about,
)


# ----------------------------------------------------------------------------- the price


def _stored(manager: DialogManager) -> PolicyChange:
    return PolicyChange.model_validate(manager.dialog_data["change"])


def _amounts(change: PolicyChange) -> tuple[Decimal, Decimal]:
    refund = change.refund.amount if change.refund else Decimal(0)
    return change.surcharge.amount, refund


async def quote_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    change = _stored(dialog_manager)
    surcharge, refund = _amounts(change)
    zone = ZoneInfo(profile_of(dialog_manager).time_zone)
    strict = is_strict(dialog_manager)
    return {
        "title": change.title,
        "number": await _number(dialog_manager),
        "surcharge": surcharge,
        "refund": refund,
        "to_pay": bool(surcharge),
        "free": not surcharge and not refund,
        "refunded": bool(refund),
        "full": not strict,
        "strict": strict,
        "effective_from": change.effective_from,
        "valid_until": change.valid_until.astimezone(zone),
        "renewed": bool(dialog_manager.dialog_data.get("change_requoted")),
    }


async def on_confirm(callback: CallbackQuery, _: Button, manager: DialogManager) -> None:
    """«Подтвердить»: the payment button, or «принято». An expired price is worked out again
    with the same answers, and shown."""
    viewer = viewer_of(manager)
    try:
        change = await viewer.cabinet.confirm_policy_change(
            viewer.customer_id,
            _policy_id(manager),
            _stored(manager).change_id,
            idempotency_key=key_of(manager, CONFIRM_KEY),
            locale=viewer.locale,
        )
    except CabinetRejected as exc:
        if exc.code == "change_in_progress":
            await say(manager, "change-in-progress")
            await manager.switch_to(PoliciesSG.change_options)
            return
        if exc.code != "quote_expired":
            raise
        await callback.answer(i18n_of(manager).get("buy-quote-expired"), show_alert=True)
        manager.dialog_data["change_requoted"] = True
        await make_quote(manager)
        return
    manager.dialog_data.pop("change_requoted", None)
    manager.dialog_data["change"] = change.model_dump(mode="json")
    paying = change.status is PolicyChangeStatus.AWAITING_PAYMENT
    await manager.switch_to(PoliciesSG.change_pay if paying else PoliciesSG.change_sent)


async def on_change_answers(_: CallbackQuery, __: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop("change_requoted", None)
    await QUESTIONS.go(manager, 0)


async def confirmed_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    change = _stored(dialog_manager)
    surcharge, refund = _amounts(change)
    zone = ZoneInfo(profile_of(dialog_manager).time_zone)
    expires = change.payment_expires_at
    return {
        "title": change.title,
        "number": await _number(dialog_manager),
        "payment_url": change.payment_url or "",
        "expires_at": expires.astimezone(zone) if expires else "",
        "refund": refund,
        "refunded": bool(refund) and not is_strict(dialog_manager),
        "surcharge": surcharge,
    }


# ----------------------------------------------------------------------------- windows

_ON_PAGE = F["on_page"]


def change_windows() -> tuple[Screen, ...]:
    to_policy = SwitchTo(T("change-to-policy"), id="policy", state=PoliciesSG.detail)
    return (
        Screen(
            T("change-options"),
            Format("{changes}", when="changes"),
            T("change-options-ask", when="offered"),
            T("change-options-busy", when="busy"),
            Column(choices("option", "options", on_option)),
            Url(T("change-pay-button"), Format("{payment_url}"), id="pay", when="payment_url"),
            to_policy,
            state=PoliciesSG.change_options,
            getter=options_getter,
        ),
        Screen(
            T("change-about"),
            T("change-about-web", when=_ON_PAGE),
            Button(T("change-begin"), id="begin", on_click=on_begin, when="in_chat"),
            Url(T("buy-web-open"), Format("{form_url}"), id="form", when=_ON_PAGE),
            Url(T("change-website"), Format("{website_url}"), id="site", when=_ON_PAGE),
            SwitchTo(T("button-back"), id="back", state=PoliciesSG.change_options),
            state=PoliciesSG.change_about,
            getter=about_getter,
        ),
        QUESTIONS.window(),
        Screen(
            T("buy-quote-renewed", when="renewed"),
            T("change-quote"),
            T("change-quote-surcharge", when=F["to_pay"] & F["full"]),
            T("change-quote-surcharge-strict", when=F["to_pay"] & F["strict"]),
            T("change-quote-refund", when=F["refunded"] & F["full"]),
            T("change-quote-refund-strict", when=F["refunded"] & F["strict"]),
            T("change-quote-free", when="free"),
            T("change-quote-valid"),
            Button(T("change-confirm-pay"), id="confirm_pay", on_click=on_confirm, when="to_pay"),
            Button(T("change-confirm"), id="confirm", on_click=on_confirm, when=~F["to_pay"]),
            Button(T("buy-change"), id="answers", on_click=on_change_answers),
            to_policy,
            state=PoliciesSG.change_quote,
            getter=quote_getter,
        ),
        Screen(
            T("change-pay"),
            Url(T("change-pay-button"), Format("{payment_url}"), id="pay"),
            to_policy,
            back_to_menu(),
            state=PoliciesSG.change_pay,
            getter=confirmed_getter,
        ),
        Screen(
            T("change-sent"),
            T("change-sent-refund", when="refunded"),
            to_policy,
            back_to_menu(),
            state=PoliciesSG.change_sent,
            getter=confirmed_getter,
        ),
    )
