"""Paying the bill and autopay, the tasks that move money: their questions, the confirmation
that takes only an explicit yes, the fresh code a change needs, and what the account service
holds afterwards (the payment, the balance, the autopay setting)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.unit.dialogue import Dialogue
from tests.unit.in_process_service import InProcessService

pytestmark = pytest.mark.asyncio

PAY_20_TODAY = "pay $20 today from my card ending 2002"


async def verified_chat(service: InProcessService, user_id: str = "alex.morgan") -> Dialogue:
    """A conversation whose customer has just typed the right code (through the service's API)."""
    chat = Dialogue()
    await service.verify(chat.sender, user_id)
    return chat


async def at_payment_confirmation(service: InProcessService) -> Dialogue:
    chat = await verified_chat(service)
    assert await chat.say(PAY_20_TODAY, intent="pay_bill") == ["utter_ask_payment_confirmed"]
    return chat


async def payment_with(service: InProcessService, chat: Dialogue, reference: str) -> dict:
    return next(
        payment for payment in await service.payments(chat.sender) if payment["reference"] == reference
    )


# --- pay_bill -------------------------------------------------------------------------------------
async def test_a_payment_asked_for_in_one_message_is_made_after_the_identity_check_and_a_yes(service):
    chat = Dialogue()
    assert await chat.say(PAY_20_TODAY, intent="pay_bill") == ["utter_ask_user_id"]
    said = await service.pass_identity_check(chat)
    # What the first message said survived the identity check: straight to the summary.
    assert said == ["utter_identity_verified", "utter_ask_payment_confirmed"]
    summary = chat.said_with("utter_ask_payment_confirmed")
    assert summary["amount"] == "$20.00" and summary["card"] == "2002" and "6789" in summary["bank"]
    assert not service.changes()
    before = Decimal((await service.accounts(chat.sender))["2002"]["balance"])
    assert await chat.say("yes") == ["utter_payment_done"]
    paid = await payment_with(service, chat, chat.said_with("utter_payment_done")["reference"])
    assert paid["amount"] == "20.00" and paid["status"] == "completed" and paid["card_last_four"] == "2002"
    assert Decimal((await service.accounts(chat.sender))["2002"]["balance"]) == before - 20


async def test_each_question_in_turn_with_the_offered_buttons_schedules_a_payment_on_the_due_date(service):
    chat = await verified_chat(service)
    account = (await service.accounts(chat.sender))["2010"]
    assert await chat.say("I want to pay my bill", intent="pay_bill") == ["utter_ask_card_last_four"]
    assert chat.buttons == ["2002", "2010"]
    assert await chat.say("2010") == ["utter_ask_payment_amount"]
    assert chat.buttons == ["statement balance", "minimum due", "other amount"]
    assert await chat.say("minimum due") == ["utter_ask_payment_date"]
    assert chat.buttons == ["today", "on the due date"]
    assert await chat.say("on the due date") == ["utter_ask_payment_confirmed"]
    assert chat.buttons == ["/affirm", "/deny"]
    assert chat.slots["payment_amount"] == account["minimum_due"]
    assert chat.slots["payment_date"] == account["due_date"]
    assert await chat.say("/affirm") == ["utter_payment_scheduled"]
    paid = await payment_with(service, chat, chat.said_with("utter_payment_scheduled")["reference"])
    assert paid["status"] == "scheduled" and paid["pay_on"] == account["due_date"]
    assert paid["amount"] == account["minimum_due"]
    # Nothing moves before the day.
    assert (await service.accounts(chat.sender))["2010"]["balance"] == account["balance"]


async def test_an_amount_above_the_balance_is_refused_and_asked_again(service):
    chat = await verified_chat(service)
    await chat.say("pay my card ending 2002", intent="pay_bill")
    assert chat.asks == "payment_amount"
    balance = (await service.accounts(chat.sender))["2002"]["balance"]
    said = await chat.say("$99,999")
    assert said == ["utter_payment_amount_too_large", "utter_ask_payment_amount"]
    assert chat.said_with("utter_payment_amount_too_large")["balance"] == f"${Decimal(balance):,.2f}"
    assert chat.asks == "payment_amount" and chat.slots.get("payment_amount") is None
    assert await chat.say("other amount") == ["utter_ask_other_amount", "utter_ask_payment_amount"]
    assert await chat.say("$15.50") == ["utter_ask_payment_date"]
    assert chat.slots["payment_amount"] == "15.50"


async def test_a_date_after_the_due_date_or_in_the_past_is_refused_and_asked_again(service):
    chat = await verified_chat(service)
    account = (await service.accounts(chat.sender))["2002"]
    due = date.fromisoformat(account["due_date"])
    await chat.say("pay $20 from my card ending 2002", intent="pay_bill")
    assert chat.asks == "payment_date"
    said = await chat.say((due + timedelta(days=3)).isoformat())
    assert said == ["utter_payment_date_after_due", "utter_ask_payment_date"]
    assert chat.asks == "payment_date" and chat.slots.get("payment_date") is None
    today = date.fromisoformat((await service.session(chat.sender) or {})["today"])
    said = await chat.say((today - timedelta(days=1)).isoformat())
    assert said == ["utter_payment_date_past", "utter_ask_payment_date"]
    assert await chat.say("today") == ["utter_ask_payment_confirmed"]
    assert not service.changes()


@pytest.mark.parametrize(
    ("yes", "intent"), [("yes", "affirm"), ("Yes please!", "nlu_fallback"), ("/affirm", "affirm")]
)
async def test_an_explicit_yes_pays_once(service, yes, intent):
    chat = await at_payment_confirmation(service)
    assert await chat.say(yes, intent=intent, confidence=0.2) == ["utter_payment_done"]
    payments = service.called("POST", "/me/payments")
    assert len(payments) == 1 and payments[0].json["amount"] == "20.00" and payments[0].status == 201


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


@pytest.mark.parametrize("no", ["no", "no thanks", "/deny"])
async def test_an_explicit_no_pays_nothing(service, no):
    chat = await at_payment_confirmation(service)
    assert await chat.say(no, intent="affirm", confidence=0.99) == ["utter_payment_not_made"]
    assert not chat.form_active and not service.changes()


async def test_three_non_answers_end_the_task_with_nothing_paid(service):
    chat = await at_payment_confirmation(service)
    for text in ("hmm", "is it?", "what"):
        await chat.say(text, intent="affirm", confidence=0.99)
    assert chat.said == ["utter_task_gave_up"] and not chat.form_active and not service.changes()


async def test_another_task_at_the_confirmation_is_taken_up_with_nothing_paid(service):
    chat = await at_payment_confirmation(service)
    said = await chat.say("please tell me my balance", intent="check_balance", confidence=0.95)
    assert said == ["utter_balance_summary", "utter_balance_summary", "utter_anything_else"]
    assert chat.ran[:3] == ["validate_pay_bill_form", "action_pay_bill", "validate_check_balance_form"]
    assert not chat.form_active and not service.changes()


async def test_a_payment_with_an_older_check_needs_a_fresh_code_first(service):
    chat = await verified_chat(service)
    await service.advance_clock(6 * 60)  # the check is older than 5 minutes, the session still on
    await chat.say(PAY_20_TODAY, intent="pay_bill")
    assert await chat.say("yes") == ["utter_code_sent", "utter_ask_confirm_code"]
    assert chat.said_with("utter_code_sent")["destination"].endswith("2002")
    assert "+1 555 010 2002" not in str(chat.messages)
    assert not service.changes()
    code = await service.latest_code("alex.morgan")
    assert await chat.say("111111" if code != "111111" else "222222") == [
        "utter_wrong_code",
        "utter_ask_confirm_code",
    ]
    assert await chat.say(code) == ["utter_confirm_code_accepted", "utter_payment_done"]
    assert [call.status for call in service.called("POST", "/me/payments")] == [201]


# --- setup_autopay --------------------------------------------------------------------------------
async def autopay_of(service: InProcessService, chat: Dialogue, card: str) -> dict:
    return (await service.me(chat.sender, "/autopay", card=card))["autopay"][0]


async def test_autopay_is_set_up_for_the_minimum_after_a_yes(service):
    chat = await verified_chat(service)
    assert not (await autopay_of(service, chat, "2002"))["enrolled"]
    said = await chat.say("set up autopay on my card ending 2002", intent="setup_autopay")
    assert said == ["utter_autopay_status_off", "utter_ask_autopay_amount_type"]
    assert await chat.say("the minimum due") == ["utter_ask_autopay_confirmed"]
    assert chat.said_with("utter_ask_autopay_confirmed")["amount"] == "the minimum due"
    assert not service.changes()
    assert await chat.say("yes") == ["utter_autopay_set"]
    setting = await autopay_of(service, chat, "2002")
    assert setting["enrolled"] and setting["amount_type"] == "minimum_due"


async def test_autopay_for_a_fixed_amount(service):
    chat = await verified_chat(service)
    await chat.say("turn on autopay for card 2002", intent="setup_autopay")
    assert await chat.say("a fixed amount") == ["utter_ask_autopay_fixed_amount"]
    assert await chat.say("$150") == ["utter_ask_autopay_confirmed"]
    await chat.say("yes")
    setting = await autopay_of(service, chat, "2002")
    assert setting["amount_type"] == "fixed" and setting["fixed_amount"] == "150.00"


async def test_autopay_is_cancelled_after_a_yes_and_kept_after_a_no(service):
    chat = await verified_chat(service)
    assert (await autopay_of(service, chat, "2010"))["enrolled"]
    said = await chat.say("cancel autopay on my platinum card", intent="setup_autopay")
    assert said == ["utter_autopay_status_on", "utter_ask_autopay_cancel_confirmed"]
    assert await chat.say("no") == ["utter_autopay_not_changed"]
    assert (await autopay_of(service, chat, "2010"))["enrolled"] and not service.changes()
    await chat.say("cancel autopay on my platinum card", intent="setup_autopay")
    assert await chat.say("yes") == ["utter_autopay_cancelled"]
    assert not (await autopay_of(service, chat, "2010"))["enrolled"]


async def test_autopay_already_on_can_be_kept_as_it_is(service):
    chat = await verified_chat(service)
    said = await chat.say("autopay on my card ending 2010", intent="setup_autopay")
    assert said == ["utter_autopay_status_on", "utter_ask_autopay_action"]
    assert await chat.say("keep it as it is") == ["utter_autopay_kept"]
    assert not chat.form_active and not service.changes()
