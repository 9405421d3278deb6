"""Telegram: Bot API updates in, sendMessage out; the identity check bound to the chat."""

from __future__ import annotations

from tests import messaging_env as creds
from tests.channels.conftest import Standin, TelegramCustomer, buttons, texts
from tests.e2e.conftest import make_room_for_a_code


def test_start_up_checks_the_bot_and_registers_the_webhook_with_its_secret(assistant):
    calls = Standin(assistant.standin_url).calls(platform="telegram")
    assert any(call["api"] == "getMe" for call in calls)
    registered = [call["body"] for call in calls if call["api"] == "setWebhook"]
    assert registered and registered[-1]["url"] == creds.TELEGRAM_WEBHOOK_URL
    assert registered[-1]["secret_token"] == creds.TELEGRAM_SECRET_TOKEN


def test_buttons_are_an_inline_keyboard_and_a_press_reaches_the_assistant(assistant):
    customer = TelegramCustomer(assistant)
    greeting = customer.say("hi")
    offered = buttons(greeting)
    assert {"title": "Check my balance", "payload": "/check_balance"} in offered
    keyboard = [call for call in greeting if call["buttons"]][-1]["body"]["reply_markup"]
    assert '"inline_keyboard"' in keyboard
    pressed = customer.press("/check_balance")
    assert "User ID" in texts(pressed)
    # The button's spinner is stopped in the customer's app.
    answered = Standin(assistant.standin_url).calls(platform="telegram", api="answerCallbackQuery")
    assert answered


def test_start_command_is_greeted(assistant):
    customer = TelegramCustomer(assistant)
    assert "virtual assistant" in texts(customer.say("/start"))
    assert "/greet" in customer.user_texts()


def test_group_chats_are_not_answered(assistant):
    customer = TelegramCustomer(assistant, chat_type="group")
    before = len(customer.replies_so_far())
    assert customer.post_text("what's my balance").status_code == 200  # so Telegram does not retry
    assert customer.nothing_sent_after(before)


def test_the_identity_check_works_on_telegram_and_is_bound_to_the_chat(assistant):
    customer = TelegramCustomer(assistant)
    make_room_for_a_code(assistant, "alex.morgan")
    assert "User ID" in texts(customer.say("what's my balance?"))
    sent = texts(customer.say("alex.morgan"))
    assert "6-digit one-time code" in sent and "+1 555 010 2002" not in sent
    verified = texts(customer.say(assistant.latest_code("alex.morgan")))
    assert "Thanks Alex, you're verified." in verified
    # The account service holds a verified session for this Telegram chat, and only for it.
    accounts = assistant.service("GET", "/me/accounts", params={"conversation_id": customer.conversation_id})
    assert accounts.status_code == 200
    for account in accounts.json()["accounts"]:
        assert f"ending {account['card_last_four']}" in verified
        assert f"{float(account['balance']):,.2f}" in verified
    other_chat = TelegramCustomer(assistant)
    assert (
        assistant.service(
            "GET", "/me/accounts", params={"conversation_id": other_chat.conversation_id}
        ).status_code
        != 200
    )
