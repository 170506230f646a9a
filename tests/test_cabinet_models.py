"""The client's models against `cabinet/openapi.yaml`: every documented example parses, and
the models keep what the bot relies on (decimal money, strict enums, no personal data in reprs)."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from cabinet import events
from cabinet.models import (
    EVENT,
    CertificateOrder,
    CertificateOrderRequest,
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
    DocumentEmail,
    DraftDocument,
    FeedbackReceipt,
    FeedbackRequest,
    Identity,
    InstallmentPayment,
    InstallmentPaymentRequest,
    InsurerContacts,
    Money,
    OfferList,
    Page,
    PaymentSchedule,
    Payout,
    PayoutDetail,
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
    ResolvedCustomer,
    UploadedDocument,
)

SPEC = yaml.safe_load((Path(__file__).parents[1] / "cabinet" / "openapi.yaml").read_text())

# operationId → (the request model, the model of its 2xx JSON answer)
OPERATIONS: dict[str, tuple[type[BaseModel] | None, type[BaseModel] | None]] = {
    "resolveCustomer": (Identity, ResolvedCustomer),
    "listPolicies": (None, Page[PolicySummary]),
    "getPolicy": (None, PolicyDetail),
    "getPolicyDocument": (None, None),
    "getRenewalOptions": (None, RenewalOptions),
    "createRenewalQuote": (RenewalQuoteRequest, RenewalQuote),
    "acceptRenewalQuote": (None, RenewalOrder),
    "getPaymentSchedule": (None, PaymentSchedule),
    "createInstallmentPayment": (InstallmentPaymentRequest, InstallmentPayment),
    "listClaims": (None, Page[ClaimSummary]),
    "getClaim": (None, ClaimDetail),
    "createClaimMessage": (ClaimMessageRequest, ClaimMessage),
    "uploadClaimDocument": (None, UploadedDocument),  # multipart: checked in the client tests
    "listCertificateTypes": (None, CertificateTypeList),
    "getInsurerContacts": (None, InsurerContacts),
    "createDataRequest": (DataRequestRequest, DataRequest),
    "withdrawChannelConsent": (ChannelConsentWithdrawalRequest, ChannelConsentWithdrawal),
    "listOffers": (None, OfferList),
    "createCertificateOrder": (CertificateOrderRequest, CertificateOrder),
    "listCertificateOrders": (None, Page[CertificateOrder]),
    "getCertificateOrder": (None, CertificateOrder),
    "getCertificateDocument": (None, None),
    "listDocuments": (None, Page[Document]),
    "getDocument": (None, Document),
    "getDocumentContent": (None, None),
    "sendDocumentByEmail": (None, DocumentEmail),
    "listPayouts": (None, Page[Payout]),
    "getPayout": (None, PayoutDetail),
    "submitFeedback": (FeedbackRequest, FeedbackReceipt),
    "listClaimTypes": (None, ClaimTypeList),
    "createClaimDraft": (ClaimDraftRequest, ClaimDraft),
    "listClaimDrafts": (None, Page[ClaimDraft]),
    "getClaimDraft": (None, ClaimDraft),
    "updateClaimDraft": (ClaimDraftUpdate, ClaimDraft),
    "deleteClaimDraft": (None, None),
    "uploadClaimDraftDocument": (None, DraftDocument),  # multipart
    "deleteClaimDraftDocument": (None, None),
    "submitClaimDraft": (None, ClaimRegistration),
    "getContacts": (None, Contacts),
    "startContactChange": (ContactChangeRequest, ContactChange),
    "confirmContactChange": (ContactChangeConfirmation, Contacts),
    "listProducts": (None, ProductList),
    "createPolicyQuote": (PolicyQuoteRequest, PolicyQuote),
    "acceptPolicyQuote": (None, PolicyOrder),
    "listPolicyChanges": (None, PolicyChanges),
    "createPolicyChange": (PolicyChangeRequest, PolicyChange),
    "confirmPolicyChange": (None, PolicyChange),
}


def _deref(node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = SPEC
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node


def _operations() -> Iterator[dict[str, Any]]:
    for item in SPEC["paths"].values():
        for method, operation in item.items():
            if method not in ("parameters", "summary", "description"):
                yield operation


def _examples(content: dict[str, Any]) -> Iterator[tuple[str, Any]]:
    for name, example in (content.get("examples") or {}).items():
        yield name, _deref(example)["value"]


def _cases() -> Iterator[Any]:
    for operation in _operations():
        operation_id = operation["operationId"]
        request_model, response_model = OPERATIONS[operation_id]
        body = _deref(operation.get("requestBody") or {})
        for name, value in _examples(body.get("content", {}).get("application/json", {})):
            assert request_model is not None, operation_id
            yield pytest.param(request_model, value, id=f"{operation_id}-request-{name}")
        for status, response in operation["responses"].items():
            for media_type, content in (_deref(response).get("content") or {}).items():
                if media_type == "application/problem+json":
                    model: type[BaseModel] | None = Problem
                elif media_type == "application/json" and status.startswith("2"):
                    model = response_model
                else:
                    continue
                for name, value in _examples(content):
                    assert model is not None, (operation_id, status)
                    yield pytest.param(model, value, id=f"{operation_id}-{status}-{name}")


def test_every_operation_has_a_model() -> None:
    assert {operation["operationId"] for operation in _operations()} == set(OPERATIONS)


@pytest.mark.parametrize(("model", "example"), list(_cases()))
def test_documented_example_parses(model: type[BaseModel], example: Any) -> None:
    parsed = model.model_validate(example)
    # What the bot would send back (requests) or cache (answers) is the same document.
    assert model.model_validate_json(parsed.model_dump_json()) == parsed


def test_every_documented_event_parses() -> None:
    content = SPEC["webhooks"]["cabinetEvent"]["post"]["requestBody"]["content"]
    seen = {
        EVENT.validate_python(value).type for _, value in _examples(content["application/json"])
    }
    assert {str(kind) for kind in seen} == set(
        _deref({"$ref": "#/components/schemas/EventType"})["enum"]
    )


def test_money_is_decimal_and_serialises_as_a_string() -> None:
    money = Money.model_validate({"amount": "8432.1", "currency": "RUB"})
    assert money.amount == Decimal("8432.10")
    assert money.model_dump(mode="json") == {"amount": "8432.10", "currency": "RUB"}
    with pytest.raises(ValidationError):
        Money.model_validate({"amount": "1.005", "currency": "RUB"})
    with pytest.raises(ValidationError):
        Money.model_validate({"amount": "10", "currency": "USD"})


def test_an_unknown_enum_value_is_a_contract_violation_but_unknown_fields_are_fine() -> None:
    claim = {"id": "clm_1", "number": "У-1", "type": "glass", "reported_on": "2026-01-02"}
    assert ClaimSummary.model_validate({**claim, "status": "paid", "new_field": 1}).id == "clm_1"
    with pytest.raises(ValidationError):
        ClaimSummary.model_validate({**claim, "status": "teleported"})


def test_requests_refuse_members_the_contract_does_not_have() -> None:
    with pytest.raises(ValidationError):
        RenewalQuoteRequest.model_validate({"term_months": 12, "discount": 50})
    with pytest.raises(ValidationError):
        RenewalQuoteRequest.model_validate({"term_months": 7})


def test_identity_repr_carries_no_personal_data() -> None:
    identity = Identity.model_validate(
        {
            "provider": "esia",
            "subject": "1000299654",
            "snils": "12345678964",
            "last_name": "Иванов",
            "first_name": "Иван",
            "birth_date": "1985-04-12",
        }
    )
    for shown in (repr(identity), str(identity), f"{identity}"):
        assert "Иван" not in shown
        assert "12345678964" not in shown
        assert "1985" not in shown


def test_event_signature_round_trip_and_refusals() -> None:
    secret, body, now = b"k" * 32, b'{"event_id":"x"}', int(time.time())
    good = events.sign(secret, now, body)
    events.verify(secret, timestamp=str(now), signature=good, body=body)
    refusals: list[dict[str, Any]] = [
        {"timestamp": str(now), "signature": good, "body": body + b" "},  # body changed
        {"timestamp": str(now + 1), "signature": good, "body": body},  # timestamp changed
        {"timestamp": str(now), "signature": None, "body": body},
        {"timestamp": None, "signature": good, "body": body},
        {"timestamp": "soon", "signature": good, "body": body},
    ]
    for kwargs in refusals:
        with pytest.raises(events.InvalidSignature):
            events.verify(secret, **kwargs)
    old = now - 301
    with pytest.raises(events.InvalidSignature, match="5 minutes"):
        events.verify(
            secret, timestamp=str(old), signature=events.sign(secret, old, body), body=body
        )
    with pytest.raises(events.InvalidSignature):
        events.verify(b"other", timestamp=str(now), signature=good, body=body)


def test_parse_event_rejects_a_shape_that_does_not_match_its_type() -> None:
    event = {
        "event_id": "6f1c1f9e-2b7a-4f0e-9d55-0d8f5c3e1a42",
        "type": "certificate.ready",
        "customer_id": "cus_1",
        "occurred_at": dt.datetime.now(dt.UTC).isoformat(),
        "data": {"order_id": "ord_1", "number": "С-1"},
    }
    adapter: TypeAdapter[Any] = EVENT
    assert adapter.validate_python(event).data.number == "С-1"
    with pytest.raises(ValidationError):
        events.parse_event(json.dumps({**event, "type": "policy.renewed"}).encode())
