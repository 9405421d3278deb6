"""An action that raises still answers with events: a polite message, the form ended, and a log
line with the exception's type and frame positions, never its text."""

from __future__ import annotations

import logging

import pytest

from tests.unit.dialogue import Dialogue, executor
from tests.unit.in_process_service import InProcessService

SECRET = "SECRET-4111-tracker-value"
REWARDS = {"points": SECRET, "options": [{"name": "Gift card", "points_needed": 2500, "value": "25.00"}]}


def action_call(action: str, slots: dict, text: str = "all") -> dict:
    return {
        "next_action": action,
        "sender_id": "rest:safe",
        "tracker": {
            "sender_id": "rest:safe",
            "slots": slots,
            "latest_message": {"text": text, "intent": {"name": "inform", "confidence": 0.9}, "entities": []},
            "events": [{"event": "user", "text": f"my card is {SECRET}"}],
            "active_loop": {"name": "rewards_form"},
        },
        "domain": {},
    }


@pytest.mark.asyncio
async def test_a_failing_validation_ends_the_form_politely_and_logs_no_text(service, caplog):
    slots = {"requested_slot": "redeem_points", "rewards_current": REWARDS, "redeem_option": "Gift card"}
    with caplog.at_level(logging.INFO):
        answer = await executor().run(action_call("validate_rewards_form", slots))
    assert [message["response"] for message in answer["responses"]] == ["utter_action_failed"]
    slot_events = {event["name"]: event["value"] for event in answer["events"] if event["event"] == "slot"}
    assert slot_events == {"task_outcome": "error", "requested_slot": None}
    assert SECRET not in str(answer)
    assert "action validate_rewards_form failed: ValueError at actions/rewards_tasks.py:" in caplog.text
    assert SECRET not in caplog.text and "invalid literal" not in caplog.text


@pytest.mark.asyncio
async def test_after_a_failed_validation_the_submit_action_changes_nothing(service: InProcessService):
    chat = Dialogue("rewards", slots={"task_outcome": "error", "redemption_confirmed": True})
    await service.verify(chat.sender)
    await chat.run("action_show_rewards")
    assert chat.said == [] and not service.calls


@pytest.mark.asyncio
async def test_any_other_failing_action_answers_the_message_only(service, caplog):
    slots = {"rewards_current": REWARDS, "redeem_option": "Gift card", "redeem_points": SECRET}
    with caplog.at_level(logging.INFO):
        answer = await executor().run(action_call("action_ask_redemption_confirmed", slots))
    assert answer["events"] == [] and answer["responses"][0]["response"] == "utter_action_failed"
    assert SECRET not in caplog.text


@pytest.mark.asyncio
async def test_a_broken_tracker_is_a_polite_answer_too(service):
    answer = await executor().run({"next_action": "action_check_balance", "tracker": "not a tracker"})
    assert answer["responses"][0]["response"] == "utter_action_failed"
