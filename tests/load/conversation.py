"""One simulated customer's conversation through the REST channel, every turn checked.

A turn is one Locust request named "<scenario>: <step>". It fails (and the conversation stops)
when the answer is not an HTTP 200 with a JSON list of at least one reply, when its replies were
not delivered exactly once and in order (exactly_once.py), or when they are not the kind of reply
the turn expects (replies.py). Each failure is counted by cause in the run's tally.
"""

from __future__ import annotations

import random
import re
import time
import uuid
from typing import Any

import gevent

from tests.load.exactly_once import Turn, delivery_violations
from tests.load.replies import Expect
from tests.load.tally import Tally

WEBHOOK = "/webhooks/rest/webhook"
REPLY_TIMEOUT_S = 60


class ConversationFailed(Exception):
    """A turn failed its checks, or the conversation could not go on; already counted."""


def _shown(text: str, limit: int = 90) -> str:
    """A reply in a failure message: digits masked, so that Locust groups failures by kind (and
    no balance or reference ends up in its failure table), and short."""
    flat = re.sub(r"\d", "#", " ".join(text.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


class Conversation:
    def __init__(self, client: Any, scenario: str, tally: Tally, think_s: float = 0.0) -> None:
        self.client = client  # Locust's HttpSession (requests with statistics)
        self.scenario = scenario
        self.tally = tally
        self.think_s = think_s
        self.sender = f"load-{uuid.uuid4().hex}"
        self.turns: list[Turn] = []

    def say(self, step: str, message: str, expect: Expect) -> Turn:
        """Sends one message and checks the answer; raises ConversationFailed when it fails."""
        if self.turns and self.think_s:
            gevent.sleep(random.uniform(0, self.think_s))  # the customer reads and types
        turn = Turn(seq=len(self.turns) + 1, step=step, message=message, sent_at=time.monotonic())
        with self.client.post(
            WEBHOOK,
            json={"sender": self.sender, "message": message},
            name=f"{self.scenario}: {step}",
            catch_response=True,
            timeout=REPLY_TIMEOUT_S,
        ) as response:
            turn.answered_at = time.monotonic()
            cause, problem = self._check(turn, response, expect)
            self.turns.append(turn)
            self.tally.turns += 1
            if problem:
                response.failure(problem)
            else:
                response.success()
        if problem:
            self.tally.turn_errors[cause] += 1
            raise ConversationFailed(problem)
        return turn

    def _check(self, turn: Turn, response: Any, expect: Expect) -> tuple[str, str]:
        """(cause, message) of the first problem with the answer, or ("", "")."""
        if response.status_code != 200:
            status = response.status_code or "no answer"
            return f"http_{status}", f"HTTP {status} at '{turn.step}'"
        try:
            replies = response.json()
        except ValueError:
            return "not_json", f"not JSON at '{turn.step}'"
        if not isinstance(replies, list) or not all(isinstance(reply, dict) for reply in replies):
            return "not_a_list_of_replies", f"not a list of replies at '{turn.step}'"
        if not replies:
            return "no_reply", f"no reply at '{turn.step}'"
        turn.replies = replies
        met = expect.met_by(turn.text)
        violations = delivery_violations(self.sender, turn, self.turns, met)
        for violation in violations:
            self.tally.violations[violation.kind] += 1
        if violations:
            first = violations[0]
            return f"exactly_once:{first.kind}", f"{first.detail} at '{turn.step}'"
        if not met:
            return "unexpected_reply", f"expected {expect.kind} at '{turn.step}', got: {_shown(turn.text)}"
        return "", ""

    def fail(self, cause: str, message: str) -> ConversationFailed:
        """A failure outside a turn (nothing Locust measured), counted; to be raised."""
        self.tally.conversation_errors[cause] += 1
        return ConversationFailed(message)

    @property
    def last(self) -> Turn:
        return self.turns[-1]

    def buttons(self) -> list[str]:
        return [
            str(button.get("payload")) for reply in self.last.replies for button in reply.get("buttons") or []
        ]
