"""Claim drafts: a claim being filled in — its values checked against the claim type's fields,
its documents against the requirements, and what a submit would still lack.

Every check here answers with a :class:`FieldError` whose pointer names the field
(`/fields/{id}`, `/circumstances`, `/documents/{requirement}`), as the contract's 422s do.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from sandbox.cabinet.claim_kinds import ClaimKind, Field
from sandbox.cabinet.model import JSON, Policy, instant
from sandbox.cabinet.problems import FieldError
from sandbox.cabinet.texts import Text

Value = str | bool
_AMOUNT = re.compile(r"^[0-9]{1,15}(\.[0-9]{1,2})?$")
_OUTSIDE = Text("Дата вне срока действия полиса.", "The date is outside the policy's period.")


@dataclass(frozen=True)
class DraftDocument:
    id: str
    requirement: str
    name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime

    def render(self) -> JSON:
        return {
            "document_id": self.id,
            "requirement": self.requirement,
            "name": self.name,
            "size": self.size,
            "content_type": self.content_type,
            "uploaded_at": instant(self.uploaded_at),
        }


@dataclass(frozen=True)
class Missing:
    pointer: str
    blocking: bool
    detail: Text

    def render(self) -> JSON:
        return {"pointer": self.pointer, "blocking": self.blocking}


@dataclass
class Draft:
    id: str
    policy: Policy
    kind: ClaimKind
    created_at: dt.datetime
    updated_at: dt.datetime
    values: dict[str, Value] = field(default_factory=dict)
    circumstances: str | None = None
    documents: list[DraftDocument] = field(default_factory=list)

    def files_of(self, requirement: str) -> list[DraftDocument]:
        return [d for d in self.documents if d.requirement == requirement]

    def missing(self) -> list[Missing]:
        items = [
            Missing(f"/fields/{f.id}", True, Text("Заполните поле.", "Fill in the field."))
            for f in self.kind.fields
            if f.required and f.id not in self.values
        ]
        if not self.circumstances:
            items.append(
                Missing(
                    "/circumstances",
                    True,
                    Text("Опишите, что случилось.", "Describe what happened."),
                )
            )
        items += [
            Missing(
                f"/documents/{r.id}",
                not r.can_add_later,
                Text("Приложите документ.", "Attach the document."),
            )
            for r in self.kind.documents
            if r.required and not self.files_of(r.id)
        ]
        return items

    def render(self) -> JSON:
        rendered: JSON = {
            "draft_id": self.id,
            "policy_id": self.policy.id,
            "policy_number": self.policy.number,
            "claim_type": self.kind.id,
            "created_at": instant(self.created_at),
            "updated_at": instant(self.updated_at),
            "fields": dict(self.values),
            "documents": [d.render() for d in self.documents],
            "missing": [m.render() for m in self.missing()],
        }
        if self.circumstances:
            rendered["circumstances"] = self.circumstances
        return rendered


def value_error(spec: Field, value: Value, policy: Policy, today: dt.date) -> Text | None:
    """Why `value` does not fit the field, or None (a date: within the policy, not after today)."""
    first, last = policy.starts_on, min(policy.ends_on, today)
    return checked_value(spec, value, first, last, today=today, outside=_OUTSIDE)


def checked_value(
    spec: Field, value: Value, first: dt.date, last: dt.date, *, today: dt.date, outside: Text
) -> Text | None:
    """Why `value` does not fit the field, a date judged from `first` to `last`; or None."""
    if spec.kind == "yes_no":
        return None if isinstance(value, bool) else Text("Нужно да или нет.", "Yes or no.")
    if not isinstance(value, str):
        return Text("Нужна строка.", "A string is expected.")
    if spec.kind == "date":
        return date_error(value, first, last, today=today, outside=outside)
    if spec.kind == "amount":
        return _amount_error(spec, value)
    if spec.kind == "choice":
        known = {key for key, _ in spec.options}
        return None if value in known else Text("Нет такого варианта.", "No such option.")
    return _text_error(spec, value)


def _text_error(spec: Field, value: str) -> Text | None:
    text = value.strip()
    if not text or len(text) > spec.max_length:
        return Text(
            "Текст пустой или длиннее {n} символов.", "The text is empty or longer than {n}."
        ).format(n=str(spec.max_length))
    return None


def date_error(
    value: str, first: dt.date, last: dt.date, *, today: dt.date, outside: Text
) -> Text | None:
    """Why `value` is not a date from `first` to `last` (a claim's: not after `today`)."""
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return Text("Дата в формате ГГГГ-ММ-ДД.", "A date as YYYY-MM-DD.")
    if len(value) != 10:
        return Text("Дата в формате ГГГГ-ММ-ДД.", "A date as YYYY-MM-DD.")
    if last <= today < day:
        return Text("Дата ещё не наступила.", "The date is in the future.")
    if not first <= day <= last:
        return outside
    return None


def _amount_error(spec: Field, value: str) -> Text | None:
    if not _AMOUNT.fullmatch(value):
        return Text("Сумма — число с точкой.", "An amount as a decimal number.")
    try:
        amount = Decimal(value)
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        return Text("Сумма — число с точкой.", "An amount as a decimal number.")
    low = spec.min_amount if spec.min_amount is not None else Decimal(0)
    high = spec.max_amount if spec.max_amount is not None else Decimal("1e15")
    if not low <= amount <= high:
        return Text("Сумма от {a} до {b}.", "An amount from {a} to {b}.").format(
            a=f"{low:.2f}", b=f"{high:.2f}"
        )
    return None


def update_errors(
    draft: Draft, values: dict[str, Value | None], today: dt.date
) -> list[FieldError]:
    errors: list[FieldError] = []
    for field_id, value in values.items():
        spec = draft.kind.field(field_id)
        pointer = f"/fields/{field_id}"
        if spec is None:
            errors.append(FieldError(Text("Нет такого поля.", "No such field."), pointer=pointer))
            continue
        if value is None:
            continue
        problem = value_error(spec, value, draft.policy, today)
        if problem is not None:
            errors.append(FieldError(problem, pointer=pointer))
    return errors


def normalised(spec: Field, value: Value) -> Value:
    """The value as stored: amounts with two decimals, texts without outer spaces."""
    if isinstance(value, bool):
        return value
    if spec.kind == "amount":
        return f"{Decimal(value):.2f}"
    return value.strip()
