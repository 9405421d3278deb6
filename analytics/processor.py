"""Turns one conversation's events, in order, into analytics facts (analytics/facts.py).

It reads the same redacted events Rasa stores and publishes:
- `session_started` begins a conversation row (a conversation is one Rasa session);
- `user`: a turn with its topic (intent), confidence and whether it fell back; the first `bot`
  event after it gives the latency;
- `active_loop` `<task>_form` starts a task, `requested_slot` marks each question reached, and the
  form's end completes it, unless the form set `task_outcome` (stopped, handoff, switch:…,
  gave_up, locked …): then it was abandoned, for that reason;
- the identity check and the handoff are read from the responses the actions chose
  (`utter_action` in a bot event's metadata), which are the same in every answer language;
- slots `language` and `region_code` give the conversation's language and region.
Nothing else of an event is kept: no slot value, no name, no reply text.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from analytics.facts import Fact, Insert, Update
from analytics.masking import masked
from analytics.naming import reference_hash
from analytics.state import ConversationState

NOT_UNDERSTOOD = frozenset({"nlu_fallback", "out_of_scope"})
# Below this the message is listed among the least understood, when no question was open.
LOW_CONFIDENCE = 0.5
# Answers to these questions may identify the customer (or be a secret): their text is never kept.
PRIVATE_QUESTIONS = frozenset(
    {"user_id", "identity_card", "date_of_birth", "identity_code", "confirm_code", "new_detail"}
)
# Responses that mark a step of the identity check: (purpose or None = from the open question, step).
IDENTITY_RESPONSES: dict[str, tuple[str | None, str]] = {
    "utter_code_sent_if_match": ("verify", "sent"),
    "utter_code_sent": ("confirm", "sent"),
    "utter_identity_verified": ("verify", "verified"),
    "utter_confirm_code_accepted": ("confirm", "verified"),
    "utter_wrong_code": (None, "failed"),
    "utter_code_expired": (None, "expired"),
    "utter_identity_check_locked": (None, "locked"),
    "utter_too_many_codes": (None, "too_many"),
}
# Responses of action_hand_off (actions/handoff.py) and what each says happened.
HANDOFF_RESPONSES = {
    "utter_handoff_opened": "opened",
    "utter_handoff_after_hours": "after_hours",
    "utter_handoff_too_many": "refused",
    "utter_human_handoff": "unavailable",
}
HANDED_OFF = frozenset({"opened", "after_hours"})


def day_of(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).strftime("%Y-%m-%d")


def reason_of(outcome: str) -> str:
    return "switched" if outcome.startswith("switch:") else outcome[:64]


def topic_of(parse_data: Mapping[str, Any]) -> tuple[str, float]:
    """The topic (intent name, or a retrieval intent's selected sub-topic) and its confidence."""
    intent = parse_data.get("intent") or {}
    name = intent.get("name") or "unknown"
    confidence = float(intent.get("confidence") or 0.0)
    selected = ((parse_data.get("response_selector") or {}).get(name) or {}).get("response") or {}
    key = selected.get("intent_response_key")
    if isinstance(key, str) and "/" in key:
        name = key.split("/", 1)[1]
    return str(name)[:64], confidence


# What Rasa records just before a session's `session_started`: the metadata the channel sent
# with the first message (REST and socket.io send some) and the session-start action.
SESSION_PRELUDE = {("slot", "session_started_metadata"), ("action", "action_session_start")}


class Processor:
    """Stateless between calls: everything it must remember is in the ConversationState."""

    def __init__(self, salt: str) -> None:
        self._salt = salt

    def handle(self, state: ConversationState, event: Mapping[str, Any]) -> list[Fact]:
        kind = event.get("event")
        timestamp = float(event.get("timestamp") or time.time())
        if state.seen(f"{kind}|{timestamp!r}|{event.get('name')}"):
            return []
        if (kind, event.get("name")) in SESSION_PRELUDE:
            return []  # session_started follows them
        facts: list[Fact] = []
        if kind == "session_started" or state.conversation_key is None:
            facts += self._new_session(state, timestamp)
        state.last_event_at = max(state.last_event_at, timestamp)
        if kind == "user":
            facts += self._user(state, event, timestamp)
        elif kind == "bot":
            facts += self._bot(state, event, timestamp)
        elif kind == "slot":
            facts += self._slot(state, event, timestamp)
        elif kind == "active_loop":
            facts += self._active_loop(state, event, timestamp)
        return facts

    def conversation_update(self, state: ConversationState) -> Update:
        """The conversation row as the state now has it (written once per batch)."""
        return Update(
            "conversations",
            str(state.conversation_key),
            {
                "last_event_at": state.last_event_at,
                "language": state.language,
                "region": state.region,
                "turns": state.turns,
                "fallbacks": state.fallbacks,
                "handed_off": state.handed_off,
            },
        )

    # --- sessions --------------------------------------------------------------------------------
    def _new_session(self, state: ConversationState, timestamp: float) -> list[Fact]:
        facts: list[Fact] = []
        if state.conversation_key is not None:
            facts += self._end_task(state, "abandoned", "left", state.last_event_at)
            facts.append(self.conversation_update(state))
        state.session += 1
        state.conversation_key = f"{state.conversation}.{state.session}"
        # Slots are not carried over to a new session (domain/core.yml), nor is anything else.
        state.started_at = state.last_event_at = timestamp
        state.language, state.region = "en", None
        state.turns = state.fallbacks = 0
        state.handed_off = False
        state.requested_slot = state.pending_turn = None
        state.counters = {}
        facts.append(
            Insert(
                "conversations",
                {
                    "key": state.conversation_key,
                    "conversation": state.conversation,
                    "started_at": timestamp,
                    "day": day_of(timestamp),
                    "channel": state.channel,
                    "region": None,
                    "language": "en",
                    "last_event_at": timestamp,
                    "turns": 0,
                    "fallbacks": 0,
                    "handed_off": False,
                },
            )
        )
        return facts

    # --- turns -----------------------------------------------------------------------------------
    def _user(self, state: ConversationState, event: Mapping[str, Any], timestamp: float) -> list[Fact]:
        parse_data = event.get("parse_data") or {}
        topic, confidence = topic_of(parse_data)
        fallback = topic in NOT_UNDERSTOOD
        question = state.requested_slot if state.task else None
        unclear = fallback or (confidence < LOW_CONFIDENCE and question is None)
        text = event.get("text")
        keep_text = unclear and isinstance(text, str) and question not in PRIVATE_QUESTIONS
        state.turns += 1
        state.fallbacks += int(fallback)
        key = state.next_key("u")
        state.pending_turn, state.pending_turn_at = key, timestamp
        return [
            Insert(
                "turns",
                {
                    "key": key,
                    "conversation_key": state.conversation_key,
                    "at": timestamp,
                    "day": day_of(timestamp),
                    "channel": state.channel,
                    "language": state.language,
                    "topic": topic,
                    "confidence": round(confidence, 4),
                    "fallback": fallback,
                    "latency_ms": None,
                    "text": masked(str(text)) if keep_text else None,
                },
            )
        ]

    def _bot(self, state: ConversationState, event: Mapping[str, Any], timestamp: float) -> list[Fact]:
        facts: list[Fact] = []
        if state.pending_turn is not None:
            latency_ms = max(0, round((timestamp - state.pending_turn_at) * 1000))
            facts.append(Update("turns", state.pending_turn, {"latency_ms": latency_ms}))
            state.pending_turn = None
        metadata = event.get("metadata") or {}
        response = metadata.get("utter_action")
        if response in IDENTITY_RESPONSES:
            purpose, step = IDENTITY_RESPONSES[response]
            if purpose is None:
                purpose = "confirm" if state.requested_slot == "confirm_code" else "verify"
            facts.append(self._identity(state, purpose, step, timestamp))
        elif response in HANDOFF_RESPONSES:
            facts.append(self._handoff(state, HANDOFF_RESPONSES[response], metadata, timestamp))
        return facts

    def _identity(self, state: ConversationState, purpose: str, step: str, timestamp: float) -> Insert:
        return Insert(
            "identity_checks",
            {
                "key": state.next_key("c"),
                "conversation_key": state.conversation_key,
                "at": timestamp,
                "day": day_of(timestamp),
                "purpose": purpose,
                "step": step,
            },
        )

    def _handoff(
        self, state: ConversationState, outcome: str, metadata: Mapping[str, Any], timestamp: float
    ) -> Insert:
        reference = metadata.get("reference")
        wait = metadata.get("wait")
        if outcome in HANDED_OFF:
            state.handed_off = True
        return Insert(
            "handoffs",
            {
                "key": state.next_key("h"),
                "conversation_key": state.conversation_key,
                "reference_hash": reference_hash(self._salt, reference)
                if isinstance(reference, str)
                else None,
                "requested_at": timestamp,
                "day": day_of(timestamp),
                "channel": state.channel,
                "outcome": outcome,
                "estimated_wait_min": int(wait) if isinstance(wait, (int, float)) else None,
                "waited_s": None,
            },
        )

    # --- slots and forms -------------------------------------------------------------------------
    def _slot(self, state: ConversationState, event: Mapping[str, Any], timestamp: float) -> list[Fact]:
        name, value = event.get("name"), event.get("value")
        facts: list[Fact] = []
        if name == "requested_slot":
            state.requested_slot = value if isinstance(value, str) else None
            if state.task_key and state.requested_slot and state.requested_slot not in state.task_questions:
                state.task_questions.append(state.requested_slot)
                facts.append(
                    Insert(
                        "task_questions",
                        {
                            "task_key": state.task_key,
                            "question": state.requested_slot[:64],
                            "position": len(state.task_questions),
                            "reached_at": timestamp,
                        },
                    )
                )
                facts.append(Update("tasks", state.task_key, {"last_question": state.requested_slot[:64]}))
        elif name == "task_outcome":
            state.task_outcome = value if isinstance(value, str) else None
        elif name == "language" and isinstance(value, str) and value:
            state.language = value[:8]
            if state.pending_turn is not None:  # the slot follows the message that set it
                facts.append(Update("turns", state.pending_turn, {"language": state.language}))
        elif name == "region_code":
            state.region = value[:8] if isinstance(value, str) and value else state.region
        return facts

    def _active_loop(
        self, state: ConversationState, event: Mapping[str, Any], timestamp: float
    ) -> list[Fact]:
        name = event.get("name")
        if name is None:
            if state.task_key is None:
                return []
            outcome = state.task_outcome
            if outcome is None:
                return self._end_task(state, "completed", None, timestamp)
            return self._end_task(state, "abandoned", reason_of(outcome), timestamp)
        if not (isinstance(name, str) and name.endswith("_form")):
            return []
        facts = self._end_task(state, "abandoned", "interrupted", timestamp)
        state.task = name[: -len("_form")][:64]
        state.task_key = state.next_key("t")
        state.task_outcome = None
        state.task_questions = []
        facts.append(
            Insert(
                "tasks",
                {
                    "key": state.task_key,
                    "conversation_key": state.conversation_key,
                    "task": state.task,
                    "started_at": timestamp,
                    "day": day_of(timestamp),
                    "outcome": "open",
                    "reason": None,
                    "last_question": None,
                    "ended_at": None,
                },
            )
        )
        return facts

    def _end_task(
        self, state: ConversationState, outcome: str, reason: str | None, timestamp: float
    ) -> list[Fact]:
        if state.task_key is None:
            return []
        key = state.task_key
        state.task = state.task_key = state.task_outcome = None
        state.task_questions = []
        state.requested_slot = None
        return [Update("tasks", key, {"outcome": outcome, "reason": reason, "ended_at": timestamp})]
