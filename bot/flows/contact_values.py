"""A phone or an e-mail as a person types it, as the cabinet takes it, and as a chat shows it.

Read before the cabinet sees it, so a typo gets a clear message at once: a Russian mobile
number however it is written («8 916 123-45-67», «+7 (916) 123 45 67», «9161234567») becomes
`+79161234567`; another country's number is `+` and 8 to 15 digits; an e-mail is
`name@domain.tld`. Shown in full in a `full` chat («+7 916 123-45-67»), masked in a `strict`
one («+7 ••• •••-••-67», «i•••@mail.ru»). A confirmation code is 4 to 8 digits, spaces and
dashes allowed («482 915»).
"""

from __future__ import annotations

import re

from bot.flows.claim_form import Invalid
from cabinet.models import ContactKind

EMAIL_MAX = 254
_SEPARATORS = re.compile(r"[\s\-().]")
_EMAIL = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}")
_CODE = re.compile(r"[0-9]{4,8}")
_MASK = "•••"


def parse_phone(text: str) -> str:
    digits = _SEPARATORS.sub("", text.strip())
    international = digits.startswith("+")
    digits = digits.removeprefix("+")
    if not digits.isdigit():
        raise Invalid("contacts-not-phone")
    if len(digits) == 11 and digits[0] in "78" and not (international and digits[0] == "8"):
        digits = "7" + digits[1:]  # 8 916 … is the Russian trunk prefix
    elif len(digits) == 10 and not international and digits[0] == "9":
        digits = "7" + digits  # a mobile number without its +7
    elif not international or not 8 <= len(digits) <= 15 or digits[0] in "07":
        raise Invalid("contacts-not-phone")
    return "+" + digits


def parse_email(text: str) -> str:
    value = text.strip()
    if len(value) > EMAIL_MAX or not _EMAIL.fullmatch(value) or ".." in value:
        raise Invalid("contacts-not-email")
    local, _, domain = value.rpartition("@")
    return f"{local}@{domain.lower()}"


def parse_contact(kind: ContactKind, text: str) -> str:
    return parse_phone(text) if kind is ContactKind.PHONE else parse_email(text)


def parse_code(text: str) -> str:
    code = _SEPARATORS.sub("", text.strip())
    if not _CODE.fullmatch(code):
        raise Invalid("contacts-not-a-code")
    return code


def shown(kind: ContactKind, value: str, *, strict: bool) -> str:
    if kind is ContactKind.PHONE:
        return _masked_phone(value) if strict else _spaced_phone(value)
    return _masked_email(value) if strict else value


def _spaced_phone(value: str) -> str:
    """+79161234567 → +7 916 123-45-67 (other countries' numbers as they are)."""
    if re.fullmatch(r"\+7[0-9]{10}", value):
        return f"+7 {value[2:5]} {value[5:8]}-{value[8:10]}-{value[10:]}"
    return value


def _masked_phone(value: str) -> str:
    """The country and the last two digits: enough to recognise one's own number."""
    if re.fullmatch(r"\+7[0-9]{10}", value):
        return f"+7 {_MASK} {_MASK}-••-{value[-2:]}"
    return f"{_MASK}{value[-2:]}"


def _masked_email(value: str) -> str:
    local, _, domain = value.rpartition("@")
    return f"{local[:1]}{_MASK}@{domain}"
