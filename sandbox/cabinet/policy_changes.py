"""Changes to a policy («дополнения, изменение страховых сумм»): what the cabinet allows for a
policy (`listPolicyChanges`), what each asks, how the price difference is worked out, and what
an applied change does to the policy.

A change is quoted (`createPolicyChange`: the answers → the surcharge or the refund), then
confirmed (`confirmPolicyChange`): with a surcharge it awaits payment, otherwise it goes
straight to review. A paid change goes to review; the staff apply or reject it (the operator
console), and `policy.changed` tells the customer each step after the confirmation. While a
change awaits payment or review, the policy offers no other.

The price difference is the sandbox's own, simple and deterministic: the yearly cost of the
change, in proportion to the days the policy has left.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sandbox.cabinet.claim_kinds import Field
from sandbox.cabinet.drafts import Value
from sandbox.cabinet.model import JSON, Coverage, Person, Policy, instant, money
from sandbox.cabinet.products import Question
from sandbox.cabinet.texts import Lang, Text

Answers = Mapping[str, Value]

#: A new driver's yearly cost: ОСАГО a fixed sum, КАСКО a share of the premium; doubled for a
#: driver with less than `NOVICE_YEARS` of experience.
_OSAGO_DRIVER = Decimal(1500)
_KASKO_DRIVER_SHARE = Decimal("0.08")
NOVICE_YEARS = 3
SUM_MIN, SUM_MAX = Decimal(300_000), Decimal(10_000_000)


@dataclass(frozen=True)
class ChangeOption:
    id: str
    title: Text
    description: Text
    questions: tuple[Question, ...]
    products: frozenset[str]
    #: The policy's yearly premium difference for these answers (negative: a refund).
    yearly: Callable[[Policy, Answers, dt.date], Decimal]
    #: What applying the change does to the policy.
    apply: Callable[[Policy, Answers], None]
    #: What the policy has now, said before the first question's own hint.
    current: Callable[[Policy], Text] | None = None

    def render(self, today: dt.date, public_url: str, policy: Policy) -> JSON:
        questions = [q.render(today) for q in self.questions]
        if self.current is not None:
            now, first = self.current(policy), questions[0]
            first["hint"] = f"{now.ru} {first.get('hint', '')}".strip()
            first["hint_en"] = f"{now.en} {first.get('hint_en', '')}".strip()
        return {
            "id": self.id,
            "title": self.title.ru,
            "title_en": self.title.en,
            "description": self.description.ru,
            "description_en": self.description.en,
            "questions": questions,
            "website_url": f"{public_url}/policies/{policy.id}/changes/{self.id}",
        }


def _years_between(first: dt.date, last: dt.date) -> int:
    years = last.year - first.year
    return years - ((last.month, last.day) < (first.month, first.day))


def _driver_yearly(policy: Policy, answers: Answers, today: dt.date) -> Decimal:
    base = _OSAGO_DRIVER if policy.product == "osago" else policy.premium * _KASKO_DRIVER_SHARE
    since = dt.date.fromisoformat(str(answers["driving_since"]))
    return base * 2 if _years_between(since, today) < NOVICE_YEARS else base


def _add_driver(policy: Policy, answers: Answers) -> None:
    names = str(answers["full_name"]).split(maxsplit=2)
    last, first, middle = [*names, "", ""][:3]
    birth_date = dt.date.fromisoformat(str(answers["birth_date"]))
    policy.drivers = [*policy.drivers, Person(last, first, middle, birth_date)]


def main_sum(policy: Policy) -> Decimal:
    """The sum insured a change of the sum changes: the policy's first coverage's."""
    return policy.coverages[0].sum_insured


def _current_sum(policy: Policy) -> Text:
    amount = f"{main_sum(policy):,.0f}".replace(",", "\u00a0")
    return Text(f"Сейчас {amount} ₽.", f"Now {amount} RUB.")


def _sum_yearly(policy: Policy, answers: Answers, _: dt.date) -> Decimal:
    rate = policy.premium / main_sum(policy)
    return (Decimal(str(answers["sum_insured"])) - main_sum(policy)) * rate


def _change_sum(policy: Policy, answers: Answers) -> None:
    old, new = main_sum(policy), Decimal(str(answers["sum_insured"]))
    policy.coverages = [
        Coverage(c.name, new) if c.sum_insured == old else c for c in policy.coverages
    ]


def _no_cost(*_: object) -> Decimal:
    return Decimal(0)


def _change_plate(policy: Policy, answers: Answers) -> None:
    vehicle = policy.vehicle
    if vehicle is None:  # pragma: no cover - offered for vehicle policies only
        return
    plate = str(answers["plate"]).upper()
    policy.title = policy.title.replace(vehicle.plate, plate)
    policy.vehicle = dataclasses.replace(vehicle, plate=plate)


_MOTOR = frozenset({"osago", "kasko"})

OPTIONS: tuple[ChangeOption, ...] = (
    ChangeOption(
        id="add_driver",
        title=Text("Добавить водителя", "Add a driver"),
        description=Text(
            "Впишем в полис ещё одного водителя. Доплата зависит от его стажа.",
            "One more driver on the policy. The surcharge depends on their experience.",
        ),
        questions=(
            Question(
                Field(
                    "full_name",
                    "text",
                    Text("ФИО водителя", "The driver's full name"),
                    hint=Text("Как в водительском удостоверении.", "As on the driving licence."),
                    max_length=150,
                ),
                personal=True,
            ),
            Question(
                Field("birth_date", "date", Text("Дата рождения водителя", "Date of birth")),
                personal=True,
                min_years_ago=18,
                max_years_ago=90,
            ),
            Question(
                Field(
                    "licence",
                    "text",
                    Text("Серия и номер водительского удостоверения", "Driving licence number"),
                    hint=Text("Например, 77 12 345678.", "For example, 77 12 345678."),
                    max_length=20,
                ),
                personal=True,
            ),
            Question(
                Field(
                    "driving_since",
                    "date",
                    Text("С какого года стаж", "Driving since"),
                    hint=Text(
                        "Дата выдачи первого удостоверения.", "The date of the first licence."
                    ),
                ),
                max_years_ago=72,
            ),
        ),
        products=_MOTOR,
        yearly=_driver_yearly,
        apply=_add_driver,
    ),
    ChangeOption(
        id="sum_insured",
        title=Text("Изменить страховую сумму", "Change the sum insured"),
        description=Text(
            "Больше сумма — доплата, меньше — вернём часть премии.",
            "A higher sum costs more; a lower one returns part of the premium.",
        ),
        questions=(
            Question(
                Field(
                    "sum_insured",
                    "amount",
                    Text("Новая страховая сумма", "The new sum insured"),
                    hint=Text("От 300 000 до 10 000 000 ₽.", "From 300,000 to 10,000,000 RUB."),
                    min_amount=SUM_MIN,
                    max_amount=SUM_MAX,
                )
            ),
        ),
        products=frozenset({"kasko"}),
        yearly=_sum_yearly,
        apply=_change_sum,
        current=_current_sum,
    ),
    ChangeOption(
        id="vehicle_plate",
        title=Text("Новый госномер", "A new number plate"),
        description=Text(
            "Машину перерегистрировали? Впишем новый номер, без доплаты.",
            "The car was re-registered? We put the new plate on the policy, free of charge.",
        ),
        questions=(
            Question(
                Field(
                    "plate",
                    "text",
                    Text("Новый госномер", "The new number plate"),
                    hint=Text("Например, А123ВС 77.", "For example, А123ВС 77."),
                    max_length=12,
                ),
                personal=True,
            ),
        ),
        products=_MOTOR,
        yearly=_no_cost,
        apply=_change_plate,
    ),
)
BY_ID = {option.id: option for option in OPTIONS}

#: A policy in these statuses may be changed.
CHANGEABLE_STATUSES = frozenset({"active", "expiring"})


def options_for(policy: Policy) -> tuple[ChangeOption, ...]:
    if policy.status not in CHANGEABLE_STATUSES:
        return ()
    return tuple(option for option in OPTIONS if policy.product in option.products)


def _rub(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def difference(option: ChangeOption, policy: Policy, answers: Answers, today: dt.date) -> Decimal:
    """The change's price difference for the days the policy has left (negative: a refund)."""
    days = (policy.ends_on - policy.starts_on).days + 1
    left = max((policy.ends_on - today).days, 1)
    return _rub(option.yearly(policy, answers, today) * left / days)


@dataclass
class PolicyChange:
    id: str
    policy_id: str
    option: ChangeOption
    answers: dict[str, Value]
    difference: Decimal
    effective_from: dt.date
    valid_until: dt.datetime
    created_at: dt.datetime
    #: quoted → awaiting_payment | in_review → applied | rejected
    status: str = "quoted"
    payment_url: str | None = None
    payment_expires_at: dt.datetime | None = None
    reason: str | None = None

    @property
    def surcharge(self) -> Decimal:
        return max(self.difference, Decimal(0))

    @property
    def refund(self) -> Decimal:
        return max(-self.difference, Decimal(0))

    def status_at(self, now: dt.datetime) -> str:
        """The status as of `now`: a quote or a payment link past its time has expired."""
        if self.status == "quoted" and now > self.valid_until:
            return "expired"
        expires = self.payment_expires_at
        if self.status == "awaiting_payment" and expires is not None and now > expires:
            return "expired"
        return self.status

    def in_progress(self, now: dt.datetime) -> bool:
        return self.status_at(now) in {"awaiting_payment", "in_review"}

    def render(self, now: dt.datetime, lang: Lang) -> JSON:
        rendered: JSON = {
            "change_id": self.id,
            "policy_id": self.policy_id,
            "option_id": self.option.id,
            "title": self.option.title(lang),
            "status": self.status_at(now),
            "surcharge": money(self.surcharge),
            "effective_from": self.effective_from.isoformat(),
            "valid_until": instant(self.valid_until),
            "created_at": instant(self.created_at),
        }
        if self.refund:
            rendered["refund"] = money(self.refund)
        if self.payment_url is not None and self.payment_expires_at is not None:
            rendered["payment_url"] = self.payment_url
            rendered["payment_expires_at"] = instant(self.payment_expires_at)
        if self.reason:
            rendered["reason"] = self.reason
        return rendered

    def event_data(self, policy: Policy) -> JSON:
        data: JSON = {
            "change_id": self.id,
            "policy_id": policy.id,
            "number": policy.number,
            "option_id": self.option.id,
            "title": self.option.title.ru,
            "title_en": self.option.title.en,
            "status": self.status,
        }
        if self.reason:
            data["reason"] = self.reason
        return data
