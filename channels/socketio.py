"""The website widget's channel: Rasa's socket.io channel, fixed and with our input checks.

- Rasa 3.6 calls python-socketio's `enter_room` without awaiting it (a coroutine since 5.10), so
  with session persistence the browser never joined its room and never got a reply
  (RasaHQ/rasa#13027). Here it is awaited.
- Messages are screened like the REST channel's: control characters dropped, length capped,
  card numbers cut to their last four with a warning said first.
- The session ID names the conversation (and its identity check), so only an unguessable one is
  accepted; anything else gets a fresh random one.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

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

        return webhook
