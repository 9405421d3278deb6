"""How each platform signs its webhook requests, written from the platforms' documentation
independently of the code under test."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time


def slack_headers(body: bytes, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """https://api.slack.com/authentication/verifying-requests-from-slack"""
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    digest = hmac.new(secret.encode(), b"v0:" + stamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": stamp, "X-Slack-Signature": f"v0={digest}"}


def twilio_signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """https://www.twilio.com/docs/usage/webhooks/webhooks-security: the URL, then each POST
    parameter name and value sorted by name, HMAC-SHA1 with the auth token, base64."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()).decode()


def facebook_signature(body: bytes, app_secret: str) -> str:
    """https://developers.facebook.com/docs/messenger-platform/webhooks#validate-payloads"""
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
