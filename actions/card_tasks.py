"""Card tasks done in chat: activate, freeze, unfreeze, replace, declined cards, fraud, disputes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, ClassVar

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.account_tasks import transaction_line
from actions.cards_on_file import CardChoice
from actions.confirmation import yes_no_buttons
from actions.formatting import day, money, numbered
from actions.language import language_of
from actions.parsing import parse_choice, parse_item_numbers
from actions.phrases import phrase
from actions.task_form import TaskAction, TaskForm, Turn, confirmation, say_refused

FRAUD_LIST_SIZE = 8
DISPUTE_LIST_SIZE = 10


# --- activate, freeze, unfreeze: one call each -------------------------------------------------------
class CardStatusForm(CardChoice, TaskForm):
    task_slots = ("card_last_four",)
    extra_slots = ("card_options",)

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        await self.choose_card(turn)
        return self.task_slots


class ActivateCardForm(CardStatusForm):
    task = "activate_card"
    card_statuses = ("inactive",)
    no_card_response = "utter_no_card_to_activate"


class FreezeCardForm(CardStatusForm):
    task = "freeze_card"
    card_statuses = ("active",)
    no_card_response = "utter_no_card_to_freeze"


class UnfreezeCardForm(CardStatusForm):
    task = "unfreeze_card"
    card_statuses = ("frozen",)
    no_card_response = "utter_no_card_to_unfreeze"
    # The card spends again: like any change, it needs a code younger than 5 minutes.
    needs_fresh_code = True


class CardStatusAction(TaskAction):
    verb: ClassVar[str]
    done_response: ClassVar[str]

    async def perform(self, turn: Turn) -> None:
        card = turn.slot("card_last_four")
        reply = await turn.service.me("POST", f"/cards/{card}/{self.verb}")
        if reply.status == 200:
            turn.say(
                self.done_response, card=card, product=reply.get("product") or phrase("card", turn.language)
            )
        elif reply.error == "wrong_status":
            turn.say(self.form.no_card_response, card=card, status=reply.get("status", ""))
        else:
            say_refused(turn, reply)


class ActionActivateCard(CardStatusAction):
    task = "activate_card"
    action_name = "action_activate_card"
    form = ActivateCardForm
    verb = "activate"
    done_response = "utter_card_activated"
    self_service_response = "utter_activate_card"


class ActionFreezeCard(CardStatusAction):
    task = "freeze_card"
    action_name = "action_freeze_card"
    form = FreezeCardForm
    verb = "freeze"
    done_response = "utter_card_frozen"
    self_service_response = "utter_freeze_card"


class ActionUnfreezeCard(CardStatusAction):
    task = "unfreeze_card"
    action_name = "action_unfreeze_card"
    form = UnfreezeCardForm
    verb = "unfreeze"
    done_response = "utter_card_unfrozen"
    self_service_response = "utter_unfreeze_card"


# --- replace_card ------------------------------------------------------------------------------------
# Key words start words, in either script: "खो गया", "चोरी हो गया", "खराब हो गया" (the Hindi hint's).
REPLACEMENT_REASONS = {
    "stolen": ("stolen", "stole", "theft", "thief", "robbed", "taken", "चोरी", "chori", "chor"),
    "lost": (
        *("lost", "lose", "missing", "can't find", "cannot find", "misplaced"),
        *("खो", "गुम", "नहीं मिल", "kho", "gum", "nahi mil"),
    ),
    "damaged": (
        "ख़राब",
        "टूट",
        "kharab",
        "toot",
        "tut",
        "damaged",
        "broken",
        "broke",
        "cracked",
        "snapped",
        "bent",
        "worn",
        "chip",
        "scratched",
        "not working",
        "doesn't work",
        "stopped working",
    ),
}


class ReplaceCardForm(CardChoice, TaskForm):
    """A replacement sends a card to the address on file (and for a lost or stolen card blocks
    the old one): a confirmation, and a code younger than 5 minutes."""

    task = "replace_card"
    task_slots = ("card_last_four", "replacement_reason", "replacement_confirmed")
    extra_slots = ("card_options",)
    card_statuses = ("active", "inactive", "frozen")
    needs_fresh_code = True

    async def prefill(self, turn: Turn) -> None:
        turn.set(replacement_reason=parse_choice(turn.text, REPLACEMENT_REASONS))

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        await self.choose_card(turn)
        return self.task_slots

    async def validate_replacement_reason(self, turn: Turn) -> bool:
        reason = parse_choice(turn.text, REPLACEMENT_REASONS)
        if reason is None:
            return False
        turn.set(replacement_reason=reason)
        return True

    async def wants_change(self, turn: Turn) -> bool:
        return turn.slot("replacement_confirmed") is True

    async def validate_replacement_confirmed(self, turn: Turn) -> bool:
        return confirmation(turn, "replacement_confirmed", "utter_replacement_not_ordered")


class ActionAskReplacementConfirmed(Action):
    def name(self) -> str:
        return "action_ask_replacement_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        damaged = tracker.get_slot("replacement_reason") == "damaged"
        dispatcher.utter_message(
            response="utter_ask_replacement_confirmed_damaged"
            if damaged
            else "utter_ask_replacement_confirmed",
            card=tracker.get_slot("card_last_four"),
            buttons=yes_no_buttons(language_of(tracker)),
        )
        return []


class ActionReplaceCard(TaskAction):
    task = "replace_card"
    action_name = "action_replace_card"
    form = ReplaceCardForm
    self_service_response = "utter_replace_card"

    async def perform(self, turn: Turn) -> None:
        card, reason = turn.slot("card_last_four"), turn.slot("replacement_reason")
        reply = await turn.service.me("POST", "/replacements", card_last_four=card, reason=reason)
        if reply.status != 201:
            say_refused(turn, reply)
            return
        response = "utter_card_replaced_damaged" if reason == "damaged" else "utter_card_replaced_blocked"
        turn.say(
            response,
            card=card,
            reference=reply.get("reference"),
            delivery=day(reply.get("estimated_delivery"), turn.language),
        )


# --- card_declined -----------------------------------------------------------------------------------
class CardDeclinedForm(CardChoice, TaskForm):
    task = "card_declined"
    task_slots = ("card_last_four",)
    extra_slots = ("card_options",)
    card_statuses = ("active", "inactive", "frozen", "replaced")

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        await self.choose_card(turn)
        return self.task_slots


class ActionExplainCardDeclined(TaskAction):
    task = "card_declined"
    action_name = "action_explain_card_declined"
    form = CardDeclinedForm
    self_service_response = "utter_card_declined"

    async def perform(self, turn: Turn) -> None:
        card = turn.slot("card_last_four")
        reply = await turn.service.me("GET", f"/cards/{card}/decline-check")
        if reply.status != 200:
            turn.say("utter_service_error")
            return
        available = money(reply.get("available_credit", 0), reply.get("currency", "USD"))
        turn.say(f"utter_declined_{reply.get('reason', 'none')}", card=card, available=available)


# --- report_fraud ------------------------------------------------------------------------------------
class ReportFraudForm(CardChoice, TaskForm):
    task = "report_fraud"
    task_slots = ("card_last_four", "fraud_transactions", "fraud_confirmed")
    extra_slots = ("card_options", "listed_transactions")
    card_statuses = ("active", "frozen", "inactive")

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        await self.choose_card(turn)
        if turn.slot("card_last_four") is not None and turn.slot("listed_transactions") is None:
            await list_transactions(turn, FRAUD_LIST_SIZE)
        return self.task_slots

    async def validate_fraud_transactions(self, turn: Turn) -> bool:
        listed = turn.slot("listed_transactions") or []
        if not listed:
            return False
        chosen = parse_item_numbers(turn.text, len(listed))
        if chosen is None:
            return False
        turn.set(fraud_transactions=[listed[number - 1]["id"] for number in chosen])
        return True

    async def validate_fraud_confirmed(self, turn: Turn) -> bool:
        return confirmation(turn, "fraud_confirmed", "utter_fraud_not_reported")


async def list_transactions(turn: Turn, size: int) -> None:
    """Keeps the latest charges (id and line) for a numbered choice; payments and credits are
    not something to report or dispute."""
    card = turn.slot("card_last_four")
    reply = await turn.service.me("GET", "/transactions", card=card, limit=50)
    items = reply.get("transactions") or [] if reply.status == 200 else []
    charges = [item for item in items if Decimal(item["amount"]) > 0][:size]
    lines = [{"id": item["id"], "line": transaction_line(item, turn.language)} for item in charges]
    turn.set(listed_transactions=lines)


class ActionAskFraudTransactions(Action):
    def name(self) -> str:
        return "action_ask_fraud_transactions"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        listed = tracker.get_slot("listed_transactions") or []
        dispatcher.utter_message(
            response="utter_ask_fraud_transactions",
            card=tracker.get_slot("card_last_four"),
            transactions=numbered([item["line"] for item in listed]),
        )
        return []


class ActionAskFraudConfirmed(Action):
    def name(self) -> str:
        return "action_ask_fraud_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        chosen = set(tracker.get_slot("fraud_transactions") or [])
        lines = [
            item["line"] for item in tracker.get_slot("listed_transactions") or [] if item["id"] in chosen
        ]
        dispatcher.utter_message(
            response="utter_ask_fraud_confirmed",
            card=tracker.get_slot("card_last_four"),
            transactions=numbered(lines),
            buttons=yes_no_buttons(language_of(tracker)),
        )
        return []


class ActionReportFraud(TaskAction):
    task = "report_fraud"
    action_name = "action_report_fraud"
    form = ReportFraudForm
    self_service_response = "utter_report_fraud"

    async def perform(self, turn: Turn) -> None:
        card = turn.slot("card_last_four")
        reply = await turn.service.me(
            "POST", "/fraud-reports", card_last_four=card, transaction_ids=turn.slot("fraud_transactions")
        )
        if reply.status != 201:
            turn.say("utter_service_error")
            return
        replacement = reply.get("replacement")
        if not replacement:
            # Frozen and reported at once; the new card waits for a fresh code (a replacement).
            turn.say("utter_fraud_reported_no_new_card_yet", card=card, reference=reply.get("reference"))
            return
        turn.say(
            "utter_fraud_reported",
            card=card,
            reference=reply.get("reference"),
            delivery=day(replacement["estimated_delivery"], turn.language),
        )


# --- dispute_charge ----------------------------------------------------------------------------------
# The Hindi buttons send the English phrases; a few Hindi words for customers who type instead.
DISPUTE_REASONS = {
    "not_received": (
        "मिली ही नहीं",
        "मिला ही नहीं",
        "नहीं मिली",
        "नहीं मिला",
        "never received",  # the "Never received it" button's payload
        "never arrived",
        "not received",
        "didn't receive",
        "did not receive",
        "never got",
        "didn't get",
        "not delivered",
        "never delivered",
    ),
    "wrong_amount": (
        *("wrong amount", "charged more", "overcharged", "too much", "different amount"),
        *("गलत रकम", "ज़्यादा पैसे", "ज़्यादा चार्ज"),
    ),
    "duplicate": ("twice", "duplicate", "double", "two times", "charged again", "दो बार", "do baar"),
    "cancelled": ("cancelled", "canceled", "refund", "returned", "subscription", "रद्द", "लौटा", "रिफ़ंड"),
    "other": ("other", "something else", "कुछ और"),
}


class DisputeChargeForm(CardChoice, TaskForm):
    task = "dispute_charge"
    task_slots = ("card_last_four", "dispute_transaction", "dispute_reason")
    extra_slots = ("card_options", "listed_transactions")
    card_statuses = ("active", "frozen", "inactive")

    async def prefill(self, turn: Turn) -> None:
        turn.set(dispute_reason=parse_choice(turn.text, DISPUTE_REASONS))

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        await self.choose_card(turn)
        if turn.slot("card_last_four") is not None and turn.slot("listed_transactions") is None:
            await list_transactions(turn, DISPUTE_LIST_SIZE)
        return self.task_slots

    async def validate_dispute_transaction(self, turn: Turn) -> bool:
        listed = turn.slot("listed_transactions") or []
        chosen = parse_item_numbers(turn.text, len(listed)) if listed else None
        if not chosen or len(chosen) != 1:
            return False
        turn.set(dispute_transaction=listed[chosen[0] - 1]["id"])
        return True

    async def validate_dispute_reason(self, turn: Turn) -> bool:
        reason = parse_choice(turn.text, DISPUTE_REASONS)
        if reason is None:
            return False
        turn.set(dispute_reason=reason)
        return True


class ActionAskDisputeTransaction(Action):
    def name(self) -> str:
        return "action_ask_dispute_transaction"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        listed = tracker.get_slot("listed_transactions") or []
        dispatcher.utter_message(
            response="utter_ask_dispute_transaction",
            card=tracker.get_slot("card_last_four"),
            transactions=numbered([item["line"] for item in listed]),
        )
        return []


class ActionDisputeCharge(TaskAction):
    task = "dispute_charge"
    action_name = "action_dispute_charge"
    form = DisputeChargeForm
    self_service_response = "utter_dispute_charge"

    async def perform(self, turn: Turn) -> None:
        reply = await turn.service.me(
            "POST",
            "/disputes",
            transaction_id=turn.slot("dispute_transaction"),
            reason=turn.slot("dispute_reason"),
        )
        if reply.status == 201:
            transaction = reply.get("transaction") or {}
            turn.say(
                "utter_dispute_opened",
                reference=reply.get("reference"),
                merchant=transaction.get("merchant") or phrase("the_merchant", turn.language),
            )
        elif reply.error == "already_disputed":
            turn.say("utter_dispute_exists")
        else:
            turn.say("utter_service_error")
