"""Database URLs as operators paste them, made into the async driver's URL the service runs on.

`sqlite:///var/x.db`, `postgresql://user@host/db`, `postgres://…` (Heroku-style) and the sync
drivers' forms (`postgresql+psycopg2://…`) all work; the service itself needs asyncpg or
aiosqlite. Anything else is refused at start-up with the variable's name, not a traceback.
"""

from __future__ import annotations

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
BACKEND_ALIASES = {"postgres": "postgresql"}


class DatabaseUrlError(ValueError):
    pass


def async_database_url(url: str, variable: str = "ACCOUNT_DB_URL") -> str:
    try:
        parsed = make_url(url.strip())
    except ArgumentError:
        raise DatabaseUrlError(
            f"{variable} is not a database URL (expected e.g. postgresql://user@host/db or sqlite:///path.db)"
        ) from None
    backend = BACKEND_ALIASES.get(parsed.get_backend_name(), parsed.get_backend_name())
    if backend not in ASYNC_DRIVERS:
        raise DatabaseUrlError(f"{variable}: {backend} is not supported (PostgreSQL or SQLite)")
    return parsed.set(drivername=f"{backend}+{ASYNC_DRIVERS[backend]}").render_as_string(hide_password=False)
