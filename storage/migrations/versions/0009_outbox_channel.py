"""Every outbox row names the messenger it goes through (`telegram` for the rows from before):
a worker claims only rows of the channels it has a delivery port for (`notify.ports`).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        outbox.add_column(
            sa.Column("channel", sa.String(length=16), nullable=False, server_default="telegram")
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox") as outbox:
        outbox.drop_column("channel")
