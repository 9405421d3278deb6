"""Handoffs as someone flooding the agents' queue would try: the same conversation asking again
and again, and at once."""

from __future__ import annotations

import asyncio

import pytest

from tests.service.api import Api

pytestmark = pytest.mark.asyncio


async def ask(api: Api, conversation: str) -> tuple[int, dict]:
    return await api.call(
        "POST",
        "/handoffs",
        json={"conversation_id": conversation, "topic": "other", "transcript": []},
    )


async def cancel(api: Api, conversation: str) -> None:
    status, _ = await api.call(
        "POST", "/handoffs/active/cancel", json={"conversation_id": conversation}, caller="channels"
    )
    assert status == 200


async def test_asking_again_does_not_queue_the_conversation_twice(api: Api) -> None:
    statuses = [(await ask(api, "socketio:flood"))[0] for _ in range(10)]
    assert statuses == [201] + [200] * 9
    status, queue = await api.call("GET", "/handoffs", caller="agents")
    assert len(queue) == 1


async def test_asking_at_once_opens_one_case(api: Api) -> None:
    answers = await asyncio.gather(*(ask(api, "socketio:burst") for _ in range(8)))
    assert sorted(status for status, _ in answers) == [200] * 7 + [201]
    assert len({body["reference"] for _, body in answers}) == 1


async def test_at_most_three_handoffs_per_conversation_per_hour(api: Api) -> None:
    for _ in range(3):
        assert (await ask(api, "socketio:again"))[0] == 201
        await cancel(api, "socketio:again")
        await api.advance(60)
    status, body = await ask(api, "socketio:again")
    assert (status, body["error"]) == (429, "too_many_handoffs")
    assert 0 < body["retry_after"] <= 3600 - 3 * 60 + 1
    assert (await ask(api, "socketio:someone-else"))[0] == 201  # other conversations are not limited
    await api.advance(body["retry_after"])
    assert (await ask(api, "socketio:again"))[0] == 201


async def test_one_client_address_cannot_fill_the_queue_from_new_conversations(api: Api) -> None:
    async def ask_from(conversation: str, client: str) -> int:
        body = {"conversation_id": conversation, "topic": "other", "transcript": [], "client": client}
        return (await api.call("POST", "/handoffs", json=body))[0]

    statuses = [await ask_from(f"socketio:stranger-{number}", "stranger-key") for number in range(12)]
    assert statuses == [201] * 10 + [429] * 2
    assert await ask_from("socketio:a-customer", "another-key") == 201  # other addresses are not limited


async def test_the_queue_is_a_page_of_cases_with_their_latest_messages(api: Api) -> None:
    for number in range(55):
        assert (await ask(api, f"socketio:page-{number}"))[0] == 201
    conversation = "socketio:page-0"
    for number in range(15):
        status, _ = await api.call(
            "POST",
            "/handoffs/active/messages",
            json={"conversation_id": conversation, "text": f"line {number}"},
            caller="channels",
        )
        assert status == 201
    status, queue = await api.call("GET", "/handoffs", caller="agents")
    assert status == 200 and len(queue) == 50
    first = next(case for case in queue if case["conversation_id"] == conversation)
    assert [m["text"] for m in first["messages"]] == [f"line {number}" for number in range(5, 15)]
    status, whole = await api.call("GET", f"/handoffs/{first['reference']}", caller="agents")
    assert len(whole["messages"]) == 15


async def test_a_live_handoff_keeps_at_most_its_share_of_messages(api: Api) -> None:
    from account_service import cases

    conversation = "socketio:chatty"
    assert (await ask(api, conversation))[0] == 201
    body = {"conversation_id": conversation, "text": "x"}
    for _ in range(cases.MAX_MESSAGES_PER_CASE):
        assert (await api.call("POST", "/handoffs/active/messages", json=body, caller="channels"))[0] == 201
    status, answer = await api.call("POST", "/handoffs/active/messages", json=body, caller="channels")
    assert (status, answer["error"]) == (429, "case_full")
