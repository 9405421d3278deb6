"""Account tasks in chat: balance, recent transactions, statements and rewards (redeeming points
included), with the figures, the link and the points checked against the account service."""

from __future__ import annotations

from decimal import Decimal
from urllib.parse import urlparse

import pytest

from tests.unit.dialogue import Dialogue
from tests.unit.in_process_service import InProcessService

pytestmark = pytest.mark.asyncio


async def verified_chat(service: InProcessService, user_id: str = "alex.morgan") -> Dialogue:
    chat = Dialogue()
    await service.verify(chat.sender, user_id)
    return chat


def money(amount: str, sign: str = "$") -> str:
    return f"{sign}{Decimal(amount):,.2f}"


# --- balance --------------------------------------------------------------------------------------
async def test_the_balance_of_the_card_named_is_the_services(service):
    chat = await verified_chat(service)
    said = await chat.say("what's the balance on my platinum card", intent="check_balance")
    assert said == ["utter_balance_summary", "utter_anything_else"]
    account = (await service.accounts(chat.sender))["2010"]
    shown = chat.said_with("utter_balance_summary")
    assert shown["card"] == "2010" and shown["product"] == "Platinum Card"
    assert shown["balance"] == money(account["balance"])
    assert shown["available"] == money(account["available_credit"])
    assert shown["minimum_due"] == money(account["minimum_due"])
    assert not service.changes()


async def test_a_rupee_account_is_shown_in_rupees(service):
    chat = await verified_chat(service, "priya.sharma")
    await chat.say("balance please", intent="check_balance")
    assert chat.said_with("utter_balance_summary")["balance"].startswith("₹")


# --- recent transactions --------------------------------------------------------------------------
async def test_the_number_of_transactions_asked_for_on_each_card(service):
    chat = await verified_chat(service)
    said = await chat.say("show me my last 3 transactions", intent="recent_transactions")
    assert said == ["utter_transactions_list", "utter_transactions_list", "utter_transactions_follow_up"]
    assert [message["count"] for message in chat.messages[:2]] == [3, 3]
    assert {call.query["card"] for call in service.called("GET", "/me/transactions")} == {"2002", "2010"}
    latest = (await service.me(chat.sender, "/transactions", card="2002", limit="1"))["transactions"][0]
    assert latest["merchant"] in chat.messages[0]["transactions"].splitlines()[0]


async def test_transactions_of_one_card(service):
    chat = await verified_chat(service)
    said = await chat.say("recent charges on card 2010", intent="recent_transactions")
    assert said == ["utter_transactions_list", "utter_transactions_follow_up"]
    assert chat.messages[0]["card"] == "2010" and chat.messages[0]["count"] == 5


# --- statements -----------------------------------------------------------------------------------
async def test_a_statement_of_the_month_asked_for_comes_with_a_working_link(service):
    chat = await verified_chat(service)
    statements = (await service.me(chat.sender, "/statements", card="2002"))["statements"]
    wanted = statements[1]
    month = ["", "january", "february", "march", "april", "may", "june", "july", "august", "september",
             "october", "november", "december"][int(wanted["period"][5:7])]  # fmt: skip
    said = await chat.say(f"I need my {month} statement for the gold card", intent="view_statements")
    assert said == ["utter_statements_list"]
    shown = chat.said_with("utter_statements_list")
    assert shown["period"] == wanted["period"] and shown["minutes"] >= 1
    assert f"{wanted['period']}: {money(wanted['balance'])}" in shown["statements"]
    status, body = await service.call("GET", urlparse(shown["url"]).path, token=None)
    assert status == 200 and body.startswith(b"%PDF")


async def test_the_card_for_statements_is_asked_when_there_are_two(service):
    chat = await verified_chat(service)
    assert await chat.say("show my statements", intent="view_statements") == ["utter_ask_card_last_four"]
    assert await chat.say("2010") == ["utter_statements_list"]
    assert chat.said_with("utter_statements_list")["card"] == "2010"


# --- rewards --------------------------------------------------------------------------------------
async def points_of(service: InProcessService, chat: Dialogue) -> int:
    return (await service.me(chat.sender, "/rewards"))["points"]


async def test_asking_about_points_redeems_nothing(service):
    chat = await verified_chat(service)
    assert await chat.say("how many points do I have", intent="rewards") == ["utter_rewards_summary"]
    assert chat.said_with("utter_rewards_summary")["points"] == f"{await points_of(service, chat):,}"
    assert not service.changes()


async def test_points_are_redeemed_after_an_explicit_yes(service):
    chat = await verified_chat(service)
    before = await points_of(service, chat)
    said = await chat.say("redeem 5,000 points for a statement credit", intent="rewards")
    assert said == ["utter_ask_redemption_confirmed"]
    summary = chat.said_with("utter_ask_redemption_confirmed")
    assert summary["value"] == "$30.00" and summary["left"] == f"{before - 5000:,}"
    said = await chat.say("what is the exchange rate?", intent="rewards")
    assert said == ["utter_hint_redemption_confirmed", "utter_ask_redemption_confirmed"]
    assert not service.changes()
    assert await chat.say("yes") == ["utter_redemption_done"]
    assert service.called("POST", "/me/rewards/redemptions")[0].json == {
        "conversation_id": chat.sender,
        "option": "Statement credit",
        "points": 5000,
    }
    assert await points_of(service, chat) == before - 5000


async def test_the_option_and_points_are_asked_and_points_that_do_not_fit_asked_again(service):
    chat = await verified_chat(service)
    available = await points_of(service, chat)
    assert await chat.say("I want to redeem my points", intent="rewards") == ["utter_ask_redeem_option"]
    assert "Gift card" in chat.buttons
    assert await chat.say("a gift card") == ["utter_ask_redeem_points"]
    assert await chat.say("3000") == ["utter_redeem_points_rule", "utter_ask_redeem_points"]
    assert await chat.say("all") == ["utter_ask_redemption_confirmed"]
    assert chat.slots["redeem_points"] == str(available // 2500 * 2500)
    assert await chat.say("no") == ["utter_redemption_not_made"]
    assert await points_of(service, chat) == available and not service.changes()
