"""Two-way alerts: posting a purchase (demo), replies from the alert channels, Telegram link codes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, StrictBool

from account_service.endpoints import Answer, Shape
from account_service.fields import Amount, ConversationId, LastFour, MessageText, UserId, text

AlertChannel = Literal["sms", "whatsapp", "telegram", "email"]


class DemoTransaction(Shape):
    """A purchase as the card network would post it."""

    user_id: UserId
    card_last_four: LastFour
    merchant: text(100)  # type: ignore[valid-type]
    amount: Amount
    online: StrictBool = Field(False, description="Card not present (web or app)")
    pending: StrictBool = False


class SentAlertOut(Answer):
    kind: Literal["large_purchase", "online_purchase", "balance", "payment_due"]
    question: Literal["fraud_check", "pay_now"] | None
    channel: AlertChannel


class PostedTransaction(Answer):
    transaction_id: int
    alerts: list[SentAlertOut]


class DemoPaymentDue(Shape):
    user_id: UserId


class SentAlerts(Answer):
    alerts: list[SentAlertOut]


class AlertReplyIn(Shape):
    conversation_id: ConversationId = Field(..., example="twilio:+15550102002")
    text: MessageText


class ButtonOut(Answer):
    title: str
    payload: str


class AlertReplyOut(Answer):
    """What the channel does with the message: `none` the assistant answers it as usual;
    `answered` send `text` (with `buttons` where the platform has them) and nothing else;
    `hand_over` give the assistant `message` in its place (a task's payload)."""

    outcome: Literal["none", "answered", "hand_over"]
    text: str | None
    buttons: list[ButtonOut]
    message: str | None


class TelegramLinkCodeOut(Answer):
    code: str = Field(..., description="Sent from the Telegram chat as /link CODE")
    expires_in: int = Field(..., description="seconds")
    bot_name: str | None
    link_url: str | None = Field(None, description="t.me deep link that sends the code when opened")


class WhatsAppWindowQuery(Shape):
    conversation_id: ConversationId = Field(..., example="twilio:whatsapp:+15550102002")


class WhatsAppWindowOut(Answer):
    open: bool = Field(
        ..., description="The customer wrote within 24 hours: free text may go; otherwise only a template"
    )
