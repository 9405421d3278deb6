"""A customer in India pays and sets up autopay as they write: ₹1,00,000, 1.5 lakh, 5k, "kal",
12/05 meaning 12 May, "haan"; and the assistant shows rupees the Indian way (₹1,50,000.00).
Dates of birth and codes are read the same way at the identity check."""

from __future__ import annotations

from datetime import date

import pytest

from actions.formatting import day
from tests.unit.dialogue import Dialogue, FakeService, fake_service_fixture  # noqa: F401 - the fixture

TODAY = "2026-11-26"  # a Thursday: "kal" is Friday 27 November
RUPEE_ACCOUNT = {
    "card_last_four": "3005",
    "product": "Platinum Card",
    "currency": "INR",
    "balance": "245000.00",
    "available_credit": "255000.00",
    "statement_balance": "180000.00",
    "minimum_due": "9000.00",
    "due_date": "2026-12-20",
    "bank_account": {"masked": "••••4321", "bank_name": "State Bank"},
}


def customer_in(service: FakeService, region: str, accounts: list[dict] | None = None) -> None:
    """A verified customer of `region`, with `accounts` (the rupee card by default)."""
    service.verified = True
    session = {
        "verified": True,
        "user_id": "priya.sharma",
        "first_name": "Priya",
        "region": region,
        "method": "code",
        "fresh": True,
        "today": TODAY,
    }
    service.answer("GET", "/sessions/rest:unit-test", 200, session)
    if accounts is not None or region == "IN":
        accounts = accounts or [RUPEE_ACCOUNT]
        cards = [
            {"last_four": a["card_last_four"], "product": a["product"], "status": "active"} for a in accounts
        ]
        service.answer("GET", "/me/accounts", 200, {"accounts": accounts})
        service.answer("GET", "/me/cards", 200, {"cards": cards})


def paid(service: FakeService, amount: str, pay_on: str) -> None:
    body = {
        "status": "scheduled",
        "amount": amount,
        "currency": "INR",
        "reference": "PM-7",
        "pay_on": pay_on,
        "card_last_four": "3005",
    }
    service.answer("POST", "/me/payments", 201, body)


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("request_text", "sent", "shown"),
    [
        ("pay 1,00,000 kal", "100000.00", "₹1,00,000.00"),
        ("pay ₹1.5 lakh kal", "150000.00", "₹1,50,000.00"),
        ("5k kal pay kar do", "5000.00", "₹5,000.00"),
        ("Rs. 12,500/- kal", "12500.00", "₹12,500.00"),
        ("कल ₹५००० भर दो", "5000.00", "₹5,000.00"),
        ("kal dedh lakh pay karna hai", "150000.00", "₹1,50,000.00"),
    ],
)
async def test_an_amount_and_kal_in_the_request_go_straight_to_the_confirmation(
    service, request_text, sent, shown
):
    customer_in(service, "IN")
    paid(service, sent, "2026-11-27")
    chat = Dialogue("pay_bill")
    said = await chat.say(request_text, intent="pay_bill")
    assert said == ["utter_ask_payment_confirmed"] and chat.asks == "payment_confirmed"
    question = chat.messages[-1]
    assert question["amount"] == shown and question["when"] == day(date(2026, 11, 27))
    assert not service.changes()
    assert await chat.say("haan") == ["utter_payment_scheduled"]
    assert chat.messages[-1]["amount"] == shown
    payment = service.called("POST", "/me/payments")[0]["json"]
    assert (payment["amount"], payment["pay_on"], payment["card_last_four"]) == (sent, "2026-11-27", "3005")


@pytest.mark.asyncio
async def test_the_questions_show_rupees_and_take_answers_in_hinglish(service):
    customer_in(service, "IN")
    paid(service, "150000.00", "2026-11-28")
    chat = Dialogue("pay_bill")
    await chat.say("mujhe bill pay karna hai", intent="pay_bill")
    assert chat.asks == "payment_amount"
    question = chat.messages[-1]
    assert question["balance"] == "₹2,45,000.00"
    assert [button["title"] for button in question["buttons"]][:2] == [
        "Statement balance (₹1,80,000.00)",
        "Minimum due (₹9,000.00)",
    ]
    await chat.say("dedh lakh")
    assert chat.slots["payment_amount"] == "150000.00" and chat.asks == "payment_date"
    await chat.say("parso")
    assert chat.slots["payment_date"] == "2026-11-28" and chat.asks == "payment_confirmed"
    assert chat.messages[-1]["amount"] == "₹1,50,000.00"
    assert await chat.say("हाँ") == ["utter_payment_scheduled"]


@pytest.mark.asyncio
async def test_more_than_the_balance_is_refused_in_rupees(service):
    customer_in(service, "IN")
    chat = Dialogue("pay_bill")
    said = await chat.say("pay 3 lakh kal", intent="pay_bill")
    assert said[0] == "utter_payment_amount_too_large" and chat.messages[0]["balance"] == "₹2,45,000.00"
    assert chat.asks == "payment_amount"


@pytest.mark.asyncio
async def test_dollars_for_a_rupee_card_are_asked_again(service):
    customer_in(service, "IN")
    chat = Dialogue("pay_bill")
    await chat.say("pay my bill", intent="pay_bill")
    said = await chat.say("$200")
    assert said[0] == "utter_hint_payment_amount" and chat.asks == "payment_amount"
    assert chat.slots.get("payment_amount") is None


@pytest.mark.asyncio
@pytest.mark.parametrize(
    ("region", "typed", "taken"),
    [
        ("IN", "05/12", "2026-12-05"),  # 5 December, day first
        ("US", "12/05", "2026-12-05"),  # 5 December, month first
    ],
)
async def test_a_day_in_digits_reads_in_the_customers_order(service, region, typed, taken):
    accounts = [RUPEE_ACCOUNT | {"currency": "INR" if region == "IN" else "USD"}]
    customer_in(service, region, accounts)
    chat = Dialogue("pay_bill")
    await chat.say("pay 500", intent="pay_bill")
    assert chat.asks == "payment_date"
    await chat.say(typed)
    assert chat.slots["payment_date"] == taken and chat.asks == "payment_confirmed"


@pytest.mark.asyncio
async def test_12_05_in_india_is_12_may_after_the_due_date(service):
    customer_in(service, "IN")
    chat = Dialogue("pay_bill")
    said = await chat.say("pay 500 on 12/05", intent="pay_bill")
    assert said[0] == "utter_payment_date_after_due" and chat.asks == "payment_date"


@pytest.mark.asyncio
async def test_a_rupee_autopay_is_confirmed_and_reported_in_rupees(service):
    customer_in(service, "IN")
    off = {"card_last_four": "3005", "enrolled": False, "amount_type": None, "fixed_amount": None}
    service.answer("GET", "/me/autopay", 200, {"autopay": [off | {"currency": "INR"}]})
    on = {"card_last_four": "3005", "enrolled": True, "amount_type": "fixed", "fixed_amount": "25000.00"}
    service.answer("PUT", "/me/autopay", 200, on | {"currency": "INR"})
    chat = Dialogue("setup_autopay")
    await chat.say("set up autopay", intent="setup_autopay")
    assert chat.asks == "autopay_amount_type"
    await chat.say("25 hazaar")
    assert chat.slots["autopay_fixed_amount"] == "25000.00" and chat.asks == "autopay_confirmed"
    assert chat.messages[-1]["amount"] == "₹25,000.00"
    assert await chat.say("ji haan") == ["utter_autopay_set"]
    assert chat.messages[-1]["amount"] == "₹25,000.00"
    assert service.called("PUT", "/me/autopay")[0]["json"]["fixed_amount"] == "25000.00"


# --- the identity check ---------------------------------------------------------------------------
async def at_date_of_birth(slots: dict | None = None) -> Dialogue:
    chat = Dialogue("check_balance", slots)
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("I forgot my user id")
    await chat.say("3005")
    assert chat.asks == "date_of_birth"
    return chat


@pytest.mark.asyncio
async def test_an_ambiguous_date_of_birth_is_asked_again_while_the_region_is_unknown(service):
    chat = await at_date_of_birth()
    assert await chat.say("05/06/1990") == ["utter_hint_date_of_birth"]
    assert chat.asks == "date_of_birth" and not service.called("POST", "/identity/challenges")
    await chat.say("5 June 1990")
    assert service.called("POST", "/identity/challenges")[-1]["json"]["date_of_birth"] == "1990-06-05"


@pytest.mark.asyncio
@pytest.mark.parametrize(("region", "born"), [("IN", "1990-06-05"), ("US", "1990-05-06")])
async def test_a_date_of_birth_reads_in_the_order_of_a_named_region(service, region, born):
    chat = await at_date_of_birth({"region_code": region})
    await chat.say("05/06/1990")
    assert chat.asks == "identity_code"
    assert service.called("POST", "/identity/challenges")[-1]["json"]["date_of_birth"] == born


@pytest.mark.asyncio
async def test_a_code_in_devanagari_digits_is_checked_as_digits(service):
    chat = Dialogue("check_balance")
    await chat.say("what's my balance", intent="check_balance")
    await chat.say("priya.sharma")
    await chat.say("मेरा कोड ४८२९१३ है")
    verify = [call for call in service.calls if call["path"].endswith("/verify")]
    assert verify and verify[0]["json"]["code"] == "482913"
