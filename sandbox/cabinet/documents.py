"""«Мои документы»: every document the cabinet keeps for a customer, and e-mailing one.

The list is made from the customer's objects each time: an issued policy's PDF (every policy
but one awaiting payment), a ready certificate's PDF, and every file the customer uploaded to a
claim. A document's id says what it stands for (`pdoc-{policy_id}`, `cdoc-{order_id}`, or the
uploaded file's own id), so the same document keeps its id while it exists.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sandbox.cabinet.model import (
    CERTIFICATE_TYPES,
    JSON,
    PRODUCT_TITLES,
    CertificateOrder,
    Claim,
    ClaimDocument,
    Customer,
    Policy,
    instant,
)
from sandbox.cabinet.pdf import certificate_pdf, policy_pdf, upload_stand_in_pdf
from sandbox.cabinet.problems import ProblemError
from sandbox.cabinet.texts import Lang, Text

KINDS = ("policy", "certificate", "upload")
_POLICY = "pdoc-"
_CERTIFICATE = "cdoc-"
#: A policy's document is dated its first day, as if issued at 09:00 Moscow.
_ISSUED_AT = dt.time(6, 0, tzinfo=dt.UTC)


@dataclass(frozen=True)
class Document:
    id: str
    kind: str
    title: Text
    number: str
    created_at: dt.datetime
    content_type: str
    policy: Policy | None = None
    order: CertificateOrder | None = None
    claim: Claim | None = None
    upload: ClaimDocument | None = None

    @property
    def emailable(self) -> bool:
        return self.kind != "upload"

    def render(self, lang: Lang, customer: Customer) -> JSON:
        rendered: JSON = {
            "id": self.id,
            "kind": self.kind,
            "title": self.title(lang),
            "number": self.number,
            "created_at": instant(self.created_at),
            "content_type": self.content_type,
            "emailable": self.emailable,
            "download_path": f"/v1/customers/{customer.id}/documents/{self.id}/content",
        }
        if self.policy:
            rendered["policy_id"] = self.policy.id
        if self.order:
            rendered["order_id"] = self.order.id
        if self.claim:
            rendered["claim_id"] = self.claim.id
        return rendered

    def content(self, customer: Customer, today: dt.date) -> tuple[bytes, str, str]:
        """The file, its ASCII fallback name and its name."""
        if self.policy:
            data = policy_pdf(self.policy, customer)
            return data, f"policy-{self.policy.id}.pdf", f"Полис {self.number}.pdf"
        if self.order:
            data = certificate_pdf(self.order, customer, today)
            return data, f"certificate-{self.order.id}.pdf", f"Справка {self.number}.pdf"
        assert self.upload is not None
        data = self.upload.data or upload_stand_in_pdf(self.upload.name, self.number)
        extension = self.content_type.rpartition("/")[2].replace("jpeg", "jpg")
        return data, f"document-{self.id}.{extension}", self.upload.name


def _policy_document(policy: Policy) -> Document:
    product = PRODUCT_TITLES[policy.product]
    return Document(
        id=_POLICY + policy.id,
        kind="policy",
        title=Text(
            f"Полис {product.ru} № {policy.number}", f"{product.en} policy No. {policy.number}"
        ),
        number=policy.number,
        created_at=dt.datetime.combine(policy.starts_on, _ISSUED_AT),
        content_type="application/pdf",
        policy=policy,
    )


def _certificate_document(order: CertificateOrder) -> Document:
    title = CERTIFICATE_TYPES[order.type].title
    assert order.ready_at is not None
    return Document(
        id=_CERTIFICATE + order.id,
        kind="certificate",
        title=Text(f"{title.ru} № {order.number}", f"{title.en} No. {order.number}"),
        number=order.number,
        created_at=order.ready_at,
        content_type="application/pdf",
        order=order,
    )


def _uploaded(claim: Claim, upload: ClaimDocument) -> Document:
    return Document(
        id=upload.id,
        kind="upload",
        title=Text(upload.name, upload.name),
        number=claim.number,
        created_at=upload.uploaded_at,
        content_type=upload.content_type,
        claim=claim,
        upload=upload,
    )


def documents_of(customer: Customer, kind: str | None = None) -> list[Document]:
    """The customer's documents of `kind` (all without one), newest first."""
    found = [
        _policy_document(policy)
        for policy in customer.policies.values()
        if policy.status != "pending_payment"
    ]
    found += [
        _certificate_document(order)
        for order in customer.certificate_orders.values()
        if order.status == "ready" and order.ready_at is not None
    ]
    found += [_uploaded(claim, d) for claim in customer.claims.values() for d in claim.documents]
    chosen = [document for document in found if kind is None or document.kind == kind]
    # Stable: of documents added in the same second, the one added later comes first.
    return sorted(reversed(chosen), key=lambda d: d.created_at, reverse=True)


def document_of(customer: Customer, document_id: str) -> Document:
    """One document of the customer's; 404 `document_not_found` for any other id."""
    found = next((d for d in documents_of(customer) if d.id == document_id), None)
    if found is None:
        raise ProblemError("document_not_found", Text("Документ не найден.", "Document not found."))
    return found


def masked_email(address: str) -> str:
    """`c•••@mail.example`: enough for the customer to recognise, nothing more."""
    local, _, domain = address.partition("@")
    return f"{local[:1]}•••@{domain}"


@dataclass(frozen=True)
class SentEmail:
    id: str
    customer_id: str
    document_id: str
    to: str
    sent_at: dt.datetime

    def receipt(self) -> JSON:
        return {
            "email_id": self.id,
            "sent_to": masked_email(self.to),
            "sent_at": instant(self.sent_at),
        }

    def render(self) -> JSON:
        """What the operator console shows (the sandbox's stand-in for the mail log)."""
        return {**self.receipt(), "customer_id": self.customer_id, "document_id": self.document_id}
