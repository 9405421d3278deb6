"""The database engine, its sessions and the schema upgrade run at start-up."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.orm import sessionmaker

ALEMBIC_INI = Path(__file__).resolve().parent / "alembic.ini"
# PostgreSQL advisory lock key (any constant of our own) that start-up work runs under, so that
# instances starting together migrate and seed one after the other, never at the same time.
START_UP_LOCK = 0x6163_636F_756E_7401


def alembic_config(url: str) -> Config:
    config = Config(str(ALEMBIC_INI))
    # ConfigParser treats % as interpolation; a password may contain one.
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def _configure_sqlite_connection(dbapi_connection: Any, _record: Any) -> None:
    # SQLite ignores REFERENCES unless asked per connection.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()
    # The driver's own implicit BEGIN is turned off; _begin_immediate issues the BEGIN instead.
    dbapi_connection.isolation_level = None


def _foreign_keys(connection: Connection, enforced: bool) -> None:
    """PRAGMA foreign_keys on the driver connection directly: outside any transaction."""
    cursor = connection.connection.dbapi_connection.cursor()
    cursor.execute(f"PRAGMA foreign_keys={'ON' if enforced else 'OFF'}")
    cursor.close()


def _begin_immediate(connection: Connection) -> None:
    """Every SQLite transaction takes the write lock at its start. A request reads, then writes
    (check the balance, then pay); two such deferred transactions would deadlock on the lock
    upgrade and fail with "database is locked". Immediate ones simply queue (busy timeout)."""
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def start_up_lock(connection: Connection) -> None:
    """Inside a transaction on PostgreSQL: wait until no other instance is migrating or seeding
    (released at commit). The second instance then finds the schema at head, the data there."""
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(f"SELECT pg_advisory_xact_lock({START_UP_LOCK})")


class Database:
    """Creating it opens nothing; the first session connects."""

    def __init__(self, url: str) -> None:
        self.url = url
        parsed = make_url(url)
        options: dict[str, Any] = {}
        if parsed.get_backend_name() == "sqlite":
            if parsed.database and parsed.database != ":memory:":
                Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
            # Writers queue for the file lock instead of failing at once.
            options["connect_args"] = {"timeout": 15}
        else:
            options["pool_pre_ping"] = True
        self.engine = create_async_engine(url, **options)
        if parsed.get_backend_name() == "sqlite":
            event.listen(self.engine.sync_engine, "connect", _configure_sqlite_connection)
            event.listen(self.engine.sync_engine, "begin", _begin_immediate)
        self.sessions = sessionmaker(self.engine, class_=AsyncSession, expire_on_commit=False)

    async def upgrade_schema(self) -> None:
        """alembic upgrade head on this engine; a no-op when already at head."""
        await self.migrate("head")

    async def migrate(self, target: str, *, down: bool = False) -> None:
        """alembic upgrade (or downgrade) to the target, on this engine.

        On SQLite, batch migrations copy a table and drop the original; with foreign keys
        enforced that fails for a table other rows refer to. So, as SQLite's own procedure for
        schema changes says, enforcement is off for the migration (it can only be switched
        outside a transaction), the result is checked with foreign_key_check, and it is back on
        before the connection returns to the pool."""

        def run(connection: Connection) -> None:
            config = alembic_config(self.url)
            config.attributes["connection"] = connection
            (command.downgrade if down else command.upgrade)(config, target)
            if connection.dialect.name == "sqlite":
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left {len(broken)} rows with broken references")

        async with self.engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                await connection.run_sync(_foreign_keys, False)
            try:
                async with connection.begin():
                    # SQLite's BEGIN IMMEDIATE already makes a second instance wait.
                    await connection.run_sync(start_up_lock)
                    await connection.run_sync(run)
            finally:
                if sqlite:
                    await connection.run_sync(_foreign_keys, True)

    async def close(self) -> None:
        await self.engine.dispose()
