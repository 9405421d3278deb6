"""Database and Redis URLs as operators paste them, checked, and given the driver each process runs on.

`sqlite:///var/x.db`, `postgresql://user@host/db`, `postgres://…` (Heroku-style) and any
driver's form (`postgresql+psycopg2://…`) all work: the account service runs on asyncpg or
aiosqlite, Rasa's tracker store on psycopg2 or sqlite3. Only the scheme is replaced: the rest of
the operator's text is passed on as written, so a percent-encoded password arrives unchanged.
A URL that cannot be read is refused at start-up with the variable's name and never its text
(it may hold a password).
"""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit

from sqlalchemy.engine import make_url

ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
SYNC_DRIVERS = {"sqlite": "pysqlite", "postgresql": "psycopg2"}
BACKEND_ALIASES = {"postgres": "postgresql"}
REDIS_SCHEMES = ("redis", "rediss", "unix")
UNREADABLE = "{variable} could not be read (percent-encode @ / : # ? in the user name and password)"


class DatabaseUrlError(ValueError):
    pass


def async_database_url(url: str, variable: str = "ACCOUNT_DB_URL") -> str:
    converted = _with_driver(url, variable, ASYNC_DRIVERS)
    # Managed PostgreSQL URLs end in ?sslmode=…, which asyncpg calls `ssl`.
    base, _, query = converted.partition("?")
    if query and base.startswith("postgresql+"):
        pairs = [("ssl" if name == "sslmode" else name, value) for name, value in parse_qsl(query)]
        converted = f"{base}?{urlencode(pairs)}"
    return converted


def sync_database_url(url: str, variable: str = "TRACKER_DB_URL") -> str:
    return _with_driver(url, variable, SYNC_DRIVERS)


def _with_driver(url: str, variable: str, drivers: dict[str, str]) -> str:
    text = url.strip()
    scheme, separator, rest = text.partition("://")
    if not separator:
        raise DatabaseUrlError(
            f"{variable} is not a database URL (expected e.g. postgresql://user@host/db or sqlite:///path.db)"
        )
    backend = scheme.split("+", 1)[0].lower()
    backend = BACKEND_ALIASES.get(backend, backend)
    if backend not in drivers:
        raise DatabaseUrlError(f"{variable}: {backend} is not supported (PostgreSQL or SQLite)")
    try:
        parsed = make_url(text)
    except Exception:  # noqa: BLE001 - any parse error: the message would quote the URL
        raise DatabaseUrlError(UNREADABLE.format(variable=variable)) from None
    if parsed.host and "@" in parsed.host:  # an unencoded @ in the password
        raise DatabaseUrlError(UNREADABLE.format(variable=variable))
    return f"{backend}+{drivers[backend]}://{rest}"


def checked_redis_url(url: str, variable: str = "REDIS_URL") -> str:
    """The Redis URL when it can be read (redis://[:password@]host:port/db), else DatabaseUrlError."""
    text = url.strip()
    try:
        parts = urlsplit(text)
        parts.port  # noqa: B018 - raises ValueError on an unencoded character in the password
    except ValueError:
        raise DatabaseUrlError(UNREADABLE.format(variable=variable)) from None
    if parts.scheme not in REDIS_SCHEMES or (parts.scheme != "unix" and not parts.hostname):
        raise DatabaseUrlError(f"{variable} is not a Redis URL (expected redis://[:password@]host:port/db)")
    if parts.hostname and "@" in (parts.netloc.rpartition("@")[2]):
        raise DatabaseUrlError(UNREADABLE.format(variable=variable))
    return text
