"""The load test's own checks, fast: what counts as a reply delivered twice, to the wrong
conversation or out of order, and how expected replies are recognised. A check that never fires
would let a load run pass whatever the assistant did."""

from __future__ import annotations

from tests.load import replies as say
from tests.load.exactly_once import Turn, delivery_violations

SENDER = "load-1"


def turn(seq: int, *texts: str, sent_at: float = 10.0, answered_at: float = 11.0, to: str = SENDER) -> Turn:
    replies = [{"recipient_id": to, "text": text} for text in texts]
    return Turn(seq=seq, step="step", message="hi", sent_at=sent_at, answered_at=answered_at, replies=replies)


def kinds(current: Turn, earlier: list[Turn], expected_met: bool = True) -> list[str]:
    return [violation.kind for violation in delivery_violations(SENDER, current, earlier, expected_met)]


def test_a_clean_conversation_has_no_violations() -> None:
    first = turn(1, "What's your User ID?", sent_at=0, answered_at=1)
    second = turn(2, "If those details match…", "Please type the code here.", sent_at=2, answered_at=3)
    assert kinds(first, []) == []
    assert kinds(second, [first]) == []


def test_a_reply_for_another_conversation_is_caught() -> None:
    assert kinds(turn(1, "Thanks Priya, you're verified.", to="load-2"), []) == ["wrong_recipient"]


def test_an_empty_reply_is_caught_but_buttons_alone_are_content() -> None:
    assert kinds(turn(1, "  "), []) == ["empty_reply"]
    only_buttons = Turn(1, "s", "m", 0, 1, [{"recipient_id": SENDER, "buttons": [{"payload": "/affirm"}]}])
    assert kinds(only_buttons, []) == []


def test_the_same_reply_twice_in_one_response_is_caught() -> None:
    assert kinds(turn(1, "Which card is this about?", "Which card is this about?"), []) == [
        "repeated_in_response"
    ]


def test_a_one_time_reply_of_an_earlier_turn_is_caught_but_a_repeated_question_is_not() -> None:
    paid = turn(
        1, "Done: $5.00 paid to your card ending 2002. Your reference is PM-S4EV8L.", sent_at=0, answered_at=1
    )
    assert kinds(turn(2, paid.texts[0], sent_at=2, answered_at=3), [paid]) == ["repeated_from_earlier_turn"]
    asked = turn(1, "Which card is this about?", sent_at=0, answered_at=1)
    assert kinds(turn(2, "Which card is this about?", sent_at=2, answered_at=3), [asked]) == []


def test_turns_answered_out_of_order_are_caught() -> None:
    first = turn(1, "What's your User ID?", sent_at=0, answered_at=5)
    assert kinds(turn(2, "Thanks Alex, you're verified.", sent_at=4, answered_at=6), [first]) == [
        "out_of_order"
    ]
    assert kinds(turn(3, "Thanks Alex, you're verified.", sent_at=6, answered_at=7), [first]) == [
        "out_of_order"
    ]


def test_the_previous_answer_again_instead_of_this_turns_is_out_of_order() -> None:
    first = turn(1, "What's your User ID?", sent_at=0, answered_at=1)
    stale = turn(2, "What's your User ID?", sent_at=2, answered_at=3)
    assert kinds(stale, [first], expected_met=False) == ["out_of_order"]
    assert kinds(stale, [first], expected_met=True) == []  # asked again on purpose


def test_expected_replies_are_recognised_from_the_assistants_wording() -> None:
    sent = (
        "If those details match our records, I've sent a 6-digit one-time code to the phone number on file.\n"
        'Please type the code here. (No code? Say "send it again", or "email it" to get it by email.)'
    )
    assert say.CODE_QUESTION.met_by(sent)
    assert not say.CODE_QUESTION.met_by(sent.splitlines()[0])  # both parts are needed
    verified_then_balance = (
        "Thanks Alex, you're verified.\nGold Card ending 2002:\n- Current balance: $1,497.32"
    )
    assert (say.verified("Alex") & say.BALANCE).met_by(verified_then_balance)
    assert not (say.verified("Priya") & say.BALANCE).met_by(verified_then_balance)
    assert say.PAYMENT_QUESTION.met_by("When should we take it? Today, or any day up to your due date.")
    assert (say.HANDOFF_OPENED | say.HANDOFF_REFUSED).met_by("Your reference is HO-ZNHANB, and the wait")
    assert not say.BALANCE.met_by("Sorry, I can't reach your account right now, so nothing was changed.")


def test_amounts_and_cards_are_read_from_replies() -> None:
    assert (
        say.current_balance("How much would you like to pay? Your current balance is $1,497.32.") == 1497.32
    )
    assert say.current_balance("Your current balance is ₹45,787.59.") == 45787.59
    assert say.current_balance("When should we take it?") is None
    assert say.card_ending("Thanks Alex, you're verified.\nYour card ending 2010 is frozen") == "2010"
