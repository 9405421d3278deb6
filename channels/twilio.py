"""Twilio SMS and WhatsApp: one webhook for both, configured from the environment, every request's
signature checked, buttons as numbered choices, replies through Twilio's REST API (async).

Environment (the channel is off unless the first three and at least one number are set):
- TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN: the account; the auth token also signs Twilio's requests.
- TWILIO_WEBHOOK_URL: the exact public URL configured in Twilio for incoming messages
  (`https://<host>/webhooks/twilio/webhook`). Twilio signs that URL, and behind a proxy the
  server cannot know it, so it must be given.
- TWILIO_NUMBER: the SMS number replies are sent from (E.164, e.g. +15550100000).
- TWILIO_WHATSAPP_NUMBER: the WhatsApp sender (`whatsapp:+1…`; the prefix is added if missing).
- TWILIO_API_URL: optional; the REST API address (default https://api.twilio.com).

The conversation is the sender's address as Twilio gives it (`+1555…` for SMS,
`whatsapp:+1555…` for WhatsApp). Rasa's own Twilio channel checks no signature and sends with
the blocking client; this one checks `X-Twilio-Signature` with the Twilio library's
`RequestValidator` (401 when wrong or missing) and sends with `create_async`.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput as RasaTwilioInput
from rasa.core.channels.twilio import TwilioOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.rest import Client

from channels.agent_relay import AgentLine, PlatformRelay, RelayFailed, add_relay_route
from channels.choices import chosen_payload, numbered_text, offered_choices
from channels.conversations import namespaced
from channels.handoff import handoff_desk
from channels.message_hygiene import clean_text
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
from channels.signatures import TWILIO_SIGNATURE_HEADER, twilio_signature_ok

logger = logging.getLogger(__name__)

WHATSAPP_PREFIX = "whatsapp:"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'

# twilio-python logs every request it makes at INFO (URL, headers); these logs stay out of ours.
_twilio_http_logger = logging.getLogger("channels.twilio.http")
_twilio_http_logger.setLevel(logging.WARNING)


@dataclass(frozen=True)
class TwilioSettings:
    account_sid: str
    auth_token: str
    webhook_url: str
    sms_number: str = ""
    whatsapp_number: str = ""
    api_url: str = ""
    # Approved WhatsApp template name -> its Twilio Content SID (WHATSAPP_TEMPLATES, as the
    # account service's alerts read it): agents' lines outside the 24-hour window use them.
    whatsapp_templates: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TwilioSettings | None:
        values = env_settings(
            "twilio",
            ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_WEBHOOK_URL"),
            ("TWILIO_NUMBER", "TWILIO_WHATSAPP_NUMBER", "TWILIO_API_URL", "WHATSAPP_TEMPLATES"),
            env,
        )
        if values is None:
            return None
        if not values["TWILIO_NUMBER"] and not values["TWILIO_WHATSAPP_NUMBER"]:
            logger.warning("twilio channel is off: neither TWILIO_NUMBER nor TWILIO_WHATSAPP_NUMBER is set")
            return None
        whatsapp = values["TWILIO_WHATSAPP_NUMBER"]
        if whatsapp and not whatsapp.startswith(WHATSAPP_PREFIX):
            whatsapp = WHATSAPP_PREFIX + whatsapp
        return cls(
            account_sid=values["TWILIO_ACCOUNT_SID"],
            auth_token=values["TWILIO_AUTH_TOKEN"],
            webhook_url=values["TWILIO_WEBHOOK_URL"],
            sms_number=values["TWILIO_NUMBER"],
            whatsapp_number=whatsapp,
            api_url=values["TWILIO_API_URL"].rstrip("/"),
            whatsapp_templates=template_sids(values["WHATSAPP_TEMPLATES"]),
        )

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: the configured one, with the query string it called."""
        base = self.webhook_url.split("?", 1)[0]
        return f"{base}?{request.query_string}" if request.query_string else base


def template_sids(value: str) -> dict[str, str]:
    """ "support_reply=HX…,support_update=HX…" -> {name: SID}; malformed entries are skipped."""
    pairs = (item.split("=", 1) for item in value.split(",") if "=" in item)
    return {name.strip(): sid.strip() for name, sid in pairs if name.strip() and sid.strip()}


# Approved WhatsApp templates (category UTILITY) for a line outside the customer's 24-hour window;
# their wording and variables are in docs/account-service.md ("WhatsApp's window").
SUPPORT_REPLY = "support_reply"  # {{1}} the agent's name, {{2}} their line
SUPPORT_UPDATE = "support_update"  # {{1}} the team's notice (joined, left, the queue moved)
# What the stored templates send at most in one variable (WhatsApp caps a body at 1024).
MAX_TEMPLATE_VARIABLE = 700

WindowCheck = Callable[[str], Awaitable["bool | None"]]


class TwilioReplies(TwilioOutput):
    """Rasa's Twilio output, sending with the async HTTP client to the configured address; buttons
    become numbered choices."""

    def __init__(
        self, settings: TwilioSettings, from_number: str, window_open: WindowCheck | None = None
    ) -> None:
        http_client = AsyncTwilioHttpClient(
            pool_connections=False, timeout=API_TIMEOUT_S, logger=_twilio_http_logger
        )
        Client.__init__(self, settings.account_sid, settings.auth_token, http_client=http_client)
        if settings.api_url:
            # twilio-python has no option for the address; its API domain keeps it in `base_url`.
            self.api.base_url = settings.api_url
        self.twilio_number = from_number
        self.templates = settings.whatsapp_templates
        self.window_open = window_open  # WhatsApp: did the customer write within 24 hours?
        self.send_retry = 0
        self.max_retry = 1

    async def _create(self, message_data: dict[str, Any]) -> Any:
        """The message created at Twilio; RelayFailed (the status logged) when Twilio refused it
        or did not answer."""
        try:
            return await self.messages.create_async(**message_data)
        except TwilioRestException as error:
            logger.error("twilio: a reply was refused (HTTP %s, code %s)", error.status, error.code)
            raise RelayFailed(f"twilio answered {error.status}") from None
        except (TwilioException, aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("twilio: a reply could not be sent (%s)", type(error).__name__)
            raise RelayFailed(type(error).__name__) from None

    async def _send_message(self, message_data: dict[str, Any]) -> Any:
        # The assistant's own replies: a refusal is logged and the conversation goes on.
        try:
            return await self._create(message_data)
        except RelayFailed:
            return None

    async def send_line(self, recipient_id: str, text: str, line: AgentLine | None = None) -> None:
        """An agent's line or a team notice (channels/agent_relay.py): unlike the assistant's
        replies, a refusal raises RelayFailed, so the agent learns the customer did not get it.
        On WhatsApp outside the customer's 24-hour window it goes as an approved template (free
        text would be refused); without one configured, RelayFailed."""
        # Unknown (the service did not answer): free text is tried; WhatsApp refuses it if late.
        late = (
            recipient_id.startswith(WHATSAPP_PREFIX)
            and self.window_open is not None
            and await self.window_open(namespaced("twilio", recipient_id)) is False
        )
        if late:
            await self._create(self.template_message(recipient_id, line or AgentLine(text)))
            return
        for part in text.strip().split("\n\n"):
            await self._create({"to": recipient_id, "from_": self.twilio_number, "body": part})

    def template_message(self, recipient_id: str, line: AgentLine) -> dict[str, Any]:
        name, variables = (
            (SUPPORT_REPLY, (line.agent, line.text)) if line.agent else (SUPPORT_UPDATE, (line.text,))
        )
        sid = self.templates.get(name)
        if sid is None:
            logger.error("twilio: outside the WhatsApp window and no approved %s template", name)
            raise RelayFailed(f"no approved template {name}")
        # A template variable holds no line breaks; the line is kept whole otherwise.
        values = {
            str(number): " ".join(value.split())[:MAX_TEMPLATE_VARIABLE]
            for number, value in enumerate(variables, start=1)
        }
        return {
            "to": recipient_id,
            "from_": self.twilio_number,
            "content_sid": sid,
            "content_variables": json.dumps(values, ensure_ascii=False),
        }

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, numbered_text(text, buttons))

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_text_message(recipient_id, numbered_text(text, quick_replies))


async def whatsapp_window_open(conversation: str) -> bool | None:
    return await handoff_desk().whatsapp_window_open(conversation)


class TwilioInput(ConfiguredFromEnvironment, RasaTwilioInput):
    settings_type = TwilioSettings

    @classmethod
    def name(cls) -> str:
        return "twilio"

    def __init__(self, settings: TwilioSettings | None) -> None:
        self.settings = settings
        self.sms: TwilioReplies | None = None
        self.whatsapp: TwilioReplies | None = None
        if settings is not None:
            super().__init__(settings.account_sid, settings.auth_token, settings.sms_number, debug_mode=False)
            if settings.sms_number:
                self.sms = TwilioReplies(settings, settings.sms_number)
            if settings.whatsapp_number:
                self.whatsapp = TwilioReplies(settings, settings.whatsapp_number, whatsapp_window_open)

    def get_output_channel(self) -> OutputChannel | None:
        return self.sms or self.whatsapp

    def replies_for(self, sender: str) -> TwilioReplies | None:
        return self.whatsapp if sender.startswith(WHATSAPP_PREFIX) else self.sms

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        settings = self.settings
        if settings is None:
            return channel_off_blueprint(self.name())
        handle = screened(on_new_message, self.name())
        webhook = Blueprint("twilio_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        # Agents' lines during a live handoff: from the number the customer wrote to (SMS or WhatsApp).
        add_relay_route(webhook, self.name(), PlatformRelay(self.replies_for), relay_token())

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            signature = request.headers.get(TWILIO_SIGNATURE_HEADER)
            if not twilio_signature_ok(
                settings.auth_token, settings.signed_url(request), request.form, signature
            ):
                return invalid_signature()
            sender = request.form.get("From") or ""
            replies = self.replies_for(sender)
            if not sender or replies is None:
                logger.warning("twilio: a message came to a number this assistant has no sender for")
                return twiml()
            # Some carriers turn @ into ¡ (as in Rasa's channel).
            text = clean_text((request.form.get("Body") or "").replace("¡", "@"))
            text = chosen_payload(text, await last_choices(request, sender)) or text
            await handle(UserMessage(text, replies, sender, input_channel=self.name()))
            return twiml()

        return webhook


def twiml() -> HTTPResponse:
    """Twilio's answer: no TwiML reply (the replies go out through the REST API)."""
    return response.text(EMPTY_TWIML, content_type="text/xml")


async def last_choices(request: Request, sender: str) -> list[dict[str, Any]] | None:
    """The numbered choices the conversation was last offered, from its tracker."""
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return None
    try:
        tracker = await agent.tracker_store.retrieve(namespaced(TwilioInput.name(), sender))
    except Exception as error:
        logger.warning("twilio: the conversation could not be read for choices (%s)", type(error).__name__)
        return None
    return offered_choices(tracker.events) if tracker is not None else None
