"""The messaging channels' parts on their own: signature checks against the platforms' published
examples, buttons per platform (numbered choices on SMS/WhatsApp), numbers mapped back to
choices, settings from the environment."""

from __future__ import annotations

import time
from types import SimpleNamespace
from typing import Any

import pytest
import rasa.core.channels.slack as rasa_slack
from rasa.shared.core.events import BotUttered, UserUttered

from channels.choices import CHOICES_TTL_S, chosen_payload, numbered_text, offered_choices
from channels.facebook import FacebookSettings, MessengerReplies, quick_replies
from channels.signatures import hub_signature_256_ok, telegram_secret_ok, twilio_signature_ok
from channels.slack import SlackInput, SlackSettings, unescape_slack
from channels.telegram import TelegramInput, TelegramReplies, TelegramSettings
from channels.twilio import TwilioReplies, TwilioSettings
from tests.channels.signing import facebook_signature, slack_headers, twilio_signature
from tests.messaging_env import messaging_env

YES_NO = [{"title": "Yes", "payload": "yes"}, {"title": "No", "payload": "no"}]


# --- signatures -----------------------------------------------------------------------------------
# Twilio's example (https://www.twilio.com/docs/usage/security#validating-requests).
TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+12349013030",
    "Digits": "1234",
    "From": "+12349013030",
    "To": "+18005551212",
}
TWILIO_EXPECTED = "0/KCTR6DLpKmkAf8muzZqo1nDgQ="


def test_twilio_signature_matches_twilios_example():
    assert twilio_signature(TWILIO_URL, TWILIO_PARAMS, "12345") == TWILIO_EXPECTED  # the test's signer
    assert twilio_signature_ok("12345", TWILIO_URL, TWILIO_PARAMS, TWILIO_EXPECTED)


def test_twilio_signature_refuses_other_urls_params_tokens_and_none():
    assert not twilio_signature_ok(
        "12345", TWILIO_URL.replace("foo=1", "foo=2"), TWILIO_PARAMS, TWILIO_EXPECTED
    )
    assert not twilio_signature_ok("12345", TWILIO_URL, {**TWILIO_PARAMS, "Digits": "1235"}, TWILIO_EXPECTED)
    assert not twilio_signature_ok("54321", TWILIO_URL, TWILIO_PARAMS, TWILIO_EXPECTED)
    assert not twilio_signature_ok("12345", TWILIO_URL, TWILIO_PARAMS, None)
    assert not twilio_signature_ok("12345", TWILIO_URL, TWILIO_PARAMS, "")


# Slack's example (https://api.slack.com/authentication/verifying-requests-from-slack).
SLACK_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SLACK_TIMESTAMP = 1531420618
SLACK_BODY = (
    b"token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V"
    b"&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text="
    b"&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN"
    b"&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
)
SLACK_EXPECTED = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"


def slack_request(body: bytes, headers: dict[str, str]) -> Any:
    return SimpleNamespace(body=body, headers=headers)


def slack_channel() -> SlackInput:
    return SlackInput(SlackSettings(bot_token="xoxb-1", signing_secret=SLACK_SECRET))


def test_slack_signature_reuses_rasas_check_and_matches_slacks_example(monkeypatch):
    headers = slack_headers(SLACK_BODY, SLACK_SECRET, SLACK_TIMESTAMP)
    assert headers["X-Slack-Signature"] == SLACK_EXPECTED  # the test's signer
    monkeypatch.setattr(rasa_slack, "time", SimpleNamespace(time=lambda: SLACK_TIMESTAMP + 60))
    assert slack_channel().is_request_from_slack_authentic(slack_request(SLACK_BODY, headers))
    assert not slack_channel().is_request_from_slack_authentic(slack_request(SLACK_BODY + b"x", headers))


def test_slack_signature_older_than_five_minutes_is_refused(monkeypatch):
    headers = slack_headers(SLACK_BODY, SLACK_SECRET, SLACK_TIMESTAMP)
    monkeypatch.setattr(rasa_slack, "time", SimpleNamespace(time=lambda: SLACK_TIMESTAMP + 5 * 60 + 1))
    assert not slack_channel().is_request_from_slack_authentic(slack_request(SLACK_BODY, headers))


def test_facebook_signature_is_the_sha256_header_only():
    body = b'{"object":"page","entry":[]}'
    good = facebook_signature(body, "app-secret")
    assert hub_signature_256_ok("app-secret", body, good)
    assert hub_signature_256_ok("app-secret", body, good.upper().replace("SHA256=", "sha256="))
    assert not hub_signature_256_ok("other-secret", body, good)
    assert not hub_signature_256_ok("app-secret", body + b" ", good)
    assert not hub_signature_256_ok("app-secret", body, good.replace("sha256=", "sha1="))
    assert not hub_signature_256_ok("app-secret", body, good.removeprefix("sha256="))
    assert not hub_signature_256_ok("app-secret", body, None)
    assert not hub_signature_256_ok("", body, facebook_signature(body, ""))


def test_telegram_secret_token():
    assert telegram_secret_ok("s3cret_token-1", "s3cret_token-1")
    assert not telegram_secret_ok("s3cret_token-1", "s3cret_token-2")
    assert not telegram_secret_ok("s3cret_token-1", None)
    assert not telegram_secret_ok("", "")


# --- numbered choices -----------------------------------------------------------------------------
def test_buttons_become_a_numbered_list_after_the_text():
    assert numbered_text("Pay it now?", YES_NO) == "Pay it now?\n1. Yes  2. No — reply with a number"
    assert numbered_text("No buttons.", []) == "No buttons."


@pytest.mark.parametrize(
    ("reply", "payload"),
    [("1", "yes"), ("2", "no"), (" 2 ", "no"), ("2.", "no"), ("2)", "no"), ("02", "no"), ("3", None)],
)
def test_a_number_is_mapped_to_its_choice(reply, payload):
    assert chosen_payload(reply, YES_NO) == payload


@pytest.mark.parametrize("reply", ["0", "yes", "2 please", "12.50", "123456", "", "1 2"])
def test_anything_but_a_choice_number_is_not_mapped(reply):
    assert chosen_payload(reply, YES_NO) is None


def test_no_choices_no_mapping():
    assert chosen_payload("1", None) is None
    assert chosen_payload("1", []) is None


def bot(text: str, buttons: list | None, at: float) -> BotUttered:
    return BotUttered(text, {"buttons": buttons} if buttons else {}, timestamp=at)


def test_the_choices_offered_are_the_latest_since_the_customer_last_wrote():
    now = time.time()
    other = [{"title": "Other", "payload": "other"}]
    events = [
        bot("Old?", other, now - 60),
        UserUttered("hi", timestamp=now - 50),
        bot("Pay?", YES_NO, now - 10),
    ]
    assert offered_choices(events, now) == YES_NO
    # A message without buttons after it does not hide them (one turn, several messages).
    assert offered_choices([*events, bot("Also …", None, now - 5)], now) == YES_NO
    # Once the customer has written again, they are gone.
    assert offered_choices([*events, UserUttered("no", timestamp=now - 1)], now) is None
    assert offered_choices([], now) is None


def test_choices_expire():
    now = time.time()
    assert offered_choices([bot("Pay?", YES_NO, now - CHOICES_TTL_S + 5)], now) == YES_NO
    assert offered_choices([bot("Pay?", YES_NO, now - CHOICES_TTL_S - 5)], now) is None


# --- buttons on each platform ---------------------------------------------------------------------
TEST_ENV = messaging_env("http://127.0.0.1:9")


class CapturedTwilio(TwilioReplies):
    def __init__(self) -> None:
        settings = TwilioSettings.from_env(TEST_ENV)
        assert settings is not None
        super().__init__(settings, settings.sms_number)
        self.sent: list[dict[str, Any]] = []

    async def _send_message(self, message_data: dict[str, Any]) -> None:
        self.sent.append(dict(message_data))


@pytest.mark.asyncio
async def test_sms_buttons_are_sent_as_numbered_choices_with_the_text():
    sms = CapturedTwilio()
    await sms.send_response("+15550001111", {"text": "Pay $200.00 now?", "buttons": YES_NO})
    assert sms.sent == [
        {
            "to": "+15550001111",
            "from_": TEST_ENV["TWILIO_NUMBER"],
            "body": "Pay $200.00 now?\n1. Yes  2. No — reply with a number",
        }
    ]


def test_twilio_client_sends_to_the_configured_api_address():
    sms = CapturedTwilio()
    assert sms.api.base_url == TEST_ENV["TWILIO_API_URL"]
    assert sms.http_client.is_async


class CapturedMessenger(MessengerReplies):
    def __init__(self) -> None:
        settings = FacebookSettings.from_env(TEST_ENV)
        assert settings is not None
        super().__init__(settings)
        self.sent: list[dict[str, Any]] = []

    async def _send(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.sent.append(message)


@pytest.mark.asyncio
async def test_messenger_buttons_are_quick_replies_on_the_last_paragraph():
    messenger = CapturedMessenger()
    await messenger.send_response("123", {"text": "First.\n\nPay it now?", "buttons": YES_NO})
    assert messenger.sent[0] == {"text": "First."}
    assert messenger.sent[1]["text"] == "Pay it now?"
    assert messenger.sent[1]["quick_replies"] == [
        {"content_type": "text", "title": "Yes", "payload": "yes"},
        {"content_type": "text", "title": "No", "payload": "no"},
    ]
    assert messenger.messenger_client.graph_url == f"{TEST_ENV['FACEBOOK_API_URL']}/v21.0"


def test_quick_reply_titles_and_count_keep_to_messengers_limits():
    many = [{"title": f"Statement balance ($1,234.{n:02d})", "payload": f"p{n}"} for n in range(20)]
    replies = quick_replies(many)
    assert len(replies) == 13
    assert all(len(reply["title"]) <= 20 for reply in replies)
    assert replies[0]["title"].endswith("…") and replies[0]["payload"] == "p0"


class CapturedTelegram(TelegramReplies):
    def __init__(self) -> None:
        settings = TelegramSettings.from_env(TEST_ENV)
        assert settings is not None
        super().__init__(settings)
        self.sent: list[dict[str, Any]] = []

    async def send_message(self, chat_id: Any, text: str, reply_markup: Any = None, **kwargs: Any) -> None:
        self.sent.append({"chat_id": chat_id, "text": text, "reply_markup": reply_markup})


@pytest.mark.asyncio
async def test_telegram_buttons_are_an_inline_keyboard_one_per_row():
    telegram = CapturedTelegram()
    await telegram.send_response("42", {"text": "Pay it now?", "buttons": YES_NO})
    keyboard = telegram.sent[0]["reply_markup"].to_python()["inline_keyboard"]
    assert keyboard == [[{"text": "Yes", "callback_data": "yes"}], [{"text": "No", "callback_data": "no"}]]
    assert telegram.server.api_url("T", "sendMessage") == f"{TEST_ENV['TELEGRAM_API_URL']}/botT/sendMessage"


def test_telegram_commands():
    channel = TelegramInput(TelegramSettings.from_env(TEST_ENV))
    assert channel.command_to_intent("/start") == "/greet"
    assert channel.command_to_intent(f"/start@{TEST_ENV['TELEGRAM_BOT_NAME']}") == "/greet"
    assert channel.command_to_intent("what's my balance") == "what's my balance"


def test_slack_escapes_are_undone_before_screening():
    assert unescape_slack("Q&amp;A &lt;3 &gt; &amp;lt;") == "Q&A <3 > &lt;"


# --- settings -------------------------------------------------------------------------------------
def test_settings_come_from_the_environment():
    telegram = TelegramSettings.from_env(TEST_ENV)
    slack = SlackSettings.from_env({**TEST_ENV, "SLACK_API_URL": "http://127.0.0.1:9/api"})
    twilio = TwilioSettings.from_env({**TEST_ENV, "TWILIO_WHATSAPP_NUMBER": "+15550100001"})
    facebook = FacebookSettings.from_env({**TEST_ENV, "FACEBOOK_API_VERSION": "v19.0"})
    assert telegram and telegram.secret_token == TEST_ENV["TELEGRAM_SECRET_TOKEN"]
    assert slack and slack.api_url == "http://127.0.0.1:9/api/"
    assert twilio and twilio.whatsapp_number == "whatsapp:+15550100001"
    assert facebook and facebook.graph_url == "http://127.0.0.1:9/v19.0"


def test_defaults_are_the_platforms_own_addresses():
    env = {name: value for name, value in TEST_ENV.items() if not name.endswith(("_API_URL", "_API_VERSION"))}
    assert TelegramSettings.from_env(env).api_url == "https://api.telegram.org"
    assert SlackSettings.from_env(env).api_url == "https://slack.com/api/"
    assert TwilioSettings.from_env(env).api_url == ""  # the library's own https://api.twilio.com
    assert FacebookSettings.from_env(env).graph_url == "https://graph.facebook.com/v21.0"


def test_blank_variables_count_as_unset_and_twilio_needs_a_number():
    assert TelegramSettings.from_env({**TEST_ENV, "TELEGRAM_SECRET_TOKEN": "  "}) is None
    assert TelegramSettings.from_env({**TEST_ENV, "TELEGRAM_SECRET_TOKEN": "has spaces in it"}) is None
    assert TwilioSettings.from_env({**TEST_ENV, "TWILIO_NUMBER": "", "TWILIO_WHATSAPP_NUMBER": ""}) is None
    only_sms = TwilioSettings.from_env({**TEST_ENV, "TWILIO_WHATSAPP_NUMBER": ""})
    assert only_sms and not only_sms.whatsapp_number
    assert SlackSettings.from_env({}) is None and FacebookSettings.from_env({}) is None
