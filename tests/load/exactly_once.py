"""Did every reply of a turn arrive exactly once, for this conversation, and in order?

The REST channel answers each message in its own HTTP response, so a conversation's turns are
numbered as they are sent and each response must belong to the turn in flight. What would show
a delivery fault under load (replies of one conversation mixed into another, a reply sent twice,
an earlier turn's replies arriving again):
- `wrong_recipient`: a reply addressed to another conversation;
- `empty_reply`: a reply with nothing to show;
- `repeated_in_response`: the same reply twice in one response;
- `repeated_from_earlier_turn`: a reply that can happen only once (it carries a reference or says
  the customer is verified) again in a later turn;
- `out_of_order`: a response for a turn that is not the next one, sent before the previous turn
  was answered, or the previous turn's replies again instead of this turn's answer.

Pure Python: imported by the locustfile (tools venv) and by a fast unit test (main venv).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

# Replies that happen once in a conversation: a new reference, the verification.
ONCE_ONLY = re.compile(r"\b(?:PM|HO|FR|DP|RP)-[A-Z0-9]{4,}\b|you're verified")
SHOWN_FIELDS = ("image", "buttons", "custom", "attachment", "elements", "quick_replies")


@dataclass
class Turn:
    seq: int  # 1, 2, … in the order the messages were sent
    step: str
    message: str
    sent_at: float
    answered_at: float | None = None
    replies: list[dict[str, Any]] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [str(reply.get("text") or "") for reply in self.replies]

    @property
    def text(self) -> str:
        return "\n".join(self.texts)


@dataclass(frozen=True)
class Violation:
    kind: str
    detail: str


def _empty(reply: dict[str, Any]) -> bool:
    return not str(reply.get("text") or "").strip() and not any(reply.get(key) for key in SHOWN_FIELDS)


def _identity(reply: dict[str, Any]) -> str:
    """A reply as a comparable string (text, buttons and the rest, not the recipient)."""
    return json.dumps({k: v for k, v in reply.items() if k != "recipient_id"}, sort_keys=True)


def delivery_violations(sender: str, turn: Turn, earlier: list[Turn], expected_met: bool) -> list[Violation]:
    """What is wrong with how `turn`'s replies were delivered, given the conversation's earlier,
    answered turns (oldest first). `expected_met`: whether the replies are the kind the turn asked
    for (a stale repeat of the previous answer is an ordering fault only when they are not)."""
    found: list[Violation] = []
    for reply in turn.replies:
        if reply.get("recipient_id") != sender:
            found.append(Violation("wrong_recipient", "a reply addressed to another conversation"))
        if _empty(reply):
            found.append(Violation("empty_reply", "a reply with no text or content"))
    seen: set[str] = set()
    for reply in turn.replies:
        key = _identity(reply)
        if key in seen:
            found.append(Violation("repeated_in_response", "the same reply twice in one response"))
        seen.add(key)
    earlier_once = {text for past in earlier for text in past.texts if ONCE_ONLY.search(text)}
    for text in turn.texts:
        if text in earlier_once:
            found.append(Violation("repeated_from_earlier_turn", "a one-time reply of an earlier turn again"))
    found.extend(_order_violations(turn, earlier, expected_met))
    return found


def _order_violations(turn: Turn, earlier: list[Turn], expected_met: bool) -> list[Violation]:
    found = []
    if turn.seq != len(earlier) + 1:
        found.append(Violation("out_of_order", f"answer for turn {turn.seq} after {len(earlier)} turns"))
    if earlier:
        previous = earlier[-1]
        if previous.answered_at is None or previous.answered_at > turn.sent_at:
            found.append(
                Violation("out_of_order", f"turn {turn.seq} sent before turn {previous.seq} was answered")
            )
        if not expected_met and turn.replies and turn.texts == previous.texts:
            found.append(
                Violation("out_of_order", f"turn {previous.seq}'s replies again as turn {turn.seq}'s")
            )
    return found
