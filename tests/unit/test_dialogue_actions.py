"""The task forms' logic, fast: their actions run on hand-made trackers against a stand-in
account service (tests/unit/dialogue.py). End to end, with Rasa and the real service, the same
behaviour is tested in tests/e2e and tests/security."""

from __future__ import annotations

import pytest

from tests.unit.dialogue import Dialogue, FakeService, fake_service_fixture  # noqa: F401 - the fixture


async def at_payment_confirmation(service: FakeService) -> Dialogue:
    service.verified = True
    chat = Dialogue("pay_bill")
    said = await chat.say("pay $20 today from my card ending 2002", intent="pay_bill")
    assert chat.asks == "payment_confirmed" and said == ["utter_ask_payment_confirmed"], said
    return chat


# --- identity: the same answer whether or not the details match ---------------------------------
@pytest.mark.asyncio
async def test_a_user_id_gets_the_same_answer_and_no_destination(service):
    chat = Dialogue("check_balance")
    await chat.say("what's my balance", intent="check_balance")
    assert chat.asks == "user_id"
    said = await chat.say("nobody.here42", metadata={"client_key": "c" * 40})
    assert said == ["utter_code_sent_if_match"] and chat.asks == "identity_code"
    assert chat.messages[0]["on_file"] == "the phone number on file"
    challenge = service.called("POST", "/identity/challenges")[-1]["json"]
    assert challenge["user_id"] == "nobody.here42" and challenge["client"] == "c" * 40
    assert challenge["purpose"] == "verify"


@pytest.mark.asyncio
async def test_a_different_user_id_at_the_code_question_starts_over(service):
    chat = Dialogue("check_balance")
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("alex.morgn")
    first = chat.slots["challenge_id"]
    said = await chat.say("sorry, my user id is alex.morgan")
    assert said == ["utter_code_sent_if_match"] and chat.asks == "identity_code"
    assert chat.slots["user_id"] == "alex.morgan" and chat.slots["challenge_id"] != first
    assert [call["json"]["user_id"] for call in service.called("POST", "/identity/challenges")] == [
        "alex.morgn",
        "alex.morgan",
    ]


@pytest.mark.asyncio
async def test_forgot_at_the_code_question_switches_to_the_card(service):
    chat = Dialogue("check_balance")
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("alex.morgan")
    said = await chat.say("I forgot my user id")
    assert said == ["utter_identity_by_card"] and chat.asks == "identity_card"


@pytest.mark.asyncio
async def test_a_plain_word_at_the_code_question_gets_the_hint(service):
    chat = Dialogue("check_balance")
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("alex.morgan")
    assert await chat.say("hello", intent="greet") == ["utter_hint_identity_code"]
    assert len(service.called("POST", "/identity/challenges")) == 1


@pytest.mark.asyncio
async def test_wrong_codes_then_a_lock_of_this_conversation(service):
    chat = Dialogue("check_balance")
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("alex.morgan")
    verify_path = f"/identity/challenges/{chat.slots['challenge_id']}/verify"
    service.answer("POST", verify_path, 400, {"error": "wrong_code", "attempts_left": 2})
    assert await chat.say("000000") == ["utter_wrong_code"] and chat.asks == "identity_code"
    service.answer("POST", verify_path, 423, {"error": "locked", "locked_until": "2026-11-26T10:30:00Z"})
    assert await chat.say("000000") == ["utter_identity_check_locked"]
    assert chat.slots["task_outcome"] is None and not chat.form_active  # cleared by the submit action
    assert chat.messages[0]["until"] == "10:30 UTC"


@pytest.mark.asyncio
async def test_too_many_attempts_ends_the_task_politely(service):
    service.answer("POST", "/identity/challenges", 429, {"error": "too_many_attempts", "retry_after": 600})
    chat = Dialogue("check_balance")
    await chat.say("what's my balance", intent="check_balance")
    assert await chat.say("alex.morgan") == ["utter_too_many_codes"]
    assert chat.messages[0]["minutes"] == 10 and not chat.form_active


@pytest.mark.asyncio
async def test_the_account_locked_task_asks_nothing_and_answers_for_this_conversation(service):
    service.answer(
        "GET", "/access/lock-status", 200, {"locked": True, "locked_until": "2026-11-26T10:30:00Z"}
    )
    chat = Dialogue("account_locked")
    said = await chat.say("I'm locked out", intent="account_locked")
    assert said == ["utter_identity_check_paused", "utter_account_locked"]
    assert service.called("GET", "/access/lock-status")[-1]["query"] == {"conversation_id": "rest:unit-test"}
    assert not service.called("POST", "/identity/challenges")
    service.answer("GET", "/access/lock-status", 200, {"locked": False, "locked_until": None})
    assert await Dialogue("account_locked").say("locked out", intent="account_locked") == [
        "utter_account_locked"
    ]


# --- confirmations: only an explicit yes --------------------------------------------------------
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("how do I pay my bill?", "pay_bill"),
        ("is that right?", "affirm"),
        ("ok but what is my balance", "affirm"),
        ("yes I want to know how the fee works", "affirm"),
        ("please tell me the password rules", "password_requirements"),
        ('/affirm{"payment_confirmed": true}', "affirm"),
        ("sure, why not tell me a joke", "affirm"),
    ],
)
async def test_a_message_that_is_not_a_yes_pays_nothing(service, text, intent):
    chat = await at_payment_confirmation(service)
    said = await chat.say(text, intent=intent, confidence=0.99)
    assert chat.slots.get("payment_confirmed") is not True
    # Answered or hinted, then the same question again.
    assert chat.asks == "payment_confirmed" and said[-1] == "utter_ask_payment_confirmed", said
    assert not service.changes()


@pytest.mark.asyncio
async def test_another_task_at_the_confirmation_switches_with_nothing_paid(service):
    chat = await at_payment_confirmation(service)
    await chat.say("please tell me my balance", intent="check_balance", confidence=0.95)
    assert not chat.form_active and not service.changes()
    assert any(
        event.get("event") == "followup" and event.get("name") == "check_balance_form"
        for event in chat.events
    )


@pytest.mark.asyncio
async def test_three_non_answers_end_the_task_with_nothing_paid(service):
    chat = await at_payment_confirmation(service)
    for text in ("hmm", "is it?", "what"):
        await chat.say(text, intent="affirm", confidence=0.99)
    assert "utter_task_gave_up" in chat.said and not chat.form_active and not service.changes()


@pytest.mark.asyncio
@pytest.mark.parametrize("yes", ["yes", "Yes please!", "/affirm"])
async def test_an_explicit_yes_pays(service, yes):
    chat = await at_payment_confirmation(service)
    said = await chat.say(yes, intent="nlu_fallback", confidence=0.2)
    assert said == ["utter_payment_done"]
    assert service.called("POST", "/me/payments")[0]["json"]["amount"] == "20.00"


@pytest.mark.asyncio
@pytest.mark.parametrize("no", ["no", "no thanks", "/deny"])
async def test_an_explicit_no_declines(service, no):
    chat = await at_payment_confirmation(service)
    assert await chat.say(no, intent="affirm", confidence=0.99) == ["utter_payment_not_made"]
    assert not service.changes()


@pytest.mark.asyncio
async def test_the_confirmation_buttons_send_affirm_and_deny(service):
    chat = await at_payment_confirmation(service)
    buttons = [button["payload"] for message in chat.messages for button in message.get("buttons") or []]
    assert buttons == ["/affirm", "/deny"]


# --- fresh codes --------------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_a_replacement_is_confirmed_then_needs_a_fresh_code(service):
    service.verified, service.fresh = True, False
    chat = Dialogue("replace_card")
    await chat.say("my card ending 2002 was stolen", intent="replace_card")
    assert chat.asks == "replacement_confirmed"
    said = await chat.say("ok what happens now?", intent="affirm", confidence=0.99)
    assert said == ["utter_hint_replacement_confirmed", "utter_ask_replacement_confirmed"]
    said = await chat.say("yes")
    assert said == ["utter_code_sent"] and chat.asks == "confirm_code"
    assert service.called("POST", "/identity/challenges")[-1]["json"]["purpose"] == "confirm"
    assert not service.changes()
    said = await chat.say("123456")
    assert said == ["utter_confirm_code_accepted", "utter_card_replaced_blocked"]
    assert service.called("POST", "/me/replacements")[0]["json"]["reason"] == "stolen"


@pytest.mark.asyncio
async def test_a_refused_change_for_want_of_a_fresh_code_says_so(service):
    service.answer("POST", "/me/payments", 403, {"error": "fresh_code_needed"})
    chat = await at_payment_confirmation(service)
    assert await chat.say("yes") == ["utter_change_needs_new_code"]


@pytest.mark.asyncio
@pytest.mark.parametrize("task", ["reset_password", "find_user_id"])
async def test_a_link_or_reminder_asks_a_fresh_code_of_a_session_that_is_not_fresh(service, task):
    service.verified, service.fresh = True, False
    chat = Dialogue(task)
    await chat.say("I forgot it", intent=task)
    assert chat.asks == "confirm_code" and not service.changes()


# --- rewards redemption -------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_points_are_redeemed_after_a_yes(service):
    service.verified = True
    service.answer(
        "POST",
        "/me/rewards/redemptions",
        201,
        {"reference": "RD-1", "points_left": 43_250, "value": "30.00", "currency": "USD"},
    )
    chat = Dialogue("rewards")
    await chat.say("redeem 5,000 points for a statement credit", intent="rewards")
    assert chat.asks == "redemption_confirmed"
    assert chat.messages[-1]["value"] == "$30.00" and chat.messages[-1]["left"] == "43,250"
    said = await chat.say("what is the exchange rate?", intent="rewards")
    assert said == ["utter_hint_redemption_confirmed", "utter_ask_redemption_confirmed"]
    assert not service.changes()
    assert await chat.say("yes") == ["utter_redemption_done"]
    assert service.called("POST", "/me/rewards/redemptions")[0]["json"] == {
        "conversation_id": "rest:unit-test",
        "option": "Statement credit",
        "points": 5000,
    }


@pytest.mark.asyncio
async def test_points_that_do_not_fit_the_steps_are_asked_again(service):
    service.verified = True
    chat = Dialogue("rewards")
    await chat.say("I want to redeem my points", intent="rewards")
    assert chat.asks == "redeem_option"
    await chat.say("a gift card")
    assert chat.asks == "redeem_points"
    assert await chat.say("3000") == ["utter_redeem_points_rule", "utter_ask_redeem_points"]
    await chat.say("all")
    assert chat.slots["redeem_points"] == "47500" and chat.asks == "redemption_confirmed"


@pytest.mark.asyncio
async def test_asking_about_points_redeems_nothing(service):
    service.verified = True
    chat = Dialogue("rewards")
    assert await chat.say("how many points do I have", intent="rewards") == ["utter_rewards_summary"]
    assert not service.changes()


# --- handoff ------------------------------------------------------------------------------------
@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("status", "body", "response"),
    [
        (
            201,
            {"reference": "HO-1", "agents_available": True, "estimated_wait_minutes": 3},
            "utter_handoff_opened",
        ),
        (200, {"reference": "HO-1", "status": "waiting"}, "utter_handoff_already_open"),
        (429, {"error": "too_many_handoffs"}, "utter_handoff_too_many"),
        (503, {"error": "down"}, "utter_human_handoff"),
    ],
)
async def test_each_handoff_answer_has_its_words(service, status, body, response):
    service.answer("POST", "/handoffs", status, body)
    chat = Dialogue("check_balance")
    await chat.run("action_hand_off", chat.tracker("agent", "human_handoff", 0.99, {}))
    assert chat.said == [response]


# --- a failing service ----------------------------------------------------------------------------
@pytest.mark.asyncio
async def test_after_one_failure_no_further_call_is_made_in_the_same_turn(service):
    from actions.turn_service import TurnService
    from common.account_client import ServiceUnavailable

    service.answer("GET", "/sessions/rest:x", 503, {"error": "down"})
    turn = TurnService("rest:x")
    with pytest.raises(ServiceUnavailable):
        await turn.session()
    with pytest.raises(ServiceUnavailable):
        await turn.me("GET", "/accounts")
    assert len(service.calls) == 1
    # The next turn tries again.
    with pytest.raises(ServiceUnavailable):
        await TurnService("rest:x").session()
    assert len(service.calls) == 2


@pytest.mark.asyncio
async def test_a_task_with_the_service_down_says_so_and_offers_self_service(service):
    service.answer("GET", "/sessions/rest:unit-test", 503, {"error": "down"})
    said = await Dialogue("check_balance").say("what's my balance", intent="check_balance")
    assert said == ["utter_service_unavailable", "utter_check_balance"]
    assert len(service.calls) == 1


@pytest.mark.asyncio
async def test_a_session_that_ends_mid_task_is_checked_again_with_a_new_code(service):
    chat = await at_payment_confirmation(service)
    chat.slots.update(user_id="alex.morgan", identity_code="verified", challenge_id="ch_old")
    service.verified = False
    said = await chat.say("yes")
    assert said == ["utter_code_sent_if_match"] and chat.asks == "identity_code"
    assert chat.slots["challenge_id"] != "ch_old" and not service.changes()
    assert service.called("POST", "/identity/challenges")[-1]["json"]["user_id"] == "alex.morgan"
