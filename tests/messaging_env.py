"""Environment that switches the messaging channels on for the test assistant, pointed at the
local stand-in for the platforms' APIs (tests/platform_standin.py).

The values are test-only; the stand-in accepts API calls only with them, as the platforms would."""

from __future__ import annotations

# The public addresses the platforms are told to call (Twilio signs its URL).
PUBLIC_BASE = "https://assistant.example.test"

TELEGRAM_ACCESS_TOKEN = "7000000001:test-telegram-token_abcdefghijklmnopqrstu"
TELEGRAM_SECRET_TOKEN = "test-telegram-webhook-secret"
TELEGRAM_BOT_NAME = "card_help_test_bot"
TELEGRAM_WEBHOOK_URL = f"{PUBLIC_BASE}/webhooks/telegram/webhook"

SLACK_BOT_TOKEN = "xoxb-0000000001-test-slack-bot-token"
SLACK_SIGNING_SECRET = "test-slack-signing-secret-8f14e45fceea167a"

TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000001"
TWILIO_AUTH_TOKEN = "test-twilio-auth-token-c9f0f895fb98ab91"
TWILIO_NUMBER = "+15550100000"
TWILIO_WHATSAPP_NUMBER = "whatsapp:+15550100001"
TWILIO_WEBHOOK_URL = f"{PUBLIC_BASE}/webhooks/twilio/webhook"
# Approved WhatsApp templates for alerts outside the 24-hour window (Twilio Content SIDs).
WHATSAPP_TEMPLATES = {
    "fraud_check": "HX00000000000000000000000000000001",
    "payment_due": "HX00000000000000000000000000000002",
    "balance": "HX00000000000000000000000000000003",
}

FACEBOOK_VERIFY_TOKEN = "test-facebook-verify-token"
FACEBOOK_APP_SECRET = "test-facebook-app-secret-45c48cce2e2d7fbd"
FACEBOOK_PAGE_ACCESS_TOKEN = "EAAtest-facebook-page-access-token"
FACEBOOK_API_VERSION = "21.0"


def messaging_env(standin_url: str) -> dict[str, str]:
    return {
        "TELEGRAM_ACCESS_TOKEN": TELEGRAM_ACCESS_TOKEN,
        "TELEGRAM_SECRET_TOKEN": TELEGRAM_SECRET_TOKEN,
        "TELEGRAM_BOT_NAME": TELEGRAM_BOT_NAME,
        "TELEGRAM_WEBHOOK_URL": TELEGRAM_WEBHOOK_URL,
        "TELEGRAM_API_URL": standin_url,
        "SLACK_BOT_TOKEN": SLACK_BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SLACK_SIGNING_SECRET,
        "SLACK_API_URL": f"{standin_url}/api/",
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT_SID,
        "TWILIO_AUTH_TOKEN": TWILIO_AUTH_TOKEN,
        "TWILIO_NUMBER": TWILIO_NUMBER,
        "TWILIO_WHATSAPP_NUMBER": TWILIO_WHATSAPP_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_WEBHOOK_URL,
        "TWILIO_API_URL": standin_url,
        "WHATSAPP_TEMPLATES": ",".join(f"{name}={sid}" for name, sid in WHATSAPP_TEMPLATES.items()),
        "FACEBOOK_VERIFY_TOKEN": FACEBOOK_VERIFY_TOKEN,
        "FACEBOOK_APP_SECRET": FACEBOOK_APP_SECRET,
        "FACEBOOK_PAGE_ACCESS_TOKEN": FACEBOOK_PAGE_ACCESS_TOKEN,
        "FACEBOOK_API_URL": standin_url,
        "FACEBOOK_API_VERSION": FACEBOOK_API_VERSION,
    }
