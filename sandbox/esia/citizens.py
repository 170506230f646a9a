"""The test citizens one can sign in as, with the identifiers ESIA would give them.

An ESIA account is "confirmed" (подтверждённая учётная запись) once the person proved their
identity in person or with a qualified signature; the ID token then says
`urn:esia:sbj:is_tru: true` and `/rs/prns` says `"trusted": true`. Only a confirmed account is
enough for the bot. Some oids are reserved by the sandbox cabinet for its special answers.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: Confirmed, but the sandbox cabinet answers 404 (not a policyholder) for this subject.
NOT_A_CUSTOMER_OID = "1000000404"
#: Confirmed, but the sandbox cabinet answers 409 (several customers) for this subject.
AMBIGUOUS_CUSTOMER_OID = "1000000409"

_SNILS = re.compile(r"^(\d{3})-(\d{3})-(\d{3}) (\d{2})$")


def snils_checksum(digits: str) -> int:
    """The control number of a SNILS from its first nine digits (Pension Fund rules)."""
    total = sum(int(digit) * (9 - i) for i, digit in enumerate(digits))
    if total < 100:
        return total
    remainder = total % 101  # 100 and 101 give 0 too
    return 0 if remainder == 100 else remainder


def snils_is_valid(snils: str) -> bool:
    """`000-000-000 00` with a right control number."""
    match = _SNILS.match(snils)
    if match is None:
        return False
    digits = "".join(match.groups()[:3])
    return snils_checksum(digits) == int(match[4])


@dataclass(frozen=True)
class Citizen:
    oid: str
    last_name: str
    first_name: str
    middle_name: str | None
    birth_date: dt.date
    snils: str  # "000-000-000 00"
    verified: bool  # a confirmed account: `is_tru` in the ID token, `trusted` in /rs/prns
    gender: str = "M"  # ESIA's "M" | "F"
    #: What the login page says about this test case (not part of the person's data).
    note: str = ""

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    def __repr__(self) -> str:  # personal data stays out of logs and tracebacks
        return f"Citizen(oid={self.oid!r}, verified={self.verified!r})"

    __str__ = __repr__


CITIZENS: tuple[Citizen, ...] = (
    Citizen(
        oid="1000299654",
        last_name="Иванов",
        first_name="Иван",
        middle_name="Петрович",
        birth_date=dt.date(1985, 4, 12),
        snils="145-978-312 08",
        verified=True,
        note="Подтверждённая учётная запись, клиент страховой компании",
    ),
    Citizen(
        oid="1000310207",
        last_name="Петрова",
        first_name="Анна",
        middle_name="Сергеевна",
        birth_date=dt.date(1992, 9, 3),
        snils="203-118-560 08",
        verified=False,
        gender="F",
        note="Упрощённая учётная запись: личность не подтверждена",
    ),
    Citizen(
        oid=NOT_A_CUSTOMER_OID,
        last_name="Сидоров",
        first_name="Павел",
        middle_name="Андреевич",
        birth_date=dt.date(1979, 1, 21),
        snils="167-045-229 64",
        verified=True,
        note="Подтверждённая учётная запись, но не клиент страховой компании",
    ),
    Citizen(
        oid=AMBIGUOUS_CUSTOMER_OID,
        last_name="Кузнецова",
        first_name="Мария",
        middle_name="Олеговна",
        birth_date=dt.date(1990, 6, 30),
        snils="176-310-534 54",
        verified=True,
        gender="F",
        note="Подтверждённая учётная запись, в кабинете несколько клиентов с этими данными",
    ),
    Citizen(
        oid="1000322318",
        last_name="Ли",
        first_name="Александр",
        middle_name=None,
        birth_date=dt.date(2001, 11, 5),
        snils="112-233-445 95",
        verified=True,
        note="Подтверждённая учётная запись без отчества; среди выплат — возврат премии",
    ),
)

_BY_OID = {citizen.oid: citizen for citizen in CITIZENS}


def citizen(oid: str) -> Citizen | None:
    return _BY_OID.get(oid)
