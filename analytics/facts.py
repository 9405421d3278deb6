"""What the processor asks the writer to do: add a row, change a row, or note a handoff's wait.

Plain values, so the processor can be tested without a database and the writer can merge a
row's insert and its later changes within one batch into one statement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Insert:
    table: str
    row: dict[str, Any]


@dataclass(frozen=True)
class Update:
    table: str
    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class HandoffTaken:
    """An agent took the case with this (hashed) reference after `waited_s` seconds."""

    reference_hash: str
    waited_s: int


Fact = Insert | Update | HandoffTaken
