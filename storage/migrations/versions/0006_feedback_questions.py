"""Feedback is a question to support or a review: its kind, a rating only for a review, a
topic only where there is one, the time the person last wrote (a follow-up opens a question
again), and the follow-ups' posts in the staff chat.

Earlier feedback had a topic, a rating and an answer from the staff: it becomes questions.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.drop_index("ix_feedback_answered_at_created_at", table_name="feedback")
    with op.batch_alter_table("feedback") as feedback:
        feedback.add_column(
            sa.Column("kind", sa.String(length=16), nullable=False, server_default="question")
        )
        feedback.add_column(sa.Column("asked_at", TIMESTAMP, nullable=True))
        feedback.alter_column("topic", existing_type=sa.String(length=32), nullable=True)
        feedback.alter_column("rating", existing_type=sa.Integer(), nullable=True)
    op.execute("UPDATE feedback SET asked_at = created_at")
    with op.batch_alter_table("feedback") as feedback:
        feedback.alter_column("kind", existing_type=sa.String(length=16), server_default=None)
        feedback.alter_column("asked_at", existing_type=TIMESTAMP, nullable=False)
    op.create_index("ix_feedback_answered_at_asked_at", "feedback", ["answered_at", "asked_at"])
    op.create_table(
        "feedback_posts",
        sa.Column("id", BIGINT, autoincrement=True, nullable=False),
        sa.Column("feedback_id", BIGINT, nullable=False),
        sa.Column("staff_chat_id", BIGINT, nullable=False),
        sa.Column("staff_message_id", BIGINT, nullable=False),
        sa.Column("created_at", TIMESTAMP, nullable=False),
        sa.ForeignKeyConstraint(
            ["feedback_id"],
            ["feedback.id"],
            name=op.f("fk_feedback_posts_feedback_id_feedback"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_feedback_posts")),
    )
    op.create_index(op.f("ix_feedback_posts_feedback_id"), "feedback_posts", ["feedback_id"])
    op.create_index(
        "ix_feedback_posts_staff_post", "feedback_posts", ["staff_chat_id", "staff_message_id"]
    )


def downgrade() -> None:
    op.drop_table("feedback_posts")
    op.drop_index("ix_feedback_answered_at_asked_at", table_name="feedback")
    op.execute("DELETE FROM feedback WHERE rating IS NULL OR topic IS NULL")
    with op.batch_alter_table("feedback") as feedback:
        feedback.alter_column("rating", existing_type=sa.Integer(), nullable=False)
        feedback.alter_column("topic", existing_type=sa.String(length=32), nullable=False)
        feedback.drop_column("asked_at")
        feedback.drop_column("kind")
    op.create_index("ix_feedback_answered_at_created_at", "feedback", ["answered_at", "created_at"])
