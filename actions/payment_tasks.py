"""Paying the bill and autopay: the tasks that move money, so each ends in a confirmation."""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.account_tasks import load_accounts
from actions.cards_on_file import CardChoice, load_cards
from actions.confirmation import AFFIRM_PAYLOAD, DENY_PAYLOAD, read_yes_no, yes_no_buttons
from actions.formatting import day, money
from actions.language import language_of
from actions.parsing import Money, parse_choice, parse_date, parse_money, with_keywords, words
from actions.phrases import phrase
from actions.task_form import TaskAction, TaskForm, Turn, confirmation, say_refused
from common.folding import fold_all
from localization.language import ENGLISH

# Key words start words: "min" is also "minimum"; the Hindi answers invite "स्टेटमेंट बैलेंस" and
# "न्यूनतम देय राशि".
AMOUNT_CHOICES = {
    "statement_balance": (
        *("statement", "full", "whole", "total", "everything", "all of it"),
        *("स्टेटमेंट", "पूरा", "पूरी", "पूरे", "poora", "poori"),
    ),
    "minimum_due": ("minimum", "min", "न्यूनतम", "मिनिमम"),
}
# "another amount", "कोई और रकम", "दूसरी रकम": the customer will type one.
OTHER_AMOUNT_WORDS = fold_all({"other", "दूसरी", "दूसरा", "अलग", "doosri", "dusri", "alag"})
OTHER_AMOUNT_PAIRS = (fold_all({"और", "aur"}), fold_all({"रकम", "राशि", "amount", "rakam"}))
# "on the due date", "ड्यू डेट को"
DUE_WORDS = fold_all({"due", "ड्यू", "देय"})


def account_of(accounts: list[dict[str, Any]], card: str | None) -> dict[str, Any] | None:
    return next((a for a in accounts if a["card_last_four"] == card), None)


async def note_account(turn: Turn) -> dict[str, Any] | None:
    """Keeps the chosen card's figures in `payment_account` for the questions and the summary."""
    if turn.slot("payment_account") is None and turn.slot("card_last_four") is not None:
        account = account_of(await load_accounts(turn), turn.slot("card_last_four"))
        if account is not None:
            kept = (
                "card_last_four",
                "product",
                "currency",
                "balance",
                "statement_balance",
                "minimum_due",
                "due_date",
            )
            bank = account["bank_account"]
            turn.set(
                payment_account={key: account[key] for key in kept}
                | {"bank": bank["masked"], "bank_name": bank["bank_name"]}
            )
    return turn.slot("payment_account")


# --- pay_bill ----------------------------------------------------------------------------------------
class PayBillForm(CardChoice, TaskForm):
    task = "pay_bill"
    task_slots = ("card_last_four", "payment_amount", "payment_date", "payment_confirmed")
    extra_slots = ("card_options", "payment_account", "payment_key", "prefilled_amount", "payment_date_said")
    needs_fresh_code = True

    async def prefill(self, turn: Turn) -> None:
        # One key per payment: a repeated confirmation or a retried call pays once.
        turn.set(payment_key=uuid.uuid4().hex)
        amount = parse_money(turn.text)
        choice = parse_choice(turn.text, AMOUNT_CHOICES)
        # The account (and its currency) is not known yet: the amount waits with the currency said.
        turn.set(prefilled_amount=amount.slot_text() if amount else choice)
        when = parse_date(turn.text, await turn.today(), await turn.region())
        turn.set(payment_date_said=when.isoformat() if when else None)

    async def offered_cards(self, turn: Turn) -> list[dict[str, Any]]:
        """One card per account, the one the account is known by: a bill is the account's, and
        a replaced or frozen old card of the same account would be offered twice otherwise."""
        current = {account["card_last_four"] for account in await load_accounts(turn)}
        return [card for card in await load_cards(turn) if card["last_four"] in current]

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        await self.choose_card(turn)
        account = await note_account(turn)
        if account is not None:
            said = turn.slot("prefilled_amount")
            if said is not None and turn.slot("payment_amount") is None:
                turn.set(prefilled_amount=None)
                self.take_amount(
                    turn, account, said if said in AMOUNT_CHOICES else Money.from_slot_text(said)
                )
            said_date = turn.slot("payment_date_said")
            if said_date is not None and turn.slot("payment_date") is None:
                turn.set(payment_date_said=None)
                self.take_date(turn, account, date.fromisoformat(said_date), await turn.today())
        return self.task_slots

    async def wants_change(self, turn: Turn) -> bool:
        return turn.slot("payment_confirmed") is True

    @staticmethod
    def take_amount(turn: Turn, account: dict[str, Any], said: str | Money) -> bool:
        """A choice ("minimum_due") or an amount; one in another currency than the card's
        ("$200" for a rupee card) is not taken, and the question is asked again."""
        if isinstance(said, Money):
            if not said.fits(account["currency"]):
                return False
            amount = said.amount
        else:
            amount = Decimal(account[said])
        if amount <= 0:
            turn.say("utter_payment_amount_too_small")
            return True
        if amount > Decimal(account["balance"]):
            turn.say("utter_payment_amount_too_large", balance=money(account["balance"], account["currency"]))
            return True
        turn.set(payment_amount=f"{amount:.2f}")
        return True

    @staticmethod
    def take_date(turn: Turn, account: dict[str, Any], when: date, today: date) -> bool:
        due = date.fromisoformat(account["due_date"])
        if when < today:
            turn.say("utter_payment_date_past")
        elif when > due:
            turn.say("utter_payment_date_after_due", due_date=day(due, turn.language))
        else:
            turn.set(payment_date=when.isoformat())
        return True

    async def validate_payment_amount(self, turn: Turn) -> bool:
        account = await note_account(turn)
        choice = parse_choice(turn.text, AMOUNT_CHOICES)
        amount = parse_money(turn.text)
        if account is not None and choice is not None:
            return self.take_amount(turn, account, choice)
        if account is not None and amount is not None:
            return self.take_amount(turn, account, amount)
        if asks_other_amount(turn.text):
            turn.say("utter_ask_other_amount")
            turn.set(payment_amount=None)
            return True
        return False

    async def validate_payment_date(self, turn: Turn) -> bool:
        account = await note_account(turn)
        if account is None:
            return False
        if set(words(turn.text)) & DUE_WORDS:
            turn.set(payment_date=account["due_date"])
            return True
        today = await turn.today()
        when = parse_date(turn.text, today, await turn.region())
        return False if when is None else self.take_date(turn, account, when, today)

    async def validate_payment_confirmed(self, turn: Turn) -> bool:
        return confirmation(turn, "payment_confirmed", "utter_payment_not_made")


class ActionAskPaymentAmount(Action):
    def name(self) -> str:
        return "action_ask_payment_amount"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        account = tracker.get_slot("payment_account") or {}
        currency = account.get("currency", "USD")
        language = language_of(tracker)
        statement_balance = money(account.get("statement_balance", 0), currency)
        minimum_due = money(account.get("minimum_due", 0), currency)
        # Titles in the answer language; the payloads are what validate_payment_amount reads.
        buttons = [
            {
                "title": phrase("statement_balance_button", language, amount=statement_balance),
                "payload": "statement balance",
            },
            {"title": phrase("minimum_due_button", language, amount=minimum_due), "payload": "minimum due"},
            {"title": phrase("other_amount_button", language), "payload": "other amount"},
        ]
        dispatcher.utter_message(
            response="utter_ask_payment_amount",
            buttons=buttons,
            balance=money(account.get("balance", 0), currency),
        )
        return []


class ActionAskPaymentDate(Action):
    def name(self) -> str:
        return "action_ask_payment_date"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        account = tracker.get_slot("payment_account") or {}
        language = language_of(tracker)
        due = day(account.get("due_date") or date.today(), language)
        buttons = [
            {"title": phrase("today_button", language), "payload": "today"},
            {"title": phrase("due_date_button", language, day=due), "payload": "on the due date"},
        ]
        dispatcher.utter_message(response="utter_ask_payment_date", buttons=buttons, due_date=due)
        return []


class ActionAskPaymentConfirmed(Action):
    def name(self) -> str:
        return "action_ask_payment_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        account = tracker.get_slot("payment_account") or {}
        language = language_of(tracker)
        bank_name = account.get("bank_name") or phrase("your_bank_account", language)
        dispatcher.utter_message(
            response="utter_ask_payment_confirmed",
            amount=money(tracker.get_slot("payment_amount") or 0, account.get("currency", "USD")),
            bank=f"{bank_name} {account.get('bank', '')}".strip(),
            product=account.get("product") or phrase("card", language),
            card=tracker.get_slot("card_last_four"),
            when=day(tracker.get_slot("payment_date") or date.today(), language),
            buttons=[
                {"title": phrase("yes_pay", language), "payload": AFFIRM_PAYLOAD},
                {"title": phrase("no", language), "payload": DENY_PAYLOAD},
            ],
        )
        return []


class ActionPayBill(TaskAction):
    task = "pay_bill"
    action_name = "action_pay_bill"
    form = PayBillForm
    self_service_response = "utter_pay_bill"

    async def perform(self, turn: Turn) -> None:
        account = turn.slot("payment_account") or {}
        body = {
            "card_last_four": turn.slot("card_last_four"),
            "amount": turn.slot("payment_amount"),
            "pay_on": turn.slot("payment_date"),
            "idempotency_key": turn.slot("payment_key"),
        }
        reply = await turn.service.me("POST", "/payments", **body)
        if reply.status in (200, 201):
            paid = reply.body
            response = "utter_payment_done" if paid["status"] == "completed" else "utter_payment_scheduled"
            turn.say(
                response,
                amount=money(paid["amount"], paid["currency"]),
                reference=paid["reference"],
                when=day(paid["pay_on"], turn.language),
                card=paid["card_last_four"],
                bank=paid.get("from_account") or account.get("bank", ""),
            )
        elif reply.error in ("invalid_amount", "invalid_date"):
            turn.say("utter_payment_refused")
        else:
            say_refused(turn, reply)


# --- setup_autopay ---------------------------------------------------------------------------------
# Keywords match at a word's start ("cancel" also finds "cancelled"), so a bare "end" would find
# "ending" in "my card ending 2002", and a bare "switch" the "switch off" of a cancellation: two
# answers at once, which parse_choice reads as none.
AUTOPAY_ACTIONS = {
    "cancel": ("cancel", "stop", "turn off", "switch off", "end ", "remove", "unenrol", "unenroll"),
    "change": ("change", "update", "switch to", "switch it to", "switch autopay to", "different", "modify"),
    "enrol": ("set up", "setup", "enrol", "enroll", "turn on", "start", "sign up", "activate"),
    "keep": ("keep", "leave", "fine", "as it is", "nothing"),
}
# The "Turn it on" button's payload (the Hindi "चालू करें" sends it too), and the same answers in
# Hindi and Hinglish, as the Hindi hint words them ("रकम बदलें", "ऑटोपे रद्द करें", "रहने दें").
AUTOPAY_ACTIONS = with_keywords(
    AUTOPAY_ACTIONS,
    {
        "cancel": ("रद्द", "बंद", "हटा", "radd", "band", "hata"),
        "change": ("बदल", "badal"),
        "enrol": ("turn it on", "चालू", "शुरू", "chalu", "chaalu", "shuru"),
        "keep": ("रहने", "जैसा है", "कुछ नहीं", "rehne", "rahne", "jaisa hai", "kuch nahi", "kuchh nahi"),
    },
)
AUTOPAY_AMOUNTS = {
    **AMOUNT_CHOICES,
    "fixed": ("fixed", "set amount", "same amount", "other", "specific", "तय", "फ़िक्स्ड", "fix", "tay"),
}


class SetupAutopayForm(CardChoice, TaskForm):
    task = "setup_autopay"
    task_slots = (
        "card_last_four",
        "autopay_action",
        "autopay_amount_type",
        "autopay_fixed_amount",
        "autopay_confirmed",
    )
    extra_slots = ("card_options", "autopay_current", "autopay_said")
    needs_fresh_code = True

    async def prefill(self, turn: Turn) -> None:
        turn.set(autopay_said=parse_choice(turn.text, AUTOPAY_ACTIONS))

    async def questions(self, turn: Turn) -> tuple[str, ...]:
        await self.choose_card(turn)
        if turn.slot("card_last_four") is None:
            return ("card_last_four",)
        current = turn.slot("autopay_current")
        if current is None:
            reply = await turn.service.me("GET", "/autopay", card=turn.slot("card_last_four"))
            settings = reply.get("autopay") or [] if reply.status == 200 else []
            current = settings[0] if settings else {"enrolled": False}
            turn.set(autopay_current=current)
            status_response = (
                "utter_autopay_status_on" if current.get("enrolled") else "utter_autopay_status_off"
            )
            amount = autopay_amount_text(
                current.get("amount_type"),
                current.get("fixed_amount"),
                current.get("currency", "USD"),
                turn.language,
            )
            turn.say(status_response, card=turn.slot("card_last_four"), amount=amount)
            said = turn.slot("autopay_said")
            if said == "enrol" and current.get("enrolled"):
                said = "change"
            if said in ("change", "cancel") and not current.get("enrolled"):
                said = "enrol" if said == "change" else None
            if said == "cancel" or said in ("enrol", "change"):
                turn.set(autopay_action=said)
        action = turn.slot("autopay_action")
        if action == "keep":
            turn.say("utter_autopay_kept")
            turn.finish("declined")
            return ()
        if action == "cancel":
            return ("card_last_four", "autopay_action", "autopay_confirmed")
        if turn.slot("autopay_amount_type") not in (None, "fixed"):
            return ("card_last_four", "autopay_action", "autopay_amount_type", "autopay_confirmed")
        return self.task_slots

    async def wants_change(self, turn: Turn) -> bool:
        return turn.slot("autopay_confirmed") is True

    async def validate_autopay_action(self, turn: Turn) -> bool:
        enrolled = (turn.slot("autopay_current") or {}).get("enrolled")
        choice = parse_choice(turn.text, AUTOPAY_ACTIONS)
        if choice is None:
            answer = read_yes_no(turn.text)
            choice = None if answer is None else ("enrol" if answer and not enrolled else "keep")
        if choice is None:
            return False
        if choice == "enrol" and enrolled:
            choice = "change"
        if choice in ("change", "cancel") and not enrolled:
            choice = "enrol" if choice == "change" else "keep"
        turn.set(autopay_action=choice)
        return True

    @staticmethod
    def fixed_amount(turn: Turn) -> Money | None:
        """An amount more than zero in the card's currency (or none named)."""
        amount = parse_money(turn.text)
        currency = (turn.slot("autopay_current") or {}).get("currency", "USD")
        return amount if amount is not None and amount.minor > 0 and amount.fits(currency) else None

    async def validate_autopay_amount_type(self, turn: Turn) -> bool:
        choice = parse_choice(turn.text, AUTOPAY_AMOUNTS)
        amount = self.fixed_amount(turn)
        if choice is None and amount is None:
            return False
        if amount is not None:
            turn.set(autopay_amount_type="fixed", autopay_fixed_amount=amount.api_text())
        else:
            turn.set(autopay_amount_type=choice)
        return True

    async def validate_autopay_fixed_amount(self, turn: Turn) -> bool:
        amount = self.fixed_amount(turn)
        if amount is None:
            return False
        turn.set(autopay_fixed_amount=amount.api_text())
        return True

    async def validate_autopay_confirmed(self, turn: Turn) -> bool:
        return confirmation(turn, "autopay_confirmed", "utter_autopay_not_changed")


AMOUNT_PHRASES = {"statement_balance": "autopay_statement_balance", "minimum_due": "autopay_minimum_due"}


def autopay_amount_text(
    amount_type: str | None, fixed: str | None, currency: str = "USD", language: str = ENGLISH
) -> str:
    if amount_type == "fixed" and fixed:
        return money(fixed, currency)
    return phrase(AMOUNT_PHRASES.get(amount_type or "", "autopay_statement_balance"), language)


def asks_other_amount(text: str) -> bool:
    said = set(words(text))
    return bool(said & OTHER_AMOUNT_WORDS) or all(said & pair for pair in OTHER_AMOUNT_PAIRS)


class ActionAskAutopayConfirmed(Action):
    def name(self) -> str:
        return "action_ask_autopay_confirmed"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        card = tracker.get_slot("card_last_four")
        buttons = yes_no_buttons(language_of(tracker))
        if tracker.get_slot("autopay_action") == "cancel":
            dispatcher.utter_message(
                response="utter_ask_autopay_cancel_confirmed", card=card, buttons=buttons
            )
        else:
            amount = autopay_amount_text(
                tracker.get_slot("autopay_amount_type"),
                tracker.get_slot("autopay_fixed_amount"),
                (tracker.get_slot("autopay_current") or {}).get("currency", "USD"),
                language_of(tracker),
            )
            dispatcher.utter_message(
                response="utter_ask_autopay_confirmed", card=card, amount=amount, buttons=buttons
            )
        return []


class ActionSetupAutopay(TaskAction):
    task = "setup_autopay"
    action_name = "action_setup_autopay"
    form = SetupAutopayForm
    self_service_response = "utter_setup_autopay"

    async def perform(self, turn: Turn) -> None:
        card = turn.slot("card_last_four")
        if turn.slot("autopay_action") == "cancel":
            reply = await turn.service.me("DELETE", "/autopay", card=card)
            done = "utter_autopay_cancelled"
        else:
            body = {"card_last_four": card, "amount_type": turn.slot("autopay_amount_type")}
            if turn.slot("autopay_amount_type") == "fixed":
                body["fixed_amount"] = turn.slot("autopay_fixed_amount")
            reply = await turn.service.me("PUT", "/autopay", **body)
            done = "utter_autopay_set"
        if reply.status == 200:
            amount = autopay_amount_text(
                reply.get("amount_type"),
                reply.get("fixed_amount"),
                reply.get("currency") or "USD",
                turn.language,
            )
            turn.say(done, card=card, amount=amount)
        else:
            say_refused(turn, reply)
