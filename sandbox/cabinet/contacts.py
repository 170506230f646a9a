"""The customer's phone and e-mail, and changing them with a code sent to the new one.

A change (`startContactChange`) checks the new value, "sends" a six-digit code to it and waits:
10 minutes, 3 attempts. Nothing is really sent: every SMS and letter is recorded in the
sandbox's **sent messages** — the operator console's «Отправленные SMS и письма» and
`GET /operator/messages` — where a tester (or a test) reads the code, as a real customer would
read their phone. A newer change of the same kind replaces the one in progress.

However a contact changes — confirmed with its code through the API (the bot), or set by the
insurer's staff from the operator console (as if in the office, or from the website) — the
cabinet announces it with `contacts.changed`: the kind, the new value masked as the cabinet
masks it (`masked`), and where it was changed; with the change's id when its code confirmed it.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from dataclasses import dataclass

from sandbox.cabinet.documents import masked_email
from sandbox.cabinet.model import JSON, instant
from sandbox.cabinet.problems import FieldError, ProblemError
from sandbox.cabinet.texts import Text

CODE_VALIDITY = dt.timedelta(minutes=10)
ATTEMPTS = 3
#: The sent messages kept for the console (the newest).
SENT_KEPT = 200

_PHONE = re.compile(r"\+[1-9][0-9]{7,14}")
_RUSSIAN = re.compile(r"\+7[0-9]{10}")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")

PENDING, CONFIRMED, CANCELLED, REPLACED = "pending", "confirmed", "cancelled", "replaced"
#: Where a contact can be changed apart from the bot (the contract's `source`): the operator
#: console sets a contact as one of these.
OTHER_SOURCES = ("website", "mobile_app", "office", "call_center")


@dataclass
class ContactValue:
    value: str
    confirmed: bool

    def render(self) -> JSON:
        return {"value": self.value, "confirmed": self.confirmed}


@dataclass
class ContactChange:
    id: str
    kind: str  # phone | email
    value: str
    code: str
    expires_at: dt.datetime
    attempts_left: int = ATTEMPTS
    status: str = PENDING
    last_wrong: str | None = None

    def render(self) -> JSON:
        return {
            "change_id": self.id,
            "kind": self.kind,
            "value": self.value,
            "expires_at": instant(self.expires_at),
            "attempts_left": self.attempts_left,
        }


@dataclass(frozen=True)
class SentMessage:
    """An SMS or a letter the sandbox would have sent."""

    at: dt.datetime
    customer_id: str
    channel: str  # sms | email
    to: str
    code: str
    change_id: str

    @property
    def text(self) -> str:
        return f"Код для смены контакта в личном кабинете: {self.code}. Никому его не сообщайте."

    def render(self) -> JSON:
        return {
            "at": instant(self.at),
            "customer_id": self.customer_id,
            "channel": self.channel,
            "to": self.to,
            "text": self.text,
            "code": self.code,
            "change_id": self.change_id,
        }


def normalised(kind: str, value: str) -> str:
    """The value as the cabinet stores it; 422 `validation_failed` at `/value` otherwise."""
    value = value.strip()
    if kind == "phone":
        if _PHONE.fullmatch(value) and (not value.startswith("+7") or _RUSSIAN.fullmatch(value)):
            return value
        detail = Text(
            "Телефон должен быть в международном формате: +7 и 10 цифр.",
            "The phone must be in international form: +7 and 10 digits.",
        )
    else:
        if len(value) <= 254 and _EMAIL.fullmatch(value) and ".." not in value:
            local, _, domain = value.rpartition("@")
            return f"{local}@{domain.lower()}"
        detail = Text("Это не адрес электронной почты.", "This is not an e-mail address.")
    raise ProblemError("validation_failed", detail, [FieldError(detail, pointer="/value")])


def masked(kind: str, value: str) -> str:
    """How the cabinet shows a contact to its customer: `+7 ••• •••-••-67`, `i•••@mail.ru`."""
    if kind == "email":
        return masked_email(value)
    if _RUSSIAN.fullmatch(value):
        return f"+7 ••• •••-••-{value[-2:]}"
    return f"+••• ••• {value[-2:]}"


def changed(kind: str, value: str, source: str, change_id: str | None = None) -> JSON:
    """The data of `contacts.changed`."""
    data: JSON = {"kind": kind, "value": masked(kind, value), "source": source}
    if change_id is not None:
        data["change_id"] = change_id
    return data


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def require_open(change: ContactChange, code: str, now: dt.datetime) -> None:
    """409 for a change that cannot take a code any more; a confirmed one takes its own."""
    if change.status == CANCELLED:
        raise too_many_attempts()
    if change.status == CONFIRMED and code == change.code:
        return
    if change.status != PENDING or now > change.expires_at:
        raise ProblemError(
            "code_expired",
            Text(
                "Срок действия кода истёк, запросите новый.",
                "The code has expired, request a new one.",
            ),
        )


def too_many_attempts() -> ProblemError:
    return ProblemError(
        "too_many_attempts",
        Text(
            "Код введён неверно 3 раза, смена контакта отменена.",
            "A wrong code was entered 3 times; the change is cancelled.",
        ),
    )


def wrong_code(attempts_left: int) -> ProblemError:
    return ProblemError(
        "wrong_code",
        Text("Код не подходит.", "The code is wrong."),
        extra={"attempts_left": attempts_left},
    )
