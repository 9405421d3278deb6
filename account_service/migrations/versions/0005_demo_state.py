"""Demo mode's clock offset and agent-hours switch in the database, shared by every instance.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "demo_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("clock_offset_s", sa.Float(), nullable=False),
        sa.Column("agent_hours_mode", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_demo_state"),
    )


def downgrade() -> None:
    op.drop_table("demo_state")
