"""Alembic environment, async-aware.

The service passes its own open connection in `config.attributes["connection"]` (see
account_service/database.py) and migrations run on it through `connection.run_sync`. From the
command line there is no connection: one is opened on ACCOUNT_DB_URL with the async engine.
"""

from __future__ import annotations

import asyncio
from logging.config import fileConfig

from alembic import context
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine

from account_service.models import Base
from account_service.settings import Settings

config = context.config
target_metadata = Base.metadata


def run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things in place; batch mode copies the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_on_new_engine(url: str) -> None:
    engine = create_async_engine(url)
    try:
        async with engine.begin() as connection:
            await connection.run_sync(run_migrations)
    finally:
        await engine.dispose()


def run_offline(url: str) -> None:
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


given_connection = config.attributes.get("connection")
if given_connection is not None:
    run_migrations(given_connection)
else:
    if config.config_file_name is not None:
        fileConfig(config.config_file_name)
    database_url = config.get_main_option("sqlalchemy.url") or Settings.from_env().db_url
    if context.is_offline_mode():
        run_offline(database_url)
    else:
        asyncio.run(run_on_new_engine(database_url))
