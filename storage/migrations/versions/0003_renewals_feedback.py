"""Renewal orders waiting for payment, and feedback with its staff-chat post.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "renewal_orders",
        sa.Column("order_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", BIGINT, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("paid_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_renewal_orders_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_renewal_orders")),
    )
    op.create_index(op.f("ix_renewal_orders_user_id"), "renewal_orders", ["user_id"])
    op.create_index(op.f("ix_renewal_orders_policy_id"), "renewal_orders", ["policy_id"])
    op.create_table(
        "feedback",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("user_id", BIGINT, nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("rating", sa.Integer(), nullable=False),
        sa.Column("linked", sa.Boolean(), nullable=False),
        sa.Column("staff_chat_id", BIGINT, nullable=True),
        sa.Column("staff_message_id", BIGINT, nullable=True),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.Column("answered_at", TIMESTAMP, nullable=True),
        sa.Column("answered_by", BIGINT, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_feedback_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback")),
        sa.UniqueConstraint("number", name=op.f("uq_feedback_number")),
    )
    op.create_index(op.f("ix_feedback_user_id"), "feedback", ["user_id"])
    op.create_index("ix_feedback_answered_at_created_at", "feedback", ["answered_at", "created_at"])
    op.create_index("ix_feedback_staff_post", "feedback", ["staff_chat_id", "staff_message_id"])


def downgrade() -> None:
    op.drop_index("ix_feedback_staff_post", table_name="feedback")
    op.drop_index("ix_feedback_answered_at_created_at", table_name="feedback")
    op.drop_index(op.f("ix_feedback_user_id"), table_name="feedback")
    op.drop_table("feedback")
    op.drop_index(op.f("ix_renewal_orders_policy_id"), table_name="renewal_orders")
    op.drop_index(op.f("ix_renewal_orders_user_id"), table_name="renewal_orders")
    op.drop_table("renewal_orders")
