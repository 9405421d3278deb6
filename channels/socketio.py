"""The website widget's channel: Rasa's socket.io channel, fixed and with our input checks.

- Rasa 3.6 calls python-socketio's `enter_room` without awaiting it (a coroutine since 5.10), so
  with session persistence the browser never joined its room and never got a reply
  (RasaHQ/rasa#13027). Here it is awaited.
- Sessions are issued by the server: `session_request {session_id, session_secret}` continues a
  session only when the secret is the one the server issued for it (an HMAC of the ID under
  WIDGET_SESSION_SECRET, itsdangerous, with WIDGET_SESSION_PREVIOUS_SECRETS still accepted);
  anything else gets a new, empty conversation with a new ID and secret. Messages go to the
  session the connection was confirmed for, never to one the client names. The conversation is
  `socketio:<session ID>` (channels/conversations.py).
- Only pages in WIDGET_ORIGINS may connect from a browser (the Origin header); the demo website
  in demo mode. A connection without an Origin (not a browser) is not a cross-site risk.
- Messages are screened like the REST channel's: control characters dropped, length capped,
  card numbers cut to their last four with a warning said first; limited per conversation and
  per client address (a polite line when over); socket.io packets are capped at 64 KB.
- Live agent handoff: before the assistant sees a message, the account service is asked (at most
  HANDOFF_TIMEOUT_S, 2 s by default) whether the conversation is waiting for or with a person; if
  so the message goes into the handoff case and the assistant stays quiet. When the service does
  not answer in time, the assistant answers (a customer is never left without a reply).
  Agents' replies come in on POST /webhooks/socketio/agent_message (bearer AGENT_RELAY_TOKEN,
  channels/agent_relay.py) and are emitted to the conversation's room as {text, agent: {name}} or
  {text, notice: true}. Every other channel does the same (channels/handoff.py).
- With REDIS_URL (several replicas), python-socketio's Redis manager carries every emit to the
  replica that holds the widget's socket.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from itsdangerous import BadSignature, Signer
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOOutput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from channels.agent_relay import MAX_AGENT_TEXT, SocketIORelay, add_relay_route  # noqa: F401
from channels.conversations import NamespacedOutput, log_id, namespaced
from channels.guard import chat_guard
from channels.handoff import LEAVE_QUEUE, handoff_desk, handoff_notice, wants_to_leave  # noqa: F401
from channels.message_hygiene import EMPTY_MESSAGE_PAYLOAD, screen_message
from channels.message_ledger import valid_message_id
from common.settings import secret
from localization import texts

logger = logging.getLogger(__name__)

SESSION_SECRET_SALT = "widget-session"
MAX_PACKET_BYTES = 64 * 1024


class WidgetSessions:
    """Issues widget session IDs with their secrets, and checks a secret a widget presents."""

    def __init__(self, keys: list[str]) -> None:
        # itsdangerous: signs with the last key, accepts any (key rotation).
        self._signer = Signer(keys, salt=SESSION_SECRET_SALT)

    def issue(self) -> tuple[str, str]:
        session_id = uuid.uuid4().hex
        return session_id, self.secret_for(session_id)

    def secret_for(self, session_id: str) -> str:
        return self._signer.get_signature(session_id).decode()

    def continues(self, session_id: Any, session_secret: Any) -> bool:
        if not (isinstance(session_id, str) and isinstance(session_secret, str)):
            return False
        if not (0 < len(session_id) <= 64 and 0 < len(session_secret) <= 128):
            return False
        try:
            return self._signer.verify_signature(session_id.encode(), session_secret.encode())
        except BadSignature:
            return False


class RecordingOutput(SocketIOOutput):
    """Rasa's socket.io output, keeping what it sent for the message ledger."""

    def __init__(self, sio: AsyncServer, bot_message_evt: str) -> None:
        super().__init__(sio, bot_message_evt)
        self.sent: list[dict[str, Any]] = []

    async def _send_message(self, socket_id: str, response: Any) -> None:
        if isinstance(response, dict):
            self.sent.append(response)
        await super()._send_message(socket_id, response)


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
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            metadata_key=credentials.get("metadata_key", "customData"),
        )

    def __init__(
        self,
        user_message_evt: str = "user_uttered",
        bot_message_evt: str = "bot_uttered",
        socketio_path: str = "/socket.io",
        metadata_key: str = "customData",
    ) -> None:
        self.user_message_evt = user_message_evt
        self.bot_message_evt = bot_message_evt
        self.socketio_path = socketio_path
        self.metadata_key = metadata_key
        self.sio: AsyncServer | None = None
        self.guard = chat_guard()
        self.sessions = WidgetSessions(self.guard.settings.widget_session_keys)

    async def leave_queue(self, conversation: str) -> bool:
        """True when a waiting handoff was cancelled (False: nothing waiting, or no answer)."""
        return await handoff_desk().leave_queue(conversation)

    async def to_handoff(self, conversation: str, text: str) -> dict[str, Any] | None:
        """The message into the conversation's live handoff (channels/handoff.py), or None."""
        return await handoff_desk().to_handoff(conversation, text)

    async def answered(self, conversation: str, message_id: str | None, sent: list[dict[str, Any]]) -> None:
        if message_id is not None:
            await self.guard.ledger.answered(conversation, message_id, sent)

    def get_output_channel(self) -> OutputChannel | None:
        return SocketIOOutput(self.sio, self.bot_message_evt) if self.sio is not None else None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        settings = self.guard.settings
        # A list: only these pages; None: the Rasa server's own origin only (engine.io's rule).
        # Several Rasa replicas: emits go through Redis, so an agent's line or a reply reaches
        # the widget whichever replica holds its socket (the balancer keeps a socket on one).
        manager = AsyncRedisManager(secret(settings.redis_url)) if settings.redis_url else None
        sio = AsyncServer(
            async_mode="sanic",
            client_manager=manager,
            cors_allowed_origins=settings.widget_origin_list or None,
            max_http_buffer_size=MAX_PACKET_BYTES,
        )
        webhook = SocketBlueprint(sio, self.socketio_path, "socketio_webhook", __name__)
        self.sio = sio

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @sio.on("connect")
        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> None:
            request = environ.get("sanic.request")
            peer = request.ip if request is not None else environ.get("REMOTE_ADDR")
            forwarded = environ.get("HTTP_X_FORWARDED_FOR")
            address = self.guard.address(peer, [forwarded] if forwarded else [])
            await sio.save_session(sid, {"client_key": self.guard.key(address)})

        @sio.on("session_request")
        async def session_request(sid: str, data: Any) -> None:
            data = data if isinstance(data, dict) else {}
            session_id, session_secret = data.get("session_id"), data.get("session_secret")
            if not self.sessions.continues(session_id, session_secret):
                session_id, session_secret = self.sessions.issue()
            state = await sio.get_session(sid)
            previous = state.get("session_id")
            if previous and previous != session_id:
                await sio.leave_room(sid, previous)
            await sio.save_session(sid, {**state, "session_id": session_id})
            await sio.enter_room(sid, session_id)
            confirmed = {"session_id": session_id, "session_secret": session_secret}
            await sio.emit("session_confirm", confirmed, room=sid)

        @sio.on(self.user_message_evt)
        async def handle_message(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                return
            state = await sio.get_session(sid)
            session_id = state.get("session_id")
            if not session_id or data.get("session_id") not in (None, session_id):
                await sio.emit("session_error", {"reason": "request a session first"}, room=sid)
                return
            conversation = namespaced(self.name(), session_id)
            output = SocketIOOutput(sio, self.bot_message_evt)
            if not await self.guard.allow(conversation, state.get("client_key")):
                typed = data["message"] if isinstance(data.get("message"), str) else ""
                await output.send_text_message(session_id, texts.for_message(texts.SLOW_DOWN, typed))
                return
            message = data.get("message")
            text, warnings = screen_message(message if isinstance(message, str) else "")
            metadata = data.get(self.metadata_key)
            # A message sent again after a reconnect (same ID) is processed at most once; if it
            # was answered, its answers are sent again (the first ones may have been lost).
            message_id = data.get("message_id") if valid_message_id(data.get("message_id")) else None
            if message_id is not None:
                try:
                    claim = await self.guard.ledger.claim(conversation, message_id)
                except Exception as error:
                    logger.warning("message ledger unavailable (%s)", type(error).__name__)
                    await output.send_text_message(session_id, texts.for_message(texts.TRY_AGAIN, text))
                    return
                if claim.state != "new":
                    for reply in claim.replies or []:
                        await sio.emit(self.bot_message_evt, reply, room=session_id)
                    return
            output = RecordingOutput(sio, self.bot_message_evt)
            for warning in warnings:
                await output.send_text_message(session_id, warning)
            if wants_to_leave(text) and await self.leave_queue(conversation):
                notice = {"text": texts.for_message(texts.LEFT_QUEUE, text), "notice": True}
                await sio.emit(self.bot_message_evt, notice, room=session_id)
                await self.answered(conversation, message_id, [*output.sent, notice])
                return
            handoff = await self.to_handoff(conversation, text)
            if handoff is not None:
                # With a person (or leaving them a message): the assistant stays quiet. An empty
                # line still tells the widget that the message arrived (it stops "typing").
                notice = {"text": handoff_notice(handoff, text), "notice": True}
                await sio.emit(self.bot_message_evt, notice, room=session_id)
                await self.answered(conversation, message_id, [*output.sent, notice])
                return
            try:
                await on_new_message(
                    UserMessage(
                        text or EMPTY_MESSAGE_PAYLOAD,
                        NamespacedOutput(output, self.name()),
                        conversation,
                        input_channel=self.name(),
                        metadata=self.guard.with_client(
                            metadata if isinstance(metadata, dict) else None, state.get("client_key")
                        ),
                    )
                )
            except Exception as error:
                # Not taken (another replica holds the conversation, a store is down): say so.
                logger.error("socket.io message failed (%s, %s)", log_id(conversation), type(error).__name__)
                if message_id is not None:
                    await self.guard.ledger.failed(conversation, message_id)
                await output.send_text_message(session_id, texts.for_message(texts.TRY_AGAIN, text))
                return
            await self.answered(conversation, message_id, output.sent)

        # Agents' lines and notices (channels/agent_relay.py): emitted to the conversation's room.
        relay = SocketIORelay(sio, self.bot_message_evt)
        add_relay_route(webhook, self.name(), relay, secret(settings.agent_relay_token))

        return webhook
