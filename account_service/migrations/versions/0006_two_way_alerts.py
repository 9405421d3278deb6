"""Two-way alerts: the alerts sent and the questions they asked, the preferred alert channel,
online purchases, STOP per channel, linked Telegram chats (and their link codes), and when each
WhatsApp number last wrote (its 24-hour window).

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Existing settings keep sending by text message, as before there was a choice.
    op.add_column("alert_settings", sa.Column("channel", sa.String(16), nullable=False, server_default="sms"))
    op.add_column(
        "transactions", sa.Column("online", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    op.create_table(
        "sent_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("card_id", sa.Integer(), nullable=True),
        sa.Column("transaction_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("question", sa.String(16), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("conversation_id", sa.String(200), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("reasks", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("answered_at", sa.DateTime(), nullable=True),
        sa.Column("dedupe_key", sa.String(64), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sent_alerts"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_sent_alerts_customer_id_customers"
        ),
        sa.ForeignKeyConstraint(["card_id"], ["cards.id"], name="fk_sent_alerts_card_id_cards"),
        sa.ForeignKeyConstraint(
            ["transaction_id"], ["transactions.id"], name="fk_sent_alerts_transaction_id_transactions"
        ),
        sa.UniqueConstraint("dedupe_key", name="uq_sent_alerts_dedupe_key"),
    )
    op.create_index("ix_sent_alerts_customer_id", "sent_alerts", ["customer_id"])
    op.create_index("ix_sent_alerts_conversation_id_status", "sent_alerts", ["conversation_id", "status"])
    op.create_table(
        "alert_opt_outs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_alert_opt_outs"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_alert_opt_outs_customer_id_customers"
        ),
        sa.UniqueConstraint("customer_id", "channel", name="uq_alert_opt_outs_customer_id_channel"),
    )
    op.create_table(
        "telegram_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("chat_id", sa.String(32), nullable=False),
        sa.Column("linked_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_telegram_links"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_telegram_links_customer_id_customers"
        ),
        sa.UniqueConstraint("customer_id", name="uq_telegram_links_customer_id"),
        sa.UniqueConstraint("chat_id", name="uq_telegram_links_chat_id"),
    )
    op.create_table(
        "telegram_link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("code_hash", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("used_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_telegram_link_codes"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_telegram_link_codes_customer_id_customers"
        ),
        sa.UniqueConstraint("code_hash", name="uq_telegram_link_codes_code_hash"),
    )
    op.create_index("ix_telegram_link_codes_customer_id", "telegram_link_codes", ["customer_id"])
    op.create_table(
        "whatsapp_windows",
        sa.Column("number", sa.String(32), nullable=False),
        sa.Column("last_inbound_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("number", name="pk_whatsapp_windows"),
    )


def downgrade() -> None:
    op.drop_table("whatsapp_windows")
    op.drop_index("ix_telegram_link_codes_customer_id", table_name="telegram_link_codes")
    op.drop_table("telegram_link_codes")
    op.drop_table("telegram_links")
    op.drop_table("alert_opt_outs")
    op.drop_index("ix_sent_alerts_conversation_id_status", table_name="sent_alerts")
    op.drop_index("ix_sent_alerts_customer_id", table_name="sent_alerts")
    op.drop_table("sent_alerts")
    # SQLite cannot drop a column in place; batch mode copies the table.
    with op.batch_alter_table("transactions") as batch:
        batch.drop_column("online")
    with op.batch_alter_table("alert_settings") as batch:
        batch.drop_column("channel")
