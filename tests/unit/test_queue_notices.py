"""The queue-moved notices on their way out: the Rasa server passes a cancel's notices to each
channel's relay (one failing does not stop the others), and the console relays a take's or a
close's in the background without holding up the agent."""

from __future__ import annotations

import asyncio
from typing import Any

from channels import agent_relay
from channels.agent_relay import AgentLine, RelayFailed, relay_queue_notices
from channels.handoff import HandoffDesk
from common.account_client import Reply
from localization import texts


class Recorder:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.lines: list[tuple[str, AgentLine]] = []

    async def deliver(self, recipient: str, line: AgentLine) -> str:
        if self.fail:
            raise RelayFailed("platform refused")
        self.lines.append((recipient, line))
        return "sent"


def test_each_notice_goes_to_its_channels_relay_and_a_failure_stops_no_other(monkeypatch: Any) -> None:
    telegram, sms, rest = Recorder(), Recorder(fail=True), Recorder()
    monkeypatch.setattr(agent_relay, "RELAYS", {"telegram": telegram, "twilio": sms, "rest": rest})
    notices = [
        {"conversation_id": "twilio:+15550100", "text": "You're now number 2 in the queue"},
        {"conversation_id": "telegram:42", "text": "You're next in the queue"},
        {"conversation_id": "slack:U1", "text": "no relay for slack in this process"},
        {"conversation_id": "rest:app-1", "text": "  "},
        "not a notice",
    ]
    assert asyncio.run(relay_queue_notices(notices)) == 1
    assert telegram.lines == [("42", AgentLine("You're next in the queue"))]
    assert rest.lines == []
    assert asyncio.run(relay_queue_notices(None)) == 0


class Client:
    def __init__(self, body: Any, status: int = 200) -> None:
        self.status, self.body = status, body

    async def request(self, method: str, path: str, **_: Any) -> Reply:
        return Reply(self.status, self.body)


def test_a_cancel_tells_those_behind_in_the_background(monkeypatch: Any) -> None:
    telegram = Recorder()
    monkeypatch.setattr(agent_relay, "RELAYS", {"telegram": telegram})
    moved = [{"conversation_id": "telegram:7", "text": "You're next in the queue"}]

    async def cancel() -> bool:
        desk = HandoffDesk(Client({"status": "closed", "queue_moved": moved}))  # type: ignore[arg-type]
        left = await desk.leave_queue("telegram:1")
        await asyncio.gather(*desk._background)
        return left

    assert asyncio.run(cancel()) is True
    assert telegram.lines == [("7", AgentLine("You're next in the queue"))]


def test_queue_texts_exist_in_both_languages() -> None:
    for lines in (texts.QUEUE_MOVED, texts.QUEUE_NEXT):
        assert set(lines) == {"en", "hi"} and all("{wait}" in line for line in lines.values())
    assert all("{position}" in line for line in texts.QUEUE_MOVED.values())


def test_the_console_relays_each_notice_and_one_failing_stops_no_other(monkeypatch: Any) -> None:
    from aiohttp import web

    from web import agent_console

    told: list[tuple[str, str]] = []

    async def relay(app: Any, conversation: str, text: str, agent: str | None) -> str | None:
        if conversation.startswith("twilio:"):
            raise ConnectionError("Rasa unreachable")
        told.append((conversation, text))
        return "sent"

    monkeypatch.setattr(agent_console, "relay", relay)

    async def act() -> None:
        app = web.Application()
        app[agent_console.BACKGROUND] = set()
        notices = [
            {"conversation_id": "twilio:+15550100", "text": "number 2"},
            {"conversation_id": "socketio:abc", "text": "number 3"},
            {"conversation_id": 5, "text": "malformed"},
        ]
        agent_console.tell_queue_moved(app, notices)  # returns at once: the agent is not held up
        assert told == []
        await asyncio.gather(*app[agent_console.BACKGROUND])

    asyncio.run(act())
    assert told == [("socketio:abc", "number 3")]
