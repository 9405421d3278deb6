"""SMS and email: every message goes to the outbox table; a gateway may deliver it. Alerts too,
on any of their channels (SMS, WhatsApp, Telegram, email), through their platform's Delivery
(alert_delivery.py).

The outbox row is written in the same transaction as the work that caused the message, and the
gateway is called only after that transaction committed, so a customer is never sent a code for
a challenge that was rolled back. In demo mode there is no gateway at all: the outbox is where
testers read what would have been sent (GET /demo/outbox). A real deployment plugs an SMS/email
provider in by implementing MessageGateway; outside demo mode the stored copy has any one-time
code masked, so the code exists only in memory on its way to the gateway.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from account_service.alert_delivery import Delivery, DeliveryFailed, Outgoing
from account_service.models import Customer, OutboxMessage
from privacy.redaction import mask_codes, mask_signed_links

logger = logging.getLogger(__name__)

_PENDING = "account_service.pending_messages"


class MessageGateway(Protocol):
    async def send(self, channel: str, to: str, text: str) -> None: ...


class NoGateway:
    """Sends nothing: the outbox row is the whole of the message."""

    async def send(self, channel: str, to: str, text: str) -> None:
        return None


@dataclass(frozen=True)
class Message:
    channel: str
    to: str
    text: str


class Messenger:
    def __init__(
        self,
        gateway: MessageGateway,
        keep_codes_in_outbox: bool,
        deliveries: Mapping[str, Delivery] | None = None,
    ) -> None:
        self.gateway = gateway
        self.keep_codes_in_outbox = keep_codes_in_outbox
        # Alert channel -> its platform; a channel without one keeps its alerts in the outbox only.
        self.deliveries = dict(deliveries or {})
        self._background: set[asyncio.Task[None]] = set()

    def queue_alert(
        self, session: AsyncSession, customer_id: int, outgoing: Outgoing, shown_to: str, now: datetime
    ) -> None:
        """Records an alert (as the customer will read it) for delivery after commit. Alerts hold
        no code and no link, so the stored copy is the text itself."""
        session.add(
            OutboxMessage(
                customer_id=customer_id,
                channel=outgoing.channel,
                recipient=shown_to,
                text=outgoing.text,
                sent_at=now,
            )
        )
        session.info.setdefault(_PENDING, []).append(outgoing)

    def queue(self, session: AsyncSession, customer: Customer, channel: str, text: str, now: datetime) -> str:
        """Records the message for delivery after commit; returns the destination."""
        to = customer.phone if channel == "sms" else customer.email
        # Outside demo mode the stored copy keeps neither a code nor a signed link (a reset link
        # is a credential for an hour); only the gateway gets the full text.
        stored = text if self.keep_codes_in_outbox else mask_codes(mask_signed_links(text))
        session.add(
            OutboxMessage(customer_id=customer.id, channel=channel, recipient=to, text=stored, sent_at=now)
        )
        session.info.setdefault(_PENDING, []).append(Message(channel, to, text))
        return to

    def discard(self, session: AsyncSession) -> None:
        session.info.pop(_PENDING, None)

    async def deliver(self, session: AsyncSession) -> None:
        """Call after commit. A failed delivery is logged (channel only) and does not undo the work."""
        await self._send_all(session.info.pop(_PENDING, []))

    def deliver_later(self, session: AsyncSession) -> None:
        """Call after commit: hands the messages to the gateway without waiting for it, so that
        the answer's timing does not say whether anything was sent (identity challenges)."""
        messages = session.info.pop(_PENDING, [])
        if messages:
            task = asyncio.get_running_loop().create_task(self._send_all(messages))
            self._background.add(task)
            task.add_done_callback(self._background.discard)

    async def close(self) -> None:
        """Waits for messages still on their way to the gateway (at shutdown)."""
        await asyncio.gather(*self._background, return_exceptions=True)

    async def _send_all(self, messages: list[Message | Outgoing]) -> None:
        for message in messages:
            try:
                if isinstance(message, Message):
                    await self.gateway.send(message.channel, message.to, message.text)
                elif message.channel in self.deliveries:
                    await self.deliveries[message.channel].send(message)
            except Exception as error:  # one bad message must not fail the request
                # The platform's status only: other errors may carry a recipient or a text.
                reason = str(error) if isinstance(error, DeliveryFailed) else type(error).__name__
                logger.error("message delivery failed on %s: %s", message.channel, reason)
