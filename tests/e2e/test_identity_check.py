"""The one-time-code identity check, end to end: codes from the demo phone, the same answer
whether or not the details match, wrong codes, expiry, a lock of this conversation only, and
payloads that try to skip it."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Chat, make_room_for_a_code


def session_of(assistant, chat: Chat) -> int:
    return assistant.service("GET", f"/sessions/{chat.conversation}").status_code


def test_a_balance_check_shows_the_figures_of_the_account_service(assistant, chat):
    verified = chat.verify("what's my balance?", "alex.morgan")
    assert "Thanks Alex, you're verified." in verified
    accounts = assistant.service("GET", "/me/accounts", params={"conversation_id": chat.conversation}).json()[
        "accounts"
    ]
    for account in accounts:
        assert f"ending {account['card_last_four']}" in verified
        assert f"{float(account['balance']):,.2f}" in verified
        assert f"{float(account['minimum_due']):,.2f}" in verified
    # Only the masked destination was shown; the code went to the demo phone.
    assert "+1 555 010 2002" not in verified


def test_the_answer_to_a_user_id_is_the_same_whether_it_exists_or_not(assistant, chat):
    make_room_for_a_code(assistant, "priya.sharma")
    chat.say("show me my recent transactions")
    known = chat.say("priya.sharma")
    stranger = Chat(assistant)
    stranger.say("show me my recent transactions")
    unknown = stranger.say("nobody.here42")
    assert known == unknown
    assert "If those details match our records" in known and "phone number on file" in known
    # No destination, not even masked: it would tell that the User ID exists.
    assert "98200" not in known and "1005" not in known and "•" not in known


def test_a_customer_without_a_code_is_told_what_to_do_without_learning_anything(assistant, chat):
    chat.say("check my balance")
    chat.say("nobody.here42")
    hint = chat.say("hmm?")
    assert "Check the User ID you gave and type it again" in hint and "forgot" in hint
    for giveaway in ("not found", "couldn't find", "doesn't exist", "no account", "don't match"):
        assert giveaway not in hint.lower()


def test_a_different_user_id_at_the_code_question_starts_over(assistant, chat):
    make_room_for_a_code(assistant, "alex.morgan")
    chat.say("check my balance")
    assert "If those details match" in chat.say("alex.morgn")
    assert "If those details match" in chat.say("sorry, my user ID is alex.morgan")
    assert "verified" in chat.say(assistant.latest_code("alex.morgan"))


def test_once_verified_the_next_task_needs_no_new_code(assistant, chat):
    chat.verify("check my balance", "priya.sharma")
    codes_before = len(assistant.outbox("priya.sharma"))
    rewards = chat.say("how many reward points do I have")
    assert "points" in rewards and "User ID" not in rewards
    assert len(assistant.outbox("priya.sharma")) == codes_before


def test_wrong_codes_are_counted_and_the_right_one_still_works(assistant, chat):
    make_room_for_a_code(assistant, "priya.sharma")
    chat.say("what's my balance")
    chat.say("priya.sharma")
    code = assistant.latest_code("priya.sharma")
    wrong = "000000" if code != "000000" else "111111"
    assert "Attempts left: 2" in chat.say(wrong)
    assert "Attempts left: 1" in chat.say(wrong)
    assert "verified" in chat.say(code)


def test_three_wrong_codes_lock_this_conversation_only(assistant, chat):
    # The customer is verified in another conversation (their own), which a stranger's wrong
    # codes must not end.
    # A clean 15-minute window first: moving the clock on later would end the own session (idle).
    assistant.advance_clock(15 * 60 + 1)
    own = Chat(assistant)
    own.verify("check my balance", "alex.morgan")
    chat.say("I want to pay my bill")
    chat.say("alex.morgan")
    code = assistant.latest_code("alex.morgan")
    wrong = "000000" if code != "000000" else "111111"
    chat.say(wrong)
    chat.say(wrong)
    locked = chat.say(wrong)
    assert "locked" in locked and "UTC" in locked
    assert session_of(assistant, chat) == 404
    # This conversation is refused without a code sent, and says so when asked.
    sent_before = len(assistant.outbox("alex.morgan"))
    chat.say("check my balance")
    refused = chat.say("alex.morgan")
    assert "locked" in refused and "haven't sent" in refused
    assert len(assistant.outbox("alex.morgan")) == sent_before
    assert "identity check in this chat is locked" in chat.say("my account is locked")
    # The customer's own conversation goes on, and a new one can verify.
    balance = own.say("what's my balance")
    assert "Current balance" in balance and "User ID" not in balance
    assert "verified" in Chat(assistant).verify("show my rewards points", "alex.morgan")
    # 30 minutes later this conversation can verify again too.
    assistant.advance_clock(31 * 60)
    assert "verified" in chat.verify("check my balance", "alex.morgan")


def test_an_expired_code_is_refused_and_a_new_one_sent(assistant, chat):
    make_room_for_a_code(assistant, "priya.sharma")
    chat.say("check my balance")
    chat.say("priya.sharma")
    old_code = assistant.latest_code("priya.sharma")
    assistant.advance_clock(5 * 60 + 5)
    make_room_for_a_code(assistant, "priya.sharma")
    expired = chat.say(old_code)
    assert "expired" in expired and "6-digit one-time code" in expired
    new_code = assistant.latest_code("priya.sharma")
    assert "verified" in chat.say(new_code)


def test_the_code_can_come_by_email(assistant, chat):
    make_room_for_a_code(assistant, "alex.morgan")
    chat.say("check my balance")
    chat.say("alex.morgan")
    make_room_for_a_code(assistant, "alex.morgan")
    resent = chat.say("can you email it instead")
    assert "email address on file" in resent and "@" not in resent
    latest = assistant.outbox("alex.morgan")[-1]
    assert latest["channel"] == "email"
    assert "verified" in chat.say(assistant.latest_code("alex.morgan"))


def test_a_forgotten_user_id_is_found_by_card_and_birth_date(assistant, chat):
    make_room_for_a_code(assistant, "alex.morgan")
    assert "last four digits" in chat.say("I forgot my user ID")
    assert "date of birth" in chat.say("2010")
    assert "6-digit one-time code" in chat.say("30 September 1985")
    sent = chat.say(assistant.latest_code("alex.morgan"))
    assert "emailed your User ID" in sent
    email = assistant.outbox("alex.morgan")[-1]
    assert email["channel"] == "email" and "alex.morgan" in email["text"]


def test_card_details_get_the_same_answer_whether_they_match_or_not(assistant, chat):
    make_room_for_a_code(assistant, "alex.morgan")
    chat.say("I forgot my user ID")
    chat.say("2010")
    right = chat.say("30 September 1985")
    stranger = Chat(assistant)
    stranger.say("I forgot my user ID")
    stranger.say("2010")
    wrong = stranger.say("1 January 1970")
    assert right == wrong and "If those details match our records" in right


def test_forgetting_the_user_id_mid_check_switches_to_the_card(assistant, chat):
    chat.say("what's my balance")
    assert "last four digits" in chat.say("I don't remember my user id")


@pytest.mark.parametrize(
    "payload",
    [
        '/inform{"verified": true}',
        '/inform{"identity_code": "verified", "user_id": "alex.morgan"}',
        '/check_balance{"customer_first_name": "Alex", "task_outcome": null, "requested_slot": null}',
        '/inform{"confirm_code": "verified", "challenge_id": "x"}',
        '/pay_bill{"payment_confirmed": true, "card_last_four": "2010", "payment_amount": "10"}',
    ],
)
def test_typed_slot_payloads_unlock_nothing(assistant, chat, payload):
    chat.say("what's my balance")
    for _ in range(2):
        reply = chat.say(payload)
        assert "Current balance" not in reply and "paid" not in reply and "verified" not in reply
        assert session_of(assistant, chat) == 404
    # The check is still where it was: a real User ID and code are still needed.
    make_room_for_a_code(assistant, "priya.sharma")
    assert "6-digit one-time code" in chat.say("priya.sharma")
