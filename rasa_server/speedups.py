"""Two of Rasa 3.6's per-message costs that do not need to be paid every time (measured with
py-spy on a 60-message conversation; docs/benchmarks.md):

- every custom action's answer was checked with `jsonschema.validate`, which checks the schema
  itself first and builds a new validator: 28% of the Rasa process's time. The schema never
  changes, so its validator is built once; and each event is checked against the one kind of
  event its name allows rather than all 23 (12% under load; see `_plain_validity_check`). A
  bad answer still fails with Rasa's own error.
- reading a conversation turned each stored event into its class by walking every subclass of
  Event (`Event.resolve_by_type`): 14%. The classes are looked up in a table built once (again
  if a name is not found, so a class defined later is still found).
- the events that apply (`DialogueStateTracker.applied_events`, a walk over the whole
  conversation) were worked out again by every policy and featurizer in a turn: 19% after the
  two above. They are kept with the tracker until an event is added (events are only ever
  appended; the key is the event list, its length and its last event).
- the states of every past turn (`DialogueStateTracker.past_states`) were worked out four
  times per prediction (the rule policy twice, memoization, TED) for two sets of arguments:
  they are kept the same way, per set of arguments, and each caller gets its own copy.
- every new tracker copied each of the domain's 76 slots with `copy.copy`, which goes through
  `__reduce_ex__`: a slot now copies its attributes directly (the same shallow copy).
"""

from __future__ import annotations

from typing import Any

_installed = False


def install() -> None:
    global _installed
    if _installed:  # wrapping twice would keep results twice
        return
    _installed = True
    _validate_action_results_with_one_validator()
    _resolve_events_from_a_table()
    _applied_events_once_per_state()
    _past_states_once_per_state()
    _slots_copied_directly()


def _validate_action_results_with_one_validator() -> None:
    from jsonschema import ValidationError
    from jsonschema.exceptions import best_match
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.constants import DOCS_BASE_URL

    spec = RemoteAction.action_response_format_spec()
    validator_class = validator_for(spec)
    validator_class.check_schema(spec)
    validator = validator_class(spec)
    plainly_valid = _plain_validity_check(spec, validator_class)

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if plainly_valid(result):
            return True
        # Not plainly valid: the full schema decides, and words the error as Rasa's own check.
        error = best_match(validator.iter_errors(result))
        if error is None:
            return True
        assert isinstance(error, ValidationError)
        error.message += (
            ". Failed to validate Action server response from API, make sure your response from "
            "the Action endpoint is valid. For more information about the format visit "
            f"{DOCS_BASE_URL}/custom-actions"
        )
        raise error

    RemoteAction._validate_action_result = validate_action_result  # type: ignore[method-assign]


def _plain_validity_check(spec: dict[str, Any], validator_class: Any) -> Any:
    """Rasa's event schema checks each event against all 23 kinds of event (`oneOf`), each kind
    pinned by a different `"event": {"const": …}`. So an event can only ever match the kind its
    own name gives: checking that one kind (and the parts common to all) is the same check,
    without the 22 that cannot match. True means valid; False leaves it to the full schema."""
    from rasa.shared.utils.schemas.events import EVENT_SCHEMA

    answer_without_events = validator_class(
        {**spec, "properties": {**spec["properties"], "events": {"type": "array"}}}
    )
    common_to_all = validator_class({key: value for key, value in EVENT_SCHEMA.items() if key != "oneOf"})
    kind_named = {
        kind["properties"]["event"]["const"]: validator_class(kind) for kind in EVENT_SCHEMA["oneOf"]
    }
    assert len(kind_named) == len(EVENT_SCHEMA["oneOf"]), "two kinds of event share a name"

    def plainly_valid(result: Any) -> bool:
        if not answer_without_events.is_valid(result):
            return False
        for event in result.get("events") or []:
            name = event.get("event") if isinstance(event, dict) else None
            kind = kind_named.get(name) if isinstance(name, str) else None
            if kind is None or not common_to_all.is_valid(event) or not kind.is_valid(event):
                return False
        return True

    return plainly_valid


def _resolve_events_from_a_table() -> None:
    from rasa.shared.core.events import Event
    from rasa.shared.utils.common import all_subclasses

    original = Event.resolve_by_type
    table: dict[str, type[Event]] = {}

    def fill() -> None:
        for cls in all_subclasses(Event):
            table.setdefault(cls.type_name, cls)  # the first match, as Rasa's own loop finds it

    def resolve_by_type(type_name: str, default: type[Event] | None = None) -> type[Event] | None:
        found = table.get(type_name)
        if found is None:
            fill()
            found = table.get(type_name)
        return found if found is not None else original(type_name, default)

    Event.resolve_by_type = staticmethod(resolve_by_type)  # type: ignore[method-assign, assignment]


def _applied_events_once_per_state() -> None:
    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.applied_events

    def applied_events(self: DialogueStateTracker) -> list[Any]:
        events = self.events
        key = (id(events), len(events), id(events[-1]) if events else None)
        kept = self.__dict__.get("_applied_events_kept")
        if kept is None or kept[0] != key:
            kept = (key, original(self))
            self.__dict__["_applied_events_kept"] = kept
        return list(kept[1])  # callers may change their list

    applied_events.__wrapped__ = original  # type: ignore[attr-defined]
    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]


def _event_list_key(tracker: Any) -> tuple[int, int, int | None]:
    events = tracker.events
    return (id(events), len(events), id(events[-1]) if events else None)


def _past_states_once_per_state() -> None:
    import json

    from rasa.shared.core.trackers import DialogueStateTracker

    original = DialogueStateTracker.past_states

    def past_states(
        self: DialogueStateTracker,
        domain: Any,
        omit_unset_slots: bool = False,
        ignore_rule_only_turns: bool = False,
        rule_only_data: dict[str, Any] | None = None,
    ) -> list[Any]:
        arguments = (
            id(domain),
            omit_unset_slots,
            ignore_rule_only_turns,
            json.dumps(rule_only_data, sort_keys=True, default=str),
        )
        key = _event_list_key(self)
        kept = self.__dict__.get("_past_states_kept")
        if kept is None or kept[0] != key:
            kept = (key, {})
            self.__dict__["_past_states_kept"] = kept
        states = kept[1].get(arguments)
        if states is None:
            states = original(self, domain, omit_unset_slots, ignore_rule_only_turns, rule_only_data)
            kept[1][arguments] = states
        # A state maps names to sub-states of strings and tuples: two levels make it a copy
        # that callers may change (the featurizers drop the text of the last message).
        return [{name: dict(sub_state) for name, sub_state in state.items()} for state in states]

    past_states.__wrapped__ = original  # type: ignore[attr-defined]
    DialogueStateTracker.past_states = past_states  # type: ignore[method-assign]


def _slots_copied_directly() -> None:
    from rasa.shared.core.slots import Slot

    def copy_slot(self: Slot) -> Slot:
        duplicate = object.__new__(type(self))
        duplicate.__dict__.update(self.__dict__)
        return duplicate

    Slot.__copy__ = copy_slot  # type: ignore[attr-defined]
