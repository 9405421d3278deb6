"""Database URLs as operators paste them, made into the driver's URL each process runs on.

`sqlite:///var/x.db`, `postgresql://user@host/db`, `postgres://…` (Heroku-style) and any
driver's form (`postgresql+psycopg2://…`) all work: the account service runs on asyncpg or
aiosqlite, Rasa's tracker store on psycopg2 or sqlite3. Anything else is refused at start-up with
the variable's name, not a traceback.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
SYNC_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg2"}
BACKEND_ALIASES = {"postgres": "postgresql"}


class DatabaseUrlError(ValueError):
    pass


def async_database_url(url: str, variable: str = "ACCOUNT_DB_URL") -> str:
    return _with_driver(url, variable, ASYNC_DRIVERS)


def sync_database_url(url: str, variable: str = "TRACKER_DB_URL") -> str:
    return _with_driver(url, variable, SYNC_DRIVERS)


def _with_driver(url: str, variable: str, drivers: dict[str, str]) -> str:
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise DatabaseUrlError(
            f"{variable} is not a database URL (expected e.g. postgresql://user@host/db or sqlite:///path.db)"
        ) from None
    backend = BACKEND_ALIASES.get(parsed.get_backend_name(), parsed.get_backend_name())
    if backend not in drivers:
        raise DatabaseUrlError(f"{variable}: {backend} is not supported (PostgreSQL or SQLite)")
    return parsed.set(drivername=f"{backend}+{drivers[backend]}").render_as_string(hide_password=False)
