"""The identity check inside every task form, against the real account service in this process:
the User ID route, the forgotten-ID route (card last four and date of birth), codes read from
the demo phone (the service's outbox), wrong codes, a lock, answers that are not a code, and the
same words whether or not the details match. End to end, with Rasa: tests/e2e/test_identity_check.py."""

from __future__ import annotations

import pytest

from tests.unit.dialogue import Dialogue
from tests.unit.in_process_service import InProcessService

pytestmark = pytest.mark.asyncio


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def at_the_code_question(service: InProcessService, user_id: str = "alex.morgan") -> Dialogue:
    chat = Dialogue()
    assert await chat.say("what's my balance", intent="check_balance") == ["utter_ask_user_id"]
    assert await chat.say(user_id) == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    return chat


# --- the two routes -------------------------------------------------------------------------------
async def test_the_user_id_and_the_code_from_the_phone_verify_and_the_task_goes_on(service):
    chat = await at_the_code_question(service)
    sent = (await service.outbox("alex.morgan"))[-1]
    assert sent["channel"] == "sms" and sent["to"] == "+1 555 010 2002"
    said = await chat.say(await service.latest_code("alex.morgan"))
    assert said == [
        "utter_identity_verified",
        "utter_balance_summary",
        "utter_balance_summary",
        "utter_anything_else",
    ]
    assert chat.said_with("utter_identity_verified")["first_name"] == "Alex"
    session = await service.session(chat.sender)
    assert session is not None and session["user_id"] == "alex.morgan" and session["fresh"]
    # The figures are the service's.
    accounts = await service.accounts(chat.sender)
    shown = {
        message["card"]: message
        for message in chat.messages
        if message["response"] == "utter_balance_summary"
    }
    assert shown.keys() == accounts.keys() == {"2002", "2010"}
    assert shown["2002"]["balance"] == f"${float(accounts['2002']['balance']):,.2f}"
    # The code never reached a slot, and the conversation's slots are cleared for the next task.
    assert chat.slots["identity_code"] is None and chat.slots["user_id"] is None
    assert not chat.form_active


async def test_a_forgotten_user_id_is_replaced_by_the_card_and_the_date_of_birth(service):
    chat = Dialogue()
    await chat.say("what's my balance", intent="check_balance")
    assert await chat.say("I forgot my user id") == ["utter_identity_by_card", "utter_ask_identity_card"]
    assert await chat.say("it ends in 2010") == ["utter_ask_date_of_birth"]
    assert await chat.say("30 September 1985") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    challenge = service.called("POST", "/identity/challenges")[-1].json
    assert challenge["card_last_four"] == "2010" and challenge["date_of_birth"] == "1985-09-30"
    assert "user_id" not in challenge
    said = await chat.say(await service.latest_code("alex.morgan"))
    assert said[0] == "utter_identity_verified" and said[-1] == "utter_anything_else"
    assert (await service.session(chat.sender) or {}).get("user_id") == "alex.morgan"


async def test_a_date_of_birth_that_cannot_be_read_is_asked_again(service):
    chat = Dialogue()
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("I don't remember my user ID")
    await chat.say("2010")
    assert await chat.say("05/06/1985") == ["utter_hint_date_of_birth", "utter_ask_date_of_birth"]
    assert not service.called("POST", "/identity/challenges")


async def test_once_verified_the_next_task_needs_no_new_code(service):
    chat = Dialogue()
    await chat.say("what's my balance", intent="check_balance")
    await service.pass_identity_check(chat)
    said = await chat.say("how many points do I have", intent="rewards")
    assert said == ["utter_rewards_summary"]
    assert await service.codes_sent("alex.morgan") == 1


# --- codes ----------------------------------------------------------------------------------------
async def test_a_wrong_code_is_counted_and_the_right_one_still_works(service):
    chat = await at_the_code_question(service)
    code = await service.latest_code("alex.morgan")
    assert await chat.say(wrong(code)) == ["utter_wrong_code", "utter_ask_identity_code"]
    assert chat.said_with("utter_wrong_code")["attempts_left"] == 2
    assert await service.session(chat.sender) is None
    said = await chat.say(f"my code is {code[:3]} {code[3:]}")
    assert said[0] == "utter_identity_verified"


async def test_three_wrong_codes_lock_this_conversation_and_it_says_so_later(service):
    chat = await at_the_code_question(service)
    code = await service.latest_code("alex.morgan")
    await chat.say(wrong(code))
    await chat.say(wrong(code))
    assert await chat.say(wrong(code)) == ["utter_identity_check_locked"]
    assert chat.said_with("utter_identity_check_locked")["until"].endswith(" UTC")
    assert not chat.form_active and chat.slots["task_outcome"] is None
    # A new task in this conversation sends no code and says why.
    await chat.say("check my balance", intent="check_balance")
    assert await chat.say("alex.morgan") == ["utter_identity_check_locked"]
    assert await service.codes_sent("alex.morgan") == 1
    # And the account_locked task answers for this conversation, asking nothing.
    said = await chat.say("am I locked out?", intent="account_locked")
    assert said == ["utter_identity_check_paused", "utter_account_locked"]
    assert service.called("GET", "/access/lock-status")[-1].query == {"conversation_id": chat.sender}


async def test_a_code_can_be_sent_again_and_by_email(service):
    chat = await at_the_code_question(service)
    first = await service.latest_code("alex.morgan")
    assert await chat.say("I didn't get it, send it again") == [
        "utter_code_sent_if_match",
        "utter_ask_identity_code",
    ]
    assert await chat.say("can you email it instead") == [
        "utter_code_sent_if_match",
        "utter_ask_identity_code",
    ]
    assert chat.said_with("utter_code_sent_if_match")["on_file"] == "the email address on file"
    outbox = await service.outbox("alex.morgan")
    assert [message["channel"] for message in outbox] == ["sms", "sms", "email"]
    # Only the newest code counts.
    latest = await service.latest_code("alex.morgan")
    if first != latest:
        assert await chat.say(first) == ["utter_wrong_code", "utter_ask_identity_code"]
    assert (await chat.say(latest))[0] == "utter_identity_verified"


@pytest.mark.parametrize(
    ("text", "intent", "said"),
    [
        ("hello", "greet", ["utter_hint_identity_code", "utter_ask_identity_code"]),
        ("what is a one-time code?", "mfa_help", ["utter_mfa_help", "utter_ask_identity_code"]),
        ("12345", "inform", ["utter_hint_identity_code", "utter_ask_identity_code"]),
        (
            '/inform{"identity_code": "verified"}',
            "inform",
            ["utter_hint_identity_code", "utter_ask_identity_code"],
        ),
    ],
)
async def test_a_message_that_is_not_a_code_verifies_nothing_and_sends_nothing(service, text, intent, said):
    chat = await at_the_code_question(service)
    assert await chat.say(text, intent=intent, confidence=0.95) == said
    assert chat.asks == "identity_code" and chat.slots.get("identity_code") is None
    assert await service.session(chat.sender) is None
    assert await service.codes_sent("alex.morgan") == 1
    assert len(service.called("POST", "/identity/challenges")) == 1


async def test_three_answers_that_are_not_a_code_end_the_task(service):
    chat = await at_the_code_question(service)
    for text in ("hmm", "what", "ok"):
        await chat.say(text, intent="affirm", confidence=0.5)
    assert chat.said == ["utter_task_gave_up"] and not chat.form_active


async def test_a_different_user_id_at_the_code_question_starts_over(service):
    chat = await at_the_code_question(service, "alex.morgn")
    first = chat.slots["challenge_id"]
    said = await chat.say("sorry, my user id is alex.morgan")
    assert said == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert chat.slots["user_id"] == "alex.morgan" and chat.slots["challenge_id"] != first
    assert (await chat.say(await service.latest_code("alex.morgan")))[0] == "utter_identity_verified"


async def test_forgot_at_the_code_question_switches_to_the_card(service):
    chat = await at_the_code_question(service)
    assert await chat.say("I forgot my user id") == ["utter_identity_by_card", "utter_ask_identity_card"]


async def test_another_task_at_the_code_question_keeps_the_code_that_was_sent(service):
    chat = await at_the_code_question(service)
    said = await chat.say("actually show me my rewards", intent="rewards", confidence=0.95)
    # The balance task ends quietly; the rewards task asks for the same code, sending no other.
    assert said == ["utter_ask_identity_code"] and chat.active_form == "rewards"
    assert await service.codes_sent("alex.morgan") == 1
    said = await chat.say(await service.latest_code("alex.morgan"))
    assert said == ["utter_identity_verified", "utter_rewards_summary"]


async def test_stop_at_the_code_question_ends_the_task(service):
    chat = await at_the_code_question(service)
    assert await chat.say("stop") == ["utter_task_stopped"]
    assert not chat.form_active and chat.slots["challenge_id"] is None


# --- nothing tells whether a User ID exists -------------------------------------------------------
async def test_a_user_id_gets_the_same_answer_whether_it_exists_or_not(service):
    known = await at_the_code_question(service, "alex.morgan")
    unknown = await at_the_code_question(service, "nobody.here42")
    assert known.messages == unknown.messages
    assert known.said_with("utter_code_sent_if_match")["on_file"] == "the phone number on file"
    assert [call.status for call in service.called("POST", "/identity/challenges")] == [201, 201]
    # A code for the stranger is simply wrong, in the same words.
    code = await service.latest_code("alex.morgan")
    assert (
        await known.say(wrong(code))
        == await unknown.say(wrong(code))
        == ["utter_wrong_code", "utter_ask_identity_code"]
    )
    assert known.messages == unknown.messages


async def test_card_details_get_the_same_answer_whether_they_match_or_not(service):
    answers = []
    for last_four, born in (("2010", "1985-09-30"), ("2010", "1985-09-29"), ("9999", "1985-09-30")):
        chat = Dialogue()
        await chat.say("what's my balance", intent="check_balance")
        await chat.say("I forgot my user id")
        await chat.say(last_four)
        answers.append((await chat.say(born), chat.messages))
    assert answers[0] == answers[1] == answers[2]
    assert await service.codes_sent("alex.morgan") == 1


async def test_the_client_key_goes_with_the_code_request(service):
    chat = Dialogue()
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("alex.morgan", metadata={"client_key": "c" * 40})
    assert service.called("POST", "/identity/challenges")[-1].json["client"] == "c" * 40


async def test_too_many_attempts_in_one_conversation_end_the_task_politely(service):
    chat = await at_the_code_question(service, "someone.1")
    for number in range(2, 6):
        said = await chat.say(f"my user id is someone.{number}")
        assert said == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert await chat.say("my user id is alex.morgan") == ["utter_too_many_codes"]
    assert chat.said_with("utter_too_many_codes")["minutes"] >= 1 and not chat.form_active
    assert await service.codes_sent("alex.morgan") == 0


async def test_a_session_that_ends_mid_task_is_checked_again_with_a_new_code(service):
    chat = Dialogue()
    await chat.say("pay $20 today from my card ending 2002", intent="pay_bill")
    await service.pass_identity_check(chat)
    assert chat.asks == "payment_confirmed"
    await service.advance_clock(16 * 60)  # idle for longer than a session lasts
    assert await chat.say("yes") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    assert await service.codes_sent("alex.morgan") == 2 and not service.changes()
    said = await chat.say(await service.latest_code("alex.morgan"))
    assert said[0] == "utter_identity_verified"


async def test_every_call_the_actions_make_carries_their_own_token(service):
    chat = await at_the_code_question(service)
    await chat.say(await service.latest_code("alex.morgan"))
    assert service.calls and all(call.token_was_actions for call in service.calls)
    assert all(call.status < 400 or call.path.startswith("/sessions/") for call in service.calls)


async def test_the_account_locked_task_asks_nothing_of_a_conversation_that_is_not_locked(service):
    said = await Dialogue().say("I'm locked out", intent="account_locked")
    assert said == ["utter_account_locked"]
    assert not service.called("POST", "/identity/challenges")
