"""The cabinet client: one method per operation of `cabinet/openapi.yaml`.

Every call has a connect timeout of 2 s and a read timeout of 5 s, goes through the circuit
breaker, and is retried with exponential backoff and jitter (stamina) on network errors, 429 and
5xx, honouring a short `Retry-After`. Every operation may be retried: reads are idempotent,
`resolve` creates nothing, and every creating POST carries an `Idempotency-Key` that the caller
makes once per user action and passes again if the user repeats it.

Reads return a `Reading`: the value and when it was fetched. They are cached in Redis for a short
while, and while the cabinet is unavailable the last known answer comes back with
`stale=True`, so the bot can say "данные на 12:40" instead of nothing.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import re
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from typing import Any, Generic, NoReturn, TypeVar
from urllib.parse import unquote, urlencode

import httpx
import stamina
import structlog
from prometheus_client import Histogram
from pydantic import BaseModel, ValidationError

from cabinet.breaker import CircuitBreaker
from cabinet.cache import SHARED_SCOPE, ReadCache
from cabinet.errors import CabinetError, CabinetNotFound, CabinetRejected, CabinetUnavailable
from cabinet.models import (
    CertificateOrder,
    CertificateOrderRequest,
    CertificateType,
    CertificateTypeList,
    ChannelConsentWithdrawal,
    ChannelConsentWithdrawalRequest,
    ClaimDetail,
    ClaimDraft,
    ClaimDraftRequest,
    ClaimDraftUpdate,
    ClaimMessage,
    ClaimMessageRequest,
    ClaimRegistration,
    ClaimSummary,
    ClaimTypeList,
    ContactChange,
    ContactChangeConfirmation,
    ContactChangeRequest,
    Contacts,
    DataRequest,
    DataRequestRequest,
    Document,
    DocumentContentType,
    DocumentEmail,
    DocumentFile,
    DocumentKind,
    DraftDocument,
    FeedbackReceipt,
    FeedbackRequest,
    Identity,
    InstallmentPayment,
    InstallmentPaymentRequest,
    InsurerContacts,
    OfferList,
    Page,
    PaymentSchedule,
    Payout,
    PayoutDetail,
    PayoutStatus,
    PayoutType,
    PdfDocument,
    PolicyChange,
    PolicyChangeRequest,
    PolicyChanges,
    PolicyDetail,
    PolicyOrder,
    PolicyQuote,
    PolicyQuoteRequest,
    PolicySummary,
    Problem,
    ProductList,
    RenewalOptions,
    RenewalOrder,
    RenewalQuote,
    RenewalQuoteRequest,
    RenewalTerm,
    ResolvedCustomer,
    SaleProduct,
    UploadedDocument,
)

log = structlog.get_logger(__name__)

CALL_SECONDS = Histogram(
    "cabinet_call_seconds",
    "Cabinet API attempts by operation and outcome",
    ["operation", "outcome"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10),
)

DEFAULT_TIMEOUT = httpx.Timeout(5.0, connect=2.0)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_REJECTED = frozenset({409, 413, 415, 422})

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True, slots=True)
class Reading(Generic[T]):
    """What a read returned. `stale` means the cabinet is unavailable and this is the last known
    answer, as of `fetched_at` (UTC)."""

    value: T
    fetched_at: dt.datetime
    stale: bool = False


def new_idempotency_key() -> uuid.UUID:
    """One per user action, kept with the action (e.g. in the dialog data) and reused on retry."""
    return uuid.uuid4()


class _Retryable(Exception):
    """An attempt failed in a way that another attempt may not (network, 429, 5xx)."""

    def __init__(self, error: CabinetUnavailable) -> None:
        super().__init__(str(error))
        self.error = error


class CabinetClient:
    def __init__(
        self,
        base_url: str,
        token: str,
        *,
        cache: ReadCache,
        breaker: CircuitBreaker | None = None,
        timeout: httpx.Timeout = DEFAULT_TIMEOUT,
        attempts: int = 3,
        wait_initial: float = 0.2,
        wait_max: float = 2.0,
        retry_budget: float = 12.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.cache = cache
        self.breaker = breaker or CircuitBreaker()
        self._attempts = attempts
        self._wait_initial = wait_initial
        self._wait_max = wait_max
        self._retry_budget = retry_budget
        self._http = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            headers={"Authorization": f"Bearer {token}", "User-Agent": "cabinet-bot"},
            timeout=timeout,
            transport=transport,
            follow_redirects=False,
        )

    async def aclose(self) -> None:
        await self._http.aclose()

    # ------------------------------------------------------------------------- customers

    async def resolve_customer(self, identity: Identity, *, locale: str = "ru") -> ResolvedCustomer:
        """The cabinet customer of a confirmed identity; `CabinetNotFound` (code
        `customer_not_found`) when the person is not a customer."""
        response = await self._call(
            "resolve_customer",
            "POST",
            "v1/customers/resolve",
            locale=locale,
            json=identity.model_dump(mode="json", exclude_none=True),
        )
        return _parse(ResolvedCustomer, response.content, "resolve_customer")

    async def forget(self, customer_id: str) -> None:
        """Drop what the cache holds about a customer (unlink, consent withdrawn)."""
        await self.cache.forget(customer_id)

    # ------------------------------------------------------------------------- policies

    async def policies(
        self, customer_id: str, *, page: int = 1, page_size: int = 20, locale: str = "ru"
    ) -> Reading[Page[PolicySummary]]:
        return await self._read(
            "list_policies",
            Page[PolicySummary],
            scope=customer_id,
            path=f"{_customer(customer_id)}/policies",
            params={"page": page, "page_size": page_size},
            locale=locale,
        )

    async def policy(
        self, customer_id: str, policy_id: str, *, locale: str = "ru"
    ) -> Reading[PolicyDetail]:
        path = f"{_customer(customer_id)}/policies/{_segment(policy_id)}"
        return await self._read(
            "get_policy", PolicyDetail, scope=customer_id, path=path, locale=locale
        )

    async def policy_document(
        self, customer_id: str, policy_id: str, *, locale: str = "ru"
    ) -> PdfDocument:
        path = f"{_customer(customer_id)}/policies/{_segment(policy_id)}/document"
        return await self._document("get_policy_document", path, locale)

    async def renewal_options(
        self, customer_id: str, policy_id: str, *, locale: str = "ru"
    ) -> Reading[RenewalOptions]:
        path = f"{_customer(customer_id)}/policies/{_segment(policy_id)}/renewal-options"
        return await self._read(
            "get_renewal_options",
            RenewalOptions,
            scope=customer_id,
            path=path,
            locale=locale,
        )

    async def quote_renewal(
        self,
        customer_id: str,
        policy_id: str,
        term_months: RenewalTerm,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> RenewalQuote:
        path = f"{_customer(customer_id)}/policies/{_segment(policy_id)}/renewal-quotes"
        body = RenewalQuoteRequest(term_months=term_months).model_dump(mode="json")
        return await self._create(
            "create_renewal_quote",
            RenewalQuote,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
            json=body,
        )

    async def accept_renewal_quote(
        self,
        customer_id: str,
        policy_id: str,
        quote_id: str,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> RenewalOrder:
        path = (
            f"{_customer(customer_id)}/policies/{_segment(policy_id)}"
            f"/renewal-quotes/{_segment(quote_id)}/accept"
        )
        return await self._create(
            "accept_renewal_quote",
            RenewalOrder,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
        )

    async def products(self, *, locale: str = "ru") -> Reading[list[SaleProduct]]:
        """The products sold online, with their questions (the same for every customer)."""
        reading = await self._read(
            "list_products", ProductList, scope=SHARED_SCOPE, path="v1/products", locale=locale
        )
        return Reading(reading.value.items, reading.fetched_at, reading.stale)

    async def quote_policy(
        self,
        customer_id: str,
        request: PolicyQuoteRequest,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> PolicyQuote:
        return await self._create(
            "create_policy_quote",
            PolicyQuote,
            customer_id=customer_id,
            path=f"{_customer(customer_id)}/policy-quotes",
            idempotency_key=idempotency_key,
            locale=locale,
            json=request.model_dump(mode="json"),
        )

    async def accept_policy_quote(
        self, customer_id: str, quote_id: str, *, idempotency_key: uuid.UUID, locale: str = "ru"
    ) -> PolicyOrder:
        return await self._create(
            "accept_policy_quote",
            PolicyOrder,
            customer_id=customer_id,
            path=f"{_customer(customer_id)}/policy-quotes/{_segment(quote_id)}/accept",
            idempotency_key=idempotency_key,
            locale=locale,
        )

    async def policy_changes(
        self, customer_id: str, policy_id: str, *, locale: str = "ru"
    ) -> Reading[PolicyChanges]:
        """What may be changed in the policy now, and its changes with their status."""
        path = f"{_customer(customer_id)}/policies/{_segment(policy_id)}/changes"
        return await self._read(
            "list_policy_changes", PolicyChanges, scope=customer_id, path=path, locale=locale
        )

    async def quote_policy_change(
        self,
        customer_id: str,
        policy_id: str,
        request: PolicyChangeRequest,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> PolicyChange:
        return await self._create(
            "create_policy_change",
            PolicyChange,
            customer_id=customer_id,
            path=f"{_customer(customer_id)}/policies/{_segment(policy_id)}/changes",
            idempotency_key=idempotency_key,
            locale=locale,
            json=request.model_dump(mode="json"),
        )

    async def confirm_policy_change(
        self,
        customer_id: str,
        policy_id: str,
        change_id: str,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> PolicyChange:
        policy = f"{_customer(customer_id)}/policies/{_segment(policy_id)}"
        return await self._create(
            "confirm_policy_change",
            PolicyChange,
            customer_id=customer_id,
            path=f"{policy}/changes/{_segment(change_id)}/confirm",
            idempotency_key=idempotency_key,
            locale=locale,
        )

    async def payment_schedule(
        self, customer_id: str, policy_id: str, *, locale: str = "ru"
    ) -> Reading[PaymentSchedule]:
        path = f"{_customer(customer_id)}/policies/{_segment(policy_id)}/payment-schedule"
        return await self._read(
            "get_payment_schedule", PaymentSchedule, scope=customer_id, path=path, locale=locale
        )

    async def pay_installment(
        self,
        customer_id: str,
        policy_id: str,
        installment: int,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> InstallmentPayment:
        """A payment link for the installment (the schedule's next due); a new key, a new link."""
        path = f"{_customer(customer_id)}/policies/{_segment(policy_id)}/payments"
        body = InstallmentPaymentRequest(installment=installment).model_dump(mode="json")
        return await self._create(
            "create_installment_payment",
            InstallmentPayment,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
            json=body,
        )

    # ------------------------------------------------------------------------- claims

    async def claims(
        self, customer_id: str, *, page: int = 1, page_size: int = 20, locale: str = "ru"
    ) -> Reading[Page[ClaimSummary]]:
        return await self._read(
            "list_claims",
            Page[ClaimSummary],
            scope=customer_id,
            path=f"{_customer(customer_id)}/claims",
            params={"page": page, "page_size": page_size},
            locale=locale,
        )

    async def claim(
        self, customer_id: str, claim_id: str, *, locale: str = "ru"
    ) -> Reading[ClaimDetail]:
        path = f"{_customer(customer_id)}/claims/{_segment(claim_id)}"
        return await self._read(
            "get_claim", ClaimDetail, scope=customer_id, path=path, locale=locale
        )

    async def add_claim_message(
        self,
        customer_id: str,
        claim_id: str,
        text: str,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> ClaimMessage:
        path = f"{_customer(customer_id)}/claims/{_segment(claim_id)}/messages"
        body = ClaimMessageRequest(text=text).model_dump(mode="json")
        return await self._create(
            "create_claim_message",
            ClaimMessage,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
            json=body,
        )

    async def upload_claim_document(
        self,
        customer_id: str,
        claim_id: str,
        *,
        filename: str,
        content: bytes,
        content_type: DocumentContentType,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> UploadedDocument:
        path = f"{_customer(customer_id)}/claims/{_segment(claim_id)}/documents"
        return await self._create(
            "upload_claim_document",
            UploadedDocument,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
            files={"file": (filename, content, content_type)},
        )

    # ------------------------------------------------------------------------- claim filing

    async def claim_types(
        self, customer_id: str, policy_id: str, *, locale: str = "ru"
    ) -> Reading[ClaimTypeList]:
        path = f"{_customer(customer_id)}/policies/{_segment(policy_id)}/claim-types"
        return await self._read(
            "list_claim_types", ClaimTypeList, scope=customer_id, path=path, locale=locale
        )

    async def create_claim_draft(
        self,
        customer_id: str,
        request: ClaimDraftRequest,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> ClaimDraft:
        return await self._create(
            "create_claim_draft",
            ClaimDraft,
            customer_id=customer_id,
            path=f"{_customer(customer_id)}/claim-drafts",
            idempotency_key=idempotency_key,
            locale=locale,
            json=request.model_dump(mode="json"),
        )

    async def claim_drafts(self, customer_id: str, *, locale: str = "ru") -> Page[ClaimDraft]:
        """Drafts are read fresh every time: they change with every step of the flow."""
        response = await self._call(
            "list_claim_drafts",
            "GET",
            f"{_customer(customer_id)}/claim-drafts",
            locale=locale,
            params={"page_size": 20},
        )
        return _parse(Page[ClaimDraft], response.content, "list_claim_drafts")

    async def claim_draft(
        self, customer_id: str, draft_id: str, *, locale: str = "ru"
    ) -> ClaimDraft:
        response = await self._call(
            "get_claim_draft", "GET", _draft(customer_id, draft_id), locale=locale
        )
        return _parse(ClaimDraft, response.content, "get_claim_draft")

    async def update_claim_draft(
        self, customer_id: str, draft_id: str, update: ClaimDraftUpdate, *, locale: str = "ru"
    ) -> ClaimDraft:
        """A merge of values: repeating it changes nothing, so it needs no key."""
        response = await self._call(
            "update_claim_draft",
            "PATCH",
            _draft(customer_id, draft_id),
            locale=locale,
            json=update.model_dump(mode="json", exclude_unset=True),
        )
        return _parse(ClaimDraft, response.content, "update_claim_draft")

    async def delete_claim_draft(
        self, customer_id: str, draft_id: str, *, locale: str = "ru"
    ) -> None:
        await self._call(
            "delete_claim_draft", "DELETE", _draft(customer_id, draft_id), locale=locale
        )

    async def upload_claim_draft_document(
        self,
        customer_id: str,
        draft_id: str,
        requirement: str,
        *,
        filename: str,
        content: bytes,
        content_type: DocumentContentType,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> DraftDocument:
        path = (
            f"{_draft(customer_id, draft_id)}/documents?{urlencode({'requirement': requirement})}"
        )
        return await self._create(
            "upload_claim_draft_document",
            DraftDocument,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
            files={"file": (filename, content, content_type)},
        )

    async def delete_claim_draft_document(
        self, customer_id: str, draft_id: str, document_id: str, *, locale: str = "ru"
    ) -> None:
        path = f"{_draft(customer_id, draft_id)}/documents/{_segment(document_id)}"
        await self._call("delete_claim_draft_document", "DELETE", path, locale=locale)

    async def submit_claim_draft(
        self, customer_id: str, draft_id: str, *, idempotency_key: uuid.UUID, locale: str = "ru"
    ) -> ClaimRegistration:
        return await self._create(
            "submit_claim_draft",
            ClaimRegistration,
            customer_id=customer_id,
            path=f"{_draft(customer_id, draft_id)}/submit",
            idempotency_key=idempotency_key,
            locale=locale,
        )

    # ------------------------------------------------------------------------- certificates

    async def certificate_types(self, *, locale: str = "ru") -> Reading[list[CertificateType]]:
        reading = await self._read(
            "list_certificate_types",
            CertificateTypeList,
            scope=SHARED_SCOPE,
            path="v1/certificate-types",
            locale=locale,
        )
        return Reading(reading.value.items, reading.fetched_at, reading.stale)

    async def insurer_contacts(self, *, locale: str = "ru") -> Reading[InsurerContacts]:
        """Asked once, without retries: help answers at once, from the settings if need be."""
        return await self._read(
            "get_insurer_contacts",
            InsurerContacts,
            scope=SHARED_SCOPE,
            path="v1/contacts",
            locale=locale,
            attempts=1,
        )

    async def order_certificate(
        self,
        customer_id: str,
        order: CertificateOrderRequest,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> CertificateOrder:
        path = f"{_customer(customer_id)}/certificate-orders"
        return await self._create(
            "create_certificate_order",
            CertificateOrder,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
            json=order.model_dump(mode="json", exclude_none=True),
        )

    async def certificate_orders(
        self, customer_id: str, *, page: int = 1, page_size: int = 20, locale: str = "ru"
    ) -> Reading[Page[CertificateOrder]]:
        return await self._read(
            "list_certificate_orders",
            Page[CertificateOrder],
            scope=customer_id,
            path=f"{_customer(customer_id)}/certificate-orders",
            params={"page": page, "page_size": page_size},
            locale=locale,
        )

    async def certificate_order(
        self, customer_id: str, order_id: str, *, locale: str = "ru"
    ) -> Reading[CertificateOrder]:
        path = f"{_customer(customer_id)}/certificate-orders/{_segment(order_id)}"
        return await self._read(
            "get_certificate_order",
            CertificateOrder,
            scope=customer_id,
            path=path,
            locale=locale,
        )

    async def certificate_document(
        self, customer_id: str, order_id: str, *, locale: str = "ru"
    ) -> PdfDocument:
        path = f"{_customer(customer_id)}/certificate-orders/{_segment(order_id)}/document"
        return await self._document("get_certificate_document", path, locale)

    # ------------------------------------------------------------------------- documents

    async def documents(
        self,
        customer_id: str,
        *,
        kind: DocumentKind | None = None,
        page: int = 1,
        page_size: int = 20,
        locale: str = "ru",
    ) -> Reading[Page[Document]]:
        """The customer's documents, newest first; of one kind, or all."""
        params: dict[str, Any] = {"page": page, "page_size": page_size}
        if kind is not None:
            params["kind"] = kind.value
        return await self._read(
            "list_documents",
            Page[Document],
            scope=customer_id,
            path=f"{_customer(customer_id)}/documents",
            params=params,
            locale=locale,
        )

    async def document(
        self, customer_id: str, document_id: str, *, locale: str = "ru"
    ) -> Reading[Document]:
        path = f"{_customer(customer_id)}/documents/{_segment(document_id)}"
        return await self._read(
            "get_document", Document, scope=customer_id, path=path, locale=locale
        )

    async def document_content(
        self, customer_id: str, document_id: str, *, locale: str = "ru"
    ) -> DocumentFile:
        """The document's file: a PDF, or an upload's JPEG or PNG."""
        path = f"{_customer(customer_id)}/documents/{_segment(document_id)}/content"
        response = await self._call("get_document_content", "GET", path, locale=locale)
        content_type = response.headers.get("content-type", "").split(";")[0].strip()
        if content_type == "application/pdf":
            extension = "pdf"
        elif content_type == "image/jpeg":
            extension = "jpg"
        elif content_type == "image/png":
            extension = "png"
        else:
            raise CabinetError("get_document_content: the answer is not a PDF, JPEG or PNG")
        filename = _filename(response, f"document.{extension}")
        return DocumentFile(filename, response.content, content_type)

    async def email_document(
        self, customer_id: str, document_id: str, *, idempotency_key: uuid.UUID, locale: str = "ru"
    ) -> DocumentEmail:
        """The document to the customer's confirmed e-mail; `CabinetRejected` with the code
        `email_not_confirmed` when they have none."""
        path = f"{_customer(customer_id)}/documents/{_segment(document_id)}/email"
        return await self._create(
            "send_document_by_email",
            DocumentEmail,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
        )

    # ------------------------------------------------------------------------- payouts, feedback

    async def payouts(
        self,
        customer_id: str,
        *,
        date_from: dt.date | None = None,
        date_to: dt.date | None = None,
        status: PayoutStatus | None = None,
        kind: PayoutType | None = None,  # the contract's `type`
        page: int = 1,
        page_size: int = 20,
        locale: str = "ru",
    ) -> Reading[Page[Payout]]:
        params: dict[str, Any] = {"page": page, "page_size": page_size}
        if date_from is not None:
            params["from"] = date_from.isoformat()
        if date_to is not None:
            params["to"] = date_to.isoformat()
        if status is not None:
            params["status"] = status.value
        if kind is not None:
            params["type"] = kind.value
        return await self._read(
            "list_payouts",
            Page[Payout],
            scope=customer_id,
            path=f"{_customer(customer_id)}/payouts",
            params=params,
            locale=locale,
        )

    async def payout(
        self, customer_id: str, payout_id: str, *, locale: str = "ru"
    ) -> Reading[PayoutDetail]:
        return await self._read(
            "get_payout",
            PayoutDetail,
            scope=customer_id,
            path=f"{_customer(customer_id)}/payouts/{_segment(payout_id)}",
            locale=locale,
        )

    async def submit_feedback(
        self,
        customer_id: str,
        feedback: FeedbackRequest,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> FeedbackReceipt:
        path = f"{_customer(customer_id)}/feedback"
        return await self._create(
            "submit_feedback",
            FeedbackReceipt,
            customer_id=customer_id,
            path=path,
            idempotency_key=idempotency_key,
            locale=locale,
            json=feedback.model_dump(mode="json", exclude_none=True),
        )

    # ------------------------------------------------------------------- personal data, offers

    async def request_data(
        self,
        customer_id: str,
        request: DataRequestRequest,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> DataRequest:
        """A copy or a correction of the person's data (152-ФЗ): its number and due date."""
        return await self._create(
            "create_data_request",
            DataRequest,
            customer_id=customer_id,
            path=f"{_customer(customer_id)}/data-requests",
            idempotency_key=idempotency_key,
            locale=locale,
            json=request.model_dump(mode="json", exclude_none=True),
        )

    async def withdraw_channel_consent(
        self,
        customer_id: str,
        withdrawal: ChannelConsentWithdrawalRequest,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> ChannelConsentWithdrawal:
        """Tell the cabinet the person withdrew their consent for this channel (/revoke)."""
        return await self._create(
            "withdraw_channel_consent",
            ChannelConsentWithdrawal,
            customer_id=customer_id,
            path=f"{_customer(customer_id)}/channel-consent-withdrawals",
            idempotency_key=idempotency_key,
            locale=locale,
            json=withdrawal.model_dump(mode="json", exclude_none=True),
        )

    async def offers(self, customer_id: str, *, locale: str = "ru") -> Reading[OfferList]:
        """The person's recommendations: ask only with their consent to advertising."""
        return await self._read(
            "list_offers",
            OfferList,
            scope=customer_id,
            path=f"{_customer(customer_id)}/offers",
            locale=locale,
        )

    # ------------------------------------------------------------------------- contacts

    async def contacts(self, customer_id: str, *, locale: str = "ru") -> Reading[Contacts]:
        return await self._read(
            "get_contacts",
            Contacts,
            scope=customer_id,
            path=f"{_customer(customer_id)}/contacts",
            locale=locale,
        )

    async def start_contact_change(
        self,
        customer_id: str,
        request: ContactChangeRequest,
        *,
        idempotency_key: uuid.UUID,
        locale: str = "ru",
    ) -> ContactChange:
        """The cabinet sends a code to the new phone or e-mail; nothing changes until it is
        entered back (`confirm_contact_change`)."""
        return await self._create(
            "start_contact_change",
            ContactChange,
            customer_id=customer_id,
            path=f"{_customer(customer_id)}/contact-changes",
            idempotency_key=idempotency_key,
            locale=locale,
            json=request.model_dump(mode="json"),
        )

    async def confirm_contact_change(
        self, customer_id: str, change_id: str, code: str, *, locale: str = "ru"
    ) -> Contacts:
        """The contacts with the change made. A wrong code is `CabinetRejected` `wrong_code`
        with `attempts_left`; `too_many_attempts` and `code_expired` end the change. Repeating
        a confirmation that succeeded answers the same, so it needs no key."""
        path = f"{_customer(customer_id)}/contact-changes/{_segment(change_id)}/confirm"
        body = ContactChangeConfirmation(code=code).model_dump(mode="json")
        try:
            response = await self._call(
                "confirm_contact_change", "POST", path, locale=locale, json=body
            )
        finally:
            await self.cache.outdate(customer_id)  # the contacts may have changed
        return _parse(Contacts, response.content, "confirm_contact_change")

    # ------------------------------------------------------------------------- the machinery

    async def _read(
        self,
        operation: str,
        model: type[M],
        *,
        scope: str,
        path: str,
        locale: str,
        params: Mapping[str, Any] | None = None,
        attempts: int | None = None,
    ) -> Reading[M]:
        params = params or {}
        field = f"{locale}:{path}?{urlencode(sorted(params.items()))}"
        cached = await self.cache.get(scope, field)
        value = _parse_cached(model, cached.body) if cached else None
        age = cached.age(time.time()) if cached else 0.0
        if cached and value is not None and not cached.outdated and age < self.cache.fresh_for:
            return Reading(value, cached.fetched_at)
        try:
            response = await self._call(
                operation, "GET", path, locale=locale, params=params, attempts=attempts
            )
        except CabinetUnavailable:
            if cached is None or value is None:
                raise
            log.warning("cabinet_stale_read", operation=operation, age=round(age))
            return Reading(value, cached.fetched_at, stale=True)
        fresh = _parse(model, response.content, operation)
        return Reading(fresh, await self.cache.put(scope, field, response.content))

    async def _create(
        self,
        operation: str,
        model: type[M],
        *,
        customer_id: str,
        path: str,
        idempotency_key: uuid.UUID,
        locale: str,
        **content: Any,
    ) -> M:
        try:
            response = await self._call(
                operation, "POST", path, locale=locale, idempotency_key=idempotency_key, **content
            )
        finally:
            # Lists and details that include the new thing are not fresh any more; also when the
            # answer was lost, as the cabinet may have done it anyway. They stay as the last
            # known data for an outage.
            await self.cache.outdate(customer_id)
        return _parse(model, response.content, operation)

    async def _document(self, operation: str, path: str, locale: str) -> PdfDocument:
        response = await self._call(operation, "GET", path, locale=locale)
        if response.headers.get("content-type", "").split(";")[0].strip() != "application/pdf":
            raise CabinetError(f"{operation}: the answer is not a PDF")
        return PdfDocument(_filename(response, "document.pdf"), response.content)

    async def _call(
        self,
        operation: str,
        method: str,
        path: str,
        *,
        locale: str,
        idempotency_key: uuid.UUID | None = None,
        attempts: int | None = None,
        **request: Any,
    ) -> httpx.Response:
        headers = {"Accept-Language": locale}
        if idempotency_key is not None:
            headers["Idempotency-Key"] = str(idempotency_key)
        try:
            # stamina checks its timeout between attempts only; this bounds a trickling answer.
            async with asyncio.timeout(self._retry_budget):
                async for attempt in stamina.retry_context(
                    on=self._backoff,
                    attempts=attempts or self._attempts,
                    timeout=None,  # the budget is the asyncio.timeout around all attempts
                    wait_initial=self._wait_initial,
                    wait_max=self._wait_max,
                    wait_jitter=self._wait_initial,
                ):
                    with attempt:
                        return await self._attempt(operation, method, path, headers, request)
        except _Retryable as exc:
            exc.error.reading = method == "GET"
            raise exc.error from None
        except TimeoutError:
            error = CabinetUnavailable(f"{operation}: no answer within the retry budget")
            error.reading = method == "GET"
            raise error from None
        raise AssertionError("unreachable: stamina either returns or raises")  # pragma: no cover

    def _backoff(self, exc: Exception) -> bool | float:
        """stamina's hook: retry `_Retryable`, waiting `Retry-After` when the cabinet sent one
        that is short enough for a person waiting in a chat; give up on a longer one."""
        if not isinstance(exc, _Retryable):
            return False
        retry_after = exc.error.retry_after
        if retry_after is None:
            return True
        return retry_after if retry_after <= self._wait_max else False

    async def _attempt(
        self, operation: str, method: str, path: str, headers: dict[str, str], request: Any
    ) -> httpx.Response:
        ticket = self.breaker.allow()
        if ticket is None:
            CALL_SECONDS.labels(operation, "breaker_open").observe(0)
            raise CabinetUnavailable(f"{operation}: circuit breaker open", code="breaker_open")
        started = time.perf_counter()
        try:
            response = await self._http.request(method, path, headers=headers, **request)
        except httpx.HTTPError as exc:  # connect/read errors, timeouts, a garbled answer
            self.breaker.record_failure(ticket)
            CALL_SECONDS.labels(operation, "network").observe(time.perf_counter() - started)
            log.warning("cabinet_call_failed", operation=operation, error=type(exc).__name__)
            raise _Retryable(CabinetUnavailable(f"{operation}: {type(exc).__name__}")) from None
        except BaseException:
            self.breaker.release(ticket)
            raise
        status = response.status_code
        CALL_SECONDS.labels(operation, str(status)).observe(time.perf_counter() - started)
        if status >= 500:
            self.breaker.record_failure(ticket)
        else:
            self.breaker.record_success(ticket)
        if status >= 400:
            _raise_for(operation, response)
        return response


def _raise_for(operation: str, response: httpx.Response) -> NoReturn:
    status = response.status_code
    problem = _problem(response)
    code = problem.code if problem else None
    message = f"{operation}: {status} {code or ''}".rstrip()
    if status == 429 or status >= 500 or code == "idempotency_key_in_use":
        log.warning("cabinet_call_failed", operation=operation, status=status, code=code)
        raise _Retryable(
            CabinetUnavailable(
                message, status=status, code=code, retry_after=_retry_after(response)
            )
        )
    if status == 404:
        raise CabinetNotFound(message, status=status, code=code)
    if status in _REJECTED:
        attempts_left = problem.attempts_left if problem else None
        raise CabinetRejected(message, status=status, code=code, attempts_left=attempts_left)
    # 400, 401, 403: a bug or a misconfiguration (CABINET_TOKEN) on one of the two sides.
    log.error("cabinet_call_refused", operation=operation, status=status, code=code)
    raise CabinetError(message, status=status, code=code)


def _problem(response: httpx.Response) -> Problem | None:
    try:
        return Problem.model_validate_json(response.content)
    except ValidationError:
        return None


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after", "")
    return float(value) if value.isdigit() else None


_EXTENDED_FILENAME = re.compile(r"filename\*\s*=\s*UTF-8''([^;\s]+)", re.IGNORECASE)


def _filename(response: httpx.Response, default: str) -> str:
    """The name the cabinet suggests: `filename*` (RFC 6266: UTF-8, a Cyrillic name as the
    person gave it) before the ASCII `filename` fallback."""
    header = response.headers.get("content-disposition")
    if not header:
        return default
    extended = _EXTENDED_FILENAME.search(header)
    if extended:
        name: str | None = unquote(extended[1])
    else:
        message = Message()
        message["content-disposition"] = header
        name = message.get_filename()
    return name.replace("/", "_").replace("\\", "_") if name else default


def _parse(model: type[M], body: bytes, operation: str) -> M:
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        # Only the locations: the values are the customer's personal data.
        where = sorted({".".join(map(str, error["loc"])) for error in exc.errors()})[:5]
        log.error("cabinet_contract_violation", operation=operation, fields=where)
        raise CabinetError(f"{operation}: the answer does not match the contract") from None


def _parse_cached(model: type[M], body: bytes) -> M | None:
    try:
        return model.model_validate_json(body)
    except ValidationError:  # cached by an older release with other models: a miss
        return None


def _segment(value: str) -> str:
    """An id from the user's side (callback data) into a path: an opaque id or nothing."""
    if not _ID.fullmatch(value):
        raise CabinetNotFound("not a valid id", status=404, code="not_found")
    return value


def _customer(customer_id: str) -> str:
    return f"v1/customers/{_segment(customer_id)}"


def _draft(customer_id: str, draft_id: str) -> str:
    return f"{_customer(customer_id)}/claim-drafts/{_segment(draft_id)}"
