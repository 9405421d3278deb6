"""Initial schema: customers, card accounts, cards, money movements, cases, identity, outbox, audit.

Revision ID: 0001
Revises:
Create Date: 2026-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.String(64), nullable=False),
        sa.Column("first_name", sa.String(64), nullable=False),
        sa.Column("last_name", sa.String(64), nullable=False),
        sa.Column("date_of_birth", sa.Date(), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("phone", sa.String(32), nullable=False),
        sa.Column("email", sa.String(254), nullable=False),
        sa.Column("mailing_address", sa.String(300), nullable=False),
        sa.Column("failed_code_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("user_id", name="uq_customers_user_id"),
    )
    op.create_table(
        "card_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("credit_limit_cents", sa.BigInteger(), nullable=False),
        sa.Column("statement_balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("minimum_due_cents", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("bank_name", sa.String(64), nullable=False),
        sa.Column("bank_last_four", sa.String(4), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_card_accounts"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_card_accounts_customer_id_customers"
        ),
    )
    op.create_index("ix_card_accounts_customer_id", "card_accounts", ["customer_id"])
    op.create_table(
        "cards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("last_four", sa.String(4), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("expiry_month", sa.Integer(), nullable=False),
        sa.Column("expiry_year", sa.Integer(), nullable=False),
        sa.Column("fraud_hold", sa.Boolean(), nullable=False),
        sa.Column("replaces_card_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_cards"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["card_accounts.id"], name="fk_cards_account_id_card_accounts"
        ),
        sa.ForeignKeyConstraint(["replaces_card_id"], ["cards.id"], name="fk_cards_replaces_card_id_cards"),
    )
    op.create_index("ix_cards_account_id", "cards", ["account_id"])
    op.create_table(
        "transactions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("posted_on", sa.Date(), nullable=False),
        sa.Column("merchant", sa.String(100), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("pending", sa.Boolean(), nullable=False),
        sa.Column("disputed", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_transactions"),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_transactions_card_id_cards"),
    )
    op.create_index("ix_transactions_card_id_posted_on", "transactions", ["card_id", "posted_on"])
    op.create_table(
        "statements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("opening_date", sa.Date(), nullable=False),
        sa.Column("closing_date", sa.Date(), nullable=False),
        sa.Column("balance_cents", sa.BigInteger(), nullable=False),
        sa.Column("minimum_due_cents", sa.BigInteger(), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_statements"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["card_accounts.id"], name="fk_statements_account_id_card_accounts"
        ),
    )
    op.create_index("ix_statements_account_id", "statements", ["account_id"])
    op.create_table(
        "payments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=False),
        sa.Column("amount_cents", sa.BigInteger(), nullable=False),
        sa.Column("pay_on", sa.Date(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("idempotency_key", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_payments"),
        sa.UniqueConstraint("reference", name="uq_payments_reference"),
        sa.UniqueConstraint("customer_id", "idempotency_key", name="uq_payments_customer_id_idempotency_key"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_payments_customer_id_customers"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["card_accounts.id"], name="fk_payments_account_id_card_accounts"
        ),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_payments_card_id_cards"),
    )
    op.create_index("ix_payments_account_id", "payments", ["account_id"])
    op.create_table(
        "autopay_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("enrolled", sa.Boolean(), nullable=False),
        sa.Column("amount_type", sa.String(24), nullable=True),
        sa.Column("fixed_amount_cents", sa.BigInteger(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_autopay_settings"),
        sa.UniqueConstraint("account_id", name="uq_autopay_settings_account_id"),
        sa.ForeignKeyConstraint(
            ["account_id"], ["card_accounts.id"], name="fk_autopay_settings_account_id_card_accounts"
        ),
    )
    op.create_table(
        "reward_accounts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("program", sa.String(64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reward_accounts"),
        sa.UniqueConstraint("customer_id", name="uq_reward_accounts_customer_id"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_reward_accounts_customer_id_customers"
        ),
    )
    op.create_table(
        "reward_options",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(2), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("points_needed", sa.Integer(), nullable=False),
        sa.Column("value_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_reward_options"),
        sa.UniqueConstraint("region", "name", name="uq_reward_options_region_name"),
    )
    op.create_table(
        "redemptions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("option_name", sa.String(64), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("value_cents", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_redemptions"),
        sa.UniqueConstraint("reference", name="uq_redemptions_reference"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_redemptions_customer_id_customers"
        ),
    )
    op.create_index("ix_redemptions_customer_id", "redemptions", ["customer_id"])
    op.create_table(
        "alert_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("large_purchase_threshold_cents", sa.BigInteger(), nullable=True),
        sa.Column("online_transactions", sa.Boolean(), nullable=False),
        sa.Column("payment_due", sa.Boolean(), nullable=False),
        sa.Column("balance_threshold_cents", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_alert_settings"),
        sa.UniqueConstraint("customer_id", name="uq_alert_settings_customer_id"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_alert_settings_customer_id_customers"
        ),
    )
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reference", sa.String(16), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.String(128), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_cases"),
        sa.UniqueConstraint("reference", name="uq_cases_reference"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_cases_customer_id_customers"),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_cases_card_id_cards"),
    )
    op.create_index("ix_cases_customer_id", "cases", ["customer_id"])
    op.create_index("ix_cases_type_status", "cases", ["type", "status"])
    op.create_table(
        "challenges",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("purpose", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.Column("ended", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_challenges"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_challenges_customer_id_customers"
        ),
    )
    op.create_index("ix_challenges_customer_id_created_at", "challenges", ["customer_id", "created_at"])
    op.create_table(
        "verified_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("conversation_id", sa.String(128), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_verified_sessions"),
        sa.UniqueConstraint("conversation_id", name="uq_verified_sessions_conversation_id"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_verified_sessions_customer_id_customers"
        ),
    )
    op.create_index("ix_verified_sessions_customer_id", "verified_sessions", ["customer_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(8), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_outbox_customer_id_customers"),
    )
    op.create_index("ix_outbox_customer_id", "outbox", ["customer_id"])
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(48), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=True),
        sa.Column("conversation_id", sa.String(128), nullable=True),
        sa.Column("outcome", sa.String(32), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_log"),
        sa.ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_audit_log_customer_id_customers"),
    )
    op.create_index("ix_audit_log_customer_id", "audit_log", ["customer_id"])


def downgrade() -> None:
    for index, table in (
        ("ix_audit_log_customer_id", "audit_log"),
        ("ix_outbox_customer_id", "outbox"),
        ("ix_verified_sessions_customer_id", "verified_sessions"),
        ("ix_challenges_customer_id_created_at", "challenges"),
        ("ix_cases_type_status", "cases"),
        ("ix_cases_customer_id", "cases"),
        ("ix_redemptions_customer_id", "redemptions"),
        ("ix_payments_account_id", "payments"),
        ("ix_statements_account_id", "statements"),
        ("ix_transactions_card_id_posted_on", "transactions"),
        ("ix_cards_account_id", "cards"),
        ("ix_card_accounts_customer_id", "card_accounts"),
    ):
        op.drop_index(index, table_name=table)
    for table in (
        "audit_log",
        "outbox",
        "verified_sessions",
        "challenges",
        "cases",
        "alert_settings",
        "redemptions",
        "reward_options",
        "reward_accounts",
        "autopay_settings",
        "payments",
        "statements",
        "transactions",
        "cards",
        "card_accounts",
        "customers",
    ):
        op.drop_table(table)
