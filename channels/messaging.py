"""What the messaging channels (Telegram, Slack, Twilio SMS/WhatsApp, Messenger) share.

- Settings come from environment variables, never from credentials.yml: Rasa's `${VAR}`
  substitution fails on an unset variable, and a channel must be able to stay off.
- A channel whose required variables are missing is off: every route of its webhook answers
  404 `{"error": "channel_not_configured"}` and nothing reaches the assistant.
- A request without a valid platform signature gets 401 `{"error": "invalid_signature"}`.
- Text is screened exactly like the REST channel's (card numbers cut to their last four with a
  warning said first, control characters dropped, length capped) and never logged.
- The conversation is `<channel>:<the platform's ID>` (channels/conversations.py), so no other
  channel can name it; messages per conversation are limited (channels/guard.py). There is no
  per-address limit here: every webhook comes from the platform's own servers.
- On the channels alerts go to (SMS, WhatsApp, Telegram) the account service sees each message
  first: an answer to an alert, STOP/START or a Telegram link code is answered there, not by
  the assistant (channels/alert_replies.py). An answer to an alert wins even during a live
  handoff: a "NO" must freeze the card whoever is in the chat.
- During a live handoff (channels/handoff.py) the message goes into the handoff case and the
  assistant stays quiet; the customer hears their place in the queue, and "cancel" while
  waiting leaves it. Agents' lines come back through the platform's API (channels/agent_relay.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Mapping
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.alert_replies import ALERT_INPUT_CHANNELS, alert_reply
from channels.conversations import NamespacedOutput, namespaced
from channels.guard import chat_guard
from channels.handoff import handoff_desk, handoff_notice, wants_to_leave
from channels.message_hygiene import EMPTY_MESSAGE_PAYLOAD, screen_message
from common.settings import channel_variables, secret
from localization import texts

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

# Seconds one call to a platform's API may take before the reply is given up.
API_TIMEOUT_S = 10


def env_settings(
    channel: str,
    required: Iterable[str],
    optional: Iterable[str] = (),
    env: Mapping[str, str] | None = None,
) -> dict[str, str] | None:
    """The channel's variables (read by common/settings.py: blank counts as unset), or None when a
    required one is missing. A channel that is partly configured says which (never their values)."""
    values, missing = channel_variables(required, optional, env)
    if missing:
        if len(missing) < len(tuple(required)):
            logger.warning("%s channel is off: %s not set", channel, ", ".join(missing))
        return None
    return values


class ConfiguredFromEnvironment:
    """Mixed into each platform's input channel: credentials.yml names the class only, and the
    settings (secrets included) come from the environment; None when the channel is off."""

    settings_type: Any

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> Any:
        return cls(cls.settings_type.from_env())  # type: ignore[call-arg]


def channel_off_blueprint(name: str) -> Blueprint:
    """The webhook of a channel that is not configured: 404 on every route."""
    off = Blueprint(f"{name}_webhook_off", __name__)

    async def not_configured(_: Request, path: str = "") -> HTTPResponse:
        return response.json({"error": "channel_not_configured"}, status=404)

    off.add_route(not_configured, "/", methods=["GET", "POST"])
    off.add_route(not_configured, "/<path:path>", methods=["GET", "POST"])
    return off


def relay_token() -> str:
    """The agent console's token for the agents' lines (channels/agent_relay.py)."""
    return secret(chat_guard().settings.agent_relay_token)


def invalid_signature() -> HTTPResponse:
    return response.json({"error": "invalid_signature"}, status=401)


async def say(output: OutputChannel, recipient_id: str, text: str, channel: str) -> None:
    """Sends one text; a platform error is logged (without the text), not raised."""
    try:
        await output.send_text_message(recipient_id, text)
    except Exception as error:
        logger.error("%s: a reply could not be sent (%s)", channel, type(error).__name__)


async def say_with_buttons(
    output: OutputChannel, recipient_id: str, text: str, buttons: list[dict[str, str]], channel: str
) -> None:
    if not buttons:
        await say(output, recipient_id, text, channel)
        return
    try:
        await output.send_text_with_buttons(recipient_id, text, buttons)
    except Exception as error:
        logger.error("%s: a reply could not be sent (%s)", channel, type(error).__name__)


async def to_the_team(message: UserMessage, text: str, channel: str) -> bool:
    """True when a live handoff took the message (the assistant stays quiet): "cancel" while
    waiting leaves the queue; anything else goes into the case, and the customer hears their
    place in the queue (nothing while a person has the conversation: they will answer)."""
    desk = handoff_desk()
    conversation = message.sender_id
    if wants_to_leave(text) and await desk.leave_queue(conversation):
        await say(message.output_channel, conversation, texts.for_message(texts.LEFT_QUEUE, text), channel)
        return True
    handoff = await desk.to_handoff(conversation, text)
    if handoff is None:
        return False
    notice = handoff_notice(handoff, text)
    if notice:
        await say(message.output_channel, conversation, notice, channel)
    return True


def screened(on_new_message: OnNewMessage, channel: str) -> OnNewMessage:
    """Wraps Rasa's message handler: screens the text first, says any warning before the
    assistant answers, and keeps a failure inside (the platform would retry the webhook)."""

    async def handle(message: UserMessage) -> None:
        text, warnings = screen_message(message.text or "")
        message.text = text or EMPTY_MESSAGE_PAYLOAD
        message.sender_id = namespaced(channel, message.sender_id)
        message.output_channel = NamespacedOutput(message.output_channel, channel)
        if not await chat_guard().allow(message.sender_id):
            slow_down = texts.for_message(texts.SLOW_DOWN, message.text or "")
            await say(message.output_channel, message.sender_id, slow_down, channel)
            return
        for warning in warnings:
            await say(message.output_channel, message.sender_id, warning, channel)
        if channel in ALERT_INPUT_CHANNELS and text:
            routed = await alert_reply(message.sender_id, text)
            if routed is not None and routed.outcome == "answered" and routed.text:
                await say_with_buttons(
                    message.output_channel, message.sender_id, routed.text, routed.buttons, channel
                )
                return
            if routed is not None and routed.outcome == "hand_over" and routed.message:
                message.text = routed.message
        if text and await to_the_team(message, text, channel):
            return
        try:
            await on_new_message(message)
        except Exception as error:
            logger.error("%s message failed (%s)", channel, type(error).__name__)
            logger.debug("%s message failed", channel, exc_info=True)

    return handle
