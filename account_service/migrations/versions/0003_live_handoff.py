"""Live agent handoff: a handoff case's status, agent and times, and its message log.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("cases", sa.Column("agent_name", sa.String(64), nullable=True))
    op.add_column("cases", sa.Column("taken_at", sa.DateTime(), nullable=True))
    op.add_column("cases", sa.Column("ended_at", sa.DateTime(), nullable=True))
    # Handoffs queued before this revision were waiting for a person.
    op.execute("UPDATE cases SET status = 'waiting' WHERE type = 'handoff' AND status = 'open'")
    op.create_table(
        "handoff_messages",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("cases.id"), nullable=False, index=True),
        sa.Column("sender", sa.String(16), nullable=False),
        sa.Column("agent_name", sa.String(64), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("handoff_messages")
    op.execute("UPDATE cases SET status = 'open' WHERE type = 'handoff' AND status = 'waiting'")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("ended_at")
        batch.drop_column("taken_at")
        batch.drop_column("agent_name")
