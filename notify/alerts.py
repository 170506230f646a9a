"""The cabinet's events as alerts: one text per event type, in the recipient's language and
as `PRIVACY_MODE` allows, with the next action as a button, held back by quiet hours.

An alert is made when its event is received (`notify/events.py`), inside the event's
transaction, as an outbox row per linked chat; the delivery workers send it.

Categories a user can switch off (`User.alerts_off`): claims, certificates, policies,
payments, payouts; a security alert (`contacts.changed`) cannot be switched off. Quiet hours
(`User.quiet_from`–`quiet_to`, in the user's time zone, default 22:00–09:00; equal: none) hold
a non-urgent alert until they end. Urgent — sent at once, day or night — are what the user is
waiting for or must act on now:

* `claim.documents_requested` — the handling of the claim stops until the documents come;
* `payment.succeeded`, `policy.renewed` and `policy.issued` — the answer to a payment the user
  just made (`policy.issued`: a new policy bought in «🛒 Оформить полис», with its PDF); so is
  `policy.changed` `in_review` (a change's surcharge was paid).
* `contacts.changed` — a security alert: the phone or e-mail the insurer sends codes to has
  changed; if it was not the person, every hour counts.

Everything else (a claim's new status, a message from the claim's handler, a ready
certificate, an expiring policy, an installment due or overdue, a payout, a change to a
policy applied — with the new PDF — or rejected) waits for the morning. `claim.registered` makes no
alert: the chat that filed the claim showed its number and deadlines at once, and the event
arrives while that chat's flow is still finishing, so it cannot be told apart from a claim
filed elsewhere; the new claim is in «Обращения» either way. A claim's change to
`awaiting_documents` is told once, by the `claim.documents_requested` event that comes with
it (with the list and the upload button), not a second time by its `claim.status_changed`.

**The phone or e-mail changed** (`contacts.changed`): every chat linked to the customer is told
the new value as the cabinet masked it (`+7 ••• •••-••-67`: not personal data in full, so the
same text in both privacy modes), when and where it changed, and the insurer's hotline to call
if it was not them. The chat that made the change itself is not told again: it has just said
«E-mail изменён» (`bot/flows/contacts.py`, or `bot/contacts_web.py` in strict mode). That chat
is known by the change's id, not by the event's `source`: a chat remembers every change it
starts (`ContactChange`, written when `startContactChange` answers, so long before the code
can confirm it and the event be sent), and the cabinet puts the id of the change its code
confirmed into the event. `source: bot` alone would not do: two chats may be linked to one
customer (two identities the cabinet resolves to one person; a Telegram and, later, a Max
chat), and a change made in one of them must still warn the other; nor would "the chat that
last opened the contacts screen", which guesses, nor a time window, which an attacker's change
could fall into. Unlike `claim.registered` (no id to tell the chat's own filing by), the
change id is known to the chat before the change can happen. A change made anywhere else (the
website, the office) has no id the bot knows, so every chat is warned.

A premium refund (`payout.sent`/`payout.failed` with `type: premium_refund`) names its policy
instead of a claim.

Alert buttons are callback buttons (`AlertAction`), handled by `bot/handlers/alerts.py`,
which authorises the object against the pressing chat's own link.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import structlog
from aiogram.filters.callback_data import CallbackData
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from cabinet.models import (
    CertificateReady,
    CertificateRejected,
    ClaimDocumentsRequested,
    ClaimMessageReceived,
    ClaimStatus,
    ClaimStatusChanged,
    ContactsChanged,
    Event,
    EventType,
    InstallmentStatus,
    PaymentDue,
    PaymentSucceeded,
    PayoutFailed,
    PayoutSent,
    PolicyChanged,
    PolicyExpiring,
    PolicyIssued,
    PolicyRenewed,
)
from notify.outbox import enqueue
from notify.payload import Button, FileRequest, Payload
from storage.models import Link, User
from storage.repositories import ContactChangeRepository

log = structlog.get_logger(__name__)

DEFAULT_TIME_ZONE = "Europe/Moscow"
CATEGORIES = ("claims", "certificates", "policies", "payments", "payouts")
#: Not among `CATEGORIES`: it cannot be switched off.
SECURITY = "security"
CATEGORY_OF: dict[EventType, str] = {
    EventType.CLAIM_STATUS_CHANGED: "claims",
    EventType.CLAIM_DOCUMENTS_REQUESTED: "claims",
    EventType.CERTIFICATE_READY: "certificates",
    EventType.POLICY_EXPIRING: "policies",
    EventType.POLICY_RENEWED: "policies",
    EventType.PAYMENT_SUCCEEDED: "payments",
    EventType.PAYOUT_SENT: "payouts",
    EventType.CLAIM_REGISTERED: "claims",
    EventType.CLAIM_MESSAGE_RECEIVED: "claims",
    EventType.CERTIFICATE_REJECTED: "certificates",
    EventType.PAYOUT_FAILED: "payouts",
    EventType.PAYMENT_DUE: "payments",
    EventType.POLICY_ISSUED: "policies",
    EventType.POLICY_CHANGED: "policies",
    EventType.CONTACTS_CHANGED: SECURITY,
}
URGENT = frozenset(
    {
        EventType.CLAIM_DOCUMENTS_REQUESTED,
        EventType.PAYMENT_SUCCEEDED,
        EventType.POLICY_RENEWED,
        EventType.POLICY_ISSUED,
        EventType.CONTACTS_CHANGED,
    }
)
#: A change to a policy is urgent when its surcharge was just paid (`in_review`): the answer
#: to a payment, as `payment.succeeded`; applied or rejected, it waits for the morning.
URGENT_CHANGE_STATUSES = frozenset({"in_review"})


def is_urgent(event: Event) -> bool:
    """Sent at once, day or night (quiet hours hold everything else)."""
    if isinstance(event, PolicyChanged):
        return event.data.status in URGENT_CHANGE_STATUSES
    return event.type in URGENT


VISIBLE = 4  # strict mode shows the last 4 characters of a number (as bot/privacy.py)


class AlertAction(CallbackData, prefix="al"):
    """An alert's button: `renew` a policy, `pay` a policy's installment, `upload` to a claim,
    open a `claim`, `reply` to the claim's handler, open a payout's card (`payouts`), the
    `contacts` (after a change on the strict web page, or changed elsewhere; no id: `-`),
    open a `policy`'s card.
    The id is user input: the handler loads it for the pressing chat's own customer."""

    action: str
    id: str


ACTIONS = frozenset({"renew", "pay", "upload", "claim", "reply", "payouts", "contacts", "policy"})
CONTACTS_SCREEN = "-"  # the `contacts` action's id: the chat's own, nothing to name


class Catalogue(Protocol):
    """What renders a message: aiogram-i18n's core (`core.get(key, locale, **variables)`)."""

    def get(self, key: str, /, locale: str | None = None, **kwargs: Any) -> str: ...


@dataclass(frozen=True)
class Recipient:
    """A linked chat and its alert preferences."""

    user_id: int
    locale: str = "ru"
    time_zone: str = DEFAULT_TIME_ZONE
    alerts_off: Sequence[str] = field(default_factory=tuple)
    quiet_from: str = "22:00"
    quiet_to: str = "09:00"

    @classmethod
    def of(cls, user: User) -> Recipient:
        return cls(
            user_id=user.id,
            locale=user.locale,
            time_zone=user.time_zone or DEFAULT_TIME_ZONE,
            alerts_off=tuple(user.alerts_off or ()),
            quiet_from=user.quiet_from or "22:00",
            quiet_to=user.quiet_to or "09:00",
        )


def masked(number: str) -> str:
    return number if len(number) <= VISIBLE else "…" + number[-VISIBLE:]


# ----------------------------------------------------------------------------- quiet hours


def _minutes(value: str) -> int | None:
    hours, sep, minutes = value.partition(":")
    if not sep or not hours.isdigit() or not minutes.isdigit():
        return None
    h, m = int(hours), int(minutes)
    return h * 60 + m if 0 <= h < 24 and 0 <= m < 60 else None


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(DEFAULT_TIME_ZONE)


def quiet_until(recipient: Recipient, now: dt.datetime) -> dt.datetime | None:
    """When the recipient's quiet hours end (UTC), if `now` is inside them; else None."""
    start, end = _minutes(recipient.quiet_from), _minutes(recipient.quiet_to)
    if start is None or end is None or start == end:
        return None
    local = now.astimezone(_zone(recipient.time_zone))
    minute = local.hour * 60 + local.minute
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    day = local.date() if minute < end else local.date() + dt.timedelta(days=1)
    naive = dt.datetime.combine(day, dt.time(end // 60, end % 60))
    return naive.replace(tzinfo=local.tzinfo).astimezone(dt.UTC)


# ----------------------------------------------------------------------------- texts


@dataclass(frozen=True)
class Support:
    """Where the person gets help, for a security alert: the insurer's hotline as the cabinet
    gives it (`getInsurerContacts`), or, when it cannot say, the configured `SUPPORT_CONTACTS`."""

    phone: str | None
    contacts: str


@dataclass(frozen=True)
class _Alert:
    """What one alert is made of, for one recipient and one privacy mode."""

    core: Catalogue
    recipient: Recipient
    customer_id: str
    strict: bool
    support: Support | None = None

    def text(self, key: str, **variables: Any) -> str:
        """A whole message as HTML, its string variables escaped."""
        escaped = {k: html.escape(v) if isinstance(v, str) else v for k, v in variables.items()}
        return self.core.get(key, self.recipient.locale, **escaped)

    def variant(self, key: str) -> str:
        return f"{key}-strict" if self.strict else key

    def plain(self, key: str, **variables: Any) -> str:
        return self.core.get(key, self.recipient.locale, **variables)

    def number(self, value: str) -> str:
        return masked(value) if self.strict else value

    def button(self, key: str, action: str, object_id: str) -> list[Button]:
        """A row with one button, or none when the id does not fit in callback data."""
        try:
            data = AlertAction(action=action, id=object_id).pack()
        except ValueError:  # an id too long for the 64 bytes of callback data
            log.warning("alert_button_dropped", action=action)
            return []
        return [{"text": self.plain(key), "callback_data": data}]

    def file(self, kind: str, **ref: str) -> FileRequest:
        return {
            "kind": kind,
            "ref": ref,
            "user_id": self.recipient.user_id,
            "customer_id": self.customer_id,
        }


def _payload(text: str, *rows: list[Button], file: FileRequest | None = None) -> Payload:
    payload: Payload = {"text": text}
    buttons = [row for row in rows if row]
    if buttons:
        payload["buttons"] = buttons
    if file is not None:
        payload["file"] = file
    return payload


def _claim_status(a: _Alert, event: ClaimStatusChanged) -> Payload | None:
    status = event.data.status
    if status is ClaimStatus.AWAITING_DOCUMENTS:
        return None  # told by claim.documents_requested, with the list and the button
    text = a.text(
        "alert-claim-status",
        number=a.number(event.data.claim_number),
        status=a.plain(f"claim-status-{status.value}"),
        next=a.plain(f"claim-next-{status.value}"),
    )
    return _payload(text, a.button("alert-button-claim", "claim", event.data.claim_id))


#: A message holds 4,096 characters: a list from the cabinet gets this many, the rest counted.
LIST_BUDGET = 3000
ITEM_LIMIT = 300


def _bullets(a: _Alert, items: list[str]) -> str:
    """A bulleted list that fits in a message whatever the cabinet sends."""
    lines: list[str] = []
    used = 0
    for n, item in enumerate(items):
        line = "• " + (item if len(item) <= ITEM_LIMIT else item[: ITEM_LIMIT - 1] + "…")
        if used + len(line) > LIST_BUDGET:
            lines.append(a.plain("alert-list-more", count=len(items) - n))
            break
        lines.append(line)
        used += len(line) + 1
    return "\n".join(lines)


def _claim_documents(a: _Alert, event: ClaimDocumentsRequested) -> Payload:
    documents = event.data.documents
    if a.strict:  # the list stays in the claim's card
        text = a.text(
            "alert-claim-documents-strict",
            number=a.number(event.data.claim_number),
            count=len(documents),
        )
    else:
        text = a.text(
            "alert-claim-documents",
            number=event.data.claim_number,
            documents=_bullets(a, documents),
        )
    return _payload(
        text,
        a.button("alert-button-upload", "upload", event.data.claim_id),
        a.button("alert-button-claim", "claim", event.data.claim_id),
    )


def _claim_message(a: _Alert, event: ClaimMessageReceived) -> Payload:
    data = event.data
    if a.strict:  # the handler's words may be personal data: they stay in the claim's card
        text = a.text("alert-claim-message-strict", number=a.number(data.claim_number))
    else:
        quoted = data.text if len(data.text) <= LIST_BUDGET else data.text[:LIST_BUDGET] + "…"
        text = a.text(
            "alert-claim-message",
            number=data.claim_number,
            name=data.handler_name,
            text=quoted,
            due=a.plain("alert-claim-reply-by", due=data.reply_due_on) if data.reply_due_on else "",
        )
    return _payload(
        text,
        a.button("alert-button-reply", "reply", data.claim_id),
        a.button("alert-button-claim", "claim", data.claim_id),
    )


def _certificate_ready(a: _Alert, event: CertificateReady) -> Payload:
    text = a.text(a.variant("alert-certificate-ready"), number=a.number(event.data.number))
    return _payload(text, file=a.file("certificate-pdf", order_id=event.data.order_id))


def _certificate_rejected(a: _Alert, event: CertificateRejected) -> Payload:
    number = a.number(event.data.number)
    if a.strict:  # the reason may name the person's contracts: it stays in «Мои заказы»
        return _payload(a.text("alert-certificate-rejected-strict", number=number))
    return _payload(a.text("alert-certificate-rejected", number=number, reason=event.data.reason))


def _payout_failed(a: _Alert, event: PayoutFailed) -> Payload:
    data = event.data
    refund = data.refund
    key = f"alert-{'refund' if refund else 'payout'}-{data.status.value}"
    policy = {"number": a.number(data.policy_number or "")} if refund else {}
    if a.strict:
        text = a.text(f"{key}-strict", **policy)
    else:
        text = a.text(key, amount=data.amount.amount, reason=data.reason or "", **policy)
    return _payload(text, a.button("alert-button-payouts", "payouts", data.payout_id))


def _policy_expiring(a: _Alert, event: PolicyExpiring) -> Payload:
    text = a.text(
        "alert-policy-expiring",
        number=a.number(event.data.number),
        days=event.data.days_left,
        ends_on=event.data.ends_on,
    )
    return _payload(text, a.button("alert-button-renew", "renew", event.data.policy_id))


def _payment_succeeded(a: _Alert, event: PaymentSucceeded) -> Payload:
    data = event.data
    amount = {} if a.strict else {"amount": data.amount.amount}
    if data.installment is None:  # a renewal order: the renewed policy follows
        return _payload(a.text(a.variant("alert-payment-succeeded"), **amount))
    text = a.text(
        a.variant("alert-installment-paid"),
        **amount,
        installment=data.installment,
        number=a.number(data.number or ""),
        next=(
            a.plain("alert-installment-next", due_on=data.next_due_on)
            if data.next_due_on
            else a.plain("alert-installment-all-paid")
        ),
    )
    return _payload(text)


def _payment_due(a: _Alert, event: PaymentDue) -> Payload:
    data = event.data
    overdue = data.status is InstallmentStatus.OVERDUE
    key = a.variant("alert-payment-overdue" if overdue else "alert-payment-due")
    amount = {} if a.strict else {"amount": data.amount.amount}
    text = a.text(
        key,
        **amount,
        number=a.number(data.number),
        installment=data.installment,
        due_on=data.due_on,
    )
    return _payload(text, a.button("alert-button-pay", "pay", data.policy_id))


def _policy_renewed(a: _Alert, event: PolicyRenewed) -> Payload:
    text = a.text(
        a.variant("alert-policy-renewed"),
        number=a.number(event.data.number),
        ends_on=event.data.new_ends_on,
    )
    return _payload(text, file=a.file("policy-pdf", policy_id=event.data.policy_id))


def _policy_issued(a: _Alert, event: PolicyIssued) -> Payload:
    data = event.data
    text = a.text(
        a.variant("alert-policy-issued"),
        number=a.number(data.number),
        starts_on=data.starts_on,
        ends_on=data.ends_on,
    )
    return _payload(text, file=a.file("policy-pdf", policy_id=data.policy_id))


def _policy_changed(a: _Alert, event: PolicyChanged) -> Payload:
    data = event.data
    title = data.title_en if a.recipient.locale == "en" else data.title
    variables = {"title": title, "number": a.number(data.number)}
    if data.status == "applied":  # the new version of the policy comes with it
        text = a.text(a.variant("alert-policy-changed-applied"), **variables)
        return _payload(text, file=a.file("policy-pdf", policy_id=data.policy_id))
    if data.status == "rejected":
        reason = data.reason or a.plain("alert-policy-change-no-reason")
        text = a.text("alert-policy-changed-rejected", **variables, reason=reason)
        return _payload(text, a.button("alert-button-policy", "policy", data.policy_id))
    return _payload(a.text("alert-policy-changed-in-review", **variables))


def _payout_sent(a: _Alert, event: PayoutSent) -> Payload:
    data = event.data
    amount = {} if a.strict else {"amount": data.amount.amount}
    if data.refund:  # the money came back under a policy, not a claim
        text = a.text(
            a.variant("alert-refund-sent"), **amount, number=a.number(data.policy_number or "")
        )
    else:
        text = a.text(a.variant("alert-payout-sent"), **amount)
    return _payload(text, a.button("alert-button-payouts", "payouts", data.payout_id))


def _contacts_changed(a: _Alert, event: ContactsChanged) -> Payload:
    """The value is masked by the cabinet: the same text in both privacy modes."""
    data = event.data
    support = a.support or Support(None, "")
    if support.phone:
        call = a.text("alert-contacts-call", phone=support.phone)
    else:
        call = a.text("alert-contacts-write", contacts=support.contacts)
    text = a.text(
        f"alert-contacts-changed-{data.kind.value}",
        value=data.value,
        at=event.occurred_at.astimezone(_zone(a.recipient.time_zone)),
        source=a.plain(f"alert-contacts-source-{data.source.value}"),
    )
    return _payload(
        f"{text}\n{call}", a.button("alert-button-contacts", "contacts", CONTACTS_SCREEN)
    )


_MAKERS: dict[EventType, Callable[[_Alert, Any], Payload | None]] = {
    EventType.CLAIM_STATUS_CHANGED: _claim_status,
    EventType.CLAIM_DOCUMENTS_REQUESTED: _claim_documents,
    EventType.CERTIFICATE_READY: _certificate_ready,
    EventType.POLICY_EXPIRING: _policy_expiring,
    EventType.PAYMENT_SUCCEEDED: _payment_succeeded,
    EventType.POLICY_RENEWED: _policy_renewed,
    EventType.PAYOUT_SENT: _payout_sent,
    EventType.CLAIM_REGISTERED: lambda _a, _event: None,
    EventType.CLAIM_MESSAGE_RECEIVED: _claim_message,
    EventType.CERTIFICATE_REJECTED: _certificate_rejected,
    EventType.PAYOUT_FAILED: _payout_failed,
    EventType.PAYMENT_DUE: _payment_due,
    EventType.POLICY_ISSUED: _policy_issued,
    EventType.POLICY_CHANGED: _policy_changed,
    EventType.CONTACTS_CHANGED: _contacts_changed,
}


def render(
    event: Event,
    recipient: Recipient,
    *,
    core: Catalogue,
    strict: bool,
    support: Support | None = None,
) -> Payload | None:
    """The alert `event` makes for one chat (None: this event makes none)."""
    alert = _Alert(core, recipient, event.customer_id, strict, support)
    return _MAKERS[event.type](alert, event)


# ----------------------------------------------------------------------------- enqueueing


async def recipients_of(session: AsyncSession, customer_id: str) -> list[Recipient]:
    """Every chat linked to the customer whose user has not blocked the bot."""
    users = await session.scalars(
        select(User)
        .join(Link, Link.user_id == User.id)
        .where(Link.customer_id == customer_id, User.is_active.is_(True))
        .order_by(User.id)
    )
    return [Recipient.of(user) for user in users]


@dataclass(frozen=True)
class Outcome:
    linked: int  # chats linked to the customer
    enqueued: int  # alert rows made


async def told_already(session: AsyncSession, event: Event) -> set[int]:
    """The chats that said what the event says themselves: the one that confirmed a contact
    change (see the module's docstring)."""
    if isinstance(event, ContactsChanged) and event.data.change_id is not None:
        return await ContactChangeRepository(session).chats_of(
            event.data.change_id, event.customer_id
        )
    return set()


async def enqueue_alerts(
    session: AsyncSession,
    event: Event,
    *,
    core: Catalogue,
    strict: bool,
    now: dt.datetime | None = None,
    support: Support | None = None,
) -> Outcome:
    """The event's alert rows, in the caller's transaction. `support`: the hotline a security
    alert names."""
    now = now or dt.datetime.now(dt.UTC)
    recipients = await recipients_of(session, event.customer_id)
    category = CATEGORY_OF[event.type]
    urgent = is_urgent(event)
    told = await told_already(session, event)
    made = 0
    for recipient in recipients:
        if category in recipient.alerts_off or recipient.user_id in told:
            continue
        payload = render(event, recipient, core=core, strict=strict, support=support)
        if payload is None:
            continue
        not_before = None if urgent else quiet_until(recipient, now)
        await enqueue(
            session,
            recipient.user_id,
            payload,
            kind="alert",
            not_before=not_before,
            event_id=event.event_id,
            customer_id=event.customer_id,
        )
        made += 1
    return Outcome(linked=len(recipients), enqueued=made)
