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
