"""Settings done in chat: alerts, and the email and mailing address on file."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.confirmation import AFFIRM_PAYLOAD, DENY_PAYLOAD, read_yes_no
from actions.formatting import bulleted, money
from actions.parsing import parse_amount, parse_choice, parse_email, words
from actions.task_form import TaskAction, TaskForm, Turn, confirmation, say_refused
from privacy.redaction import contains_card_number

# --- manage_alerts ---------------------------------------------------------------------------------
ALERTS = {
    "large_purchase_threshold": ("large", "big", "purchase over", "purchases over", "spend"),
    "online_transactions": ("online", "internet", "web"),
    "payment_due": ("payment due", "due date", "due", "reminder"),
    "balance_threshold": ("balance",),
}
ALERT_NAMES = {
    "large_purchase_threshold": "Large purchases",
    "online_transactions": "Online transactions",
    "payment_due": "Payment due reminders",
    "balance_threshold": "Balance above an amount",
}
THRESHOLD_ALERTS = ("large_purchase_threshold", "balance_threshold")
ON_WORDS = {"on", "enable", "yes", "start", "activate", "add"}
OFF_WORDS = {"off", "disable", "no", "stop", "remove", "cancel"}


def alert_lines(settings: dict[str, Any]) -> list[str]:
    lines = []
    for key, label in ALERT_NAMES.items():
        value = settings.get(key)
        if key in THRESHOLD_ALERTS:
            state = f"on, above {money(value, settings.get('currency') or 'USD')}" if value else "off"
        else:
            state = "on" if value else "off"
        lines.append(f"{label}: {state}")
    return lines


def on_or_off(text: str) -> bool | None:
    said = set(words(text))
    on, off = bool(said & ON_WORDS), bool(said & OFF_WORDS)
    return None if on == off else on


class ManageAlertsForm(TaskForm):
    task = "manage_alerts"
    task_slots = ("alert_choice", "alert_value")
    extra_slots = ("alerts_current", "alerts_said")

    async def prefill(self, turn: Turn) -> None:
        choice = parse_choice(turn.text, ALERTS)
        if choice is not None:
            turn.set(alerts_said={"choice": choice, "value": self.value_in(turn.text, choice)})

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        if turn.slot("alerts_current") is None:
            reply = await turn.service.me("GET", "/alerts")
            current = reply.body if reply.status == 200 and isinstance(reply.body, dict) else {}
            turn.set(alerts_current=current)
            turn.say("utter_alerts_current", alerts=bulleted(alert_lines(current)))
            said = turn.slot("alerts_said") or {}
            if said.get("choice"):
                turn.set(alert_choice=said["choice"])
                if said.get("value") is not None:
                    turn.set(alert_value=said["value"])
        return self.task_slots

    @staticmethod
    def value_in(text: str, choice: str) -> Any:
        if choice in THRESHOLD_ALERTS:
            amount = parse_amount(text)
            if amount is not None:
                return f"{amount:.2f}"
            return False if on_or_off(text) is False else None
        return on_or_off(text)

    async def validate_alert_choice(self, turn: Turn) -> bool:
        choice = parse_choice(turn.text, ALERTS)
        if choice is None:
            if read_yes_no(turn.text) is False or "nothing" in words(turn.text):
                turn.say("utter_alerts_unchanged")
                turn.finish("declined")
                return True
            return False
        turn.set(alert_choice=choice)
        value = self.value_in(turn.text, choice)
        if value is not None:
            turn.set(alert_value=value)
        return True

    async def validate_alert_value(self, turn: Turn) -> bool:
        value = self.value_in(turn.text, turn.slot("alert_choice"))
        if value is None:
            return False
        turn.set(alert_value=value)
        return True


class ActionAskAlertValue(Action):
    def name(self) -> str:
        return "action_ask_alert_value"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        choice = tracker.get_slot("alert_choice")
        if choice in THRESHOLD_ALERTS:
            dispatcher.utter_message(response="utter_ask_alert_threshold", alert=ALERT_NAMES[choice].lower())
        else:
            dispatcher.utter_message(
                response="utter_ask_alert_switch",
                alert=ALERT_NAMES.get(choice, "this alert").lower(),
                buttons=[{"title": "On", "payload": "on"}, {"title": "Off", "payload": "off"}],
            )
        return []


class ActionManageAlerts(TaskAction):
    task = "manage_alerts"
    action_name = "action_manage_alerts"
    form = ManageAlertsForm
    self_service_response = "utter_manage_alerts"

    async def perform(self, turn: Turn) -> None:
        choice, value = turn.slot("alert_choice"), turn.slot("alert_value")
        if choice in THRESHOLD_ALERTS and value is False:
            value = None
        reply = await turn.service.me("PUT", "/alerts", **{choice: value})
        if reply.status != 200 or not isinstance(reply.body, dict):
            turn.say("utter_service_error")
            return
        turn.say("utter_alerts_changed", alerts=bulleted(alert_lines(reply.body)))


# --- update_personal_details -------------------------------------------------------------------------
DETAILS = {
    "email": ("email", "e-mail", "mail address"),
    "mailing_address": ("address", "moved", "moving", "postal", "home"),
    "phone": ("phone", "mobile", "number", "cell"),
}


class UpdatePersonalDetailsForm(TaskForm):
    task = "update_personal_details"
    task_slots = ("detail_choice", "new_detail", "details_confirmed")
    needs_fresh_code = True

    async def prefill(self, turn: Turn) -> None:
        turn.set(detail_choice=self.choice_in(turn.text))

    @staticmethod
    def choice_in(text: str) -> str | None:
        if "email" in text.lower() or "e-mail" in text.lower():
            return "email"
        return parse_choice(text, DETAILS)

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        if turn.slot("detail_choice") == "phone":
            turn.say("utter_phone_not_changeable")
            turn.finish("declined")
            return ()
        return self.task_slots

    async def wants_change(self, turn: Turn) -> bool:
        return turn.slot("details_confirmed") is True

    async def validate_detail_choice(self, turn: Turn) -> bool:
        choice = self.choice_in(turn.text)
        if choice is None:
            return False
        turn.set(detail_choice=choice)
        return True

    async def validate_new_detail(self, turn: Turn) -> bool:
        if contains_card_number(turn.text):
            return False
        if turn.slot("detail_choice") == "email":
            email = parse_email(turn.text)
            if email is None:
                return False
            turn.set(new_detail=email)
            return True
        address = re.sub(r"\s+", " ", turn.text).strip()
        if len(address) < 10 or len(address) > 200 or not re.search(r"\d", address):
            return False
        turn.set(new_detail=address)
        return True

    async def validate_details_confirmed(self, turn: Turn) -> bool:
        return confirmation(turn, "details_confirmed", "utter_details_unchanged")


class ActionAskDetailsConfirmed(Action):
    def name(self) -> str:
        return "action_ask_details_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        what = "email address" if tracker.get_slot("detail_choice") == "email" else "mailing address"
        dispatcher.utter_message(
            response="utter_ask_details_confirmed",
            what=what,
            value=tracker.get_slot("new_detail"),
            buttons=[{"title": "Yes", "payload": AFFIRM_PAYLOAD}, {"title": "No", "payload": DENY_PAYLOAD}],
        )
        return []


class ActionAskNewDetail(Action):
    def name(self) -> str:
        return "action_ask_new_detail"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if tracker.get_slot("detail_choice") == "email":
            dispatcher.utter_message(response="utter_ask_new_email")
        else:
            dispatcher.utter_message(response="utter_ask_new_address")
        return []


class ActionUpdatePersonalDetails(TaskAction):
    task = "update_personal_details"
    action_name = "action_update_personal_details"
    form = UpdatePersonalDetailsForm
    self_service_response = "utter_update_personal_details"

    async def perform(self, turn: Turn) -> None:
        field = turn.slot("detail_choice")
        reply = await turn.service.me("PATCH", "/profile", **{field: turn.slot("new_detail")})
        if reply.status == 200:
            what = "email address" if field == "email" else "mailing address"
            turn.say("utter_details_changed", what=what)
        elif reply.error == "invalid_email":
            turn.say("utter_hint_new_detail")
        else:
            say_refused(turn, reply)
