"""Account tasks in chat, end to end: transactions, statements, payments, autopay, rewards,
alerts and personal details, each checked against the account service afterwards."""

from __future__ import annotations

from decimal import Decimal

import requests

from tests.e2e.conftest import Chat


def me(assistant, chat: Chat, path: str, **params) -> dict:
    reply = assistant.service("GET", f"/me{path}", params={"conversation_id": chat.conversation, **params})
    assert reply.status_code == 200, reply.text
    return reply.json()


def balance_of(assistant, chat: Chat, card: str) -> Decimal:
    accounts = me(assistant, chat, "/accounts")["accounts"]
    return Decimal(next(a["balance"] for a in accounts if a["card_last_four"] == card))


def test_recent_transactions_for_one_card_with_merchants_and_pending_flags(assistant, chat):
    shown = chat.verify("show me the last 3 transactions on my card ending 2002", "alex.morgan")
    listed = me(assistant, chat, "/transactions", card="2002", limit=3)["transactions"]
    assert "latest 3 transactions" in shown and "ending 2002" in shown and "ending 2010" not in shown
    for item in listed:
        assert item["merchant"] in shown
    assert ("(pending)" in shown) == any(item["pending"] for item in listed)


def test_statements_are_listed_and_the_link_downloads_a_pdf(assistant, chat):
    chat.verify("I need my statement", "alex.morgan")
    listed = chat.say("the Platinum card")
    assert "Statements for your card ending 2010" in listed
    assert listed.count("\n- ") >= 6
    url = next(word for word in listed.split() if "/statements/download/" in word)
    pdf = requests.get(url, timeout=10)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_pay_200_today_from_the_card_ending_2010_in_one_sentence(assistant, chat):
    chat.verify("pay $200 today from my card ending 2010", "alex.morgan")
    summary = chat.replies[-1]["text"]
    assert "$200.00" in summary and "ending 2010" in summary and "••••6789" in summary
    before = balance_of(assistant, chat, "2010")
    done = chat.say("yes")
    assert "Done: $200.00 paid" in done and "reference is" in done
    assert balance_of(assistant, chat, "2010") == before - Decimal("200")
    # Saying yes again, or repeating the confirmation, pays nothing more.
    chat.say("yes")
    chat.say("yes, pay it")
    assert balance_of(assistant, chat, "2010") == before - Decimal("200")


def test_a_payment_date_after_the_due_date_is_refused_then_scheduled(assistant, chat):
    chat.verify("I want to make a payment", "priya.sharma")
    asked_amount = chat.replies[-1]["text"]
    assert "How much" in asked_amount and "minimum due" in chat.buttons
    assert "When" in chat.say("minimum due")
    account = me(assistant, chat, "/accounts")["accounts"][0]
    late = chat.say("in 60 days")
    assert "after your due date" in late
    confirm = chat.say("on the due date")
    assert "Just to confirm" in confirm and "₹" in confirm
    scheduled = chat.say("yes")
    assert "Scheduled" in scheduled and "reference" in scheduled
    payments = me(assistant, chat, "/payments", card="1005")
    assert any(
        p["status"] == "scheduled" and p["pay_on"] == account["due_date"] for p in payments["payments"]
    )


def test_a_payment_needs_a_fresh_code_when_the_check_is_older_than_5_minutes(assistant, chat):
    chat.verify("what's my balance", "priya.sharma")
    assistant.advance_clock(6 * 60)
    chat.say("pay my bill")
    chat.say("the statement balance")
    chat.say("today")
    step_up = chat.say("yes")
    assert "6-digit one-time code" in step_up and "fresh check" in step_up
    done = chat.say(assistant.latest_code("priya.sharma"))
    assert "confirmed" in done and "paid" in done


def test_saying_no_at_the_confirmation_pays_nothing(assistant, chat):
    chat.verify("pay $50 today on the card ending 2002", "alex.morgan")
    before = balance_of(assistant, chat, "2002")
    assert "haven't made any payment" in chat.say("no")
    assert balance_of(assistant, chat, "2002") == before


def test_autopay_status_change_and_cancel(assistant, chat):
    chat.verify("I want to change my autopay", "alex.morgan")
    status = chat.say("2010")
    assert "Autopay is on" in status and "How much should autopay pay" in status
    assert "Just to confirm" in chat.say("the minimum due")
    assert "now pays the minimum due" in chat.say("yes")
    assert me(assistant, chat, "/autopay", card="2010")["autopay"][0]["amount_type"] == "minimum_due"
    chat.say("cancel my autopay")
    assert "cancel autopay for your card ending 2010" in chat.say("2010")
    assert "cancelled" in chat.say("yes")
    assert me(assistant, chat, "/autopay", card="2010")["autopay"][0]["enrolled"] is False
    # Autopay that is off can be turned on again.
    chat.say("set up autopay")
    assert "Autopay is off" in chat.say("2010")


def test_rewards_points_and_options(assistant, chat):
    shown = chat.verify("how many membership rewards points do I have", "alex.morgan")
    points = me(assistant, chat, "/rewards")["points"]
    assert f"{int(points):,} Membership Rewards points" in shown
    assert "points" in shown.split("use them for:")[1]


def test_points_are_redeemed_in_chat_after_a_yes(assistant, chat):
    chat.verify("I want to redeem my points", "priya.sharma")
    before = me(assistant, chat, "/rewards")["points"]
    assert "What would you like to use them for" in chat.replies[-1]["text"]
    assert "How many points for Statement credit" in chat.say("statement credit")
    confirm = chat.say("2,000")
    assert "Just to confirm: use 2,000 points for Statement credit" in confirm and "₹" in confirm
    done = chat.say("yes")
    assert "Done: 2,000 points used" in done and "reference" in done
    assert me(assistant, chat, "/rewards")["points"] == before - 2000


def test_a_large_purchase_alert_is_set_from_one_sentence(assistant, chat):
    chat.verify("set my large purchase alert to $250", "jordan.reyes")
    assert "Large purchases: on, above $250.00" in chat.replies[-1]["text"]
    assert me(assistant, chat, "/alerts")["large_purchase_threshold"] == "250.00"


def test_an_alert_is_switched_off_after_two_questions(assistant, chat):
    chat.verify("manage my alerts", "jordan.reyes")
    assert "on or off" in chat.say("online transactions")
    assert "Online transactions: off" in chat.say("off")
    assert me(assistant, chat, "/alerts")["online_transactions"] is False


def test_the_email_address_is_changed_but_the_phone_never_in_chat(assistant, chat):
    chat.verify("I need to update my email address", "sam.lee")
    assert "new email" in chat.replies[-1]["text"]
    assert "sam.lee.new@example.com" in chat.say("it's sam.lee.new@example.com")
    assert "updated" in chat.say("yes")
    assert me(assistant, chat, "/profile")["email"].endswith("w@example.com")
    refused = chat.say("change my phone number")
    assert "can't be changed in chat" in refused
    assert me(assistant, chat, "/profile")["phone"].endswith("3005")


def test_the_mailing_address_is_changed_after_a_confirmation(assistant, chat):
    chat.verify("I moved, please update my address", "jordan.reyes")
    assert "new mailing address" in chat.replies[-1]["text"]
    assert "doesn't look complete" in chat.say("Elm Street")
    confirm = chat.say("2200 Ross Avenue, Apt 5, Dallas, TX 75201")
    assert "2200 Ross Avenue" in confirm
    assert "updated" in chat.say("yes")
    assert "2200 Ross Avenue" in me(assistant, chat, "/profile")["mailing_address"]
