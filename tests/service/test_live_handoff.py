"""The live handoff queue: agents list, take, reply, hand back and close; the customer's
channel stores messages into the live case; agent hours decide between queueing and a message."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from pathlib import Path

import pytest
import pytest_asyncio
from aiohttp.test_utils import TestClient, TestServer

from account_service.agent_hours import AgentHours, AgentHoursError
from account_service.app import create_app
from account_service.clock import Clock
from account_service.settings import SettingsError
from tests.service.api import Api
from tests.service.conftest import settings_for

pytestmark = pytest.mark.asyncio

CARD = "3782 822463 10005"


async def open_handoff(
    api: Api, conversation: str, said: str = "I want a person", expected_status: int = 201
) -> dict:
    status, body = await api.call(
        "POST",
        "/handoffs",
        json={
            "conversation_id": conversation,
            "topic": "dispute_charge",
            "transcript": [{"from": "customer", "text": said}, {"from": "assistant", "text": "One moment"}],
        },
    )
    assert status == expected_status, body
    return body


async def test_the_queue_shows_waiting_customers_with_topic_redacted_transcript_and_wait(api: Api) -> None:
    first = await open_handoff(api, "conv-q1", f"my card {CARD} was charged twice")
    second = await open_handoff(api, "conv-q2")
    assert (first["status"], first["position"], first["agents_available"]) == ("waiting", 1, True)
    assert (second["position"], second["estimated_wait_minutes"]) == (2, 6)

    status, queue = await api.call("GET", "/handoffs", caller="agents")
    assert status == 200
    assert [case["reference"] for case in queue] == [first["reference"], second["reference"]]
    top = queue[0]
    assert top["topic"] == "dispute_charge" and top["status"] == "waiting" and top["waiting_seconds"] >= 0
    said = top["transcript"][0]["text"]
    assert "ending 0005" in said and "822463" not in said


async def test_take_reply_and_hand_back_round_trip(api: Api, db: sqlite3.Connection) -> None:
    opened = await open_handoff(api, "conv-r")
    reference = opened["reference"]

    # The customer writes while waiting: the message joins the case, the queue place is told.
    status, stored = await api.call(
        "POST",
        "/handoffs/active/messages",
        json={"conversation_id": "conv-r", "text": f"card {CARD}"},
        caller="channels",
    )
    assert status == 201 and stored["status"] == "waiting" and stored["position"] == 1

    status, taken = await api.call(
        "POST", f"/handoffs/{reference}/take", json={"agent": "maria"}, caller="agents"
    )
    assert status == 200 and taken["status"] == "with_agent" and taken["agent"] == "maria"
    status, _ = await api.call("POST", f"/handoffs/{reference}/take", json={"agent": "li"}, caller="agents")
    assert status == 409

    status, active = await api.call("GET", "/handoffs/active", params={"conversation_id": "conv-r"})
    assert (status, active["status"], active["agent"], active["position"]) == (
        200,
        "with_agent",
        "maria",
        None,
    )

    # Only the agent who has it replies.
    status, _ = await api.call(
        "POST",
        f"/handoffs/{reference}/messages",
        json={"from": "agent", "agent": "li", "text": "Hi"},
        caller="agents",
    )
    assert status == 409
    status, reply = await api.call(
        "POST",
        f"/handoffs/{reference}/messages",
        json={"from": "agent", "agent": "maria", "text": "Hello, I'm Maria. Which charge?"},
        caller="agents",
    )
    assert status == 201 and reply["conversation_id"] == "conv-r"

    status, log = await api.call(
        "GET", f"/handoffs/{reference}/messages", params={"after": "0"}, caller="agents"
    )
    assert [(m["from"], m["agent"]) for m in log["messages"]] == [("customer", None), ("agent", "maria")]
    assert "822463" not in log["messages"][0]["text"] and "0005" in log["messages"][0]["text"]
    status, later = await api.call(
        "GET",
        f"/handoffs/{reference}/messages",
        params={"after": str(log["messages"][0]["id"])},
        caller="agents",
    )
    assert [m["from"] for m in later["messages"]] == ["agent"]

    status, released = await api.call(
        "POST", f"/handoffs/{reference}/release", json={"agent": "maria"}, caller="agents"
    )
    assert status == 200 and released["status"] == "released"
    status, _ = await api.call("GET", "/handoffs/active", params={"conversation_id": "conv-r"})
    assert status == 404  # back with the assistant
    status, _ = await api.call(
        "POST",
        "/handoffs/active/messages",
        json={"conversation_id": "conv-r", "text": "thanks"},
        caller="channels",
    )
    assert status == 404

    actions = [row[0] for row in db.execute("SELECT action FROM audit_log WHERE action LIKE 'handoff%'")]
    assert actions == ["handoff_taken", "handoff_released"]
    stored_text = " ".join(row[0] for row in db.execute("SELECT text FROM handoff_messages"))
    assert "822463" not in stored_text


async def test_asking_again_gets_the_live_handoff_back_and_close_ends_it(api: Api) -> None:
    first = await open_handoff(api, "conv-c")
    again = await open_handoff(api, "conv-c", "a person please!", expected_status=200)
    assert again["reference"] == first["reference"] and again["position"] == 1
    status, queue = await api.call("GET", "/handoffs", caller="agents")
    assert [case["reference"] for case in queue] == [first["reference"]]
    assert [turn["text"] for turn in queue[0]["transcript"]][0] == "I want a person"
    status, closed = await api.call(
        "POST", f"/handoffs/{first['reference']}/close", json={"agent": "maria"}, caller="agents"
    )
    assert status == 200 and closed["status"] == "closed"
    status, _ = await api.call(
        "POST", f"/handoffs/{first['reference']}/close", json={"agent": "maria"}, caller="agents"
    )
    assert status == 409
    # Closed: the next request opens a new one.
    assert (await open_handoff(api, "conv-c"))["reference"] != first["reference"]
    status, _ = await api.call("GET", "/handoffs/HO-NOSUCH", caller="agents")
    assert status == 404


async def test_handoff_routes_need_the_token(api: Api) -> None:
    for method, path in (("GET", "/handoffs"), ("GET", "/handoffs/active?conversation_id=c")):
        status, _ = await api.call(method, path, auth=False)
        assert status == 401


class FixedClock(Clock):
    def __init__(self, moment: datetime) -> None:
        super().__init__()
        self.moment = moment

    def now(self) -> datetime:
        return self.moment


@pytest_asyncio.fixture
async def night_api(db_path: Path) -> AsyncIterator[Api]:
    """The issuer's hours (08:00-20:00 UTC) at 03:00 UTC."""
    clock = FixedClock(datetime(2026, 11, 26, 3, 0, tzinfo=timezone.utc))
    app = create_app(settings_for(db_path), clock=clock)
    async with TestClient(TestServer(app, access_log=None)) as client:
        yield Api(client)


async def test_outside_agent_hours_the_next_message_is_kept_for_the_team(night_api: Api) -> None:
    opened = await open_handoff(night_api, "conv-n")
    assert opened["agents_available"] is False and opened["status"] == "leave_message"
    assert "08:00" in opened["agent_hours"] and opened["position"] is None

    status, stored = await night_api.call(
        "POST",
        "/handoffs/active/messages",
        json={"conversation_id": "conv-n", "text": "Please call me back"},
        caller="channels",
    )
    assert status == 201 and stored["status"] == "message_left" and stored["reference"] == opened["reference"]
    # Saved once; after that the assistant answers again.
    status, _ = await night_api.call(
        "POST",
        "/handoffs/active/messages",
        json={"conversation_id": "conv-n", "text": "hello?"},
        caller="channels",
    )
    assert status == 404
    status, queue = await night_api.call("GET", "/handoffs", caller="agents")
    assert queue[0]["status"] == "message_left"
    assert [m["text"] for m in queue[0]["messages"]] == ["Please call me back"]


def test_agent_hours_from_configuration() -> None:
    hours = AgentHours.parse(
        {"timezone": "Asia/Kolkata", "days": ["mon", "tue"], "open": "09:00", "close": "18:00"}
    )
    monday_10_ist = datetime(2026, 11, 23, 4, 30, tzinfo=timezone.utc)
    assert hours.open_at(monday_10_ist)
    assert not hours.open_at(datetime(2026, 11, 23, 13, 0, tzinfo=timezone.utc))  # 18:30 IST
    assert not hours.open_at(datetime(2026, 11, 25, 4, 30, tzinfo=timezone.utc))  # a Wednesday
    assert AgentHours.parse(hours, "never").open_at(monday_10_ist) is False
    assert AgentHours.parse(None).open_at(monday_10_ist)
    for bad in ({"timezone": "Mars/Base"}, {"open": "18:00", "close": "09:00"}, {"days": ["someday"]}):
        with pytest.raises(AgentHoursError):
            AgentHours.parse({"open": "09:00", "close": "18:00", **bad})


def test_bad_hours_in_the_issuer_file_stop_the_service(tmp_path: Path) -> None:
    issuer = tmp_path / "issuer.yml"
    issuer.write_text("issuer: {name: X}\nsupport: {agent_hours: {open: late, close: early}}\n")
    with pytest.raises(SettingsError):
        settings_for(tmp_path / "a.db", ISSUER_CONFIG=str(issuer))


async def test_demo_mode_switches_the_running_services_hours(api: Api) -> None:
    status, _ = await api.call("POST", "/demo/agent-hours", json={"mode": "never"}, auth=False)
    assert status == 200
    assert (await open_handoff(api, "conv-s1"))["status"] == "leave_message"
    await api.call("POST", "/demo/agent-hours", json={"mode": "configured"}, auth=False)
    assert (await open_handoff(api, "conv-s2"))["status"] == "waiting"  # AGENT_HOURS=always here
    status, _ = await api.call("POST", "/demo/agent-hours", json={"mode": "sometimes"}, auth=False)
    assert status == 400


async def test_a_waiting_customer_can_leave_the_queue(api: Api, db: sqlite3.Connection) -> None:
    opened = await open_handoff(api, "conv-x")
    status, left = await api.call(
        "POST", "/handoffs/active/cancel", json={"conversation_id": "conv-x"}, caller="channels"
    )
    assert status == 200 and left["status"] == "closed" and left["reference"] == opened["reference"]
    status, _ = await api.call("GET", "/handoffs/active", params={"conversation_id": "conv-x"})
    assert status == 404
    status, body = await api.call(
        "POST", "/handoffs/active/cancel", json={"conversation_id": "conv-x"}, caller="channels"
    )
    assert status == 404 and body["error"] == "nothing_waiting"
    # With an agent, only the agent ends it.
    taken = await open_handoff(api, "conv-y")
    await api.call("POST", f"/handoffs/{taken['reference']}/take", json={"agent": "maria"}, caller="agents")
    status, _ = await api.call(
        "POST", "/handoffs/active/cancel", json={"conversation_id": "conv-y"}, caller="channels"
    )
    assert status == 404
    assert db.execute("SELECT count(*) FROM audit_log WHERE action = 'handoff_cancelled'").fetchone() == (1,)


async def test_the_customers_channel_reads_only_its_own_conversations_agent_lines_and_notices(
    api: Api, db: sqlite3.Connection
) -> None:
    """What REST and the in-app chat poll: the agent's lines and the team's notices (stored
    redacted), never the customer's own lines, never another conversation's."""
    mine = (await open_handoff(api, "rest:poll-me"))["reference"]
    other = (await open_handoff(api, "rest:poll-other"))["reference"]
    status, nothing = await api.call(
        "GET", "/handoffs/active/lines", params={"conversation_id": "rest:poll-me"}, caller="channels"
    )
    assert (status, nothing["status"], nothing["lines"]) == (200, "waiting", [])
    assert nothing["position"] >= 1

    for reference in (mine, other):
        await api.call("POST", f"/handoffs/{reference}/take", json={"agent": "maria"}, caller="agents")
    joined = "maria from our team has joined the chat."
    status, _ = await api.call(
        "POST", f"/handoffs/{mine}/messages", json={"from": "assistant", "text": joined}, caller="agents"
    )
    assert status == 201
    await api.call(
        "POST",
        f"/handoffs/{mine}/messages",
        json={"from": "agent", "agent": "maria", "text": f"Is it the card {CARD}?"},
        caller="agents",
    )
    await api.call(
        "POST",
        "/handoffs/active/messages",
        json={"conversation_id": "rest:poll-me", "text": "yes"},
        caller="channels",
    )
    await api.call(
        "POST",
        f"/handoffs/{other}/messages",
        json={"from": "agent", "agent": "maria", "text": "For the other customer only"},
        caller="agents",
    )

    status, page = await api.call(
        "GET", "/handoffs/active/lines", params={"conversation_id": "rest:poll-me"}, caller="channels"
    )
    assert status == 200 and page["status"] == "with_agent" and page["position"] is None
    assert [(line["from"], line["text"][:11]) for line in page["lines"]] == [
        ("assistant", "maria from "),
        ("agent", "Is it the c"),
    ]
    assert "ending 0005" in page["lines"][1]["text"] and "822463" not in str(page)
    assert "For the other customer only" not in str(page)

    # After the last ID: nothing new; after the hand-back, the notice that the agent left.
    after = page["lines"][-1]["id"]
    await api.call("POST", f"/handoffs/{mine}/release", json={"agent": "maria"}, caller="agents")
    await api.call(
        "POST",
        f"/handoffs/{mine}/messages",
        json={"from": "assistant", "text": "maria has left the conversation."},
        caller="agents",
    )
    status, later = await api.call(
        "GET",
        "/handoffs/active/lines",
        params={"conversation_id": "rest:poll-me", "after": after},
        caller="channels",
    )
    assert later["status"] == "released"
    assert [line["text"] for line in later["lines"]] == ["maria has left the conversation."]
    stored = b"".join(str(row).encode() for row in db.execute("SELECT text FROM handoff_messages"))
    assert b"822463" not in stored


async def test_only_the_channels_read_customer_lines_and_only_agents_write_notices(api: Api) -> None:
    reference = (await open_handoff(api, "rest:poll-scopes"))["reference"]
    query = {"conversation_id": "rest:poll-scopes"}
    for caller in ("actions", "agents"):
        status, _ = await api.call("GET", "/handoffs/active/lines", params=query, caller=caller)
        assert status == 403
    status, _ = await api.call("GET", "/handoffs/active/lines", params=query, auth=False)
    assert status == 401
    for caller in ("actions", "channels"):
        status, _ = await api.call(
            "POST",
            f"/handoffs/{reference}/messages",
            json={"from": "assistant", "text": "Pretending to be the team"},
            caller=caller,
        )
        assert status == 403
