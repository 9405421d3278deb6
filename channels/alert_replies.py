"""Replies to alerts on SMS, WhatsApp and Telegram, before the assistant sees the message.

The account service is the system of record for alerts: it knows which question was sent to
which conversation, until when, and what an answer does (freeze the card, open a fraud case). The
channel only asks it, for every message on the channels alerts go to (POST /alerts/replies, as
the `channels` caller), and does what it answers:
- `none`: the assistant answers the message as usual;
- `answered`: the service's text (and buttons, on Telegram) is sent, and the assistant never
  sees the message (a YES, a NO, a STOP, a link code);
- `hand_over`: the assistant gets the payload the service names instead (`/pay_bill` after
  "Pay now", `/replace_card` after "New card"), which starts that task with its identity check.
Keeping the binding in the service (not in a tracker slot) means any Rasa replica, and any
channel process, reads the same state, and a customer cannot set it by typing `/intent{…}`.

When the service does not answer within CHECK_TIMEOUT_S the assistant answers the message (the
alert's question stays open until it expires, so the customer can answer it again).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from common.account_client import AccountClient, ServiceUnavailable
from common.settings import RasaServerSettings, secret

logger = logging.getLogger(__name__)

# Input channels whose conversations alerts are sent to (Twilio carries SMS and WhatsApp).
ALERT_INPUT_CHANNELS = frozenset({"twilio", "telegram"})
# Every message on those channels waits for this check: a slow service may delay the assistant's
# answer by this much at most (as the live-handoff check of the website chat).
CHECK_TIMEOUT_S = 2.0


@dataclass(frozen=True)
class AlertReply:
    outcome: str  # none, answered, hand_over
    text: str | None = None
    buttons: list[dict[str, str]] = field(default_factory=list)
    message: str | None = None


@lru_cache(maxsize=1)
def _client() -> AccountClient:
    settings = RasaServerSettings.load(check_secrets=False)
    timeout_s = min(settings.service_timeout_s, CHECK_TIMEOUT_S)
    return AccountClient(settings.account_service_url, secret(settings.channels_service_token), timeout_s)


async def alert_reply(
    conversation_id: str, text: str, client: AccountClient | None = None
) -> AlertReply | None:
    """What the service says about this message; None when it said nothing usable (the assistant
    answers)."""
    try:
        reply = await (client or _client()).request(
            "POST", "/alerts/replies", json={"conversation_id": conversation_id, "text": text}
        )
    except ServiceUnavailable:
        return None
    if reply.status != 200 or not isinstance(reply.body, dict):
        logger.warning("alert reply check: the account service answered %s", reply.status)
        return None
    return _read(reply.body)


def _read(body: dict[str, Any]) -> AlertReply | None:
    outcome = body.get("outcome")
    text, message = body.get("text"), body.get("message")
    buttons = [
        {"title": str(button["title"]), "payload": str(button["payload"])}
        for button in body.get("buttons") or []
        if isinstance(button, dict) and "title" in button and "payload" in button
    ]
    if outcome == "answered" and isinstance(text, str) and text:
        return AlertReply("answered", text=text, buttons=buttons)
    if outcome == "hand_over" and isinstance(message, str) and message.startswith("/"):
        return AlertReply("hand_over", message=message)
    return AlertReply("none") if outcome == "none" else None
