"""The cabinet's objects, and how the contract renders each of them as JSON.

Amounts are `Decimal` (rendered as decimal strings), instants are aware UTC datetimes
(rendered with `Z`), calendar dates are `date`. Texts the customer reads in their language
(history comments, next steps, requested documents) are :class:`Text` pairs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from sandbox.cabinet.claim_kinds import ClaimKind, kinds_for
from sandbox.cabinet.texts import Lang, Text

if TYPE_CHECKING:
    from sandbox.cabinet.contacts import ContactChange, ContactValue

JSON = dict[str, Any]


def money(amount: Decimal) -> JSON:
    return {"amount": f"{amount:.2f}", "currency": "RUB"}


def instant(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# ----------------------------------------------------------------------------- customers


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    middle_name: str
    birth_date: dt.date

    @property
    def full_name(self) -> str:
        return f"{self.last_name} {self.first_name} {self.middle_name}"

    @property
    def display_name(self) -> str:
        return f"{self.first_name} {self.last_name[0]}."


# ----------------------------------------------------------------------------- policies

PRODUCT_TITLES = {
    "osago": Text("ОСАГО", "OSAGO (compulsory motor liability)"),
    "kasko": Text("КАСКО", "KASKO (motor hull)"),
    "dms": Text("ДМС", "Voluntary health insurance"),
    "property": Text("Страхование квартиры", "Apartment insurance"),
    "life": Text("Страхование от несчастного случая", "Accident insurance"),
    "travel": Text("Страхование путешественников", "Travel insurance"),
}


@dataclass(frozen=True)
class Vehicle:
    make: str
    model: str
    year: int
    plate: str
    vin: str

    @property
    def description(self) -> str:
        return f"{self.make} {self.model}, {self.year} г., госномер {self.plate}"

    def render(self) -> JSON:
        return {
            "make": self.make,
            "model": self.model,
            "year": self.year,
            "plate": self.plate,
            "vin": self.vin,
        }


@dataclass(frozen=True)
class Coverage:
    name: str
    sum_insured: Decimal


@dataclass(frozen=True)
class Contacts:
    phone: str
    email: str
    hours: str
    address: str | None = None

    def render(self) -> JSON:
        rendered: JSON = {"phone": self.phone, "email": self.email, "hours": self.hours}
        if self.address:
            rendered["address"] = self.address
        return rendered


@dataclass(frozen=True)
class SupportContacts:
    """The insurer's own contacts (getInsurerContacts), in either language."""

    phone: str
    email: str
    hours: Text
    address: Text
    website: str

    def render(self, lang: Lang) -> JSON:
        return {
            "phone": self.phone,
            "email": self.email,
            "hours": self.hours(lang),
            "address": self.address(lang),
            "website": self.website,
        }


#: `active`, `expiring` and `pending_payment` are listed first (contract: listPolicies).
CURRENT_POLICY_STATUSES = ("active", "expiring", "pending_payment")


@dataclass
class Installment:
    """One part of a policy's premium (`getPaymentSchedule`): due by `due_on`, paid or not."""

    number: int
    amount: Decimal
    due_on: dt.date
    paid_on: dt.date | None = None

    def status(self, today: dt.date) -> str:
        if self.paid_on is not None:
            return "paid"
        return "overdue" if self.due_on < today else "due"

    def render(self, today: dt.date) -> JSON:
        rendered: JSON = {
            "number": self.number,
            "amount": money(self.amount),
            "due_on": self.due_on.isoformat(),
            "status": self.status(today),
        }
        if self.paid_on is not None:
            rendered["paid_on"] = self.paid_on.isoformat()
        return rendered


@dataclass
class Policy:
    id: str
    number: str
    product: str
    title: str
    status: str
    starts_on: dt.date
    ends_on: dt.date
    premium: Decimal
    renewable: bool
    vehicle: Vehicle | None
    person: Person | None
    coverages: list[Coverage]
    contacts: Contacts
    #: Term (months) → indicative premium; the terms offered for renewal.
    renewal_premiums: dict[int, Decimal]
    deductible: Decimal | None = None
    #: Who may drive the insured vehicle (ОСАГО, КАСКО); the insured of a ДМС is `person`.
    drivers: list[Person] = field(default_factory=list)
    #: The premium in parts; empty: paid in one go on `starts_on` (or due, `pending_payment`).
    installments: list[Installment] = field(default_factory=list)

    @property
    def schedule(self) -> list[Installment]:
        """The installments; a policy paid in one go has one."""
        if not self.installments:
            paid_on = None if self.status == "pending_payment" else self.starts_on
            self.installments = [Installment(1, self.premium, self.starts_on, paid_on)]
        return self.installments

    @property
    def next_due(self) -> Installment | None:
        """The earliest unpaid installment: what `createInstallmentPayment` takes."""
        return next((i for i in self.schedule if i.paid_on is None), None)

    def render_schedule(self, today: dt.date) -> JSON:
        rendered: JSON = {
            "policy_id": self.id,
            "installments": [i.render(today) for i in self.schedule],
        }
        if self.next_due is not None:
            rendered["next_due"] = self.next_due.number
        return rendered

    @property
    def object_description(self) -> str:
        if self.vehicle:
            return self.vehicle.description
        return self.person.full_name if self.person else self.title

    def summary(self) -> JSON:
        return {
            "id": self.id,
            "number": self.number,
            "product": self.product,
            "title": self.title,
            "status": self.status,
            "starts_on": self.starts_on.isoformat(),
            "ends_on": self.ends_on.isoformat(),
            "premium": money(self.premium),
            "renewable": self.renewable,
            "claimable": bool(self.claim_kinds),
        }

    @property
    def claim_kinds(self) -> tuple[ClaimKind, ...]:
        return kinds_for(self.product, self.status)

    def insured_persons(self) -> list[JSON]:
        people = [("driver", p) for p in self.drivers]
        if self.person and not self.vehicle:
            people.insert(0, ("insured", self.person))
        return [
            {"role": role, "full_name": p.full_name, "birth_date": p.birth_date.isoformat()}
            for role, p in people
        ]

    def detail(self, today: dt.date) -> JSON:
        insured: JSON = {
            "kind": "vehicle" if self.vehicle else "person",
            "description": self.object_description,
        }
        if self.vehicle:
            insured["vehicle"] = self.vehicle.render()
        if self.person:
            insured["person"] = {
                "full_name": self.person.full_name,
                "birth_date": self.person.birth_date.isoformat(),
            }
        rendered = self.summary() | {
            "insured_object": insured,
            "coverages": [
                {"name": c.name, "sum_insured": money(c.sum_insured)} for c in self.coverages
            ],
            "insurer_contacts": self.contacts.render(),
        }
        persons = self.insured_persons()
        if persons:
            rendered["insured_persons"] = persons
        if self.deductible is not None:
            rendered["deductible"] = money(self.deductible)
        due = self.next_due
        if due is not None:
            rendered["next_payment"] = {
                "installment": due.number,
                "amount": money(due.amount),
                "due_on": due.due_on.isoformat(),
                "status": due.status(today),
            }
        return rendered


@dataclass
class RenewalQuote:
    id: str
    policy_id: str
    term_months: int
    premium: Decimal
    new_starts_on: dt.date
    new_ends_on: dt.date
    valid_until: dt.datetime
    terms_url: str
    order_id: str | None = None

    def render(self) -> JSON:
        return {
            "terms_url": self.terms_url,
            "quote_id": self.id,
            "policy_id": self.policy_id,
            "term_months": self.term_months,
            "premium": money(self.premium),
            "new_starts_on": self.new_starts_on.isoformat(),
            "new_ends_on": self.new_ends_on.isoformat(),
            "valid_until": instant(self.valid_until),
        }


@dataclass
class RenewalOrder:
    id: str
    customer_id: str
    quote: RenewalQuote
    payment_url: str
    expires_at: dt.datetime
    status: str = "awaiting_payment"
    paid_at: dt.datetime | None = None

    def render(self) -> JSON:
        """The answer of acceptRenewalQuote (the contract only knows `awaiting_payment`)."""
        return {
            "order_id": self.id,
            "payment_url": self.payment_url,
            "status": "awaiting_payment",
            "expires_at": instant(self.expires_at),
        }


@dataclass
class InstallmentPayment:
    """A payment link for one installment (`createInstallmentPayment`)."""

    id: str
    customer_id: str
    policy_id: str
    installment: Installment
    payment_url: str
    expires_at: dt.datetime
    status: str = "awaiting_payment"
    paid_at: dt.datetime | None = None

    def render(self) -> JSON:
        return {
            "payment_id": self.id,
            "policy_id": self.policy_id,
            "installment": self.installment.number,
            "amount": money(self.installment.amount),
            "due_on": self.installment.due_on.isoformat(),
            "payment_url": self.payment_url,
            "status": "awaiting_payment",
            "expires_at": instant(self.expires_at),
        }


# ----------------------------------------------------------------------------- claims

FINAL_CLAIM_STATUSES = ("closed", "withdrawn")

#: The contract's claim model (`ClaimStatus`): where each status may go.
CLAIM_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "registered": ("in_review", "withdrawn"),
    "in_review": ("awaiting_documents", "approved", "rejected", "withdrawn"),
    "awaiting_documents": ("in_review", "withdrawn"),
    "approved": ("paid", "ready_for_pickup", "withdrawn"),
    "rejected": ("closed", "withdrawn"),
    "paid": ("closed", "withdrawn"),
    "ready_for_pickup": ("closed", "withdrawn"),
    "closed": (),
    "withdrawn": (),
}

NEXT_STEPS: dict[str, Text] = {
    "registered": Text(
        "Заявление зарегистрировано. В течение двух рабочих дней его возьмёт в работу специалист.",
        "Your claim is registered. A claims handler will take it within two working days.",
    ),
    "in_review": Text(
        "Специалист рассматривает документы. Если понадобится что-то ещё, мы напишем.",
        "A claims handler is reviewing your documents. We will write if anything else is needed.",
    ),
    "awaiting_documents": Text(
        "Загрузите запрошенные документы — после этого рассмотрение продолжится.",
        "Upload the requested documents and the review will continue.",
    ),
    "approved": Text(
        "Выплата одобрена. Деньги поступят на ваш счёт в течение пяти рабочих дней.",
        "The payout is approved. The money will reach your account within five working days.",
    ),
    "rejected": Text(
        "В выплате отказано. Если вы не согласны с решением, обратитесь в поддержку.",
        "The claim was rejected. If you disagree with the decision, contact support.",
    ),
    "paid": Text(
        "Выплата отправлена на ваш счёт. Дело будет закрыто автоматически.",
        "The payout was sent to your account. The case will be closed automatically.",
    ),
    "ready_for_pickup": Text(
        "Направление на ремонт готово: его можно получить в офисе или в приложении.",
        "The repair referral is ready: collect it at an office or in the app.",
    ),
    "closed": Text("Дело закрыто. Действий не требуется.", "The case is closed. Nothing to do."),
    "withdrawn": Text(
        "Заявление отозвано. Действий не требуется.", "The claim was withdrawn. Nothing to do."
    ),
}


@dataclass(frozen=True)
class HistoryEntry:
    status: str
    at: dt.datetime
    comment: Text | None = None

    def render(self, lang: Lang) -> JSON:
        rendered: JSON = {"status": self.status, "at": instant(self.at)}
        if self.comment:
            rendered["comment"] = self.comment(lang)
        return rendered


@dataclass(frozen=True)
class ClaimDocument:
    id: str
    name: str
    size: int
    content_type: str
    uploaded_at: dt.datetime
    #: The file as uploaded (empty for the demo's own: `listDocuments` serves a stand-in).
    data: bytes = field(default=b"", repr=False, compare=False)

    def render(self) -> JSON:
        return {"id": self.id, "name": self.name, "uploaded_at": instant(self.uploaded_at)}

    def receipt(self) -> JSON:
        """The answer of uploadClaimDocument (`UploadedDocument`)."""
        return {
            "document_id": self.id,
            "name": self.name,
            "size": self.size,
            "content_type": self.content_type,
            "uploaded_at": instant(self.uploaded_at),
        }


@dataclass(frozen=True)
class ClaimMessage:
    """One message of the claim's conversation: from the customer, or from its handler."""

    id: str
    text: str
    created_at: dt.datetime
    author: str = "customer"
    handler_name: str | None = None

    def receipt(self) -> JSON:
        """The answer of createClaimMessage (`ClaimMessage`)."""
        return {"message_id": self.id, "created_at": instant(self.created_at)}

    def render(self) -> JSON:
        rendered: JSON = {
            "message_id": self.id,
            "author": self.author,
            "text": self.text,
            "created_at": instant(self.created_at),
        }
        if self.handler_name:
            rendered["handler_name"] = self.handler_name
        return rendered


@dataclass
class Claim:
    id: str
    number: str
    type: str
    reported_on: dt.date
    policy_id: str
    policy_number: str
    history: list[HistoryEntry]
    amount_claimed: Decimal | None = None
    amount_approved: Decimal | None = None
    requested_documents: list[Text] = field(default_factory=list)
    documents: list[ClaimDocument] = field(default_factory=list)
    messages: list[ClaimMessage] = field(default_factory=list)
    #: Whose turn it is in the conversation ("customer", "handler" or nobody), and the day the
    #: handler answers by.
    waiting_for: str | None = None
    answer_due_on: dt.date | None = None

    @property
    def status(self) -> str:
        return self.history[-1].status

    @property
    def final(self) -> bool:
        return self.status in FINAL_CLAIM_STATUSES

    def summary(self) -> JSON:
        rendered: JSON = {
            "id": self.id,
            "number": self.number,
            "type": self.type,
            "status": self.status,
            "reported_on": self.reported_on.isoformat(),
            "policy_id": self.policy_id,
            "policy_number": self.policy_number,
        }
        if self.amount_claimed is not None:
            rendered["amount_claimed"] = money(self.amount_claimed)
        if self.amount_approved is not None:
            rendered["amount_approved"] = money(self.amount_approved)
        return rendered

    def detail(self, lang: Lang) -> JSON:
        rendered = self.summary() | {
            "history": [entry.render(lang) for entry in self.history],
            "next_step": NEXT_STEPS[self.status](lang),
            "documents": [document.render() for document in self.documents],
            "messages": [message.render() for message in self.messages],
        }
        if self.waiting_for:
            rendered["waiting_for"] = self.waiting_for
        if self.waiting_for == "handler" and self.answer_due_on:
            rendered["answer_due_on"] = self.answer_due_on.isoformat()
        if self.status == "awaiting_documents":
            rendered["requested_documents"] = [text(lang) for text in self.requested_documents]
        return rendered


PAYOUT_BANK = "ПАО Сбербанк"
PAYOUT_PURPOSES = {
    "indemnity": Text(
        "Страховое возмещение по убытку {n}. НДС не облагается.",
        "Insurance indemnity under claim {n}. VAT exempt.",
    ),
    "expenses": Text(
        "Возмещение расходов на эвакуацию по убытку {n}. НДС не облагается.",
        "Reimbursement of towing expenses under claim {n}. VAT exempt.",
    ),
    "premium_refund": Text(
        "Возврат части страховой премии по полису {n}: {reason}. НДС не облагается.",
        "Refund of insurance premium under policy {n}: {reason}. VAT exempt.",
    ),
}


def masked_name(person: Person) -> str:
    """The recipient as the cabinet shows it: "Ив*** И. И."."""
    return f"{person.last_name[:2]}*** {person.first_name[0]}. {person.middle_name[0]}."


@dataclass
class Payout:
    """Money paid to the customer: under a claim (`indemnity`, `expenses`: `claim_id`), or a
    premium refunded under a policy (`premium_refund`: `policy_id`, and why, `refund_reason`)."""

    id: str
    paid_on: dt.date
    amount: Decimal
    status: str
    recipient: str
    claim_id: str | None = None
    claim_number: str | None = None
    type: str = "indemnity"
    document_ids: tuple[str, ...] = ()
    failure_reason: Text | None = None
    policy_id: str | None = None
    policy_number: str | None = None
    refund_reason: Text | None = None

    @property
    def basis(self) -> JSON:
        """What it is paid under, as the contract names it: the claim, or the policy."""
        if self.type == "premium_refund":
            return {"policy_id": self.policy_id, "policy_number": self.policy_number}
        return {"claim_id": self.claim_id, "claim_number": self.claim_number}

    def render(self) -> JSON:
        return {
            "id": self.id,
            "paid_on": self.paid_on.isoformat(),
            "amount": money(self.amount),
            "status": self.status,
            "type": self.type,
            "recipient": self.recipient,
            **self.basis,
        }

    def event_data(self) -> JSON:
        """The members of `payout.sent` and `payout.failed` that name the payout."""
        data: JSON = {"payout_id": self.id, "amount": money(self.amount)}
        if self.type == "premium_refund":
            data |= {"type": self.type, **self.basis}
        else:
            data["claim_id"] = self.claim_id
        return data

    def purpose(self, lang: Lang) -> str:
        if self.type == "premium_refund":
            reason = self.refund_reason(lang) if self.refund_reason else ""
            return PAYOUT_PURPOSES[self.type].format(n=self.policy_number, reason=reason)(lang)
        return PAYOUT_PURPOSES[self.type].format(n=self.claim_number)(lang)

    def render_detail(self, lang: Lang, holder: Person, claim: Claim | None) -> JSON:
        """`PayoutDetail`: the recipient (masked), the bank, the purpose, the claim's documents
        the payout rests on, and why a failed or returned one did not arrive."""
        documents = [d for d in (claim.documents if claim else []) if d.id in self.document_ids]
        rendered = self.render() | {
            "recipient_name": masked_name(holder),
            "bank": PAYOUT_BANK,
            "account": self.recipient,
            "purpose": self.purpose(lang),
            "documents": [document.render() for document in documents],
        }
        if self.failure_reason and self.status in ("failed", "returned"):
            rendered["failure_reason"] = self.failure_reason(lang)
        return rendered


# ----------------------------------------------------------------------------- certificates


@dataclass(frozen=True)
class CertificateType:
    id: str
    title: Text
    needs_period: bool
    purposes: tuple[Text, ...]

    def render(self) -> JSON:
        return {
            "id": self.id,
            "title": self.title.ru,
            "title_en": self.title.en,
            "needs_period": self.needs_period,
            "purposes": [{"title": p.ru, "title_en": p.en} for p in self.purposes],
        }


CERTIFICATE_TYPES: dict[str, CertificateType] = {
    kind.id: kind
    for kind in (
        CertificateType(
            "tax_deduction",
            Text("Справка для налогового вычета", "Certificate for a tax deduction"),
            needs_period=True,
            purposes=(
                Text("Для налогового вычета в ФНС", "For a tax deduction (Federal Tax Service)"),
                Text("По месту работы", "For the employer"),
            ),
        ),
        CertificateType(
            "no_claims",
            Text("Справка об отсутствии убытков", "No-claims certificate"),
            needs_period=False,
            purposes=(
                Text("Для другой страховой компании", "For another insurer"),
                Text("Для оформления кредита", "For a loan application"),
            ),
        ),
        CertificateType(
            "payouts_statement",
            Text("Выписка по выплатам", "Payouts statement"),
            needs_period=True,
            purposes=(
                Text("По месту требования", "For whoever requests it"),
                Text("Для банка", "For a bank"),
            ),
        ),
    )
}


@dataclass
class CertificateOrder:
    id: str
    number: str
    type: str
    purpose: str
    created_at: dt.datetime
    expected_on: dt.date
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    status: str = "accepted"
    ready_at: dt.datetime | None = None
    rejection_reason: str | None = None

    def render(self) -> JSON:
        rendered: JSON = {
            "order_id": self.id,
            "number": self.number,
            "type": self.type,
            "status": self.status,
            "purpose": self.purpose,
            "created_at": instant(self.created_at),
            "expected_on": self.expected_on.isoformat(),
        }
        if self.period_from and self.period_to:
            rendered["period_from"] = self.period_from.isoformat()
            rendered["period_to"] = self.period_to.isoformat()
        if self.ready_at:
            rendered["ready_at"] = instant(self.ready_at)
        if self.rejection_reason:
            rendered["rejection_reason"] = self.rejection_reason
        return rendered


# ----------------------------------------------------------------------------- feedback


@dataclass(frozen=True)
class Feedback:
    id: str
    number: str
    kind: str  # question | review
    topic: str | None
    rating: int | None
    text: str
    created_at: dt.datetime
    attachment_type: str | None = None

    def render(self) -> JSON:
        return {"feedback_id": self.id, "number": self.number}


# ----------------------------------------------------------------------------- personal data


@dataclass(frozen=True)
class DataRequest:
    """A copy or correction of the customer's personal data they asked for (152-ФЗ)."""

    id: str
    number: str
    kind: str  # copy | correction
    channel: str
    description: str | None
    created_at: dt.datetime
    due_on: dt.date

    def render(self) -> JSON:
        return {
            "request_id": self.id,
            "number": self.number,
            "kind": self.kind,
            "created_at": instant(self.created_at),
            "due_on": self.due_on.isoformat(),
        }


@dataclass(frozen=True)
class ConsentWithdrawal:
    """The customer withdrew their consent for a messenger channel (`/revoke`)."""

    id: str
    channel: str
    withdrawn_at: dt.datetime
    consent_version: str | None
    recorded_at: dt.datetime

    def render(self) -> JSON:
        return {
            "withdrawal_id": self.id,
            "channel": self.channel,
            # As given, whatever its year (`instant` writes the years below 1000 short).
            "withdrawn_at": self.withdrawn_at.replace(microsecond=0)
            .isoformat()
            .replace("+00:00", "Z"),
            "recorded_at": instant(self.recorded_at),
        }


# ----------------------------------------------------------------------------- offers


@dataclass(frozen=True)
class Offer:
    id: str
    title: Text
    text: Text
    url: str
    price_from: Decimal | None = None

    def render(self, lang: Lang) -> JSON:
        rendered: JSON = {
            "id": self.id,
            "title": self.title(lang),
            "text": self.text(lang),
            "url": self.url,
        }
        if self.price_from is not None:
            rendered["price_from"] = money(self.price_from)
        return rendered


OFFERS = (
    Offer(
        "off_home",
        Text("Страхование квартиры", "Home insurance"),
        Text(
            "Отделка, имущество и ответственность перед соседями — полис за 5 минут.",
            "Finishing, belongings and liability to the neighbours: a policy in 5 minutes.",
        ),
        "https://insurer.example/products/home",
        Decimal("1990.00"),
    ),
    Offer(
        "off_travel",
        Text("Страхование путешественников", "Travel insurance"),
        Text(
            "Медицинская помощь за границей без франшизы.",
            "Medical care abroad with no deductible.",
        ),
        "https://insurer.example/products/travel",
    ),
    Offer(
        "off_accident",
        Text("Защита от несчастного случая", "Accident cover"),
        Text(
            "Выплата при травме — для вас и ваших детей.",
            "A payout on an injury, for you and your children.",
        ),
        "https://insurer.example/products/accident",
        Decimal("490.00"),
    ),
)


# ----------------------------------------------------------------------------- the customer


@dataclass
class Customer:
    """A customer and everything of theirs: what every `/v1/customers/{id}/...` call sees."""

    id: str
    holder: Person
    recipient: str
    policies: dict[str, Policy]
    claims: dict[str, Claim]
    payouts: list[Payout]
    certificate_orders: dict[str, CertificateOrder]
    quotes: dict[str, RenewalQuote] = field(default_factory=dict)
    renewal_orders: dict[str, RenewalOrder] = field(default_factory=dict)
    installment_payments: dict[str, InstallmentPayment] = field(default_factory=dict)
    feedback: list[Feedback] = field(default_factory=list)
    data_requests: list[DataRequest] = field(default_factory=list)
    consent_withdrawals: list[ConsentWithdrawal] = field(default_factory=list)
    phone: ContactValue | None = None
    email: ContactValue | None = None
    contact_changes: dict[str, ContactChange] = field(default_factory=dict)

    def contacts(self) -> JSON:
        return {
            "phone": self.phone.render() if self.phone else None,
            "email": self.email.render() if self.email else None,
        }
