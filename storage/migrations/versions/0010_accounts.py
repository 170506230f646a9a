"""Accounts keyed by (channel, id): a user row says its messenger and that messenger's user id,
and one person may be linked from Telegram and from Max at once (`storage/accounts.py`).

Every row from before is a Telegram account whose id is the Telegram user id, so the ids
every other table holds (consents, links, the outbox, feedback, renewal orders, contact
changes, the audit's actor, broadcasts' authors) stay what they are.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_OWNED_BY_A_USER = (
    "links",
    "consents",
    "marketing_consents",
    "feedback",
    "renewal_orders",
    "contact_changes",
)


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(
            sa.Column("channel", sa.String(length=16), nullable=False, server_default="telegram")
        )
        users.add_column(sa.Column("external_id", BIGINT, nullable=True))
    op.execute("UPDATE users SET external_id = id")
    with op.batch_alter_table("users") as users:
        users.alter_column("channel", server_default=None)
        users.alter_column("external_id", existing_type=BIGINT, nullable=False)
        users.create_unique_constraint(op.f("uq_users_channel"), ["channel", "external_id"])

    with op.batch_alter_table("links") as links:
        links.add_column(
            sa.Column("channel", sa.String(length=16), nullable=False, server_default="telegram")
        )
    with op.batch_alter_table("links") as links:
        links.alter_column("channel", server_default=None)
        links.drop_constraint(op.f("uq_links_provider"), type_="unique")
        links.create_unique_constraint(
            op.f("uq_links_identity_per_channel"), ["provider", "subject", "channel"]
        )


def downgrade() -> None:
    # Down is back to one messenger: the other messengers' accounts and what hangs on them go
    # (said table by table: SQLite migrates with foreign keys off, so nothing cascades).
    others = "SELECT id FROM users WHERE channel <> 'telegram'"
    their_feedback = f"SELECT id FROM feedback WHERE user_id IN ({others})"  # noqa: S608
    op.execute(f"DELETE FROM feedback_posts WHERE feedback_id IN ({their_feedback})")  # noqa: S608
    for table in _OWNED_BY_A_USER:
        op.execute(f"DELETE FROM {table} WHERE user_id IN ({others})")  # noqa: S608 - our names
    op.execute(f"DELETE FROM outbox WHERE chat_id IN ({others})")  # noqa: S608
    op.execute("DELETE FROM users WHERE channel <> 'telegram'")
    with op.batch_alter_table("links") as links:
        links.drop_constraint(op.f("uq_links_identity_per_channel"), type_="unique")
        links.create_unique_constraint(op.f("uq_links_provider"), ["provider", "subject"])
        links.drop_column("channel")
    with op.batch_alter_table("users") as users:
        users.drop_constraint(op.f("uq_users_channel"), type_="unique")
        users.drop_column("external_id")
        users.drop_column("channel")
