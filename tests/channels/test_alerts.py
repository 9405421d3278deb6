"""Two-way alerts end to end: the real account service posts a purchase and sends the alert through
the platform stand-in; the customer's answer comes back through the platform's signed webhook to
the real Rasa server, whose channel layer asks the service what it means.

Each test has a demo customer of its own (taylor.kim, meera.iyer, noah.fischer; sam.lee for
payment reminders), because a "no" freezes a card for the rest of the run."""

from __future__ import annotations

import json
from typing import Any

import requests

from tests import messaging_env as creds
from tests.channels.conftest import Standin, TelegramCustomer, TwilioCustomer, buttons, texts
from tests.conftest import Assistant
from tests.e2e.conftest import make_room_for_a_code

FRAUD_QUESTION = "Did you make this purchase? Reply YES or NO."


def post_purchase(assistant: Assistant, user_id: str, last_four: str, amount: str, merchant: str) -> dict:
    reply = requests.post(
        f"{assistant.service_url}/demo/transactions",
        json={"user_id": user_id, "card_last_four": last_four, "merchant": merchant, "amount": amount},
        timeout=10,
    )
    assert reply.status_code == 201, reply.text
    return reply.json()


def customer_at(customer: Any, address: str) -> Any:
    """A platform customer writing from a demo customer's own number (or chat)."""
    customer.to = address
    customer.conversation_id = f"{customer.platform}:{address}"
    return customer


def test_an_sms_fraud_check_answered_no_freezes_the_card_and_offers_a_new_one(assistant):
    customer = customer_at(TwilioCustomer(assistant), "+15550105007")
    before = len(customer.replies_so_far())
    posted = post_purchase(assistant, "taylor.kim", "5007", "450.00", "SKYLINE ELECTRONICS")
    assert posted["alerts"] == [{"kind": "large_purchase", "question": "fraud_check", "channel": "sms"}]
    alert = customer.wait_for_replies(before)[-1]
    assert alert["from"] == creds.TWILIO_NUMBER and alert["authorized"]
    assert alert["text"].endswith(
        f"$450.00 at SKYLINE ELECTRONICS on your card ending 5007. {FRAUD_QUESTION}"
    )

    reask = texts(customer.say("which card was that?"))
    assert "Did you make the $450.00 purchase at SKYLINE ELECTRONICS? Please reply YES or NO." in reask
    answer = texts(customer.say("No, it wasn't me"))
    assert "frozen your card ending 5007" in answer and "fraud case FR-" in answer and "NEW CARD" in answer
    # The answer never reached the assistant: the alert layer answered it.
    assert "No, it wasn't me" not in customer.user_texts()
    # "New card" starts the assistant's replacement task, which checks who is asking first.
    assert "User ID" in texts(customer.say("new card"))
    assert "/replace_card" in customer.user_texts()

    stopped = texts(customer.say("STOP"))
    assert "won't get American Express alerts by text message" in stopped
    assert (
        post_purchase(assistant, "taylor.kim", "5007", "500.00", "SKYLINE")["alerts"][0]["channel"] == "email"
    )
    assert "on again" in texts(customer.say("START"))


def test_a_whatsapp_alert_is_a_template_outside_the_window_and_free_text_inside(assistant):
    customer = customer_at(TwilioCustomer(assistant, whatsapp=True), "whatsapp:+919820046008")
    before = len(customer.replies_so_far())
    post_purchase(assistant, "meera.iyer", "6008", "25000", "Croma")
    alert = customer.wait_for_replies(before)[-1]
    sent = alert["body"]
    assert sent["From"] == creds.TWILIO_WHATSAPP_NUMBER and "Body" not in sent
    assert sent["ContentSid"] == creds.WHATSAPP_TEMPLATES["fraud_check"]
    assert json.loads(sent["ContentVariables"]) == {
        "1": "American Express",
        "2": "₹25,000.00",
        "3": "Croma",
        "4": "6008",
    }
    assert "frozen your card ending 6008" in texts(customer.say("nahi, maine nahi kiya"))

    # The customer has just written: the next alert may be free text.
    before = len(customer.replies_so_far())
    post_purchase(assistant, "meera.iyer", "6008", "21000", "Croma")
    alert = customer.wait_for_replies(before)[-1]
    assert "ContentSid" not in alert["body"] and alert["text"].endswith(FRAUD_QUESTION)
    assert "यह खरीदारी आपने की थी" in texts(customer.say("हाँ, मैंने किया"))


def test_telegram_alerts_after_linking_the_chat_with_a_code_from_the_assistant(assistant):
    # The assistant's part: the identity check in another conversation, then the link code.
    make_room_for_a_code(assistant, "noah.fischer")
    conversation = "e2e-alerts-noah"
    started = assistant.service(
        "POST", "/identity/challenges", json={"conversation_id": conversation, "user_id": "noah.fischer"}
    )
    assert started.status_code == 201, started.text
    verified = assistant.service(
        "POST",
        f"/identity/challenges/{started.json()['challenge_id']}/verify",
        json={"conversation_id": conversation, "code": assistant.latest_code("noah.fischer")},
    )
    assert verified.status_code == 200, verified.text
    link = assistant.service(
        "POST", "/me/alerts/telegram-link", json={"conversation_id": conversation}
    ).json()
    assert link["link_url"] == f"https://t.me/{creds.TELEGRAM_BOT_NAME}?start=link-{link['code']}"

    customer = TelegramCustomer(assistant)
    assert "This chat is now linked" in texts(customer.say(f"/start link-{link['code']}"))
    before = len(customer.replies_so_far())
    post_purchase(assistant, "noah.fischer", "7009", "620.00", "NORTHSIDE AUDIO")
    alert = customer.wait_for_replies(before)[-1]
    assert alert["text"].endswith(FRAUD_QUESTION)
    assert alert["buttons"] == [
        {"title": "Yes, it was me", "payload": "YES"},
        {"title": "No, not me", "payload": "NO"},
    ]
    answer = customer.press("NO")
    assert "frozen your card ending 7009" in texts(answer)
    assert {"title": "Order a new card", "payload": "NEW CARD"} in buttons(answer)

    assert "by Telegram any more" in texts(customer.say("/stop"))
    sms = Standin(assistant.standin_url).calls(platform="twilio", to="+15550107009")
    post_purchase(assistant, "noah.fischer", "7009", "700.00", "NORTHSIDE AUDIO")
    later = Standin(assistant.standin_url).calls(platform="twilio", to="+15550107009")
    assert len(later) > len(sms)  # by text message, now that Telegram is stopped


def test_a_payment_reminder_offers_to_pay_now_and_starts_the_payment_with_the_identity_check(assistant):
    customer = customer_at(TwilioCustomer(assistant), "+15550103005")
    before = len(customer.replies_so_far())
    sent = requests.post(
        f"{assistant.service_url}/demo/alerts/payment-due", json={"user_id": "sam.lee"}, timeout=10
    ).json()
    if not sent["alerts"]:  # sent once per due date already in this run
        return
    reminder = customer.wait_for_replies(before)[-1]
    assert "is due on" in reminder["text"] and "Reply PAY to pay now" in reminder["text"]
    assert "User ID" in texts(customer.say("PAY"))
    assert "/pay_bill" in customer.user_texts()
