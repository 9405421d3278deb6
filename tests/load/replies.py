"""What the assistant is expected to say at each turn of a load-test conversation.

An `Expect` names the kind of reply in words (for failure messages) and holds groups of
patterns: a turn meets it when every group has a pattern found in the turn's replies. `a & b`
wants both, `a | b` either. The patterns are taken from the responses in domain/ and from what
the end-to-end tests check (tests/e2e, tests/conversations).

Pure Python: imported by the locustfile (tools venv) and by a fast unit test (main venv).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Expect:
    kind: str
    groups: tuple[tuple[str, ...], ...]

    def met_by(self, text: str) -> bool:
        return all(any(re.search(pattern, text) for pattern in group) for group in self.groups)

    def __and__(self, other: Expect) -> Expect:
        return Expect(f"{self.kind}, then {other.kind}", self.groups + other.groups)

    def __or__(self, other: Expect) -> Expect:
        if len(self.groups) != 1 or len(other.groups) != 1:
            raise ValueError("only single-group expectations can be alternatives")
        return Expect(f"{self.kind} or {other.kind}", (self.groups[0] + other.groups[0],))


def expect(kind: str, *any_of: str) -> Expect:
    return Expect(kind, (any_of,))


# --- questions anyone can ask ----------------------------------------------------------------------
GREETING = expect("the greeting", r"virtual assistant")
REGION_QUESTION = expect("the question for the card's country", r"United States or India\?")
REGISTER_STEPS = expect("the registration steps", r"Register for Online Services")
BROWSER_FIX = expect("the browser advice", r"clearing the browser's cache")
RESET_LINK_OFFER = expect(
    "the offer of a reset link with the User ID question", r"reset your password\. First, what's your User ID"
)
STOPPED = expect("the task stopped", r"I've stopped there and nothing was changed")
WELCOME = expect("you're welcome", r"You're welcome")

# --- the identity check ----------------------------------------------------------------------------
USER_ID_QUESTION = expect("the question for the User ID", r"What's your User ID\?")
CODE_QUESTION = Expect(
    "the question for the code",
    ((r"sent a 6-digit one-time code",), (r"Please type the code here",)),
)


def verified(first_name: str) -> Expect:
    return expect(
        f"'Thanks {first_name}, you're verified'", rf"Thanks {re.escape(first_name)}, you're verified\."
    )


# --- account tasks ---------------------------------------------------------------------------------
BALANCE = expect("a balance line", r"Current balance: \S*\d")
WHICH_CARD = expect("the question which card", r"Which card is this about\?")
PAYMENT_AMOUNT = expect("the question how much to pay", r"How much would you like to pay\?")
PAYMENT_DATE = expect("the question when to pay", r"When should we take it\?")
PAYMENT_SUMMARY = expect("the payment summary", r"Just to confirm: pay ")
PAYMENT_QUESTION = WHICH_CARD | PAYMENT_AMOUNT | PAYMENT_DATE | PAYMENT_SUMMARY
PAID = expect(
    "the payment done with its reference", r"Done: \S+ paid to your card ending \d{4}[\s\S]*reference is PM-"
)
FROZEN = expect("the card frozen", r"Your card ending \d{4} is frozen")
NOTHING_TO_FREEZE = expect("no active card to freeze", r"couldn't find an active card to freeze")
UNFROZEN = expect("the card unfrozen", r"Your card ending \d{4} is unfrozen")

# --- a person --------------------------------------------------------------------------------------
HANDOFF_OPENED = expect("a handoff reference", r"Your reference is HO-[A-Z0-9]+")
# The service's limit on handoffs per client address per hour (account_service/cases.py): every
# simulated user comes from one address, so past it this is the right answer.
HANDOFF_REFUSED = expect("the handoff limit", r"can't open another request for a colleague")

AMOUNT = re.compile(r"Your current balance is \D*?([\d,]+(?:\.\d+)?)")
CARD_ENDING = re.compile(r"card ending (\d{4})")


def current_balance(text: str) -> float | None:
    """The balance the amount question quotes ("Your current balance is $1,497.32.")."""
    found = AMOUNT.search(text)
    return float(found.group(1).replace(",", "")) if found else None


def card_ending(text: str) -> str | None:
    found = CARD_ENDING.search(text)
    return found.group(1) if found else None
