"""Hands the conversation to a person: a handoff case with a redacted transcript."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from actions.facts import load_issuer_config, translated_agent_hours
from actions.language import language_of
from actions.phrases import phrase
from actions.turn_service import TurnService
from common.account_client import Reply, ServiceUnavailable
from localization.language import ENGLISH
from privacy.redaction import redact

TRANSCRIPT_MESSAGES = 30
NOT_A_TOPIC = {
    None,
    "human_handoff",
    "nlu_fallback",
    "out_of_scope",
    "affirm",
    "deny",
    "greet",
    "inform",
    "stop",
    "thank_you",
}


def transcript(tracker: Tracker) -> list[dict[str, str]]:
    """The latest messages both ways, redacted again (the stored ones already are)."""
    lines = []
    for event in tracker.events:
        if event.get("event") == "user" and event.get("text"):
            lines.append({"from": "customer", "text": redact(event["text"])})
        elif event.get("event") == "bot" and event.get("text"):
            lines.append({"from": "assistant", "text": redact(event["text"])})
    return lines[-TRANSCRIPT_MESSAGES:]


def topic(tracker: Tracker) -> str:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            name = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
            if isinstance(name, str) and name not in NOT_A_TOPIC:
                return name
    return "general"


# The account service's own descriptions when AGENT_HOURS overrides issuer.yml.
SERVICE_HOURS_PHRASES = {
    "around the clock": "agent_hours_always",
    "not staffed at the moment": "agent_hours_never",
}


def agent_hours_wording(described: Any, language: str) -> str:
    """When the team answers the chat, in the answer language: the service describes it in
    English (issuer.yml's description), so another language takes issuer.yml's translation of
    it, or its own words for the service's fixed ones, or a general "during opening hours"."""
    if not described:
        return phrase("agent_hours_unknown", language)
    english = str(described)
    if language == ENGLISH:
        return english
    translated = translated_agent_hours(load_issuer_config(), english, language)
    if translated:
        return translated
    return phrase(SERVICE_HOURS_PHRASES.get(english, "agent_hours_unknown"), language)


class ActionHandOff(Action):
    def name(self) -> str:
        return "action_hand_off"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        service = TurnService.for_tracker(tracker)
        try:
            reply: Reply | None = await service.open_handoff(topic(tracker), transcript(tracker))
        except ServiceUnavailable:
            reply = None
        if reply is not None and reply.status == 201 and reply.get("agents_available") is False:
            # Outside agent hours: the website channel keeps the next message for the team.
            dispatcher.utter_message(
                response="utter_handoff_after_hours",
                reference=reply.get("reference"),
                agent_hours=agent_hours_wording(reply.get("agent_hours"), language_of(tracker)),
            )
        elif reply is not None and reply.status == 201:
            dispatcher.utter_message(
                response="utter_handoff_opened",
                reference=reply.get("reference"),
                wait=max(1, int(reply.get("estimated_wait_minutes") or 1)),
            )
        elif reply is not None and reply.status == 200 and reply.get("reference"):
            # A handoff of this conversation is already open: the same one, not a second case.
            dispatcher.utter_message(response="utter_handoff_already_open", reference=reply.get("reference"))
        elif reply is not None and reply.status == 429:
            dispatcher.utter_message(response="utter_handoff_too_many")
        else:
            dispatcher.utter_message(response="utter_human_handoff")
        # Wait for the customer. Reached as a form's follow-up (a person asked for mid-task), the
        # policies otherwise went on predicting until Rasa's circuit breaker stopped the turn,
        # and the conversation then stayed silent.
        return [FollowupAction("action_listen")]
