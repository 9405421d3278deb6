"""Settings done in chat: alerts, and the email and mailing address on file."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.confirmation import read_yes_no, yes_no_buttons
from actions.formatting import bulleted, money
from actions.language import language_of
from actions.parsing import parse_amount, parse_choice, parse_email, words
from actions.phrases import phrase
from actions.task_form import TaskAction, TaskForm, Turn, confirmation, say_refused
from common.folding import fold_all
from localization.language import ENGLISH
from privacy.redaction import contains_card_number

# --- manage_alerts ---------------------------------------------------------------------------------
# Key words start words, in either script ("बड़ी खरीदारी", "भुगतान की ड्यू डेट": the Hindi hint's).
ALERTS = {
    "large_purchase_threshold": (
        "large",
        "big",
        "purchase over",
        "purchases over",
        "spend",
        "बड़ी",
        "badi",
        "bade",
    ),
    "online_transactions": ("online", "internet", "web", "ऑनलाइन"),
    "payment_due": ("payment due", "due date", "due", "reminder", "ड्यू", "रिमाइंडर"),
    "balance_threshold": ("balance", "बैलेंस"),
    # Where alerts go: a channel's name, or asking where.
    "channel": (
        "channel",
        "where",
        "whatsapp",
        "watsapp",
        "telegram",
        "sms",
        "text message",
        "by text",
        "email",
        "e-mail",
        "व्हाट्सऐप",
        "वॉट्सऐप",
        "टेलीग्राम",
        "एसएमएस",
        "ईमेल",
        "कहाँ",
    ),
}
# Where alerts can go, by the words that name each (the service's `channel` values).
CHANNELS = {
    "sms": ("sms", "text", "message", "एसएमएस", "मैसेज"),
    "whatsapp": ("whatsapp", "watsapp", "whats app", "व्हाट्सऐप", "वॉट्सऐप", "व्हाट्सएप"),
    "telegram": ("telegram", "टेलीग्राम"),
    "email": ("email", "e-mail", "mail", "ईमेल", "मेल"),
}
# In the order of the list the customer sees (phrase keys "alert_<key>", "ask_alert_<key>").
ALERT_KEYS = ("large_purchase_threshold", "online_transactions", "payment_due", "balance_threshold")
THRESHOLD_ALERTS = ("large_purchase_threshold", "balance_threshold")
ON_WORDS = fold_all(
    {"on", "enable", "yes", "start", "activate", "add"} | {"चालू", "शुरू", "chalu", "chaalu", "shuru"}
)
OFF_WORDS = fold_all({"off", "disable", "no", "stop", "remove", "cancel"} | {"बंद", "band", "bandh"})
# "nothing" to the question which alert to change; the Hindi hint invites "कुछ नहीं".
NOTHING_SAID = fold_all(
    {"nothing", "कुछ नहीं", "कुछ भी नहीं", "kuch nahi", "kuchh nahi", "kuch nahin", "kuch bhi nahi"}
)


def alert_lines(settings: dict[str, Any], language: str = ENGLISH) -> list[str]:
    lines = []
    for key in ALERT_KEYS:
        value = settings.get(key)
        if key in THRESHOLD_ALERTS and value:
            amount = money(value, settings.get("currency") or "USD")
            state = phrase("alert_on_above", language, amount=amount)
        else:
            state = phrase("alert_on" if value else "alert_off", language)
        lines.append(f"{phrase(f'alert_{key}', language)}: {state}")
    channel = settings.get("channel")
    if channel in CHANNELS:
        where = phrase(f"channel_{channel}", language)
        if channel == "telegram" and not settings.get("telegram_linked"):
            where += phrase("telegram_not_linked", language)
        lines.append(f"{phrase('alert_channel', language)}: {where}")
    return lines


def says_nothing(text: str) -> bool:
    """ "nothing", "कुछ नहीं", "kuch nahi" among the message's words."""
    said = f" {' '.join(words(text))} "
    return any(f" {nothing} " in said for nothing in NOTHING_SAID)


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
            turn.say("utter_alerts_current", alerts=bulleted(alert_lines(current, turn.language)))
            said = turn.slot("alerts_said") or {}
            if said.get("choice"):
                turn.set(alert_choice=said["choice"])
                if said.get("value") is not None:
                    turn.set(alert_value=said["value"])
        return self.task_slots

    @staticmethod
    def value_in(text: str, choice: str) -> Any:
        if choice == "channel":
            return parse_choice(text, CHANNELS)
        if choice in THRESHOLD_ALERTS:
            amount = parse_amount(text)
            if amount is not None:
                return f"{amount:.2f}"
            return False if on_or_off(text) is False else None
        return on_or_off(text)

    async def validate_alert_choice(self, turn: Turn) -> bool:
        choice = parse_choice(turn.text, ALERTS)
        if choice is None:
            if read_yes_no(turn.text) is False or says_nothing(turn.text):
                turn.say("utter_alerts_unchanged")
                turn.finish("declined")
                return True
            return False
        turn.set(alert_choice=choice)
        value = self.value_in(turn.text, choice)
        if value is not None:
            turn.set(alert_value=value)
        return True

    def hint_for(self, turn: Turn, requested: str) -> str:
        if requested == "alert_value" and turn.slot("alert_choice") == "channel":
            return "utter_hint_alert_channel"
        return super().hint_for(turn, requested)

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
        language = language_of(tracker)
        alert = phrase(f"ask_alert_{choice}" if choice in ALERT_KEYS else "ask_alert_unknown", language)
        if choice == "channel":
            buttons = [
                {"title": phrase(f"channel_{channel}", language), "payload": channel} for channel in CHANNELS
            ]
            dispatcher.utter_message(response="utter_ask_alert_channel", buttons=buttons)
        elif choice in THRESHOLD_ALERTS:
            dispatcher.utter_message(response="utter_ask_alert_threshold", alert=alert)
        else:
            buttons = [
                {"title": phrase("on_button", language), "payload": "on"},
                {"title": phrase("off_button", language), "payload": "off"},
            ]
            dispatcher.utter_message(response="utter_ask_alert_switch", alert=alert, buttons=buttons)
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
        turn.say("utter_alerts_changed", alerts=bulleted(alert_lines(reply.body, turn.language)))
        if choice == "channel" and value == "telegram" and not reply.body.get("telegram_linked"):
            await self.offer_telegram_link(turn)

    @staticmethod
    async def offer_telegram_link(turn: Turn) -> None:
        """Telegram alerts need the customer's chat: a code, sent from that chat, links it once.
        The code is shown as "/link CODE" (the form the stored transcript masks)."""
        reply = await turn.service.me("POST", "/alerts/telegram-link")
        if reply.status != 201 or not isinstance(reply.body, dict) or not reply.get("code"):
            turn.say("utter_service_error")
            return
        minutes = str(max(1, int(reply.get("expires_in") or 600) // 60))
        bot_name, url = reply.get("bot_name"), reply.get("link_url")
        turn.say(
            "utter_telegram_link",
            command=f"/link {reply.get('code')}",
            bot=f"@{bot_name}" if bot_name else phrase("our_telegram_bot", turn.language),
            minutes=minutes,
            link=phrase("or_open_link", turn.language, url=url) if url else "",
        )


# --- update_personal_details -------------------------------------------------------------------------
DETAILS = {
    "email": ("email", "e-mail", "mail address", "ईमेल", "ई-मेल"),
    "mailing_address": ("address", "moved", "moving", "postal", "home", "पता", "डाक", "घर"),
    "phone": ("phone", "mobile", "number", "cell", "फ़ोन", "मोबाइल", "नंबर"),
}


class UpdatePersonalDetailsForm(TaskForm):
    task = "update_personal_details"
    task_slots = ("detail_choice", "new_detail", "details_confirmed")
    needs_fresh_code = True

    async def prefill(self, turn: Turn) -> None:
        turn.set(detail_choice=self.choice_in(turn.text))

    @staticmethod
    def choice_in(text: str) -> str | None:
        # "ईमेल पता" (email address) names the email, though पता alone is the mailing address.
        lowered = text.lower()
        if "email" in lowered or "e-mail" in lowered or parse_choice(text, {"email": DETAILS["email"]}):
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
        language = language_of(tracker)
        what = phrase(
            "email_address" if tracker.get_slot("detail_choice") == "email" else "mailing_address", language
        )
        dispatcher.utter_message(
            response="utter_ask_details_confirmed",
            what=what,
            value=tracker.get_slot("new_detail"),
            buttons=yes_no_buttons(language),
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
            what = phrase("email_address" if field == "email" else "mailing_address", turn.language)
            turn.say("utter_details_changed", what=what)
        elif reply.error == "invalid_email":
            turn.say("utter_hint_new_detail")
        else:
            say_refused(turn, reply)
