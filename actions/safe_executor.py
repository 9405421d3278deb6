"""rasa_sdk's executor, but an action that fails still answers with events.

Left alone, an unexpected exception inside an action makes rasa_sdk answer 500 with the error
text and the whole request (the tracker: every message of the conversation), and Rasa writes
that answer to its log. Here the exception becomes a polite "something went wrong on my side,
nothing was changed" message; a form's validation action also ends the form with `task_outcome`
set, so the task's submit action changes nothing. The log gets the exception's type and the
positions of its frames only: never its text, which may quote a tracker, a slot or a body.
"""

from __future__ import annotations

import logging
import traceback
from pathlib import Path
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException

logger = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parent.parent
FAILED_RESPONSE = "utter_action_failed"
# What task_outcome holds after a failed validation: TaskAction then does nothing.
FAILED_OUTCOME = "error"


def frame_positions(error: BaseException) -> str:
    """ "actions/identity.py:120 in send_code < …": where it happened, nothing of what."""
    frames = traceback.extract_tb(error.__traceback__)
    return " < ".join(
        f"{_short_path(frame.filename)}:{frame.lineno} in {frame.name}" for frame in reversed(frames)
    )


def _short_path(filename: str) -> str:
    path = Path(filename)
    try:
        return str(path.resolve().relative_to(REPO_ROOT))
    except ValueError:
        # A library frame: the package-relative part (e.g. rasa_sdk/executor.py).
        parts = path.parts
        index = max((i for i, part in enumerate(parts) if part == "site-packages"), default=-1)
        return "/".join(parts[index + 1 :]) if index >= 0 else path.name


def is_form_validation(action_name: str) -> bool:
    return action_name.startswith("validate_") and action_name.endswith("_form")


class SafeExecutor(ActionExecutor):
    def failure_answer(self, action_name: str) -> dict[str, Any]:
        """The answer for a failed action: the polite message, and for a form's validation the
        events that end the form with nothing done."""
        dispatcher = CollectingDispatcher()
        dispatcher.utter_message(response=FAILED_RESPONSE)
        events: list[dict[str, Any]] = []
        if is_form_validation(action_name):
            events = [SlotSet("task_outcome", FAILED_OUTCOME), SlotSet("requested_slot", None)]
        return self._create_api_response(events, dispatcher.messages)

    async def run(self, action_call: dict[str, Any]) -> dict[str, Any] | None:
        try:
            return await super().run(action_call)
        except (ActionNotFoundException, ActionExecutionRejection):
            raise
        except Exception as error:  # noqa: BLE001 - every failure must still answer with events
            requested = action_call.get("next_action") if isinstance(action_call, dict) else None
            # Only a registered name is logged: a name from the request is not ours to echo.
            name = requested if isinstance(requested, str) and requested in self.actions else "unknown"
            logger.error("action %s failed: %s at %s", name, type(error).__name__, frame_positions(error))
            return self.failure_answer(name)
