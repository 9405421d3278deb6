"""The tracker store leaves out slot sets that change nothing (storage/event_compaction.py): a
conversation read back must be the conversation that was held, to the slot and to the state
every policy sees, and a secret must stay out of the store however the events fall."""

from __future__ import annotations

import json
import sqlite3

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    Event,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from rasa_server import speedups
from storage.event_compaction import SlotValues, same_value
from storage.redacting_tracker_store import RedactingSQLTrackerStore

DOMAIN = Domain.load("domain")
speedups.install()
RASAS_PAST_STATES = DialogueStateTracker.past_states.__wrapped__  # type: ignore[attr-defined]

# What our tasks do on each step: clear their working slots, most of them already empty.
def resets() -> list[Event]:
    names = ("confirm_code", "confirm_challenge_id", "task_outcome", "form_retries")
    return [SlotSet(name, None) for name in names]


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.delenv("TRACKER_DB_URL", raising=False)
    database = tmp_path / "tracker.db"
    yield RedactingSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(database))


def stored_rows(store: RedactingSQLTrackerStore, sender_id: str) -> list[dict]:
    with sqlite3.connect(store.engine.url.database) as connection:
        rows = connection.execute("select data from events where sender_id = ? order by id", (sender_id,))
        return [json.loads(data) for (data,) in rows]


def user(text: str, intent: str = "inform") -> list[Event]:
    return [ActionExecuted("action_listen"), UserUttered(text, intent={"name": intent, "confidence": 0.9})]


def turns() -> list[list[Event]]:
    return [
        [ActionExecuted("action_session_start"), SessionStarted(), *resets()],
        [*user("what's my balance", "check_balance"), ActionExecuted("check_balance_form"),
         ActiveLoop("check_balance_form"), *resets(), SlotSet("requested_slot", "user_id")],
        [*user("jdoe"), SlotSet("user_id", "jdoe"), *resets(), SlotSet("form_retries", 1.0),
         ActionExecuted("check_balance_form"), SlotSet("requested_slot", "identity_code")],
        [*user("482913"), SlotSet("identity_code", "482913"), ActionExecuted("check_balance_form"),
         *resets(), SlotSet("form_retries", 1.0), SlotSet("requested_slot", None), ActiveLoop(None),
         ActionExecuted("action_check_balance"), *resets()],
        [*user("thanks", "thank"), ActionExecuted("utter_welcome"), *resets()],
    ]


@pytest.mark.asyncio
async def test_a_conversation_read_back_is_the_one_that_was_held(store):
    # As Rasa holds one: each turn read from the store, added to, saved.
    tracker = DialogueStateTracker("rest:compact", DOMAIN.slots)
    for turn in turns():
        for event in turn:
            tracker.update(event)
        await store.save(tracker)
        tracker = await store.retrieve("rest:compact")
    in_memory = DialogueStateTracker("rest:compact", DOMAIN.slots)
    for turn in turns():
        for event in turn:
            in_memory.update(event)

    read_back = await store.retrieve("rest:compact")
    assert len(read_back.events) < len(in_memory.events)
    # Every slot, including the secret (stored masked), and every state every policy sees.
    expected_slots = {**in_memory.current_slot_values(), "identity_code": "[redacted]"}
    assert read_back.current_slot_values() == expected_slots
    for ignore_rule_only_turns in (False, True):
        states = RASAS_PAST_STATES(read_back, DOMAIN, False, ignore_rule_only_turns, None)
        assert states == RASAS_PAST_STATES(in_memory, DOMAIN, False, ignore_rule_only_turns, None)
    assert read_back.active_loop_name == in_memory.active_loop_name
    assert read_back.latest_action_name == in_memory.latest_action_name


@pytest.mark.asyncio
async def test_only_slot_sets_that_change_nothing_are_left_out(store):
    tracker = DialogueStateTracker("rest:kept", DOMAIN.slots)
    for turn in turns():
        for event in turn:
            tracker.update(event)
    await store.save(tracker)
    rows = stored_rows(store, "rest:kept")
    slot_rows = [(row["name"], row["value"]) for row in rows if row["event"] == "slot"]
    assert ("confirm_code", None) not in slot_rows  # never anything but empty
    # Each change of the retry count is kept (1, empty, 1, empty); the resets of an empty one are not.
    assert [value for name, value in slot_rows if name == "form_retries"] == [1.0, None, 1.0, None]
    assert [row["event"] for row in rows if row["event"] != "slot"] == [
        event.type_name for event in tracker.events if not isinstance(event, SlotSet)
    ]


@pytest.mark.asyncio
async def test_a_tracker_saved_twice_stores_each_event_once(store):
    tracker = DialogueStateTracker("rest:twice", DOMAIN.slots)
    for event in turns()[1]:
        tracker.update(event)
    await store.save(tracker)
    await store.save(tracker)
    first = stored_rows(store, "rest:twice")
    tracker.update(ActionExecuted("action_listen"))
    await store.save(tracker)
    assert len(stored_rows(store, "rest:twice")) == len(first) + 1

    # A tracker this store did not read (Rasa's "replace events" builds one) adds what is new.
    as_sent = [event.as_dict() for event in tracker.events]
    rebuilt = DialogueStateTracker.from_dict("rest:twice", as_sent, DOMAIN.slots)
    await store.save(rebuilt)
    assert len(stored_rows(store, "rest:twice")) >= len(first) + 1


@pytest.mark.asyncio
async def test_the_answer_to_a_secret_question_stays_masked_when_the_question_is_asked_again(store):
    tracker = DialogueStateTracker("rest:secret", DOMAIN.slots)
    for event in [*turns()[1], SlotSet("requested_slot", "identity_code")]:
        tracker.update(event)
    await store.save(tracker)
    tracker = await store.retrieve("rest:secret")
    # The form is left and entered again: the question is set to what it already was.
    asked_again = [
        ActiveLoop(None),
        ActiveLoop("check_balance_form"),
        SlotSet("requested_slot", "identity_code"),
    ]
    for event in [*asked_again, *user("482913")]:
        tracker.update(event)
    await store.save(tracker)
    # The next message is read as an answer to the question still open in what was stored.
    tracker = await store.retrieve("rest:secret")
    # (Written so that only the open question, not the look of a code, says it is one.)
    for event in user("the one ending nine one three"):
        tracker.update(event)
    await store.save(tracker)
    rows = stored_rows(store, "rest:secret")
    assert "482913" not in json.dumps(rows)
    assert [row["text"] for row in rows if row["event"] == "user"][-2:] == ["[redacted]", "[redacted]"]


def test_after_an_undone_turn_no_slot_set_is_left_out():
    values = SlotValues({"user_id": None})
    assert values.follow(SlotSet("user_id", "jdoe"))
    assert not values.follow(SlotSet("user_id", "jdoe"))
    values.follow(UserUtteranceReverted())
    assert values.follow(SlotSet("user_id", "jdoe"))  # the undone turn may have set it
    values.follow(SessionStarted())
    assert not values.follow(SlotSet("user_id", None))  # a new session starts from the domain's


def test_values_of_other_types_are_not_the_same():
    assert same_value({"a": [1, "x"]}, {"a": [1, "x"]})
    assert not same_value(1, 1.0) and not same_value(True, 1) and not same_value(None, "")
    assert not same_value({"a": [1]}, {"a": [1.0]}) and not same_value([1, 2], [1])


@pytest.mark.asyncio
async def test_identifiers_the_next_turn_sends_back_are_stored_exactly(store):
    # Random identifiers hold digit runs that look like a code; masked, the next turn's code check
    # asked for a challenge that does not exist ("that code has expired"), as one CI run showed.
    challenge, confirm = "hfpE139756U6oz4TIGCdsbWESr-QHNZd", "7b3DkJR987589Iz9QK79zDjS"
    payment = "0f1234567e8a"
    tracker = DialogueStateTracker("rest:ids", DOMAIN.slots)
    for event in [
        ActionExecuted("action_session_start"), SessionStarted(),
        SlotSet("challenge_id", challenge), SlotSet("confirm_challenge_id", confirm),
        SlotSet("payment_key", payment), SlotSet("requested_slot", "identity_code"),
        *user("739201"), SlotSet("identity_code", "739201"),
        SlotSet("new_detail", "my new code is 554433"),
    ]:
        tracker.update(event)
    await store.save(tracker)
    read_back = await store.retrieve("rest:ids")
    assert read_back.get_slot("challenge_id") == challenge
    assert read_back.get_slot("confirm_challenge_id") == confirm
    assert read_back.get_slot("payment_key") == payment
    stored = json.dumps(stored_rows(store, "rest:ids"))
    # what a customer typed is still masked, in slots and messages alike
    assert "739201" not in stored and "554433" not in stored
