"""An agent's line (or a notice: joined, left) to the customer, on the channel the handoff came from.

The agent console stores every line in the account service first (the system of record) and then
calls `POST /webhooks/<channel>/agent_message` on the Rasa server, bearer AGENT_RELAY_TOKEN, with
`{conversation_id, text, agent?}` (no agent: a notice). The relay lives in the Rasa process
because that process already holds each channel's platform credentials and its output (the
socket.io server and its rooms, the Telegram bot, the Twilio numbers, the Slack and Messenger
clients); a second copy of those secrets elsewhere would be one more place to leak and rotate.

One small interface, one implementation per kind of channel:
- `SocketIORelay`: pushed to the widget's room (through Redis to whichever replica holds it);
- `PlatformRelay`: sent through the platform's API (Telegram, Slack, Twilio SMS and WhatsApp,
  Messenger), the agent's name in front of the line since those apps show only the bot;
- `PolledRelay`: REST and the in-app chat have no connection to push to: the line is already in
  the account service, and the app collects it with `GET /webhooks/<channel>/agent_messages`.

When a customer leaves the queue (a cancel, which reaches the account service from this process)
the account service answers with a notice for each customer who moved up (queue_moves.py);
`relay_queue_notices` passes them on through the relay each channel registered here, side by side.

Each channel's route accepts only its own conversations (`<channel>:…`): a line for a Telegram
conversation sent to the Slack route is 400, so a mistake or a forged call cannot land in
another channel's chat. The text is never logged.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from rasa.core.channels.channel import OutputChannel
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.conversations import log_id, platform_id
from channels.handoff import HandoffDesk, handoff_desk

logger = logging.getLogger(__name__)

MAX_AGENT_TEXT = 2000
MAX_AGENT_NAME = 60


@dataclass(frozen=True)
class AgentLine:
    text: str
    agent: str | None = None  # None: a notice from the team (joined, left), not a person's line


class RelayFailed(Exception):
    """The channel could not pass the line on (the platform refused it or did not answer)."""


class AgentRelay(Protocol):
    async def deliver(self, recipient: str, line: AgentLine) -> str:
        """Passes the line to `recipient` (the platform's own ID); "sent" when pushed, "stored"
        when the customer's app collects it. RelayFailed when it could not."""
        ...


class SocketIORelay:
    def __init__(self, sio: Any, event: str) -> None:
        self.sio, self.event = sio, event

    async def deliver(self, recipient: str, line: AgentLine) -> str:
        message: dict[str, Any] = {"text": line.text}
        if line.agent:
            message["agent"] = {"name": line.agent}
        else:
            message["notice"] = True
        await self.sio.emit(self.event, message, room=recipient)
        return "sent"


class PlatformRelay:
    """Through the channel's own output (its platform API client)."""

    def __init__(self, output_for: Callable[[str], OutputChannel | None]) -> None:
        self.output_for = output_for

    async def deliver(self, recipient: str, line: AgentLine) -> str:
        output = self.output_for(recipient)
        if output is None:
            raise RelayFailed("no sender for this recipient")
        text = f"{line.agent}: {line.text}" if line.agent else line.text
        # Outputs that log and swallow a platform's refusal for the assistant's replies (Twilio,
        # Messenger) have a `send_line` that raises it instead: "sent" must mean sent.
        send_line = getattr(output, "send_line", None)
        try:
            if send_line is not None:
                await send_line(recipient, text, line)
            else:
                await output.send_text_message(recipient, text)
        except RelayFailed:
            raise
        except Exception as error:
            raise RelayFailed(type(error).__name__) from None
        return "sent"


class PolledRelay:
    """Nothing to push: the account service holds the line until the app asks for it."""

    async def deliver(self, recipient: str, line: AgentLine) -> str:
        return "stored"


# --- the poll of REST and the in-app chat -----------------------------------------------------------


def read_after(value: str | None) -> int | None:
    """The `after` of a poll: the last line ID the app has (0 or absent: from the start)."""
    if value in (None, ""):
        return 0
    # ASCII digits only: str.isdigit() also takes "²", which int() refuses (a 500, not a 400).
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 12 else None


def customer_line(line: dict[str, Any], recipient: str) -> dict[str, Any]:
    """A stored line as the app shows it, in the widget's shapes: {text, agent: {name}} for a
    person's line, {text, notice: true} for the team's notice (joined, left)."""
    shown: dict[str, Any] = {"id": line.get("id"), "recipient_id": recipient, "text": line.get("text")}
    if line.get("from") == "agent":
        shown["agent"] = {"name": line.get("agent") or ""}
    else:
        shown["notice"] = True
    shown["at"] = line.get("at")
    return shown


async def poll_response(
    conversation: str, recipient: str, after: int, desk: HandoffDesk | None = None
) -> HTTPResponse:
    """The agents' lines and notices for the conversation after `after`, with the handoff's state:
    `{status, position, messages: […], after}` (`after`: the ID to ask from next time)."""
    found = await (desk or handoff_desk()).lines_after(conversation, after)
    if found is None:
        return response.json(
            {"error": "unavailable", "retry_after": 5}, status=503, headers={"Retry-After": "5"}
        )
    lines = [line for line in found.get("lines") or [] if isinstance(line, dict)]
    last = max([after, *(int(line["id"]) for line in lines if isinstance(line.get("id"), int))])
    return response.json(
        {
            "status": found.get("status"),
            "position": found.get("position"),
            "messages": [customer_line(line, recipient) for line in lines],
            "after": last,
        },
        headers={"Cache-Control": "no-store"},
    )


def relay_token_ok(request: Request, token: str) -> bool:
    given = request.headers.get("Authorization", "")
    # An unset token (possible only in tests of a bare channel) accepts nobody.
    return bool(token) and hmac.compare_digest(given.encode(), f"Bearer {token}".encode())


def read_line(body: Any, channel: str) -> tuple[str, AgentLine] | str:
    """(recipient, line) from the relay's body, or the name of the field that is wrong."""
    data = body if isinstance(body, dict) else {}
    conversation, text, agent = data.get("conversation_id"), data.get("text"), data.get("agent")
    recipient = platform_id(conversation, channel) if isinstance(conversation, str) else None
    if not recipient:
        return "conversation_id"
    if not (isinstance(text, str) and 0 < len(text.strip()) <= MAX_AGENT_TEXT):
        return "text"
    name = agent.strip()[:MAX_AGENT_NAME] if isinstance(agent, str) and agent.strip() else None
    return recipient, AgentLine(text.strip(), name)


# Channel name -> the relay its route uses: how this process reaches any channel's customer.
RELAYS: dict[str, AgentRelay] = {}


async def relay_queue_notices(notices: Any) -> int:
    """The account service's queue-moved notices ({conversation_id, text}, already stored) to each
    customer on their channel, side by side; one that fails is logged and does not stop the others.
    Returns how many were passed on."""
    wanted: list[tuple[AgentRelay, str, AgentLine, str]] = []
    for notice in notices if isinstance(notices, list) else []:
        conversation = notice.get("conversation_id") if isinstance(notice, dict) else None
        text = notice.get("text") if isinstance(notice, dict) else None
        if not (isinstance(conversation, str) and isinstance(text, str) and text.strip()):
            continue
        channel = conversation.partition(":")[0]
        recipient = platform_id(conversation, channel) if channel in RELAYS else None
        if recipient:
            line = AgentLine(text.strip()[:MAX_AGENT_TEXT])
            wanted.append((RELAYS[channel], recipient, line, conversation))
    outcomes = await asyncio.gather(
        *(relay.deliver(recipient, line) for relay, recipient, line, _ in wanted), return_exceptions=True
    )
    for (_, _, _, conversation), outcome in zip(wanted, outcomes, strict=True):
        if isinstance(outcome, BaseException):
            name = type(outcome).__name__
            logger.warning("queue notice not delivered (%s, %s)", log_id(conversation), name)
    return sum(1 for outcome in outcomes if not isinstance(outcome, BaseException))


def add_relay_route(webhook: Blueprint, channel: str, relay: AgentRelay, token: str) -> None:
    """POST <channel's webhook>/agent_message: the agent console's line for this channel's customer."""
    RELAYS[channel] = relay

    async def agent_message(request: Request) -> HTTPResponse:
        if not relay_token_ok(request, token):
            return response.json({"error": "unauthorized"}, status=401)
        try:
            body = request.json
        except Exception:  # sanic's own error type for undecodable JSON
            body = None
        read = read_line(body, channel)
        if isinstance(read, str):
            return response.json({"error": "bad_request", "reason": read}, status=400)
        recipient, line = read
        try:
            status = await relay.deliver(recipient, line)
        except RelayFailed as error:
            conversation = body["conversation_id"] if isinstance(body, dict) else ""
            logger.error(
                "%s: an agent's line was not delivered (%s, %s)", channel, log_id(conversation), error
            )
            return response.json({"error": "not_delivered"}, status=502)
        return response.json({"status": status})

    webhook.add_route(agent_message, "/agent_message", methods=["POST"], name=f"{channel}_agent_message")
