"""Twilio SMS and WhatsApp: buttons become numbered choices, and a number typed back is the
button's payload; the signature covers the public URL Twilio called."""

from __future__ import annotations

import requests

from tests import messaging_env as creds
from tests.channels.conftest import TwilioCustomer, texts
from tests.channels.signing import twilio_signature

GREETING_CHOICES = "1. I can't log in  2. Reset my password  3. Check my balance — reply with a number"


def test_sms_buttons_become_numbered_choices_and_a_number_is_the_choice(assistant):
    customer = TwilioCustomer(assistant)
    greeting = customer.say("hello")
    assert GREETING_CHOICES in texts(greeting)
    assert all(reply["from"] == creds.TWILIO_NUMBER and reply["to"] == customer.to for reply in greeting)
    chosen = customer.say("3")
    assert "User ID" in texts(chosen)
    assert customer.user_texts()[-1] == "/check_balance"  # the assistant saw the button's payload


def test_a_number_with_a_dot_or_spaces_counts_too(assistant):
    customer = TwilioCustomer(assistant)
    customer.say("hi")
    assert "reset" in texts(customer.say(" 2. ")).lower()
    assert customer.user_texts()[-1] == "/reset_password"


def test_a_number_is_passed_on_as_typed_when_no_choices_were_offered_or_it_is_out_of_range(assistant):
    customer = TwilioCustomer(assistant)
    customer.say("hi")
    customer.say("7")  # only three choices
    assert customer.user_texts()[-1] == "7"
    customer.say("thanks")  # its answer offers no buttons
    customer.say("1")
    assert customer.user_texts()[-1] == "1"


def test_whatsapp_replies_come_from_the_whatsapp_sender_with_numbered_choices(assistant):
    customer = TwilioCustomer(assistant, whatsapp=True)
    greeting = customer.say("hello")
    assert GREETING_CHOICES in texts(greeting)
    assert all(reply["from"] == creds.TWILIO_WHATSAPP_NUMBER for reply in greeting)
    assert customer.conversation_id.startswith("twilio:whatsapp:+1555")
    assert "User ID" in texts(customer.say("3"))


def test_a_signature_for_another_url_is_refused(assistant):
    customer = TwilioCustomer(assistant)
    before = len(customer.replies_so_far())
    # Signed for the address the request was really sent to, not the public one Twilio calls.
    answer = customer.post_text("hello", signed_url=customer.url)
    assert answer.status_code == 401
    assert customer.nothing_sent_after(before)


def test_a_tampered_body_is_refused(assistant):
    customer = TwilioCustomer(assistant)
    params = customer.params("hello")
    signature = twilio_signature(creds.TWILIO_WEBHOOK_URL, params, creds.TWILIO_AUTH_TOKEN)
    params["Body"] = "pay my bill"
    before = len(customer.replies_so_far())
    answer = requests.post(customer.url, data=params, headers={"X-Twilio-Signature": signature}, timeout=30)
    assert answer.status_code == 401
    assert customer.nothing_sent_after(before)


def test_the_webhook_answers_with_empty_twiml(assistant):
    answer = TwilioCustomer(assistant).post_text("thanks")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/xml") and "<Response>" in answer.text
