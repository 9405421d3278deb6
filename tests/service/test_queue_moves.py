"""The queue moved: the customers still waiting behind the one who left are told their new place,
in their language, stored as a team notice and handed back to the caller to relay; bounded to
the first 10 waiting, one notice per customer per 30 s, nothing for those whose place held."""

from __future__ import annotations

import sqlite3

import pytest

from account_service.queue_moves import MAX_TOLD
from tests.service.api import Api
from tests.service.test_live_handoff import open_handoff

pytestmark = pytest.mark.asyncio


async def notices_of(api: Api, conversation: str) -> list[str]:
    status, found = await api.call(
        "GET", "/handoffs/active/lines", params={"conversation_id": conversation}, caller="channels"
    )
    assert status == 200
    return [line["text"] for line in found["lines"] if line["from"] == "assistant"]


async def test_taking_the_first_case_tells_those_behind_their_new_place(
    api: Api, db: sqlite3.Connection
) -> None:
    first = await open_handoff(api, "conv-m1")
    await open_handoff(api, "conv-m2")
    await open_handoff(api, "conv-m3", "मुझे किसी इंसान से बात करनी है")

    status, taken = await api.call(
        "POST", f"/handoffs/{first['reference']}/take", json={"agent": "maria"}, caller="agents"
    )
    assert status == 200 and taken["status"] == "with_agent"
    moved = {notice["conversation_id"]: notice["text"] for notice in taken["queue_moved"]}
    assert set(moved) == {"conv-m2", "conv-m3"}
    assert moved["conv-m2"].startswith("You're next in the queue") and "about 3 minutes" in moved["conv-m2"]
    assert "कतार में आपका नंबर 2" in moved["conv-m3"] and "6 मिनट" in moved["conv-m3"]
    # Stored first: the polling apps collect the same line, and the taken customer got none.
    assert await notices_of(api, "conv-m2") == [moved["conv-m2"]]
    assert await notices_of(api, "conv-m3") == [moved["conv-m3"]]
    assert await notices_of(api, "conv-m1") == []


async def test_nothing_for_those_ahead_or_when_the_queue_did_not_move(api: Api) -> None:
    first = await open_handoff(api, "conv-a1")
    second = await open_handoff(api, "conv-a2")
    # The last one leaves: nobody is behind it.
    status, left = await api.call(
        "POST", "/handoffs/active/cancel", json={"conversation_id": "conv-a2"}, caller="channels"
    )
    assert status == 200 and left["status"] == "closed" and left["queue_moved"] == []
    # Releasing a case that was with an agent moves nobody either.
    await api.call("POST", f"/handoffs/{first['reference']}/take", json={"agent": "li"}, caller="agents")
    await open_handoff(api, "conv-a3")
    status, released = await api.call(
        "POST", f"/handoffs/{first['reference']}/release", json={"agent": "li"}, caller="agents"
    )
    assert status == 200 and released["queue_moved"] == []
    assert await notices_of(api, "conv-a3") == []
    assert second["position"] == 2


async def test_a_cancel_and_a_close_move_the_queue_too_at_most_once_per_30_seconds(api: Api) -> None:
    cases = [await open_handoff(api, f"conv-c{n}") for n in range(4)]
    status, left = await api.call(
        "POST", "/handoffs/active/cancel", json={"conversation_id": "conv-c0"}, caller="channels"
    )
    assert status == 200
    assert [notice["conversation_id"] for notice in left["queue_moved"]] == ["conv-c1", "conv-c2", "conv-c3"]
    assert "number 2" in left["queue_moved"][1]["text"]

    # Ten seconds later the queue moves again: those told a moment ago are not told again.
    await api.advance(10)
    status, closed = await api.call(
        "POST", f"/handoffs/{cases[1]['reference']}/close", json={"agent": "li"}, caller="agents"
    )
    assert status == 200 and closed["queue_moved"] == []
    assert len(await notices_of(api, "conv-c3")) == 1

    # Past the gap, the next move tells them their place as it is then.
    await api.advance(25)
    status, taken = await api.call(
        "POST", f"/handoffs/{cases[2]['reference']}/take", json={"agent": "li"}, caller="agents"
    )
    assert [notice["conversation_id"] for notice in taken["queue_moved"]] == ["conv-c3"]
    assert taken["queue_moved"][0]["text"].startswith("You're next")


async def test_only_the_first_ten_waiting_are_told(api: Api) -> None:
    opened = [await open_handoff(api, f"conv-t{n}") for n in range(MAX_TOLD + 3)]
    status, taken = await api.call(
        "POST", f"/handoffs/{opened[0]['reference']}/take", json={"agent": "maria"}, caller="agents"
    )
    assert status == 200
    told = [notice["conversation_id"] for notice in taken["queue_moved"]]
    assert told == [f"conv-t{n}" for n in range(1, MAX_TOLD + 1)]
    assert await notices_of(api, f"conv-t{MAX_TOLD + 1}") == []
