"""The hand-written migration builds exactly the schema the models describe, once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Connection

from account_service.database import Database, alembic_config
from account_service.models import Base

pytestmark = pytest.mark.asyncio


async def test_upgrade_head_gives_the_models_schema_and_is_idempotent(tmp_path: Path) -> None:
    path = tmp_path / "fresh.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.upgrade_schema()
        await database.upgrade_schema()  # at head already: nothing to do, nothing fails

        def differences(connection: Connection) -> list[object]:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            return compare_metadata(context, Base.metadata)

        async with database.engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await database.close()

    with sqlite3.connect(path) as connection:
        head = ScriptDirectory.from_config(alembic_config(database.url)).get_current_head()
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [(head,)]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert set(Base.metadata.tables) <= tables


async def test_migration_0004_keeps_sessions_and_challenges_and_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite+aiosqlite:///{path}"
    database = Database(url)

    migrate = database.migrate
    try:
        await migrate("0003")
        with sqlite3.connect(path) as connection:
            connection.execute(
                "INSERT INTO customers (id, user_id, first_name, last_name, date_of_birth, region, phone, "
                "email, mailing_address, failed_code_attempts) VALUES (1, 'c', 'C', 'D', '1990-01-01', 'US', "
                "'+1', 'c@example.com', 'x', 2)"
            )
            connection.execute(
                "INSERT INTO verified_sessions (conversation_id, customer_id, verified_at, last_seen_at) "
                "VALUES ('old', 1, '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
            connection.execute(
                "INSERT INTO challenges (id, customer_id, conversation_id, purpose, channel, code_hash, "
                "created_at, expires_at, ended) VALUES ('ch', 1, 'old', 'verify', 'sms', 'h', "
                "'2026-01-01 00:00:00', '2026-01-01 00:05:00', 0)"
            )
            # A table other rows refer to (cases <- handoff_messages) is copied by the migration.
            connection.execute(
                "INSERT INTO cases (id, reference, type, conversation_id, details, status, created_at) "
                "VALUES (1, 'HO-1', 'handoff', 'old', '{}', 'waiting', '2026-01-01 00:00:00')"
            )
            connection.execute(
                "INSERT INTO handoff_messages (case_id, sender, text, at) VALUES (1, 'customer', 'hi', "
                "'2026-01-01 00:00:00')"
            )
        await migrate("0004")
        async with database.engine.connect() as connection:
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1  # on again
        with sqlite3.connect(path) as connection:
            assert connection.execute(
                "SELECT conversation_id, channel FROM verified_sessions"
            ).fetchall() == [("old", "unnamed")]
            assert connection.execute("SELECT id, customer_id FROM challenges").fetchall() == [("ch", 1)]
            columns = {row[1] for row in connection.execute("PRAGMA table_info(customers)")}
            assert "failed_code_attempts" not in columns
            long_id = "socketio:" + "x" * 190
            connection.execute(
                "INSERT INTO challenges (id, customer_id, conversation_id, purpose, channel, code_hash, "
                "created_at, expires_at, ended) VALUES ('decoy', NULL, ?, 'verify', 'sms', NULL, "
                "'2026-01-01 00:00:00', '2026-01-01 00:05:00', 0)",
                (long_id,),
            )
        await migrate("0003", down=True)
        with sqlite3.connect(path) as connection:
            assert connection.execute("SELECT id FROM challenges").fetchall() == [("ch",)]
            assert connection.execute("SELECT failed_code_attempts FROM customers").fetchall() == [(0,)]
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            assert not tables & {"identity_guards", "identity_attempts", "code_failures"}
            assert connection.execute("SELECT case_id FROM handoff_messages").fetchall() == [(1,)]
            assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        await database.close()


async def test_migration_0006_keeps_settings_and_transactions_and_goes_back(tmp_path: Path) -> None:
    path = tmp_path / "before_alerts.db"
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.migrate("0005")
        with sqlite3.connect(path) as connection:
            connection.execute(
                "INSERT INTO customers (id, user_id, first_name, last_name, date_of_birth, region, phone, "
                "email, mailing_address) "
                "VALUES (1, 'c', 'C', 'D', '1990-01-01', 'US', '+1', 'c@example.com', 'x')"
            )
            connection.execute(
                "INSERT INTO alert_settings (customer_id, online_transactions, payment_due) VALUES (1, 1, 1)"
            )
        await database.migrate("0006")
        with sqlite3.connect(path) as connection:
            # Settings made before there was a choice keep sending by text message.
            assert connection.execute("SELECT channel FROM alert_settings").fetchall() == [("sms",)]
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            assert {"sent_alerts", "alert_opt_outs", "telegram_links", "whatsapp_windows"} <= tables
        await database.migrate("0005", down=True)
        with sqlite3.connect(path) as connection:
            columns = {row[1] for row in connection.execute("PRAGMA table_info(alert_settings)")}
            assert "channel" not in columns
            assert connection.execute("SELECT customer_id FROM alert_settings").fetchall() == [(1,)]
            tables = {
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            }
            assert not tables & {"sent_alerts", "alert_opt_outs", "telegram_links", "telegram_link_codes"}
    finally:
        await database.close()
