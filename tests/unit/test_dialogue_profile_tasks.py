"""Settings and access in chat: alerts, personal details, a forgotten User ID, a password reset;
the settings and the messages sent checked in the account service afterwards."""

from __future__ import annotations

import re

import pytest

from tests.unit.dialogue import Dialogue
from tests.unit.in_process_service import TEST_SECRETS, InProcessService

pytestmark = pytest.mark.asyncio


async def verified_chat(service: InProcessService, user_id: str = "alex.morgan") -> Dialogue:
    chat = Dialogue()
    await service.verify(chat.sender, user_id)
    return chat


# --- alerts ---------------------------------------------------------------------------------------
async def test_a_threshold_said_in_the_request_is_set_at_once(service):
    chat = await verified_chat(service)
    said = await chat.say("alert me about purchases over $200", intent="manage_alerts")
    assert said == ["utter_alerts_current", "utter_alerts_changed"]
    assert "Large purchases: on, above $500.00" in chat.said_with("utter_alerts_current")["alerts"]
    assert "Large purchases: on, above $200.00" in chat.said_with("utter_alerts_changed")["alerts"]
    assert (await service.me(chat.sender, "/alerts"))["large_purchase_threshold"] == "200.00"


async def test_an_alert_is_chosen_then_switched_off(service):
    chat = await verified_chat(service)
    said = await chat.say("I want to change my alerts", intent="manage_alerts")
    assert said == ["utter_alerts_current", "utter_ask_alert_choice"]
    assert await chat.say("online transactions") == ["utter_ask_alert_switch"]
    assert chat.buttons == ["on", "off"]
    assert await chat.say("off") == ["utter_alerts_changed"]
    alerts = await service.me(chat.sender, "/alerts")
    assert alerts["online_transactions"] is False and alerts["payment_due"] is True


async def test_nothing_to_change_in_alerts_changes_nothing(service):
    chat = await verified_chat(service)
    await chat.say("my alerts", intent="manage_alerts")
    assert await chat.say("nothing thanks") == ["utter_alerts_unchanged"]
    assert not service.changes()


async def test_alerts_move_to_whatsapp_when_the_request_says_so(service):
    chat = await verified_chat(service)
    said = await chat.say("send my alerts on whatsapp please", intent="manage_alerts")
    assert said == ["utter_alerts_current", "utter_alerts_changed"]
    assert "Alerts go to: Text message" in chat.said_with("utter_alerts_current")["alerts"]
    assert "Alerts go to: WhatsApp" in chat.said_with("utter_alerts_changed")["alerts"]
    assert (await service.me(chat.sender, "/alerts"))["channel"] == "whatsapp"


async def test_telegram_alerts_come_with_a_link_code_for_the_chat(service):
    chat = await verified_chat(service)
    await chat.say("I want to change where my alerts go", intent="manage_alerts")
    assert chat.said[-1] == "utter_ask_alert_channel"
    assert chat.buttons == ["sms", "whatsapp", "telegram", "email"]
    assert await chat.say("Telegram") == ["utter_alerts_changed", "utter_telegram_link"]
    assert (
        "Telegram (until you link a chat: text message)" in chat.said_with("utter_alerts_changed")["alerts"]
    )
    link = chat.said_with("utter_telegram_link")
    assert re.fullmatch(r"/link [A-Z2-9]{8}", link["command"]) and link["minutes"] == "10"
    # The chat that sends the code gets the alerts from then on.
    status, answer = await service.call(
        "POST",
        "/alerts/replies",
        json={"conversation_id": "telegram:8080", "text": link["command"]},
        token=TEST_SECRETS["CHANNELS_SERVICE_TOKEN"],
    )
    assert status == 200 and "now linked" in answer["text"]
    assert (await service.me(chat.sender, "/alerts"))["telegram_linked"] is True


async def test_an_alert_channel_not_understood_is_asked_again(service):
    chat = await verified_chat(service)
    await chat.say("alert channel", intent="manage_alerts")
    assert await chat.say("carrier pigeon") == ["utter_hint_alert_channel", "utter_ask_alert_channel"]
    assert await chat.say("email") == ["utter_alerts_changed"]
    assert (await service.me(chat.sender, "/alerts"))["channel"] == "email"


# --- personal details -----------------------------------------------------------------------------
async def test_a_new_mailing_address_is_stored_after_a_yes(service):
    chat = await verified_chat(service)
    said = await chat.say("I moved, please update my address", intent="update_personal_details")
    assert said == ["utter_ask_new_address"]
    assert await chat.say("near the park") == ["utter_hint_new_detail", "utter_ask_new_address"]
    assert await chat.say("12 Elm Street, Springfield, IL 62701") == ["utter_ask_details_confirmed"]
    assert chat.said_with("utter_ask_details_confirmed")["value"] == "12 Elm Street, Springfield, IL 62701"
    assert not service.changes()
    assert await chat.say("yes") == ["utter_details_changed"]
    profile = await service.me(chat.sender, "/profile")
    assert profile["mailing_address"] == "12 Elm Street, Springfield, IL 62701"


async def test_a_new_email_is_stored_and_the_old_address_told(service):
    chat = await verified_chat(service)
    before = await service.me(chat.sender, "/profile")
    assert await chat.say("change my email", intent="update_personal_details") == ["utter_ask_new_email"]
    assert await chat.say("it's alex.new@example.org") == ["utter_ask_details_confirmed"]
    assert await chat.say("yes") == ["utter_details_changed"]
    after = await service.me(chat.sender, "/profile")
    assert after["email"] != before["email"]
    notices = [message for message in await service.outbox("alex.morgan") if message["channel"] == "email"]
    assert notices and notices[-1]["to"] == "alex.morgan@example.com"


async def test_a_card_number_is_never_taken_for_an_address(service):
    chat = await verified_chat(service)
    await chat.say("update my mailing address", intent="update_personal_details")
    said = await chat.say("4111 1111 1111 1111, 12 Elm Street")
    assert said == ["utter_hint_new_detail", "utter_ask_new_address"]
    assert chat.slots.get("new_detail") is None


async def test_the_phone_is_not_changed_in_chat_and_a_no_changes_nothing(service):
    chat = await verified_chat(service)
    assert await chat.say("change my phone number", intent="update_personal_details") == [
        "utter_phone_not_changeable"
    ]
    await chat.say("update my address", intent="update_personal_details")
    await chat.say("12 Elm Street, Springfield, IL 62701")
    assert await chat.say("no") == ["utter_details_unchanged"]
    assert not service.changes()


# --- a forgotten User ID, a password reset --------------------------------------------------------
async def test_a_forgotten_user_id_is_sent_after_the_card_date_of_birth_and_code(service):
    chat = Dialogue()
    said = await chat.say("I forgot my user ID", intent="find_user_id")
    assert said == ["utter_ask_find_user_id_form_identity_card"]
    assert await chat.say("2002") == ["utter_ask_date_of_birth"]
    assert await chat.say("1985-09-30") == ["utter_code_sent_if_match", "utter_ask_identity_code"]
    # A User ID typed here is not one: whoever forgot it cannot give it.
    assert await chat.say("my user id is alex.morgan") == [
        "utter_hint_identity_code",
        "utter_ask_identity_code",
    ]
    said = await chat.say(await service.latest_code("alex.morgan"))
    assert said == ["utter_identity_verified", "utter_user_id_sent"]
    reminder = (await service.outbox("alex.morgan"))[-1]
    assert reminder["channel"] == "email" and "alex.morgan" in reminder["text"]


async def test_a_password_reset_link_is_sent_by_email(service):
    chat = Dialogue()
    assert await chat.say("reset my password", intent="reset_password") == [
        "utter_ask_reset_password_form_user_id"
    ]
    said = await service.pass_identity_check(chat)
    assert said == ["utter_identity_verified", "utter_password_reset_sent"]
    assert chat.said_with("utter_password_reset_sent")["lifetime"] == "1 hour"
    link = (await service.outbox("alex.morgan"))[-1]
    assert link["channel"] == "email" and "http" in link["text"]


@pytest.mark.parametrize("task", ["reset_password", "find_user_id"])
async def test_a_link_or_reminder_asks_a_fresh_code_of_an_older_check(service, task):
    chat = await verified_chat(service)
    await service.advance_clock(6 * 60)
    assert await chat.say("I forgot it", intent=task) == ["utter_code_sent", "utter_ask_confirm_code"]
    assert not service.changes()
    said = await chat.say(await service.latest_code("alex.morgan"))
    assert said[0] == "utter_confirm_code_accepted" and len(service.changes()) == 1
