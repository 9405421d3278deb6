"""Rasa's REST channel with input checks: a clear 400 for a malformed body, clean text.

Same path and reply format as Rasa's own (`POST /webhooks/rest/webhook`), so clients
need no change. Unlike Rasa's, it never writes the message text into a log.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.message_hygiene import is_valid_sender, screen_message

logger = logging.getLogger(__name__)

# An empty message is still a turn: it reaches the assistant as a message it cannot understand,
# so the customer gets the usual polite "say it another way" answer.
EMPTY_MESSAGE_PAYLOAD = "/nlu_fallback"


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": "bad_request", "reason": reason}, status=400)


def parse_body(request: Request) -> tuple[dict[str, Any] | None, str | None]:
    """The JSON object of the body, or the reason it is not acceptable."""
    try:
        body = request.json
    except Exception:  # sanic raises its own error type for undecodable JSON
        return None, "the body must be JSON"
    if not isinstance(body, dict):
        return None, "the body must be a JSON object"
    if not is_valid_sender(body.get("sender")):
        return None, "'sender' must be a non-empty string of at most 128 printable characters"
    if not isinstance(body.get("message"), str):
        return None, "'message' must be a string"
    if body.get("metadata") is not None and not isinstance(body["metadata"], dict):
        return None, "'metadata' must be a JSON object"
    return body, None


class RestChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body, reason = parse_body(request)
            if body is None:
                return bad_request(reason or "malformed request")
            text, warnings = screen_message(body["message"])
            text = text or EMPTY_MESSAGE_PAYLOAD
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        collector,
                        body["sender"],
                        input_channel=self.name(),
                        metadata=body.get("metadata"),
                    )
                )
            except CancelledError:
                logger.error("REST message timed out (sender %s)", body["sender"])
            except Exception:
                logger.exception("REST message failed (sender %s)", body["sender"])
            said_first = [{"recipient_id": body["sender"], "text": warning} for warning in warnings]
            return response.json(said_first + collector.messages)

        return webhook
