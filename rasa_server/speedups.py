"""Two of Rasa 3.6's per-message costs that do not need to be paid every time (measured with
py-spy on a 60-message conversation; docs/benchmarks.md):

- every custom action's answer was checked with `jsonschema.validate`, which checks the schema
  itself first and builds a new validator: 28% of the Rasa process's time. The schema never
  changes, so its validator is built once; the answer is still checked in full and a bad one
  still fails with the same error.
- reading a conversation turned each stored event into its class by walking every subclass of
  Event (`Event.resolve_by_type`): 14%. The classes are looked up in a table built once (again
  if a name is not found, so a class defined later is still found).
- the events that apply (`DialogueStateTracker.applied_events`, a walk over the whole
  conversation) were worked out again by every policy and featurizer in a turn: 19% after the
  two above. They are kept with the tracker until an event is added (events are only ever
  appended; the key is the event list, its length and its last event).
"""

from __future__ import annotations

from typing import Any


def install() -> None:
    _validate_action_results_with_one_validator()
    _resolve_events_from_a_table()
    _applied_events_once_per_state()


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

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
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

    DialogueStateTracker.applied_events = applied_events  # type: ignore[method-assign]
