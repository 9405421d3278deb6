"""Fixtures: the real app on a test server over a SQLite file in tmp_path, and the real process.

Every test gets its own database: the demo data is seeded once per run into a template file,
which each test copies (seeding is the slow part of start-up)."""

from __future__ import annotations

import asyncio
import os
import shutil
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from account_service.app import create_app
from account_service.clock import Clock
from account_service.database import Database
from account_service.seed import seed_if_empty
from account_service.settings import Settings
from tests.in_app_env import in_app_env
from tests.service.api import Api
from tests.service.postgres_instance import PostgresUnavailable, start_postgres
from tests.service.process import free_port, start_account_service, stop_account_service

STRONG_TOKEN = "t" * 40
STRONG_SECRET = "s" * 40
# Private values for every caller, as a deployment outside demo mode has them.
STRONG_TOKENS = {"actions": STRONG_TOKEN, "channels": "c" * 40, "agents": "a" * 40, "operators": "o" * 40}
PRODUCTION_ENV = {
    "DEMO_MODE": "0",
    "ACCOUNT_SERVICE_TOKEN": STRONG_TOKENS["actions"],
    "CHANNELS_SERVICE_TOKEN": STRONG_TOKENS["channels"],
    "AGENT_SERVICE_TOKEN": STRONG_TOKENS["agents"],
    "OPERATOR_SERVICE_TOKEN": STRONG_TOKENS["operators"],
    "ACCOUNT_SERVICE_SECRET": STRONG_SECRET,
}


def settings_for(db_path: Path, **overrides: str) -> Settings:
    """Demo mode (demo tokens, the demo routes) unless the test says otherwise; code requests
    not padded to a minimum time (tests/security/test_identity_oracle.py checks the padding)."""
    return Settings.from_env(
        {
            "ACCOUNT_DB_URL": f"sqlite+aiosqlite:///{db_path}",
            "DEMO_MODE": "1",
            "IDENTITY_MIN_ANSWER_MS": "0",
            **overrides,
        }
    )


async def _build_template(path: Path) -> None:
    database = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await database.upgrade_schema()
        clock = Clock()
        async with database.sessions() as session, session.begin():
            await seed_if_empty(session, clock.today(), clock.now())
    finally:
        await database.close()


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "account.db"
    asyncio.run(_build_template(path))
    return path


@pytest.fixture
def db_path(tmp_path: Path, seeded_template: Path) -> Path:
    path = tmp_path / "account.db"
    shutil.copyfile(seeded_template, path)
    return path


@pytest.fixture
def settings(db_path: Path) -> Settings:
    # Agents around the clock, so a handoff queues whatever the time (hours: test_live_handoff.py);
    # app logins checked as the test assistant's in-app channel signs them (tests/in_app_env.py).
    return settings_for(db_path, AGENT_HOURS="always", **in_app_env())


@pytest_asyncio.fixture
async def api(settings: Settings) -> AsyncIterator[Api]:
    # access_log=None as in __main__: aiohttp's own access log would print query strings.
    async with TestClient(TestServer(create_app(settings), access_log=None)) as client:
        yield Api(client)


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite3.Connection]:
    """Direct read access to the service's database, to check what was stored."""
    connection = sqlite3.connect(db_path)
    try:
        yield connection
    finally:
        connection.close()


@pytest.fixture
def running_account_service(tmp_path: Path) -> Iterator[str]:
    """The real `python -m account_service` on a free port (demo mode); yields its base URL."""
    process, base_url = start_account_service(tmp_path, free_port())
    try:
        yield base_url
    finally:
        stop_account_service(process)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """ACCOUNT_TEST_POSTGRES_URL when set (an empty, disposable database: tests drop every table
    in it), else a PostgreSQL server of our own on a free port; skipped when neither is possible."""
    given = os.environ.get("ACCOUNT_TEST_POSTGRES_URL", "")
    if given:
        yield given
        return
    try:
        url, stop = start_postgres()
    except PostgresUnavailable as why:
        pytest.skip(f"no PostgreSQL: {why}")
    try:
        yield url
    finally:
        stop()
