"""Two-way alerts in the account service: a posted purchase alerts as the settings say, on the
channel the customer chose; the reply in that channel's conversation answers it (and only there,
and only until it expires); STOP and START; Telegram links; payment-due reminders."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from account_service.alert_replies import LINK_FAILURES_PER_HOUR
from privacy.redaction import contains_card_number
from tests.service.api import Api

pytestmark = pytest.mark.asyncio

ALEX_SMS = "twilio:+15550102002"
ALEX_WHATSAPP = "twilio:whatsapp:+15550102002"


async def purchase(api: Api, amount: str, merchant: str = "ELECTRONICS HUB ONLINE", **fields: Any) -> Any:
    body = {
        "user_id": "alex.morgan",
        "card_last_four": "2002",
        "merchant": merchant,
        "amount": amount,
        **fields,
    }
    status, answer = await api.call("POST", "/demo/transactions", json=body, auth=False)
    assert status == 201, answer
    return answer


async def reply(api: Api, text: str, conversation: str = ALEX_SMS) -> dict[str, Any]:
    status, answer = await api.call(
        "POST", "/alerts/replies", json={"conversation_id": conversation, "text": text}, caller="channels"
    )
    assert status == 200, answer
    return answer


async def card_status(api: Api, last_four: str = "2002") -> str:
    await api.verify("conv-check")
    return (await api.card(last_four, "conv-check"))["status"]


async def test_a_large_purchase_asks_by_text_message_whether_it_was_the_customer(api: Api) -> None:
    posted = await purchase(api, "1249.99")
    assert posted["alerts"] == [{"kind": "large_purchase", "question": "fraud_check", "channel": "sms"}]
    alert = (await api.outbox())[-1]
    assert (alert["channel"], alert["to"]) == ("sms", "+15550102002")
    assert alert["text"] == (
        "American Express: $1,249.99 at ELECTRONICS HUB ONLINE on your card ending 2002. "
        "Did you make this purchase? Reply YES or NO."
    )
    assert not contains_card_number(alert["text"]) and not re.search(r"\b\d{6}\b", alert["text"])


async def test_which_purchases_alert(api: Api) -> None:
    assert (await purchase(api, "12.50", "Starbucks"))["alerts"] == []
    online = await purchase(api, "40.00", "Etsy", online=True)
    assert online["alerts"] == [{"kind": "online_purchase", "question": "fraud_check", "channel": "sms"}]
    status, body = await api.call(
        "POST",
        "/demo/transactions",
        json={"user_id": "alex.morgan", "card_last_four": "2002", "merchant": "Refund", "amount": "-5"},
        auth=False,
    )
    assert status == 400 and "amount" in body["message"]
    status, body = await api.call(
        "POST",
        "/demo/transactions",
        json={"user_id": "alex.morgan", "card_last_four": "9999", "merchant": "X", "amount": "5"},
        auth=False,
    )
    assert (status, body["error"]) == (404, "no_such_card")


async def test_no_freezes_the_card_opens_a_fraud_case_and_offers_a_replacement(api: Api) -> None:
    await purchase(api, "1249.99")
    answer = await reply(api, "No, that wasn't me")
    assert answer["outcome"] == "answered"
    assert "frozen your card ending 2002" in answer["text"]
    reference = re.search(r"fraud case (FR-\w+)", answer["text"])
    assert reference, answer["text"]
    assert "NEW CARD" in answer["text"]
    assert await card_status(api) == "frozen"
    # The replacement is the assistant's task, with its identity check.
    assert await reply(api, "new card") == {
        "outcome": "hand_over",
        "text": None,
        "buttons": [],
        "message": "/replace_card",
    }
    # The question is answered: a later "no" is the assistant's.
    assert (await reply(api, "no"))["outcome"] == "none"


async def test_no_in_hindi_and_hinglish(api: Api) -> None:
    await purchase(api, "900.00", "Croma")
    answer = await reply(api, "मैंने नहीं किया")
    assert "फ़्रीज़" in answer["text"] and "FR-" in answer["text"]
    await purchase(api, "800.00", "Croma")
    assert "frozen" in (await reply(api, "maine nahi kiya"))["text"]


async def test_yes_confirms_and_leaves_the_card_alone(api: Api) -> None:
    await purchase(api, "1249.99")
    answer = await reply(api, "haan, maine kiya")
    assert answer["outcome"] == "answered" and "this purchase was yours" in answer["text"]
    assert await card_status(api) == "active"
    assert (await reply(api, "yes"))["outcome"] == "none"


async def test_anything_else_is_asked_again_twice_then_left_to_the_assistant(api: Api) -> None:
    await purchase(api, "1249.99")
    for _ in range(2):
        answer = await reply(api, "what's my balance?")
        assert answer["outcome"] == "answered"
        assert (
            "Did you make the $1,249.99 purchase at ELECTRONICS HUB ONLINE? Please reply YES or NO."
            in answer["text"]
        )
    assert (await reply(api, "what's my balance?"))["outcome"] == "none"
    assert (await reply(api, "no"))["outcome"] == "none"
    assert await card_status(api) == "active"


async def test_the_answer_counts_only_in_its_conversation_and_until_it_expires(api: Api) -> None:
    await purchase(api, "1249.99")
    assert (await reply(api, "no", "twilio:+15550109999"))["outcome"] == "none"
    assert (await reply(api, "no", "socketio:" + "a" * 32))["outcome"] == "none"
    assert (await reply(api, "no", ALEX_WHATSAPP))["outcome"] == "none"
    await api.advance(24 * 3600 + 1)
    assert (await reply(api, "no"))["outcome"] == "none"
    assert await card_status(api) == "active"


async def test_two_open_questions_are_answered_newest_first_and_the_next_is_asked(api: Api) -> None:
    await purchase(api, "700.00", "First Shop")
    await purchase(api, "800.00", "Second Shop")
    answer = await reply(api, "yes")
    assert "this purchase was yours" in answer["text"]
    assert "One more: did you make the $700.00 purchase at First Shop?" in answer["text"]
    assert "frozen" in (await reply(api, "no"))["text"]


async def test_stop_turns_alerts_off_on_that_channel_and_start_back_on(api: Api) -> None:
    answer = await reply(api, "STOP")
    assert (
        answer["text"]
        == "You won't get American Express alerts by text message any more. Reply START to turn them back on."
    )
    posted = await purchase(api, "1249.99")
    # Email cannot be answered here, so it asks nothing and says where to act.
    assert posted["alerts"] == [{"kind": "large_purchase", "question": None, "channel": "email"}]
    email = (await api.outbox())[-1]
    assert (
        email["channel"] == "email" and "freeze your card" in email["text"] and "Reply" not in email["text"]
    )
    assert "on again" in (await reply(api, "start"))["text"]
    assert (await purchase(api, "1249.99"))["alerts"][0]["channel"] == "sms"
    # STOP from a number that is no customer's is the assistant's to answer.
    assert (await reply(api, "stop", "twilio:+15550109999"))["outcome"] == "none"


async def test_payment_due_offers_to_pay_now_once_per_due_date(api: Api) -> None:
    status, body = await api.call(
        "POST", "/demo/alerts/payment-due", json={"user_id": "alex.morgan"}, auth=False
    )
    assert status == 200
    assert {alert["kind"] for alert in body["alerts"]} == {"payment_due"}
    texts = [message["text"] for message in (await api.outbox())[-len(body["alerts"]) :]]
    assert all("Reply PAY to pay now" in text and "is due on" in text for text in texts)
    status, again = await api.call(
        "POST", "/demo/alerts/payment-due", json={"user_id": "alex.morgan"}, auth=False
    )
    assert again["alerts"] == []
    assert (await reply(api, "Pay now"))["message"] == "/pay_bill"


async def test_payment_due_no_thanks(api: Api) -> None:
    await api.call("POST", "/demo/alerts/payment-due", json={"user_id": "sam.lee"}, auth=False)
    answer = await reply(api, "no", "twilio:+15550103005")
    assert answer["text"] == "Okay. You can ask me to pay your bill any time."


async def test_whatsapp_alerts_use_the_template_outside_the_window(api: Api, db: sqlite3.Connection) -> None:
    await api.verify()
    status, alerts = await api.me_send("PUT", "/alerts", channel="whatsapp")
    assert (status, alerts["channel"]) == (200, "whatsapp")
    await purchase(api, "1249.99")
    alert = (await api.outbox())[-1]
    assert (alert["channel"], alert["to"]) == ("whatsapp", "whatsapp:+15550102002")
    assert (await reply(api, "hi", ALEX_WHATSAPP))["outcome"] == "answered"  # the open question, again
    await purchase(api, "1249.99")
    templates = [
        row[0]
        for row in db.execute(
            "SELECT details FROM audit_log WHERE action = 'alert_sent' ORDER BY id"
        ).fetchall()
    ]
    assert '"template": "fraud_check"' in templates[0] and '"template": null' in templates[1]
    assert "frozen" in (await reply(api, "NO", ALEX_WHATSAPP))["text"]


async def test_telegram_alerts_after_the_chat_is_linked_with_a_code(api: Api) -> None:
    await api.verify()
    status, link = await api.me_post("/alerts/telegram-link")
    assert status == 201 and re.fullmatch(r"[A-Z2-9]{8}", link["code"]) and link["expires_in"] == 600
    # Until linked, Telegram alerts go by text message.
    await api.me_send("PUT", "/alerts", channel="telegram")
    assert (await purchase(api, "10", online=True))["alerts"][0]["channel"] == "sms"
    assert (await reply(api, "yes"))["outcome"] == "answered"

    assert "didn't work" in (await reply(api, "/link ABCDEFGH", "telegram:5551234"))["text"]
    linked = await reply(api, f"/start link-{link['code']}", "telegram:5551234")
    assert "This chat is now linked" in linked["text"]
    assert "Telegram chat was linked" in (await api.outbox())[-1]["text"]  # told by SMS
    assert (
        "didn't work" in (await reply(api, f"/link {link['code']}", "telegram:5550000"))["text"]
    )  # once only
    status, alerts = await api.me_get("/alerts")
    assert (alerts["channel"], alerts["telegram_linked"]) == ("telegram", True)

    assert (await purchase(api, "1249.99"))["alerts"][0]["channel"] == "telegram"
    alert = (await api.outbox())[-1]
    assert (alert["channel"], alert["to"]) == ("telegram", "5551234")
    answer = await reply(api, "not me", "telegram:5551234")
    assert "frozen" in answer["text"]
    assert answer["buttons"] == [{"title": "Order a new card", "payload": "NEW CARD"}]
    assert (
        "won't get American Express alerts by Telegram"
        in (await reply(api, "/stop", "telegram:5551234"))["text"]
    )


async def test_a_link_code_expires(api: Api) -> None:
    await api.verify()
    _, link = await api.me_post("/alerts/telegram-link")
    await api.advance(601)
    assert "didn't work" in (await reply(api, f"/link {link['code']}", "telegram:5551234"))["text"]


async def test_replies_are_for_the_channels_only(api: Api) -> None:
    status, _ = await api.call("POST", "/alerts/replies", json={"conversation_id": ALEX_SMS, "text": "no"})
    assert status == 403
    status, _ = await api.call(
        "POST", "/alerts/replies", json={"conversation_id": ALEX_SMS}, caller="channels"
    )
    assert status == 400
    assert (await api.me_post("/alerts/telegram-link", "not-verified"))[0] == 401


async def test_a_link_code_is_stored_only_as_a_keyed_hash(api: Api, db_path: Path) -> None:
    await api.verify()
    _, link = await api.me_post("/alerts/telegram-link")
    stored = b"".join(path.read_bytes() for path in db_path.parent.glob(f"{db_path.name}*"))
    assert link["code"].encode() not in stored


async def test_link_codes_cannot_be_guessed_from_one_chat(api: Api) -> None:
    """A chat that sent LINK_FAILURES_PER_HOUR wrong codes is told to wait, and no code is checked
    from it for the hour, not even a right one; other chats are not affected. Before, a chat could
    try as many codes as the message limit let it (300 a minute), and a linked thief gets the
    customer's fraud checks and can answer YES to them."""
    await api.verify()
    _, link = await api.me_post("/alerts/telegram-link")
    for attempt in range(LINK_FAILURES_PER_HOUR):
        wrong = f"/link WRONG{attempt:03d}"
        assert "didn't work" in (await reply(api, wrong, "telegram:6660001"))["text"]
    paused = await reply(api, f"/link {link['code']}", "telegram:6660001")
    assert "Too many link codes" in paused["text"]
    linked = await reply(api, f"/link {link['code']}", "telegram:5551234")
    assert "This chat is now linked" in linked["text"]  # the code still works from another chat
    await api.advance(3601)
    assert "didn't work" in (await reply(api, "/link WRONG999", "telegram:6660001"))["text"]
