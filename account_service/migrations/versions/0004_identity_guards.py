"""Identity checks without an oracle: decoy challenges, per-conversation guards and limits, the
per-customer 24-hour wrong-code count, sessions that know their channel, longer conversation IDs.

- challenges.customer_id and code_hash may be NULL (a decoy, or a code not sent);
- identity_guards (per conversation or client key, hashed): wrong codes and the lock;
- identity_attempts: code requests per guard key, for the sliding-window limits;
- code_failures: wrong codes per customer, for the 24-hour customer lock;
- customers.failed_code_attempts goes (the count is per conversation and per 24 hours now);
- conversation IDs up to 200 characters (channel prefixes); verified_sessions.channel.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_CONVERSATION_COLUMNS = (
    ("challenges", False),
    ("verified_sessions", False),
    ("cases", True),
    ("audit_log", True),
)


def upgrade() -> None:
    for table, nullable in _CONVERSATION_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "conversation_id",
                type_=sa.String(200),
                existing_type=sa.String(128),
                existing_nullable=nullable,
            )
    with op.batch_alter_table("challenges") as batch:
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=True)
        batch.alter_column("code_hash", existing_type=sa.String(64), nullable=True)
    with op.batch_alter_table("verified_sessions") as batch:
        batch.add_column(sa.Column("channel", sa.String(32), nullable=False, server_default="unnamed"))
    with op.batch_alter_table("customers") as batch:
        batch.drop_column("failed_code_attempts")
    op.create_table(
        "identity_guards",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name="pk_identity_guards"),
    )
    op.create_table(
        "identity_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("guard_key", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_identity_attempts"),
    )
    op.create_index("ix_identity_attempts_guard_key_at", "identity_attempts", ["guard_key", "at"])
    op.create_table(
        "code_failures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_code_failures"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_code_failures_customer_id_customers"
        ),
    )
    op.create_index("ix_code_failures_customer_id_at", "code_failures", ["customer_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_code_failures_customer_id_at", table_name="code_failures")
    op.drop_table("code_failures")
    op.drop_index("ix_identity_attempts_guard_key_at", table_name="identity_attempts")
    op.drop_table("identity_attempts")
    op.drop_table("identity_guards")
    with op.batch_alter_table("customers") as batch:
        batch.add_column(sa.Column("failed_code_attempts", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("verified_sessions") as batch:
        batch.drop_column("channel")
    # Decoys and unsent challenges have no customer or code: they could never be verified anyway.
    op.execute("DELETE FROM challenges WHERE customer_id IS NULL OR code_hash IS NULL")
    with op.batch_alter_table("challenges") as batch:
        batch.alter_column("code_hash", existing_type=sa.String(64), nullable=False)
        batch.alter_column("customer_id", existing_type=sa.Integer(), nullable=False)
    for table, nullable in _CONVERSATION_COLUMNS:
        with op.batch_alter_table(table) as batch:
            batch.alter_column(
                "conversation_id",
                type_=sa.String(128),
                existing_type=sa.String(200),
                existing_nullable=nullable,
            )
