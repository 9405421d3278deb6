"""Verified sessions remember how the customer was verified: a one-time code or the app's login.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Sessions that exist already were all verified by a code.
    op.add_column(
        "verified_sessions",
        sa.Column("method", sa.String(16), nullable=False, server_default="code"),
    )
    op.add_column("verified_sessions", sa.Column("logged_in_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    # SQLite cannot drop a column in place; batch mode copies the table.
    with op.batch_alter_table("verified_sessions") as batch:
        batch.drop_column("logged_in_at")
        batch.drop_column("method")
