"""A live handoff seen from any channel: while a person has (or is about to have) the
conversation, the customer's messages go into the handoff case, never to the assistant.

The account service is the system of record: it knows whether a conversation is waiting for or
with a person, stores the customer's lines (redacted again there) and the agent's, and gives a
channel the lines meant for its customer. Every channel asks it the same three things through
`HandoffDesk`, with the channels' own token:
- `to_handoff`: the message into the live handoff (its state back), or None: the assistant answers;
- `leave_queue`: a waiting customer typed "cancel" (or its Hindi) and is back with the assistant;
- `lines_after`: the agent's lines and notices after an ID (the poll of REST and the in-app chat).

When the service does not answer within HANDOFF_TIMEOUT_S (2 s at most) the assistant answers:
a customer is never left without a reply.
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from common.account_client import AccountClient, ServiceUnavailable
from common.settings import RasaServerSettings, secret
from localization import texts

logger = logging.getLogger(__name__)

# While waiting for a person, these take the customer out of the queue, back to the assistant.
LEAVE_QUEUE = {
    *("cancel", "stop", "quit", "exit", "leave the queue", "back to the assistant", "never mind"),
    *("कैंसल", "रद्द", "रद्द करो", "रुको", "असिस्टेंट पर वापस"),
}
# Lines one poll answers at most (the app asks again with the last ID it got).
MAX_LINES_PER_POLL = 50


def wants_to_leave(text: str) -> bool:
    return text.strip(" .!").lower() in LEAVE_QUEUE


def handoff_notice(handoff: dict[str, Any], message: str = "") -> str:
    """What the customer is told when their message went to the handoff case ("" = nothing:
    a person has it and will answer), in the language of their message."""
    status = handoff.get("status")
    if status == "waiting":
        position, wait = handoff.get("position") or 1, handoff.get("estimated_wait_minutes") or 1
        return texts.for_message(texts.HANDOFF_WAITING, message).format(position=position, wait=wait)
    if status == "message_left":
        reference = handoff.get("reference")
        return texts.for_message(texts.HANDOFF_MESSAGE_LEFT, message).format(reference=reference)
    return ""


async def handoff_replies(desk: HandoffDesk, conversation: str, text: str, recipient: str) -> list | None:
    """For the channels that answer in the response (REST, in-app): the replies when a live
    handoff took the message (a notice, or [] while a person has it: their lines come through the
    poll), or None: the assistant answers."""
    if not text:
        return None
    if wants_to_leave(text) and await desk.leave_queue(conversation):
        left = texts.for_message(texts.LEFT_QUEUE, text)
        return [{"recipient_id": recipient, "text": left, "notice": True}]
    handoff = await desk.to_handoff(conversation, text)
    if handoff is None:
        return None
    notice = handoff_notice(handoff, text)
    return [{"recipient_id": recipient, "text": notice, "notice": True}] if notice else []


class HandoffDesk:
    """The account service's handoff routes as a channel calls them."""

    def __init__(self, client: AccountClient) -> None:
        self.client = client
        self._background: set[asyncio.Task[int]] = set()  # queue notices on their way

    async def to_handoff(self, conversation: str, text: str) -> dict[str, Any] | None:
        """Stores the message in the conversation's live handoff and returns the case's state, or
        None when the assistant should answer (no live handoff, or the service did not answer)."""
        if not text:
            return None
        try:
            reply = await self.client.request(
                "POST", "/handoffs/active/messages", json={"conversation_id": conversation, "text": text}
            )
        except ServiceUnavailable:
            logger.warning("handoff check failed: the assistant answers")
            return None
        if reply.status == 201 and isinstance(reply.body, dict):
            return reply.body
        if reply.status != 404:
            logger.warning("handoff check: the account service answered %s", reply.status)
        return None

    async def leave_queue(self, conversation: str) -> bool:
        """True when a waiting handoff was cancelled (False: nothing waiting, or no answer). The
        customers who moved up are told in the background: this customer's reply does not wait."""
        try:
            reply = await self.client.request(
                "POST", "/handoffs/active/cancel", json={"conversation_id": conversation}
            )
        except ServiceUnavailable:
            return False
        if reply.status != 200:
            return False
        moved = reply.body.get("queue_moved") if isinstance(reply.body, dict) else None
        if moved:
            # Imported here: the relays (agent_relay.py) build on this module.
            from channels.agent_relay import relay_queue_notices

            task = asyncio.create_task(relay_queue_notices(moved))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
        return True

    async def whatsapp_window_open(self, conversation: str) -> bool | None:
        """Whether the WhatsApp customer wrote within 24 hours (free text allowed); None when the
        service did not answer."""
        try:
            reply = await self.client.request(
                "GET", "/alerts/whatsapp-window", params={"conversation_id": conversation}
            )
        except ServiceUnavailable:
            return None
        if reply.status != 200 or not isinstance(reply.body, dict):
            return None
        return bool(reply.body.get("open"))

    async def lines_after(self, conversation: str, after: int) -> dict[str, Any] | None:
        """{status, position, lines: [{id, from, agent, text, at}]} for the customer of this
        conversation, after the line ID `after`; None when the service did not answer."""
        try:
            reply = await self.client.request(
                "GET", "/handoffs/active/lines", params={"conversation_id": conversation, "after": after}
            )
        except ServiceUnavailable:
            return None
        if reply.status != 200 or not isinstance(reply.body, dict):
            logger.warning("handoff lines: the account service answered %s", reply.status)
            return None
        return reply.body


@lru_cache(maxsize=1)
def handoff_desk() -> HandoffDesk:
    """The process's desk: the channels' token, the handoff check's short timeout."""
    settings = RasaServerSettings.load(check_secrets=False)
    token = secret(settings.channels_service_token) or ""
    return HandoffDesk(AccountClient(settings.account_service_url, token, settings.handoff_timeout_s))
