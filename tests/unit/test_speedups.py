"""rasa_server/speedups.py keeps what Rasa worked out again and again: each kept result must be
exactly what Rasa itself computes, and must follow the conversation as it changes."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server import speedups

DOMAIN = Domain.load("domain")
speedups.install()
# Rasa's own, as the kept results must match them.
ORIGINAL_PAST_STATES = DialogueStateTracker.past_states.__wrapped__  # type: ignore[attr-defined]
ORIGINAL_APPLIED_EVENTS = DialogueStateTracker.applied_events.__wrapped__  # type: ignore[attr-defined]


def conversation() -> DialogueStateTracker:
    tracker = DialogueStateTracker("speed", DOMAIN.slots)
    for event in [
        ActionExecuted("action_listen"),
        UserUttered("what's my balance", intent={"name": "check_balance", "confidence": 0.9}),
        ActionExecuted("check_balance_form"),
        ActiveLoop("check_balance_form"),
        SlotSet("requested_slot", "user_id"),
        ActionExecuted("action_listen"),
        UserUttered("jdoe", intent={"name": "inform", "confidence": 0.8}),
        SlotSet("user_id", "jdoe"),
        ActionExecuted("check_balance_form"),
    ]:
        tracker.update(event)
    return tracker


def test_past_states_are_rasas_own_and_follow_new_events():
    tracker = conversation()
    for ignore_rule_only_turns in (False, True):
        rule_only = {"slots": ["task_outcome"], "loops": []}
        kept = tracker.past_states(
            DOMAIN, ignore_rule_only_turns=ignore_rule_only_turns, rule_only_data=rule_only
        )
        fresh = ORIGINAL_PAST_STATES(tracker, DOMAIN, False, ignore_rule_only_turns, rule_only)
        assert kept == fresh
    before = tracker.past_states(DOMAIN)
    tracker.update(ActiveLoop(None))
    tracker.update(ActionExecuted("action_listen"))
    after = tracker.past_states(DOMAIN)
    assert len(after) == len(before) + 1
    assert after == ORIGINAL_PAST_STATES(tracker, DOMAIN)


def test_a_caller_changing_its_states_does_not_change_the_next_callers():
    tracker = conversation()
    first = tracker.past_states(DOMAIN)
    expected = copy.deepcopy(first)
    for state in first:
        state.pop("user", None)
        for sub_state in state.values():
            sub_state.clear()
    assert tracker.past_states(DOMAIN) == expected


def test_applied_events_follow_an_undone_turn():
    tracker = conversation()
    assert tracker.applied_events() == ORIGINAL_APPLIED_EVENTS(tracker)
    tracker.update(UserUtteranceReverted())
    assert tracker.applied_events() == ORIGINAL_APPLIED_EVENTS(tracker)
    texts = [event.text for event in tracker.applied_events() if isinstance(event, UserUttered)]
    assert "jdoe" not in texts


def test_a_slot_copy_is_a_separate_slot_with_the_same_attributes():
    for slot in DOMAIN.slots:
        duplicate = copy.copy(slot)
        assert type(duplicate) is type(slot) and duplicate is not slot
        assert duplicate.__dict__ == slot.__dict__
    slot = DOMAIN.slots[0]
    duplicate = copy.copy(slot)
    duplicate.value = "changed"
    assert slot.value != "changed"


def test_events_are_still_resolved_by_name():
    assert Event.resolve_by_type("slot") is SlotSet
    assert Event.resolve_by_type("no such event", default=UserUttered) is UserUttered
    with pytest.raises(ValueError):
        Event.resolve_by_type("no such event")


GOOD_ANSWER = {
    "events": [
        {"event": "slot", "name": "task_outcome", "value": None, "timestamp": None},
        {"event": "followup", "name": "action_listen", "timestamp": 1.5},
        {"event": "active_loop", "name": None, "metadata": None},
        {"event": "bot", "text": "Done.", "data": {}, "metadata": {}},
    ],
    "responses": [{"text": "Done."}],
}
BAD_ANSWERS = [
    {"events": "not a list", "responses": []},
    {"events": [{"event": "slot", "name": "task_outcome"}]},  # no value
    {"events": [{"event": "no such event"}]},
    {"events": [{"name": "task_outcome", "value": 1}]},  # no event name
    {"events": [{"event": "slot", "name": 7, "value": 1}]},
    {"events": [{"event": "action", "confidence": "high"}]},
    {"events": [{"event": "user", "parse_data": {"entities": [{"value": 1}]}}]},
    {"events": [{"event": 5}]},
    {"events": [{"event": "bot", "timestamp": "noon"}]},
    {"events": [], "responses": ["text"]},
    ["not", "an", "object"],
]


def test_a_good_action_answer_passes():
    action = RemoteAction("action_check_balance", None)
    assert action._validate_action_result(GOOD_ANSWER)
    jsonschema.validate(GOOD_ANSWER, RemoteAction.action_response_format_spec())  # Rasa's agrees


@pytest.mark.parametrize("answer", BAD_ANSWERS)
def test_a_bad_action_answer_fails_with_rasas_own_error(answer):
    with pytest.raises(ValidationError) as rasas:
        jsonschema.validate(answer, RemoteAction.action_response_format_spec())
    with pytest.raises(ValidationError, match="Failed to validate Action server response") as ours:
        RemoteAction("action_check_balance", None)._validate_action_result(answer)
    assert ours.value.message.startswith(rasas.value.message)
