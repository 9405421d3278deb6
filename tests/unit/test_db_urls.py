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
