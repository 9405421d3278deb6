"""Messenger: the subscription check, page events in, Send API out with quick replies."""

from __future__ import annotations

import requests

from tests import messaging_env as creds
from tests.channels.conftest import FacebookCustomer, Standin, buttons, texts


def subscribe(assistant, token: str) -> requests.Response:
    params = {"hub.mode": "subscribe", "hub.verify_token": token, "hub.challenge": "1158201444"}
    return requests.get(f"{assistant.rasa_url}/webhooks/facebook/webhook", params=params, timeout=10)


def test_the_subscription_check_needs_the_verify_token(assistant):
    accepted = subscribe(assistant, creds.FACEBOOK_VERIFY_TOKEN)
    assert accepted.status_code == 200 and accepted.text == "1158201444"
    assert subscribe(assistant, "not-the-verify-token").status_code == 403


def test_buttons_are_quick_replies_and_a_quick_reply_reaches_the_assistant(assistant):
    customer = FacebookCustomer(assistant)
    greeting = customer.say("hello")
    assert {"title": "Check my balance", "payload": "/check_balance"} in buttons(greeting)
    assert "User ID" in texts(customer.press("/check_balance"))
    assert customer.user_texts()[-1] == "/check_balance"
    calls = Standin(assistant.standin_url).calls(platform="facebook", to=customer.to)
    assert {"mark_seen", "typing_on", "typing_off"} <= {call["body"].get("sender_action") for call in calls}
    assert {call["version"] for call in calls} == {creds.FACEBOOK_API_VERSION}


def test_a_postback_reaches_the_assistant(assistant):
    customer = FacebookCustomer(assistant)
    before = len(customer.replies_so_far())
    postback = {"title": "Reset my password", "payload": "/reset_password"}
    assert customer.post_body(customer.batch(customer.event(postback=postback))).status_code == 200
    assert "reset" in texts(customer.wait_for_replies(before)).lower()


def test_every_customer_in_a_batch_is_answered_and_echoes_are_not(assistant):
    first, second = FacebookCustomer(assistant), FacebookCustomer(assistant)
    echo = first.event({"text": "Hi! I'm the virtual assistant", "is_echo": True, "app_id": 1517776481860111})
    batch = first.batch(first.event({"text": "hello"}), echo, second.event({"text": "hi"}))
    before_first, before_second = len(first.replies_so_far()), len(second.replies_so_far())
    assert first.post_body(batch).status_code == 200
    assert "virtual assistant" in texts(first.wait_for_replies(before_first))
    assert "virtual assistant" in texts(second.wait_for_replies(before_second))
    assert first.user_texts() == ["hello"]


def test_the_old_sha1_signature_alone_is_not_enough(assistant):
    customer = FacebookCustomer(assistant)
    before = len(customer.replies_so_far())
    answer = customer.post_text(
        "hello", headers={"X-Hub-Signature": "sha1=0123456789abcdef0123456789abcdef01234567"}
    )
    assert answer.status_code == 401
    assert customer.nothing_sent_after(before)
