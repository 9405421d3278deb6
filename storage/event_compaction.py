"""Which of a turn's events are worth storing: a slot set to the value it already holds is not.

Our forms and tasks clear their working slots on every step (a code, a challenge, a retry
count), so about half of a conversation's stored events set a slot that was already empty.
Replayed, such an event changes nothing; stored, it is read, rebuilt, walked by every policy
and sent to the action server with every later action of the conversation. Keeping them out
of the store halves that work (docs/benchmarks.md). Within the turn they still happen: the
tracker in memory, and what the action server sees during the turn, are untouched.

Only what is certain is dropped: after an event whose effect on slots is not known here (an
undone turn, say), no slot set is dropped until that slot is set again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rasa.shared.core.events import (
    ActionReverted,
    AllSlotsReset,
    Event,
    Restarted,
    SessionStarted,
    SlotSet,
    UserUtteranceReverted,
)

# Events after which every slot holds its initial value again.
_RESETS = (Restarted, SessionStarted, AllSlotsReset)
# Events that replay the conversation without part of it: slot values afterwards are unknown.
_REWINDS = (ActionReverted, UserUtteranceReverted)


def same_value(held: Any, new: Any) -> bool:
    """Equal and of the same types all the way down (1 and 1.0, or True and 1, are not the
    same to a response that shows the slot)."""
    if type(held) is not type(new):
        return False
    if isinstance(held, dict):
        return held.keys() == new.keys() and all(same_value(held[key], new[key]) for key in held)
    if isinstance(held, (list, tuple)):
        return len(held) == len(new) and all(same_value(a, b) for a, b in zip(held, new, strict=True))
    return bool(held == new)


class SlotValues:
    """The slot values a conversation's events lead to, as far as they are certain."""

    def __init__(self, initial_values: Mapping[str, Any], always_kept: Iterable[str] = ()) -> None:
        self._initial = dict(initial_values)
        self._known = dict(initial_values)
        self._always_kept = frozenset(always_kept)

    def follow(self, event: Event) -> bool:
        """Moves past `event`; False when it is a slot set that changes nothing."""
        if isinstance(event, SlotSet):
            if (
                event.key not in self._always_kept
                and event.key in self._known
                and same_value(self._known[event.key], event.value)
            ):
                return False
            self._known[event.key] = event.value
        elif isinstance(event, _RESETS):
            self._known = dict(self._initial)
        elif isinstance(event, _REWINDS):
            self._known = {}
        return True
