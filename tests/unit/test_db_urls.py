"""The database URL forms operators paste work; a wrong one is refused by name, not a traceback."""

import pytest

from account_service.settings import Settings, SettingsError
from common.db_urls import DatabaseUrlError, async_database_url


@pytest.mark.parametrize(
    ("pasted", "used"),
    [
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("sqlite:////var/lib/account.db", "sqlite+aiosqlite:////var/lib/account.db"),
        ("sqlite+aiosqlite:///x.db", "sqlite+aiosqlite:///x.db"),
        ("postgresql://app:p%40ss@db:5432/account", "postgresql+asyncpg://app:p%40ss@db:5432/account"),
        ("postgres://app@db/account", "postgresql+asyncpg://app@db/account"),
        ("postgresql+psycopg2://app@db/account", "postgresql+asyncpg://app@db/account"),
        (" postgresql+asyncpg://app@db/account ", "postgresql+asyncpg://app@db/account"),
    ],
)
def test_pasted_urls_become_the_async_drivers(pasted, used):
    assert async_database_url(pasted) == used


@pytest.mark.parametrize("wrong", ["mysql://app@db/account", "not a url", "db.sqlite"])
def test_other_urls_are_refused_by_name(wrong):
    with pytest.raises(DatabaseUrlError, match="ACCOUNT_DB_URL"):
        async_database_url(wrong)


def test_the_service_refuses_to_start_on_a_wrong_url_and_names_the_variable():
    with pytest.raises(SettingsError, match="ACCOUNT_DB_URL"):
        Settings.from_env({"DEMO_MODE": "1", "ACCOUNT_DB_URL": "mysql://app@db/account"})
    assert Settings.from_env({"DEMO_MODE": "1", "ACCOUNT_DB_URL": "sqlite:///x.db"}).db_url == (
        "sqlite+aiosqlite:///x.db"
    )


def test_a_percent_encoded_password_arrives_unchanged():
    from sqlalchemy.engine import make_url

    for written, meant in [("a%2541b", "a%41b"), ("a%2Fb", "a/b"), ("p%40ss", "p@ss")]:
        url = async_database_url(f"postgresql://app:{written}@db/account")
        assert make_url(url).password == meant


def test_sslmode_becomes_asyncpgs_ssl_and_stays_for_psycopg2():
    from common.db_urls import sync_database_url

    assert async_database_url("postgresql://app@db/account?sslmode=require") == (
        "postgresql+asyncpg://app@db/account?ssl=require"
    )
    assert sync_database_url("postgresql://app@db/t?sslmode=require").endswith("?sslmode=require")


@pytest.mark.parametrize(
    "unreadable", ["postgresql://user:p@ss:word@host/db", "postgresql://user:p@ss@host/db"]
)
def test_an_unencoded_password_is_refused_without_quoting_it(unreadable):
    with pytest.raises(DatabaseUrlError) as refused:
        async_database_url(unreadable)
    message = str(refused.value)
    assert "percent-encode" in message and "ACCOUNT_DB_URL" in message
    assert not any(part in message for part in ("p@ss", "ss:word", "ss@host", "user:"))


def test_redis_urls_are_checked_without_quoting_them():
    from common.db_urls import checked_redis_url

    assert checked_redis_url("redis://:s3cret@cache:6379/0") == "redis://:s3cret@cache:6379/0"
    for wrong in ["redis://:pa/ss@host/0", "redis://:se#cret@host/0", "http://cache:6379", "cache:6379"]:
        with pytest.raises(DatabaseUrlError, match="REDIS_URL") as refused:
            checked_redis_url(wrong)
        assert "se#cret" not in str(refused.value) and "pa/ss" not in str(refused.value)


def test_printed_settings_show_no_password_or_secret():
    shown = repr(
        Settings.from_env({"DEMO_MODE": "1", "ACCOUNT_DB_URL": "postgresql://app:s3cret-pw@db/account"})
    )
    assert "s3cret-pw" not in shown and "db_url" not in shown and "port=" in shown
