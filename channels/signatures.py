"""Checks that a webhook request really comes from the platform.

Slack's check (v0 HMAC-SHA256 over the timestamp and body, refused when older than 5 minutes)
is Rasa's own `SlackInput.is_request_from_slack_authentic`, and Twilio's is the Twilio library's
`RequestValidator`: both are reused as they are. Rasa's Messenger check reads the SHA-1
`X-Hub-Signature` header, compares with `==` and answers 200 on a mismatch, and Rasa's Telegram
channel checks nothing about the request; those two checks are here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping

from twilio.request_validator import RequestValidator

TELEGRAM_SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram accepts as a webhook secret token.
TELEGRAM_SECRET_FORMAT = re.compile(r"^[A-Za-z0-9_-]{1,256}$")

FACEBOOK_SIGNATURE_HEADER = "X-Hub-Signature-256"
TWILIO_SIGNATURE_HEADER = "X-Twilio-Signature"


def telegram_secret_ok(expected: str, header: str | None) -> bool:
    """The `X-Telegram-Bot-Api-Secret-Token` header equals the secret given to setWebhook."""
    return bool(expected) and hmac.compare_digest(expected.encode(), (header or "").encode())


def hub_signature_256_ok(app_secret: str, body: bytes, header: str | None) -> bool:
    """Messenger's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>`."""
    if not app_secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header.removeprefix("sha256=").lower())


def twilio_signature_ok(auth_token: str, url: str, params: Mapping[str, object], header: str | None) -> bool:
    """`X-Twilio-Signature`: HMAC-SHA1 (auth token) of the URL Twilio called and the sorted POST
    parameters, checked by the Twilio library."""
    if not auth_token or not header:
        return False
    return RequestValidator(auth_token).validate(url, params, header)
