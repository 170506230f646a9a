"""Consent to advertising as a consent of its own (version, text, given, withdrawn), and the
channel consent withdrawals the cabinet is still to be told about.

A user who had switched marketing on before gets a consent row of version `legacy` (the
switch had no text of its own), dated when their row last changed.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "marketing_consents",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("user_id", BIGINT, nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("text_sha256", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("given_at", TIMESTAMP, nullable=False),
        sa.Column("withdrawn_at", TIMESTAMP, nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_marketing_consents_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_marketing_consents")),
    )
    op.create_index(
        "ix_marketing_consents_user_id_given_at", "marketing_consents", ["user_id", "given_at"]
    )
    op.execute(
        "INSERT INTO marketing_consents (user_id, version, text_sha256, locale, given_at) "
        "SELECT id, 'legacy', '', locale, updated_at FROM users WHERE marketing"
    )
    op.create_table(
        "consent_withdrawal_notices",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("customer_id", sa.String(length=64), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("withdrawn_at", TIMESTAMP, nullable=False),
        sa.Column("consent_version", sa.String(length=32), nullable=True),
        sa.Column("idempotency_key", sa.String(length=36), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(length=255), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_consent_withdrawal_notices")),
    )


def downgrade() -> None:
    op.drop_table("consent_withdrawal_notices")
    op.drop_table("marketing_consents")
