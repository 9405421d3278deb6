"""Runs the task forms' actions without Rasa: a tracker made by hand, a CollectingDispatcher,
and a stand-in account service (a real aiohttp server) that records every call.

    chat = Dialogue("pay_bill")
    await chat.say("pay $20 today", intent="pay_bill")
    await chat.say("yes")
    chat.said  # response names uttered in the last turn

Each turn runs the form's validation action as Rasa would (first run at activation, then one
per message); when the form ends, the task's submit action runs. Slot events are applied to the
dialogue's slots, so the next turn sees them.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest_asyncio
from aiohttp import web
from aiohttp.test_utils import TestServer
from rasa_sdk import Tracker

from actions.safe_executor import SafeExecutor
from common.account_client import close_shared_session

ACCOUNTS = [
    {
        "card_last_four": "2002",
        "product": "Gold Card",
        "currency": "USD",
        "balance": "812.40",
        "available_credit": "9187.60",
        "statement_balance": "640.00",
        "minimum_due": "35.00",
        "due_date": "2026-12-20",
        "bank_account": {"masked": "••••6789", "bank_name": "First Bank"},
    }
]
CARDS = [{"last_four": "2002", "product": "Gold Card", "status": "active"}]
REWARDS = {
    "program": "Membership Rewards",
    "points": 48_250,
    "options": [
        {"name": "Statement credit", "points_needed": 1000, "value": "6.00", "currency": "USD"},
        {"name": "Gift card", "points_needed": 2500, "value": "25.00", "currency": "USD"},
    ],
}


@dataclass
class FakeService:
    """The account service's routes the actions use, with answers a test can change."""

    verified: bool = False
    fresh: bool = True
    answers: dict[tuple[str, str], tuple[int, Any]] = field(default_factory=dict)
    calls: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def answer(self, method: str, path: str, status: int, body: Any) -> None:
        self.answers[(method, path)] = (status, body)

    def called(self, method: str, path: str) -> list[dict[str, Any]]:
        return [call for call in self.calls if (call["method"], call["path"]) == (method, path)]

    def changes(self) -> list[dict[str, Any]]:
        """Every call that would change something for the customer."""
        return [
            call
            for call in self.calls
            if call["method"] in ("POST", "PUT", "PATCH", "DELETE") and call["path"].startswith("/me/")
        ]

    async def handle(self, request: web.Request) -> web.Response:
        text = await request.text()
        call = {
            "method": request.method,
            "path": request.path,
            "query": dict(request.query),
            "json": json.loads(text) if text else None,
        }
        self.calls.append(call)
        key = (request.method, request.path)
        if key in self.answers:
            status, body = self.answers[key]
            return web.json_response(body, status=status)
        return self.default(request, call)

    def default(self, request: web.Request, call: dict[str, Any]) -> web.Response:
        path = request.path
        if path.startswith("/sessions/"):
            if not self.verified:
                return web.json_response({"error": "not_verified"}, status=404)
            session = {
                "verified": True,
                "user_id": "alex.morgan",
                "first_name": "Alex",
                "region": "US",
                "method": "code",
                "fresh": self.fresh,
                "today": "2026-11-26",
            }
            return web.json_response(session)
        if path == "/identity/challenges":
            purpose = (call["json"] or {}).get("purpose", "verify")
            body = {
                "challenge_id": f"ch_{len(self.calls)}",
                "purpose": purpose,
                "channel": (call["json"] or {}).get("channel", "sms"),
                "expires_in": 300,
                "masked_destination": "•••• ••• 2002" if purpose == "confirm" else None,
            }
            return web.json_response(body, status=201)
        if path.endswith("/verify"):
            self.verified, self.fresh = True, True
            body = {
                "verified": True,
                "customer": {"user_id": "alex.morgan", "first_name": "Alex", "region": "US"},
                "session_expires_in": 900,
            }
            return web.json_response(body)
        canned = {
            "/me/accounts": {"accounts": ACCOUNTS},
            "/me/cards": {"cards": CARDS},
            "/me/rewards": REWARDS,
            "/access/lock-status": {"locked": False, "locked_until": None},
        }
        if request.method == "GET" and path in canned:
            return web.json_response(canned[path])
        if path == "/me/payments":
            body = {
                "status": "completed",
                "amount": "20.00",
                "currency": "USD",
                "reference": "PM-1",
                "pay_on": "2026-11-26",
                "card_last_four": "2002",
            }
            return web.json_response(body, status=201)
        if path == "/handoffs":
            return web.json_response({"reference": "HO-1", "agents_available": True}, status=201)
        return web.json_response({"reference": "XX-1", "estimated_delivery": "2026-12-01"}, status=201)


@pytest_asyncio.fixture(name="service")
async def fake_service_fixture(monkeypatch) -> AsyncIterator[FakeService]:
    """The stand-in service, with the actions' settings pointing at it."""
    from actions import settings

    fake = FakeService()
    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", fake.handle)
    server = TestServer(app, host="127.0.0.1")
    await server.start_server()
    fake.url = str(server.make_url("")).rstrip("/")
    monkeypatch.setenv("DEMO_MODE", "1")
    monkeypatch.setenv("ACCOUNT_SERVICE_URL", fake.url)
    monkeypatch.setenv("ACCOUNT_SERVICE_TIMEOUT", "2")
    settings.load_settings.cache_clear()
    try:
        yield fake
    finally:
        settings.load_settings.cache_clear()
        await close_shared_session()
        await server.close()


_EXECUTOR: SafeExecutor | None = None


def executor() -> SafeExecutor:
    global _EXECUTOR
    if _EXECUTOR is None:
        _EXECUTOR = SafeExecutor()
        _EXECUTOR.register_package("actions")
    return _EXECUTOR


SUBMIT_ACTIONS = {
    "check_balance": "action_check_balance",
    "pay_bill": "action_pay_bill",
    "setup_autopay": "action_setup_autopay",
    "replace_card": "action_replace_card",
    "report_fraud": "action_report_fraud",
    "update_personal_details": "action_update_personal_details",
    "rewards": "action_show_rewards",
    "account_locked": "action_check_account_lock",
    "reset_password": "action_send_password_reset",
    "find_user_id": "action_send_user_id",
}


class Dialogue:
    def __init__(
        self, task: str, slots: dict[str, Any] | None = None, sender: str = "rest:unit-test"
    ) -> None:
        self.task = task
        self.sender = sender
        self.slots: dict[str, Any] = {"requested_slot": None, **(slots or {})}
        self.said: list[str] = []
        self.messages: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.form_active = False
        self.submitted = False

    def tracker(self, text: str, intent: str, confidence: float, metadata: dict[str, Any]) -> Tracker:
        latest = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": [],
            "metadata": metadata,
        }
        active_loop = {"name": f"{self.task}_form"} if self.form_active else {}
        return Tracker(self.sender, dict(self.slots), latest, [], False, None, active_loop, "action_listen")

    async def run(self, action: str, tracker: Tracker) -> dict[str, Any]:
        call = {
            "next_action": action,
            "sender_id": self.sender,
            "tracker": tracker.current_state(),
            "domain": {},
        }
        call["tracker"]["latest_message"] = tracker.latest_message
        call["tracker"]["slots"] = dict(self.slots)
        result = await executor().run(call)
        assert result is not None
        for event in result["events"]:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.events += result["events"]
        self.messages += result["responses"]
        self.said += [message.get("response") or message.get("text") for message in result["responses"]]
        return result

    async def say(
        self,
        text: str,
        intent: str = "inform",
        confidence: float = 0.9,
        metadata: dict[str, Any] | None = None,
    ) -> list[str]:
        """One message: the form's validation (and the submit action when the form ends)."""
        self.said, self.messages, self.events = [], [], []
        tracker = self.tracker(text, intent, confidence, metadata or {})
        if not self.form_active:
            self.slots["requested_slot"] = None
        await self.run(f"validate_{self.task}_form", tracker)
        asked = self.slots.get("requested_slot")
        if asked is None:
            self.form_active = False
            await self.run(SUBMIT_ACTIONS[self.task], self.tracker(text, intent, confidence, metadata or {}))
            self.submitted = True
        else:
            self.form_active = True
            # As Rasa's form does: the slot's own question action, when it has one (the rest are
            # plain responses from the domain, not run here).
            if f"action_ask_{asked}" in executor().actions:
                await self.run(f"action_ask_{asked}", self.tracker(text, intent, confidence, metadata or {}))
        return self.said

    @property
    def asks(self) -> str | None:
        return self.slots.get("requested_slot")
