"""Rasa's REST channel with input checks: a clear 400 for a malformed body, clean text.

Same path and reply format as Rasa's own (`POST /webhooks/rest/webhook`), so clients
need no change. Unlike Rasa's, it never writes the message text into a log.

The sender is not authenticated here, so this channel is for demos and `curl`: on in demo mode,
off (404) in production unless REST_CHANNEL=1 (the in-app channel is the authenticated REST).
Its conversations are `rest:<sender>`, so a REST client can never speak in another channel's
conversation (a customer's SMS, Telegram or widget conversation). Messages are limited per
conversation and per client address (429).

A body may carry a `message_id` (the client's own, at most 64 characters): a message resent
with the same ID is processed at most once, and gets the first copy's replies again
(channels/message_ledger.py). When a message cannot be taken (another replica still holds the
conversation, Redis is down) the answer is 503 with Retry-After and one line saying to send it
again: nothing was done with it.

Live handoff (channels/handoff.py): while the conversation waits for or is with a person, a
message goes into the handoff case and the answer is `[]` (a person has it) or one notice
`{"recipient_id", "text", "notice": true}` (your place in the queue; "cancel" leaves it). The
agent's lines are collected with `GET /webhooks/rest/agent_messages?sender=<sender>&after=<ID>`
(channels/agent_relay.py; docs/account-service.md, "Live handoff"). Like the channel itself the
poll is unauthenticated: whoever knows a REST sender can already speak in its conversation.
"""

from __future__ import annotations

import logging
from asyncio import CancelledError
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from rasa.core.lock_store import LockError
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.agent_relay import PolledRelay, add_relay_route, poll_response, read_after
from channels.conversations import NamespacedOutput, log_id, namespaced
from channels.guard import chat_guard
from channels.handoff import handoff_desk, handoff_replies
from channels.message_hygiene import EMPTY_MESSAGE_PAYLOAD, is_valid_sender, screen_message
from channels.message_ledger import FAILED_S, valid_message_id
from channels.messaging import channel_off_blueprint, relay_token
from localization import texts

logger = logging.getLogger(__name__)


def bad_request(reason: str) -> HTTPResponse:
    return response.json({"error": "bad_request", "reason": reason}, status=400)


def too_many_requests(retry_after_s: int) -> HTTPResponse:
    return response.json(
        {"error": "too_many_requests", "retry_after": retry_after_s},
        status=429,
        headers={"Retry-After": str(retry_after_s)},
    )


def try_again(sender: str, lines: dict[str, str], typed: str, retry_after_s: int = 3) -> HTTPResponse:
    """Nothing was done with the message: one line saying so, and a status a client resends on."""
    said = [{"recipient_id": sender, "text": texts.for_message(lines, typed)}]
    return response.json(said, status=503, headers={"Retry-After": str(retry_after_s)})


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
    if body.get("message_id") is not None and not valid_message_id(body["message_id"]):
        return None, "'message_id' must be a string of at most 64 printable characters"
    return body, None


class RestChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        guard = chat_guard()
        if not guard.settings.rest_channel_on:
            return channel_off_blueprint(self.name())
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body, reason = parse_body(request)
            if body is None:
                return bad_request(reason or "malformed request")
            conversation = namespaced(self.name(), body["sender"])
            address_key = guard.key(guard.request_address(request))
            if not await guard.allow(conversation, address_key):
                return too_many_requests(guard.settings.limit_window_s)
            screened_text, warnings = screen_message(body["message"])
            text = screened_text or EMPTY_MESSAGE_PAYLOAD
            sender, message_id = body["sender"], body.get("message_id")
            if message_id is not None:
                try:
                    claim = await guard.ledger.claim(conversation, message_id)
                except Exception as error:  # cannot tell whether it was processed: it is not, now
                    logger.warning("message ledger unavailable (%s)", type(error).__name__)
                    return try_again(sender, texts.TRY_AGAIN, text)
                if claim.state == "answered":
                    return response.json(claim.replies or [], headers={"X-Replayed": "1"})
                if claim.state == "busy":
                    return try_again(sender, texts.STILL_WORKING, text)
            said_first = [{"recipient_id": sender, "text": warning} for warning in warnings]
            # During a live handoff the message goes to the team, never to the assistant.
            to_team = await handoff_replies(handoff_desk(), conversation, screened_text, sender)
            if to_team is not None:
                if message_id is not None:
                    await guard.ledger.answered(conversation, message_id, said_first + to_team)
                return response.json(said_first + to_team)
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(
                        text,
                        NamespacedOutput(collector, self.name()),
                        conversation,
                        input_channel=self.name(),
                        metadata=guard.with_client(body.get("metadata"), address_key),
                    )
                )
            except LockError:
                # Its turn never came (another replica holds the conversation, or Redis is down):
                # nothing was done, so a resend may be processed.
                logger.warning("REST message not taken (conversation %s): lock", log_id(conversation))
                if message_id is not None:
                    await guard.ledger.release(conversation, message_id)
                return try_again(sender, texts.TRY_AGAIN, text)
            except CancelledError:
                logger.error("REST message timed out (conversation %s)", log_id(conversation))
            except Exception as error:
                failure = type(error).__name__
                logger.error("REST message failed (conversation %s): %s", log_id(conversation), failure)
            if not collector.messages:
                # Something failed part-way: the claim (if any) stays a few seconds, so a resend
                # at once is not processed on top of a turn that may still be finishing.
                if message_id is not None:
                    await guard.ledger.failed(conversation, message_id)
                return try_again(sender, texts.TRY_AGAIN, text, retry_after_s=FAILED_S)
            replies = said_first + collector.messages
            if message_id is not None:
                await guard.ledger.answered(conversation, message_id, replies)
            return response.json(replies)

        # Agents' lines for a REST conversation stay in the account service until it polls.
        add_relay_route(webhook, self.name(), PolledRelay(), relay_token())

        @webhook.route("/agent_messages", methods=["GET"])
        async def agent_messages(request: Request) -> HTTPResponse:
            """The agents' lines and notices of the sender's live handoff (GET, ?sender=&after=)."""
            sender, after = request.args.get("sender"), read_after(request.args.get("after"))
            if not is_valid_sender(sender):
                return bad_request("'sender' must be a non-empty string of at most 128 printable characters")
            if after is None:
                return bad_request("'after' must be the ID of the last line received (a whole number)")
            conversation = namespaced(self.name(), str(sender))
            # Polls are counted apart from messages: an app asking every few seconds must not
            # use up the conversation's messages.
            if not await guard.allow(f"poll:{conversation}", guard.key(guard.request_address(request))):
                return too_many_requests(guard.settings.limit_window_s)
            return await poll_response(conversation, str(sender), after)

        return webhook
