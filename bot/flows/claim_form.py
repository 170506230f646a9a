"""A claim's form as the cabinet describes it (`listClaimTypes`): reading what a person typed
into a field's value, checking it as the cabinet will, and showing a value back.

No insurance product is known here: a field is a date, a text, an amount, a choice or a
yes/no with its limits, and that is all. A new policy's questions (`listProducts`,
`bot/flows/new_policy.py`) are the same fields, read and refused the same way. The chat
flows (`bot/flows/filing*.py`, `bot/flows/new_policy.py`) and the one-time web pages of strict
mode (the claim form `bot/filing_web.py`, the questionnaire `bot/questions_web.py`) all read
values through here, so they refuse the same input with the same words.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from cabinet.models import (
    ClaimDraft,
    ClaimField,
    ClaimKind,
    DocumentContentType,
    DocumentRequirement,
    FieldKind,
    FieldOption,
    FieldValue,
)

CIRCUMSTANCES_LIMIT = 2000  # ClaimDraftUpdate.circumstances
DATE_FORMATS = ("%d.%m.%Y", "%d.%m.%y", "%Y-%m-%d", "%d/%m/%Y")
YES = frozenset({"да", "yes", "y", "д", "+", "ага", "true"})
NO = frozenset({"нет", "no", "n", "н", "-", "false"})
_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_AMOUNT = re.compile(r"^[0-9]{1,15}([.,][0-9]{1,2})?$")


class Invalid(Exception):
    """Input a field cannot take: the catalogue key that says why, and its variables."""

    def __init__(self, key: str, **variables: Any) -> None:
        super().__init__(key)
        self.key = key
        self.variables = variables


@dataclass(frozen=True)
class Period:
    """The days a date may fall on: a claim's event within the policy's cover and not after
    today; a new policy's answer within the range the product gives (`outside` then names the
    catalogue key that says so, with `starts_on` and `ends_on`)."""

    starts_on: dt.date
    ends_on: dt.date
    today: dt.date
    outside: str = "filing-date-outside"

    @property
    def last(self) -> dt.date:
        return min(self.ends_on, self.today)


def title_of(item: ClaimKind | ClaimField | DocumentRequirement | FieldOption, locale: str) -> str:
    return item.title_en if locale == "en" else item.title


def hint_of(field: ClaimField, locale: str) -> str:
    return (field.hint_en if locale == "en" else field.hint) or ""


def checked_day(day: dt.date, period: Period) -> dt.date:
    if day > period.today:
        raise Invalid("filing-date-future")
    if not period.starts_on <= day <= period.ends_on:
        raise Invalid(period.outside, starts_on=period.starts_on, ends_on=period.ends_on)
    return day


def parse_date(text: str) -> dt.date:
    """A typed date: 03.12.2026, 03.12.26, 2026-12-03 or 03/12/2026 (`ValueError` if not)."""
    for form in DATE_FORMATS:
        with contextlib.suppress(ValueError):
            return dt.datetime.strptime(text.strip(), form).date()
    raise ValueError(text)


def parse_day(text: str) -> dt.date:
    try:
        return parse_date(text)
    except ValueError:
        raise Invalid("filing-date-invalid") from None


def parse_amount(text: str, field: ClaimField) -> str:
    raw = _SPACES.sub("", text.strip().removesuffix("₽").removesuffix("руб.").strip())
    if not _AMOUNT.fullmatch(raw):
        raise Invalid("filing-amount-invalid")
    try:
        amount = Decimal(raw.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise Invalid("filing-amount-invalid") from None
    low = field.min_amount if field.min_amount is not None else Decimal(0)
    high = field.max_amount
    if amount < low or (high is not None and amount > high):
        raise Invalid("filing-amount-range", low=low, high=high if high is not None else "∞")
    return f"{amount:.2f}"


def parse_text(text: str, limit: int) -> str:
    value = text.strip()
    if not value:
        raise Invalid("filing-text-empty")
    if len(value) > limit:
        raise Invalid("filing-text-too-long", limit=limit, length=len(value))
    return value


def parse_yes_no(text: str) -> bool:
    word = text.strip().lower().rstrip(".!")
    if word in YES:
        return True
    if word in NO:
        return False
    raise Invalid("filing-yes-no-invalid")


def option_of(field: ClaimField, option_id: str) -> FieldOption | None:
    return next((o for o in field.options if o.id == option_id), None)


def parse_option(field: ClaimField, text: str, locale: str) -> str:
    """A choice typed instead of pressed: its title (either language), case aside."""
    wanted = text.strip().casefold()
    for option in field.options:
        if wanted in (option.title.casefold(), option.title_en.casefold(), option.id):
            return option.id
    raise Invalid("filing-choice-invalid")


def parse(field: ClaimField, text: str, period: Period, locale: str) -> FieldValue:
    """What a person typed, as the value the cabinet takes; `Invalid` says why not."""
    if field.kind is FieldKind.DATE:
        return checked_day(parse_day(text), period).isoformat()
    if field.kind is FieldKind.AMOUNT:
        return parse_amount(text, field)
    if field.kind is FieldKind.YES_NO:
        return parse_yes_no(text)
    if field.kind is FieldKind.CHOICE:
        return parse_option(field, text, locale)
    return parse_text(text, field.max_length)


def shown(field: ClaimField, value: FieldValue, locale: str) -> tuple[str, dict[str, Any]]:
    """The catalogue key (`filing-value-…`) and the variables that show a value."""
    if isinstance(value, bool):
        return ("filing-value-yes" if value else "filing-value-no"), {}
    if field.kind is FieldKind.DATE:
        return "filing-value-date", {"day": dt.date.fromisoformat(value)}
    if field.kind is FieldKind.AMOUNT:
        return "filing-value-amount", {"amount": Decimal(value)}
    if field.kind is FieldKind.CHOICE:
        option = option_of(field, value)
        return "filing-value-text", {"text": title_of(option, locale) if option else value}
    return "filing-value-text", {"text": value}


# ----------------------------------------------------------------------------- progress


FORMAT_NAMES: dict[DocumentContentType, str] = {
    "application/pdf": "PDF",
    "image/jpeg": "JPG",
    "image/png": "PNG",
}


def formats_of(requirement: DocumentRequirement) -> str:
    """The file types a requirement takes, as a person names them: "JPG, PNG"."""
    return ", ".join(FORMAT_NAMES[kind] for kind in requirement.content_types)


def files_of(draft: ClaimDraft, requirement: str) -> int:
    return sum(1 for document in draft.documents if document.requirement == requirement)


def blocking(draft: ClaimDraft) -> list[str]:
    """The pointers a submit would refuse (`/fields/{id}`, `/circumstances`, `/documents/…`)."""
    return [item.pointer for item in draft.missing if item.blocking]


def label_of(kind: ClaimKind, pointer: str, locale: str, circumstances: str) -> str:
    """The name of what a pointer points at, as the person saw it asked."""
    section, _, name = pointer.strip("/").partition("/")
    items: Iterable[ClaimField | DocumentRequirement] = (
        kind.fields if section == "fields" else kind.documents
    )
    found = next((item for item in items if item.id == name), None)
    if section == "circumstances" or found is None:
        return circumstances
    return title_of(found, locale)
