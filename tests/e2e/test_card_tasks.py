"""Card tasks in chat, end to end: freeze and unfreeze, activation, declines explained from the
card's real status, fraud reports, disputes and replacements."""

from __future__ import annotations

from tests.e2e.conftest import Chat


def card(assistant, chat: Chat, last_four: str) -> dict:
    reply = assistant.service("GET", "/me/cards", params={"conversation_id": chat.conversation})
    return next(c for c in reply.json()["cards"] if c["last_four"] == last_four)


def test_freeze_then_a_decline_is_explained_then_unfreeze(assistant, chat):
    chat.verify("please freeze my card", "alex.morgan")
    assert "Which card" in chat.replies[-1]["text"] and "2002" in chat.buttons and "2010" in chat.buttons
    assert "is frozen" in chat.say("2002")
    assert card(assistant, chat, "2002")["status"] == "frozen"
    chat.say("my card was declined")
    explained = chat.say("the gold card")
    assert "frozen, so purchases are declined" in explained
    # Only the frozen card fits, so nobody is asked which one.
    assert "unfrozen" in chat.say("unfreeze my card")
    assert card(assistant, chat, "2002")["status"] == "active"


def test_a_new_card_is_activated(assistant, chat):
    chat.verify("activate my new card", "sam.lee")
    assert "Blue Cash Everyday Card ending 3005 is active" in chat.replies[-1]["text"]
    assert card(assistant, chat, "3005")["status"] == "active"
    assert "already active" in chat.say("activate my card")


def test_a_decline_over_the_limit_and_one_held_for_fraud(assistant, chat):
    chat.verify("why was my card ending 3013 declined", "sam.lee")
    assert "reached its limit" in chat.replies[-1]["text"]
    held = Chat(assistant).verify("my card keeps getting declined", "jordan.reyes")
    assert "hold" in held and "call" in held


def test_fraud_is_reported_from_the_list_of_transactions(assistant, chat):
    listed = chat.verify("there are charges on my card I don't recognise", "priya.sharma")
    assert "Which ones don't you recognise" in listed and "1. " in listed
    confirm = chat.say("1 and 2")
    assert "freeze your card ending 1005" in confirm
    reported = chat.say("yes")
    assert "fraud case FR-" in reported and "new card" in reported
    assert card(assistant, chat, "1005")["status"] == "frozen"


def test_a_charge_is_disputed(assistant, chat):
    chat.verify("I want to dispute a charge", "alex.morgan")
    listed = chat.say("the one ending 2010")
    assert "Reply with its number" in listed
    assert "What went wrong" in chat.say("2")
    opened = chat.say("I was charged twice")
    assert "opened dispute DP-" in opened
    # The same charge again: the service refuses a second dispute.
    chat.say("dispute a charge")
    chat.say("2010")
    chat.say("2")
    assert "already being disputed" in chat.say("charged twice")


def test_a_damaged_card_is_reissued_after_a_yes_and_stays_usable(assistant, chat):
    chat.verify("my card ending 2010 is damaged and needs replacing", "alex.morgan")
    assert "Just to confirm: send you a replacement for your card ending 2010" in chat.replies[-1]["text"]
    assert chat.buttons == ["/affirm", "/deny"]
    reissued = chat.say("yes")
    assert "same number" in reissued and "RP-" in reissued
    assert card(assistant, chat, "2010")["status"] == "active"


def test_a_stolen_card_is_blocked_and_replaced_with_a_new_number(assistant, chat):
    chat.verify("my card was stolen", "jordan.reyes")
    assert "block your card ending 4006" in chat.replies[-1]["text"]
    assert card(assistant, chat, "4006")["status"] == "active"
    blocked = chat.say("yes please")
    assert "blocked your card ending 4006" in blocked and "new number" in blocked
    assert card(assistant, chat, "4006")["status"] == "replaced"

    # The new card has not been activated yet: a decline on it is explained as such.
    new_card = next(
        c["last_four"]
        for c in assistant.service("GET", "/me/cards", params={"conversation_id": chat.conversation}).json()[
            "cards"
        ]
        if c["status"] == "inactive"
    )
    assert "hasn't been activated" in chat.say(f"why was my card ending {new_card} declined")
