"""What every account-task form shares: the identity check, the way out, questions in between.

Each task is a Rasa form `<task>_form` whose slots are all filled by its validation action
(custom mappings only: a typed `/intent{"slot": ...}` fills nothing). The validation action
reads the customer's text for the slot that was asked, and then decides the next question:
- not verified in the account service: the User ID (or card last four and date of birth)
  and the one-time code, sent when the identity details are complete;
- verified: the task's own questions, then a fresh code when the task changes something and
  the verification is older than the service allows.
A message that is not an answer is still heard: "stop" ends the form, "agent" hands over,
another task starts that task, a question about something else is answered and the form asks
its question again. When the form ends, the task's submit action (TaskAction) runs; it does
the task only when every answer is in, and otherwise explains why it stopped.
"""

from __future__ import annotations

from abc import ABCMeta, abstractmethod
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import identity
from actions.confirmation import read_yes_no
from actions.facts import fact_slots, load_issuer_config, translated_fact_slots
from actions.language import is_language_switch, language_of
from actions.parsing import is_payload as parse_is_payload
from actions.parsing import words
from actions.region import region_slot_events
from actions.turn_service import TurnService
from common.account_client import Reply, ServiceUnavailable, VerifiedSession
from common.folding import fold_all
from localization.topics import offer_buttons, offer_text

# Topics that start a task of their own (each has a `<topic>_form`).
TASKS = (
    "check_balance",
    "recent_transactions",
    "view_statements",
    "pay_bill",
    "setup_autopay",
    "activate_card",
    "freeze_card",
    "unfreeze_card",
    "report_fraud",
    "dispute_charge",
    "replace_card",
    "card_declined",
    "rewards",
    "manage_alerts",
    "update_personal_details",
    "find_user_id",
    "reset_password",
    "account_locked",
)
# Topics answered from the domain's responses without leaving the form.
QUESTIONS = (
    "register_online",
    "login_help",
    "mfa_help",
    "password_requirements",
    "browser_troubleshooting",
    "mobile_app",
    "manage_pin",
    "card_benefits",
    "contact_support",
    "security_tips",
    "report_phishing",
    "bot_challenge",
)
# A message of only these words ends the form; the Hindi answers invite "रुकें" and "एजेंट".
# (Not "बंद": that is "off" to an alert question.)
EXIT_WORDS = fold_all(
    {"stop", "cancel", "quit", "exit", "nevermind", "abort"}
    | {"रुकें", "रुको", "रुकिए", "रुक", "ruko", "ruk", "ruken", "rukiye", "bas", "बस"}
)
EXIT_FILLER = fold_all({"please", "it", "कृपया", "kripya", "यहीं", "yahin", "जी", "ji", "जाओ", "jao", "जाइए"})
AGENT_WORDS = fold_all({"agent", "एजेंट"})
# "एजेंट से बात करनी है", "agent se baat karo", "I want an agent": a person, asked for in words.
AGENT_FILLER = fold_all(
    """please i want an a to talk speak with me kripya mujhe muje kisi kisi se baat bat karo karni karna
    karwao chahiye hai dijiye do कृपया मुझे किसी से बात करें करो करनी करना कराएँ कराइए चाहिए है
    दीजिए दो जी ji""".split()  # noqa: SIM905 (easier to read as text)
)
CONFIDENT = 0.7
MAX_RETRIES = 3

# Slots every task form may use; the submit action clears them for the next task.
IDENTITY_SLOTS = (
    "user_id",
    "identity_route",
    "identity_card",
    "date_of_birth",
    "identity_code",
    "challenge_id",
    "code_destination",
    "code_channel",
)
STEP_UP_SLOTS = ("confirm_code", "confirm_challenge_id")
CONTROL_SLOTS = ("task_outcome", "form_retries", "card_named")


@dataclass
class Turn:
    """One run of a form's validation action: what was said and what it changes."""

    tracker: Tracker
    dispatcher: CollectingDispatcher
    service: TurnService
    updates: dict[str, Any] = field(default_factory=dict)
    _session: VerifiedSession | None = None
    _session_loaded: bool = False

    @property
    def text(self) -> str:
        return (self.tracker.latest_message or {}).get("text") or ""

    @property
    def language(self) -> str:
        """The answer language ("en", "hi"): values and buttons are worded in it."""
        return language_of(self.tracker)

    @property
    def intent(self) -> tuple[str | None, float]:
        intent = (self.tracker.latest_message or {}).get("intent") or {}
        return intent.get("name"), float(intent.get("confidence") or 0.0)

    def slot(self, name: str) -> Any:
        return self.updates[name] if name in self.updates else self.tracker.get_slot(name)

    def set(self, **values: Any) -> None:
        self.updates.update(values)

    def say(self, response: str, **values: Any) -> None:
        self.dispatcher.utter_message(response=response, **values)

    async def session(self, refresh: bool = False) -> VerifiedSession | None:
        if refresh or not self._session_loaded:
            self._session = await self.service.session()
            self._session_loaded = True
        return self._session

    async def today(self) -> date:
        """The account service's date: due dates and "today" must agree with the system of record."""
        session = await self.session()
        if session and session.today:
            return date.fromisoformat(session.today)
        return date.today()

    async def region(self) -> str | None:
        """The customer's region ("US", "IN"), which decides how 12/05 reads: the verified
        customer's own, else the one named in the conversation, else None (not known)."""
        session = await self.session()
        return (session.region if session else None) or self.slot("region_code")

    def finish(self, outcome: str) -> None:
        self.set(task_outcome=outcome)


def confirmation(turn: Turn, slot: str, declined_response: str) -> bool:
    """An explicit yes or no to a summary (actions/confirmation.py); a no ends the task with
    nothing changed. Anything else is not an answer: the form then switches to another task,
    answers a question, or asks again. The NLU's affirm intent is never taken for a yes."""
    answer = read_yes_no(turn.text)
    if answer is None:
        return False
    if not answer:
        turn.say(declined_response)
        turn.finish("declined")
        return True
    turn.set(**{slot: True})
    return True


def region_events_for(region_code: str | None) -> dict[str, Any]:
    return fact_slots(load_issuer_config(), region_code) if region_code else {}


class TaskForm(Action, metaclass=ABCMeta):
    """Validation action of `<task>_form`. Subclasses name the task and its own slots."""

    # Abstract until a subclass names its task: the SDK registers concrete classes only.
    @property
    @abstractmethod
    def task(self) -> str: ...

    # The questions of the task itself, in order, asked once the customer is verified.
    task_slots: ClassVar[tuple[str, ...]] = ()
    # Values taken from the request or kept between questions, never asked for.
    extra_slots: ClassVar[tuple[str, ...]] = ()
    # Change something (pay, change details, cancel autopay): a code no older than 5 minutes.
    needs_fresh_code: ClassVar[bool] = False
    # False for tasks that need no verified session (account_locked answers for the conversation).
    needs_identity: ClassVar[bool] = True
    identity_route: ClassVar[str] = "user_id"

    def name(self) -> str:
        return f"validate_{self.task}_form"

    @classmethod
    def all_slots(cls) -> tuple[str, ...]:
        return (*IDENTITY_SLOTS, *STEP_UP_SLOTS, *CONTROL_SLOTS, *cls.task_slots, *cls.extra_slots)

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        turn = Turn(tracker, dispatcher, TurnService.for_tracker(tracker))
        requested = tracker.get_slot("requested_slot")
        next_slot = None
        try:
            if requested is None:
                await self.start(turn)
            else:
                await self.hear(turn, requested)
            if turn.slot("task_outcome") is None:
                next_slot = await self.next_question(turn)
        except ServiceUnavailable:
            turn.finish("unavailable")
        return [SlotSet(name, value) for name, value in turn.updates.items()] + [
            SlotSet("requested_slot", next_slot if turn.slot("task_outcome") is None else None)
        ]

    # --- the first message -------------------------------------------------------------------
    async def start(self, turn: Turn) -> None:
        """Clears what an earlier run of this task left and takes what the request already says."""
        turn.set(
            **{name: None for name in (*STEP_UP_SLOTS, *CONTROL_SLOTS, *self.task_slots, *self.extra_slots)}
        )
        if turn.slot("identity_route") is None:
            turn.set(identity_route=self.identity_route)
        # A second request in the same message ("… and send me a new card"): offered at the end.
        second = ((turn.tracker.latest_message or {}).get("second_request") or {}).get("name")
        turn.set(next_request=second if second and second != self.task else None)
        await self.prefill(turn)

    async def prefill(self, turn: Turn) -> None:
        """Values named in the request itself ("pay $200 on Friday"); subclasses read them."""

    # --- an answer -----------------------------------------------------------------------------
    async def hear(self, turn: Turn, requested: str) -> None:
        intent, confidence = turn.intent
        if self.wants_out(turn, intent, confidence):
            return
        if self.takes_region(turn):
            turn.set(**{requested: None})
            return
        if is_language_switch(turn.tracker):
            # Not an answer and not a misunderstanding: the same question again, in that language.
            turn.say("utter_language_changed")
            turn.set(**{requested: None})
            return
        validator = getattr(self, f"validate_{requested}", None)
        if validator is None:
            validator = getattr(identity, f"validate_{requested}", None)
        understood = await validator(turn) if validator else False
        if understood:
            if "form_retries" not in turn.updates:
                turn.set(form_retries=None)
            return
        if self.changes_subject(turn, intent, confidence):
            return
        if intent in QUESTIONS and confidence >= CONFIDENT:
            turn.say(f"utter_{intent}")
            turn.set(**{requested: None})
            return
        retries = int(turn.slot("form_retries") or 0) + 1
        if retries >= MAX_RETRIES:
            turn.say("utter_task_gave_up")
            turn.finish("gave_up")
            return
        turn.say(self.hint_for(turn, requested))
        turn.set(**{requested: None, "form_retries": retries})

    def hint_for(self, turn: Turn, requested: str) -> str:
        """The response that says what an answer to this question looks like."""
        return f"utter_hint_{requested}"

    def wants_out(self, turn: Turn, intent: str | None, confidence: float) -> bool:
        said = set(words(turn.text))
        # Only filler ("please", "जी") is not a way out: "जी" alone is a yes.
        says_stop = bool(said & EXIT_WORDS) and said <= EXIT_WORDS | EXIT_FILLER
        if (intent == "stop" and confidence >= 0.5) or says_stop:
            turn.finish("stopped")
            return True
        asks_for_agent = bool(said & AGENT_WORDS) and said <= AGENT_WORDS | AGENT_FILLER
        if (intent == "human_handoff" and confidence >= 0.5) or asks_for_agent:
            turn.finish("handoff")
            return True
        return False

    @staticmethod
    def takes_region(turn: Turn) -> bool:
        """A region button pressed under an answer given mid-task ("United States or India?")."""
        events = region_slot_events(turn.tracker)
        if not events or not parse_is_payload(turn.text):
            return False
        values = {event["name"]: event["value"] for event in events}
        turn.set(**values)
        # Passed with the response because the slot is set only after it: in the answer's language.
        translated = translated_fact_slots(load_issuer_config(), values.get("region_code"), turn.language)
        turn.say("utter_region_noted", region_name=translated.get("region_name", values.get("region_name")))
        return True

    def changes_subject(self, turn: Turn, intent: str | None, confidence: float) -> bool:
        if intent in TASKS and intent != self.task and confidence >= CONFIDENT:
            turn.finish(f"switch:{intent}")
            return True
        return False

    # --- the next question ---------------------------------------------------------------------
    async def next_question(self, turn: Turn) -> str | None:
        if self.needs_identity:
            session = await turn.session()
            if session is None:
                return await identity.next_identity_question(turn)
            self.note_customer(turn, session)
        for slot in await self.questions(turn):
            if turn.slot(slot) is None:
                return slot
        if self.needs_fresh_code and await self.wants_change(turn):
            session = await turn.session(refresh=True)
            if session is not None and not session.fresh:
                return await identity.next_step_up_question(turn)
        return None

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        """The task's questions still to ask; subclasses may make them depend on the answers."""
        return self.task_slots

    async def wants_change(self, turn: Turn) -> bool:
        """Whether the answers so far lead to a change that needs a fresh code."""
        return True

    @staticmethod
    def note_customer(turn: Turn, session: VerifiedSession) -> None:
        if turn.slot("customer_first_name") is None:
            turn.set(customer_first_name=session.first_name or None)
            turn.set(**region_events_for(session.region))


class TaskAction(Action, metaclass=ABCMeta):
    """Runs when `<task>_form` ends: does the task if every answer is in, else says why not."""

    @property
    @abstractmethod
    def action_name(self) -> str: ...

    form: ClassVar[type[TaskForm]]
    # The self-service explanation to offer when the service cannot be reached.
    self_service_response: ClassVar[str | None] = None

    def name(self) -> str:
        return self.action_name

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        outcome = tracker.get_slot("task_outcome")
        turn = Turn(tracker, dispatcher, TurnService.for_tracker(tracker))
        follow_up: list[EventType] = []
        if outcome is None:
            try:
                await self.perform(turn)
            except ServiceUnavailable:
                self.say_unavailable(turn)
        elif outcome == "unavailable":
            self.say_unavailable(turn)
        elif outcome == "stopped":
            turn.say("utter_task_stopped")
        elif outcome == "handoff":
            follow_up = [FollowupAction("action_hand_off")]
        elif outcome.startswith("switch:"):
            follow_up = [FollowupAction(f"{outcome.split(':', 1)[1]}_form")]
        next_request = tracker.get_slot("next_request")
        if outcome is None and next_request:
            self.offer(turn, next_request)
        keep_identity = outcome is not None and outcome.startswith("switch:")
        cleared = [s for s in self.form.all_slots() if not (keep_identity and s in IDENTITY_SLOTS)]
        events = [SlotSet(name, None) for name in cleared] + [SlotSet("next_request", None)]
        events += [SlotSet(name, value) for name, value in turn.updates.items()]
        return events + follow_up

    @staticmethod
    def offer(turn: Turn, topic: str) -> None:
        """The second request of the message that started this task, once the task is done."""
        language = turn.slot("language")
        text = offer_text(topic, language)
        if text:
            turn.dispatcher.utter_message(text=text, buttons=offer_buttons(topic, language))

    async def perform(self, turn: Turn) -> None:
        raise NotImplementedError

    def say_unavailable(self, turn: Turn) -> None:
        turn.say("utter_service_unavailable")
        if self.self_service_response:
            turn.say(self.self_service_response)


def say_refused(turn: Turn, reply: Reply) -> None:
    """A change the service did not make: a fresh code it wanted (the check grew older than
    5 minutes between the question and the answer), or anything else."""
    if reply.error == "fresh_code_needed":
        turn.say("utter_change_needs_new_code")
    else:
        turn.say("utter_service_error")
