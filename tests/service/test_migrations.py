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
