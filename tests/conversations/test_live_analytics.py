"""The analytics pipeline end to end, through the real assistant: four conversations on the REST
channel (an FAQ, a message it does not understand, an identity check, a request for a person),
then the real consumer (`python -m analytics`) reads them from the tracker store's table, and the
console's /agent/insights.json shows exactly those four, for an agent and for an operator.

The tracker table is shared with the other tests of the session, so the consumer starts from the
table's last row as it was before these conversations (its cursor, set here): what it reads is
these four and nothing else."""

from __future__ import annotations

import sqlite3
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from analytics.sources.tracker_table import SOURCE
from analytics.tables import create_tables, cursors, engine_for
from tests.analytics.consumer_env import consumer_environment
from tests.conftest import free_port, start, stop, wait_until_healthy
from tests.conversations.test_rest_conversations import texts
from tests.e2e.conftest import make_room_for_a_code
from web.server import create_app
from web.settings import Settings

SALT = "live-analytics-salt-" + "s" * 20
CUSTOMER = "sam.lee"


def last_row(tracker_db: Path) -> int:
    with sqlite3.connect(tracker_db) as connection:
        return int(connection.execute("SELECT COALESCE(MAX(id), 0) FROM events").fetchone()[0])


def converse(assistant) -> dict[str, str]:
    """The four conversations; their senders by what each was."""
    senders = {
        what: f"analytics-{what}-{uuid.uuid4().hex[:8]}" for what in ("faq", "unclear", "id", "person")
    }
    assert "at least 12 characters" in texts(
        assistant.send(senders["faq"], "what are the password requirements")
    )
    assert "didn't catch that" in texts(
        assistant.send(senders["unclear"], "what's the weather in Paris tomorrow")
    )
    make_room_for_a_code(assistant, CUSTOMER)
    assert "User ID" in texts(assistant.send(senders["id"], "what's my current balance"))
    assert "one-time code" in texts(assistant.send(senders["id"], CUSTOMER))
    assert "you're verified" in texts(assistant.send(senders["id"], assistant.latest_code(CUSTOMER)))
    assert "HO-" in texts(assistant.send(senders["person"], "I want to talk to a person"))
    return senders


def consume(assistant, workdir: Path, analytics_url: str, after: int) -> None:
    """Runs the consumer until it has read the tracker table to its end, then stops it."""
    engine = engine_for(analytics_url)
    create_tables(engine)
    with engine.begin() as connection:
        connection.execute(cursors.insert().values(source=SOURCE, position=after))
    port = free_port()
    env = consumer_environment(analytics_url, assistant.tracker_db, port, ANALYTICS_SALT=SALT)
    log = workdir / "analytics.log"
    process = start([sys.executable, "-m", "analytics"], env, log)
    try:
        wait_until_healthy(f"http://127.0.0.1:{port}/health", process, 60, log)
        end = last_row(assistant.tracker_db)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                position = connection.execute(cursors.select().where(cursors.c.source == SOURCE)).one()
            if position.position >= end:
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the consumer did not reach row {end}:\n{log.read_text()[-2000:]}")
    finally:
        stop(process)


async def insights_as(client: TestClient, name: str, password: str, day: str) -> dict:
    origin = {"Origin": str(client.make_url("")).rstrip("/")}
    login = await client.post(
        "/agent/login", data={"name": name, "password": password}, headers=origin, allow_redirects=False
    )
    assert login.status == 303
    cookie = login.cookies["agent_session"].value
    client.session.cookie_jar.clear()
    reply = await client.get(
        f"/agent/insights.json?from={day}&to={day}", headers={"Cookie": f"agent_session={cookie}"}
    )
    assert reply.status == 200
    return await reply.json()


@pytest.mark.asyncio
async def test_four_live_conversations_are_exactly_what_the_insights_show(assistant, tmp_path: Path) -> None:
    after = last_row(assistant.tracker_db)
    converse(assistant)
    analytics_url = f"sqlite:///{tmp_path / 'analytics.db'}"
    consume(assistant, tmp_path, analytics_url, after)

    settings = Settings.from_env(
        {"DEMO_MODE": "1", "ANALYTICS_DB_URL": analytics_url, "AGENT_COOKIE_SECURE": "0"}
    )
    client = TestClient(TestServer(create_app(settings)))
    await client.start_server()
    try:
        day = datetime.now(timezone.utc).date().isoformat()
        shown = await insights_as(client, "agent", "demo-agent-password", day)
        assert await insights_as(client, "operator", "demo-operator-password", day) == shown
    finally:
        await client.close()

    totals = shown["totals"]
    # Six customer messages: one in each of three conversations, three in the identity check.
    assert (totals["conversations"], totals["messages"]) == (4, 6)
    assert shown["channels"] == {"rest": 4} and shown["languages"] == {"en": 4}
    assert sum(shown["regions"].values()) == 4
    assert (totals["handed_off"], totals["contained"], totals["fallbacks"]) == (1, 3, 1)
    assert shown["handoffs"]["by_outcome"] == {"opened": 1} and shown["handoffs"]["taken"] == 0
    assert shown["identity"]["verify"] == {
        "sent": 1,
        "verified": 1,
        "failed": 0,
        "expired": 0,
        "locked": 0,
        "too_many": 0,
    }
    assert set(shown["identity"]["confirm"].values()) == {0}
    # The misunderstood message is the one text kept (nothing in it to mask); the user ID and
    # the code typed in the identity check are not kept anywhere.
    assert shown["least_understood"] == [{"text": "what's the weather in Paris tomorrow", "count": 1}]
    assert CUSTOMER not in str(shown)
    assert sorted((entry["topic"], entry["count"]) for entry in shown["top_topics"]) == [
        ("check_balance", 1),
        ("human_handoff", 1),
        ("password_requirements", 1),
    ]
    (task,) = shown["funnel"]
    assert (task["task"], task["started"], task["completed"], task["abandoned"]) == ("check_balance", 1, 1, 0)
    assert [(step["question"], step["reached"]) for step in task["steps"]] == [
        ("user_id", 1),
        ("identity_code", 1),
    ]
