"""Runs the task forms' actions as Rasa's form loop would, without Rasa or a trained model.

    chat = Dialogue()
    await chat.say("pay $20 today", intent="pay_bill")   # the intent the NLU would have given
    chat.said    # response names uttered in that turn, in order
    chat.asks    # the question the form is waiting on (requested_slot), None when no form is on
    chat.slots   # every slot set so far

Each message is one turn, as Rasa 3.6's FormAction runs it (rasa/core/actions/forms.py):
- no form on: the intent's task form starts (or the dialogue's own task), its validation
  action runs once with `requested_slot` empty;
- a form on: its validation action runs on the message;
- the validation sets `requested_slot`: the form asks for it with the first of
  `action_ask_<form>_<slot>`, `utter_ask_<form>_<slot>`, `action_ask_<slot>`,
  `utter_ask_<slot>` that the domain has (an action runs; a response is recorded by name);
- the validation empties it: the form ends and the action that data/rules/tasks.yml runs after
  that form (the task's submit action) runs; a FollowupAction it returns runs next (another
  task's form, or the handoff).
Every action runs through the action server's executor (actions/safe_executor.py), which makes
its `Tracker` with `Tracker.from_dict` from the state built here: the slots, the latest message
(text, intent, entities, metadata), the events so far and the active loop. Slot events are
applied, so the next turn sees them.
"""

from __future__ import annotations

import uuid
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from actions.safe_executor import SafeExecutor
from actions.task_form import TASKS

REPO_ROOT = Path(__file__).resolve().parents[2]
MAX_ACTIONS_PER_TURN = 10


@cache
def executor() -> SafeExecutor:
    """The action server's executor with every action of the package registered."""
    running = SafeExecutor()
    running.register_package("actions")
    return running


@cache
def domain_names() -> frozenset[str]:
    """The actions and responses the domain declares (what Rasa's form may use to ask)."""
    names: set[str] = set()
    for path in (REPO_ROOT / "domain").glob("*.yml"):
        part = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names |= set(part.get("actions") or []) | set(part.get("responses") or {})
    return frozenset(names)


@cache
def submit_actions() -> dict[str, str]:
    """Form name -> the action the rules run when that form ends (data/rules/tasks.yml)."""
    rules = yaml.safe_load((REPO_ROOT / "data" / "rules" / "tasks.yml").read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for rule in rules["rules"]:
        steps = rule["steps"]
        for index, step in enumerate(steps[:-1]):
            if "action" in step and steps[index + 1] == {"active_loop": None}:
                found[step["action"]] = next(
                    later["action"] for later in steps[index + 2 :] if "action" in later
                )
    return found


class Dialogue:
    """One conversation with the task forms."""

    def __init__(
        self, task: str | None = None, *, sender: str | None = None, slots: dict[str, Any] | None = None
    ) -> None:
        # The task a message starts when its intent names none (a test's shorthand).
        self.task = task
        self.sender = sender or f"rest:unit-{uuid.uuid4().hex[:12]}"
        self.slots: dict[str, Any] = {"requested_slot": None, **(slots or {})}
        self.active_form: str | None = None
        self.history: list[dict[str, Any]] = []
        self.latest: dict[str, Any] = {}
        # What the last turn did.
        self.said: list[str] = []
        self.messages: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.ran: list[str] = []

    @property
    def asks(self) -> str | None:
        return self.slots.get("requested_slot") if self.active_form else None

    @property
    def form_active(self) -> bool:
        return self.active_form is not None

    @property
    def buttons(self) -> list[str]:
        """The payloads of the buttons offered in the last turn."""
        return [button["payload"] for message in self.messages for button in message.get("buttons") or []]

    def said_with(self, response: str) -> dict[str, Any]:
        """The values the last turn passed to a response (for its placeholders)."""
        return next(message for message in self.messages if message.get("response") == response)

    # --- the tracker ------------------------------------------------------------------------------
    def state(self) -> dict[str, Any]:
        """The tracker as Rasa sends it to the action server (which makes a `Tracker.from_dict`
        of it). The bot's messages are not among its events: no action here reads them."""
        return {
            "sender_id": self.sender,
            "slots": dict(self.slots),
            "latest_message": self.latest,
            "events": list(self.history),
            "paused": False,
            "followup_action": None,
            "active_loop": {"name": f"{self.active_form}_form"} if self.active_form else {},
            "latest_action_name": "action_listen",
        }

    async def run(self, action: str) -> dict[str, Any]:
        """One action on the current tracker; its slot events are applied."""
        call = {"next_action": action, "sender_id": self.sender, "tracker": self.state(), "domain": {}}
        result = await executor().run(call)
        assert result is not None
        self.ran.append(action)
        for event in result["events"]:
            if event.get("event") == "slot":
                self.slots[event["name"]] = event["value"]
        self.history += result["events"]
        self.events += result["events"]
        self.messages += result["responses"]
        self.said += [message.get("response") or message.get("text") for message in result["responses"]]
        return result

    # --- a turn -----------------------------------------------------------------------------------
    async def say(
        self,
        text: str,
        intent: str = "inform",
        confidence: float = 0.9,
        metadata: dict[str, Any] | None = None,
        entities: list[dict[str, Any]] | None = None,
    ) -> list[str]:
        """One message and everything Rasa would run for it; the response names said."""
        self.said, self.messages, self.events, self.ran = [], [], [], []
        self.latest = {
            "text": text,
            "intent": {"name": intent, "confidence": confidence},
            "entities": entities or [],
            "metadata": metadata or {},
        }
        self.history.append({"event": "user", "text": text, "parse_data": dict(self.latest)})
        if self.active_form is not None:
            await self.run_form(self.active_form)
        else:
            task = intent if intent in TASKS else self.task
            assert task is not None, f"no form starts for {intent!r}: name the dialogue's task"
            await self.run_form(task, starting=True)
        return self.said

    async def run_form(self, task: str, *, starting: bool = False) -> None:
        follow_ups: list[str] = [f"{task}_form"]
        for _ in range(MAX_ACTIONS_PER_TURN):
            if not follow_ups:
                return
            next_action = follow_ups.pop(0)
            if next_action == "action_listen":
                return
            if next_action.endswith("_form"):
                follow_ups += await self.form_step(next_action.removesuffix("_form"), starting)
                starting = True  # a form that follows another starts
            else:
                follow_ups += followups_in(await self.run(next_action))
        raise AssertionError(f"more than {MAX_ACTIONS_PER_TURN} actions in one turn: {self.ran}")

    async def form_step(self, task: str, starting: bool) -> list[str]:
        """The form's run: validation, then its question or its end (and the submit action)."""
        form = f"{task}_form"
        if starting:
            self.active_form = task
            self.slots["requested_slot"] = None
        result = await self.run(f"validate_{form}")
        if not starting:
            validated = [
                e for e in result["events"] if e.get("event") == "slot" and e["name"] != "requested_slot"
            ]
            # Rasa rejects a form run that validated nothing and lets the policies answer instead.
            assert validated, f"Rasa would reject {form} here: its validation set no slot"
        asked = self.slots.get("requested_slot")
        if asked is not None:
            await self.ask(form, asked)
            return []
        self.active_form = None
        return followups_in(await self.run(submit_actions()[form]))

    async def ask(self, form: str, slot: str) -> None:
        for name in (
            f"action_ask_{form}_{slot}",
            f"utter_ask_{form}_{slot}",
            f"action_ask_{slot}",
            f"utter_ask_{slot}",
        ):
            if name not in domain_names():
                continue
            if name.startswith("action_"):
                await self.run(name)
            else:
                self.said.append(name)
                self.messages.append({"response": name})
            return
        raise AssertionError(f"nothing in the domain asks for {slot}")


def followups_in(result: dict[str, Any]) -> list[str]:
    return [event["name"] for event in result["events"] if event.get("event") == "followup"]
