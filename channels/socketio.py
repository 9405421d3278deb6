"""The website widget's channel: Rasa's socket.io channel, fixed and with our input checks.

- Rasa 3.6 calls python-socketio's `enter_room` without awaiting it (a coroutine since 5.10), so
  with session persistence the browser never joined its room and never got a reply
  (RasaHQ/rasa#13027). Here it is awaited.
- Messages are screened like the REST channel's: control characters dropped, length capped,
  card numbers cut to their last four with a warning said first.
- The session ID names the conversation (and its identity check), so only an unguessable one is
  accepted; anything else gets a fresh random one.
- Live agent handoff: before the assistant sees a message, the account service is asked (at most
  HANDOFF_TIMEOUT_S, 2 s by default) whether the conversation is waiting for or with a person; if
  so the message goes into the handoff case and the assistant stays quiet. When the service does
  not answer in time, the assistant answers (a customer is never left without a reply).
  Agents' replies come in on POST /webhooks/socketio/agent_message (bearer AGENT_RELAY_TOKEN) and
  are emitted to the conversation's room as {text, agent: {name}} or {text, notice: true}.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import os
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncServer

from channels.message_hygiene import screen_message
from channels.rest import EMPTY_MESSAGE_PAYLOAD

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{16,128}$")
DEMO_SERVICE_TOKEN = "demo-account-service-token"
# While waiting for a person, these take the customer out of the queue, back to the assistant.
LEAVE_QUEUE = {"cancel", "stop", "quit", "exit", "leave the queue", "back to the assistant", "never mind"}
MAX_AGENT_TEXT = 2000


def handoff_settings(env: dict[str, str] | None = None) -> dict[str, Any]:
    env = dict(os.environ) if env is None else env
    service_token = env.get("ACCOUNT_SERVICE_TOKEN") or DEMO_SERVICE_TOKEN
    try:
        timeout = min(max(float(env.get("HANDOFF_TIMEOUT_S") or "2"), 0.2), 2.0)
    except ValueError:
        timeout = 2.0
    return {
        "service_url": (env.get("ACCOUNT_SERVICE_URL") or "http://localhost:8081").rstrip("/"),
        "service_token": service_token,
        "relay_token": env.get("AGENT_RELAY_TOKEN") or service_token,
        "timeout_s": timeout,
    }


def handoff_notice(handoff: dict[str, Any]) -> str:
    """What the customer is told when their message went to the handoff case ("" = nothing)."""
    status = handoff.get("status")
    if status == "waiting":
        position, wait = handoff.get("position") or 1, handoff.get("estimated_wait_minutes") or 1
        return (
            f"Your message is with the team. You're number {position} in the queue "
            f"(about {wait} minutes); a colleague will reply here. "
            'To go back to the assistant instead, type "cancel".'
        )
    if status == "message_left":
        return (
            f"Thanks, your message is saved for the team with reference {handoff.get('reference')}. "
            "They'll get back to you when they're available. Anything else, just ask me."
        )
    return ""


def acceptable_session_id(value: Any) -> str:
    return value if isinstance(value, str) and SESSION_ID.match(value) else uuid.uuid4().hex


class SocketIOChannel(InputChannel):
    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        return cls(
            user_message_evt=credentials.get("user_message_evt", "user_uttered"),
            bot_message_evt=credentials.get("bot_message_evt", "bot_uttered"),
            session_persistence=credentials.get("session_persistence", True),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            metadata_key=credentials.get("metadata_key", "customData"),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        session_persistence: bool = True,
        socketio_path: str = "/socket.io",
        metadata_key: str = "customData",
    ) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.session_persistence = session_persistence
        self.socketio_path = socketio_path
        self.metadata_key = metadata_key
        self.sio: AsyncServer | None = None
        self.handoff = handoff_settings()
        self._client: aiohttp.ClientSession | None = None

    def _service(self) -> aiohttp.ClientSession:
        if self._client is None or self._client.closed:
            self._client = aiohttp.ClientSession(
                headers={"Authorization": f"Bearer {self.handoff['service_token']}"},
                timeout=aiohttp.ClientTimeout(total=self.handoff["timeout_s"]),
            )
        return self._client

    async def leave_queue(self, conversation: str) -> bool:
        """True when a waiting handoff was cancelled (False: nothing waiting, or no answer)."""
        try:
            async with self._service().post(
                f"{self.handoff['service_url']}/handoffs/active/cancel",
                json={"conversation_id": conversation},
            ) as reply:
                return reply.status == 200
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.warning("leaving the queue failed (%s)", type(error).__name__)
            return False

    async def to_handoff(self, conversation: str, text: str) -> dict[str, Any] | None:
        """Stores the message in the conversation's live handoff and returns the case's state, or
        None when the assistant should answer (no live handoff, or the service did not answer)."""
        if not text:
            return None
        try:
            async with self._service().post(
                f"{self.handoff['service_url']}/handoffs/active/messages",
                json={"conversation_id": conversation, "text": text},
            ) as reply:
                if reply.status == 201:
                    body = await reply.json()
                    return body if isinstance(body, dict) else None
                if reply.status != 404:
                    logger.warning("handoff check: account service answered %s", reply.status)
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            logger.warning("handoff check failed (%s): the assistant answers", type(error).__name__)
        return None

    def get_output_channel(self) -> OutputChannel | None:
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Any origin: the widget is meant to be embedded on the issuer's pages.
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = acceptable_session_id(requested)
            if self.session_persistence:
                await sio.enter_room(sid, session_id)
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                session_id = data.get("session_id")
                if not (isinstance(session_id, str) and SESSION_ID.match(session_id)):
                    await sio.emit("session_error", {"reason": "request a session first"}, room=sid)
                    return
                sender_id = session_id
            else:
                sender_id = sid
            message = data.get("message")
            text, warnings = screen_message(message if isinstance(message, str) else "")
            metadata = data.get(self.metadata_key)
            output = SocketIOOutput(sio, self.bot_message_evt)
            for warning in warnings:
                await output.send_text_message(sender_id, warning)
            if text.strip(" .!").lower() in LEAVE_QUEUE and await self.leave_queue(sender_id):
                notice = "You've left the queue and you're back with the assistant. What can I do for you?"
                await sio.emit(self.bot_message_evt, {"text": notice, "notice": True}, room=sender_id)
                return
            handoff = await self.to_handoff(sender_id, text)
            if handoff is not None:
                # With a person (or leaving them a message): the assistant stays quiet. An empty
                # line still tells the widget that the message arrived (it stops "typing").
                notice = handoff_notice(handoff)
                await sio.emit(self.bot_message_evt, {"text": notice, "notice": True}, room=sender_id)
                return
            try:
                await on_new_message(
                    UserMessage(
                        text or EMPTY_MESSAGE_PAYLOAD,
                        output,
                        sender_id,
                        input_channel=self.name(),
                        metadata=metadata if isinstance(metadata, dict) else None,
                    )
                )
            except Exception:
                logger.exception("socket.io message failed (session %s)", sender_id)

        @webhook.route("/agent_message", methods=["POST"])
        async def agent_message(request: Request) -> HTTPResponse:
            """An agent's line (or a notice) for the customer's widget, from the agent console."""
            given = request.headers.get("Authorization", "")
            expected = f"Bearer {self.handoff['relay_token']}"
            if not hmac.compare_digest(given.encode(), expected.encode()):
                return response.json({"error": "unauthorized"}, status=401)
            data = request.json if isinstance(request.json, dict) else {}
            conversation, text = data.get("conversation_id"), data.get("text")
            agent = data.get("agent")
            if not (isinstance(conversation, str) and SESSION_ID.match(conversation)):
                return response.json({"error": "bad_request", "reason": "conversation_id"}, status=400)
            if not (isinstance(text, str) and 0 < len(text.strip()) <= MAX_AGENT_TEXT):
                return response.json({"error": "bad_request", "reason": "text"}, status=400)
            message: dict[str, Any] = {"text": text.strip()}
            if isinstance(agent, str) and agent.strip():
                message["agent"] = {"name": agent.strip()[:60]}
            else:
                message["notice"] = True
            await sio.emit(self.bot_message_evt, message, room=conversation)
            return response.json({"status": "sent"})

        return webhook
