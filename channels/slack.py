"""Slack: Rasa's Slack channel, configured from the environment, answering direct messages only,
with replies through a configurable Web API address.

Environment (the channel is off unless both are set):
- SLACK_BOT_TOKEN: the app's bot token (xoxb-…), scopes chat:write and im:history.
- SLACK_SIGNING_SECRET: the app's signing secret; every request must carry a valid
  `X-Slack-Signature` (v0, HMAC-SHA256 of `v0:<timestamp>:<body>`) and an
  `X-Slack-Request-Timestamp` less than 5 minutes old, or it gets 401.
- SLACK_API_URL: optional; the Web API address (default https://slack.com/api/).

Register `https://<host>/webhooks/slack/webhook` as the Events API request URL (event
`message.im`) and as the Interactivity request URL (buttons).

The signature check is Rasa's own (`is_request_from_slack_authentic`), run first so that a bad
one gets 401 (Rasa's route would say 400) and the URL check (`url_verification`) is answered the
way Slack documents it. The conversation is the Slack user; the assistant answers in direct
messages only, since a reply to a mention in a channel would show account details to everyone
there. Text is screened like the REST channel's; Slack's `&amp;`, `&lt;`, `&gt;` are unescaped
first. Rasa answers Slack at once and runs the assistant in the background, so replies come
a moment after the webhook's 200.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot
from rasa.core.channels.slack import SlackInput as RasaSlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from channels.agent_relay import PlatformRelay, add_relay_route
from channels.messaging import (
    API_TIMEOUT_S,
    ConfiguredFromEnvironment,
    OnNewMessage,
    channel_off_blueprint,
    env_settings,
    invalid_signature,
    relay_token,
    screened,
)

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://slack.com/api/"
_SLACK_ESCAPES = (("&lt;", "<"), ("&gt;", ">"), ("&amp;", "&"))


@dataclass(frozen=True)
class SlackSettings:
    bot_token: str
    signing_secret: str
    api_url: str = DEFAULT_API_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SlackSettings | None:
        values = env_settings("slack", ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"), ("SLACK_API_URL",), env)
        if values is None:
            return None
        api_url = values["SLACK_API_URL"] or DEFAULT_API_URL
        return cls(
            bot_token=values["SLACK_BOT_TOKEN"],
            signing_secret=values["SLACK_SIGNING_SECRET"],
            api_url=api_url if api_url.endswith("/") else f"{api_url}/",
        )


def unescape_slack(text: str) -> str:
    """Slack sends &, < and > escaped (https://api.slack.com/reference/surfaces/formatting)."""
    for escaped, plain in _SLACK_ESCAPES:
        text = text.replace(escaped, plain)
    return text


class SlackReplies(SlackBot):
    """Rasa's Slack output with its Web API client pointed at the configured address."""

    def __init__(
        self, settings: SlackSettings, slack_channel: str | None = None, thread_id: str | None = None
    ):
        super().__init__(settings.bot_token, slack_channel, thread_id)
        self.client = AsyncWebClient(settings.bot_token, base_url=settings.api_url, timeout=API_TIMEOUT_S)


class SlackInput(ConfiguredFromEnvironment, RasaSlackInput):
    settings_type = SlackSettings

    @classmethod
    def name(cls) -> str:
        return "slack"

    def __init__(self, settings: SlackSettings | None) -> None:
        self.settings = settings
        if settings is not None:
            super().__init__(
                slack_token=settings.bot_token,
                slack_signing_secret=settings.signing_secret,
                slack_retry_reason_header="x-slack-retry-reason",
                slack_retry_number_header="x-slack-retry-num",
                conversation_granularity="sender",
                use_threads=False,
            )

    def get_output_channel(
        self, channel: str | None = None, thread_id: str | None = None
    ) -> OutputChannel | None:
        if self.settings is None:
            return None
        return SlackReplies(self.settings, channel or self.slack_channel, thread_id)

    def _is_supported_channel(self, slack_event: dict, metadata: dict) -> bool:
        return self._is_direct_message(slack_event)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        if self.settings is None:
            return channel_off_blueprint(self.name())
        handle = screened(on_new_message, self.name())

        async def unescaped_then_screened(message: UserMessage) -> None:
            message.text = unescape_slack(message.text or "")
            await handle(message)

        webhook = super().blueprint(unescaped_then_screened)
        # Agents' lines during a live handoff: chat.postMessage to the customer's user ID (the
        # conversation is per sender), which Slack delivers in the app's direct messages.
        add_relay_route(
            webhook, self.name(), PlatformRelay(lambda _: self.get_output_channel()), relay_token()
        )

        @webhook.middleware("request")
        async def verify(request: Request) -> HTTPResponse | None:
            if not request.path.rstrip("/").endswith("/webhook"):
                return None
            if not self.is_request_from_slack_authentic(request):
                return invalid_signature()
            if request.headers.get("content-type") == "application/json":
                body = parsed_json(request)
                if body.get("type") == "url_verification":
                    return response.json({"challenge": body.get("challenge", "")})
            return None

        return webhook


def parsed_json(request: Request) -> dict[str, Any]:
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
