"""Facebook Messenger: configured from the environment, every request's `X-Hub-Signature-256`
checked, buttons as quick replies, replies through the Graph API's Send API.

Environment (the channel is off unless the first three are set):
- FACEBOOK_VERIFY_TOKEN: the token you type in the app's webhook settings; Facebook's
  subscription check (`GET …/webhook?hub.mode=subscribe&hub.verify_token=…`) must send it.
- FACEBOOK_APP_SECRET: signs every webhook request (`X-Hub-Signature-256`, HMAC-SHA256 of the
  body; 401 when wrong or missing) and every reply (`appsecret_proof`).
- FACEBOOK_PAGE_ACCESS_TOKEN: the page's token, used to send the replies.
- FACEBOOK_API_URL: optional; the Graph API address (default https://graph.facebook.com).
- FACEBOOK_API_VERSION: optional; the Graph API version (default 21.0).

Register `https://<host>/webhooks/facebook/webhook` as the page's webhook (field `messages` and
`messaging_postbacks`).

The conversation is the customer's page-scoped ID. Rasa's own Messenger channel checks only the
SHA-1 header (with `==`) and answers 200 when it does not match, passes attachment URLs to the
assistant as text, and calls the blocking fbmessenger client on the event loop. Here the text and
quick-reply/postback payloads of every event in the batch are handled, attachments are not, and
the fbmessenger client runs in a worker thread. fbmessenger has no option for the API address:
the client's `graph_url` attribute is set after it is built.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from fbmessenger import MessengerClient
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput as RasaFacebookInput
from rasa.core.channels.facebook import Messenger, MessengerBot
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.agent_relay import AgentLine, PlatformRelay, RelayFailed, add_relay_route
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
from channels.signatures import FACEBOOK_SIGNATURE_HEADER, hub_signature_256_ok

logger = logging.getLogger(__name__)

DEFAULT_API_URL = "https://graph.facebook.com"
DEFAULT_API_VERSION = "21.0"
# Messenger's limits for quick replies.
MAX_QUICK_REPLIES = 13
MAX_QUICK_REPLY_TITLE = 20


@dataclass(frozen=True)
class FacebookSettings:
    verify_token: str
    app_secret: str
    page_access_token: str
    api_url: str = DEFAULT_API_URL
    api_version: str = DEFAULT_API_VERSION

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FacebookSettings | None:
        values = env_settings(
            "facebook",
            ("FACEBOOK_VERIFY_TOKEN", "FACEBOOK_APP_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN"),
            ("FACEBOOK_API_URL", "FACEBOOK_API_VERSION"),
            env,
        )
        if values is None:
            return None
        return cls(
            verify_token=values["FACEBOOK_VERIFY_TOKEN"],
            app_secret=values["FACEBOOK_APP_SECRET"],
            page_access_token=values["FACEBOOK_PAGE_ACCESS_TOKEN"],
            api_url=(values["FACEBOOK_API_URL"] or DEFAULT_API_URL).rstrip("/"),
            api_version=(values["FACEBOOK_API_VERSION"] or DEFAULT_API_VERSION).removeprefix("v"),
        )

    @property
    def graph_url(self) -> str:
        return f"{self.api_url}/v{self.api_version}"


def quick_reply_title(title: str) -> str:
    return title if len(title) <= MAX_QUICK_REPLY_TITLE else title[: MAX_QUICK_REPLY_TITLE - 1] + "…"


def quick_replies(buttons: list[dict[str, Any]]) -> list[dict[str, str]]:
    return [
        {
            "content_type": "text",
            "title": quick_reply_title(str(button.get("title") or button.get("payload"))),
            "payload": str(button.get("payload") or button.get("title")),
        }
        for button in buttons[:MAX_QUICK_REPLIES]
    ]


class MessengerReplies(MessengerBot):
    """Rasa's Messenger output with every Send API call made in a worker thread (fbmessenger uses
    blocking `requests`), a timeout, errors logged, and buttons sent as quick replies."""

    def __init__(self, settings: FacebookSettings) -> None:
        client = MessengerClient(
            settings.page_access_token, api_version=settings.api_version, app_secret=settings.app_secret
        )
        client.graph_url = settings.graph_url
        super().__init__(client)

    async def _checked_call(self, method: Callable[..., Any], *args: Any) -> None:
        """RelayFailed (the reason logged) when the Send API refused the call (its answer holds
        `error`, whatever the HTTP status) or did not answer."""
        try:
            answer = await asyncio.to_thread(method, *args, timeout=API_TIMEOUT_S)
        except Exception as error:
            logger.error("facebook: a Send API call failed (%s)", type(error).__name__)
            raise RelayFailed(type(error).__name__) from None
        if not isinstance(answer, dict) or "error" in answer:
            found = answer.get("error") if isinstance(answer, dict) else None
            code = found.get("code") if isinstance(found, dict) else None
            logger.error("facebook: the Send API refused a call (code %s)", code)
            raise RelayFailed(f"facebook refused (code {code})")

    async def _call(self, method: Callable[..., Any], *args: Any) -> None:
        # The assistant's own replies: a refusal is logged and the conversation goes on.
        try:
            await self._checked_call(method, *args)
        except RelayFailed:
            return

    async def send_line(self, recipient_id: str, text: str, line: AgentLine | None = None) -> None:
        """An agent's line or a team notice (channels/agent_relay.py): unlike the assistant's
        replies, a refusal raises RelayFailed, so the agent learns the customer did not get it."""
        for part in text.strip().split("\n\n"):
            await self._checked_call(self.messenger_client.send, {"text": part}, recipient_id, "RESPONSE")

    async def _send(self, recipient_id: str, message: dict[str, Any]) -> None:
        await self._call(self.messenger_client.send, message, recipient_id, "RESPONSE")

    async def send_action(self, recipient_id: str, sender_action: str) -> None:
        await self._call(self.messenger_client.send_action, sender_action, recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in text.strip().split("\n\n"):
            await self._send(recipient_id, {"text": part})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(recipient_id, {"attachment": {"type": "image", "payload": {"url": image}}})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        await self.send_quick_replies(recipient_id, text, buttons)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies_: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        # Earlier paragraphs as plain messages; the choices go with the last one.
        *before, last = text.strip().split("\n\n")
        for part in before:
            await self._send(recipient_id, {"text": part})
        await self._send(recipient_id, {"text": last, "quick_replies": quick_replies(quick_replies_)})

    async def send_elements(self, recipient_id: str, elements: Any, **kwargs: Any) -> None:
        elements = list(elements)
        for element in elements:
            if "buttons" in element:
                self._add_postback_info(element["buttons"])
        payload = {"template_type": "generic", "elements": elements}
        await self._send(recipient_id, {"attachment": {"type": "template", "payload": payload}})

    async def send_custom_json(self, recipient_id: str, json_message: Any, **kwargs: Any) -> None:
        await self._send(recipient_id, json_message)


class FacebookInput(ConfiguredFromEnvironment, RasaFacebookInput):
    settings_type = FacebookSettings

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self, settings: FacebookSettings | None) -> None:
        self.settings = settings
        self.replies: MessengerReplies | None = None
        if settings is not None:
            super().__init__(settings.verify_token, settings.app_secret, settings.page_access_token)
            self.replies = MessengerReplies(settings)

    def get_output_channel(self) -> OutputChannel | None:
        return self.replies

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        settings, replies = self.settings, self.replies
        if settings is None or replies is None:
            return channel_off_blueprint(self.name())
        handle = screened(on_new_message, self.name())
        webhook = Blueprint("fb_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        # Agents' lines during a live handoff, through the Send API.
        add_relay_route(webhook, self.name(), PlatformRelay(lambda _: replies), relay_token())

        @webhook.route("/webhook", methods=["GET"])
        async def subscribe(request: Request) -> HTTPResponse:
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") == "subscribe" and hmac.compare_digest(
                token.encode(), settings.verify_token.encode()
            ):
                return response.text(request.args.get("hub.challenge") or "")
            return response.json({"error": "invalid_verify_token"}, status=403)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            signature = request.headers.get(FACEBOOK_SIGNATURE_HEADER)
            if not hub_signature_256_ok(settings.app_secret, request.body, signature):
                return invalid_signature()
            try:
                body = request.json
            except Exception:
                body = None
            if not isinstance(body, dict) or body.get("object") != "page":
                return response.json({"error": "bad_request", "reason": "not a page event"}, status=400)
            for sender_id, text in customer_messages(body):
                await replies.send_action(sender_id, "mark_seen")
                await replies.send_action(sender_id, "typing_on")
                try:
                    await handle(UserMessage(text, replies, sender_id, input_channel=self.name()))
                finally:
                    await replies.send_action(sender_id, "typing_off")
            return response.text("EVENT_RECEIVED")

        return webhook


def customer_messages(body: dict[str, Any]) -> list[tuple[str, str]]:
    """(sender, text) of each customer text, quick reply or postback in a webhook batch."""
    found = []
    for entry in body.get("entry") or []:
        for event in (entry or {}).get("messaging") or []:
            sender = str((event.get("sender") or {}).get("id") or "")
            message = event.get("message") or {}
            if not sender or message.get("is_echo"):
                continue
            if Messenger._is_quick_reply_message(event):
                text = message["quick_reply"]["payload"]
            elif Messenger._is_user_message(event):
                text = message["text"]
            elif (event.get("postback") or {}).get("payload"):
                text = event["postback"]["payload"]
            else:
                continue  # attachments, reactions, reads, deliveries
            if isinstance(text, str):
                found.append((sender, text))
    return found
