"""Typed models of `cabinet/openapi.yaml`: what the cabinet answers and what the bot sends.

Responses ignore members they do not know (adding a field is backward compatible, as the
contract promises); requests forbid them. Enumerations are strict: a new enum value is a
contract change the insurer coordinates with the bot's operators.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass
from decimal import Decimal
from typing import Annotated, Generic, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, TypeAdapter, model_validator

Id = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_-]+$")]
Code = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
Amount = Annotated[
    Decimal,
    Field(ge=0, decimal_places=2, max_digits=17),
    PlainSerializer(lambda value: f"{value:.2f}", return_type=str),
]


# hide_input_in_errors: a validation error must not carry a name or a SNILS into a log.
class Response(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True, hide_input_in_errors=True)


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, hide_input_in_errors=True)


class Money(Response):
    """`{"amount": "8432.16", "currency": "RUB"}`: a decimal string, never a float."""

    amount: Amount
    currency: Literal["RUB"] = "RUB"


Item = TypeVar("Item", bound=BaseModel)


class Page(Response, Generic[Item]):
    items: list[Item]
    page: int = Field(ge=1)
    page_size: int = Field(ge=1, le=100)
    total: int = Field(ge=0)


class Problem(Response):
    """An RFC 9457 problem document; the bot acts on `status` and `code`, never shows `detail`."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str | None = None
    attempts_left: int | None = None  # `wrong_code`: how many more codes the change takes


# ----------------------------------------------------------------------------- customers


class Provider(enum.StrEnum):
    ESIA = "esia"
    OIDC = "oidc"
    SANDBOX = "sandbox"


class Identity(Request):
    """The person the identity provider confirmed (`ResolveCustomerRequest`). Personal data:
    it is sent to the cabinet once per login and never logged or stored by the bot."""

    provider: Provider
    subject: str = Field(min_length=1, max_length=255)
    snils: str | None = Field(default=None, pattern=r"^[0-9]{11}$")
    last_name: str | None = Field(default=None, min_length=1, max_length=100)
    first_name: str | None = Field(default=None, min_length=1, max_length=100)
    middle_name: str | None = Field(default=None, min_length=1, max_length=100)
    birth_date: dt.date | None = None

    def __repr__(self) -> str:  # never let a repr carry the SNILS or the name into a log
        return f"Identity(provider={self.provider.value!r})"

    __str__ = __repr__


class ResolvedCustomer(Response):
    customer_id: Id
    display_name: str = Field(max_length=100)


# ----------------------------------------------------------------------------- policies


class Product(enum.StrEnum):
    OSAGO = "osago"
    KASKO = "kasko"
    DMS = "dms"
    PROPERTY = "property"
    TRAVEL = "travel"
    LIFE = "life"


class PolicyStatus(enum.StrEnum):
    ACTIVE = "active"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    CANCELLED = "cancelled"
    PENDING_PAYMENT = "pending_payment"


class PolicySummary(Response):
    id: Id
    number: str
    product: Product
    title: str
    status: PolicyStatus
    starts_on: dt.date
    ends_on: dt.date
    premium: Money
    renewable: bool
    claimable: bool = False


class Vehicle(Response):
    make: str | None = None
    model: str | None = None
    year: int | None = Field(default=None, ge=1900, le=2100)
    plate: str | None = None
    vin: str | None = None


class InsuredPerson(Response):
    full_name: str | None = None
    birth_date: dt.date | None = None


class InsuredObject(Response):
    kind: Literal["vehicle", "person", "property", "trip"]
    description: str
    vehicle: Vehicle | None = None
    person: InsuredPerson | None = None
    address: str | None = None


class Coverage(Response):
    name: str
    sum_insured: Money


class InsurerContacts(Response):
    phone: str
    email: str | None = None
    address: str | None = None
    hours: str | None = None
    website: str | None = None


class PolicyPerson(Response):
    """A person the policy names: a driver admitted (motor) or the insured (health, life)."""

    role: Literal["driver", "insured"]
    full_name: str = Field(min_length=1, max_length=300)
    birth_date: dt.date | None = None


class InstallmentStatus(enum.StrEnum):
    PAID = "paid"
    DUE = "due"
    OVERDUE = "overdue"


class NextPayment(Response):
    """The schedule's earliest unpaid installment, as the policy card shows it."""

    installment: int = Field(ge=1)
    amount: Money
    due_on: dt.date
    status: Literal[InstallmentStatus.DUE, InstallmentStatus.OVERDUE]


class PolicyDetail(PolicySummary):
    insured_object: InsuredObject
    insured_persons: list[PolicyPerson] = Field(default_factory=list)
    coverages: list[Coverage]
    deductible: Money | None = None
    insurer_contacts: InsurerContacts
    next_payment: NextPayment | None = None
    #: The policy may be changed online (`listPolicyChanges`).
    changeable: bool = False


class Installment(Response):
    number: int = Field(ge=1)
    amount: Money
    due_on: dt.date
    status: InstallmentStatus
    paid_on: dt.date | None = None


class PaymentSchedule(Response):
    policy_id: Id
    installments: list[Installment] = Field(min_length=1)
    next_due: int | None = Field(default=None, ge=1)


class InstallmentPaymentRequest(Request):
    installment: int = Field(ge=1)


class InstallmentPayment(Response):
    payment_id: Id
    policy_id: Id
    installment: int = Field(ge=1)
    amount: Money
    due_on: dt.date
    payment_url: str = Field(pattern=r"^https?://")
    status: Literal["awaiting_payment"]
    expires_at: dt.datetime


RenewalTerm = Literal[6, 12]


class RenewalOption(Response):
    term_months: RenewalTerm
    premium: Money


class RenewalOptions(Response):
    policy_id: Id
    terms: list[RenewalOption] = Field(min_length=1)


class RenewalQuoteRequest(Request):
    term_months: RenewalTerm


class RenewalQuote(Response):
    quote_id: Id
    policy_id: Id
    term_months: RenewalTerm
    premium: Money
    new_starts_on: dt.date
    new_ends_on: dt.date
    valid_until: dt.datetime
    terms_url: str = Field(pattern=r"^https?://")


class RenewalOrder(Response):
    order_id: Id
    payment_url: str = Field(pattern=r"^https?://")
    status: Literal["awaiting_payment"]
    expires_at: dt.datetime


# ----------------------------------------------------------------------------- claims


class ClaimStatus(enum.StrEnum):
    REGISTERED = "registered"
    IN_REVIEW = "in_review"
    AWAITING_DOCUMENTS = "awaiting_documents"
    APPROVED = "approved"
    REJECTED = "rejected"
    PAID = "paid"
    READY_FOR_PICKUP = "ready_for_pickup"
    CLOSED = "closed"
    WITHDRAWN = "withdrawn"

    @property
    def is_final(self) -> bool:
        return self in {ClaimStatus.CLOSED, ClaimStatus.WITHDRAWN}


class ClaimType(enum.StrEnum):
    VEHICLE_DAMAGE = "vehicle_damage"
    VEHICLE_THEFT = "vehicle_theft"
    GLASS = "glass"
    MEDICAL = "medical"
    PROPERTY_DAMAGE = "property_damage"
    TRAVEL_MEDICAL = "travel_medical"
    ACCIDENT = "accident"
    OTHER = "other"


class ClaimSummary(Response):
    id: Id
    number: str
    type: ClaimType
    status: ClaimStatus
    reported_on: dt.date
    policy_id: Id | None = None
    policy_number: str | None = None
    amount_claimed: Money | None = None
    amount_approved: Money | None = None


class ClaimHistoryEntry(Response):
    status: ClaimStatus
    at: dt.datetime
    comment: str | None = None


class ClaimDocument(Response):
    id: Id
    name: str
    uploaded_at: dt.datetime


class Author(enum.StrEnum):
    CUSTOMER = "customer"
    HANDLER = "handler"


class ClaimThreadMessage(Response):
    message_id: Id
    author: Author
    text: str = Field(min_length=1, max_length=2000)
    created_at: dt.datetime
    handler_name: str | None = Field(default=None, max_length=60)


class ClaimDetail(ClaimSummary):
    history: list[ClaimHistoryEntry] = Field(min_length=1)
    next_step: str | None = None
    requested_documents: list[str] = Field(default_factory=list)
    documents: list[ClaimDocument]
    messages: list[ClaimThreadMessage] = Field(default_factory=list)
    waiting_for: Author | None = None
    answer_due_on: dt.date | None = None


class ClaimMessageRequest(Request):
    text: str = Field(min_length=1, max_length=2000)


class ClaimMessage(Response):
    message_id: Id
    created_at: dt.datetime


DocumentContentType = Literal["application/pdf", "image/jpeg", "image/png"]
MAX_DOCUMENT_BYTES = 5 * 1024 * 1024


class UploadedDocument(Response):
    document_id: Id
    name: str
    size: int = Field(ge=1, le=MAX_DOCUMENT_BYTES)
    content_type: DocumentContentType
    uploaded_at: dt.datetime


# ----------------------------------------------------------------------------- claim filing


class FieldKind(enum.StrEnum):
    DATE = "date"
    TEXT = "text"
    AMOUNT = "amount"
    CHOICE = "choice"
    YES_NO = "yes_no"


class FieldOption(Response):
    id: Code
    title: str
    title_en: str


class ClaimField(Response):
    id: Code
    kind: FieldKind
    title: str
    title_en: str
    hint: str | None = None
    hint_en: str | None = None
    required: bool
    max_length: int = Field(default=200, ge=1, le=2000)
    min_amount: Amount | None = None
    max_amount: Amount | None = None
    options: list[FieldOption] = Field(default_factory=list)


class DocumentRequirement(Response):
    id: Code
    title: str
    title_en: str
    required: bool
    can_add_later: bool
    content_types: list[DocumentContentType] = Field(min_length=1)
    max_bytes: int = Field(ge=1, le=MAX_DOCUMENT_BYTES)
    max_files: int = Field(ge=1, le=20)


class ClaimKind(Response):
    id: Code
    title: str
    title_en: str
    claim_type: ClaimType
    fields: list[ClaimField]
    documents: list[DocumentRequirement]


class ClaimTypeList(Response):
    policy_id: Id
    items: list[ClaimKind]


class ClaimDraftRequest(Request):
    policy_id: Id
    claim_type: Code


FieldValue = str | bool


class ClaimDraftUpdate(Request):
    fields: dict[str, FieldValue | None] | None = None
    circumstances: str | None = Field(default=None, min_length=1, max_length=2000)


class DraftDocument(Response):
    document_id: Id
    requirement: Code
    name: str
    size: int = Field(ge=1, le=MAX_DOCUMENT_BYTES)
    content_type: DocumentContentType
    uploaded_at: dt.datetime


class MissingItem(Response):
    pointer: str
    blocking: bool


class ClaimDraft(Response):
    draft_id: Id
    policy_id: Id
    policy_number: str
    claim_type: Code
    created_at: dt.datetime
    updated_at: dt.datetime
    fields: dict[str, FieldValue]
    circumstances: str | None = None
    documents: list[DraftDocument]
    missing: list[MissingItem]


class MissingDocument(Response):
    id: Code
    title: str
    title_en: str


class ClaimRegistration(Response):
    claim_id: Id
    number: str
    registered_at: dt.datetime
    registration_due_on: dt.date
    decision_due_on: dt.date
    decision_working_days: int = Field(ge=1)
    missing_documents: list[MissingDocument]


# ----------------------------------------------------------------------------- certificates


class CertificatePurpose(Response):
    title: str
    title_en: str


class CertificateType(Response):
    id: Code
    title: str
    title_en: str
    needs_period: bool
    purposes: list[CertificatePurpose] = Field(default_factory=list)


class CertificateTypeList(Response):
    items: list[CertificateType]


class CertificateOrderRequest(Request):
    type: Code
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    purpose: str = Field(min_length=1, max_length=200)


class CertificateOrderStatus(enum.StrEnum):
    ACCEPTED = "accepted"
    PREPARING = "preparing"
    READY = "ready"
    REJECTED = "rejected"


class CertificateOrder(Response):
    order_id: Id
    number: str
    type: Code
    status: CertificateOrderStatus
    period_from: dt.date | None = None
    period_to: dt.date | None = None
    purpose: str
    created_at: dt.datetime
    expected_on: dt.date
    ready_at: dt.datetime | None = None
    rejection_reason: str | None = None


# ----------------------------------------------------------------------------- payouts


class PayoutStatus(enum.StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    FAILED = "failed"
    RETURNED = "returned"


class PayoutType(enum.StrEnum):
    INDEMNITY = "indemnity"
    EXPENSES = "expenses"
    PREMIUM_REFUND = "premium_refund"  # under a policy (cancelled, or cheaper), not a claim


class _PayoutBasis(Response):
    """What a payout is made under: a claim (`claim_id`), or — a premium refund — a policy
    (`policy_id`). The contract requires one or the other by `type`."""

    type: PayoutType = PayoutType.INDEMNITY
    claim_id: Id | None = None
    policy_id: Id | None = None

    @property
    def refund(self) -> bool:
        return self.type is PayoutType.PREMIUM_REFUND

    @model_validator(mode="after")
    def _basis(self) -> Self:
        if self.refund and self.policy_id is None:
            raise ValueError("a premium_refund names its policy_id")
        if not self.refund and self.claim_id is None:
            raise ValueError("a payout under a claim names its claim_id")
        return self


class Payout(_PayoutBasis):
    id: Id
    paid_on: dt.date
    amount: Money
    status: PayoutStatus
    type: PayoutType
    recipient: str = Field(pattern=r"^•••• [0-9]{4}$")
    claim_number: str | None = None
    policy_number: str | None = None

    @model_validator(mode="after")
    def _numbers(self) -> Self:
        if self.refund and self.policy_number is None:
            raise ValueError("a premium_refund names its policy_number")
        if not self.refund and self.claim_number is None:
            raise ValueError("a payout under a claim names its claim_number")
        return self


class PayoutDetail(Payout):
    recipient_name: str  # masked by the cabinet: "Ив*** И. И."
    bank: str
    account: str = Field(pattern=r"^•••• [0-9]{4}$")
    purpose: str
    documents: list[ClaimDocument]
    failure_reason: str | None = None


# ----------------------------------------------------------------------------- feedback


class FeedbackTopic(enum.StrEnum):
    LOGIN = "login"
    SPEED = "speed"
    INSTRUCTIONS = "instructions"
    BUG = "bug"
    OTHER = "other"


class FeedbackAttachment(Request):
    filename: str = Field(min_length=1, max_length=255)
    content_type: Literal["image/jpeg", "image/png"]
    content_base64: str = Field(max_length=6990508, pattern=r"^[A-Za-z0-9+/]*={0,2}$")


class FeedbackKind(enum.StrEnum):
    QUESTION = "question"  # to support: a topic and a text; answered within 48 hours
    REVIEW = "review"  # of the service: a rating, perhaps a comment


class FeedbackRequest(Request):
    """A question (`topic`, `text`) or a review (`rating`, perhaps `text`)."""

    kind: FeedbackKind
    topic: FeedbackTopic | None = None
    rating: int | None = Field(default=None, ge=1, le=5)
    text: str | None = Field(default=None, min_length=1, max_length=2000)
    attachment: FeedbackAttachment | None = None


class FeedbackReceipt(Response):
    feedback_id: Id
    number: str


# ----------------------------------------------------------------------------- personal data


class DataRequestKind(enum.StrEnum):
    COPY = "copy"  # 152-ФЗ ст. 14: a copy of the data and how it is processed
    CORRECTION = "correction"  # ст. 21: the data is wrong or incomplete


class Channel(enum.StrEnum):
    TELEGRAM = "telegram"
    MAX = "max"


#: What a correction's description may hold (the contract's `maxLength`).
CORRECTION_LIMIT = 1000


class DataRequestRequest(Request):
    """A copy (no description) or a correction (what is wrong, in the person's words)."""

    kind: DataRequestKind
    channel: Channel = Channel.TELEGRAM
    description: str | None = Field(default=None, min_length=1, max_length=CORRECTION_LIMIT)


class DataRequest(Response):
    request_id: Id
    number: str
    kind: DataRequestKind
    created_at: dt.datetime
    due_on: dt.date  # the last day the insurer answers by (10 working days)


class ChannelConsentWithdrawalRequest(Request):
    channel: Channel = Channel.TELEGRAM
    withdrawn_at: dt.datetime
    consent_version: str | None = Field(default=None, min_length=1, max_length=32)


class ChannelConsentWithdrawal(Response):
    withdrawal_id: Id
    channel: Channel
    withdrawn_at: dt.datetime
    recorded_at: dt.datetime


# ----------------------------------------------------------------------------- offers


class Offer(Response):
    id: Id
    title: str = Field(min_length=1, max_length=100)
    text: str = Field(min_length=1, max_length=300)
    url: str = Field(pattern=r"^https://")
    price_from: Money | None = None


class OfferList(Response):
    items: list[Offer] = Field(max_length=10)


# ----------------------------------------------------------------------------- contacts


class ContactKind(enum.StrEnum):
    PHONE = "phone"
    EMAIL = "email"


class Contact(Response):
    """A phone (`+79161234567`) or an e-mail, in full: personal data, never logged."""

    value: str = Field(min_length=1, max_length=254)
    confirmed: bool


class Contacts(Response):
    phone: Contact | None
    email: Contact | None

    def of(self, kind: ContactKind) -> Contact | None:
        return self.phone if kind is ContactKind.PHONE else self.email


class ContactChangeRequest(Request):
    kind: ContactKind
    value: str = Field(min_length=1, max_length=254)


class ContactChange(Response):
    """A change waiting for the code sent to `value`."""

    change_id: Id
    kind: ContactKind
    value: str
    expires_at: dt.datetime
    attempts_left: int = Field(ge=0)


class ContactChangeConfirmation(Request):
    code: str = Field(pattern=r"^[0-9]{4,8}$")


# ----------------------------------------------------------------------------- documents


class DocumentKind(enum.StrEnum):
    POLICY = "policy"
    CERTIFICATE = "certificate"
    UPLOAD = "upload"


class Document(Response):
    """One of the customer's documents («Мои документы»): a policy's or a certificate's PDF,
    or a file they uploaded to a claim."""

    id: Id
    kind: DocumentKind
    title: str = Field(min_length=1)
    number: str
    created_at: dt.datetime
    content_type: DocumentContentType
    emailable: bool
    download_path: str
    policy_id: Id | None = None
    order_id: Id | None = None
    claim_id: Id | None = None


class DocumentEmail(Response):
    """`sendDocumentByEmail`: where the document went, the address masked by the cabinet."""

    email_id: Id
    sent_to: str = Field(min_length=1)
    sent_at: dt.datetime


@dataclass(frozen=True, slots=True)
class DocumentFile:
    """A document's file as the cabinet served it (`getDocumentContent`)."""

    filename: str
    content: bytes
    content_type: DocumentContentType


@dataclass(frozen=True, slots=True)
class PdfDocument:
    """A PDF the cabinet produced (policy, certificate), with the file name it suggested."""

    filename: str
    content: bytes


# ----------------------------------------------------------------------------- new policies


class ProductQuestion(ClaimField):
    """A product's question: a claim form's field, and whether its answer is personal data
    (strict privacy mode does not take it through the messenger); a date's allowed range."""

    personal: bool = False
    min_date: dt.date | None = None
    max_date: dt.date | None = None


class SaleProduct(Response):
    """A product the cabinet sells online (`listProducts`)."""

    id: Code
    product: Product
    title: str
    title_en: str
    description: str
    description_en: str
    term_months: int = Field(ge=1, le=36)
    start_min_days: int = Field(ge=0, le=365)
    start_max_days: int = Field(ge=0, le=365)
    questions: list[ProductQuestion]
    terms_url: str = Field(pattern=r"^https?://")
    website_url: str = Field(pattern=r"^https?://")


class ProductList(Response):
    items: list[SaleProduct]


class PolicyQuoteRequest(Request):
    product_id: Code
    starts_on: dt.date
    answers: dict[str, FieldValue]


class PolicyQuote(Response):
    quote_id: Id
    product_id: Code
    premium: Money
    term_months: int = Field(ge=1, le=36)
    starts_on: dt.date
    ends_on: dt.date
    coverages: list[Coverage]
    valid_until: dt.datetime
    terms_url: str = Field(pattern=r"^https?://")


class PolicyOrder(Response):
    order_id: Id
    payment_url: str = Field(pattern=r"^https?://")
    status: Literal["awaiting_payment"]
    expires_at: dt.datetime


# ----------------------------------------------------------------------------- policy changes


class PolicyChangeOption(Response):
    """A change the cabinet allows for a policy (`listPolicyChanges`), and what it asks."""

    id: Code
    title: str
    title_en: str
    description: str
    description_en: str
    questions: list[ProductQuestion] = Field(min_length=1)
    website_url: str = Field(pattern=r"^https?://")


class PolicyChangeStatus(enum.StrEnum):
    QUOTED = "quoted"
    AWAITING_PAYMENT = "awaiting_payment"
    IN_REVIEW = "in_review"
    APPLIED = "applied"
    REJECTED = "rejected"
    EXPIRED = "expired"


class PolicyChange(Response):
    change_id: Id
    policy_id: Id
    option_id: Code
    title: str
    status: PolicyChangeStatus
    surcharge: Money
    refund: Money | None = None
    effective_from: dt.date
    valid_until: dt.datetime
    created_at: dt.datetime
    payment_url: str | None = Field(default=None, pattern=r"^https?://")
    payment_expires_at: dt.datetime | None = None
    reason: str | None = Field(default=None, max_length=500)


class PolicyChanges(Response):
    policy_id: Id
    options: list[PolicyChangeOption]
    items: list[PolicyChange] = Field(max_length=10)


class PolicyChangeRequest(Request):
    option_id: Code
    answers: dict[str, FieldValue]


# ----------------------------------------------------------------------------- events


class EventType(enum.StrEnum):
    CLAIM_STATUS_CHANGED = "claim.status_changed"
    CLAIM_DOCUMENTS_REQUESTED = "claim.documents_requested"
    CERTIFICATE_READY = "certificate.ready"
    POLICY_EXPIRING = "policy.expiring"
    PAYMENT_SUCCEEDED = "payment.succeeded"
    POLICY_RENEWED = "policy.renewed"
    PAYOUT_SENT = "payout.sent"
    CLAIM_REGISTERED = "claim.registered"
    CLAIM_MESSAGE_RECEIVED = "claim.message_received"
    CERTIFICATE_REJECTED = "certificate.rejected"
    PAYOUT_FAILED = "payout.failed"
    PAYMENT_DUE = "payment.due"
    POLICY_ISSUED = "policy.issued"
    POLICY_CHANGED = "policy.changed"
    CONTACTS_CHANGED = "contacts.changed"


class _Event(Response):
    event_id: str = Field(pattern=r"^[0-9a-fA-F-]{36}$")
    customer_id: Id
    occurred_at: dt.datetime


class ClaimStatusChangedData(Response):
    claim_id: Id
    claim_number: str
    status: ClaimStatus
    previous_status: ClaimStatus


class ClaimStatusChanged(_Event):
    type: Literal[EventType.CLAIM_STATUS_CHANGED]
    data: ClaimStatusChangedData


class ClaimDocumentsRequestedData(Response):
    claim_id: Id
    claim_number: str
    documents: list[str] = Field(min_length=1)


class ClaimDocumentsRequested(_Event):
    type: Literal[EventType.CLAIM_DOCUMENTS_REQUESTED]
    data: ClaimDocumentsRequestedData


class CertificateReadyData(Response):
    order_id: Id
    number: str


class CertificateReady(_Event):
    type: Literal[EventType.CERTIFICATE_READY]
    data: CertificateReadyData


class PolicyExpiringData(Response):
    policy_id: Id
    number: str
    ends_on: dt.date
    days_left: Literal[30, 7, 1]


class PolicyExpiring(_Event):
    type: Literal[EventType.POLICY_EXPIRING]
    data: PolicyExpiringData


class PaymentSucceededData(Response):
    """A renewal order paid; or, with `installment`, an installment of the policy's schedule."""

    order_id: Id
    policy_id: Id
    amount: Money
    installment: int | None = Field(default=None, ge=1)
    number: str | None = None
    next_due_on: dt.date | None = None


class PaymentSucceeded(_Event):
    type: Literal[EventType.PAYMENT_SUCCEEDED]
    data: PaymentSucceededData


class PolicyRenewedData(Response):
    policy_id: Id
    number: str
    new_ends_on: dt.date


class PolicyRenewed(_Event):
    type: Literal[EventType.POLICY_RENEWED]
    data: PolicyRenewedData


class PayoutSentData(_PayoutBasis):
    """A payout under a claim (no `type`: the events before refunds), or a premium refund."""

    payout_id: Id
    amount: Money
    policy_number: str | None = None

    @model_validator(mode="after")
    def _number(self) -> Self:
        if self.refund and self.policy_number is None:
            raise ValueError("a premium_refund names its policy_number")
        return self


class PayoutSent(_Event):
    type: Literal[EventType.PAYOUT_SENT]
    data: PayoutSentData


class ClaimRegisteredData(Response):
    claim_id: Id
    claim_number: str
    decision_due_on: dt.date


class ClaimRegistered(_Event):
    type: Literal[EventType.CLAIM_REGISTERED]
    data: ClaimRegisteredData


class ClaimMessageReceivedData(Response):
    claim_id: Id
    claim_number: str
    message_id: Id
    text: str = Field(min_length=1, max_length=2000)
    handler_name: str = Field(max_length=60)
    reply_due_on: dt.date | None = None


class ClaimMessageReceived(_Event):
    type: Literal[EventType.CLAIM_MESSAGE_RECEIVED]
    data: ClaimMessageReceivedData


class CertificateRejectedData(Response):
    order_id: Id
    number: str
    reason: str = Field(max_length=500)


class CertificateRejected(_Event):
    type: Literal[EventType.CERTIFICATE_REJECTED]
    data: CertificateRejectedData


class PayoutFailedData(PayoutSentData):
    status: Literal[PayoutStatus.FAILED, PayoutStatus.RETURNED]
    reason: str | None = Field(default=None, max_length=500)


class PayoutFailed(_Event):
    type: Literal[EventType.PAYOUT_FAILED]
    data: PayoutFailedData


class PaymentDueData(Response):
    policy_id: Id
    number: str
    installment: int = Field(ge=1)
    amount: Money
    due_on: dt.date
    status: Literal[InstallmentStatus.DUE, InstallmentStatus.OVERDUE]
    days_left: int | None = Field(default=None, ge=0, le=60)


class PaymentDue(_Event):
    type: Literal[EventType.PAYMENT_DUE]
    data: PaymentDueData


class PolicyIssuedData(Response):
    order_id: Id
    policy_id: Id
    number: str
    product_id: Code
    starts_on: dt.date
    ends_on: dt.date


class PolicyIssued(_Event):
    type: Literal[EventType.POLICY_ISSUED]
    data: PolicyIssuedData


class PolicyChangedData(Response):
    change_id: Id
    policy_id: Id
    number: str
    option_id: Code
    title: str
    title_en: str
    status: Literal["in_review", "applied", "rejected"]
    reason: str | None = Field(default=None, max_length=500)


class PolicyChanged(_Event):
    type: Literal[EventType.POLICY_CHANGED]
    data: PolicyChangedData


class ContactSource(enum.StrEnum):
    """Where a contact was changed: by the person (the bot, the website, the app) or by the
    insurer's staff (in the office, over the phone)."""

    BOT = "bot"
    WEBSITE = "website"
    MOBILE_APP = "mobile_app"
    OFFICE = "office"
    CALL_CENTER = "call_center"


class ContactsChangedData(Response):
    """The new value is masked by the cabinet (`+7 ••• •••-••-67`): shown as it is."""

    kind: ContactKind
    value: str = Field(min_length=1, max_length=100)
    source: ContactSource
    change_id: Id | None = None  # the bot's `startContactChange`, when confirmed through it


class ContactsChanged(_Event):
    type: Literal[EventType.CONTACTS_CHANGED]
    data: ContactsChangedData


Event = Annotated[
    ClaimStatusChanged
    | ClaimDocumentsRequested
    | CertificateReady
    | PolicyExpiring
    | PaymentSucceeded
    | PolicyRenewed
    | PayoutSent
    | ClaimRegistered
    | ClaimMessageReceived
    | CertificateRejected
    | PayoutFailed
    | PaymentDue
    | PolicyIssued
    | PolicyChanged
    | ContactsChanged,
    Field(discriminator="type"),
]
EVENT: TypeAdapter[Event] = TypeAdapter(Event)
