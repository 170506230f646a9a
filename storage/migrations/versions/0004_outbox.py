"""The delivery engine: events received, broadcasts, the outbox; users' alert preferences.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(sa.Column("alerts_off", sa.JSON(), nullable=False, server_default="[]"))
        users.add_column(
            sa.Column("quiet_from", sa.String(length=5), nullable=False, server_default="22:00")
        )
        users.add_column(
            sa.Column("quiet_to", sa.String(length=5), nullable=False, server_default="09:00")
        )
        users.add_column(
            sa.Column("marketing", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "events",
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=64), nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("occurred_at", TIMESTAMP, nullable=False),
        sa.Column("received_at", TIMESTAMP, nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_events")),
    )
    op.create_index(op.f("ix_events_customer_id"), "events", ["customer_id"])
    op.create_table(
        "broadcasts",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("created_by", BIGINT, nullable=True),
        sa.Column("category", sa.String(length=16), nullable=False),
        sa.Column("audience", sa.JSON(), nullable=False),
        sa.Column("message", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("finished_at", TIMESTAMP, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_broadcasts")),
    )
    op.create_table(
        "outbox",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("chat_id", BIGINT, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("broadcast_id", BIGINT, nullable=True),
        sa.Column("event_id", sa.String(length=64), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("not_before", TIMESTAMP, nullable=False),
        sa.Column("claimed_until", TIMESTAMP, nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("sent_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["broadcast_id"],
            ["broadcasts.id"],
            name=op.f("fk_outbox_broadcast_id_broadcasts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
    )
    op.create_index(op.f("ix_outbox_chat_id"), "outbox", ["chat_id"])
    op.create_index("ix_outbox_status_not_before", "outbox", ["status", "not_before"])
    op.create_index("ix_outbox_broadcast_id_status", "outbox", ["broadcast_id", "status"])


def downgrade() -> None:
    op.drop_index("ix_outbox_broadcast_id_status", table_name="outbox")
    op.drop_index("ix_outbox_status_not_before", table_name="outbox")
    op.drop_index(op.f("ix_outbox_chat_id"), table_name="outbox")
    op.drop_table("outbox")
    op.drop_table("broadcasts")
    op.drop_index(op.f("ix_events_customer_id"), table_name="events")
    op.drop_table("events")
    with op.batch_alter_table("users") as users:
        users.drop_column("marketing")
        users.drop_column("quiet_to")
        users.drop_column("quiet_from")
        users.drop_column("alerts_off")
