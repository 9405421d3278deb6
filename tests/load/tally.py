"""What a load run counts beyond Locust's request statistics: conversations by scenario and how
they ended, errors by cause, exactly-once violations by kind, and notable valid outcomes.

Written as JSON when Locust quits; scripts/load_test.py merges it with Locust's CSV files.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Tally:
    started: Counter[str] = field(default_factory=Counter)
    completed: Counter[str] = field(default_factory=Counter)
    failed: Counter[str] = field(default_factory=Counter)
    # A turn that failed its checks (also a Locust failure), by cause.
    turn_errors: Counter[str] = field(default_factory=Counter)
    # A conversation that failed outside a turn (no code in the outbox, a card lock never free).
    conversation_errors: Counter[str] = field(default_factory=Counter)
    violations: Counter[str] = field(default_factory=Counter)
    # Valid but worth knowing: a scenario run as another for want of a code, a limit's answer.
    outcomes: Counter[str] = field(default_factory=Counter)
    turns: int = 0
    # Locust's request statistics at the end (the locustfile fills them in): total and per step.
    requests: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        interrupted = {
            name: self.started[name] - self.completed[name] - self.failed[name]
            for name in self.started
            if self.started[name] - self.completed[name] - self.failed[name]
        }
        return {
            "requests": self.requests,
            "turns": self.turns,
            "conversations": {
                "started": sum(self.started.values()),
                "completed": sum(self.completed.values()),
                "failed": sum(self.failed.values()),
                # Still running when the run ended (Locust stopped the user mid-conversation).
                "interrupted": sum(interrupted.values()),
                "by_scenario": {
                    name: {
                        "started": self.started[name],
                        "completed": self.completed[name],
                        "failed": self.failed[name],
                    }
                    for name in sorted(self.started)
                },
            },
            "turn_errors": dict(self.turn_errors),
            "conversation_errors": dict(self.conversation_errors),
            "exactly_once_violations": dict(self.violations),
            "outcomes": dict(self.outcomes),
        }

    def write(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.as_dict(), indent=2, sort_keys=True) + "\n", encoding="utf-8")
