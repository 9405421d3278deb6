"""Whole conversations a simulated customer has, with how often each is picked (its weight).

The wording is what a customer might type; each turn names the reply it expects (replies.py).
Account tasks start with the identity check: the User ID of a demo customer, then the 6-digit
code read from the account service's demo outbox, as the customer would read it on the phone.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from tests.load import replies as say
from tests.load.conversation import Conversation
from tests.load.demo_customers import DEMO_CUSTOMERS, CardDesk, CodeDesk, CodeNotDelivered, DemoCustomer
from tests.load.replies import Expect

PAYMENT = "5"  # small enough for any demo balance, in dollars or rupees


@dataclass
class Desks:
    codes: CodeDesk
    cards: CardDesk


@dataclass(frozen=True)
class Scenario:
    name: str
    weight: int
    needs_identity: bool
    run: Callable[[Conversation, Desks, DemoCustomer | None], None]


# --- questions anyone can ask: one or two turns ------------------------------------------------------
FAQS: list[list[tuple[str, str, Expect]]] = [
    [
        ("reset password", "how do I reset my password", say.RESET_LINK_OFFER),
        ("reset password, stop", "stop", say.STOPPED),
    ],
    [
        ("register", "how do I register for online access?", say.REGION_QUESTION),
        ("register, region", "United States", say.REGISTER_STEPS),
    ],
    [("register in India", "I want to sign up for online access, my card is from India", say.REGISTER_STEPS)],
    [("browser trouble", "the website won't load properly in my browser", say.BROWSER_FIX)],
    [("browser trouble", "my browser shows a blank page on your website", say.BROWSER_FIX)],
]


def faq(conversation: Conversation, desks: Desks, customer: DemoCustomer | None) -> None:
    for step, message, expected in random.choice(FAQS):
        conversation.say(step, message, expected)


def handoff(conversation: Conversation, desks: Desks, customer: DemoCustomer | None) -> None:
    conversation.say("hello", "hi", say.GREETING)
    conversation.say(
        "ask for a person", "I want to talk to a human", say.HANDOFF_OPENED | say.HANDOFF_REFUSED
    )
    if say.HANDOFF_REFUSED.met_by(conversation.last.text):
        conversation.tally.outcomes["handoff refused: the per-address hourly limit"] += 1


# --- the identity check -----------------------------------------------------------------------------
def verify(
    conversation: Conversation, desks: Desks, customer: DemoCustomer, request: str, then: Expect
) -> None:
    """Asks for a task, gives the User ID, reads the code from the demo outbox and types it; the
    answer to the code must say the customer is verified and then `then`."""
    conversation.say("task", request, say.USER_ID_QUESTION)
    try:
        # Held until the code is typed: a code sent to the customer for another conversation in
        # between would replace this one (only the newest code of a customer counts).
        with desks.codes.asking(customer) as reader:
            conversation.say("user id", customer.user_id, say.CODE_QUESTION)
            code = reader.code()
            conversation.say("code", code, say.verified(customer.first_name) & then)
    except CodeNotDelivered as error:
        raise conversation.fail("code_not_delivered", str(error)) from None
    conversation.tally.outcomes["verified"] += 1


def no_other_customers_cards(conversation: Conversation, customer: DemoCustomer) -> None:
    """A verified customer sees their own cards only (replies crossing conversations would show)."""
    others = {card for other in DEMO_CUSTOMERS if other != customer for card in other.cards}
    shown = set(re.findall(r"ending (\d{4})", conversation.last.text))
    if shown & others:
        raise conversation.fail("another_customers_data", f"{customer.user_id} was shown another's card")


# --- account tasks ----------------------------------------------------------------------------------
def balance(conversation: Conversation, desks: Desks, customer: DemoCustomer | None) -> None:
    assert customer is not None
    verify(
        conversation, desks, customer, random.choice(["what's my balance?", "how much do I owe"]), say.BALANCE
    )
    no_other_customers_cards(conversation, customer)
    conversation.say("thanks", "thanks", say.WELCOME)


def pay_bill(conversation: Conversation, desks: Desks, customer: DemoCustomer | None) -> None:
    assert customer is not None
    verify(conversation, desks, customer, "I want to pay my bill", say.PAYMENT_QUESTION)
    for _ in range(5):  # the form asks what it does not know yet: card, amount, day, then yes
        text = conversation.last.text
        if say.PAYMENT_SUMMARY.met_by(text):
            conversation.say("pay: yes", "yes", say.PAID)
            return
        if say.WHICH_CARD.met_by(text):
            conversation.say("pay: card", conversation.buttons()[0], say.PAYMENT_QUESTION)
        elif say.PAYMENT_AMOUNT.met_by(text):
            owed = say.current_balance(text)
            if owed is not None and owed < float(PAYMENT):
                conversation.tally.outcomes["payment skipped: nothing owed"] += 1
                conversation.say("pay: stop", "stop", say.STOPPED)
                return
            conversation.say("pay: amount", PAYMENT, say.PAYMENT_QUESTION)
        else:
            conversation.say("pay: date", "today", say.PAYMENT_QUESTION)
    raise conversation.fail("payment_questions_never_ended", "no payment summary after 5 questions")


def freeze_and_unfreeze(conversation: Conversation, desks: Desks, customer: DemoCustomer | None) -> None:
    assert customer is not None
    try:
        with desks.cards.changing(customer):
            _freeze_and_unfreeze(conversation, desks, customer)
    except TimeoutError as error:
        raise conversation.fail("cards_busy", str(error)) from None


def _freeze_and_unfreeze(conversation: Conversation, desks: Desks, customer: DemoCustomer) -> None:
    frozen_or_asked = say.WHICH_CARD | say.FROZEN | say.NOTHING_TO_FREEZE
    verify(conversation, desks, customer, "please freeze my card", frozen_or_asked)
    if say.WHICH_CARD.met_by(conversation.last.text):
        conversation.say("freeze: card", conversation.buttons()[0], say.FROZEN)
    if say.NOTHING_TO_FREEZE.met_by(conversation.last.text):
        # Every card of the customer is frozen or replaced already (by an earlier test, say).
        conversation.tally.outcomes["freeze skipped: no active card"] += 1
        return
    card = say.card_ending(conversation.last.text)
    unfrozen = conversation.say("unfreeze", "unfreeze my card", say.WHICH_CARD | say.UNFROZEN)
    if say.WHICH_CARD.met_by(unfrozen.text):
        unfrozen = conversation.say("unfreeze: card", str(card), say.UNFROZEN)
    if say.card_ending(unfrozen.text) != card:
        raise conversation.fail(
            "unfroze_another_card", f"froze {card}, unfroze {say.card_ending(unfrozen.text)}"
        )


SCENARIOS = (
    Scenario("faq", 5, False, faq),
    Scenario("balance", 3, True, balance),
    Scenario("pay bill", 2, True, pay_bill),
    Scenario("freeze and unfreeze", 2, True, freeze_and_unfreeze),
    Scenario("handoff", 1, False, handoff),
)
FALLBACK = SCENARIOS[0]  # when no demo customer may get a code now
