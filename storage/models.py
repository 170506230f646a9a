"""Database models. Time is UTC in storage; no personal data beyond what a feature needs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    UniqueConstraint,
)
from sqlalchemy.engine.default import DefaultExecutionContext
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship
from sqlalchemy.types import TypeDecorator

from storage.accounts import Account, account_of


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend (SQLite forgets the zone otherwise)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: store UTC-aware datetimes only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        # BIGINT for Telegram ids; SQLite only autoincrements a plain INTEGER primary key.
        int: BigInteger().with_variant(Integer(), "sqlite"),
        dict[str, Any]: JSON(),
    }


def _account_in_row(context: DefaultExecutionContext, column: str) -> Account:
    """The account (`storage/accounts.py`) an inserted row's `column` holds."""
    row: dict[str, Any] = context.get_current_parameters()  # type: ignore[no-untyped-call]
    return account_of(int(row[column]))


def _channel_of_row(column: str) -> Any:
    """A column's default: the messenger of the row's account."""
    return lambda context: _account_in_row(context, column).channel.value


def _external_id_of_row(context: DefaultExecutionContext) -> int:
    return _account_in_row(context, "id").external_id


class User(Base):
    """A person who talked to the bot in a private chat of a messenger: an account.

    `id` is the account id (`storage/accounts.py`: a Telegram user's own id, a Max user's
    negated), which every other table refers to; `channel` and `external_id` spell out the
    messenger and its user id, filled from `id`."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    channel: Mapped[str] = mapped_column(String(16), default=_channel_of_row("id"))
    external_id: Mapped[int] = mapped_column(default=_external_id_of_row)
    locale: Mapped[str] = mapped_column(String(8))
    time_zone: Mapped[str] = mapped_column(String(64), default="Europe/Moscow")
    is_active: Mapped[bool] = mapped_column(default=True)
    # Alerts: the categories switched off (notify.alerts.CATEGORIES), quiet hours in the
    # user's time zone ("22:00"–"09:00"; equal: none), and whether they consent to marketing
    # now (38-ФЗ; the consent itself, its version and dates: `MarketingConsent`).
    alerts_off: Mapped[list[str]] = mapped_column(JSON, default=list)
    quiet_from: Mapped[str] = mapped_column(String(5), default="22:00")
    quiet_to: Mapped[str] = mapped_column(String(5), default="09:00")
    marketing: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    consents: Mapped[list[Consent]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )


class Consent(Base):
    """Consent to personal-data processing (152-ФЗ): which text, in which version, when."""

    __tablename__ = "consents"
    __table_args__ = (Index("ix_consents_user_id_accepted_at", "user_id", "accepted_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(32))
    text_sha256: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    accepted_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship(back_populates="consents")


class MarketingConsent(Base):
    """Consent to advertising (38-ФЗ ст. 18): separate from the personal-data consent, optional,
    withdrawable. A row per consent given: which text, in which version, when; `withdrawn_at`
    once withdrawn. `User.marketing` says whether one is in force."""

    __tablename__ = "marketing_consents"
    __table_args__ = (Index("ix_marketing_consents_user_id_given_at", "user_id", "given_at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(String(32))
    text_sha256: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str] = mapped_column(String(8))
    given_at: Mapped[datetime] = mapped_column(default=utcnow)
    withdrawn_at: Mapped[datetime | None] = mapped_column(default=None)


class ConsentWithdrawalNotice(Base):
    """The cabinet is to be told that a customer withdrew their consent for this channel
    (`/revoke`): sent again by the delivery workers while it is unavailable, deleted once it
    answered. The person's own rows are gone by then: only the customer id stays, and only
    until the cabinet has it."""

    __tablename__ = "consent_withdrawal_notices"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    channel: Mapped[str] = mapped_column(String(16))
    withdrawn_at: Mapped[datetime] = mapped_column()
    consent_version: Mapped[str | None] = mapped_column(String(32), default=None)
    idempotency_key: Mapped[str] = mapped_column(String(36))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(String(255), default=None)


class Link(Base):
    """An account's chat linked to a verified person: the provider's subject and the
    cabinet's customer id. No tokens, no names beyond the masked display name ("Иван И.").
    One link per account, and one per provider identity in each messenger: a person may be
    linked from Telegram and from Max at once; linking again in the same messenger moves it."""

    __tablename__ = "links"
    __table_args__ = (
        UniqueConstraint("provider", "subject", "channel", name="uq_links_identity_per_channel"),
    )

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    # The account's messenger (filled from `user_id`), for the uniqueness above.
    channel: Mapped[str] = mapped_column(String(16), default=_channel_of_row("user_id"))
    provider: Mapped[str] = mapped_column(String(16))
    subject: Mapped[str] = mapped_column(String(255))
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[str] = mapped_column(String(32))
    display_name: Mapped[str] = mapped_column(String(100))
    linked_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditRecord(Base):
    """What happened, by whom (an account id, or None for a system actor), on what — never
    personal data."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_log_actor_at", "actor_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(default=None)
    action: Mapped[str] = mapped_column(String(64))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)


class RenewalOrder(Base):
    """A renewal the user confirmed in the chat, waiting for payment. The cabinet's
    `payment.succeeded` / `policy.renewed` events find the chat to tell through it."""

    __tablename__ = "renewal_orders"

    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    policy_id: Mapped[str] = mapped_column(String(64), index=True)
    term_months: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(32), default="awaiting_payment")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(default=None)


class ContactChange(Base):
    """A change of the phone or e-mail this chat started (`startContactChange`): the cabinet's
    `contacts.changed` with this `change_id` was confirmed here, and the chat already said so
    («E-mail изменён»), so its security alert goes to the customer's other chats only
    (`notify/alerts.py`). Recorded when the change starts, long before its code can confirm
    it, so the event never arrives first. Holds no contact, only the kind."""

    __tablename__ = "contact_changes"

    change_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(8))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)


class Feedback(Base):
    """A question to support or a review a user left: its number and where it was posted in
    the staff chat, so a staff reply finds its author. The texts themselves live in the cabinet
    and the staff chat. A question waits for an answer from `asked_at` (when the person last
    wrote) until `answered_at`; a follow-up from the person opens it again."""

    __tablename__ = "feedback"
    __table_args__ = (
        Index("ix_feedback_answered_at_asked_at", "answered_at", "asked_at"),
        Index("ix_feedback_staff_post", "staff_chat_id", "staff_message_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="question")  # question | review
    topic: Mapped[str | None] = mapped_column(String(32), default=None)
    rating: Mapped[int | None] = mapped_column(Integer, default=None)
    linked: Mapped[bool] = mapped_column(default=False)
    staff_chat_id: Mapped[int | None] = mapped_column(default=None)
    staff_message_id: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    asked_at: Mapped[datetime] = mapped_column(default=utcnow)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    answered_by: Mapped[int | None] = mapped_column(default=None)


class FeedbackPost(Base):
    """A follow-up the person wrote to a question, as posted in the staff chat (a reply to the
    question's post): a staff reply to it reaches the person too."""

    __tablename__ = "feedback_posts"
    __table_args__ = (Index("ix_feedback_posts_staff_post", "staff_chat_id", "staff_message_id"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    feedback_id: Mapped[int] = mapped_column(
        ForeignKey("feedback.id", ondelete="CASCADE"), index=True
    )
    staff_chat_id: Mapped[int] = mapped_column()
    staff_message_id: Mapped[int] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Event(Base):
    """An event the cabinet sent to `/events`, once (its id is the cabinet's). `recipients`
    is how many alert rows it made: 0 means no linked chat (counted in the metrics too)."""

    __tablename__ = "events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    type: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(64), index=True)
    occurred_at: Mapped[datetime] = mapped_column()
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    recipients: Mapped[int] = mapped_column(Integer, default=0)


class Broadcast(Base):
    """A message from the staff to many users: what, to whom, and how it went."""

    __tablename__ = "broadcasts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    created_by: Mapped[int | None] = mapped_column(default=None)  # an account id; None: API/CLI
    category: Mapped[str] = mapped_column(String(16))  # service | marketing
    audience: Mapped[dict[str, Any]] = mapped_column(default=dict)  # {"kind": ..., "value": ...}
    message: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the outbox payload
    status: Mapped[str] = mapped_column(String(16), default="sending")  # sending|done|cancelled
    total: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(default=None)


class OutboxMessage(Base):
    """One message to one chat, sent by the delivery workers (notify/).

    `payload` says what to send (`notify.payload`); `not_before` holds it back (quiet hours,
    retry backoff, a 429); a worker that takes it sets `claimed_until` (a lease: a crashed
    worker's rows are taken again when it ends). Ends as sent, blocked (403), dead (gave up,
    `last_error` says why), cancelled (its broadcast was) or unlinked (a personal alert whose
    chat was no longer linked to its customer when its turn came)."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_status_not_before", "status", "not_before"),
        Index("ix_outbox_broadcast_id_status", "broadcast_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    chat_id: Mapped[int] = mapped_column(index=True)
    # The messenger it goes through (`telegram`, `max`): a worker with that channel's port.
    channel: Mapped[str] = mapped_column(String(16), default="telegram", server_default="telegram")
    kind: Mapped[str] = mapped_column(String(16))  # alert | broadcast | reply | notice
    broadcast_id: Mapped[int | None] = mapped_column(
        ForeignKey("broadcasts.id", ondelete="CASCADE"), default=None
    )
    event_id: Mapped[str | None] = mapped_column(String(64), default=None)
    # A personal alert's customer: sent only while the chat is still linked to them.
    customer_id: Mapped[str | None] = mapped_column(String(64), default=None)
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(default=None)
    claimed_by: Mapped[str | None] = mapped_column(String(64), default=None)
    last_error: Mapped[str | None] = mapped_column(String(255), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(default=None)
