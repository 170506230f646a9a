"""The products the insurer sells online (the contract's `listProducts`): what each asks, how
its price is worked out, and the quotes and orders of a new policy.

Questions are the claim form's fields (`claim_kinds.Field`), plus two things a claim does not
need: whether an answer is personal data (a bot in strict privacy mode then opens the
questions as a web form, or sends the person to the website), and a date's allowed range.
The price formulas are the sandbox's own, simple and deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from sandbox.cabinet.claim_kinds import Field
from sandbox.cabinet.drafts import Value, checked_value, date_error, normalised
from sandbox.cabinet.model import JSON, Coverage, Policy, instant, money
from sandbox.cabinet.problems import FieldError
from sandbox.cabinet.texts import Text

#: The earliest and latest start of a new policy, in days from today.
START_MIN_DAYS = 1
START_MAX_DAYS = 60
_OUTSIDE = Text("Дата вне допустимого срока.", "The date is outside the allowed range.")

Answers = Mapping[str, Value]


@dataclass(frozen=True)
class Question:
    field: Field
    personal: bool = False
    #: A date's range, in years before today (a birth date: 18 to 70 years ago).
    min_years_ago: int | None = None
    max_years_ago: int | None = None

    def bounds(self, today: dt.date) -> tuple[dt.date, dt.date]:
        first = _years_before(today, self.max_years_ago or 120)
        last = _years_before(today, self.min_years_ago or 0)
        return first, last

    def render(self, today: dt.date) -> JSON:
        rendered = self.field.render() | {"personal": self.personal}
        if self.field.kind == "date":
            first, last = self.bounds(today)
            rendered |= {"min_date": first.isoformat(), "max_date": last.isoformat()}
        return rendered


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


@dataclass(frozen=True)
class CatalogueProduct:
    id: str
    product: str  # the policy's product kind (`Product` in the contract)
    title: Text
    description: Text
    questions: tuple[Question, ...]
    term_months: int
    #: The answers → the premium and the coverages (name, sum insured).
    price: Callable[[Answers], tuple[Decimal, list[Coverage]]]

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions if q.field.id == question_id), None)

    def render(self, today: dt.date, public_url: str) -> JSON:
        return {
            "id": self.id,
            "product": self.product,
            "title": self.title.ru,
            "title_en": self.title.en,
            "description": self.description.ru,
            "description_en": self.description.en,
            "term_months": self.term_months,
            "start_min_days": START_MIN_DAYS,
            "start_max_days": START_MAX_DAYS,
            "questions": [q.render(today) for q in self.questions],
            "terms_url": f"{public_url}/terms/{self.product}",
            "website_url": f"{public_url}/buy/{self.id}",
        }


def _rub(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"))


def _apartment(answers: Answers) -> tuple[Decimal, list[Coverage]]:
    insured = Decimal(str(answers["sum_insured"]))
    rate = Decimal("0.0045") if answers.get("wooden") is True else Decimal("0.003")
    return _rub(insured * rate), [
        Coverage("Отделка и инженерное оборудование", insured),
        Coverage("Гражданская ответственность перед соседями", _rub(insured / 2)),
    ]


def _accident(answers: Answers) -> tuple[Decimal, list[Coverage]]:
    insured = Decimal(str(answers["sum_insured"]))
    rate = {"office": Decimal("0.004"), "manual": Decimal("0.007"), "sport": Decimal("0.012")}
    return _rub(insured * rate[str(answers["occupation"])]), [
        Coverage("Травма", insured),
        Coverage("Инвалидность I–III группы", insured),
        Coverage("Смерть в результате несчастного случая", insured),
    ]


def _travel(answers: Answers) -> tuple[Decimal, list[Coverage]]:
    medical = Decimal(str(answers["medical_sum"]))
    region = {"europe": Decimal("1.0"), "asia": Decimal("1.3"), "world": Decimal("1.8")}
    premium = medical * Decimal("0.0012") * region[str(answers["region"])]
    if answers.get("sport") is True:
        premium *= Decimal("1.5")
    return _rub(premium), [
        Coverage("Медицинские расходы за рубежом", medical),
        Coverage("Багаж", Decimal(50000)),
    ]


PRODUCTS: tuple[CatalogueProduct, ...] = (
    CatalogueProduct(
        id="apartment",
        product="property",
        title=Text("Страхование квартиры", "Apartment insurance"),
        description=Text(
            "Отделка, техника и ответственность перед соседями — на год.",
            "Finishing, appliances and liability to neighbours, for a year.",
        ),
        questions=(
            Question(
                Field(
                    "sum_insured",
                    "amount",
                    Text("Страховая сумма отделки", "Sum insured for the finishing"),
                    hint=Text("От 300 000 до 10 000 000 ₽.", "From 300,000 to 10,000,000 RUB."),
                    min_amount=Decimal(300_000),
                    max_amount=Decimal(10_000_000),
                )
            ),
            Question(Field("wooden", "yes_no", Text("Деревянные перекрытия?", "Wooden floors?"))),
            Question(
                Field(
                    "address",
                    "text",
                    Text("Адрес квартиры", "The apartment's address"),
                    max_length=300,
                ),
                personal=True,
            ),
            Question(
                Field(
                    "cadastral_number",
                    "text",
                    Text("Кадастровый номер квартиры", "The apartment's cadastral number"),
                    required=False,
                    hint=Text(
                        "Если знаете: он есть в выписке из ЕГРН, например 77:01:0004012:1234.",
                        "If you know it: it is in the register extract, e.g. 77:01:0004012:1234.",
                    ),
                    max_length=40,
                ),
                personal=True,
            ),
        ),
        term_months=12,
        price=_apartment,
    ),
    CatalogueProduct(
        id="accident",
        product="life",
        title=Text("Страхование от несчастного случая", "Accident insurance"),
        description=Text(
            "Выплата при травме, инвалидности или гибели — на год, по всему миру.",
            "A payout for an injury, disability or death, for a year, worldwide.",
        ),
        questions=(
            Question(
                Field("birth_date", "date", Text("Дата рождения", "Date of birth")),
                personal=True,
                min_years_ago=18,
                max_years_ago=70,
            ),
            Question(
                Field(
                    "occupation",
                    "choice",
                    Text("Род занятий", "Occupation"),
                    options=(
                        ("office", Text("Офисная работа", "Office work")),
                        ("manual", Text("Физический труд", "Manual work")),
                        ("sport", Text("Профессиональный спорт", "Professional sport")),
                    ),
                )
            ),
            Question(
                Field(
                    "sum_insured",
                    "amount",
                    Text("Страховая сумма", "Sum insured"),
                    hint=Text("От 100 000 до 3 000 000 ₽.", "From 100,000 to 3,000,000 RUB."),
                    min_amount=Decimal(100_000),
                    max_amount=Decimal(3_000_000),
                )
            ),
        ),
        term_months=12,
        price=_accident,
    ),
    CatalogueProduct(
        id="travel",
        product="travel",
        title=Text("Страхование путешественников", "Travel insurance"),
        description=Text(
            "Годовой полис на все поездки: лечение за рубежом и багаж.",
            "An annual policy for every trip: medical care abroad and luggage.",
        ),
        questions=(
            Question(
                Field(
                    "region",
                    "choice",
                    Text("Куда вы ездите", "Where you travel"),
                    options=(
                        ("europe", Text("Европа и Шенген", "Europe and Schengen")),
                        ("asia", Text("Азия", "Asia")),
                        ("world", Text("Весь мир", "The whole world")),
                    ),
                )
            ),
            Question(
                Field(
                    "medical_sum",
                    "amount",
                    Text("Сумма на лечение", "Medical cover"),
                    hint=Text("От 2 000 000 до 10 000 000 ₽.", "From 2,000,000 to 10,000,000 RUB."),
                    min_amount=Decimal(2_000_000),
                    max_amount=Decimal(10_000_000),
                )
            ),
            Question(Field("sport", "yes_no", Text("Активный отдых и спорт?", "Sports?"))),
        ),
        term_months=12,
        price=_travel,
    ),
)
BY_ID = {product.id: product for product in PRODUCTS}


def question_errors(
    questions: tuple[Question, ...], answers: Answers, today: dt.date
) -> list[FieldError]:
    """Why the answers do not fit the questions: one error per pointer `/answers/{id}`."""
    errors: list[FieldError] = []
    known = {question.field.id for question in questions}
    for key in answers:
        if key not in known:
            detail = Text("Нет такого вопроса.", "No such question.")
            errors.append(FieldError(detail, pointer=f"/answers/{key}"))
    for question in questions:
        spec, pointer = question.field, f"/answers/{question.field.id}"
        if spec.id not in answers:
            if spec.required:
                detail = Text("Ответьте на вопрос.", "Answer the question.")
                errors.append(FieldError(detail, pointer=pointer))
            continue
        first, last = question.bounds(today)
        problem = checked_value(spec, answers[spec.id], first, last, today=today, outside=_OUTSIDE)
        if problem is not None:
            errors.append(FieldError(problem, pointer=pointer))
    return errors


def answer_errors(
    product: CatalogueProduct, answers: Answers, starts_on: str, today: dt.date
) -> list[FieldError]:
    """Why the answers or the start date cannot be quoted: one error per pointer."""
    errors = question_errors(product.questions, answers, today)
    first = today + dt.timedelta(days=START_MIN_DAYS)
    last = today + dt.timedelta(days=START_MAX_DAYS)
    outside = Text(
        "Полис может начаться с {a} по {b}.", "The policy may start from {a} to {b}."
    ).format(a=first.isoformat(), b=last.isoformat())
    problem = date_error(starts_on, first, last, today=today, outside=outside)
    if problem is not None:
        errors.append(FieldError(problem, pointer="/starts_on"))
    return errors


def normalised_answers(questions: tuple[Question, ...], answers: Answers) -> dict[str, Value]:
    found = {q.field.id: q.field for q in questions}
    return {key: normalised(found[key], value) for key, value in answers.items()}


@dataclass
class PolicyQuote:
    id: str
    product: CatalogueProduct
    answers: dict[str, Value]
    premium: Decimal
    coverages: list[Coverage]
    starts_on: dt.date
    ends_on: dt.date
    valid_until: dt.datetime
    terms_url: str
    order_id: str | None = None

    def render(self) -> JSON:
        return {
            "quote_id": self.id,
            "product_id": self.product.id,
            "premium": money(self.premium),
            "term_months": self.product.term_months,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "coverages": [
                {"name": c.name, "sum_insured": money(c.sum_insured)} for c in self.coverages
            ],
            "valid_until": instant(self.valid_until),
            "terms_url": self.terms_url,
        }


@dataclass
class PolicyOrder:
    """An accepted quote awaiting payment; `policy` is issued (joins the customer's) when paid."""

    id: str
    customer_id: str
    quote: PolicyQuote
    policy: Policy
    payment_url: str
    expires_at: dt.datetime
    status: str = "awaiting_payment"
    paid_at: dt.datetime | None = None

    def render(self) -> JSON:
        return {
            "order_id": self.id,
            "payment_url": self.payment_url,
            "status": "awaiting_payment",
            "expires_at": instant(self.expires_at),
        }
