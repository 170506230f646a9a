"""Deterministic demo portfolios: the same customer id always yields the same customer.

Everything is drawn from a `random.Random` seeded with the customer id, with dates relative
to today (UTC), so a portfolio can be rebuilt at any time from the id alone. Each customer
has OSAGO (expiring within 30 days, renewable for 6 or 12 months), KASKO (not renewable
online, with a deductible, its premium in two installments: the first paid, the second due
within two weeks) and DMS (renewable for 12 months); the motor policies name the holder and
one more driver; five to seven claims in several
statuses with consistent histories; sent indemnity payouts for the paid and closed claims
(one this calendar year, one the year before) and, with the paid claim, a reimbursement of
towing expenses that failed (the account closed); two certificate orders (one ready, one preparing).
One customer also had premium refunded (`REFUND_CUSTOMERS`): their DMS programme lost its
dental cover a few weeks ago, and part of the premium came back as a `premium_refund` payout
under the policy, not a claim.

The names are invented: nothing a customer told the sandbox ends up in their portfolio.
The contract's example customer gets the ids used in the contract's examples.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from sandbox.cabinet.contacts import ContactValue
from sandbox.cabinet.dates import (
    CERTIFICATE_WORKING_DAYS,
    add_months,
    term_end,
    working_days_after,
)
from sandbox.cabinet.ids import EXAMPLE_CUSTOMER_ID, customer_id_for, stable_id
from sandbox.cabinet.model import (
    CertificateOrder,
    Claim,
    ClaimDocument,
    Contacts,
    Coverage,
    Customer,
    HistoryEntry,
    Installment,
    Payout,
    Person,
    Policy,
    SupportContacts,
    Vehicle,
)
from sandbox.cabinet.texts import Text

_EXAMPLE_IDS = {
    "pol:osago": "pol_8d2e41",
    "pol:kasko": "pol_41c9b7",
    "pol:dms": "pol_a07f33",
    "clm:awaiting_documents": "clm_51b7c0",
    "clm:in_review": "clm_2e8f19",
    "clm:approved": "clm_7c1d90",
    "clm:paid": "clm_0a4d6b",
    "pay:paid": "pay_6f0a3b",
    "pay:premium_refund": "pay_3b90d2",
    "cro:preparing": "cro_4b1f02",
    "cro:ready": "cro_19d6e5",
}

_MEN = (
    ("Иванов", "Иван", "Петрович"),
    ("Смирнов", "Алексей", "Викторович"),
    ("Кузнецов", "Дмитрий", "Андреевич"),
    ("Попов", "Сергей", "Николаевич"),
    ("Соколов", "Михаил", "Олегович"),
    ("Лебедев", "Андрей", "Игоревич"),
)
_WOMEN = (
    ("Васильева", "Анна", "Сергеевна"),
    ("Морозова", "Екатерина", "Дмитриевна"),
    ("Новикова", "Мария", "Александровна"),
    ("Фёдорова", "Ольга", "Викторовна"),
    ("Павлова", "Наталья", "Ивановна"),
)
_VEHICLES = (
    ("Lada", "Vesta"),
    ("Kia", "Rio"),
    ("Hyundai", "Solaris"),
    ("Skoda", "Octavia"),
    ("Toyota", "Camry"),
    ("Volkswagen", "Polo"),
    ("Haval", "Jolion"),
    ("Renault", "Logan"),
)
_PLATE_LETTERS = "АВЕКМНОРСТУХ"
_VIN_CHARACTERS = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"
_REGIONS = ("77", "97", "99", "177", "197", "50", "750", "78", "178")

INSURER_CONTACTS = SupportContacts(
    phone="8 800 555-00-55",
    email="care@insurer.example",
    hours=Text("Круглосуточно, без выходных", "24/7, every day"),
    address=Text("Москва, ул. Тверская, д. 12, стр. 1", "12/1 Tverskaya St., Moscow"),
    website="https://insurer.example",
)
_MOTOR_CONTACTS = Contacts(
    phone="+7 800 555-35-35",
    email="help@insurer.example",
    hours="Круглосуточно",
    address="Москва, ул. Тверская, д. 12, стр. 1",
)
_KASKO_CONTACTS = Contacts(
    phone="+7 800 555-35-35", email="kasko@insurer.example", hours="Пн–Пт 9:00–20:00 (МСК)"
)
_DMS_CONTACTS = Contacts(
    phone="+7 800 555-36-36", email="dms@insurer.example", hours="Круглосуточно"
)

_ACCIDENT_DOCUMENTS = (
    Text("Справка о ДТП из ГИБДД", "Road accident certificate from the traffic police"),
    Text("Фотографии повреждений при дневном свете", "Photos of the damage in daylight"),
)


class _Draw:
    """The seeded random source, with the few shapes of values a portfolio needs.

    `later` draws what was added to the portfolios later (drivers, installments) from a source
    of its own, so that everything drawn before stays what it was for every customer."""

    def __init__(self, customer_id: str) -> None:
        self.customer_id = customer_id
        self.rng = random.Random(f"sandbox-cabinet:{customer_id}")  # noqa: S311 - demo data
        self.later = random.Random(f"sandbox-cabinet:{customer_id}:2")  # noqa: S311

    def id(self, prefix: str, role: str) -> str:
        if self.customer_id == EXAMPLE_CUSTOMER_ID and f"{prefix}:{role}" in _EXAMPLE_IDS:
            return _EXAMPLE_IDS[f"{prefix}:{role}"]
        return stable_id(prefix, self.customer_id, role)

    def digits(self, count: int) -> str:
        return "".join(self.rng.choice("0123456789") for _ in range(count))

    def amount(self, low: int, high: int, step: int = 1) -> Decimal:
        """A whole amount between `low` and `high` in multiples of `step` (roubles)."""
        return Decimal(self.rng.randrange(low, high + 1, step))

    def kopecks(self, low: int, high: int) -> Decimal:
        return Decimal(self.rng.randint(low * 100, high * 100)) / 100

    def share(self, amount: Decimal, low: float, high: float) -> Decimal:
        """`amount` times a factor in [low, high], to the kopeck."""
        factor = Decimal(str(round(self.rng.uniform(low, high), 4)))
        return (amount * factor).quantize(Decimal("0.01"))

    def moment(self, day: dt.date) -> dt.datetime:
        """A time in working hours (09:00–18:00 Moscow) on `day`, in UTC."""
        time = dt.time(self.rng.randint(6, 14), self.rng.randint(0, 59), self.rng.randint(0, 59))
        return dt.datetime.combine(day, time, dt.UTC)


_LATIN = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "y",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "sch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def _latin(name: str) -> str:
    return "".join(_LATIN.get(c, c) for c in name.lower()).replace("_", "")


def _contacts(customer_id: str, holder: Person) -> tuple[ContactValue, ContactValue]:
    """A mobile phone and an e-mail (confirmed), from a source of their own: the rest of the
    portfolio stays as it was before customers had contacts."""
    rng = random.Random(f"sandbox-cabinet:contacts:{customer_id}")  # noqa: S311 - demo data
    phone = "+79" + "".join(rng.choice("0123456789") for _ in range(9))
    email = f"{_latin(holder.first_name)}.{_latin(holder.last_name)}@example.ru"
    return ContactValue(phone, confirmed=True), ContactValue(email, confirmed=True)


def _person(draw: _Draw, today: dt.date, rng: random.Random | None = None) -> Person:
    rng = rng or draw.rng
    last, first, middle = rng.choice(rng.choice((_MEN, _WOMEN)))
    birth = today.replace(year=today.year - rng.randint(24, 62), day=1)
    birth += dt.timedelta(days=rng.randint(0, 27))
    return Person(last, first, middle, birth)


def _drivers(draw: _Draw, today: dt.date, holder: Person) -> list[Person]:
    """The holder and one more driver (another invented person)."""
    other = _person(draw, today, draw.later)
    while other.last_name == holder.last_name:
        other = _person(draw, today, draw.later)
    return [holder, other]


def _in_two_parts(draw: _Draw, today: dt.date, policy: Policy) -> list[Installment]:
    """Half on the first day (paid two days before it), the rest due within two weeks."""
    first = (policy.premium / 2).quantize(Decimal("0.01"))
    second_due = min(today + dt.timedelta(days=draw.later.randint(5, 12)), policy.ends_on)
    return [
        Installment(1, first, policy.starts_on, policy.starts_on - dt.timedelta(days=2)),
        Installment(2, policy.premium - first, second_due),
    ]


def _vehicle(draw: _Draw, today: dt.date) -> Vehicle:
    make, model = draw.rng.choice(_VEHICLES)
    letters = [draw.rng.choice(_PLATE_LETTERS) for _ in range(3)]
    plate = f"{letters[0]}{draw.digits(3)}{letters[1]}{letters[2]} {draw.rng.choice(_REGIONS)}"
    vin = "".join(draw.rng.choice(_VIN_CHARACTERS) for _ in range(17))
    return Vehicle(make, model, today.year - draw.rng.randint(1, 9), plate, vin)


def _renewal(draw: _Draw, premium: Decimal, terms: Sequence[int]) -> dict[int, Decimal]:
    yearly = draw.share(premium, 0.94, 1.09)
    prices = {12: yearly, 6: (yearly * Decimal("0.6")).quantize(Decimal("0.01"))}
    return {term: prices[term] for term in terms}


def _osago(draw: _Draw, today: dt.date, vehicle: Vehicle) -> Policy:
    ends_on = today + dt.timedelta(days=draw.rng.randint(8, 27))
    starts_on = add_months(ends_on, -12) + dt.timedelta(days=1)
    premium = draw.kopecks(6500, 14500)
    return Policy(
        id=draw.id("pol", "osago"),
        number=f"ХХХ {draw.digits(10)}",
        product="osago",
        title=f"ОСАГО · {vehicle.make} {vehicle.model} · {vehicle.plate}",
        status="expiring",
        starts_on=starts_on,
        ends_on=ends_on,
        premium=premium,
        renewable=True,
        vehicle=vehicle,
        person=None,
        coverages=[
            Coverage("Вред жизни и здоровью потерпевших", Decimal(500000)),
            Coverage("Вред имуществу потерпевших", Decimal(400000)),
        ],
        contacts=_MOTOR_CONTACTS,
        renewal_premiums=_renewal(draw, premium, (6, 12)),
    )


def _kasko(draw: _Draw, today: dt.date, vehicle: Vehicle) -> Policy:
    starts_on = today - dt.timedelta(days=draw.rng.randint(60, 240))
    sum_insured = draw.amount(900_000, 3_200_000, 10_000)
    return Policy(
        id=draw.id("pol", "kasko"),
        number=f"КС-{starts_on:%y}-{draw.digits(7)}",
        product="kasko",
        title=f"КАСКО · {vehicle.make} {vehicle.model} · {vehicle.plate}",
        status="active",
        starts_on=starts_on,
        ends_on=term_end(starts_on, 12),
        premium=draw.share(sum_insured, 0.028, 0.052),
        renewable=False,
        vehicle=vehicle,
        person=None,
        coverages=[Coverage("Ущерб", sum_insured), Coverage("Хищение", sum_insured)],
        contacts=_KASKO_CONTACTS,
        renewal_premiums={},
        deductible=Decimal(draw.rng.choice((10_000, 15_000, 20_000, 30_000))),
    )


def _dms(draw: _Draw, today: dt.date, holder: Person) -> Policy:
    starts_on = today - dt.timedelta(days=draw.rng.randint(30, 180))
    premium = draw.amount(24_000, 65_000, 100)
    program = draw.rng.choice(("Стандарт", "Оптимум", "Премиум"))
    return Policy(
        id=draw.id("pol", "dms"),
        number=f"ДМС-{starts_on:%y}-{draw.digits(7)}",
        product="dms",
        title=f"ДМС «{program}» · {holder.full_name}",
        status="active",
        starts_on=starts_on,
        ends_on=term_end(starts_on, 12),
        premium=premium,
        renewable=True,
        vehicle=None,
        person=holder,
        coverages=[
            Coverage("Амбулаторно-поликлиническая помощь", Decimal(1_000_000)),
            Coverage("Стационарная помощь", Decimal(1_500_000)),
            Coverage("Скорая медицинская помощь", Decimal(300_000)),
            Coverage("Стоматология", Decimal(100_000)),
        ],
        contacts=_DMS_CONTACTS,
        renewal_premiums=_renewal(draw, premium, (12,)),
    )


# ----------------------------------------------------------------------------- claims

_REGISTERED = Text(
    "Заявление принято через мобильное приложение.", "The claim was filed in the mobile app."
)
_COMMENTS: dict[str, Text] = {
    "awaiting_documents": Text(
        "Нужна справка из ГИБДД и фото повреждений при дневном свете.",
        "We need the traffic police certificate and photos of the damage in daylight.",
    ),
    "approved": Text("Сумма к выплате согласована.", "The payout amount is agreed."),
    "paid": Text("Выплата отправлена на ваш счёт.", "The payout was sent to your account."),
    "rejected": Text(
        "Отказ: услуга не входит в программу ДМС (косметологическая процедура).",
        "Rejected: the service is not covered by the health programme (a cosmetic procedure).",
    ),
    "withdrawn": Text(
        "Заявление отозвано по просьбе клиента.", "The claim was withdrawn at your request."
    ),
}


@dataclass(frozen=True)
class _Role:
    """One demo claim: its final status, the path it took, its policy and its kind."""

    status: str
    path: tuple[str, ...]
    product: str
    type: str


_ROLES = {
    role.status: role
    for role in (
        _Role(
            "awaiting_documents",
            ("registered", "in_review", "awaiting_documents"),
            "kasko",
            "vehicle_damage",
        ),
        _Role("in_review", ("registered", "in_review"), "dms", "medical"),
        _Role("registered", ("registered",), "osago", "vehicle_damage"),
        _Role("approved", ("registered", "in_review", "approved"), "kasko", "glass"),
        _Role(
            "paid",
            ("registered", "in_review", "awaiting_documents", "in_review", "approved", "paid"),
            "kasko",
            "vehicle_damage",
        ),
        _Role(
            "closed",
            ("registered", "in_review", "approved", "paid", "closed"),
            "osago",
            "vehicle_damage",
        ),
        _Role("rejected", ("registered", "in_review", "rejected"), "dms", "medical"),
        _Role("withdrawn", ("registered", "withdrawn"), "osago", "vehicle_damage"),
    )
}
_ALWAYS = ("awaiting_documents", "in_review", "approved", "paid", "closed")
_SOMETIMES = ("registered", "rejected", "withdrawn")


def _history(draw: _Draw, path: Sequence[str], anchor: int, anchor_day: dt.date) -> list[dt.date]:
    """The day of each step: step `anchor` on `anchor_day`, 1–6 days between steps."""
    gaps = [draw.rng.randint(1, 6) for _ in path[1:]]
    first = anchor_day - dt.timedelta(days=sum(gaps[:anchor]))
    days = [first]
    for gap in gaps:
        days.append(days[-1] + dt.timedelta(days=gap))
    return days


def _entries(draw: _Draw, path: Sequence[str], days: Sequence[dt.date]) -> list[HistoryEntry]:
    entries: list[HistoryEntry] = []
    for status, day in zip(path, days, strict=True):
        at = draw.moment(day)
        if entries and at <= entries[-1].at:
            at = entries[-1].at + dt.timedelta(minutes=draw.rng.randint(5, 90))
        comment = _REGISTERED if status == "registered" else _COMMENTS.get(status)
        entries.append(HistoryEntry(status, at, comment))
    return entries


def _payout_days(draw: _Draw, today: dt.date) -> dict[str, dt.date]:
    """When the paid claim (this year) and the closed one (last year) were paid out."""
    day_of_year = today.timetuple().tm_yday
    this_year = draw.rng.randint(1, max(1, min(day_of_year - 1, 150)))
    last_year = draw.rng.randint(max(day_of_year, 30), min(day_of_year + 364, 540))
    return {
        "paid": today - dt.timedelta(days=this_year),
        "closed": today - dt.timedelta(days=last_year),
    }


def _anchor(
    draw: _Draw, role: _Role, today: dt.date, payouts: dict[str, dt.date]
) -> tuple[int, dt.date]:
    """The step whose day is fixed, and that day: the payout for paid claims, else the last."""
    if role.status in payouts:
        return role.path.index("paid"), payouts[role.status]
    low, high = {"registered": (1, 1), "rejected": (20, 90), "withdrawn": (40, 120)}.get(
        role.status, (1, 5)
    )
    return len(role.path) - 1, today - dt.timedelta(days=draw.rng.randint(low, high))


def _claim(
    draw: _Draw, role: _Role, anchor: tuple[int, dt.date], today: dt.date, policy: Policy
) -> Claim:
    days = _history(draw, role.path, *anchor)
    history = _entries(draw, role.path, [min(d, today - dt.timedelta(days=1)) for d in days])
    glass = role.type == "glass"
    claimed = draw.amount(12_000, 45_000, 100) if glass else draw.amount(8_000, 160_000, 100)
    claim = Claim(
        id=draw.id("clm", role.status),
        number="",
        type=role.type,
        reported_on=history[0].at.date(),
        policy_id=policy.id,
        policy_number=policy.number,
        history=history,
        amount_claimed=claimed,
        amount_approved=draw.share(claimed, 0.82, 1.0) if "approved" in role.path else None,
    )
    if role.status == "awaiting_documents":
        claim.requested_documents = list(_ACCIDENT_DOCUMENTS)
    if role.type == "vehicle_damage":
        claim.documents.append(
            ClaimDocument(
                id=draw.id("doc", role.status),
                name="Извещение о ДТП.pdf",
                size=245_760,
                content_type="application/pdf",
                uploaded_at=history[0].at + dt.timedelta(minutes=draw.rng.randint(2, 30)),
            )
        )
    return claim


def _own(draw: _Draw, what: str) -> random.Random:
    """A source of its own for what was added later still: nothing drawn before changes."""
    return random.Random(f"sandbox-cabinet:{draw.customer_id}:{what}")  # noqa: S311 - demo data


_CLOSED_ACCOUNT = Text(
    "Счёт получателя закрыт. Пришлите новые реквизиты — выплату отправят повторно.",
    "The recipient's account is closed. Send new bank details and the payout will be resent.",
)


def _payouts(draw: _Draw, claim: Claim, recipient: str) -> list[Payout]:
    """A paid claim's indemnity (sent, resting on the claim's documents); the paid claim's
    towing expenses too, whose transfer failed: a customer has payouts of two types, and one
    that did not arrive."""
    paid = next((entry for entry in claim.history if entry.status == "paid"), None)
    if paid is None or claim.amount_approved is None:
        return []
    indemnity = Payout(
        id=draw.id("pay", claim.status),
        paid_on=paid.at.date(),
        amount=claim.amount_approved,
        status="sent",
        recipient=recipient,
        claim_id=claim.id,
        claim_number="",
        document_ids=tuple(document.id for document in claim.documents),
    )
    if claim.status != "paid":
        return [indemnity]
    expenses = replace(
        indemnity,
        id=draw.id("pay", "expenses"),
        amount=Decimal(_own(draw, "expenses").randrange(2_500, 6_001, 100)),
        status="failed",
        type="expenses",
        document_ids=(),
        failure_reason=_CLOSED_ACCOUNT,
    )
    return [indemnity, expenses]


#: Who had premium refunded: the sandbox ESIA's test citizen Ли Александр (subject 1000322318,
#: signed in through the sandbox ESIA), and the contract's example customer (so that a contract
#: test meets a payout without a claim).
REFUND_CUSTOMERS = frozenset({customer_id_for("sandbox", "1000322318"), EXAMPLE_CUSTOMER_ID})
_DENTAL_REMOVED = Text(
    "из программы исключена стоматология", "dental care removed from the programme"
)


def _refund(draw: _Draw, today: dt.date, dms: Policy, recipient: str) -> list[Payout]:
    """A part of the DMS premium refunded a few weeks ago (after the policy started)."""
    if draw.customer_id not in REFUND_CUSTOMERS:
        return []
    own = _own(draw, "refund")
    share = Decimal(own.randint(60, 120)) / 1000
    return [
        Payout(
            id=draw.id("pay", "premium_refund"),
            paid_on=max(dms.starts_on, today - dt.timedelta(days=own.randint(3, 25))),
            amount=(dms.premium * share).quantize(Decimal("0.01")),
            status="sent",
            recipient=recipient,
            type="premium_refund",
            policy_id=dms.id,
            policy_number=dms.number,
            refund_reason=_DENTAL_REMOVED,
        )
    ]


def _claims(
    draw: _Draw, today: dt.date, policies: dict[str, Policy], recipient: str
) -> tuple[list[Claim], list[Payout]]:
    extra = draw.rng.sample(_SOMETIMES, draw.rng.randint(0, 2))
    payout_days = _payout_days(draw, today)
    claims: list[Claim] = []
    payouts: list[Payout] = []
    for role in (_ROLES[status] for status in (*_ALWAYS, *extra)):
        anchor = _anchor(draw, role, today, payout_days)
        claim = _claim(draw, role, anchor, today, policies[role.product])
        claims.append(claim)
        payouts.extend(_payouts(draw, claim, recipient))
    return _numbered(draw, claims, payouts)


def _numbered(
    draw: _Draw, claims: list[Claim], payouts: list[Payout]
) -> tuple[list[Claim], list[Payout]]:
    """Claim numbers grow with the reporting date, as a register's would."""
    claims.sort(key=lambda c: c.history[0].at)
    serials = sorted(draw.rng.sample(range(1000, 9000), len(claims)))
    numbers = {}
    for claim, serial in zip(claims, serials, strict=True):
        claim.number = numbers[claim.id] = f"У-{claim.reported_on.year}-{serial:06d}"
    return claims, [replace(p, claim_number=numbers[p.claim_id or ""]) for p in payouts]


def _certificate_orders(draw: _Draw, now: dt.datetime) -> list[CertificateOrder]:
    today = now.date()
    ready_created = draw.moment(today - dt.timedelta(days=draw.rng.randint(20, 60)))
    preparing_created = draw.moment(today - dt.timedelta(days=1))
    last_year = today.year - 1
    serials = sorted(draw.rng.sample(range(100, 999), 2))
    return [
        CertificateOrder(
            id=draw.id("cro", "ready"),
            number=f"С-{ready_created.year}-{serials[0]:06d}",
            type="no_claims",
            purpose="Для другой страховой компании",
            created_at=ready_created,
            expected_on=working_days_after(ready_created.date(), CERTIFICATE_WORKING_DAYS),
            status="ready",
            ready_at=ready_created + dt.timedelta(days=1, hours=2),
        ),
        CertificateOrder(
            id=draw.id("cro", "preparing"),
            number=f"С-{preparing_created.year}-{serials[1]:06d}",
            type="tax_deduction",
            purpose="Для налогового вычета в ФНС",
            created_at=preparing_created,
            expected_on=working_days_after(preparing_created.date(), CERTIFICATE_WORKING_DAYS),
            period_from=dt.date(last_year, 1, 1),
            period_to=dt.date(last_year, 12, 31),
            status="preparing",
        ),
    ]


def portfolio(customer_id: str, now: dt.datetime) -> Customer:
    """The customer `customer_id` as of `now`; the same id gives the same customer."""
    draw = _Draw(customer_id)
    today = now.date()
    holder = _person(draw, today)
    vehicle = _vehicle(draw, today)
    policies = {
        "osago": _osago(draw, today, vehicle),
        "kasko": _kasko(draw, today, vehicle),
        "dms": _dms(draw, today, holder),
    }
    recipient = f"•••• {draw.digits(4)}"
    claims, payouts = _claims(draw, today, policies, recipient)
    payouts += _refund(draw, today, policies["dms"], recipient)
    orders = _certificate_orders(draw, now)
    drivers = _drivers(draw, today, holder)
    policies["osago"].drivers = drivers
    policies["kasko"].drivers = drivers
    policies["kasko"].installments = _in_two_parts(draw, today, policies["kasko"])
    phone, email = _contacts(customer_id, holder)
    return Customer(
        id=customer_id,
        holder=holder,
        recipient=recipient,
        policies={policy.id: policy for policy in policies.values()},
        claims={claim.id: claim for claim in claims},
        payouts=payouts,
        certificate_orders={order.id: order for order in orders},
        phone=phone,
        email=email,
    )
