"""The same service on PostgreSQL: on ACCOUNT_TEST_POSTGRES_URL when it names an empty, disposable
database (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/account_test; the tests drop every
table in it), else on a server of our own (tests/service/postgres_instance.py); skipped when
PostgreSQL is not installed."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection

from account_service.app import create_app
from account_service.database import Database
from account_service.models import Base
from account_service.settings import Settings
from tests.service.api import Api, other_code, utc_today
from tests.service.concurrency import (
    assert_a_challenge_is_consumed_once,
    assert_a_code_passes_once_under_concurrency,
    assert_concurrent_wrong_codes_lock_the_conversation,
)

pytestmark = pytest.mark.asyncio


async def _empty_database(url: str) -> None:
    database = Database(url)
    try:
        async with database.engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    finally:
        await database.close()


@pytest_asyncio.fixture
async def pg_api(postgres_url: str) -> AsyncIterator[Api]:
    await _empty_database(postgres_url)
    settings = Settings.from_env(
        {"ACCOUNT_DB_URL": postgres_url, "DEMO_MODE": "1", "IDENTITY_MIN_ANSWER_MS": "0"}
    )
    async with TestClient(TestServer(create_app(settings), access_log=None)) as client:
        yield Api(client)


async def test_the_migrated_postgres_schema_equals_the_models(pg_api: Api, postgres_url: str) -> None:
    database = Database(postgres_url)
    try:
        await database.upgrade_schema()

        def differences(connection: Connection) -> list[object]:
            return compare_metadata(MigrationContext.configure(connection), Base.metadata)

        async with database.engine.connect() as connection:
            assert await connection.run_sync(differences) == []
    finally:
        await database.close()


async def test_identity_payments_and_fraud_report_on_postgres(pg_api: Api) -> None:
    api = pg_api
    _, sent = await api.start("pg-1")
    code = await api.latest_code()
    assert (await api.check(sent["challenge_id"], other_code(code), "pg-1"))[1]["attempts_left"] == 2
    assert (await api.check(sent["challenge_id"], code, "pg-1"))[0] == 200

    body = {
        "card_last_four": "2002",
        "amount": "9.99",
        "pay_on": utc_today().isoformat(),
        "idempotency_key": "pg",
    }
    answers = await asyncio.gather(*(api.me_post("/payments", "pg-1", **body) for _ in range(3)))
    assert sorted(status for status, _ in answers) == [200, 200, 201]
    assert len({answer["reference"] for _, answer in answers}) == 1

    recent = (await api.me_get("/transactions", "pg-1", card="2010"))[1]["transactions"]
    marked = [transaction["id"] for transaction in recent[:2]]
    status, report = await api.me_post(
        "/fraud-reports", "pg-1", card_last_four="2010", transaction_ids=marked
    )
    assert (status, report["card_frozen"]) == (201, True)
    assert (await api.card("2010", "pg-1"))["status"] == "frozen"


async def test_one_code_checked_many_times_at_once_on_postgres_passes_once(pg_api: Api) -> None:
    await assert_a_code_passes_once_under_concurrency(pg_api)


async def test_wrong_codes_at_once_on_postgres_are_all_counted(pg_api: Api) -> None:
    await assert_concurrent_wrong_codes_lock_the_conversation(pg_api)


async def test_of_two_transactions_consuming_one_challenge_on_postgres_exactly_one_does(
    pg_api: Api, postgres_url: str
) -> None:
    _, sent = await pg_api.start("pg-race")
    database = Database(postgres_url)
    try:
        await assert_a_challenge_is_consumed_once(database, sent["challenge_id"])
    finally:
        await database.close()


async def test_an_alert_and_its_answer_on_postgres(pg_api: Api) -> None:
    body = {"user_id": "alex.morgan", "card_last_four": "2002", "merchant": "SKYLINE", "amount": "900"}
    status, posted = await pg_api.call("POST", "/demo/transactions", json=body, auth=False)
    assert status == 201 and posted["alerts"][0]["channel"] == "sms"
    reply = {"conversation_id": "twilio:+15550102002", "text": "STOP"}
    status, stopped = await pg_api.call("POST", "/alerts/replies", json=reply, caller="channels")
    assert status == 200 and "won't get" in stopped["text"]  # the phone found without its spaces
    reply["text"] = "not me"
    status, answer = await pg_api.call("POST", "/alerts/replies", json=reply, caller="channels")
    assert status == 200 and "frozen your card ending 2002" in answer["text"]
    status, again = await pg_api.call(
        "POST", "/demo/alerts/payment-due", json={"user_id": "alex.morgan"}, auth=False
    )
    assert status == 200 and {alert["channel"] for alert in again["alerts"]} == {"email"}
