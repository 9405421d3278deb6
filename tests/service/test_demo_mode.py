"""Demo mode on and off; the demo data; the real process."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from account_service.app import create_app
from tests.service.api import Api, utc_today
from tests.service.conftest import PRODUCTION_ENV, STRONG_TOKENS, settings_for

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def production_api(tmp_path: Path) -> AsyncIterator[Api]:
    settings = settings_for(tmp_path / "production.db", **PRODUCTION_ENV)
    async with TestClient(TestServer(create_app(settings), access_log=None)) as client:
        yield Api(client, tokens=STRONG_TOKENS)


async def test_outside_demo_mode_the_demo_routes_do_not_exist(production_api: Api) -> None:
    for method, path, body in (
        ("GET", "/demo/outbox?user_id=alex.morgan", None),
        ("POST", "/demo/clock", {"advance_seconds": 60}),
        ("DELETE", "/demo/clock", None),
    ):
        status, answer = await production_api.call(method, path, json=body, auth=False)
        assert (status, answer["error"]) == (404, "not_found")


async def test_outside_demo_mode_nothing_is_seeded_and_the_demo_token_is_refused(production_api: Api) -> None:
    status, body = await production_api.start(user_id="alex.morgan")
    assert (status, body["masked_destination"]) == (201, None)  # the answer for no match too
    production_api.token = "demo-account-service-token"
    assert (await production_api.start(user_id="alex.morgan"))[0] == 401


async def test_the_demo_clock_moves_and_resets(api: Api) -> None:
    status, moved = await api.call("POST", "/demo/clock", json={"advance_seconds": 86_400}, auth=False)
    assert status == 200
    status, reset = await api.call("DELETE", "/demo/clock", auth=False)
    assert status == 200
    assert moved["now"][:10] == (utc_today() + timedelta(days=1)).isoformat()
    assert reset["now"][:10] == utc_today().isoformat()
    for bad in ({"advance_seconds": -5}, {"advance_seconds": "60"}, {}):
        assert (await api.call("POST", "/demo/clock", json=bad, auth=False))[0] == 400


async def test_the_outbox_is_oldest_first_and_per_customer(api: Api) -> None:
    await api.start("c1", user_id="alex.morgan")
    await api.start("c2", user_id="priya.sharma", channel="email")
    await api.start("c3", user_id="alex.morgan", channel="email")
    alex = await api.outbox("alex.morgan")
    assert [(m["channel"], m["to"]) for m in alex] == [
        ("sms", "+1 555 010 2002"),
        ("email", "alex.morgan@example.com"),
    ]
    assert all(m["sent_at"].endswith("Z") for m in alex)
    assert [m["to"] for m in await api.outbox("priya.sharma")] == ["priya.sharma@example.com"]
    assert await api.outbox("nobody") == []


async def test_seeding_happens_only_into_an_empty_database(api: Api, db: sqlite3.Connection) -> None:
    await api.verify()
    await api.me_post("/cards/2002/freeze")
    # api was started on the already seeded copy: no second set of customers, the change is kept.
    assert db.execute("SELECT COUNT(*) FROM customers").fetchone() == (7,)
    assert db.execute("SELECT status FROM cards WHERE last_four = '2002'").fetchone() == ("frozen",)


async def test_a_fresh_database_is_migrated_and_seeded_at_start_up(tmp_path: Path) -> None:
    settings = settings_for(tmp_path / "new" / "account.db")
    async with TestClient(TestServer(create_app(settings), access_log=None)) as client:
        api = Api(client)
        await api.verify()
        assert len((await api.me_get("/accounts"))[1]["accounts"]) == 2
    async with TestClient(TestServer(create_app(settings), access_log=None)):
        pass
    with sqlite3.connect(tmp_path / "new" / "account.db") as connection:
        assert connection.execute("SELECT COUNT(*) FROM customers").fetchone() == (7,)
