"""The back office itself: the customers materialised in this process and what can happen to
their policies, claims and orders — through the API (the bot) or the operator (the staff).

Rules live here once, for both doors: which claim statuses may follow which (the contract's
model), when a quote may be accepted, how a payment renews a policy. Every change made by the
staff is announced to the bot with an event through the :class:`Outbox`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import structlog

from sandbox.cabinet import contacts
from sandbox.cabinet.contacts import ContactChange, ContactValue, SentMessage
from sandbox.cabinet.dates import CERTIFICATE_WORKING_DAYS, term_end, working_days_after
from sandbox.cabinet.demo import portfolio
from sandbox.cabinet.documents import Document, SentEmail
from sandbox.cabinet.drafts import Draft, DraftDocument, normalised, update_errors
from sandbox.cabinet.events import Outbox
from sandbox.cabinet.files import Upload
from sandbox.cabinet.ids import is_customer_id, new_id
from sandbox.cabinet.model import (
    CERTIFICATE_TYPES,
    CLAIM_TRANSITIONS,
    JSON,
    OFFERS,
    CertificateOrder,
    Claim,
    ClaimDocument,
    ClaimMessage,
    ConsentWithdrawal,
    Contacts,
    Customer,
    DataRequest,
    Feedback,
    HistoryEntry,
    Installment,
    InstallmentPayment,
    Offer,
    Payout,
    Policy,
    RenewalOrder,
    RenewalQuote,
    instant,
    money,
)
from sandbox.cabinet.policy_changes import ChangeOption, PolicyChange, difference, options_for
from sandbox.cabinet.problems import FieldError, ProblemError
from sandbox.cabinet.products import (
    BY_ID,
    PolicyOrder,
    PolicyQuote,
    answer_errors,
    normalised_answers,
    question_errors,
)
from sandbox.cabinet.texts import Text

log = structlog.get_logger(__name__)

QUOTE_VALIDITY = dt.timedelta(hours=24)
#: The handler answers a customer's message within this many working days.
ANSWER_WORKING_DAYS = 2
#: The customer is asked to answer the handler within this many working days.
REPLY_WORKING_DAYS = 5
#: A registration is confirmed (a handler assigned) within this many working days.
REGISTRATION_WORKING_DAYS = 1
HANDLER_NAMES = ("Анна С.", "Игорь П.", "Мария К.", "Олег Д.")
PAYMENT_LINK_VALIDITY = dt.timedelta(hours=1)
EXPIRING_DAYS = (30, 7, 1)
#: The insurer's day: an installment is overdue once its `due_on` has passed in Moscow.
INSURER_ZONE = ZoneInfo("Europe/Moscow")
#: How far ahead (days) the operator may set an installment's reminder, and back its overdue.
DUE_DAYS_MAX = 60
#: 152-ФЗ ст. 14 ч. 3, ст. 20: the insurer answers a personal-data request within 10 working days.
DATA_REQUEST_WORKING_DAYS = 10
_NEW_POLICY_CONTACTS = Contacts(
    phone="+7 800 555-35-35", email="help@insurer.example", hours="Круглосуточно"
)

CERTIFICATE_TRANSITIONS: dict[str, tuple[str, ...]] = {
    "accepted": ("preparing", "rejected"),
    "preparing": ("ready", "rejected"),
    "ready": (),
    "rejected": (),
}

_REQUESTED_DOCUMENTS: dict[str, tuple[Text, ...]] = {
    "vehicle_damage": (
        Text("Справка о ДТП из ГИБДД", "Road accident certificate from the traffic police"),
        Text("Фотографии повреждений при дневном свете", "Photos of the damage in daylight"),
    ),
    "glass": (Text("Фотографии повреждённого стекла", "Photos of the damaged glass"),),
    "medical": (
        Text("Выписка из медицинской карты", "An extract from the medical record"),
        Text("Чек об оплате медицинских услуг", "The receipt for the medical services"),
    ),
}
_ANY_DOCUMENTS = (Text("Документы, подтверждающие событие", "Documents proving the event"),)
_DEFAULT_REJECTION = Text(
    "В выплате отказано: событие не является страховым случаем.",
    "Rejected: the event is not an insured event.",
)
_DEFAULT_CHANGE_REJECTION = (
    "Изменение не принято: данные не подтвердились. Уточните их в поддержке."
)
_DEFAULT_CERTIFICATE_REJECTION = "Справку не удалось подготовить, обратитесь в поддержку."

_T = TypeVar("_T")


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _conflict(detail: Text) -> ProblemError:
    return ProblemError("invalid_transition", detail)


class Cabinet:
    def __init__(
        self, outbox: Outbox, public_url: str, clock: Callable[[], dt.datetime] = utc_now
    ) -> None:
        self.outbox = outbox
        self.public_url = public_url
        #: Tests may replace it to move time (quotes and payment links expire).
        self.clock = clock
        self.customers: dict[str, Customer] = {}
        self._certificate_serials = itertools.count(1001)
        self._feedback_serials = itertools.count(101)
        self._data_request_serials = itertools.count(101)
        self._claim_serials = itertools.count(9001)
        #: Drafts by customer id, then by draft id.
        self.drafts: dict[str, dict[str, Draft]] = {}
        #: The SMS and letters with codes "sent" (the newest last): the console lists them.
        self.sent: list[SentMessage] = []
        #: New policies: quotes and orders by customer id, then by id.
        self.policy_quotes: dict[str, dict[str, PolicyQuote]] = {}
        self.policy_orders: dict[str, dict[str, PolicyOrder]] = {}
        self._policy_serials = itertools.count(100_001)
        #: Changes to policies by customer id, then by change id (oldest first).
        self.policy_changes: dict[str, dict[str, PolicyChange]] = {}
        #: Documents e-mailed to customers (`sendDocumentByEmail`), oldest first.
        self.emails: list[SentEmail] = []

    def now(self) -> dt.datetime:
        return self.clock().astimezone(dt.UTC).replace(microsecond=0)

    def today(self) -> dt.date:
        """The insurer's calendar day (what makes an installment overdue)."""
        return self.now().astimezone(INSURER_ZONE).date()

    # ------------------------------------------------------------------------- customers

    def customer(self, customer_id: str) -> Customer:
        """The customer, materialised from the id on first use; 404 for an unknown id."""
        known = self.customers.get(customer_id)
        if known is not None:
            return known
        if not is_customer_id(customer_id):
            raise ProblemError(
                "customer_not_found", Text("Клиент не найден.", "Customer not found.")
            )
        customer = self.customers[customer_id] = portfolio(customer_id, self.now())
        log.info("customer_materialised", customer_id=customer_id)
        return customer

    def _find(
        self, objects: Callable[[Customer], Mapping[str, _T]], object_id: str, missing: Text
    ) -> tuple[Customer, _T]:
        """An object of any materialised customer (the staff see everyone's), with its owner."""
        for customer in self.customers.values():
            found = objects(customer).get(object_id)
            if found is not None:
                return customer, found
        raise ProblemError("not_found", missing)

    def _emit(
        self, kind: str, customer: Customer, data: JSON, at: dt.datetime | None = None
    ) -> JSON:
        return self.outbox.emit(kind, customer.id, data, at or self.now())

    # ------------------------------------------------------------------------- policies

    def quote(self, customer: Customer, policy: Policy, term_months: int) -> RenewalQuote:
        require_renewable(policy)
        if term_months not in policy.renewal_premiums:
            detail = Text(
                "Этот срок продления для договора недоступен.",
                "This renewal term is not available for the policy.",
            )
            raise ProblemError(
                "term_not_available", detail, [FieldError(detail, pointer="/term_months")]
            )
        today = self.now().date()
        starts_on = max(policy.ends_on + dt.timedelta(days=1), today)
        quote = RenewalQuote(
            id=new_id("quo"),
            policy_id=policy.id,
            term_months=term_months,
            premium=policy.renewal_premiums[term_months],
            new_starts_on=starts_on,
            new_ends_on=term_end(starts_on, term_months),
            valid_until=self.now() + QUOTE_VALIDITY,
            terms_url=f"{self.public_url}/terms/{policy.product}",
        )
        customer.quotes[quote.id] = quote
        log.info("renewal_quoted", customer_id=customer.id, quote_id=quote.id)
        return quote

    def accept(self, customer: Customer, policy: Policy, quote: RenewalQuote) -> RenewalOrder:
        if quote.order_id is not None:
            raise ProblemError(
                "quote_already_accepted",
                Text("Это предложение уже принято.", "This quote has already been accepted."),
            )
        if self.now() > quote.valid_until:
            raise ProblemError(
                "quote_expired",
                Text(
                    "Срок действия расчёта истёк, запросите новый.",
                    "The quote has expired, request a new one.",
                ),
            )
        require_renewable(policy)
        order_id = new_id("ord")
        order = RenewalOrder(
            id=order_id,
            customer_id=customer.id,
            quote=quote,
            payment_url=f"{self.public_url}/pay/{order_id}",
            expires_at=self.now() + PAYMENT_LINK_VALIDITY,
        )
        quote.order_id = order.id
        customer.renewal_orders[order.id] = order
        log.info("renewal_accepted", customer_id=customer.id, order_id=order.id)
        return order

    def renewal_order(self, order_id: str) -> tuple[Customer, RenewalOrder]:
        return self._find(
            lambda c: c.renewal_orders,
            order_id,
            Text("Заказ на продление не найден.", "Renewal order not found."),
        )

    def installment_payment(self, payment_id: str) -> tuple[Customer, InstallmentPayment]:
        return self._find(
            lambda c: c.installment_payments,
            payment_id,
            Text("Платёж не найден.", "Payment not found."),
        )

    def payment_link(self, customer: Customer, policy: Policy, number: int) -> InstallmentPayment:
        """A link to pay installment `number`, the policy's next unpaid one."""
        installment = next((i for i in policy.schedule if i.number == number), None)
        if installment is None:
            detail = Text("У полиса нет такого взноса.", "The policy has no such installment.")
            raise ProblemError(
                "validation_failed", detail, [FieldError(detail, pointer="/installment")]
            )
        if installment.paid_on is not None:
            raise ProblemError(
                "installment_paid",
                Text(
                    "Взнос № {n} по полису {p} уже оплачен.",
                    "Installment {n} of policy {p} is already paid.",
                ).format(n=number, p=policy.number),
            )
        if installment is not policy.next_due:
            raise ProblemError(
                "installment_not_due",
                Text(
                    "Сначала нужно оплатить предыдущий взнос.",
                    "An earlier installment is to be paid first.",
                ),
            )
        payment_id = new_id("ipm")
        payment = InstallmentPayment(
            id=payment_id,
            customer_id=customer.id,
            policy_id=policy.id,
            installment=installment,
            payment_url=f"{self.public_url}/pay/{payment_id}",
            expires_at=self.now() + PAYMENT_LINK_VALIDITY,
        )
        customer.installment_payments[payment.id] = payment
        log.info("installment_link_made", customer_id=customer.id, payment_id=payment.id)
        return payment

    def payable(
        self, payment_id: str
    ) -> tuple[Customer, RenewalOrder | InstallmentPayment | PolicyOrder | PolicyChange]:
        """What a payment link pays: a renewal order, an installment, a new policy or a change
        to a policy."""
        if payment_id.startswith("ipm_"):
            return self.installment_payment(payment_id)
        if payment_id.startswith("npo_"):
            return self.policy_order(payment_id)
        if payment_id.startswith("pch_"):
            return self.policy_change(payment_id)
        return self.renewal_order(payment_id)

    def pay(self, payment_id: str) -> list[JSON]:
        """The payment system reports success: a renewal order, an installment or a new
        policy is paid."""
        if payment_id.startswith("ipm_"):
            return self._pay_installment(payment_id)
        if payment_id.startswith("npo_"):
            return self._pay_new_policy(payment_id)
        if payment_id.startswith("pch_"):
            return self._pay_change(payment_id)
        return self._pay_renewal(payment_id)

    def _pay_installment(self, payment_id: str) -> list[JSON]:
        customer, payment = self.installment_payment(payment_id)
        installment = payment.installment
        if payment.status == "paid" or installment.paid_on is not None:
            raise _conflict(Text("Взнос уже оплачен.", "The installment is already paid."))
        if self.now() > payment.expires_at:
            raise _conflict(Text("Ссылка на оплату устарела.", "The payment link has expired."))
        policy = customer.policies[payment.policy_id]
        payment.status, payment.paid_at = "paid", self.now()
        installment.paid_on = self.today()
        if policy.status == "pending_payment":
            policy.status = "active"
        log.info("installment_paid", customer_id=customer.id, payment_id=payment.id)
        data: JSON = {
            "order_id": payment.id,
            "policy_id": policy.id,
            "amount": money(installment.amount),
            "installment": installment.number,
            "number": policy.number,
        }
        if policy.next_due is not None:
            data["next_due_on"] = policy.next_due.due_on.isoformat()
        return [self._emit("payment.succeeded", customer, data)]

    def expire_payment_link(self, payment_id: str) -> InstallmentPayment:
        _, payment = self.installment_payment(payment_id)
        payment.expires_at = min(payment.expires_at, self.now() - dt.timedelta(seconds=1))
        return payment

    def remind_payment(
        self, policy_id: str, days_left: int | None = None, overdue_days: int | None = None
    ) -> list[JSON]:
        """The next unpaid installment is due in `days_left` days, or `overdue_days` late:
        what sends `payment.due`."""
        customer, policy = self._find(
            lambda c: c.policies, policy_id, Text("Полис не найден.", "Policy not found.")
        )
        installment = policy.next_due
        if installment is None:
            raise _conflict(Text("Полис оплачен полностью.", "The policy is paid in full."))
        today = self.today()
        if overdue_days is not None:
            installment.due_on = today - dt.timedelta(days=overdue_days)
        else:
            installment.due_on = today + dt.timedelta(days=days_left or 0)
        status = installment.status(today)
        data: JSON = {
            "policy_id": policy.id,
            "number": policy.number,
            "installment": installment.number,
            "amount": money(installment.amount),
            "due_on": installment.due_on.isoformat(),
            "status": status,
        }
        if status == "due":
            data["days_left"] = (installment.due_on - today).days
        return [self._emit("payment.due", customer, data)]

    def _pay_renewal(self, order_id: str) -> list[JSON]:
        """The policy is renewed for the quoted term."""
        customer, order = self.renewal_order(order_id)
        if order.status == "paid":
            raise _conflict(Text("Заказ уже оплачен.", "The order is already paid."))
        if self.now() > order.expires_at:
            raise _conflict(Text("Ссылка на оплату устарела.", "The payment link has expired."))
        quote = order.quote
        policy = customer.policies[quote.policy_id]
        order.status, order.paid_at = "paid", self.now()
        policy.starts_on, policy.ends_on = quote.new_starts_on, quote.new_ends_on
        policy.premium, policy.status, policy.renewable = quote.premium, "active", False
        # The renewed term is paid in one go, today.
        policy.installments = [Installment(1, quote.premium, quote.new_starts_on, self.today())]
        log.info("renewal_paid", customer_id=customer.id, order_id=order.id)
        return [
            self._emit(
                "payment.succeeded",
                customer,
                {"order_id": order.id, "policy_id": policy.id, "amount": money(quote.premium)},
            ),
            self._emit(
                "policy.renewed",
                customer,
                {
                    "policy_id": policy.id,
                    "number": policy.number,
                    "new_ends_on": str(policy.ends_on),
                },
            ),
        ]

    def expire_quote(self, quote_id: str) -> RenewalQuote | PolicyQuote:
        """A renewal's or a new policy's quote: its `valid_until` passes now."""
        quote: RenewalQuote | PolicyQuote
        for quotes in self.policy_quotes.values():
            if quote_id in quotes:
                quote = quotes[quote_id]
                break
        else:
            _, quote = self._find(
                lambda c: c.quotes, quote_id, Text("Расчёт не найден.", "Quote not found.")
            )
        quote.valid_until = min(quote.valid_until, self.now() - dt.timedelta(seconds=1))
        return quote

    # ------------------------------------------------------------------------- new policies

    def quote_product(self, customer: Customer, request: Mapping[str, Any]) -> PolicyQuote:
        """A binding price for a product with these answers, from `starts_on` (the request
        already matches the contract's schema)."""
        product = BY_ID.get(request["product_id"])
        if product is None:
            detail = Text("Такого продукта нет.", "No such product.")
            raise ProblemError(
                "product_not_found", detail, [FieldError(detail, pointer="/product_id")]
            )
        answers = dict(request.get("answers") or {})
        errors = answer_errors(product, answers, request["starts_on"], self.today())
        if errors:
            detail = Text("Проверьте ответы.", "Check the answers.")
            raise ProblemError("validation_failed", detail, errors)
        answers = normalised_answers(product.questions, answers)
        premium, coverages = product.price(answers)
        starts_on = dt.date.fromisoformat(request["starts_on"])
        quote = PolicyQuote(
            id=new_id("pqu"),
            product=product,
            answers=answers,
            premium=premium,
            coverages=coverages,
            starts_on=starts_on,
            ends_on=term_end(starts_on, product.term_months),
            valid_until=self.now() + QUOTE_VALIDITY,
            terms_url=f"{self.public_url}/terms/{product.product}",
        )
        self.policy_quotes.setdefault(customer.id, {})[quote.id] = quote
        log.info("policy_quoted", customer_id=customer.id, quote_id=quote.id)
        return quote

    def policy_quote(self, customer: Customer, quote_id: str) -> PolicyQuote:
        quote = self.policy_quotes.get(customer.id, {}).get(quote_id)
        if quote is None:
            raise ProblemError("quote_not_found", Text("Расчёт не найден.", "Quote not found."))
        return quote

    def accept_policy_quote(self, customer: Customer, quote: PolicyQuote) -> PolicyOrder:
        if quote.order_id is not None:
            raise ProblemError(
                "quote_already_accepted",
                Text("Расчёт уже принят.", "The quote has already been accepted."),
            )
        if self.now() > quote.valid_until:
            raise ProblemError(
                "quote_expired", Text("Срок действия расчёта истёк.", "The quote has expired.")
            )
        product = quote.product
        order_id = new_id("npo")
        policy = Policy(
            id=new_id("pol"),
            number=f"НП-{quote.starts_on:%y}-{next(self._policy_serials)}",
            product=product.product,
            title=product.title.ru,
            status="active",
            starts_on=quote.starts_on,
            ends_on=quote.ends_on,
            premium=quote.premium,
            renewable=False,
            vehicle=None,
            person=customer.holder,
            coverages=list(quote.coverages),
            contacts=_NEW_POLICY_CONTACTS,
            renewal_premiums={},
        )
        order = PolicyOrder(
            id=order_id,
            customer_id=customer.id,
            quote=quote,
            policy=policy,
            payment_url=f"{self.public_url}/pay/{order_id}",
            expires_at=min(quote.valid_until, self.now() + PAYMENT_LINK_VALIDITY),
        )
        quote.order_id = order.id
        self.policy_orders.setdefault(customer.id, {})[order.id] = order
        log.info("policy_quote_accepted", customer_id=customer.id, order_id=order.id)
        return order

    def policy_order(self, order_id: str) -> tuple[Customer, PolicyOrder]:
        for customer_id, orders in self.policy_orders.items():
            if order_id in orders:
                return self.customers[customer_id], orders[order_id]
        raise ProblemError("not_found", Text("Заказ не найден.", "Order not found."))

    def _pay_new_policy(self, order_id: str) -> list[JSON]:
        """The new policy is issued, paid in one go today: it joins the customer's policies."""
        customer, order = self.policy_order(order_id)
        if order.status == "paid":
            raise _conflict(Text("Заказ уже оплачен.", "The order is already paid."))
        if self.now() > order.expires_at:
            raise _conflict(Text("Ссылка на оплату устарела.", "The payment link has expired."))
        policy = order.policy
        order.status, order.paid_at = "paid", self.now()
        policy.installments = [Installment(1, policy.premium, policy.starts_on, self.today())]
        customer.policies[policy.id] = policy
        log.info("policy_issued", customer_id=customer.id, order_id=order.id)
        # One event says both: paid, and issued (the alert carries the policy's PDF).
        return [
            self._emit(
                "policy.issued",
                customer,
                {
                    "order_id": order.id,
                    "policy_id": policy.id,
                    "number": policy.number,
                    "product_id": order.quote.product.id,
                    "starts_on": policy.starts_on.isoformat(),
                    "ends_on": policy.ends_on.isoformat(),
                },
            ),
        ]

    # ------------------------------------------------------------------------- policy changes

    def _changes(self, customer: Customer) -> dict[str, PolicyChange]:
        return self.policy_changes.setdefault(customer.id, {})

    def changes_of(self, customer: Customer, policy: Policy) -> list[PolicyChange]:
        """The policy's confirmed changes, newest first (a quote not confirmed is not one)."""
        changes = [
            c
            for c in self._changes(customer).values()
            if c.policy_id == policy.id and c.status != "quoted"
        ]
        return sorted(changes, key=lambda c: c.created_at, reverse=True)

    def change_options(self, customer: Customer, policy: Policy) -> tuple[ChangeOption, ...]:
        """What may be changed now: nothing while another change awaits payment or review."""
        if any(c.in_progress(self.now()) for c in self.changes_of(customer, policy)):
            return ()
        return options_for(policy)

    def quote_change(
        self, customer: Customer, policy: Policy, request: Mapping[str, Any]
    ) -> PolicyChange:
        """The price difference of a change with these answers (the request matches the
        contract's schema)."""
        options = {option.id: option for option in options_for(policy)}
        option = options.get(request["option_id"])
        if option is None:
            detail = Text(
                "Такое изменение для этого полиса недоступно.",
                "This change is not available for this policy.",
            )
            raise ProblemError(
                "change_not_available", detail, [FieldError(detail, pointer="/option_id")]
            )
        if not self.change_options(customer, policy):
            raise ProblemError(
                "change_in_progress",
                Text(
                    "По полису уже есть изменение в работе.",
                    "A change to this policy is already in progress.",
                ),
            )
        answers = dict(request.get("answers") or {})
        errors = question_errors(option.questions, answers, self.today())
        if not errors:
            answers = normalised_answers(option.questions, answers)
            if option.id == "sum_insured" and Decimal(str(answers["sum_insured"])) == (
                policy.coverages[0].sum_insured
            ):
                detail = Text("Это нынешняя страховая сумма.", "That is the current sum insured.")
                errors = [FieldError(detail, pointer="/answers/sum_insured")]
        if errors:
            raise ProblemError(
                "validation_failed", Text("Проверьте ответы.", "Check the answers."), errors
            )
        now = self.now()
        change = PolicyChange(
            id=new_id("pch"),
            policy_id=policy.id,
            option=option,
            answers=answers,
            difference=difference(option, policy, answers, self.today()),
            effective_from=self.today() + dt.timedelta(days=1),
            valid_until=now + QUOTE_VALIDITY,
            created_at=now,
        )
        self._changes(customer)[change.id] = change
        log.info("policy_change_quoted", customer_id=customer.id, change_id=change.id)
        return change

    def customer_change(self, customer: Customer, policy: Policy, change_id: str) -> PolicyChange:
        change = self._changes(customer).get(change_id)
        if change is None or change.policy_id != policy.id:
            raise ProblemError(
                "change_not_found", Text("Изменение не найдено.", "Change not found.")
            )
        return change

    def confirm_change(self, customer: Customer, policy: Policy, change: PolicyChange) -> None:
        """The customer agreed: a surcharge awaits payment, anything else goes to review."""
        if change.status != "quoted":
            raise ProblemError(
                "change_already_confirmed",
                Text("Изменение уже подтверждено.", "The change is already confirmed."),
            )
        if change.status_at(self.now()) == "expired":
            raise ProblemError(
                "quote_expired", Text("Срок действия расчёта истёк.", "The quote has expired.")
            )
        if not self.change_options(customer, policy):
            raise ProblemError(
                "change_in_progress",
                Text(
                    "По полису уже есть изменение в работе.",
                    "A change to this policy is already in progress.",
                ),
            )
        if change.surcharge:
            change.status = "awaiting_payment"
            change.payment_url = f"{self.public_url}/pay/{change.id}"
            change.payment_expires_at = min(change.valid_until, self.now() + PAYMENT_LINK_VALIDITY)
        else:
            change.status = "in_review"
        log.info("policy_change_confirmed", customer_id=customer.id, change_id=change.id)

    def policy_change(self, change_id: str) -> tuple[Customer, PolicyChange]:
        for customer_id, changes in self.policy_changes.items():
            if change_id in changes:
                return self.customers[customer_id], changes[change_id]
        raise ProblemError("not_found", Text("Изменение не найдено.", "Change not found."))

    def _pay_change(self, change_id: str) -> list[JSON]:
        """The surcharge is paid: the change goes to review, and the customer is told."""
        customer, change = self.policy_change(change_id)
        if change.status != "awaiting_payment":
            raise _conflict(Text("Изменение уже оплачено.", "The change is already paid."))
        if change.status_at(self.now()) == "expired":
            raise _conflict(Text("Ссылка на оплату устарела.", "The payment link has expired."))
        change.status = "in_review"
        log.info("policy_change_paid", customer_id=customer.id, change_id=change.id)
        policy = customer.policies[change.policy_id]
        return [self._emit("policy.changed", customer, change.event_data(policy))]

    def settle_change(self, change_id: str, apply: bool, reason: str | None) -> list[JSON]:
        """The staff apply the change to the policy (a new version of it), or reject it."""
        customer, change = self.policy_change(change_id)
        if change.status != "in_review":
            raise _conflict(Text("Изменение не на рассмотрении.", "The change is not in review."))
        policy = customer.policies[change.policy_id]
        if not apply:
            change.status = "rejected"
            change.reason = reason or _DEFAULT_CHANGE_REJECTION
            log.info("policy_change_rejected", customer_id=customer.id, change_id=change.id)
            return [self._emit("policy.changed", customer, change.event_data(policy))]
        change.option.apply(policy, change.answers)
        change.status = "applied"
        log.info("policy_change_applied", customer_id=customer.id, change_id=change.id)
        events = [self._emit("policy.changed", customer, change.event_data(policy))]
        if change.refund:  # the premium returned for the rest of the term: a payout
            why = Text(
                f"Изменение полиса: {change.option.title.ru}",
                f"Policy change: {change.option.title.en}",
            )
            events += self.refund_premium(customer, policy, change.refund, why)
        policy.premium += change.difference
        return events

    def expire_change(self, change_id: str) -> PolicyChange:
        """A change's quote (and payment link) runs out now."""
        _, change = self.policy_change(change_id)
        past = self.now() - dt.timedelta(seconds=1)
        change.valid_until = min(change.valid_until, past)
        if change.payment_expires_at is not None:
            change.payment_expires_at = min(change.payment_expires_at, past)
        return change

    def make_expiring(self, policy_id: str, days_left: int) -> list[JSON]:
        """The policy ends in `days_left` days and may be renewed: what sends `policy.expiring`."""
        customer, policy = self._find(
            lambda c: c.policies, policy_id, Text("Полис не найден.", "Policy not found.")
        )
        policy.ends_on = self.now().date() + dt.timedelta(days=days_left)
        policy.status, policy.renewable = "expiring", True
        if not policy.renewal_premiums:
            half = (policy.premium * Decimal("0.6")).quantize(Decimal("0.01"))
            policy.renewal_premiums = {6: half, 12: policy.premium}
        data = {
            "policy_id": policy.id,
            "number": policy.number,
            "ends_on": str(policy.ends_on),
            "days_left": days_left,
        }
        return [self._emit("policy.expiring", customer, data)]

    # ------------------------------------------------------------------------- claims

    def _open_claim(self, claim: Claim) -> None:
        if claim.final:
            raise ProblemError(
                "claim_closed",
                Text("Дело по убытку {n} закрыто.", "The case of claim {n} is closed.").format(
                    n=claim.number
                ),
            )

    def add_message(self, customer: Customer, claim: Claim, text: str) -> ClaimMessage:
        """The customer writes: the handler answers within two working days."""
        self._open_claim(claim)
        message = ClaimMessage(new_id("msg"), text, self.now())
        claim.messages.append(message)
        claim.waiting_for = "handler"
        claim.answer_due_on = working_days_after(self.now().date(), ANSWER_WORKING_DAYS)
        log.info("claim_message_added", customer_id=customer.id, claim_id=claim.id)
        return message

    def handler_writes(self, claim_id: str, text: str) -> list[JSON]:
        """The handler writes to the customer (the operator page): `claim.message_received`."""
        customer, claim = self.claim(claim_id)
        self._open_claim(claim)
        name = HANDLER_NAMES[sum(map(ord, claim.id)) % len(HANDLER_NAMES)]
        message = ClaimMessage(new_id("msg"), text, self.now(), "handler", name)
        claim.messages.append(message)
        claim.waiting_for, claim.answer_due_on = "customer", None
        log.info("claim_handler_wrote", customer_id=customer.id, claim_id=claim.id)
        reply_by = working_days_after(self.now().date(), REPLY_WORKING_DAYS)
        data = {
            "claim_id": claim.id,
            "claim_number": claim.number,
            "message_id": message.id,
            "text": text,
            "handler_name": name,
            "reply_due_on": reply_by.isoformat(),
        }
        return [self._emit("claim.message_received", customer, data)]

    def add_document(self, customer: Customer, claim: Claim, upload: Upload) -> ClaimDocument:
        self._open_claim(claim)
        document = ClaimDocument(
            new_id("doc"),
            upload.name,
            len(upload.data),
            upload.content_type,
            self.now(),
            upload.data,
        )
        claim.documents.append(document)
        log.info("claim_document_added", customer_id=customer.id, claim_id=claim.id)
        return document

    # ------------------------------------------------------------------------- documents

    def email_document(self, customer: Customer, document: Document) -> SentEmail:
        """The document to the customer's confirmed e-mail (the sandbox records it)."""
        if not document.emailable:
            raise ProblemError(
                "document_not_emailable",
                Text(
                    "Загруженные вами файлы по e-mail не отправляются.",
                    "Files you uploaded are not sent by e-mail.",
                ),
            )
        if customer.email is None or not customer.email.confirmed:
            raise ProblemError(
                "email_not_confirmed",
                Text(
                    "В личном кабинете нет подтверждённого адреса e-mail.",
                    "There is no confirmed e-mail address in the personal cabinet.",
                ),
            )
        address = customer.email.value
        sent = SentEmail(new_id("eml"), customer.id, document.id, address, self.now())
        self.emails.append(sent)
        log.info("document_emailed", customer_id=customer.id, document_id=document.id)
        return sent

    def confirm_email(self, customer_id: str, confirmed: bool) -> Customer:
        """The operator marks the customer's e-mail confirmed or not (the sandbox's stand-in
        for the cabinet's own confirmation by a link)."""
        customer = self.customer(customer_id)
        if customer.email is not None:
            customer.email.confirmed = confirmed
        return customer

    # ------------------------------------------------------------------------- claim filing

    def create_draft(self, customer: Customer, policy: Policy, kind_id: str) -> Draft:
        kinds = policy.claim_kinds
        if not kinds:
            raise ProblemError(
                "policy_not_claimable",
                Text(
                    "По этому полису нельзя заявить о случае онлайн.",
                    "No claims can be filed online under this policy.",
                ),
            )
        kind = next((k for k in kinds if k.id == kind_id), None)
        if kind is None:
            detail = Text("Такой случай по полису не заявить.", "Not a claim type of the policy.")
            raise ProblemError(
                "claim_type_not_available", detail, [FieldError(detail, pointer="/claim_type")]
            )
        now = self.now()
        draft = Draft(new_id("drf"), policy, kind, now, now)
        self.drafts.setdefault(customer.id, {})[draft.id] = draft
        log.info("claim_draft_created", customer_id=customer.id, draft_id=draft.id)
        return draft

    def draft(self, customer: Customer, draft_id: str) -> Draft:
        draft = self.drafts.get(customer.id, {}).get(draft_id)
        if draft is None:
            raise ProblemError("draft_not_found", Text("Черновик не найден.", "Draft not found."))
        return draft

    def list_drafts(self, customer: Customer) -> list[Draft]:
        drafts = self.drafts.get(customer.id, {}).values()
        return sorted(drafts, key=lambda d: (d.updated_at, d.id), reverse=True)

    def update_draft(self, draft: Draft, request: Mapping[str, Any]) -> Draft:
        """Set values (None removes one) and the circumstances; all or nothing."""
        values = request.get("fields") or {}
        # "Not in the future" anywhere the customer may be: the date in Kamchatka (UTC+12).
        latest_today = (self.now() + dt.timedelta(hours=12)).date()
        errors = update_errors(draft, values, latest_today)
        if errors:
            detail = Text("Некоторые поля заполнены неверно.", "Some fields are invalid.")
            raise ProblemError("validation_failed", detail, errors)
        for field_id, value in values.items():
            spec = draft.kind.field(field_id)
            if value is None:
                draft.values.pop(field_id, None)
            elif spec is not None:
                draft.values[field_id] = normalised(spec, value)
        if request.get("circumstances") is not None:
            draft.circumstances = request["circumstances"].strip() or draft.circumstances
        draft.updated_at = self.now()
        return draft

    def delete_draft(self, customer: Customer, draft: Draft) -> None:
        self.drafts.get(customer.id, {}).pop(draft.id, None)
        log.info("claim_draft_deleted", customer_id=customer.id, draft_id=draft.id)

    def add_draft_document(
        self, draft: Draft, requirement_id: str, upload: Upload
    ) -> DraftDocument:
        requirement = draft.kind.requirement(requirement_id)
        if requirement is None:
            detail = Text("Такой документ не нужен.", "Not a document of this claim type.")
            raise ProblemError(
                "validation_failed", detail, [FieldError(detail, parameter="requirement")]
            )
        if upload.content_type not in requirement.content_types:
            raise ProblemError(
                "unsupported_media_type",
                Text("Этот документ принимается в другом формате.", "Another format is needed."),
            )
        if len(draft.files_of(requirement.id)) >= requirement.max_files:
            raise ProblemError(
                "too_many_files",
                Text("Для этого документа файлов уже достаточно.", "Enough files already."),
            )
        document = DraftDocument(
            new_id("ddc"),
            requirement.id,
            upload.name,
            len(upload.data),
            upload.content_type,
            self.now(),
        )
        draft.documents.append(document)
        draft.updated_at = self.now()
        return document

    def delete_draft_document(self, draft: Draft, document_id: str) -> None:
        kept = [d for d in draft.documents if d.id != document_id]
        if len(kept) == len(draft.documents):
            raise ProblemError("not_found", Text("Документ не найден.", "Document not found."))
        draft.documents, draft.updated_at = kept, self.now()

    def submit_draft(self, customer: Customer, draft: Draft) -> JSON:
        """The draft becomes a registered claim: `claim.registered`; the registration."""
        missing = draft.missing()
        blocking = [m for m in missing if m.blocking]
        if blocking:
            detail = Text("В заявлении не хватает данных.", "The claim is incomplete.")
            errors = [FieldError(m.detail, pointer=m.pointer) for m in blocking]
            raise ProblemError("claim_incomplete", detail, errors)
        now = self.now()
        today = now.date()
        amounts = [
            Decimal(str(draft.values[f.id]))
            for f in draft.kind.fields
            if f.kind == "amount" and f.id in draft.values
        ]
        claim = Claim(
            id=new_id("clm"),
            number=f"У-{now.year}-{next(self._claim_serials):06d}",
            type=draft.kind.claim_type,
            reported_on=today,
            policy_id=draft.policy.id,
            policy_number=draft.policy.number,
            history=[HistoryEntry("registered", now)],
            amount_claimed=amounts[0] if amounts else None,
            documents=[
                ClaimDocument(d.id, d.name, d.size, d.content_type, d.uploaded_at)
                for d in draft.documents
            ],
        )
        customer.claims[claim.id] = claim
        self.delete_draft(customer, draft)
        decision = working_days_after(today, draft.kind.decision_days)
        self._emit(
            "claim.registered",
            customer,
            {
                "claim_id": claim.id,
                "claim_number": claim.number,
                "decision_due_on": decision.isoformat(),
            },
        )
        log.info("claim_registered", customer_id=customer.id, claim_id=claim.id)
        later = [
            draft.kind.requirement(m.pointer.rpartition("/")[2])
            for m in missing
            if m.pointer.startswith("/documents/")
        ]
        return {
            "claim_id": claim.id,
            "number": claim.number,
            "registered_at": instant(now),
            "registration_due_on": working_days_after(today, REGISTRATION_WORKING_DAYS).isoformat(),
            "decision_due_on": decision.isoformat(),
            "decision_working_days": draft.kind.decision_days,
            "missing_documents": [
                {"id": r.id, "title": r.title.ru, "title_en": r.title.en} for r in later if r
            ],
        }

    def claim(self, claim_id: str) -> tuple[Customer, Claim]:
        return self._find(
            lambda c: c.claims, claim_id, Text("Убыток не найден.", "Claim not found.")
        )

    def advance_claim(
        self,
        claim_id: str,
        status: str | None = None,
        documents: Iterable[str] = (),
        reason: str | None = None,
    ) -> list[JSON]:
        """Move a claim along the contract's model (by default to the usual next status)."""
        customer, claim = self.claim(claim_id)
        previous = claim.status
        target = status or _usual_next(claim)
        if target is None or target not in CLAIM_TRANSITIONS[previous]:
            raise _conflict(
                Text(
                    "Переход {a} → {b} не предусмотрен моделью статусов.",
                    "The status model has no transition {a} → {b}.",
                ).format(a=previous, b=target or "—")
            )
        at = max(self.now(), claim.history[-1].at + dt.timedelta(seconds=1))
        claim.history.append(HistoryEntry(target, at, _enter(claim, target, documents, reason)))
        log.info("claim_advanced", customer_id=customer.id, claim_id=claim.id, status=target)
        # The history's instants are strictly increasing: the events carry them, so that the
        # bot can order two changes made within the same second.
        identity = {"claim_id": claim.id, "claim_number": claim.number}
        changed = identity | {"status": target, "previous_status": previous}
        events = [self._emit("claim.status_changed", customer, changed, at)]
        if target == "awaiting_documents":
            requested = identity | {"documents": [d.ru for d in claim.requested_documents]}
            events.append(self._emit("claim.documents_requested", customer, requested, at))
        if target == "paid":
            events.append(self._pay_out(customer, claim, at))
        return events

    def _pay_out(self, customer: Customer, claim: Claim, at: dt.datetime) -> JSON:
        amount = claim.amount_approved or claim.amount_claimed or Decimal(10_000)
        payout = Payout(
            id=new_id("pay"),
            paid_on=self.now().date(),
            amount=amount,
            status="sent",
            recipient=customer.recipient,
            claim_id=claim.id,
            claim_number=claim.number,
            document_ids=tuple(document.id for document in claim.documents),
        )
        customer.payouts.append(payout)
        return self._emit("payout.sent", customer, payout.event_data(), at)

    def refund_premium(
        self, customer: Customer, policy: Policy, amount: Decimal, reason: Text | str
    ) -> list[JSON]:
        """Return premium to the policyholder: the policy was cancelled early, or changed so
        that it costs less. A payout of type `premium_refund` under the policy (no claim),
        sent today to the customer's account, announced with `payout.sent`. `reason` says why,
        for the payment purpose («досрочное расторжение», «исключён водитель»)."""
        if not 0 < amount <= policy.premium:
            raise ProblemError(
                "validation_failed",
                Text(
                    "Возврат — больше нуля и не больше премии по полису.",
                    "A refund is more than zero and no more than the policy's premium.",
                ),
            )
        payout = Payout(
            id=new_id("pay"),
            paid_on=self.now().date(),
            amount=amount.quantize(Decimal("0.01")),
            status="sent",
            recipient=customer.recipient,
            type="premium_refund",
            policy_id=policy.id,
            policy_number=policy.number,
            refund_reason=reason if isinstance(reason, Text) else Text(reason, reason),
        )
        customer.payouts.append(payout)
        log.info("premium_refunded", customer_id=customer.id, policy_id=policy.id)
        return [self._emit("payout.sent", customer, payout.event_data())]

    def refund_policy(self, policy_id: str, amount: Decimal, reason: str) -> list[JSON]:
        """The operator's «Вернуть премию»: `refund_premium` for a policy of any customer."""
        customer, policy = self._find(
            lambda c: c.policies, policy_id, Text("Полис не найден.", "Policy not found.")
        )
        return self.refund_premium(customer, policy, amount, reason)

    def fail_payout(self, payout_id: str, status: str, reason: str | None) -> list[JSON]:
        """The bank refused a sent payout (`failed`) or sent it back (`returned`)."""
        for customer in self.customers.values():
            payout = next((p for p in customer.payouts if p.id == payout_id), None)
            if payout is not None:
                break
        else:
            raise ProblemError("payout_not_found", Text("Выплата не найдена.", "Payout not found."))
        if payout.status != "sent":
            raise _conflict(Text("Выплата не отправлена.", "The payout was not sent."))
        payout.status = status
        payout.failure_reason = Text(reason, reason) if reason else None
        data: JSON = payout.event_data() | {"status": status}
        if reason:
            data["reason"] = reason
        log.info("payout_failed", customer_id=customer.id, payout_id=payout.id, status=status)
        return [self._emit("payout.failed", customer, data)]

    # ------------------------------------------------------------------------- certificates

    def order_certificate(self, customer: Customer, request: Mapping[str, Any]) -> CertificateOrder:
        """A new order (the request already matches the contract's schema)."""
        kind = CERTIFICATE_TYPES.get(request["type"])
        if kind is None:
            detail = Text("Неизвестный тип справки.", "Unknown certificate type.")
            raise ProblemError("validation_failed", detail, [FieldError(detail, pointer="/type")])
        period_from, period_to = self._period(request, required=kind.needs_period)
        now = self.now()
        order = CertificateOrder(
            id=new_id("cro"),
            number=f"С-{now.year}-{next(self._certificate_serials):06d}",
            type=kind.id,
            purpose=request["purpose"],
            created_at=now,
            expected_on=working_days_after(now.date(), CERTIFICATE_WORKING_DAYS),
            period_from=period_from,
            period_to=period_to,
        )
        customer.certificate_orders[order.id] = order
        log.info("certificate_ordered", customer_id=customer.id, order_id=order.id)
        return order

    def _period(
        self, request: Mapping[str, Any], *, required: bool
    ) -> tuple[dt.date | None, dt.date | None]:
        given = {name: request.get(name) for name in ("period_from", "period_to")}
        missing = [name for name, value in given.items() if value is None]
        if missing and (required or len(missing) == 1):
            detail = Text("Укажите период.", "Give the period.")
            errors = [FieldError(detail, pointer=f"/{name}") for name in missing]
            raise ProblemError("period_required", detail, errors)
        if missing:
            return None, None
        start = dt.date.fromisoformat(str(given["period_from"]))
        end = dt.date.fromisoformat(str(given["period_to"]))
        if start > end:
            detail = Text(
                "Дата окончания периода раньше даты начала.",
                "The period ends before it starts.",
            )
            raise ProblemError("invalid_period", detail, [FieldError(detail, pointer="/period_to")])
        if end > self.now().date():
            detail = Text("Период не может быть в будущем.", "The period cannot be in the future.")
            pointers = [
                n for n, d in (("period_from", start), ("period_to", end)) if d > self.now().date()
            ]
            raise ProblemError(
                "invalid_period", detail, [FieldError(detail, pointer=f"/{p}") for p in pointers]
            )
        return start, end

    def certificate_order(self, order_id: str) -> tuple[Customer, CertificateOrder]:
        return self._find(
            lambda c: c.certificate_orders,
            order_id,
            Text("Заказ справки не найден.", "Certificate order not found."),
        )

    def advance_certificate(
        self, order_id: str, status: str | None = None, reason: str | None = None
    ) -> list[JSON]:
        """accepted → preparing → ready | rejected; `certificate.ready` when it is ready."""
        customer, order = self.certificate_order(order_id)
        allowed = CERTIFICATE_TRANSITIONS[order.status]
        target = status or (allowed[0] if allowed else None)
        if target is None or target not in allowed:
            raise _conflict(
                Text(
                    "Переход {a} → {b} для заказа справки не предусмотрен.",
                    "A certificate order cannot go from {a} to {b}.",
                ).format(a=order.status, b=target or "—")
            )
        order.status = target
        log.info("certificate_advanced", customer_id=customer.id, order_id=order.id, status=target)
        if target == "rejected":
            order.rejection_reason = reason or _DEFAULT_CERTIFICATE_REJECTION
            data = {"order_id": order.id, "number": order.number, "reason": order.rejection_reason}
            return [self._emit("certificate.rejected", customer, data)]
        if target != "ready":
            return []
        order.ready_at = self.now()
        return [
            self._emit(
                "certificate.ready", customer, {"order_id": order.id, "number": order.number}
            )
        ]

    # ------------------------------------------------------------------------- feedback

    def submit_feedback(
        self, customer: Customer, request: Mapping[str, Any], attachment_type: str | None
    ) -> Feedback:
        kind = request.get("kind", "review")
        errors = _feedback_errors(kind, request)
        if errors:
            detail = Text("Обращение заполнено неверно.", "The feedback is incomplete.")
            raise ProblemError("validation_failed", detail, errors)
        feedback = Feedback(
            id=new_id("fbk"),
            number=f"F-{next(self._feedback_serials):06d}",
            kind=kind,
            topic=request.get("topic"),
            rating=request.get("rating"),
            text=request.get("text", ""),
            created_at=self.now(),
            attachment_type=attachment_type,
        )
        customer.feedback.append(feedback)
        log.info("feedback_received", customer_id=customer.id, feedback_id=feedback.id)
        return feedback

    # ------------------------------------------------------------------------- personal data

    def create_data_request(self, customer: Customer, request: Mapping[str, Any]) -> DataRequest:
        """A copy (no description) or a correction (what is wrong); due in 10 working days."""
        kind = request["kind"]
        described = "description" in request
        if described != (kind == "correction"):
            detail = Text(
                "Описание нужно исправлению и только ему.",
                "A correction needs a description, and only a correction has one.",
            )
            raise ProblemError(
                "validation_failed",
                detail,
                [FieldError(Text("Недопустимо здесь.", "Not allowed here."), "/description")]
                if described
                else [FieldError(Text("Обязательное поле.", "Required."), "/description")],
            )
        now = self.now()
        data_request = DataRequest(
            id=new_id("pdr"),
            number=f"ПД-{now.year}-{next(self._data_request_serials):06d}",
            kind=kind,
            channel=request["channel"],
            description=request.get("description"),
            created_at=now,
            due_on=working_days_after(now.date(), DATA_REQUEST_WORKING_DAYS),
        )
        customer.data_requests.append(data_request)
        log.info("data_request_received", customer_id=customer.id, request_id=data_request.id)
        return data_request

    def withdraw_channel_consent(
        self, customer: Customer, request: Mapping[str, Any]
    ) -> ConsentWithdrawal:
        detail = Text("Недопустимое время.", "Invalid time.")
        invalid = ProblemError("validation_failed", detail, [FieldError(detail, "/withdrawn_at")])
        try:
            withdrawn_at = dt.datetime.fromisoformat(request["withdrawn_at"]).astimezone(dt.UTC)
        except (ValueError, OverflowError):  # a leap second; a year 1 moved to UTC
            raise invalid from None
        if withdrawn_at > self.now() + dt.timedelta(minutes=5):
            raise invalid  # not yet: a withdrawal is reported after it happened
        withdrawal = ConsentWithdrawal(
            id=new_id("ccw"),
            channel=request["channel"],
            withdrawn_at=withdrawn_at,
            consent_version=request.get("consent_version"),
            recorded_at=self.now(),
        )
        customer.consent_withdrawals.append(withdrawal)
        log.info("channel_consent_withdrawn", customer_id=customer.id, channel=withdrawal.channel)
        return withdrawal

    def offers(self, customer: Customer) -> tuple[Offer, ...]:
        """The same recommendations for every demo customer (they all hold motor and health)."""
        return OFFERS

    # ------------------------------------------------------------------------- contacts

    def start_contact_change(self, customer: Customer, kind: str, value: str) -> ContactChange:
        """Checks the new value, replaces a change of the same kind in progress, and "sends" a
        code to the new address (`sent`: what the operator console lists)."""
        value = contacts.normalised(kind, value)
        current = customer.phone if kind == "phone" else customer.email
        if current is not None and current.confirmed and current.value == value:
            raise _unchanged()
        for earlier in customer.contact_changes.values():
            if earlier.kind == kind and earlier.status == contacts.PENDING:
                earlier.status = contacts.REPLACED
        change = ContactChange(
            id=new_id("chg"),
            kind=kind,
            value=value,
            code=contacts.new_code(),
            expires_at=self.now() + contacts.CODE_VALIDITY,
        )
        customer.contact_changes[change.id] = change
        channel = "sms" if kind == "phone" else "email"
        self.sent.append(
            SentMessage(self.now(), customer.id, channel, value, change.code, change.id)
        )
        del self.sent[: -contacts.SENT_KEPT]
        log.info("contact_change_started", customer_id=customer.id, change_id=change.id)
        return change

    def confirm_contact_change(
        self, customer: Customer, change_id: str, code: str
    ) -> tuple[JSON, list[JSON]]:
        """The right code applies the change and announces it (`contacts.changed`, `source:
        bot`, with the change's id); the customer's contacts now, and the events (none when
        the same confirmation comes again)."""
        change = customer.contact_changes.get(change_id)
        if change is None:
            raise ProblemError(
                "contact_change_not_found",
                Text("Смена контакта не найдена.", "Contact change not found."),
            )
        contacts.require_open(change, code, self.now())
        if change.status == contacts.CONFIRMED:
            return customer.contacts(), []  # the same confirmation again: the same answer
        if code != change.code:
            if code != change.last_wrong:  # the same wrong code again (a retry) counts once
                change.last_wrong = code
                change.attempts_left -= 1
            if change.attempts_left <= 0:
                change.status = contacts.CANCELLED
                raise contacts.too_many_attempts()
            raise contacts.wrong_code(change.attempts_left)
        change.status = contacts.CONFIRMED
        self._set_contact(customer, change.kind, change.value)
        log.info("contact_changed", customer_id=customer.id, change_id=change.id)
        data = contacts.changed(change.kind, change.value, "bot", change.id)
        return customer.contacts(), [self._emit("contacts.changed", customer, data)]

    def change_contact(self, customer_id: str, kind: str, value: str, source: str) -> list[JSON]:
        """The staff set a customer's phone or e-mail (confirmed), as if it was changed in the
        office, over the phone or on the website: no code, and a change of the same kind in
        progress stops working. Announced with `contacts.changed` (no change id)."""
        customer = self.customer(customer_id)
        value = contacts.normalised(kind, value)
        current = customer.phone if kind == "phone" else customer.email
        if current is not None and current.confirmed and current.value == value:
            raise _unchanged()
        for pending in customer.contact_changes.values():
            if pending.kind == kind and pending.status == contacts.PENDING:
                pending.status = contacts.REPLACED
        self._set_contact(customer, kind, value)
        log.info("contact_set_by_staff", customer_id=customer.id, kind=kind, source=source)
        data = contacts.changed(kind, value, source)
        return [self._emit("contacts.changed", customer, data)]

    @staticmethod
    def _set_contact(customer: Customer, kind: str, value: str) -> None:
        confirmed = ContactValue(value, confirmed=True)
        if kind == "phone":
            customer.phone = confirmed
        else:
            customer.email = confirmed

    def expire_contact_change(self, change_id: str) -> ContactChange:
        """The operator's "the code's time is up": its `expires_at` passes now."""
        _, change = self._find(
            lambda c: c.contact_changes,
            change_id,
            Text("Смена контакта не найдена.", "Contact change not found."),
        )
        change.expires_at = self.now() - dt.timedelta(seconds=1)
        return change


def _unchanged() -> ProblemError:
    return ProblemError(
        "contact_unchanged",
        Text(
            "Этот контакт уже указан и подтверждён.", "This contact is already there and confirmed."
        ),
    )


def _feedback_errors(kind: str, request: Mapping[str, Any]) -> list[FieldError]:
    """A question has a topic and a text and no rating; a review has a rating."""
    needed = ("topic", "text") if kind == "question" else ("rating",)
    errors = [
        FieldError(Text("Обязательное поле.", "Required."), pointer=f"/{name}")
        for name in needed
        if name not in request
    ]
    if kind == "question" and "rating" in request:
        errors.append(
            FieldError(
                Text("У вопроса нет оценки.", "A question has no rating."), pointer="/rating"
            )
        )
    return errors


def require_renewable(policy: Policy) -> None:
    if not policy.renewable:
        raise ProblemError(
            "policy_not_renewable",
            Text("Этот договор нельзя продлить онлайн.", "This policy cannot be renewed online."),
        )


def _enter(claim: Claim, status: str, documents: Iterable[str], reason: str | None) -> Text | None:
    """What entering `status` changes on the claim; the history comment it gets."""
    if status == "awaiting_documents":
        claim.requested_documents = [Text(d, d) for d in documents] or list(
            _REQUESTED_DOCUMENTS.get(claim.type, _ANY_DOCUMENTS)
        )
        return Text(
            "Нужны документы: " + "; ".join(d.ru for d in claim.requested_documents) + ".",
            "Documents needed: " + "; ".join(d.en for d in claim.requested_documents) + ".",
        )
    if status == "rejected":
        return Text(reason, reason) if reason else _DEFAULT_REJECTION
    if status == "approved" and claim.amount_approved is None:
        claimed = claim.amount_claimed or Decimal(10_000)
        claim.amount_approved = (claimed * Decimal("0.9")).quantize(Decimal("0.01"))
    return None


def _usual_next(claim: Claim) -> str | None:
    """registered → in_review → awaiting_documents → in_review → approved → paid → closed."""
    if claim.status == "in_review":
        asked = any(entry.status == "awaiting_documents" for entry in claim.history)
        return "approved" if asked else "awaiting_documents"
    usual = {
        "registered": "in_review",
        "awaiting_documents": "in_review",
        "approved": "paid",
        "paid": "closed",
        "ready_for_pickup": "closed",
        "rejected": "closed",
    }
    return usual.get(claim.status)
