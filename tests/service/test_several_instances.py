"""Two account-service instances on one database, as behind the cluster's balancer: they start
together (the schema is migrated and the demo data seeded once) and share demo mode's clock and
agent-hours switch. On PostgreSQL (a server of our own, tests/service/postgres_instance.py) and
on SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import text

from account_service.app import create_app
from account_service.database import Database
from account_service.settings import Settings
from tests.service.api import Api
from tests.service.test_postgres import _empty_database

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture(params=["postgresql", "sqlite"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'shared.db'}"
        return
    url = request.getfixturevalue("postgres_url")
    await _empty_database(url)
    yield url


async def _start_together(url: str, count: int) -> tuple[AsyncExitStack, list[Api]]:
    settings = Settings.from_env({"ACCOUNT_DB_URL": url, "DEMO_MODE": "1", "IDENTITY_MIN_ANSWER_MS": "0"})
    stack = AsyncExitStack()
    clients = [TestClient(TestServer(create_app(settings), access_log=None)) for _ in range(count)]
    # Both start-ups (migrate, seed) at the same moment.
    await asyncio.wait_for(asyncio.gather(*(client.start_server() for client in clients)), 60)
    for client in clients:
        stack.push_async_callback(client.close)
    return stack, [Api(client) for client in clients]


async def _count(url: str, table: str) -> int:
    database = Database(url)
    try:
        async with database.engine.connect() as connection:
            return int((await connection.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
    finally:
        await database.close()


async def test_instances_starting_together_migrate_and_seed_once(database_url: str) -> None:
    stack, apis = await _start_together(database_url, 3)
    async with stack:
        for api in apis:
            status, _ = await api.call("GET", "/health", auth=False)
            assert status == 200
    assert await _count(database_url, "alembic_version") == 1
    customers = await _count(database_url, "customers")
    # Seeding a second time would double the demo customers (or fail on a unique User ID).
    stack, apis = await _start_together(database_url, 1)
    async with stack:
        pass
    assert await _count(database_url, "customers") == customers >= 2


async def test_the_demo_clock_and_agent_hours_are_shared(database_url: str) -> None:
    stack, (first, second) = await _start_together(database_url, 2)
    async with stack:
        _, before = await second.call("POST", "/demo/clock", json={"advance_seconds": 0}, auth=False)
        await first.advance(3600)
        _, after = await second.call("POST", "/demo/clock", json={"advance_seconds": 0}, auth=False)
        assert before["now"][:13] != after["now"][:13]  # an hour later on the other instance

        # Both move it at once: both moves count.
        await asyncio.gather(first.advance(600), second.advance(600))
        _, both = await first.call("POST", "/demo/clock", json={"advance_seconds": 0}, auth=False)
        _, reset = await second.call("DELETE", "/demo/clock", auth=False)
        moved = datetime.fromisoformat(both["now"][:-1]) - datetime.fromisoformat(reset["now"][:-1])
        assert 4700 < moved.total_seconds() < 4900

        status, _ = await first.call("POST", "/demo/agent-hours", json={"mode": "never"}, auth=False)
        assert status == 200
        # Opened on the other instance: no agents there either.
        status, handoff = await second.call(
            "POST",
            "/handoffs",
            json={"conversation_id": "shared-hours", "topic": "pay_bill", "transcript": []},
        )
        assert status == 201 and handoff["status"] == "leave_message", handoff
