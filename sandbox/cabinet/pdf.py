"""The PDFs the cabinet issues: a policy form and the three certificates.

They are real documents made with fpdf2 in DejaVu Sans (bundled in `assets/fonts/`, with its
licence), so Cyrillic is embedded with a Unicode map and extracts as text: a test, or a user
searching the file, finds the policy number and «Полис». Each carries a line saying it is a
sandbox document without legal force.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from fpdf import FPDF

from sandbox.cabinet.dates import add_months, format_ru
from sandbox.cabinet.model import (
    CERTIFICATE_TYPES,
    PRODUCT_TITLES,
    CertificateOrder,
    Customer,
    Payout,
    Policy,
)

FONTS = Path(__file__).resolve().parents[2] / "assets" / "fonts"  # shared with the bot's reports
FONT = "DejaVuSans"
INSURER = "АО «Страховая компания „Пример“» (песочница)"
SANDBOX_NOTE = (
    "Документ сформирован песочницей личного кабинета на демонстрационных данных "
    "и юридической силы не имеет."
)
SIGNATORY = "Начальник отдела по работе с клиентами  ____________  А. В. Петрова"
#: Without a period, a no-claims certificate covers this many years back.
NO_CLAIMS_YEARS = 3

_CLAIM_STATUS_RU = {
    "registered": "зарегистрирован",
    "in_review": "на рассмотрении",
    "awaiting_documents": "ожидает документы",
    "approved": "одобрен",
    "rejected": "отказано",
    "paid": "выплачено",
    "ready_for_pickup": "направление выдано",
    "closed": "закрыт",
    "withdrawn": "отозван",
}


def rubles(amount: Decimal) -> str:
    """`1 450 000,00 ₽`, as a Russian document writes money."""
    return f"{amount:,.2f}".replace(",", " ").replace(".", ",") + " ₽"


class _Document(FPDF):
    def __init__(self, title: str) -> None:
        super().__init__(format="A4")
        self.add_font(FONT, "", FONTS / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONTS / "DejaVuSans-Bold.ttf")
        self.set_title(title)
        self.set_author(INSURER)
        self.set_creator("sandbox cabinet")
        self.set_margins(18, 18, 18)
        self.add_page()
        self.set_font(FONT, "", 9)
        self.cell(0, 5, INSURER, new_x="LMARGIN", new_y="NEXT")
        self.ln(4)
        self.set_font(FONT, "B", 16)
        self.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
        self.ln(2)

    def field(self, label: str, value: str) -> None:
        self.set_font(FONT, "B", 10)
        self.cell(52, 6, label)
        self.set_font(FONT, "", 10)
        self.multi_cell(0, 6, value, new_x="LMARGIN", new_y="NEXT")

    def section(self, title: str) -> None:
        self.ln(3)
        self.set_font(FONT, "B", 12)
        self.cell(0, 7, title, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 10)

    def paragraph(self, text: str) -> None:
        self.set_font(FONT, "", 10)
        self.multi_cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def rows(self, header: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
        self.set_font(FONT, "", 9)
        with self.table(line_height=6) as table:
            for values in (header, *rows):
                row = table.row()
                for value in values:
                    row.cell(value)

    def finish(self) -> bytes:
        self.ln(8)
        self.set_font(FONT, "", 10)
        self.cell(0, 6, SIGNATORY, new_x="LMARGIN", new_y="NEXT")
        self.ln(6)
        self.set_font(FONT, "", 8)
        self.multi_cell(0, 4, SANDBOX_NOTE, new_x="LMARGIN", new_y="NEXT")
        return bytes(self.output())


def policy_pdf(policy: Policy, customer: Customer) -> bytes:
    product = PRODUCT_TITLES[policy.product].ru
    document = _Document(f"Полис {product} № {policy.number}")
    document.field("Страхователь", customer.holder.full_name)
    document.field(
        "Срок страхования",
        f"с {format_ru(policy.starts_on)} по {format_ru(policy.ends_on)} включительно",
    )
    document.field("Объект страхования", policy.object_description)
    if policy.vehicle:
        vehicle = policy.vehicle
        document.field("Транспортное средство", f"{vehicle.make} {vehicle.model}, {vehicle.year}")
        document.field("Госномер / VIN", f"{vehicle.plate} / {vehicle.vin}")
    if policy.drivers:
        drivers = ", ".join(driver.full_name for driver in policy.drivers)
        document.field("Допущены к управлению", drivers)
    if policy.person:
        document.field("Застрахованное лицо", policy.person.full_name)
        document.field("Дата рождения", format_ru(policy.person.birth_date))
    document.section("Страховое покрытие")
    document.rows(
        ("Риск", "Страховая сумма"),
        [(coverage.name, rubles(coverage.sum_insured)) for coverage in policy.coverages],
    )
    document.ln(2)
    if policy.deductible is not None:
        document.field("Франшиза", rubles(policy.deductible))
    document.field("Страховая премия", rubles(policy.premium))
    document.section("Контакты страховщика")
    contacts = policy.contacts
    document.field("Телефон", contacts.phone)
    document.field("Эл. почта", contacts.email)
    document.field("Часы работы", contacts.hours)
    if contacts.address:
        document.field("Адрес", contacts.address)
    return document.finish()


def _period(order: CertificateOrder, today: dt.date) -> tuple[dt.date, dt.date]:
    if order.period_from and order.period_to:
        return order.period_from, order.period_to
    return add_months(today, -12 * NO_CLAIMS_YEARS), today


def _tax_deduction(document: _Document, customer: Customer, start: dt.date, end: dt.date) -> None:
    """Health-insurance premiums paid in the period (annual renewals of each DMS policy)."""
    payments = [
        (policy.number, day, policy.premium)
        for policy in customer.policies.values()
        if policy.product == "dms"
        for day in (add_months(policy.starts_on, -12 * years) for years in range(3))
        if start <= day <= end
    ]
    document.section("Страховые взносы по договорам ДМС, уплаченные за период")
    if not payments:
        document.paragraph("За указанный период взносы по договорам ДМС не уплачивались.")
        return
    document.rows(
        ("Договор", "Дата уплаты", "Сумма"),
        [(number, format_ru(day), rubles(amount)) for number, day, amount in sorted(payments)],
    )
    document.ln(2)
    document.field("Итого уплачено", rubles(sum((p[2] for p in payments), Decimal(0))))


def _basis(payout: Payout) -> str:
    """A payout's claim number, or (a premium refund) its policy."""
    if payout.type == "premium_refund":
        return f"возврат премии, полис {payout.policy_number}"
    return f"убыток {payout.claim_number}"


def _payouts(document: _Document, customer: Customer, start: dt.date, end: dt.date) -> None:
    payouts = sorted(
        (p for p in customer.payouts if start <= p.paid_on <= end), key=lambda p: p.paid_on
    )
    document.section("Страховые выплаты за период")
    if not payouts:
        document.paragraph("За указанный период выплат по вашим договорам не было.")
        return
    document.rows(
        ("Дата", "Основание", "Сумма", "Получатель"),
        [(format_ru(p.paid_on), _basis(p), rubles(p.amount), p.recipient) for p in payouts],
    )
    document.ln(2)
    document.field("Итого выплачено", rubles(sum((p.amount for p in payouts), Decimal(0))))


def _claims(document: _Document, customer: Customer, start: dt.date, end: dt.date) -> None:
    motor = {p.id for p in customer.policies.values() if p.product in ("osago", "kasko")}
    claims = sorted(
        (
            c
            for c in customer.claims.values()
            if c.policy_id in motor and start <= c.reported_on <= end
        ),
        key=lambda c: c.reported_on,
    )
    document.section("Заявленные убытки по договорам ОСАГО и КАСКО")
    if not claims:
        document.paragraph("За указанный период страховых случаев не заявлялось.")
        return
    document.rows(
        ("Убыток", "Дата заявления", "Договор", "Статус"),
        [
            (c.number, format_ru(c.reported_on), c.policy_number, _CLAIM_STATUS_RU[c.status])
            for c in claims
        ],
    )


_BODIES = {"tax_deduction": _tax_deduction, "payouts_statement": _payouts, "no_claims": _claims}


def certificate_pdf(order: CertificateOrder, customer: Customer, today: dt.date) -> bytes:
    title = CERTIFICATE_TYPES[order.type].title.ru
    document = _Document(f"{title} № {order.number}")
    holder = customer.holder
    issued = order.ready_at.date() if order.ready_at else today
    document.field("Дата выдачи", format_ru(issued))
    document.field("Выдана", f"{holder.full_name}, {format_ru(holder.birth_date)} г. р.")
    start, end = _period(order, today)
    document.field("Период", f"с {format_ru(start)} по {format_ru(end)}")
    document.field("Цель", order.purpose)
    _BODIES[order.type](document, customer, start, end)
    return document.finish()


def upload_stand_in_pdf(name: str, claim_number: str) -> bytes:
    """What the demo's own uploaded files (which have no content) are served as."""
    document = _Document(name)
    document.field("Убыток", claim_number)
    document.paragraph("Файл, загруженный клиентом к убытку (демонстрационная замена).")
    return document.finish()
