"""Writes a month of realistic conversation events and runs them through the analytics pipeline.

`python -m scripts.generate_analytics_month [--start 2026-10-01] [--days 30] [--seed 7]`

Each conversation is planned first (channel, region, language, what the customer wants and how
it ends), then written as the redacted events Rasa's tracker store keeps: sessions, messages
with their intent and confidence, forms and the questions they reach, the identity check's and
the handoff's responses. The events go into a tracker-store `events` table and the analytics
consumer's own tracker source reads them from there (analytics/sources/tracker_table.py), so the
month takes the same path as `make run`'s conversations; when agents took the handoffs comes as
the handoff source would bring it. `Tally` is what was planned, for the tests to compare the
figures against (tests/analytics).
"""

from __future__ import annotations

import argparse
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, create_engine
from sqlalchemy.engine import Engine

from analytics.masking import masked
from analytics.naming import reference_hash
from analytics.pipeline import HANDOFF_TAKEN, Incoming, Pipeline
from analytics.sources.tracker_table import TrackerTableSource
from analytics.tables import engine_for

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_SALT = "demo-analytics-salt-not-for-production"

CHANNELS = {"socketio": 46, "in_app": 20, "twilio": 9, "telegram": 8, "slack": 4, "facebook": 6, "rest": 7}
QUESTION_TOPICS = {
    "login_help": 14,
    "reset_password": 0,  # a task, below
    "register_online": 8,
    "mfa_help": 5,
    "password_requirements": 4,
    "browser_troubleshooting": 3,
    "mobile_app": 6,
    "card_benefits": 5,
    "manage_pin": 3,
    "contact_support": 4,
    "security_tips": 2,
    "report_phishing": 2,
}
# Each task's own questions after the identity check (domain/tasks.yml).
TASKS: dict[str, tuple[int, tuple[str, ...]]] = {
    "check_balance": (16, ()),
    "pay_bill": (
        11,
        ("card_last_four", "payment_amount", "payment_date", "payment_confirmed", "confirm_code"),
    ),
    "recent_transactions": (8, ()),
    "freeze_card": (5, ("card_last_four",)),
    "report_fraud": (4, ("card_last_four", "fraud_transactions", "fraud_confirmed")),
    "replace_card": (4, ("card_last_four", "replacement_reason", "replacement_confirmed", "confirm_code")),
    "setup_autopay": (3, ("card_last_four", "autopay_action", "autopay_amount_type", "autopay_confirmed")),
    "rewards": (4, ("redeem_option", "redeem_points", "redemption_confirmed", "confirm_code")),
    "reset_password": (6, ("confirm_code",)),
}
IDENTITY_QUESTIONS = ("user_id", "identity_code")
# What customers type that the assistant does not understand (some with details to mask).
NOT_UNDERSTOOD_EN = (
    "can i pay with crypto",
    "my husband wants his own card, can he use my login",
    "why is the app purple now",
    "the statement from march looks weird",
    "call me on 415 555 0199 please",
    "email me at sam.example@mail.com",
    "is the lounge at JFK open",
    "what's the exchange rate today",
)
NOT_UNDERSTOOD_HI = ("क्या मैं सोना खरीद सकता हूँ", "मेरा कैशबैक कब आएगा भाई", "लाउंज कहाँ है")
HINDI_TEXT = {"greet": "नमस्ते", "check_balance": "मेरा बैलेंस क्या है", "login_help": "लॉगिन नहीं हो रहा"}
EXITS = ("completed", "stopped", "left", "handoff", "gave_up")


@dataclass
class Tally:
    """What the generator planned, counted the way the figures count it."""

    conversations: Counter = field(default_factory=Counter)  # (day, channel)
    handed_off: int = 0
    turns: int = 0
    fallbacks: int = 0
    topics: Counter = field(default_factory=Counter)
    tasks_started: Counter = field(default_factory=Counter)
    tasks_completed: Counter = field(default_factory=Counter)
    questions_reached: Counter = field(default_factory=Counter)  # (task, question)
    identity: Counter = field(default_factory=Counter)  # (purpose, step)
    handoffs: Counter = field(default_factory=Counter)  # outcome
    waits: list[int] = field(default_factory=list)
    not_understood: Counter = field(default_factory=Counter)  # masked text
    languages: Counter = field(default_factory=Counter)

    @property
    def total_conversations(self) -> int:
        return sum(self.conversations.values())


class Conversation:
    """The events of one conversation, as the redacting tracker store keeps them."""

    def __init__(self, sender_id: str, start: float, rng: random.Random) -> None:
        self.sender_id = sender_id
        self.clock = start
        self.rng = rng
        self.events: list[dict[str, Any]] = []
        self.add("action", name="action_session_start")
        self.add("session_started")
        self.add("action", name="action_listen")

    def add(self, kind: str, **fields: Any) -> None:
        self.clock += self.rng.uniform(0.002, 0.02)
        self.events.append({"event": kind, "timestamp": self.clock, **fields})

    def wait(self, low: float, high: float) -> None:
        self.clock += self.rng.uniform(low, high)

    def user(self, text: str, intent: str, confidence: float) -> None:
        self.wait(4, 40)  # the customer reads and types
        parse = {"intent": {"name": intent, "confidence": confidence}, "entities": [], "text": text}
        self.add("user", text=text, parse_data=parse, metadata={})
        self.wait(0.05, 0.6)  # the assistant thinks

    def bot(self, response: str, **metadata: Any) -> None:
        self.add("bot", text="…", metadata={"utter_action": response, **metadata})

    def slot(self, name: str, value: Any) -> None:
        self.add("slot", name=name, value=value)

    def loop(self, name: str | None) -> None:
        self.add("active_loop", name=name)


def _pick(rng: random.Random, weights: dict[str, int]) -> str:
    names = [name for name, weight in weights.items() if weight]
    return rng.choices(names, weights=[weights[name] for name in names])[0]


def _start_time(rng: random.Random, day: date) -> float:
    hour = min(23.9, max(0.0, rng.gauss(14, 4.5)))  # most in the afternoon, some at night
    moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc) + timedelta(hours=hour)
    return moment.timestamp()


def plan_conversation(
    rng: random.Random, day: date, number: int, tally: Tally
) -> tuple[Conversation, list[dict[str, Any]]]:
    """One conversation's events, and the handoff-taken notes the service would give."""
    channel = _pick(rng, CHANNELS)
    region = "IN" if rng.random() < 0.35 else "US"
    hindi = region == "IN" and rng.random() < 0.45
    sender = f"{channel}:gen-{day.isoformat()}-{number:04d}"
    talk = Conversation(sender, _start_time(rng, day), rng)
    tally.conversations[(day.isoformat(), channel)] += 1
    tally.languages["hi" if hindi else "en"] += 1
    taken: list[dict[str, Any]] = []

    said: list[str] = []

    def say(text: str, intent: str, confidence: float) -> None:
        talk.user(text, intent, confidence)
        tally.turns += 1
        tally.topics[intent] += 1
        if intent in ("nlu_fallback", "out_of_scope"):
            tally.fallbacks += 1
            tally.not_understood[masked(text)] += 1
        if hindi and not said:  # the language detector sets the slot on the first Hindi message
            talk.slot("language", "hi")
        said.append(intent)

    if rng.random() < 0.5:
        say(HINDI_TEXT["greet"] if hindi else "hi", "greet", rng.uniform(0.85, 0.99))
        talk.bot("utter_greet")
    left = False
    kind = rng.choices(["question", "task", "fallback", "handoff"], weights=[34, 44, 12, 10])[0]
    if kind == "question":
        topic = _pick(rng, QUESTION_TOPICS)
        say(
            HINDI_TEXT.get(topic, "मदद चाहिए") if hindi else f"help with {topic}",
            topic,
            rng.uniform(0.55, 0.98),
        )
        talk.bot(f"utter_{topic}")
        talk.slot("region_code", region)
    elif kind == "fallback":
        for attempt in range(rng.choice((1, 1, 2))):
            text = rng.choice(NOT_UNDERSTOOD_HI if hindi else NOT_UNDERSTOOD_EN)
            say(text, rng.choice(("nlu_fallback", "out_of_scope")), rng.uniform(0.2, 0.45))
            talk.bot("utter_default" if attempt == 0 else "utter_offer_agent")
    elif kind == "task":
        left = _task(talk, rng, tally, say, region, hindi, taken) == "left"
    else:
        say("एजेंट से बात करनी है" if hindi else "I want to talk to a person", "human_handoff", 0.93)
        _handoff(talk, rng, tally, taken)
    if rng.random() < 0.4 and kind != "handoff" and not left:
        say("धन्यवाद" if hindi else "thanks, bye", "goodbye", rng.uniform(0.8, 0.99))
        talk.bot("utter_goodbye")
    return talk, taken


def _task(
    talk: Conversation, rng: random.Random, tally: Tally, say: Any, region: str, hindi: bool, taken: list
) -> str:
    """A task form from request to its end; returns how it ended (EXITS)."""
    task = _pick(rng, {name: weight for name, (weight, _) in TASKS.items()})
    questions = IDENTITY_QUESTIONS + TASKS[task][1]
    request = HINDI_TEXT.get(task, "मुझे इसमें मदद चाहिए") if hindi else f"I want to {task.replace('_', ' ')}"
    say(request, task, rng.uniform(0.6, 0.99))
    talk.add("action", name=f"{task}_form")
    talk.loop(f"{task}_form")
    tally.tasks_started[task] += 1
    exit_at = len(questions)  # past the last question: completed
    how = rng.choices(EXITS, weights=[62, 9, 14, 7, 8])[0]
    if how != "completed":
        exit_at = rng.randrange(len(questions))
    for position, question in enumerate(questions):
        talk.slot("requested_slot", question)
        tally.questions_reached[(task, question)] += 1
        if question == "identity_code":
            talk.bot("utter_code_sent_if_match")
            tally.identity[("verify", "sent")] += 1
        elif question == "confirm_code":
            talk.bot("utter_code_sent")
            tally.identity[("confirm", "sent")] += 1
        else:
            talk.bot(f"utter_ask_{question}")
        talk.add("action", name="action_listen")
        if position == exit_at:
            _leave_task(talk, rng, tally, say, how, question, taken)
            return how
        if question in ("identity_code", "confirm_code"):
            purpose = "verify" if question == "identity_code" else "confirm"
            if rng.random() < 0.15:
                say("[redacted]", "inform", 0.6)
                talk.bot("utter_wrong_code")
                tally.identity[(purpose, "failed")] += 1
            say("[redacted]", "inform", 0.6)
            talk.slot(question, "[redacted]")
            talk.bot("utter_identity_verified" if purpose == "verify" else "utter_confirm_code_accepted")
            tally.identity[(purpose, "verified")] += 1
            if purpose == "verify":
                talk.slot("region_code", region)
        else:
            say("jane.doe1" if question == "user_id" else "the first one", "inform", rng.uniform(0.3, 0.9))
            talk.slot(question, "given")
    talk.slot("requested_slot", None)
    talk.loop(None)
    talk.add("action", name=f"action_{task}")
    talk.bot(f"utter_{task}_done")
    tally.tasks_completed[task] += 1
    return "completed"


def _leave_task(
    talk: Conversation, rng: random.Random, tally: Tally, say: Any, how: str, question: str, taken: list
) -> None:
    if how == "left":
        return  # the customer went away: the sweep ends the task later
    if how == "stopped":
        say("stop", "stop", 0.95)
        talk.slot("task_outcome", "stopped")
    elif how == "handoff":
        say("agent", "human_handoff", 0.9)
        talk.slot("task_outcome", "handoff")
    else:
        for _ in range(3):
            say("hmm maybe", "inform", 0.35)
        talk.bot("utter_task_gave_up")
        talk.slot("task_outcome", "gave_up")
        if question == "identity_code":
            talk.bot("utter_identity_check_locked")
            tally.identity[("verify", "locked")] += 1
    talk.slot("requested_slot", None)
    talk.loop(None)
    talk.slot("task_outcome", None)
    if how == "handoff":
        _handoff(talk, rng, tally, taken)


def _handoff(talk: Conversation, rng: random.Random, tally: Tally, taken: list) -> None:
    talk.add("action", name="action_hand_off")
    outcome = rng.choices(["opened", "after_hours", "refused"], weights=[84, 13, 3])[0]
    tally.handoffs[outcome] += 1
    if outcome == "refused":
        talk.bot("utter_handoff_too_many")
        return
    tally.handed_off += 1
    reference = f"HO-G{sum(tally.handoffs.values()):06d}"
    if outcome == "after_hours":
        talk.bot("utter_handoff_after_hours", reference=reference)
        return
    estimate = rng.randint(1, 8)
    talk.bot("utter_handoff_opened", reference=reference, wait=estimate)
    if rng.random() < 0.85:  # the others gave up waiting before an agent was free
        waited = max(5, int(rng.gammavariate(2.0, estimate * 30)))
        tally.waits.append(waited)
        taken.append({"reference": reference, "waited_s": waited})


def generate(start: date, days: int, seed: int = 7) -> tuple[list[Conversation], list[dict[str, Any]], Tally]:
    rng = random.Random(seed)
    tally = Tally()
    conversations: list[Conversation] = []
    taken: list[dict[str, Any]] = []
    for offset in range(days):
        day = start + timedelta(days=offset)
        busy = 1.0 if day.weekday() < 5 else 0.6
        count = int(rng.gauss(80, 12) * busy)
        for number in range(max(5, count)):
            conversation, notes = plan_conversation(rng, day, number, tally)
            conversations.append(conversation)
            taken.extend(notes)
    return conversations, taken, tally


# --- writing ----------------------------------------------------------------------------------------
def tracker_events_table(metadata: MetaData) -> Table:
    """The table Rasa's SQLTrackerStore keeps (rasa/core/tracker_store.py), the same columns."""
    return Table(
        "events",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("sender_id", String(255), nullable=False, index=True),
        Column("type_name", String(255), nullable=False),
        Column("timestamp", Float),
        Column("intent_name", String(255)),
        Column("action_name", String(255)),
        Column("data", Text),
    )


def write_tracker_rows(engine: Engine, conversations: list[Conversation]) -> int:
    metadata = MetaData()
    table = tracker_events_table(metadata)
    metadata.create_all(engine)
    rows = [
        {
            "sender_id": talk.sender_id,
            "type_name": event["event"],
            "timestamp": event["timestamp"],
            "intent_name": (event.get("parse_data") or {}).get("intent", {}).get("name"),
            "action_name": event.get("name"),
            "data": json.dumps(event, ensure_ascii=False),
        }
        for talk in sorted(conversations, key=lambda talk: talk.events[0]["timestamp"])
        for event in talk.events
    ]
    with engine.begin() as connection:
        for start in range(0, len(rows), 5000):
            connection.execute(table.insert(), rows[start : start + 5000])
    return len(rows)


def run_month(
    analytics_engine: Engine,
    tracker_engine: Engine,
    salt: str,
    start: date,
    days: int,
    seed: int = 7,
) -> Tally:
    """Generates the month, stores its events as Rasa would, and runs the pipeline over them."""
    conversations, taken, tally = generate(start, days, seed)
    write_tracker_rows(tracker_engine, conversations)
    pipeline = Pipeline(analytics_engine, salt)
    TrackerTableSource(tracker_engine, pipeline, salt).drain()
    pipeline.ingest(
        Incoming(
            "",
            None,
            {
                "event": HANDOFF_TAKEN,
                "reference_hash": reference_hash(salt, note["reference"]),
                "waited_s": note["waited_s"],
            },
        )
        for note in taken
    )
    end = datetime(start.year, start.month, start.day, tzinfo=timezone.utc) + timedelta(days=days + 1)
    pipeline.sweep(end.timestamp())
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    today = datetime.now(timezone.utc).date()
    parser.add_argument("--start", type=date.fromisoformat, default=today - timedelta(days=30))
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--analytics-db", default=f"sqlite:///{REPO_ROOT / 'var' / 'analytics-generated.db'}")
    parser.add_argument("--tracker-db", default=f"sqlite:///{REPO_ROOT / 'var' / 'tracker-generated.db'}")
    parser.add_argument("--salt", default=DEMO_SALT)
    args = parser.parse_args()
    tally = run_month(
        engine_for(args.analytics_db),
        create_engine(args.tracker_db),
        args.salt,
        args.start,
        args.days,
        args.seed,
    )
    print(
        f"{tally.total_conversations} conversations from {args.start} over {args.days} days, "
        f"{tally.turns} messages, {sum(tally.tasks_started.values())} tasks, {tally.handed_off} handoffs"
    )


def iter_days(start: date, days: int) -> Iterator[str]:
    for offset in range(days):
        yield (start + timedelta(days=offset)).isoformat()


if __name__ == "__main__":
    main()
